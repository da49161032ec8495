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

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION, RETRY_AFTER,
    USER_AGENT,
};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

use crate::encoding;
use crate::error::{ApiError, Error};

/// The timeout of a request attempt unless [`ClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How many times a failed request is retried unless [`ClientBuilder::max_retries`] says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// The most retries a request gets, whatever [`ClientBuilder::max_retries`] or
/// [`RequestOptions::max_retries`] ask for.
pub const MAX_RETRIES_LIMIT: u32 = 10;
pub use crate::body::{DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_RESPONSE_BYTES};

/// How many redirects in a row (each within the request's origin) are followed.
const MAX_REDIRECTS: usize = 10;

/// The first backoff ceiling; doubles with each retry.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// The largest backoff ceiling.
const BACKOFF_CAP: Duration = Duration::from_secs(30);
/// The longest wait a server hint (`Retry-After`, `X-RateLimit-Reset`) may ask for before the
/// client gives up instead of sleeping.
const MAX_HINTED_WAIT: Duration = Duration::from_secs(60);

const INTERCOM_VERSION: HeaderName = HeaderName::from_static("intercom-version");
const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded,
/// in path segments and query strings alike.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Marks a path segment that must not be sent (empty, `.` or `..`). Never produced by encoding
/// (a NUL in a value is percent-encoded), so `Client::request` can recognise it.
const UNUSABLE_SEGMENT: char = '\0';

/// The regions Intercom hosts workspaces in; each has its own API host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Region {
    /// The United States: `https://api.intercom.io` (the default).
    #[default]
    Us,
    /// Europe: `https://api.eu.intercom.io`.
    Eu,
    /// Australia: `https://api.au.intercom.io`.
    Au,
}

impl Region {
    /// The base URL of the region's API.
    pub const fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }
}

/// An access token, never shown by `Debug`.
#[derive(Clone)]
struct AccessToken(String);

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A client for Intercom's REST API.
///
/// Cheap to clone (the state is shared) and safe to use from many tasks at once; build one and
/// reuse it, so connections are reused too. The generated operations hang off it:
/// `client.contacts().list(..)`.
#[derive(Clone)]
pub struct Client {
    state: Arc<State>,
    /// Options applied to every request made through this handle (see [`Client::with_options`]).
    defaults: Option<Arc<RequestOptions>>,
}

enum State {
    Ready(Inner),
    /// `Client::new` could not build a client; every request fails with this configuration error.
    Unusable(String),
}

struct Inner {
    http: reqwest::Client,
    custom_http_client: bool,
    /// Without a trailing slash; paths start with one.
    base_url: String,
    version: String,
    /// Authorization (marked sensitive), Intercom-Version, Accept, User-Agent.
    headers: HeaderMap,
    timeout: Option<Duration>,
    max_retries: u32,
    retry_non_idempotent: bool,
    max_response_bytes: usize,
    max_error_body_bytes: usize,
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

    fn ready(&self) -> Result<&Inner, Error> {
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
            error,
        }
    }
}

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

/// Settings for the requests made through a [`Client`] handle, overriding the client's own
/// (see [`Client::with_options`]). Unset settings keep the client's values.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    headers: HeaderMap,
    /// `Some(None)` turns the timeout off.
    timeout: Option<Option<Duration>>,
    max_retries: Option<u32>,
    retry_non_idempotent: Option<bool>,
    capture: Option<ResponseCapture>,
    max_response_bytes: Option<usize>,
    max_error_body_bytes: Option<usize>,
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

    fn record(&self, status: u16, headers: &HeaderMap) {
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
    fn merged(&self, over: &RequestOptions) -> RequestOptions {
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

/// Builds a [`Client`]; from [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    access_token: Option<AccessToken>,
    region: Region,
    base_url: Option<String>,
    version: Option<String>,
    timeout: Option<Duration>,
    max_retries: u32,
    retry_non_idempotent: bool,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    max_response_bytes: usize,
    max_error_body_bytes: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            access_token: None,
            region: Region::default(),
            base_url: None,
            version: None,
            timeout: Some(DEFAULT_TIMEOUT),
            max_retries: DEFAULT_MAX_RETRIES,
            retry_non_idempotent: false,
            user_agent: None,
            http_client: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_error_body_bytes: DEFAULT_MAX_ERROR_BODY_BYTES,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("access_token", &self.access_token)
            .field("region", &self.region)
            .field("base_url", &self.base_url.as_deref().map(crate::redact::url))
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_error_body_bytes", &self.max_error_body_bytes)
            .field("custom_http_client", &self.http_client.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// The access token (required): an app's access token or an OAuth token, sent as
    /// `Authorization: Bearer <token>`. Surrounding whitespace is ignored.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(AccessToken(token.into()));
        self
    }

    /// The region the workspace is hosted in (default [`Region::Us`]).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Sends requests to this base URL instead of the region's, such as a proxy or a test
    /// server: `http://127.0.0.1:8080`. It may have a path prefix (`https://proxy/intercom`),
    /// but no query, fragment or credentials.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The API version sent as `Intercom-Version` (default: the version the code was generated
    /// from, [`crate::generated::API_VERSION`]).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// The timeout of each attempt, from sending the request to having read the whole answer
    /// (default 60 s). A call that retries can take longer in total.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No timeout at all (a user-supplied [`http_client`](Self::http_client) may still have one).
    ///
    /// Tests that pause Tokio's clock (`#[tokio::test(start_paused = true)]`) against a real
    /// server need this: a paused clock jumps to the next timer whenever the runtime is idle,
    /// which includes waiting for the network, so any timeout would fire at once.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// How many times a failed request may be retried (default 3; 0: never; at most
    /// [`MAX_RETRIES_LIMIT`], larger values are clamped). See the [module documentation](self)
    /// for what is retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries.min(MAX_RETRIES_LIMIT);
        self
    }

    /// The longest successful answer body accepted, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB); a longer one fails with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How much of an error answer's body is read and kept, in bytes (default
    /// [`DEFAULT_MAX_ERROR_BODY_BYTES`], 64 KiB); the rest is not read.
    pub fn max_error_body_bytes(mut self, limit: usize) -> Self {
        self.max_error_body_bytes = limit;
        self
    }

    /// Whether non-idempotent requests (POST, PATCH) are also retried after a 5xx answer, a
    /// timeout or a broken connection, at the risk of doing them twice (default false). 429
    /// answers and failed connection attempts are retried regardless.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Identifies the application: sent as `User-Agent: <user_agent> intercom-rs/<version>`
    /// (by default `intercom-rs/<version>` alone).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends requests through this `reqwest` client (for proxies, custom TLS roots, connection
    /// pool settings). The headers, timeout and size limits of this builder still apply per
    /// request. Its redirect policy is its own: build it with
    /// `.redirect(intercom::client::redirect_policy())` so that redirects to another origin are
    /// not followed (an answer that comes from another origin all the same fails with
    /// [`Error::Redirect`], but the request has been sent there).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The client; fails with [`Error::Config`] on a missing or unusable access token, an
    /// invalid base URL, version or user agent.
    pub fn build(self) -> Result<Client, Error> {
        let token = self.access_token.as_ref().map(|token| token.0.trim()).unwrap_or_default();
        if token.is_empty() {
            return Err(Error::Config("an access token is required".to_owned()));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Error::Config("the access token holds characters that cannot be sent in an HTTP header".to_owned())
        })?;
        authorization.set_sensitive(true);

        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(self.region.base_url()))?;

        let version = self.version.unwrap_or_else(|| crate::generated::API_VERSION.to_owned());
        let version_header = HeaderValue::from_str(version.trim())
            .ok()
            .filter(|_| !version.trim().is_empty())
            .ok_or_else(|| Error::Config(format!("`{version}` is not a usable API version")))?;

        let default_agent = concat!("intercom-rs/", env!("CARGO_PKG_VERSION"));
        let agent = match self.user_agent.as_deref().map(str::trim) {
            Some(custom) if !custom.is_empty() => format!("{custom} {default_agent}"),
            _ => default_agent.to_owned(),
        };
        let agent = HeaderValue::from_str(&agent)
            .map_err(|_| Error::Config(format!("`{agent}` is not a valid User-Agent header value")))?;

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(INTERCOM_VERSION, version_header);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, agent);

        let custom_http_client = self.http_client.is_some();
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .redirect(redirect_policy())
                .build()
                .map_err(|error| Error::Config(format!("could not build the HTTP client: {error}")))?,
        };
        let inner = Inner {
            http,
            custom_http_client,
            base_url,
            version: version.trim().to_owned(),
            headers,
            timeout: self.timeout,
            max_retries: self.max_retries,
            retry_non_idempotent: self.retry_non_idempotent,
            max_response_bytes: self.max_response_bytes,
            max_error_body_bytes: self.max_error_body_bytes,
        };
        Ok(Client { state: Arc::new(State::Ready(inner)), defaults: None })
    }
}

