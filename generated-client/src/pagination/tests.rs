use std::sync::{Arc, Mutex};

use futures::{StreamExt, TryStreamExt};

use super::{cursor, numbered, scroll, Page, Position};
use crate::Error;

/// A page of these items (its raw answer is `()`).
fn page<T>(items: Vec<T>) -> Page<T, ()> {
    Page::new(items, None, ())
}

/// The arguments each fetch was called with, shared with the (`Send`) fetch closure.
#[derive(Clone, Default)]
struct Asked<P>(Arc<Mutex<Vec<P>>>);

impl<P: Clone> Asked<P> {
    fn push(&self, position: P) {
        self.0.lock().expect("not poisoned").push(position);
    }
    fn all(&self) -> Vec<P> {
        self.0.lock().expect("not poisoned").clone()
    }
}

#[tokio::test]
async fn cursor_pages_until_no_next_cursor_and_asks_lazily() {
    let asked = Asked::default();
    let log = asked.clone();
    let mut stream = cursor(move |cursor: Option<String>| {
        log.push(cursor.clone());
        async move {
            Ok::<_, Error>(match cursor.as_deref() {
                None => (page(vec![1, 2]), Some("b".to_owned())),
                Some("b") => (page(vec![3]), Some("c".to_owned())),
                _ => (page(vec![4]), None),
            })
        }
    });
    assert_eq!(stream.try_next().await.ok().flatten(), Some(1));
    assert_eq!(asked.all().len(), 1, "the second page is not fetched before it is needed");
    let rest: Vec<i32> = stream.try_collect().await.unwrap_or_default();
    assert_eq!(rest, [2, 3, 4]);
    assert_eq!(asked.all(), [None, Some("b".to_owned()), Some("c".to_owned())]);
}

#[tokio::test]
async fn pages_carry_their_items_and_the_next_position() {
    let pages: Vec<Page<i32, ()>> = cursor(|cursor: Option<String>| async move {
        Ok::<_, Error>(match cursor {
            None => (Page::new(vec![1, 2], Some(3), ()), Some("b".to_owned())),
            Some(_) => (Page::new(vec![3], Some(3), ()), None),
        })
    })
    .pages()
    .try_collect()
    .await
    .expect("two pages");
    assert_eq!(pages.len(), 2);
    assert_eq!((pages[0].items.as_slice(), pages[0].total_count), ([1, 2].as_slice(), Some(3)));
    assert_eq!((pages[0].next.clone(), pages[0].next_cursor()), (Some(Position::Cursor("b".to_owned())), Some("b")));
    assert_eq!((pages[1].items.as_slice(), &pages[1].next), ([3].as_slice(), &None));
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
    let repeating = cursor(|_| async { Ok::<_, Error>((page(vec![1]), Some("same".to_owned()))) });
    let (items, error) = drain(repeating, 100).await;
    assert_eq!(items, [1, 1], "the second page repeats the cursor it was asked with");
    assert!(matches!(&error, Some(Error::Pagination(message)) if message.contains("second time")), "{error:?}");

    // A, B, A, B, ...: no cursor repeats the one it was asked with, yet it never ends.
    let asked = Asked::default();
    let log = asked.clone();
    let cycling = cursor(move |cursor: Option<String>| {
        log.push(());
        async move {
            let next = if cursor.as_deref() == Some("A") { "B" } else { "A" };
            Ok::<_, Error>((page(vec![cursor.unwrap_or_default()]), Some(next.to_owned())))
        }
    });
    let (items, error) = drain(cycling, 100).await;
    assert_eq!(items, ["", "A", "B"], "the page asked with B hands out A again");
    assert!(matches!(error, Some(Error::Pagination(_))), "{error:?}");
    assert_eq!(asked.all().len(), 3, "the repeated cursor is not asked for");
    assert!(error.map(|e| e.to_string()).unwrap_or_default().contains("after 3 pages"));
}

#[tokio::test]
async fn cursor_stops_on_an_empty_page() {
    let empty = cursor(|_| async { Ok::<_, Error>((page(Vec::<i32>::new()), Some("next".to_owned()))) });
    let pages: Vec<_> = empty.pages().try_collect().await.expect("one page");
    assert!(pages.len() == 1 && pages[0].next.is_none(), "the stream ends: no next position");
}

#[tokio::test]
async fn scroll_takes_the_same_parameter_again_and_ends_on_an_empty_page() {
    let asked = Asked::default();
    let log = asked.clone();
    let stream = scroll(move |param: Option<String>| {
        log.push(param.clone());
        let items = if log.all().len() < 3 { vec![log.all().len()] } else { vec![] };
        async move { Ok::<_, Error>((page(items), Some("s1".to_owned()))) }
    });
    let (items, error) = drain(stream, 10).await;
    assert!(items == [1, 2] && error.is_none(), "{items:?} {error:?}");
    assert_eq!(asked.all(), [None, Some("s1".to_owned()), Some("s1".to_owned())]);
}

#[tokio::test]
async fn numbered_ends_with_an_error_past_the_last_page_number() {
    let asked = Asked::default();
    let log = asked.clone();
    let stream = numbered(i64::MAX - 1, move |number| {
        log.push(number);
        async move { Ok::<_, Error>((page(vec![number]), None)) }
    });
    let (items, error) = drain(stream, 10).await;
    assert_eq!(items, [i64::MAX - 1, i64::MAX]);
    assert!(matches!(&error, Some(Error::Pagination(message)) if message.contains("out of range")), "{error:?}");
    assert_eq!(asked.all(), [i64::MAX - 1, i64::MAX]);
    // A total of `i64::MAX` ends at that page, as any total does.
    let stream = numbered(i64::MAX - 1, |number| async move { Ok::<_, Error>((page(vec![number]), Some(i64::MAX))) });
    let (items, error) = drain(stream, 10).await;
    assert!(items == [i64::MAX - 1, i64::MAX] && error.is_none(), "{error:?}");
}

#[tokio::test]
async fn numbered_pages_to_the_total_from_the_first_asked() {
    let asked = Asked::default();
    let log = asked.clone();
    let stream = numbered(2, move |number| {
        log.push(number);
        async move { Ok::<_, Error>((page(vec![number * 10, number * 10 + 1]), Some(4))) }
    });
    let pages: Vec<_> = stream.pages().try_collect().await.unwrap_or_default();
    let next: Vec<_> = pages.iter().map(|p| p.next.clone()).collect();
    assert_eq!(next, [Some(Position::Page(3)), Some(Position::Page(4)), None]);
    let items: Vec<i64> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(items, [20, 21, 30, 31, 40, 41]);
    assert_eq!(asked.all(), [2, 3, 4]);
}

#[tokio::test]
async fn numbered_without_a_total_stops_on_an_empty_page_and_errors_end_the_stream() {
    let stream = numbered(1, |n| async move { Ok::<_, Error>((page(if n < 3 { vec![n] } else { vec![] }), None)) });
    assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap_or_default(), [1, 2]);
    let failing = numbered(1, |_| async { Err::<(Page<i64, ()>, Option<i64>), _>(Error::Config("boom".to_owned())) });
    let (items, error) = drain(failing, 10).await;
    assert!(items.is_empty() && error.is_some());
}

#[test]
fn streams_are_send_and_static() {
    fn spawnable<S: futures::Stream + Send + 'static>(_: &S) {}
    let stream = cursor(|_| async { Ok::<_, Error>((page(vec![1]), None)) });
    spawnable(&stream);
    spawnable(&stream.pages());
}
