//! Streams over paged lists; the generated `*_stream` functions call these, and they serve for
//! any other paged call too.
//!
//! A stream is a [`Paged`]: the items, one after another. [`Paged::pages`] turns it into the
//! pages themselves, each a [`Page`] with its items, the list's `total_count`, the position of the
//! next page and the rest of the answer. Both own what they need (a handle on the client, their
//! own copy of the arguments): they are `Send + 'static`, so they can be moved into
//! `tokio::spawn`.
//!
//! Pages are fetched lazily: the next request goes out only when the stream is polled past the
//! items already received, so a consumer that stops early costs no extra requests.
//!
//! A server cannot make a cursor stream run forever by going round in circles: a cursor or
//! next-page link handed out twice in one stream, or a page number past `i64::MAX`, ends it with
//! [`Error::Pagination`]. Scroll parameters may repeat (Intercom's stays the same through a
//! scroll): a scroll ends on an empty page.
//!
//! A list whose answer gives the next page as a link ([`linked`]) is followed only on the
//! client's own origin (the scheme, host and port of its base URL): a link anywhere else ends the
//! stream with [`Error::Pagination`] before anything is sent there, so the access token never
//! leaves for another host.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures::Stream;
use reqwest::Url;

use crate::{Client, Error};

/// One page of a paged list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T, R> {
    /// The page's items in the server's order (items sent as `null` left out).
    pub items: Vec<T>,
    /// How many items the whole list holds, when the answer says.
    pub total_count: Option<i64>,
    /// The position the stream asks for next (a cursor or scroll parameter the server gave, or
    /// the next page number); `None` when the stream ends after this page.
    pub next: Option<Position>,
    /// The answer as the server sent it, minus the items (moved to `items`): `pages`, `type`, ...
    pub raw: R,
}

impl<T, R> Page<T, R> {
    /// A page with these items; `next` is filled by the stream.
    pub fn new(items: Vec<T>, total_count: Option<i64>, raw: R) -> Self {
        Page { items, total_count, next: None, raw }
    }

    /// The cursor or scroll parameter of the next page, to resume a list later from there.
    pub fn next_cursor(&self) -> Option<&str> {
        match &self.next {
            Some(Position::Cursor(cursor) | Position::Scroll(cursor)) => Some(cursor),
            _ => None,
        }
    }

    /// The address of the next page, for a list that gives its next page as a link (resolved
    /// against the client's base URL, and on its origin).
    pub fn next_link(&self) -> Option<&str> {
        match &self.next {
            Some(Position::Link(link)) => Some(link),
            _ => None,
        }
    }
}

/// Where a page starts, as the list takes it back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Position {
    /// A cursor, sent back as `starting_after`.
    Cursor(String),
    /// A page number, sent as `page`.
    Page(i64),
    /// A scroll parameter, sent back as `scroll_param`.
    Scroll(String),
    /// The absolute address of the next page, as the answer linked to it (resolved against the
    /// client's base URL); asked for as it is.
    Link(String),
}

/// The next page of a list that gives it as a link, checked: an absolute `http` or `https`
/// address on the origin (scheme, host and port) of the client's base URL, without credentials.
/// Only [`linked`] makes one, from the link the answer gave; the generated streams ask for it
/// with the operation's own method and headers, in place of the operation's path and query.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PageLink {
    url: Url,
}

impl fmt::Debug for PageLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query may hold what a log should not (the link comes from the server).
        f.debug_tuple("PageLink").field(&crate::redact::redacted(&self.url).as_str()).finish()
    }
}