/// The redirect policy of the clients this crate builds: a redirect is followed only within
/// the origin (scheme, host and port) of the original request, at most 10 in a row. Any other
/// is not followed: its 3xx answer comes back, and the call fails with [`Error::Redirect`].
///
/// Give it to a `reqwest::Client` passed to [`ClientBuilder::http_client`] to keep that
/// guarantee: `reqwest::Client::builder().redirect(intercom::client::redirect_policy())`.
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Checks a base URL and writes it without a trailing slash.
fn parse_base_url(text: &str) -> Result<String, Error> {
    // The URL is quoted without its credentials or query: those are what may be secret.
    let bad = |why: &str| Error::Config(format!("invalid base URL `{}`: {why}", crate::redact::url(text)));
    let url = Url::parse(text.trim()).map_err(|error| bad(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it must not hold credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A decoded 2xx answer with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The answer's headers (rate-limit counters, request id, …).
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// Intercom's id for the request (`X-Request-Id`), to quote when contacting support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get(X_REQUEST_ID).and_then(|value| value.to_str().ok())
    }

    /// The decoded body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The same answer with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

/// One request being put together by a generated operation; send it with `send`.
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct OperationRequest<'a> {
    client: &'a Client,
    method: Method,
    operation_id: &'static str,
    path: String,
    /// Already encoded, without the `?`.
    query: String,
    body: Option<Bytes>,
    /// The operation's own headers (header parameters, a non-JSON `Content-Type` or `Accept`),
    /// over the client's and under the per-request options'.
    headers: HeaderMap,
    idempotent: bool,
    options: Option<RequestOptions>,
    /// The first problem met while building; returned by `send` without sending anything.
    error: Option<Error>,
}

/// A complete answer of any status but 3xx (an error body perhaps cut at its limit).
struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    /// Whether `body` is only the first part of a longer (error) body.
    truncated: bool,
}

/// How much of an answer's body is read.
#[derive(Debug, Clone, Copy)]
struct BodyLimits {
    /// For a 2xx answer: past it, the call fails.
    success: usize,
    /// For any other answer: past it, the body is cut.
    error: usize,
}

#[allow(dead_code)] // Called by the generated operations; not every description uses every method.
impl<'a> OperationRequest<'a> {
    /// Adds query parameters from a struct (or map): `None`/null values are skipped, strings
    /// sent as they are, numbers and booleans as written in JSON, arrays as one pair per
    /// element, objects as compact JSON. Keys and values are percent-encoded.
    pub(crate) fn query<Q: Serialize + ?Sized>(self, params: &Q) -> Self {
        self.query_styled(params, &[])
    }

