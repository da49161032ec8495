//! Streams over Intercom's paged lists; the generated `*_stream` functions call these, and
//! they serve for any other paged call too.
//!
//! Pages are fetched lazily: the next request goes out only when the stream is polled past the
//! items already received, so a consumer that stops early costs no extra requests.
//!
//! A server cannot make a stream run forever by going round in circles: a cursor handed out
//! twice in one stream, or a page number past `i64::MAX`, ends it with [`Error::Pagination`].

use std::collections::HashSet;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};

use futures::{Stream, TryStreamExt};

use crate::Error;

/// Cursor paging: `fetch(cursor)` gives a page's items and the cursor of the next page.
/// The first call gets `None`. Ends on a missing cursor or an empty page; a cursor handed out
/// before in the same stream (A, B, A, …, or A, A) ends it with [`Error::Pagination`] after
/// the items of the page that handed it out.
pub fn cursor<'a, T, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + 'a,
{
    futures::stream::try_unfold((Next::Page(None::<String>), SeenCursors::default()), move |(state, mut seen)| {
        let request = match state {
            Next::Page(cursor) => Ok(fetch(cursor)),
            Next::Fail(error) => Err(error),
            Next::Done => return futures::future::Either::Left(futures::future::ready(Ok(None))),
        };
        futures::future::Either::Right(async move {
            let (items, next) = request?.await?;
            let next = match next {
                Some(next) if !items.is_empty() => {
                    if seen.first_time(&next) {
                        Next::Page(Some(next))
                    } else {
                        Next::Fail(Error::Pagination(format!(
                            "the server handed out a cursor for the second time, after {} pages",
                            seen.pages()
                        )))
                    }
                }
                _ => Next::Done,
            };
            Ok(Some((items, (next, seen))))
        })
    })
    .map_ok(|items| futures::stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

/// The cursors a stream has been handed. Cursors come from the server and may be long, so only
/// their hashes are kept (8 bytes a page), keyed at random so a server cannot aim for a collision.
#[derive(Default)]
struct SeenCursors {
    hasher: RandomState,
    hashes: HashSet<u64>,
}

impl SeenCursors {
    /// Records `cursor`; false when it was recorded before.
    fn first_time(&mut self, cursor: &str) -> bool {
        self.hashes.insert(self.hasher.hash_one(cursor))
    }

    /// How many pages have handed out a new cursor, plus the first.
    fn pages(&self) -> usize {
        self.hashes.len().saturating_add(1)
    }
}

/// What a paged stream does after a page.
enum Next<P> {
    /// Asks for this page.
    Page(P),
    /// Ends with this error (after the items already received).
    Fail(Error),
    /// Ends.
    Done,
}

/// Page-number paging from `first`: `fetch(page)` gives a page's items and the total number of pages.
/// Ends after the last page, or on an empty page when the total is unknown. Page numbers only
/// go up, so none is asked for twice; a next page past `i64::MAX` ends the stream with
/// [`Error::Pagination`].
pub fn numbered<'a, T, F, Fut>(first: i64, mut fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: FnMut(i64) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<i64>), Error>> + 'a,
{
    futures::stream::try_unfold(Next::Page(first), move |state| {
        let request = match state {
            Next::Page(page) => Ok((page, fetch(page))),
            Next::Fail(error) => Err(error),
            Next::Done => return futures::future::Either::Left(futures::future::ready(Ok(None))),
        };
        futures::future::Either::Right(async move {
            let (page, response) = request?;
            let (items, total) = response.await?;
            let more = !items.is_empty() && total.is_none_or(|total| page < total);
            let next = match (more, page.checked_add(1)) {
                (false, _) => Next::Done,
                (true, Some(next)) => Next::Page(next),
                (true, None) => Next::Fail(Error::Pagination(format!("the page after page {page} is out of range"))),
            };
            Ok(Some((items, next)))
        })
    })
    .map_ok(|items| futures::stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use futures::{StreamExt, TryStreamExt};

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

    /// Every item and the error a stream ends with, reading at most `limit` items (a stream
    /// that never ends is cut there rather than hanging the test).
    async fn drain<T>(stream: impl futures::Stream<Item = Result<T, Error>>, limit: usize) -> (Vec<T>, Option<Error>) {
        let mut stream = std::pin::pin!(stream);
        let mut items = Vec::new();
        while items.len() < limit {
            match stream.next().await {
                Some(Ok(item)) => items.push(item),
                Some(Err(error)) => return (items, Some(error)),
                None => return (items, None),
            }
        }
        (items, None)
    }

    #[tokio::test]
    async fn cursor_ends_with_an_error_on_a_repeated_cursor() {
        let repeating = cursor(|_| async { Ok::<_, Error>((vec![1], Some("same".to_owned()))) });
        let (items, error) = drain(repeating, 100).await;
        assert_eq!(items, [1, 1], "the second page repeats the cursor it was asked with");
        assert!(matches!(&error, Some(Error::Pagination(message)) if message.contains("second time")), "{error:?}");

        // A, B, A, B, ...: no cursor repeats the one it was asked with, yet it never ends.
        let asked = RefCell::new(0);
        let cycling = cursor(|cursor: Option<String>| {
            *asked.borrow_mut() += 1;
            async move {
                let next = if cursor.as_deref() == Some("A") { "B" } else { "A" };
                Ok::<_, Error>((vec![cursor.unwrap_or_default()], Some(next.to_owned())))
            }
        });
        let (items, error) = drain(cycling, 100).await;
        assert_eq!(items, ["", "A", "B"], "the page asked with B hands out A again");
        assert!(matches!(error, Some(Error::Pagination(_))), "{error:?}");
        assert_eq!(*asked.borrow(), 3, "the repeated cursor is not asked for");
        assert!(error.unwrap().to_string().contains("after 3 pages"));
    }

    #[tokio::test]
    async fn cursor_stops_on_an_empty_page() {
        let empty = cursor(|_| async { Ok::<_, Error>((Vec::<i32>::new(), Some("next".to_owned()))) });
        let (items, error) = drain(empty, 10).await;
        assert!(items.is_empty() && error.is_none(), "{error:?}");
    }

    #[tokio::test]
    async fn numbered_ends_with_an_error_past_the_last_page_number() {
        let asked = RefCell::new(Vec::new());
        let stream = numbered(i64::MAX - 1, |page| {
            asked.borrow_mut().push(page);
            async move { Ok::<_, Error>((vec![page], None)) }
        });
        let (items, error) = drain(stream, 10).await;
        assert_eq!(items, [i64::MAX - 1, i64::MAX]);
        assert!(matches!(&error, Some(Error::Pagination(message)) if message.contains("out of range")), "{error:?}");
        assert_eq!(*asked.borrow(), [i64::MAX - 1, i64::MAX]);
        // A total of `i64::MAX` ends at that page, as any total does.
        let stream = numbered(i64::MAX - 1, |page| async move { Ok::<_, Error>((vec![page], Some(i64::MAX))) });
        let (items, error) = drain(stream, 10).await;
        assert!(items == [i64::MAX - 1, i64::MAX] && error.is_none(), "{error:?}");
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
