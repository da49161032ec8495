//! Streams over Intercom's paged lists; the generated `*_stream` functions call these, and
//! they serve for any other paged call too.
//!
//! Pages are fetched lazily: the next request goes out only when the stream is polled past the
//! items already received, so a consumer that stops early costs no extra requests.

use std::future::Future;

use futures::{Stream, TryStreamExt};

use crate::Error;

/// Cursor paging: `fetch(cursor)` gives a page's items and the cursor of the next page.
/// The first call gets `None`. Ends on a missing cursor, an empty page, or a cursor that repeats.
pub fn cursor<'a, T, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + 'a,
{
    // State: the cursor to ask with (`Some(None)` for the first page), or `None` when done.
    futures::stream::try_unfold(Some(None::<String>), move |state| {
        let request = state.map(|cursor| (cursor.clone(), fetch(cursor)));
        async move {
            let Some((asked, page)) = request else { return Ok(None) };
            let (items, next) = page.await?;
            let next = match next {
                Some(next) if !items.is_empty() && asked.as_deref() != Some(next.as_str()) => Some(Some(next)),
                _ => None,
            };
            Ok(Some((items, next)))
        }
    })
    .map_ok(|items| futures::stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

/// Page-number paging from `first`: `fetch(page)` gives a page's items and the total number of pages.
/// Ends after the last page, or on an empty page when the total is unknown.
pub fn numbered<'a, T, F, Fut>(first: i64, mut fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: FnMut(i64) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<i64>), Error>> + 'a,
{
    futures::stream::try_unfold(Some(first), move |state| {
        let request = state.map(|page| (page, fetch(page)));
        async move {
            let Some((page, response)) = request else { return Ok(None) };
            let (items, total) = response.await?;
            let more = !items.is_empty() && total.is_none_or(|total| page < total);
            Ok(Some((items, more.then_some(page + 1))))
        }
    })
    .map_ok(|items| futures::stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}
