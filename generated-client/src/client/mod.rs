//! [`Client`]: construction, authentication, the `Intercom-Version` header, retries, timeouts
//! and request execution for every generated operation.
//!
//! ```no_run
//! use std::time::Duration;
//! use intercom::{Client, Region};
//!
//! # fn main() -> Result<(), intercom::Error> {
//! // The simplest client: US region, the API version the code was generated from.
//! let client = Client::new(std::env::var("INTERCOM_ACCESS_TOKEN").unwrap_or_default());
//!
//! // Everything configurable.
//! let client = Client::builder()
//!     .access_token(std::env::var("INTERCOM_ACCESS_TOKEN").unwrap_or_default())
//!     .region(Region::Eu)
//!     .timeout(Duration::from_secs(20))
//!     .max_retries(5)
//!     .user_agent("my-app/1.2")
//!     .build()?;
//! # Ok(())
//! # }
//! ```
//!
//! # Retries
//!
//! A call is retried, up to [`ClientBuilder::max_retries`] times (3 unless set, never more
//! than [`MAX_RETRIES_LIMIT`]), when:
//!
//! - Intercom answers 429 Too Many Requests, whatever the method: the request was refused, so
//!   sending it again is safe. The wait is what Intercom asked for, through `Retry-After`
//!   (seconds or an HTTP date) or `X-RateLimit-Reset` (the Unix time at which the rate-limit
//!   window resets); when either asks for more than 60 seconds the client does not wait but
//!   returns [`Error::RateLimited`] at once with the wait it asked for.
//! - Intercom answers 5xx, or the answer times out or the connection breaks, and the call is
//!   idempotent (GET, PUT, DELETE, HEAD) or [`ClientBuilder::retry_non_idempotent`] is on. A
//!   POST that reached Intercom is never sent twice otherwise.
//! - The connection could not be established at all, whatever the method (nothing was sent).
//!
//! Without a hint from the server the wait is exponential backoff with full jitter: a random
//! duration up to 0.5 s, 1 s, 2 s, … capped at 30 s.
//!
//! # Limits and redirects
//!
//! A body is read chunk by chunk and never held past its limit: a successful answer longer than
//! [`ClientBuilder::max_response_bytes`] (32 MiB unless set) fails with
//! [`Error::ResponseTooLarge`] (at once when its `Content-Length` says so), and an error
//! answer keeps only its first [`ClientBuilder::max_error_body_bytes`] (64 KiB unless set,
//! [`ApiError::body_truncated`](crate::error::ApiError::body_truncated) then says so).
//!
//! Redirects are followed only within the origin (scheme, host, port) of the request, at most
//! 10 in a row (see [`redirect_policy`]). A redirect anywhere else is not followed, so no
//! body, header or credential goes there, and the call fails with [`Error::Redirect`].
//!
//! # Tracing
//!
//! Each call runs in an `intercom.request` span (fields `operation_id`, `method`, `path`,
//! `attempt`, `status`), with a debug event before each retry. Nothing is recorded, and almost
//! nothing is spent, without a `tracing` subscriber.

mod builder;
mod call;
mod execute;
mod options;
mod raw;
mod request;
mod response;
mod retry;
#[cfg(test)]
mod test_support;
mod url;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use builder::AccessToken;
use reqwest::header::HeaderMap;
use url::UNUSABLE_SEGMENT;

use crate::error::Error;

pub use builder::{redirect_policy, ClientBuilder, Region, DEFAULT_TIMEOUT};
pub use call::Call;
pub use options::RequestOptions;
pub use raw::RawRequest;
pub use request::OperationRequest;
pub use response::Response;
pub use retry::{DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT};
#[allow(unused_imports)] // Used by the generated operations that fill path parameters, when there are any.
pub(crate) use url::encode_path_segment;
pub use crate::body::{DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_RESPONSE_BYTES};
/// The HTTP method of a [`Client::raw`] request, and the header types of [`Response::headers`].
pub use reqwest::{header, Method};

/// A client for Intercom's REST API.
///
/// Cheap to clone (the state is shared) and safe to use from many tasks at once; build one and
/// reuse it, so connections are reused too. The generated operations hang off it:
/// `client.contacts().list(..)`.
#[derive(Clone)]
pub struct Client {
    pub(super) state: Arc<State>,
    /// Options applied to every request made through this handle (see [`Client::with_options`]).
    pub(super) defaults: Option<Arc<RequestOptions>>,
}

