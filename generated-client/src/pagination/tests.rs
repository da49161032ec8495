use std::sync::{Arc, Mutex};

use futures::{StreamExt, TryStreamExt};

use super::{cursor, linked, numbered, scroll, Page, PageLink, Position};
use crate::{Client, Error};

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

fn client_at(base_url: &str) -> Client {
    Client::builder().access_token("token").base_url(base_url).build().expect("a client")
}

/// A link stream over `links`: the page asked with no link, then with each link it handed out,
/// gives one item (the address it was asked with) and the next link of `links`.
fn link_stream(base_url: &str, links: &'static [&'static str], asked: &Asked<Option<String>>) -> super::Paged<String, ()> {
    let log = asked.clone();
    linked(&client_at(base_url), move |link: Option<PageLink>| {
        let at = link.as_ref().map(|link| link.as_str().to_owned());
        log.push(at.clone());
        let next = links.get(log.all().len() - 1).map(|link| (*link).to_owned());
        async move { Ok::<_, Error>((page(vec![at.unwrap_or_default()]), next)) }
    })
}

#[tokio::test]
async fn links_resolve_against_the_base_url_and_end_without_a_next_link() {
    let asked = Asked::default();
    let links = &["/articles?page=2", "articles?page=3", "https://api.example.com:443/p/articles?page=4#top", ""];
    let pages: Vec<_> = link_stream("https://api.example.com/p", links, &asked).pages().try_collect().await.expect("four pages");
    let expected = ["https://api.example.com/articles?page=2", "https://api.example.com/p/articles?page=3", "https://api.example.com/p/articles?page=4"];
    let next: Vec<_> = pages.iter().map(|p| p.next_link()).collect();
    assert_eq!(next, [Some(expected[0]), Some(expected[1]), Some(expected[2]), None], "an empty link ends the stream");
    assert_eq!(pages[0].next, Some(Position::Link(expected[0].to_owned())));
    assert_eq!(pages[0].next_cursor(), None);
    let expected: Vec<_> = std::iter::once(None).chain(expected.iter().map(|e| Some((*e).to_owned()))).collect();
    assert_eq!(asked.all(), expected);
}

#[tokio::test]
async fn a_link_off_the_base_urls_origin_ends_the_stream_before_anything_is_asked() {
    for foreign in [
        "https://elsewhere.example.com/articles?page=2",
        "http://api.example.com/articles?page=2",
        "https://api.example.com:8443/articles?page=2",
        "//elsewhere.example.com/articles",
        "file:///etc/passwd",
        "https://user:secret@api.example.com/articles",
        "https://[::1",
    ] {
        let asked = Asked::default();
        let links: &'static [&'static str] = Box::leak(Box::new([foreign]));
        let (items, error) = drain(link_stream("https://api.example.com", links, &asked), 10).await;
        assert_eq!(items.len(), 1, "{foreign}: the first page is read");
        assert_eq!(asked.all(), [None], "{foreign}: nothing is asked of the link");
        let message = error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(matches!(error, Some(Error::Pagination(_))), "{foreign}: {message}");
        assert!(!message.contains("secret") && !message.contains("page=2"), "{foreign}: {message}");
    }
}

#[tokio::test]
async fn a_repeated_link_ends_the_stream_with_an_error() {
    let asked = Asked::default();
    let links = &["/a?page=2", "/a?page=3", "https://api.example.com/a?page=2", "/a?page=4"];
    let (items, error) = drain(link_stream("https://api.example.com", links, &asked), 10).await;
    assert_eq!(items.len(), 3, "the page that repeats a link is read, its link is not followed");
    assert_eq!(asked.all().len(), 3);
    let message = error.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(matches!(error, Some(Error::Pagination(_))) && message.contains("second time"), "{message}");
    // The debug form does not show the query the server put in the link.
    let link = super::PageLink::resolve(reqwest::Url::parse("https://h/").ok().as_ref(), "/a?token=s3cret").expect("a link");
    assert!(!format!("{link:?}").contains("s3cret"));
}

#[test]
fn streams_are_send_and_static() {
    fn spawnable<S: futures::Stream + Send + 'static>(_: &S) {}
    let stream = cursor(|_| async { Ok::<_, Error>((page(vec![1]), None)) });
    spawnable(&stream);
    spawnable(&stream.pages());
    let links = linked(&client_at("https://api.example.com"), |_| async { Ok::<_, Error>((page(vec![1]), None)) });
    spawnable(&links);
}
