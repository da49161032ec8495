//! Configuration: [`ClientBuilder`], [`Region`] and the redirect policy.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};

use crate::body::{DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_RESPONSE_BYTES};
use crate::error::Error;
use super::retry::{DEFAULT_MAX_RETRIES, MAX_RETRIES_LIMIT};
use super::{Client, Inner, State};

/// The timeout of a request attempt unless [`ClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How many redirects in a row (each within the request's origin) are followed.
pub(super) const MAX_REDIRECTS: usize = 10;

pub(super) const INTERCOM_VERSION: HeaderName = HeaderName::from_static("intercom-version");

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
pub(super) struct AccessToken(pub(super) String);

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
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
    /// [`MAX_RETRIES_LIMIT`], larger values are clamped). See the [module documentation](super)
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
pub(super) fn parse_base_url(text: &str) -> Result<String, Error> {
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

#[cfg(test)]
mod tests {
    
    
    

    
    use reqwest::Method;
    use reqwest::header::{HeaderName, HeaderValue};
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crate::client::test_support::*;
    use crate::client::{Client, RequestOptions, Region};
    use crate::error::Error;

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

    #[test]
    fn regions() {
        assert_eq!(Region::default(), Region::Us);
        assert_eq!(Region::Us.base_url(), "https://api.intercom.io");
        assert_eq!(Region::Eu.base_url(), "https://api.eu.intercom.io");
        assert_eq!(Region::Au.base_url(), "https://api.au.intercom.io");
    }
}
