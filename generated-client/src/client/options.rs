//! [`RequestOptions`]: per-handle and per-request settings over the client's own.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};

use crate::error::Error;
use super::retry::MAX_RETRIES_LIMIT;

/// Settings for the requests made through a [`Client`] handle, overriding the client's own
/// (see [`Client::with_options`]). Unset settings keep the client's values.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub(super) headers: HeaderMap,
    /// `Some(None)` turns the timeout off.
    pub(super) timeout: Option<Option<Duration>>,
    pub(super) max_retries: Option<u32>,
    pub(super) retry_non_idempotent: Option<bool>,
    pub(super) capture: Option<ResponseCapture>,
    pub(super) max_response_bytes: Option<usize>,
    pub(super) max_error_body_bytes: Option<usize>,
}

/// Receives the status and headers of every response to requests made with the options it is
/// attached to ([`RequestOptions::capture_response`]): the raw side of a typed call.
///
/// ```
/// # #[cfg(feature = "admins")]
/// # async fn run(client: intercom::Client) -> Result<(), intercom::Error> {
/// use intercom::client::{RequestOptions, ResponseCapture};
/// let capture = ResponseCapture::new();
/// let me = client.with_options(RequestOptions::new().capture_response(&capture)).admins().identify().await?;
/// if let Some(meta) = capture.last() {
///     println!("{:?}: status {}, {:?} requests left", me.name, meta.status, meta.headers.get("x-ratelimit-remaining"));
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ResponseCapture(Arc<std::sync::Mutex<Option<ResponseMeta>>>);

/// The status and headers of one response.
#[derive(Debug, Clone)]
pub struct ResponseMeta {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers (rate-limit counters, request id, ...).
    pub headers: HeaderMap,
}

impl ResponseCapture {
    /// An empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last response received, whatever its status (retried attempts included).
    pub fn last(&self) -> Option<ResponseMeta> {
        self.0.lock().ok().and_then(|meta| meta.clone())
    }

    pub(super) fn record(&self, status: u16, headers: &HeaderMap) {
        // A poisoned lock only means another thread panicked mid-write; overwrite it.
        let mut slot = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Some(ResponseMeta { status, headers: headers.clone() });
    }
}

impl RequestOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends an extra header, replacing any value the client would send under that name
    /// (including `Intercom-Version`). Credentials (`Authorization`, `Cookie`, …) are kept out
    /// of `Debug` output.
    pub fn header(mut self, name: HeaderName, mut value: HeaderValue) -> Self {
        if [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(&name) {
            value.set_sensitive(true);
        }
        self.headers.insert(name, value);
        self
    }

    /// Like [`header`](Self::header), from strings; fails with [`Error::Config`] on a name or
    /// value that is not valid in HTTP.
    pub fn try_header(self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("`{name}` is not a valid HTTP header name")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::Config(format!("the value for header `{name}` is not a valid HTTP header value")))?;
        Ok(self.header(name, value))
    }

    /// Sends each of `headers` as with [`header`](Self::header).
    pub fn headers(mut self, headers: HeaderMap) -> Self {
        let mut name = None;
        for (next, value) in headers {
            name = next.or(name);
            if let Some(name) = &name {
                self = self.append_header(name.clone(), value);
            }
        }
        self
    }

    fn append_header(mut self, name: HeaderName, mut value: HeaderValue) -> Self {
        if [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(&name) {
            value.set_sensitive(true);
        }
        self.headers.append(name, value);
        self
    }

    /// The timeout of each attempt: from sending the request to having read the whole answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    /// No timeout at all.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    /// How many times a failed request may be retried (0: never; at most [`MAX_RETRIES_LIMIT`]).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries.min(MAX_RETRIES_LIMIT));
        self
    }

    /// The longest successful answer body accepted, in bytes (see [`ClientBuilder::max_response_bytes`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// How much of an error answer's body is kept, in bytes (see [`ClientBuilder::max_error_body_bytes`]).
    pub fn max_error_body_bytes(mut self, limit: usize) -> Self {
        self.max_error_body_bytes = Some(limit);
        self
    }

    /// Whether a non-idempotent request (POST, PATCH) is retried after a 5xx answer, a timeout
    /// or a broken connection, at the risk of doing it twice.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = Some(yes);
        self
    }

    /// `self` overridden by whatever `over` sets.
    pub(super) fn merged(&self, over: &RequestOptions) -> RequestOptions {
        let mut headers = self.headers.clone();
        for name in over.headers.keys() {
            headers.remove(name);
        }
        for (name, value) in &over.headers {
            headers.append(name.clone(), value.clone());
        }
        RequestOptions {
            headers,
            timeout: over.timeout.or(self.timeout),
            max_retries: over.max_retries.or(self.max_retries),
            retry_non_idempotent: over.retry_non_idempotent.or(self.retry_non_idempotent),
            capture: over.capture.clone().or_else(|| self.capture.clone()),
            max_response_bytes: over.max_response_bytes.or(self.max_response_bytes),
            max_error_body_bytes: over.max_error_body_bytes.or(self.max_error_body_bytes),
        }
    }

    /// Records the status and headers of each response into `capture`.
    pub fn capture_response(mut self, capture: &ResponseCapture) -> Self {
        self.capture = Some(capture.clone());
        self
    }
}