impl PageLink {
    /// The address, as the next request goes to it.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// `text` resolved against `base` (`/articles?page=2` from its host's root, `articles?page=2`
    /// under its path), without fragment; an error message when it does not resolve, leaves the
    /// base's origin or holds credentials.
    pub(crate) fn resolve(base: Option<&Url>, text: &str) -> Result<PageLink, String> {
        let Some(base) = base else {
            return Err("the client has no usable base URL to follow a next-page link from".to_owned());
        };
        // The link is not shown: it is the server's text, and its query may hold what a log should not.
        let mut url = base.join(text.trim()).map_err(|error| format!("the next-page link does not resolve to a URL: {error}"))?;
        url.set_fragment(None);
        if url.origin() != base.origin() {
            return Err(format!(
                "the next-page link leads off the client's origin ({}), to {}; it is not followed, so the access token is not sent there",
                base.origin().ascii_serialization(),
                crate::redact::redacted(&url),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("the next-page link ({}) holds credentials; it is not followed", crate::redact::redacted(&url)));
        }
        Ok(PageLink { url })
    }
}

type BoxedPages<T, R> = Pin<Box<dyn Stream<Item = Result<Page<T, R>, Error>> + Send>>;

/// The items of a paged list, fetched a page at a time as the stream is read. `Send + 'static`:
/// it owns a handle on the client and its arguments, so it can be spawned. [`Paged::pages`] gives
/// the pages with their metadata instead.
#[must_use = "streams do nothing unless polled"]
pub struct Paged<T, R> {
    pages: BoxedPages<T, R>,
    items: std::vec::IntoIter<T>,
}

// Nothing is pinned in place: the pages are boxed and the items are plain values.
impl<T, R> Unpin for Paged<T, R> {}

impl<T, R> fmt::Debug for Paged<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paged").field("items_received_unread", &self.items.len()).finish_non_exhaustive()
    }
}

impl<T, R> Paged<T, R> {
    /// Every page instead of every item, from the first page not yet received (items of a page
    /// already received but not read are dropped).
    pub fn pages(self) -> PageStream<T, R> {
        PageStream(self.pages)
    }
}

impl<T, R> Stream for Paged<T, R> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(this.pages.as_mut().poll_next(cx)) {
                Some(Ok(page)) => this.items = page.items.into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.items.len(), None)
    }
}

/// The pages of a paged list, each with its items and metadata; see [`Paged::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<T, R>(BoxedPages<T, R>);

impl<T, R> fmt::Debug for PageStream<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

impl<T, R> Stream for PageStream<T, R> {
    type Item = Result<Page<T, R>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

/// What a paged stream does after a page.
enum Next<P> {
    /// Asks for this page.
    Page(P),
    /// Ends with this error (after the page already received).
    Fail(Error),
    /// Ends.
    Done,
}

/// The loop every style shares: `fetch(position)` gives a page and what the answer says about
/// the next one (`H`), `step` reads that into the page's `next` and says what comes after.
fn walk<T, R, P, H, F, Fut, S>(first: P, fetch: F, step: S) -> Paged<T, R>
where
    T: Send + 'static,
    R: Send + 'static,
    P: Send + 'static,
    F: FnMut(P) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Page<T, R>, H), Error>> + Send + 'static,
    S: FnMut(Page<T, R>, H) -> (Page<T, R>, Next<P>) + Send + 'static,
{
    let pages = futures::stream::unfold((Next::Page(first), fetch, step), |(state, mut fetch, mut step)| async move {
        match state {
            Next::Page(position) => match fetch(position).await {
                Ok((page, hint)) => {
                    let (page, next) = step(page, hint);
                    Some((Ok(page), (next, fetch, step)))
                }
                Err(error) => Some((Err(error), (Next::Done, fetch, step))),
            },
            Next::Fail(error) => Some((Err(error), (Next::Done, fetch, step))),
            Next::Done => None,
        }
    });
    Paged { pages: Box::pin(pages), items: Vec::new().into_iter() }
}

