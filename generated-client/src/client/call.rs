//! [`Call`]: what every generated operation returns; await it for the value, or ask for the
//! whole [`Response`] with [`Call::raw`].

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use super::response::RawResponse;
use super::{OperationRequest, RequestOptions, Response};
use crate::error::Error;

/// One call of an operation, not sent yet.
///
/// Awaiting it sends the request and gives the decoded answer; [`raw`](Call::raw) gives the
/// status and headers with it, and [`options`](Call::options) changes settings for this call
/// alone. Each call carries its own answer, so concurrent calls never see each other's.
///
/// ```
/// # #[cfg(feature = "admins")]
/// # async fn run(client: intercom::Client) -> Result<(), intercom::Error> {
/// use std::time::Duration;
/// use intercom::client::RequestOptions;
///
/// let me = client.admins().identify().await?;
///
/// let response = client.admins().identify().options(RequestOptions::new().timeout(Duration::from_secs(5))).raw().await?;
/// println!(
///     "{:?}: status {}, request id {:?}, {:?} requests left",
///     response.body.name,
///     response.status,
///     response.request_id(),
///     response.headers.get("x-ratelimit-remaining"),
/// );
/// # let _ = me;
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T> {
    request: OperationRequest<'a>,
    /// Reads a 2xx answer's body: JSON, text or bytes, as the operation's description says.
    read: fn(&RawResponse) -> Result<T, Error>,
}

impl<T> fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("request", &self.request).finish_non_exhaustive()
    }
}

impl<'a, T> Call<'a, T> {
    pub(super) fn new(request: OperationRequest<'a>, read: fn(&RawResponse) -> Result<T, Error>) -> Self {
        Call { request, read }
    }

    /// Settings for this call alone, over those of the client handle it was made from.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.request = self.request.options(options);
        self
    }

    /// Sends the request to `link` (the next page of a list that gives it as a link), when there
    /// is one, in place of the operation's path and query; method, headers and body stay.
    #[allow(dead_code)] // Called by the generated streams of lists paged by links, when there are any.
    pub(crate) fn at_link(mut self, link: Option<&crate::pagination::PageLink>) -> Self {
        if let Some(link) = link {
            self.request.path = link.url().path().to_owned();
            self.request.link = Some(link.clone());
        }
        self
    }

    /// Sends the request and gives the answer's status and headers with its decoded body.
    pub async fn raw(self) -> Result<Response<T>, Error> {
        let Call { request, read } = self;
        let raw = request.execute().await?;
        let body = read(&raw)?;
        Ok(Response { status: raw.status, headers: raw.headers, body })
    }
}

impl<'a, T: Send + 'a> IntoFuture for Call<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.raw().await.map(Response::into_body) })
    }
}
