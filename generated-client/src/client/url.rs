//! Request URLs: path segments percent-encoded, base + path + query.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Url;

use crate::error::Error;

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded,
/// in path segments and query strings alike.
pub(super) const ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Marks a path segment that must not be sent (empty, `.` or `..`). Never produced by encoding
/// (a NUL in a value is percent-encoded), so `Client::request` can recognise it.
pub(super) const UNUSABLE_SEGMENT: char = '\0';

/// Percent-encodes one path segment: everything but `A-Z a-z 0-9 - . _ ~`, so a `/`, `?` or
/// `#` in an id cannot change the URL's shape.
///
/// An empty value, `.` or `..` cannot be sent as a segment (the URL would point elsewhere), so
/// it is marked and the request fails with [`Error::Encode`] before anything is sent.
#[allow(dead_code)] // Called by the generated operations.
pub(crate) fn encode_path_segment(value: &dyn fmt::Display) -> String {
    let text = value.to_string();
    if matches!(text.as_str(), "" | "." | "..") {
        return format!("{UNUSABLE_SEGMENT}{text}");
    }
    utf8_percent_encode(&text, ENCODED).to_string()
}

/// The full URL: base + path (+ `?` + query).
pub(super) fn build_url(base: &str, path: &str, query: &str) -> Result<Url, Error> {
    let separator = if path.starts_with('/') { "" } else { "/" };
    let mut url = Url::parse(&format!("{base}{separator}{path}"))
        .map_err(|error| Error::encode(format!("invalid request URL for path `{path}`: {error}")))?;
    if !query.is_empty() {
        let query = match url.query() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{query}"),
            _ => query.to_owned(),
        };
        url.set_query(Some(&query));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    
    
    

    
    
    
    use reqwest::Method;
    use wiremock::MockServer;

    use crate::Timestamp;
    use crate::client::test_support::*;
    use crate::error::Error;
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_path_segment(&"abc-1_2.3~"), "abc-1_2.3~");
        assert_eq!(encode_path_segment(&"a/b?c#d e%f"), "a%2Fb%3Fc%23d%20e%25f");
        assert_eq!(encode_path_segment(&"jane@example.com"), "jane%40example.com");
        assert_eq!(encode_path_segment(&42i64), "42");
        assert_eq!(encode_path_segment(&Timestamp::from_unix_seconds(5)), "5");
        assert_eq!(encode_path_segment(&"...."), "....");
        assert_eq!(encode_path_segment(&"\0"), "%00");
    }

    #[tokio::test]
    async fn unusable_path_segments_fail_before_sending() {
        let server = MockServer::start().await;
        let client = client(&server);
        for value in ["", ".", ".."] {
            let segment = encode_path_segment(&value);
            let err = client
                .request(Method::DELETE, "deleteTag", format!("/contacts/1/tags/{segment}"))
                .send::<()>()
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Encode(_)), "{value:?}: {err:?}");
            assert!(err.to_string().contains("deleteTag"), "{err}");
        }
        assert!(received(&server).await.is_empty());
    }

    #[test]
    fn urls() {
        assert_eq!(build_url("http://h", "/a/b", "").unwrap().as_str(), "http://h/a/b");
        assert_eq!(build_url("http://h/p", "/a", "x=1").unwrap().as_str(), "http://h/p/a?x=1");
        assert_eq!(build_url("http://h", "a", "").unwrap().as_str(), "http://h/a");
        assert_eq!(build_url("http://h", "/a?y=2", "x=1").unwrap().as_str(), "http://h/a?y=2&x=1");
        assert_eq!(build_url("http://h", "/a%2Fb", "").unwrap().path(), "/a%2Fb");
    }
}
