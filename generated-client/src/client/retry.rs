//! When to retry and how long to wait: server hints (`Retry-After`, `X-RateLimit-Reset`) and backoff.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

/// How many times a failed request is retried unless [`ClientBuilder::max_retries`](super::ClientBuilder::max_retries) says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// The most retries a request gets, whatever [`ClientBuilder::max_retries`](super::ClientBuilder::max_retries) or
/// [`RequestOptions::max_retries`](super::RequestOptions::max_retries) ask for.
pub const MAX_RETRIES_LIMIT: u32 = 10;

/// The first backoff ceiling; doubles with each retry.
pub(super) const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// The largest backoff ceiling.
pub(super) const BACKOFF_CAP: Duration = Duration::from_secs(30);
/// The longest wait a server hint (`Retry-After`, `X-RateLimit-Reset`) may ask for before the
/// client gives up instead of sleeping.
pub(super) const MAX_HINTED_WAIT: Duration = Duration::from_secs(60);

pub(super) const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// How long the server asked to wait: `Retry-After` (seconds or an HTTP date), else, on a
/// 429, `X-RateLimit-Reset` (Unix seconds at which the window resets). Not capped: a wait
/// longer than the client sleeps is returned to the caller, whichever header asked for it.
pub(super) fn retry_hint(headers: &HeaderMap, rate_limited: bool, now: SystemTime) -> Option<Duration> {
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
pub(super) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
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
pub(super) fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    let ceiling = BACKOFF_BASE.saturating_mul(1 << doublings).min(BACKOFF_CAP);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=ceiling_ms))
}

pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    
    
    

    
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use reqwest::Method;
    use reqwest::header::{HeaderMap, HeaderValue};
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crate::client::test_support::*;
    use crate::client::{Client, RequestOptions, Response, DEFAULT_MAX_RETRIES};
    use crate::error::Error;
    use super::*;

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
            .send().raw()
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
}