pub(super) enum State {
    Ready(Inner),
    /// `Client::new` could not build a client; every request fails with this configuration error.
    Unusable(String),
}

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) custom_http_client: bool,
    /// Without a trailing slash; paths start with one.
    pub(super) base_url: String,
    pub(super) version: String,
    /// Authorization (marked sensitive), Intercom-Version, Accept, User-Agent.
    pub(super) headers: HeaderMap,
    pub(super) timeout: Option<Duration>,
    pub(super) max_retries: u32,
    pub(super) retry_non_idempotent: bool,
    pub(super) max_response_bytes: usize,
    pub(super) max_error_body_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Client");
        match &*self.state {
            State::Ready(inner) => out
                .field("base_url", &inner.base_url)
                .field("version", &inner.version)
                .field("access_token", &AccessToken(String::new()))
                .field("timeout", &inner.timeout)
                .field("max_retries", &inner.max_retries)
                .field("retry_non_idempotent", &inner.retry_non_idempotent)
                .field("max_response_bytes", &inner.max_response_bytes)
                .field("max_error_body_bytes", &inner.max_error_body_bytes)
                .field("custom_http_client", &inner.custom_http_client),
            State::Unusable(problem) => out.field("unusable", problem),
        };
        out.field("defaults", &self.defaults).finish()
    }
}

impl Client {
    /// A client for the US region with `access_token` and every other setting at its default.
    ///
    /// This never fails: should the token be unusable (say, it holds a line break), every
    /// request fails with [`Error::Config`] instead. Use [`Client::builder`] to see such
    /// problems up front.
    pub fn new(access_token: impl Into<String>) -> Client {
        match Client::builder().access_token(access_token).build() {
            Ok(client) => client,
            Err(error) => Client { state: Arc::new(State::Unusable(error.to_string())), defaults: None },
        }
    }

    /// A builder for a client with non-default settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A handle on the same client (same connections and settings) that applies `options` to
    /// every request made through it, on top of any options this handle already applies.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use intercom::client::RequestOptions;
    /// # let client = intercom::Client::new("token");
    /// let patient = client.with_options(RequestOptions::new().timeout(Duration::from_secs(300)).max_retries(0));
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let merged = match &self.defaults {
            Some(current) => current.merged(&options),
            None => options,
        };
        Client { state: Arc::clone(&self.state), defaults: Some(Arc::new(merged)) }
    }

    /// The base URL requests go to, without a trailing slash (`None` for a client that could not be built).
    pub fn base_url(&self) -> Option<&str> {
        self.ready().ok().map(|inner| inner.base_url.as_str())
    }

    /// The API version sent as `Intercom-Version` (`None` for a client that could not be built).
    pub fn api_version(&self) -> Option<&str> {
        self.ready().ok().map(|inner| inner.version.as_str())
    }

    pub(super) fn ready(&self) -> Result<&Inner, Error> {
        match &*self.state {
            State::Ready(inner) => Ok(inner),
            State::Unusable(problem) => Err(Error::Config(problem.clone())),
        }
    }

    /// Starts a request for one operation. `path` is already percent-encoded (see
    /// [`encode_path_segment`]), relative to the base URL, such as `/contacts/123`.
    #[allow(dead_code)] // Called by the generated operations.
    pub(crate) fn request(&self, method: Method, operation_id: &'static str, path: String) -> OperationRequest<'_> {
        let idempotent = method.is_idempotent();
        let error = path.contains(UNUSABLE_SEGMENT).then(|| {
            Error::encode(format!(
                "a path parameter of `{operation_id}` is empty, `.` or `..`, which would send the request to another URL ({})",
                path.replace(UNUSABLE_SEGMENT, "")
            ))
        });
        OperationRequest {
            client: self,
            method,
            operation_id,
            path,
            query: String::new(),
            body: None,
            headers: HeaderMap::new(),
            idempotent,
            options: None,
            link: None,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    
    use std::sync::Arc as StdArc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use reqwest::Method;
    use serde_json::json;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    use crate::client::Client;
    use crate::client::test_support::*;
    use crate::error::Error;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn client_is_shared_across_tasks() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Client>();
        assert_send_sync::<Error>();

        let server = MockServer::start().await;
        let seen = StdArc::new(AtomicUsize::new(0));
        let counter = StdArc::clone(&seen);
        Mock::given(method("GET"))
            .respond_with(move |_: &Request| {
                counter.fetch_add(1, Ordering::SeqCst);
                ResponseTemplate::new(200).set_body_json(json!({"id": "s", "created_at": 0}))
            })
            .mount(&server)
            .await;
        let client = client(&server);
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let client = client.clone();
                // Spawning requires the request future to be Send.
                tokio::spawn(async move {
                    client.request(Method::GET, "getNote", format!("/notes/{i}")).send::<Note>().await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().id, "s");
        }
        assert_eq!(seen.load(Ordering::SeqCst), 8);
    }
}
