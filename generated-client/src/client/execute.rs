//! Sending a request: the attempt loop, one attempt, reading the answer under its limits.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Url};
use tracing::Instrument;

use crate::error::{ApiError, Error};
use super::response::{request_id, RawResponse};
use super::retry::{backoff, millis, retry_hint, MAX_HINTED_WAIT, MAX_RETRIES_LIMIT};
use super::url::build_url;
use super::{OperationRequest, RequestOptions};

/// A next-page link, once more checked to be on the origin of the base URL (it was checked
/// against the base URL of the client whose stream made it, which this one may not be).
fn same_origin(base_url: &str, link: &Url) -> Result<Url, Error> {
    let base = Url::parse(base_url).map_err(|error| Error::encode(format!("invalid base URL: {error}")))?;
    if base.origin() != link.origin() {
        return Err(Error::Pagination(format!(
            "the next-page link leads off the client's origin ({}), to {}; it is not followed",
            base.origin().ascii_serialization(),
            crate::redact::redacted(link),
        )));
    }
    Ok(link.clone())
}

/// How much of an answer's body is read.
#[derive(Debug, Clone, Copy)]
pub(super) struct BodyLimits {
    /// For a 2xx answer: past it, the call fails.
    pub(super) success: usize,
    /// For any other answer: past it, the body is cut.
    pub(super) error: usize,
}

impl OperationRequest<'_> {
    /// Sends the request until a 2xx answer, a final failure, or the retries run out.
    pub(super) async fn execute(self) -> Result<RawResponse, Error> {
        let OperationRequest { client, method, operation_id, path, query, body, headers: own_headers, idempotent, options, link, error } = self;
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
        let url = match link {
            None => build_url(&inner.base_url, &path, &query)?,
            Some(link) => same_origin(&inner.base_url, link.url())?,
        };
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
pub(super) async fn send_once(
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
pub(super) async fn receive(response: reqwest::Response, sent_to: &Url, limits: BodyLimits) -> Result<RawResponse, Error> {
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

/// The error for a final non-2xx answer.
pub(super) fn answer_error(raw: RawResponse, rate_limited: bool, hint: Option<Duration>) -> Error {
    let mut api = ApiError::from_response(raw.status, raw.headers, &raw.body);
    api.body_truncated = raw.truncated;
    if rate_limited {
        Error::RateLimited { retry_after: hint, request_id: api.request_id.clone(), error: Box::new(api) }
    } else {
        Error::Api(Box::new(api))
    }
}

#[cfg(test)]
mod tests {
    
    
    use std::fmt;
    use std::sync::Arc as StdArc;
    use std::time::Duration;

    use reqwest::Method;
    use serde_json::json;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crate::client::test_support::*;
    use crate::client::{Client, RequestOptions};
    use crate::error::Error;

    #[tokio::test]
    async fn a_page_link_is_sent_only_on_the_clients_origin() {
        let (server, elsewhere) = (MockServer::start().await, MockServer::start().await);
        for target in [&server, &elsewhere] {
            Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(target).await;
        }
        let base = |server: &MockServer| reqwest::Url::parse(&format!("{}/", server.uri())).ok();
        let client = client(&server);
        let call = |link| client.request(Method::GET, "listThings", "/things".to_owned()).query(&json!({"a": 1})).send::<serde_json::Value>().at_link(Some(link));

        // On the client's origin: the link's path and query, in place of the operation's.
        let here = crate::pagination::PageLink::resolve(base(&server).as_ref(), "/things?page=2").unwrap();
        call(&here).await.unwrap();
        let sent = received(&server).await;
        assert_eq!((sent.len(), sent[0].url.path(), sent[0].url.query()), (1, "/things", Some("page=2")));

        // A link made for another client's origin is refused before anything is sent.
        let there = crate::pagination::PageLink::resolve(base(&elsewhere).as_ref(), "/things?page=2").unwrap();
        let err = call(&there).await.unwrap_err();
        assert!(matches!(err, Error::Pagination(_)), "{err:?}");
        assert!(received(&elsewhere).await.is_empty() && received(&server).await.len() == 1);
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

    #[tokio::test]
    async fn a_connection_error_shows_its_cause() {
        // A port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let client = Client::builder()
            .access_token(TOKEN)
            .base_url(format!("http://127.0.0.1:{port}"))
            .max_retries(0)
            .build()
            .unwrap();
        let err = client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap_err();
        let Error::Transport(transport) = &err else { panic!("expected a transport error, got {err:?}") };
        let mut root: &dyn std::error::Error = transport;
        while let Some(source) = root.source() {
            root = source;
        }
        let (display, debug) = (err.to_string(), format!("{err:?}"));
        assert!(display.contains(&root.to_string()), "the root cause `{root}` is missing from `{display}`");
        assert!(debug.contains(&format!("{root:?}")), "the root cause `{root:?}` is missing from `{debug}`");
    }

}