/// Cursor paging: `fetch(cursor)` gives a page and the cursor of the next page. The first call
/// gets `None`. Ends on a missing cursor or an empty page; a cursor handed out before in the
/// same stream (A, B, A, …, or A, A) ends it with [`Error::Pagination`] after the page that
/// handed it out.
pub fn cursor<T, R, F, Fut>(fetch: F) -> Paged<T, R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Page<T, R>, Option<String>), Error>> + Send + 'static,
{
    let mut seen = SeenCursors::default();
    walk(None, fetch, move |mut page, next: Option<String>| {
        let next = next.filter(|_| !page.items.is_empty());
        let Some(next) = next else { return (page, Next::Done) };
        if !seen.first_time(&next) {
            let message = format!("the server handed out a cursor for the second time, after {} pages", seen.pages());
            return (page, Next::Fail(Error::Pagination(message)));
        }
        page.next = Some(Position::Cursor(next.clone()));
        (page, Next::Page(Some(next)))
    })
}

/// Scroll paging: `fetch(scroll)` gives a page and the scroll parameter for the next. The first
/// call gets `None`. Ends on an empty page or a missing parameter; the parameter may be the same
/// on every page.
pub fn scroll<T, R, F, Fut>(fetch: F) -> Paged<T, R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Page<T, R>, Option<String>), Error>> + Send + 'static,
{
    walk(None, fetch, |mut page, next: Option<String>| {
        let next = next.filter(|_| !page.items.is_empty());
        let Some(next) = next else { return (page, Next::Done) };
        page.next = Some(Position::Scroll(next.clone()));
        (page, Next::Page(Some(next)))
    })
}

/// Link paging: `fetch(link)` gives a page and the link the answer gives to the next page (as the
/// server wrote it, absolute or relative to the client's base URL). The first call gets `None`,
/// and makes the list's first request; the next ones get the checked link to ask for.
///
/// Ends on a missing or empty link or an empty page. A link that leaves the origin (scheme, host
/// and port) of the client's base URL, holds credentials or does not parse ends the stream with
/// [`Error::Pagination`] after the page that gave it, before anything is sent; so does a link
/// handed out before in the same stream.
pub fn linked<T, R, F, Fut>(client: &Client, fetch: F) -> Paged<T, R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: FnMut(Option<PageLink>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Page<T, R>, Option<String>), Error>> + Send + 'static,
{
    // With a trailing slash, so that a relative link lands under the base URL's path.
    let base = client.base_url().and_then(|base| Url::parse(&format!("{base}/")).ok());
    let mut seen = SeenCursors::default();
    walk(None, fetch, move |mut page, next: Option<String>| {
        let next = next.filter(|link| !link.trim().is_empty() && !page.items.is_empty());
        let Some(next) = next else { return (page, Next::Done) };
        let link = match PageLink::resolve(base.as_ref(), &next) {
            Ok(link) => link,
            Err(message) => return (page, Next::Fail(Error::Pagination(message))),
        };
        if !seen.first_time(link.as_str()) {
            let message = format!("the server handed out a next-page link for the second time, after {} pages", seen.pages());
            return (page, Next::Fail(Error::Pagination(message)));
        }
        page.next = Some(Position::Link(link.as_str().to_owned()));
        (page, Next::Page(Some(link)))
    })
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

/// Page-number paging from `first`: `fetch(page)` gives a page and the total number of pages.
/// Ends after the last page, or on an empty page when the total is unknown. Page numbers only
/// go up, so none is asked for twice; a next page past `i64::MAX` ends the stream with
/// [`Error::Pagination`].
pub fn numbered<T, R, F, Fut>(first: i64, fetch: F) -> Paged<T, R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Page<T, R>, Option<i64>), Error>> + Send + 'static,
{
    let mut number = first;
    walk(first, fetch, move |mut page, total: Option<i64>| {
        let current = number;
        let more = !page.items.is_empty() && total.is_none_or(|total| current < total);
        let after = match (more, current.checked_add(1)) {
            (false, _) => Next::Done,
            (true, Some(next)) => {
                number = next;
                page.next = Some(Position::Page(next));
                Next::Page(next)
            }
            (true, None) => Next::Fail(Error::Pagination(format!("the page after page {current} is out of range"))),
        };
        (page, after)
    })
}

#[cfg(test)]
mod tests;
