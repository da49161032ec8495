//! Reading a response body under a size limit: takes a `reqwest::Response` and a limit in
//! bytes, gives the body read chunk by chunk, never holding (or allocating) more than the limit.

use bytes::Bytes;

/// The success-body limit unless [`crate::ClientBuilder::max_response_bytes`] says otherwise: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// The error-body limit unless [`crate::ClientBuilder::max_error_body_bytes`] says otherwise: 64 KiB.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The most allocated up front on the strength of a `Content-Length` the server declared: a
/// server that declares much and sends little costs no more than this.
const MAX_UP_FRONT: usize = 1024 * 1024;

/// A body read under a limit.
#[derive(Debug)]
pub(crate) struct LimitedBody {
    /// The body, or its first `limit` bytes when it was longer.
    pub(crate) bytes: Bytes,
    /// Whether the body was longer than the limit (the rest was not read).
    pub(crate) truncated: bool,
    /// The `Content-Length` the server declared, if any.
    pub(crate) declared: Option<u64>,
}

/// What to do with a body longer than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// Stop at once, keeping nothing (nothing is read at all when `Content-Length` is over).
    Discard,
    /// Keep the first `limit` bytes.
    KeepPrefix,
}

/// Reads `response`'s body, at most `limit` bytes of it. A body that runs past the limit is
/// abandoned there (the connection is dropped, not drained).
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
    overflow: Overflow,
) -> Result<LimitedBody, reqwest::Error> {
    let declared = response.content_length();
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    let declared_over = declared.is_some_and(|length| length > limit_u64);
    if declared_over && overflow == Overflow::Discard {
        return Ok(LimitedBody { bytes: Bytes::new(), truncated: true, declared });
    }
    let up_front = declared.map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX)).min(limit).min(MAX_UP_FRONT);
    let mut buffer: Vec<u8> = Vec::with_capacity(up_front);
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(buffer.len());
        if chunk.len() > room {
            if overflow == Overflow::KeepPrefix {
                grow_within(&mut buffer, room, limit);
                buffer.extend_from_slice(&chunk[..room]);
            } else {
                buffer = Vec::new();
            }
            return Ok(LimitedBody { bytes: Bytes::from(buffer), truncated: true, declared });
        }
        if buffer.is_empty() && buffer.capacity() == 0 && declared == u64::try_from(chunk.len()).ok() {
            // The whole body in one chunk: keep it as it is, without a copy.
            return Ok(LimitedBody { bytes: chunk, truncated: false, declared });
        }
        grow_within(&mut buffer, chunk.len(), limit);
        buffer.extend_from_slice(&chunk);
    }
    Ok(LimitedBody { bytes: Bytes::from(buffer), truncated: false, declared })
}

/// Makes room for `more` bytes, doubling as a `Vec` would but never past `limit` in total, so
/// the buffer's capacity stays within the limit too.
fn grow_within(buffer: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = buffer.len().saturating_add(more);
    if needed <= buffer.capacity() {
        return;
    }
    let doubled = buffer.capacity().saturating_mul(2).max(8 * 1024);
    let target = doubled.min(limit).max(needed);
    buffer.reserve_exact(target.saturating_sub(buffer.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_stays_within_the_limit() {
        let mut buffer = Vec::new();
        let limit = 100_000;
        while buffer.len() < limit {
            let more = 3_000.min(limit - buffer.len());
            grow_within(&mut buffer, more, limit);
            buffer.resize(buffer.len() + more, 0);
            assert!(buffer.capacity() <= limit, "{} > {limit}", buffer.capacity());
        }
    }
}
