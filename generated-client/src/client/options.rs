//! [`RequestOptions`]: per-handle and per-request settings over the client's own.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};

use crate::error::Error;
use super::retry::MAX_RETRIES_LIMIT;

/// Settings for the requests made through a [`Client`](super::Client) handle, overriding the client's own
/// (see [`Client::with_options`](super::Client::with_options)). Unset settings keep the client's values.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub(super) headers: HeaderMap,
    /// `Some(None)` turns the timeout off.
    pub(super) timeout: Option<Option<Duration>>,
    pub(super) max_retries: Option<u32>,
    pub(super) retry_non_idempotent: Option<bool>,
    pub(super) max_response_bytes: Option<usize>,
    pub(super) max_error_body_bytes: Option<usize>,
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

    /// Sends each of `headers` as with [`header`](Self::header): each name's values replace
    /// what was set before under that name (a name given several values in `headers` sends them all).
    pub fn headers(mut self, headers: HeaderMap) -> Self {
        for name in headers.keys() {
            self.headers.remove(name);
        }
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

    /// The longest successful answer body accepted, in bytes (see [`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// How much of an error answer's body is kept, in bytes (see [`ClientBuilder::max_error_body_bytes`](super::ClientBuilder::max_error_body_bytes)).
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
            max_response_bytes: over.max_response_bytes.or(self.max_response_bytes),
            max_error_body_bytes: over.max_error_body_bytes.or(self.max_error_body_bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::Method;
    use serde_json::json;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::client::test_support::{client, received};

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[tokio::test]
    async fn headers_replace_what_was_set_under_their_names() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
        let options = RequestOptions::new()
            .try_header("x-a", "first")
            .unwrap()
            .try_header("x-kept", "kept")
            .unwrap()
            .headers(map(&[("x-a", "second"), ("x-b", "1")]))
            .headers(map(&[("x-b", "2"), ("x-b", "3"), ("intercom-version", "Unstable")]));
        client(&server).request(Method::GET, "x", "/x".into()).options(options).send::<()>().await.unwrap();
        let request = &received(&server).await[0];
        let values = |name: &str| -> Vec<&str> {
            request.headers.get_all(name).iter().map(|value| value.to_str().unwrap()).collect()
        };
        assert_eq!(values("x-a"), ["second"]);
        assert_eq!(values("x-b"), ["2", "3"]);
        assert_eq!(values("x-kept"), ["kept"]);
        assert_eq!(values("intercom-version"), ["Unstable"], "the client's own header is replaced too");
    }
}