    /// Like `query`, writing the parameters listed in `styles` in their OpenAPI style (see
    /// [`crate::encoding`]).
    pub(crate) fn query_styled<Q: Serialize + ?Sized>(mut self, params: &Q, styles: encoding::Styles<'_>) -> Self {
        if self.error.is_none() {
            match encoding::query(params, styles) {
                Ok(pairs) if pairs.is_empty() => {}
                Ok(pairs) => {
                    if !self.query.is_empty() {
                        self.query.push('&');
                    }
                    self.query.push_str(&pairs);
                }
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends `body` as JSON.
    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        if self.error.is_none() {
            match serde_json::to_vec(body) {
                Ok(bytes) => self.body = Some(Bytes::from(bytes)),
                Err(error) => self.error = Some(Error::Encode(error)),
            }
        }
        self
    }

    /// Sends a header parameter (`simple` style, or JSON text); a `null` value sends nothing.
    pub(crate) fn header_param<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T, style: encoding::Style, explode: bool) -> Self {
        if self.error.is_none() {
            match encoding::header_value(value, style, explode) {
                Ok(None) => {}
                Ok(Some(text)) => match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&text)) {
                    (Ok(name), Ok(value)) => {
                        self.headers.append(name, value);
                    }
                    _ => {
                        let problem = format!("header parameter `{name}` cannot be sent: `{text}` is not a valid header value");
                        self.error = Some(Error::encode(problem));
                    }
                },
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends `body` as `application/x-www-form-urlencoded`, the properties listed in `styles`
    /// in their style (see [`encoding::form`] for the others).
    pub(crate) fn form<B: Serialize + ?Sized>(mut self, body: &B, styles: encoding::Styles<'_>) -> Self {
        if self.error.is_none() {
            match encoding::form(body, styles) {
                Ok(bytes) => self.set_body(bytes, "application/x-www-form-urlencoded"),
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends a `multipart/form-data` body.
    pub(crate) fn multipart(mut self, form: encoding::Multipart) -> Self {
        if self.error.is_none() {
            match form.finish() {
                Ok((content_type, bytes)) => self.set_body(bytes, &content_type),
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends `body` as it is, as `content_type` (text or octets).
    pub(crate) fn raw_body(mut self, body: impl Into<Bytes>, content_type: &str) -> Self {
        if self.error.is_none() {
            self.set_body(body.into(), content_type);
        }
        self
    }

    fn set_body(&mut self, body: Bytes, content_type: &str) {
        match HeaderValue::from_str(content_type) {
            Ok(value) => {
                self.headers.insert(CONTENT_TYPE, value);
                self.body = Some(body);
            }
            Err(_) => self.error = Some(Error::encode(format!("`{content_type}` is not a usable Content-Type"))),
        }
    }

    /// Asks for these media types (`Accept`) instead of JSON.
    pub(crate) fn accept(mut self, media_types: &'static str) -> Self {
        self.headers.insert(ACCEPT, HeaderValue::from_static(media_types));
        self
    }

    /// Whether sending the request twice does no more than sending it once (GET, PUT, DELETE,
    /// HEAD), which allows retrying after a 5xx answer or a broken connection.
    pub(crate) fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Options for this request, over those of the client handle.
    pub(crate) fn options(mut self, options: RequestOptions) -> Self {
        self.options = Some(match self.options.take() {
            Some(current) => current.merged(&options),
            None => options,
        });
        self
    }

    /// Sends the request (retrying as configured) and decodes a 2xx JSON answer into `T`. An
    /// empty body decodes as JSON `null`, so `()` and `Option<_>` accept it.
    pub(crate) async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send_with_response().await.map(Response::into_body)
    }

    /// Sends the request and returns a 2xx answer's body as text (UTF-8).
    pub(crate) async fn send_text(self) -> Result<String, Error> {
        let raw = self.execute().await?;
        String::from_utf8(raw.body.to_vec()).map_err(|error| Error::Decode {
            path: ".".to_owned(),
            message: format!("the answer is not UTF-8 text: {error}"),
            body: String::from_utf8_lossy(&raw.body).into_owned(),
            status: raw.status,
            request_id: raw.headers.get(X_REQUEST_ID).and_then(|value| value.to_str().ok()).map(str::to_owned),
        })
    }

    /// Sends the request and returns a 2xx answer's body as it came.
    pub(crate) async fn send_bytes(self) -> Result<Bytes, Error> {
        self.execute().await.map(|raw| raw.body)
    }

    /// Like `send`, keeping the status and headers.
    pub(crate) async fn send_with_response<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let raw = self.execute().await?;
        let body = decode_body(&raw)?;
        Ok(Response { status: raw.status, headers: raw.headers, body })
    }

    /// Sends the request until a 2xx answer, a final failure, or the retries run out.
    async fn execute(self) -> Result<RawResponse, Error> {
        let OperationRequest { client, method, operation_id, path, query, body, headers: own_headers, idempotent, options, error } = self;
        if let Some(error) = error {
            return Err(error);
        }
        let inner = client.ready()?;
        let options = match (&client.defaults, options) {
            (Some(defaults), Some(options)) => defaults.merged(&options),
            (Some(defaults), None) => RequestOptions::clone(defaults),
            (None, Some(options)) => options,
            (None, None) => RequestOptions::default(),
        };
        let url = build_url(&inner.base_url, &path, &query)?;
        let mut headers = inner.headers.clone();
        if body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        headers.extend(own_headers);
        for name in options.headers.keys() {
            headers.remove(name);
        }
        for (name, value) in &options.headers {
            headers.append(name.clone(), value.clone());
        }
        let timeout = options.timeout.unwrap_or(inner.timeout);
        let max_retries = options.max_retries.unwrap_or(inner.max_retries).min(MAX_RETRIES_LIMIT);
        let limits = BodyLimits {
            success: options.max_response_bytes.unwrap_or(inner.max_response_bytes),
            error: options.max_error_body_bytes.unwrap_or(inner.max_error_body_bytes),
        };
        let retry_unsafe = idempotent || options.retry_non_idempotent.unwrap_or(inner.retry_non_idempotent);

        let span = tracing::info_span!(
            "intercom.request",
            operation_id,
            method = %method,
            path = %path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let recorder = span.clone();
        async move {
            let mut attempt: u32 = 0;
            loop {
                attempt = attempt.saturating_add(1);
                recorder.record("attempt", attempt);
                let may_retry = attempt <= max_retries;
                let outcome = send_once(&inner.http, &method, &url, &headers, body.as_ref(), timeout, limits).await;
                let delay = match outcome {
                    Ok(raw) => {
                        recorder.record("status", raw.status);
                        if let Some(capture) = &options.capture {
                            capture.record(raw.status, &raw.headers);
                        }
                        if (200..300).contains(&raw.status) {
                            return Ok(raw);
                        }
                        let rate_limited = raw.status == 429;
                        let hint = retry_hint(&raw.headers, rate_limited, SystemTime::now());
                        let retryable = rate_limited || ((500..600).contains(&raw.status) && retry_unsafe);
                        let delay = match hint {
                            Some(wait) if wait > MAX_HINTED_WAIT => None,
                            Some(wait) if !wait.is_zero() => Some(wait),
                            // No hint, or "now" (a reset time already past, perhaps by clock skew):
                            // back off rather than retrying at once.
                            _ => Some(backoff(attempt)),
                        };
                        match delay {
                            Some(delay) if retryable && may_retry => {
                                tracing::debug!(
                                    attempt,
                                    status = raw.status,
                                    delay_ms = millis(delay),
                                    hinted = hint.is_some(),
                                    "retrying Intercom request"
                                );
                                delay
                            }
                            _ => return Err(answer_error(raw, rate_limited, hint)),
                        }
                    }
                    Err(error) => {
                        let retryable = match &error {
                            Error::Timeout { .. } => retry_unsafe,
                            Error::Transport(error) => {
                                error.is_connect()
                                    || (retry_unsafe && (error.is_request() || error.is_body() || error.is_decode()))
                            }
                            _ => false,
                        };
                        if !(retryable && may_retry) {
                            return Err(error);
                        }
                        let delay = backoff(attempt);
                        tracing::debug!(attempt, error = %error, delay_ms = millis(delay), "retrying Intercom request");
                        delay
                    }
                };
                tokio::time::sleep(delay).await;
            }
        }
        .instrument(span)
        .await
    }
}

/// One attempt: the request out, the whole answer in (under `limits`), within `timeout`.
async fn send_once(
    http: &reqwest::Client,
    method: &Method,
    url: &Url,
    headers: &HeaderMap,
    body: Option<&Bytes>,
    timeout: Option<Duration>,
    limits: BodyLimits,
) -> Result<RawResponse, Error> {
    let mut request = http.request(method.clone(), url.clone()).headers(headers.clone());
    if let Some(body) = body {
        request = request.body(body.clone());
    }
    let exchange = async {
        let response = request.send().await.map_err(Error::transport)?;
        receive(response, url, limits).await
    };
    match timeout {
        Some(limit) => match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout { after: Some(limit) }),
        },
        None => exchange.await,
    }
}

/// Reads an answer: a redirect (or an answer from another origin than `sent_to`'s) is an
/// error without reading its body; other bodies are read up to their limit.
async fn receive(response: reqwest::Response, sent_to: &Url, limits: BodyLimits) -> Result<RawResponse, Error> {
    let status = response.status().as_u16();
    if response.url().origin() != sent_to.origin() {
        // Only a user-supplied client without `redirect_policy` follows such a redirect.
        let location = Some(crate::redact::redacted(response.url()).to_string());
        return Err(Error::Redirect { status, location });
    }
    if response.status().is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(|target| match response.url().join(target) {
                Ok(target) => crate::redact::redacted(&target).to_string(),
                Err(_) => "<unparsable URL>".to_owned(),
            });
        return Err(Error::Redirect { status, location });
    }
    let headers = response.headers().clone();
    let success = response.status().is_success();
    let (limit, overflow) = if success {
        (limits.success, crate::body::Overflow::Discard)
    } else {
        (limits.error, crate::body::Overflow::KeepPrefix)
    };
    let read = crate::body::read_limited(response, limit, overflow).await.map_err(Error::transport)?;
    if success && read.truncated {
        return Err(Error::ResponseTooLarge { limit, declared: read.declared, status, request_id: request_id(&headers) });
    }
    Ok(RawResponse { status, headers, body: read.bytes, truncated: read.truncated })
}

/// The `X-Request-Id` header's value, if it is text.
fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get(X_REQUEST_ID).and_then(|value| value.to_str().ok()).map(str::to_owned)
}

/// The error for a final non-2xx answer.
fn answer_error(raw: RawResponse, rate_limited: bool, hint: Option<Duration>) -> Error {
    let mut api = ApiError::from_response(raw.status, raw.headers, &raw.body);
    api.body_truncated = raw.truncated;
    if rate_limited {
        Error::RateLimited { retry_after: hint, request_id: api.request_id.clone(), error: Box::new(api) }
    } else {
        Error::Api(Box::new(api))
    }
}

/// How long the server asked to wait: `Retry-After` (seconds or an HTTP date), else, on a
/// 429, `X-RateLimit-Reset` (Unix seconds at which the window resets). Not capped: a wait
/// longer than the client sleeps is returned to the caller, whichever header asked for it.
fn retry_hint(headers: &HeaderMap, rate_limited: bool, now: SystemTime) -> Option<Duration> {
    let text = |name: &HeaderName| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    if let Some(wait) = text(&RETRY_AFTER).and_then(|value| parse_retry_after(value, now)) {
        return Some(wait);
    }
    if rate_limited {
        let reset = text(&X_RATELIMIT_RESET)?;
        let reset = reset.parse::<u64>().ok().or_else(|| {
            let seconds = reset.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0)?;
            // Bounded above, so the cast is exact enough and cannot overflow.
            Some(seconds.min(1e15).ceil() as u64)
        })?;
        let at = UNIX_EPOCH.checked_add(Duration::from_secs(reset))?;
        return Some(at.duration_since(now).unwrap_or_default());
    }
    None
}

/// `Retry-After`: delay seconds (a non-negative number) or an HTTP date.
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// Full-jitter exponential backoff after `attempt` failed attempts (1 for the first).
fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    let ceiling = BACKOFF_BASE.saturating_mul(1 << doublings).min(BACKOFF_CAP);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=ceiling_ms))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The full URL: base + path (+ `?` + query).
fn build_url(base: &str, path: &str, query: &str) -> Result<Url, Error> {
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

/// Decodes a 2xx body, naming the failing field path on error.
fn decode_body<T: DeserializeOwned>(raw: &RawResponse) -> Result<T, Error> {
    let empty = raw.body.iter().all(u8::is_ascii_whitespace);
    let bytes: &[u8] = if empty { b"null" } else { &raw.body };
    match decode_json::<T>(bytes) {
        Ok(value) => Ok(value),
        Err((path, message)) => {
            // A type without data (`()`, a unit struct) has nothing to lose by ignoring a body
            // the description did not announce.
            if std::mem::size_of::<T>() == 0 {
                if let Ok(value) = serde_json::from_slice::<T>(b"null") {
                    return Ok(value);
                }
            }
            Err(Error::Decode {
                path,
                message,
                body: String::from_utf8_lossy(&raw.body).into_owned(),
                status: raw.status,
                request_id: request_id(&raw.headers),
            })
        }
    }
}

fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (error.path().to_string(), error.inner().to_string()))?;
    deserializer.end().map_err(|error| (".".to_owned(), error.to_string()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc as StdArc;

    use serde::Deserialize;
    use serde_json::json;
    use wiremock::matchers::{body_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    use super::*;
    use crate::error::ErrorList;
    use crate::Timestamp;

    const TOKEN: &str = "dG9rOnNlY3JldC10b2tlbi12YWx1ZQ==";

    /// A client for `server` with real-time defaults.
    fn client(server: &MockServer) -> Client {
        Client::builder().access_token(TOKEN).base_url(server.uri()).build().unwrap()
    }

    /// A client for tests on a paused clock: no timers other than the retry sleeps, so the
    /// clock only jumps over backoff (a timeout or pool timer would fire while waiting on the
    /// real network).
    fn paused_client(server: &MockServer) -> ClientBuilder {
        let http = reqwest::Client::builder().pool_max_idle_per_host(0).pool_idle_timeout(None).build().unwrap();
        Client::builder().access_token(TOKEN).base_url(server.uri()).no_timeout().http_client(http)
    }

    async fn received(server: &MockServer) -> Vec<Request> {
        server.received_requests().await.unwrap_or_default()
    }

    fn error_list(request_id: &str, code: &str, message: &str) -> serde_json::Value {
        json!({"type": "error.list", "request_id": request_id, "errors": [{"code": code, "message": message}]})
    }

    #[derive(Debug, Serialize)]
    struct ListParams {
        #[serde(skip_serializing_if = "Option::is_none")]
        starting_after: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        per_page: Option<i64>,
        email: Option<String>,
        archived: bool,
        tags: Vec<String>,
        filter: BTreeMap<String, serde_json::Value>,
        since: Timestamp,
    }

    #[derive(Debug, Serialize)]
    struct NewNote {
        body: String,
        admin_id: i64,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Note {
        id: String,
        created_at: Timestamp,
    }

    #[tokio::test]
    async fn sends_method_path_query_headers_and_json_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/contacts/abc%2F1%20%C3%A9/notes"))
            .and(query_param("per_page", "50"))
            .and(query_param("archived", "false"))
            .and(query_param("q", "a b&c=d"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("intercom-version", crate::generated::API_VERSION))
            .and(header("accept", "application/json"))
            .and(header("content-type", "application/json"))
            .and(body_json(json!({"body": "Hello", "admin_id": 7})))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": "n1", "created_at": 1700000000, "extra": [1]})),
            )
            .expect(1)
            .mount(&server)
            .await;

        let client = client(&server);
        let segment = encode_path_segment(&"abc/1 é");
        let note: Note = client
            .request(Method::POST, "createNote", format!("/contacts/{segment}/notes"))
            .idempotent(false)
            .query(&json!({"per_page": 50, "archived": false, "skip": null, "q": "a b&c=d"}))
            .json(&NewNote { body: "Hello".into(), admin_id: 7 })
            .send()
            .await
            .unwrap();
        assert_eq!(note, Note { id: "n1".into(), created_at: Timestamp::from_unix_seconds(1_700_000_000) });

        let requests = received(&server).await;
        let agent = requests[0].headers.get("user-agent").unwrap().to_str().unwrap();
        assert_eq!(agent, concat!("intercom-rs/", env!("CARGO_PKG_VERSION")));
    }

    #[tokio::test]
    async fn query_struct_encoding_on_the_wire() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/contacts"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        let params = ListParams {
            starting_after: None,
            per_page: Some(25),
            email: None,
            archived: true,
            tags: vec!["vip".into(), "a b".into()],
            filter: BTreeMap::from([("field".to_owned(), json!("name")), ("n".to_owned(), json!(1))]),
            since: Timestamp::from_unix_seconds(1_600_000_000),
        };
        let _: serde_json::Value = client(&server)
            .request(Method::GET, "listContacts", "/contacts".into())
            .query(&params)
            .send()
            .await
            .unwrap();
        let requests = received(&server).await;
        assert_eq!(
            requests[0].url.query(),
            // An object is spread into its properties (OpenAPI's default: `form`, exploded).
            Some("archived=true&field=name&n=1&per_page=25&since=1600000000&tags=vip&tags=a%20b")
        );
        assert!(requests[0].headers.get("content-type").is_none(), "no body, no content type");
        assert!(requests[0].body.is_empty());
    }

    #[test]
    fn query_encoding_rules() {
        assert_eq!(
            encoding::query(&json!({"a": "x y/z", "b": 1.5, "c": [1, null, "two", {"k": true}], "d": null}), &[]).unwrap(),
            "a=x%20y%2Fz&b=1.5&c=1&c=two&c=%7B%22k%22%3Atrue%7D"
        );
        assert_eq!(encoding::query(&(), &[]).unwrap(), "");
        assert_eq!(encoding::query(&Option::<ListParams>::None, &[]).unwrap(), "");
        assert_eq!(
            encoding::query(&BTreeMap::from([("ключ", "значение")]), &[]).unwrap(),
            "%D0%BA%D0%BB%D1%8E%D1%87=%D0%B7%D0%BD%D0%B0%D1%87%D0%B5%D0%BD%D0%B8%D0%B5"
        );
        let err = encoding::query(&"just a string", &[]).unwrap_err();
        assert!(matches!(err, Error::Encode(_)));
        assert!(err.to_string().contains("struct or map"), "{err}");
    }

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

    #[tokio::test]
    async fn version_user_agent_and_extra_headers_are_configurable() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/prefix/me"))
            .and(header("intercom-version", "Unstable"))
            .and(header("user-agent", concat!("my-app/1.0 intercom-rs/", env!("CARGO_PKG_VERSION"))))
            .and(header("x-trace", "per-request"))
            .and(header("x-team", "support"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder()
            .access_token(format!("  {TOKEN}\n"))
            .base_url(format!("{}/prefix/", server.uri()))
            .version("Unstable")
            .user_agent("my-app/1.0")
            .build()
            .unwrap();
        assert_eq!(client.api_version(), Some("Unstable"));
        assert_eq!(client.base_url(), Some(format!("{}/prefix", server.uri()).as_str()));
        let scoped = client.with_options(
            RequestOptions::new().try_header("X-Team", "support").unwrap().try_header("x-trace", "default").unwrap(),
        );
        let body: serde_json::Value = scoped
            .request(Method::GET, "identifyAdmin", "/me".into())
            .options(
                RequestOptions::new()
                    .header(HeaderName::from_static("x-trace"), HeaderValue::from_static("per-request")),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(body, json!({"ok": true}));
        let requests = received(&server).await;
        assert_eq!(requests[0].headers.get_all("x-trace").iter().count(), 1);
        assert_eq!(requests[0].headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
    }

    #[tokio::test]
    async fn api_error_with_error_list_and_request_id() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/contacts/missing"))
            .respond_with(
                ResponseTemplate::new(404).insert_header("x-request-id", "from-header").set_body_json(error_list(
                    "from-body",
                    "not_found",
                    "Contact Not Found",
                )),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/contacts/forbidden"))
            .respond_with(
                ResponseTemplate::new(403).insert_header("x-request-id", "hdr-2").set_body_string("Forbidden"),
            )
            .mount(&server)
            .await;
        let client = client(&server);
        let err =
            client.request(Method::GET, "getContact", "/contacts/missing".into()).send::<Note>().await.unwrap_err();
        let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
        assert_eq!(api.status, 404);
        assert_eq!(api.request_id.as_deref(), Some("from-body"));
        assert_eq!(api.code(), Some("not_found"));
        assert_eq!(api.message(), Some("Contact Not Found"));
        assert_eq!(api.error_list.as_ref().and_then(|list: &ErrorList| list.kind.as_deref()), Some("error.list"));
        assert!(api.body.contains("Contact Not Found"));
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.request_id(), Some("from-body"));
        assert!(!err.is_retryable());
        assert_eq!(err.to_string(), "Intercom answered 404: not_found: Contact Not Found (request id from-body)");

        let err =
            client.request(Method::GET, "getContact", "/contacts/forbidden".into()).send::<Note>().await.unwrap_err();
        assert_eq!(err.request_id(), Some("hdr-2"));
        assert_eq!(err.api_error().map(|api| api.body.as_str()), Some("Forbidden"));
        assert_eq!(received(&server).await.len(), 2, "4xx answers are not retried");
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limited_then_success_waits_for_retry_after() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/conversations"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7").set_body_json(error_list(
                "r429",
                "rate_limit_exceeded",
                "Too many",
            )))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/conversations"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c1", "created_at": 1})))
            .expect(1)
            .mount(&server)
            .await;
        let client = paused_client(&server).build().unwrap();
        let started = tokio::time::Instant::now();
        let real = std::time::Instant::now();
        // A POST: 429 means the request was refused, so it is retried whatever the method.
        let note: Note = client
            .request(Method::POST, "createConversation", "/conversations".into())
            .idempotent(false)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(note.id, "c1");
        assert!(started.elapsed() >= Duration::from_secs(7), "waited {:?}", started.elapsed());
        assert!(real.elapsed() < Duration::from_secs(5), "the wait was virtual");
        assert_eq!(received(&server).await.len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limited_waits_for_x_ratelimit_reset() {
        let server = MockServer::start().await;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("x-ratelimit-reset", (now + 4).to_string().as_str()))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "x", "created_at": 2})))
            .mount(&server)
            .await;
        let client = paused_client(&server).build().unwrap();
        let started = tokio::time::Instant::now();
        let _: Note = client.request(Method::GET, "getNote", "/notes/x".into()).send().await.unwrap();
        // The reset is at a whole second, 3 to 4 seconds from now.
        assert!(started.elapsed() >= Duration::from_secs(3), "waited {:?}", started.elapsed());
        assert!(started.elapsed() <= Duration::from_secs(5), "waited {:?}", started.elapsed());
        assert_eq!(received(&server).await.len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_retries_run_out() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "2")
                    .insert_header("x-request-id", "limited")
                    .set_body_json(json!({"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]})),
            )
            .mount(&server)
            .await;
        let client = paused_client(&server).max_retries(2).build().unwrap();
        let started = tokio::time::Instant::now();
        let err = client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap_err();
        assert!(started.elapsed() >= Duration::from_secs(4));
        let Error::RateLimited { retry_after, request_id, error } = &err else {
            panic!("expected RateLimited, got {err:?}")
        };
        assert_eq!(*retry_after, Some(Duration::from_secs(2)));
        assert_eq!(request_id.as_deref(), Some("limited"));
        assert_eq!(error.code(), Some("rate_limit_exceeded"));
        assert_eq!(err.status(), Some(429));
        assert!(err.is_retryable());
        assert_eq!(received(&server).await.len(), 3, "one attempt plus two retries");
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_retry_after_is_returned_not_slept() {
        let server = MockServer::start().await;
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", later.as_str()))
            .mount(&server)
            .await;
        let client = paused_client(&server).build().unwrap();
        let started = tokio::time::Instant::now();
        let err = client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::ZERO);
        let wait = err.retry_after().unwrap();
        assert!(wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600), "{wait:?}");
        assert_eq!(received(&server).await.len(), 1);
    }

    #[test]
    fn retry_hints() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_str(value).unwrap());
            }
            map
        };
        assert_eq!(retry_hint(&headers(&[("retry-after", "3")]), true, now), Some(Duration::from_secs(3)));
        assert_eq!(retry_hint(&headers(&[("retry-after", "1.5")]), false, now), Some(Duration::from_millis(1500)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(retry_hint(&headers(&[("retry-after", &date)]), true, now), Some(Duration::from_secs(10)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(retry_hint(&headers(&[("retry-after", &past)]), true, now), Some(Duration::ZERO));
        assert_eq!(retry_hint(&headers(&[("x-ratelimit-reset", "1000005")]), true, now), Some(Duration::from_secs(5)));
        assert_eq!(retry_hint(&headers(&[("x-ratelimit-reset", "1000005")]), false, now), None, "only on 429");
        assert_eq!(retry_hint(&headers(&[("x-ratelimit-reset", "999000")]), true, now), Some(Duration::ZERO));
        assert_eq!(
            retry_hint(&headers(&[("x-ratelimit-reset", "9999999999")]), true, now),
            Some(Duration::from_secs(9_999_999_999 - 1_000_000)),
            "not capped: a wait over the limit is returned, not shortened"
        );
        assert_eq!(
            retry_hint(&headers(&[("retry-after", "2"), ("x-ratelimit-reset", "1000009")]), true, now),
            Some(Duration::from_secs(2)),
            "Retry-After first"
        );
        for junk in ["soon", "-1", "NaN", ""] {
            assert_eq!(
                retry_hint(&headers(&[("retry-after", junk), ("x-ratelimit-reset", junk)]), true, now),
                None,
                "{junk}"
            );
        }
    }

    #[test]
    fn backoff_is_jittered_and_capped() {
        for _ in 0..200 {
            assert!(backoff(1) <= Duration::from_millis(500));
            assert!(backoff(2) <= Duration::from_secs(1));
            assert!(backoff(3) <= Duration::from_secs(2));
            assert!(backoff(40) <= BACKOFF_CAP);
            assert!(backoff(u32::MAX) <= BACKOFF_CAP);
        }
        let spread: std::collections::HashSet<Duration> = (0..50).map(|_| backoff(10)).collect();
        assert!(spread.len() > 10, "full jitter spreads the delays");
    }

    #[tokio::test(start_paused = true)]
    async fn server_errors_are_retried_up_to_the_limit() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(500).set_body_json(error_list("r500", "server_error", "Oops")))
            .mount(&server)
            .await;
        let client = paused_client(&server).build().unwrap();
        let err =
            client.request(Method::GET, "listTags", "/tags".into()).idempotent(true).send::<()>().await.unwrap_err();
        assert_eq!(err.status(), Some(500));
        assert!(matches!(&err, Error::Api(api) if api.code() == Some("server_error")));
        assert!(err.is_retryable());
        assert_eq!(received(&server).await.len(), 1 + DEFAULT_MAX_RETRIES as usize);
    }

    #[tokio::test(start_paused = true)]
    async fn server_error_then_success() {
        let server = MockServer::start().await;
        Mock::given(method("PUT")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "ok", "created_at": 3})))
            .mount(&server)
            .await;
        let client = paused_client(&server).build().unwrap();
        let response: Response<Note> = client
            .request(Method::PUT, "updateNote", "/notes/1".into())
            .idempotent(true)
            .json(&json!({"a": 1}))
            .send_with_response()
            .await
            .unwrap();
        assert_eq!(response.body.id, "ok");
        let requests = received(&server).await;
        assert_eq!(requests.len(), 3);
        assert!(requests.iter().all(|r| r.body == br#"{"a":1}"#), "the body is sent again on each attempt");
    }

    #[tokio::test(start_paused = true)]
    async fn post_server_errors_are_not_retried_unless_allowed() {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).mount(&server).await;

        let client = paused_client(&server).build().unwrap();
        let err = client
            .request(Method::POST, "createNote", "/notes".into())
            .idempotent(false)
            .json(&json!({}))
            .send::<()>()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(500));
        assert_eq!(received(&server).await.len(), 1, "a POST that reached the server is not repeated");

        server.reset().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
        let client = paused_client(&server).retry_non_idempotent(true).max_retries(1).build().unwrap();
        let _ = client.request(Method::POST, "createNote", "/notes".into()).idempotent(false).send::<()>().await;
        assert_eq!(received(&server).await.len(), 2, "retried when allowed");

        server.reset().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
        let client = paused_client(&server).build().unwrap();
        let _ = client
            .request(Method::POST, "createNote", "/notes".into())
            .idempotent(false)
            .options(RequestOptions::new().retry_non_idempotent(true).max_retries(2))
            .send::<()>()
            .await;
        assert_eq!(received(&server).await.len(), 3, "retried when allowed per request");
    }

    #[tokio::test(start_paused = true)]
    async fn max_retries_per_request() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
        let client = paused_client(&server).build().unwrap();
        let _ = client
            .request(Method::GET, "listTags", "/tags".into())
            .options(RequestOptions::new().max_retries(0))
            .send::<()>()
            .await;
        assert_eq!(received(&server).await.len(), 1);
        let client = client.with_options(RequestOptions::new().max_retries(1));
        let _ = client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await;
        assert_eq!(received(&server).await.len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn connection_failures_are_retried_then_reported() {
        // A port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
        let client = Client::builder()
            .access_token(TOKEN)
            .base_url(format!("http://127.0.0.1:{port}"))
            .no_timeout()
            .http_client(http)
            .max_retries(2)
            .build()
            .unwrap();
        let started = tokio::time::Instant::now();
        // Even a POST: nothing reached the server.
        let err = client
            .request(Method::POST, "createNote", "/notes".into())
            .idempotent(false)
            .send::<()>()
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::Transport(e) if e.is_connect()), "{err:?}");
        assert!(err.is_retryable());
        assert!(!format!("{err:?}{err}").contains(TOKEN));
        // Two backoff sleeps happened (each may be short, being jittered), without real waiting.
        assert!(started.elapsed() <= Duration::from_millis(1500));
    }

    #[tokio::test]
    async fn client_timeout() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let client = Client::builder()
            .access_token(TOKEN)
            .base_url(server.uri())
            .timeout(Duration::from_millis(100))
            .max_retries(0)
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let err =
            client.request(Method::GET, "listTags", "/tags".into()).send::<serde_json::Value>().await.unwrap_err();
        assert!(matches!(err, Error::Timeout { after: Some(after) } if after == Duration::from_millis(100)), "{err:?}");
        assert!(err.is_timeout() && err.is_retryable());
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(received(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn per_request_timeout_and_retry_after_timeout() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let client = client(&server); // 60 s by default
        let started = std::time::Instant::now();
        let err = client
            .request(Method::GET, "listTags", "/tags".into())
            .options(RequestOptions::new().timeout(Duration::from_millis(100)).max_retries(1))
            .send::<serde_json::Value>()
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(3));
        // A timed-out GET is retried once.
        assert_eq!(received(&server).await.len(), 2);

        // A timed-out POST is not.
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let scoped = client.with_options(RequestOptions::new().timeout(Duration::from_millis(100)));
        let err = scoped
            .request(Method::POST, "createNote", "/notes".into())
            .idempotent(false)
            .send::<()>()
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(received(&server).await.len(), 1);
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Note>,
    }

    #[tokio::test]
    async fn decode_error_names_the_field_path() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-request-id", "dec-1")
                    .set_body_json(json!({"data": [{"id": "a", "created_at": true}]})),
            )
            .mount(&server)
            .await;
        let err = client(&server).request(Method::GET, "listNotes", "/notes".into()).send::<Page>().await.unwrap_err();
        let Error::Decode { path, message, body, status, request_id } = &err else {
            panic!("expected Decode, got {err:?}")
        };
        assert_eq!(path, "data[0].created_at");
        assert!(message.contains("Unix timestamp"), "{message}");
        assert!(body.contains("\"created_at\":true"));
        assert_eq!(*status, 200);
        assert_eq!(request_id.as_deref(), Some("dec-1"));
        assert!(err.to_string().contains("`data[0].created_at`"), "{err}");
        assert!(!err.is_retryable());
    }

    #[tokio::test]
    async fn empty_and_unexpected_bodies_for_unit_and_options() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE")).and(path("/empty")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        Mock::given(method("DELETE"))
            .and(path("/object"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1", "deleted": true})))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/trailing"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{} x"))
            .mount(&server)
            .await;
        let client = client(&server);
        client.request(Method::DELETE, "a", "/empty".into()).send::<()>().await.unwrap();
        client.request(Method::DELETE, "b", "/object".into()).send::<()>().await.unwrap();
        let none: Option<Note> = client.request(Method::DELETE, "c", "/empty".into()).send().await.unwrap();
        assert!(none.is_none());
        let err = client.request(Method::DELETE, "d", "/empty".into()).send::<Note>().await.unwrap_err();
        assert!(matches!(&err, Error::Decode { status: 204, .. }), "{err:?}");
        let err = client.request(Method::GET, "e", "/trailing".into()).send::<serde_json::Value>().await.unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "."), "{err:?}");
    }

    #[tokio::test]
    async fn send_with_response_keeps_status_and_headers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("x-request-id", "req-77")
                    .insert_header("x-ratelimit-remaining", "99")
                    .set_body_json(json!({"id": "n", "created_at": "12"})),
            )
            .mount(&server)
            .await;
        let response = client(&server)
            .request(Method::POST, "createNote", "/notes".into())
            .send_with_response::<Note>()
            .await
            .unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(response.request_id(), Some("req-77"));
        assert_eq!(response.headers.get("x-ratelimit-remaining").unwrap(), "99");
        assert_eq!(response.map(|note| note.created_at).into_body(), Timestamp::from_unix_seconds(12));
    }

    #[tokio::test]
    async fn encode_errors_are_returned_without_sending() {
        let server = MockServer::start().await;
        let client = client(&server);
        let bad_body = BTreeMap::from([((1, 2), "tuple keys are not JSON")]);
        let err = client.request(Method::POST, "x", "/x".into()).json(&bad_body).send::<()>().await.unwrap_err();
        assert!(matches!(err, Error::Encode(_)), "{err:?}");
        let err = client.request(Method::GET, "x", "/x".into()).query(&[1, 2]).send::<()>().await.unwrap_err();
        assert!(matches!(err, Error::Encode(_)), "{err:?}");
        assert!(received(&server).await.is_empty());
    }

    #[tokio::test]
    async fn an_unusable_token_fails_every_request_without_panicking() {
        let server = MockServer::start().await;
        let client = Client::new("line\nbreak");
        assert_eq!(client.base_url(), None);
        let err = client.request(Method::GET, "x", "/x".into()).send::<()>().await.unwrap_err();
        assert!(matches!(&err, Error::Config(message) if message.contains("access token")), "{err:?}");
        assert!(!format!("{client:?}{err:?}{err}").contains("line"));
        assert!(received(&server).await.is_empty());
    }

    #[test]
    fn builder_validation() {
        let config = |result: Result<Client, Error>| match result {
            Err(Error::Config(message)) => message,
            other => panic!("expected a configuration error, got {other:?}"),
        };
        assert!(config(Client::builder().build()).contains("access token"));
        assert!(config(Client::builder().access_token("   ").build()).contains("access token"));
        assert!(config(Client::builder().access_token("t").base_url("not a url").build()).contains("base URL"));
        assert!(config(Client::builder().access_token("t").base_url("ftp://x").build()).contains("http"));
        assert!(config(Client::builder().access_token("t").base_url("http://h/?q=1").build()).contains("query"));
        assert!(config(Client::builder().access_token("t").base_url("http://u:p@h").build()).contains("credentials"));
        assert!(config(Client::builder().access_token("t").version("2.\n11").build()).contains("version"));
        assert!(config(Client::builder().access_token("t").version(" ").build()).contains("version"));
        assert!(config(Client::builder().access_token("t").user_agent("bad\u{7f}").build()).contains("User-Agent"));

        let client = Client::builder().access_token("t").region(Region::Au).build().unwrap();
        assert_eq!(client.base_url(), Some("https://api.au.intercom.io"));
        assert_eq!(client.api_version(), Some(crate::generated::API_VERSION));
        assert_eq!(Client::new("t").base_url(), Some("https://api.intercom.io"));
        let custom =
            Client::builder().access_token("t").region(Region::Eu).base_url("http://localhost:9/").build().unwrap();
        assert_eq!(custom.base_url(), Some("http://localhost:9"), "base_url wins over region");
    }

    #[test]
    fn urls() {
        assert_eq!(build_url("http://h", "/a/b", "").unwrap().as_str(), "http://h/a/b");
        assert_eq!(build_url("http://h/p", "/a", "x=1").unwrap().as_str(), "http://h/p/a?x=1");
        assert_eq!(build_url("http://h", "a", "").unwrap().as_str(), "http://h/a");
        assert_eq!(build_url("http://h", "/a?y=2", "x=1").unwrap().as_str(), "http://h/a?y=2&x=1");
        assert_eq!(build_url("http://h", "/a%2Fb", "").unwrap().path(), "/a%2Fb");
    }

    #[tokio::test]
    async fn token_never_shows_in_debug_output() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_json(error_list(
                "r",
                "unauthorized",
                "Access Token Invalid",
            )))
            .mount(&server)
            .await;
        let builder = Client::builder().access_token(TOKEN).base_url(server.uri());
        let client = builder.clone().build().unwrap();
        let scoped =
            client.with_options(RequestOptions::new().try_header("authorization", &format!("Bearer {TOKEN}")).unwrap());
        let request = client.request(Method::GET, "x", "/x".into());
        let debug = format!("{builder:?} {client:?} {scoped:?} {request:?}");
        drop(request);
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains("<redacted>"));

        let err = scoped.request(Method::GET, "x", "/x".into()).send::<()>().await.unwrap_err();
        let shown = format!("{err:?} {err}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert_eq!(err.status(), Some(401));
        let requests = received(&server).await;
        assert_eq!(requests[0].headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
    }

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

    /// Records spans and events, for checking what a request reports to `tracing`.
    #[derive(Clone, Default)]
    struct Recorder(StdArc<std::sync::Mutex<Recorded>>);

    #[derive(Default)]
    struct Recorded {
        spans: Vec<(&'static str, Vec<(String, String)>)>,
        events: Vec<Vec<(String, String)>>,
    }

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl tracing::field::Visit for Fields<'_> {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
            self.0.push((field.name().to_owned(), format!("{value:?}")));
        }
        fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
            self.0.push((field.name().to_owned(), value.to_owned()));
        }
    }

    impl tracing::Subscriber for Recorder {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            let mut recorded = self.0.lock().unwrap();
            let mut fields = Vec::new();
            span.record(&mut Fields(&mut fields));
            recorded.spans.push((span.metadata().name(), fields));
            tracing::span::Id::from_u64(recorded.spans.len() as u64)
        }
        fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
            let mut recorded = self.0.lock().unwrap();
            let index = span.into_u64() as usize - 1;
            values.record(&mut Fields(&mut recorded.spans[index].1));
        }
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().events.push(fields);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[tokio::test(start_paused = true)]
    async fn tracing_span_and_retry_events() {
        let recorder = Recorder::default();
        let _guard = tracing::subscriber::set_default(recorder.clone());
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        let client = paused_client(&server).build().unwrap();
        client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap();

        let recorded = recorder.0.lock().unwrap();
        let (_, fields) = recorded.spans.iter().find(|(name, _)| *name == "intercom.request").expect("a request span");
        let field = |name: &str| fields.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
        assert_eq!(field("operation_id"), Some("listTags"));
        assert_eq!(field("method"), Some("GET"));
        assert_eq!(field("path"), Some("/tags"));
        assert_eq!(field("attempt"), Some("2"));
        assert_eq!(field("status"), Some("200"));
        let retries: Vec<_> = recorded
            .events
            .iter()
            .filter(|event| event.iter().any(|(key, value)| key == "message" && value == "retrying Intercom request"))
            .collect();
        assert_eq!(retries.len(), 1);
        assert!(retries[0].iter().any(|(key, value)| key == "status" && value == "503"));
        assert!(!format!("{:?}", recorded.spans).contains(TOKEN));
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_hint_still_backs_off() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("x-ratelimit-reset", "1"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        let client = paused_client(&server).build().unwrap();
        let started = tokio::time::Instant::now();
        client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap();
        assert!(
            started.elapsed() <= BACKOFF_BASE,
            "a reset in the past means a short backoff, {:?}",
            started.elapsed()
        );
        assert_eq!(received(&server).await.len(), 2);
    }

    #[test]
    fn regions() {
        assert_eq!(Region::default(), Region::Us);
        assert_eq!(Region::Us.base_url(), "https://api.intercom.io");
        assert_eq!(Region::Eu.base_url(), "https://api.eu.intercom.io");
        assert_eq!(Region::Au.base_url(), "https://api.au.intercom.io");
    }
}
