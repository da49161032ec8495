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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use futures::TryStreamExt;

    use super::{cursor, numbered};
    use crate::Error;

    #[tokio::test]
    async fn cursor_pages_until_no_next_cursor_and_asks_lazily() {
        let asked = RefCell::new(Vec::new());
        let stream = cursor(|cursor: Option<String>| {
            asked.borrow_mut().push(cursor.clone());
            async move {
                Ok::<_, Error>(match cursor.as_deref() {
                    None => (vec![1, 2], Some("b".to_owned())),
                    Some("b") => (vec![3], Some("c".to_owned())),
                    _ => (vec![4], None),
                })
            }
        });
        let mut stream = std::pin::pin!(stream);
        assert_eq!(stream.try_next().await.ok().flatten(), Some(1));
        assert_eq!(asked.borrow().len(), 1, "the second page is not fetched before it is needed");
        let rest: Vec<i32> = stream.try_collect().await.unwrap_or_default();
        assert_eq!(rest, [2, 3, 4]);
        assert_eq!(*asked.borrow(), [None, Some("b".to_owned()), Some("c".to_owned())]);
    }

    #[tokio::test]
    async fn cursor_stops_on_a_repeated_cursor_or_an_empty_page() {
        let repeating = cursor(|_| async { Ok::<_, Error>((vec![1], Some("same".to_owned()))) });
        let items: Vec<i32> = repeating.try_collect().await.unwrap_or_default();
        assert_eq!(items, [1, 1], "the second page repeats the cursor it was asked with, so paging stops");
        let empty = cursor(|_| async { Ok::<_, Error>((Vec::<i32>::new(), Some("next".to_owned()))) });
        assert_eq!(empty.try_collect::<Vec<_>>().await.unwrap_or_default(), Vec::<i32>::new());
    }

    #[tokio::test]
    async fn numbered_pages_to_the_total_from_the_first_asked() {
        let asked = RefCell::new(Vec::new());
        let stream = numbered(2, |page| {
            asked.borrow_mut().push(page);
            async move { Ok::<_, Error>((vec![page * 10, page * 10 + 1], Some(4))) }
        });
        let items: Vec<i64> = stream.try_collect().await.unwrap_or_default();
        assert_eq!(items, [20, 21, 30, 31, 40, 41]);
        assert_eq!(*asked.borrow(), [2, 3, 4]);
    }

    #[tokio::test]
    async fn numbered_without_a_total_stops_on_an_empty_page_and_errors_end_the_stream() {
        let stream = numbered(1, |page| async move { Ok::<_, Error>((if page < 3 { vec![page] } else { vec![] }, None)) });
        assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap_or_default(), [1, 2]);
        let failing = numbered(1, |_| async { Err::<(Vec<i64>, Option<i64>), _>(Error::Config("boom".to_owned())) });
        assert!(failing.try_collect::<Vec<_>>().await.is_err());
    }
}
