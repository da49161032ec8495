//! The client against hostile servers on 127.0.0.1 (endless and oversized bodies, redirects to
//! other origins, far rate-limit resets, endless retries and cursors, text meant for log
//! injection): each test gives such a server and checks the client ends promptly, bounded and
//! without showing secrets.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::client::{RequestOptions, MAX_RETRIES_LIMIT};
use crate::{Client, ClientBuilder, Error};

const TOKEN: &str = "aG9zdGlsZS1zZXJ2ZXItdG9rZW4=";

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder().access_token(TOKEN).base_url(base_url)
}

/// For tests on a paused clock (see `ClientBuilder::no_timeout`).
fn paused_builder(base_url: &str) -> ClientBuilder {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .pool_idle_timeout(None)
        .redirect(crate::client::redirect_policy())
        .build()
        .unwrap();
    builder(base_url).no_timeout().http_client(http)
}

/// A server that answers every request with `head` (status line and headers, without the
/// blank line) and then body bytes in 16 KiB chunks for as long as the client reads them.
/// Dropping the handle stops it.
struct EndlessServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl EndlessServer {
    async fn start(head: &str, chunked: bool) -> EndlessServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let head = format!("{head}\r\n{}\r\n", if chunked { "transfer-encoding: chunked\r\n" } else { "" });
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let head = head.clone();
                tokio::spawn(async move {
                    // Read the request head (small; no body is sent in these tests).
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 1024];
                    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&buffer[..read]),
                        }
                    }
                    if socket.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    let data = vec![b'x'; 16 * 1024];
                    let chunk = if chunked {
                        [format!("{:x}\r\n", data.len()).into_bytes(), data, b"\r\n".to_vec()].concat()
                    } else {
                        data
                    };
                    while socket.write_all(&chunk).await.is_ok() {}
                });
            }
        });
        EndlessServer { addr, task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for EndlessServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---------------------------------------------------------------------------------------------
// Response size limits

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_limit() {
    let server = EndlessServer::start("HTTP/1.1 200 OK\r\ncontent-type: application/json", true).await;
    let client = builder(&server.url()).timeout(Duration::from_secs(20)).max_response_bytes(1024 * 1024).build().unwrap();
    let started = std::time::Instant::now();
    let err = client.request(Method::GET, "listTags", "/tags".into()).send::<Value>().await.unwrap_err();
    let Error::ResponseTooLarge { limit, declared, status, .. } = &err else { panic!("expected ResponseTooLarge, got {err:?}") };
    assert_eq!((*limit, *declared, *status), (1024 * 1024, None, 200));
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("larger than the limit of 1048576 bytes"), "{err}");
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_reading() {
    let server =
        EndlessServer::start("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000000", false)
            .await;
    let client = builder(&server.url()).timeout(Duration::from_secs(20)).build().unwrap();
    let started = std::time::Instant::now();
    let err = client.request(Method::GET, "listTags", "/tags".into()).send::<Value>().await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: crate::client::DEFAULT_MAX_RESPONSE_BYTES, declared: Some(1_000_000_000_000), .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(err.to_string().contains("(Content-Length 1000000000000)"), "{err}");
}

#[tokio::test]
async fn an_endless_error_body_is_cut_at_the_error_limit() {
    let server = EndlessServer::start("HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/html", true).await;
    let client = builder(&server.url()).timeout(Duration::from_secs(20)).max_retries(0).build().unwrap();
    let err = client.request(Method::GET, "listTags", "/tags".into()).send::<Value>().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected the 500 as an API error, got {err:?}") };
    assert_eq!(api.status, 500);
    assert!(api.body_truncated);
    assert_eq!(api.body.len(), crate::client::DEFAULT_MAX_ERROR_BODY_BYTES);
    assert!(err.is_retryable(), "still a 5xx");
    assert!(err.to_string().ends_with('…'), "{err}");

    // A smaller limit per request; a large declared length is cut the same way.
    let server = EndlessServer::start("HTTP/1.1 404 Not Found\r\ncontent-length: 999999999999", false).await;
    let client = builder(&server.url()).timeout(Duration::from_secs(20)).build().unwrap();
    let err = client
        .request(Method::GET, "getTag", "/tags/1".into())
        .options(RequestOptions::new().max_error_body_bytes(10))
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(api) if api.body == "xxxxxxxxxx" && api.body_truncated), "{err:?}");
}

#[tokio::test]
async fn limits_are_set_per_client_and_per_request() {
    let server = MockServer::start().await;
    let body = json!({"data": "x".repeat(1000)});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    let client = builder(&server.uri()).build().unwrap();
    let fine: Value = client.request(Method::GET, "a", "/a".into()).send().await.unwrap();
    assert_eq!(fine, body);
    let small = RequestOptions::new().max_response_bytes(100);
    let err = client.request(Method::GET, "a", "/a".into()).options(small.clone()).send::<Value>().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 100, declared: Some(1011), status: 200, .. }), "{err:?}");
    let err = client.with_options(small).request(Method::GET, "a", "/a".into()).send::<Value>().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 100, .. }), "{err:?}");
    let tight = builder(&server.uri()).max_response_bytes(1010).build().unwrap();
    let err = tight.request(Method::GET, "a", "/a".into()).send::<Value>().await;
    assert!(matches!(err, Err(Error::ResponseTooLarge { limit: 1010, .. })), "{err:?}");
    let exact = builder(&server.uri()).max_response_bytes(1011).build().unwrap();
    assert_eq!(exact.request(Method::GET, "a", "/a".into()).send::<Value>().await.unwrap(), body);
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn redirects_to_another_origin_are_errors_and_send_nothing_there() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "from elsewhere"})))
        .mount(&elsewhere)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "from elsewhere"})))
        .mount(&elsewhere)
        .await;
    for status in [301, 302, 303, 307, 308] {
        let intercom = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", format!("{}/landing?x=1", elsewhere.uri()).as_str()),
            )
            .mount(&intercom)
            .await;
        let client = builder(&intercom.uri()).build().unwrap();
        let err = client
            .request(Method::POST, "createNote", "/notes".into())
            .idempotent(false)
            .json(&json!({"email": "private@example.com"}))
            .options(RequestOptions::new().try_header("x-custom-secret", "do-not-forward").unwrap())
            .send::<Value>()
            .await
            .unwrap_err();
        let Error::Redirect { status: got, location } = &err else { panic!("{status}: expected Redirect, got {err:?}") };
        assert_eq!(*got, status);
        assert_eq!(location.as_deref(), Some(format!("{}/landing?redacted", elsewhere.uri()).as_str()));
        assert_eq!(err.status(), Some(status));
        assert!(!err.is_retryable());
        assert_eq!(intercom.received_requests().await.unwrap().len(), 1, "{status}");
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "nothing reached the other origin");
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": 1}))).mount(&server).await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/loop"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let value: Value = client.request(Method::PUT, "a", "/old".into()).json(&json!({"a": 1})).send().await.unwrap();
    assert_eq!(value, json!({"ok": 1}));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[1].body, br#"{"a":1}"#, "a 308 within the origin keeps the body");

    let err = client.request(Method::GET, "a", "/loop".into()).send::<Value>().await.unwrap_err();
    assert!(matches!(&err, Error::Redirect { status: 307, .. }), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2 + 11, "the first request and ten redirects");
}

#[tokio::test]
async fn an_answer_from_another_origin_through_a_user_client_is_not_decoded() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "forged"})))
        .mount(&elsewhere)
        .await;
    let intercom = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/x", elsewhere.uri()).as_str()))
        .mount(&intercom)
        .await;
    // reqwest's own policy follows the redirect; the answer must still not pass for Intercom's.
    let client = builder(&intercom.uri()).http_client(reqwest::Client::new()).build().unwrap();
    let err = client.request(Method::GET, "a", "/a".into()).send::<Value>().await.unwrap_err();
    assert!(matches!(&err, Error::Redirect { status: 200, location: Some(_) }), "{err:?}");
}

#[tokio::test]
async fn redirect_locations_are_shown_without_credentials_or_query() {
    let intercom = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("location", "https://user:hunter2@evil.example/x?access_token=tok-123"),
        )
        .mount(&intercom)
        .await;
    let err = builder(&intercom.uri()).build().unwrap().request(Method::GET, "a", "/a".into()).send::<()>().await;
    let shown = format!("{err:?} {}", err.as_ref().unwrap_err());
    assert!(shown.contains("https://evil.example/x?redacted"), "{shown}");
    assert!(!shown.contains("hunter2") && !shown.contains("tok-123"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Rate limits and retries (paused clock)

#[tokio::test(start_paused = true)]
async fn a_far_rate_limit_reset_is_returned_at_once_as_retry_after_61_is() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let far_date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
    let cases = [
        ("x-ratelimit-reset", (now + 3600).to_string(), 3590),
        ("x-ratelimit-reset", (now + 62).to_string(), 61),
        ("retry-after", "61".to_owned(), 61),
        ("retry-after", far_date, 3590),
    ];
    for (header, value, at_least) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header(header, value.as_str()))
            .mount(&server)
            .await;
        let client = paused_builder(&server.uri()).build().unwrap();
        let started = tokio::time::Instant::now();
        let err = client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::ZERO, "{header}: {value}: no wait at all");
        assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
        let wait = err.retry_after().unwrap();
        assert!(wait >= Duration::from_secs(at_least), "{header}: {value}: the wait asked for, not capped: {wait:?}");
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "{header}: {value}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_reset_within_a_minute_is_waited_for() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("x-ratelimit-reset", (now + 30).to_string().as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = paused_builder(&server.uri()).build().unwrap();
    let started = tokio::time::Instant::now();
    client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(29) && started.elapsed() <= Duration::from_secs(31));
}

/// A server that answers 503 to the first `failures` requests and 200 after, counting them.
async fn failing_server(failures: usize) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    Mock::given(method("GET"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(if n < failures { 503 } else { 200 })
        })
        .mount(&server)
        .await;
    (server, seen)
}

#[tokio::test(start_paused = true)]
async fn max_retries_is_capped() {
    // The server gives in after 50 failures: a client without a cap would get there.
    let (server, seen) = failing_server(50).await;
    let client = paused_builder(&server.uri()).max_retries(u32::MAX).build().unwrap();
    let err = client.request(Method::GET, "listTags", "/tags".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(seen.load(Ordering::SeqCst), 1 + MAX_RETRIES_LIMIT as usize);

    let (server, seen) = failing_server(50).await;
    let client = paused_builder(&server.uri()).build().unwrap();
    let options = RequestOptions::new().max_retries(u32::MAX);
    let err = client.request(Method::GET, "listTags", "/tags".into()).options(options).send::<()>().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(seen.load(Ordering::SeqCst), 1 + MAX_RETRIES_LIMIT as usize);
}

// ---------------------------------------------------------------------------------------------
// Paging through a server whose cursors go round in circles

#[cfg(feature = "contacts")]
#[tokio::test]
async fn a_cursor_cycle_ends_the_stream_with_an_error() {
    use futures::StreamExt;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(|request: &Request| {
            let asked = request.url.query_pairs().find(|(key, _)| key == "starting_after").map(|(_, value)| value.into_owned());
            // A, then B, then A again, …
            let next = if asked.as_deref() == Some("A") { "B" } else { "A" };
            let id = asked.unwrap_or_else(|| "first".to_owned());
            ResponseTemplate::new(200).set_body_json(json!({
                "type": "list",
                "data": [{"type": "contact", "id": id}],
                "pages": {"type": "pages", "next": {"starting_after": next}},
            }))
        })
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let params = crate::generated::operations::ListContactsParams::default();
    let results: Vec<_> = client.contacts().list_stream(&params).take(50).collect().await;
    let ids: Vec<_> = results.iter().filter_map(|item| item.as_ref().ok()).map(|contact| contact.id.clone()).collect();
    assert_eq!(ids, [Some("first".to_owned()), Some("A".to_owned()), Some("B".to_owned())]);
    assert!(matches!(results.last(), Some(Err(Error::Pagination(_)))), "{:?}", results.last());
    assert_eq!(results.len(), 4, "the error ends the stream");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Server text and URLs in error messages

#[tokio::test]
async fn server_text_is_escaped_in_display() {
    let server = MockServer::start().await;
    let injected = "nope\n2026-01-01 INFO admin logged in\r\u{1b}[2J";
    Mock::given(path("/list"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "type": "error.list",
            "request_id": "req\nforged",
            "errors": [{"code": "not\nfound", "message": injected, "field": "a\nb"}],
        })))
        .mount(&server)
        .await;
    Mock::given(path("/raw"))
        .respond_with(ResponseTemplate::new(502).set_body_string(format!("<html>{injected}</html>")))
        .mount(&server)
        .await;
    Mock::given(path("/limited"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "3600").set_body_json(json!({"request_id": "r\n1"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/decode"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"weird\nkey": {"id": 5}})))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).max_retries(0).build().unwrap();
    for endpoint in ["/list", "/raw", "/limited"] {
        let err = client.request(Method::GET, "x", endpoint.into()).send::<()>().await.unwrap_err();
        let shown = err.to_string();
        assert!(!shown.contains(['\n', '\r', '\u{1b}']), "{endpoint}: {shown}");
        assert!(shown.contains("\\n"), "{endpoint}: {shown}");
    }
    let err = client.request(Method::GET, "x", "/list".into()).send::<()>().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Intercom answered 404: not\\nfound: nope\\n2026-01-01 INFO admin logged in\\r\\u{1b}[2J (field `a\\nb`) (request id req\\nforged)"
    );
    // A map key from the body in the path of a decode error.
    let err = client
        .request(Method::GET, "x", "/decode".into())
        .send::<std::collections::HashMap<String, std::collections::HashMap<String, String>>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!err.to_string().contains('\n'), "{err}");
}

#[tokio::test]
async fn credentials_in_urls_never_reach_error_text() {
    // In a base URL: refused, without quoting the secret parts.
    for base in ["http://user:hunter2@127.0.0.1:1", "http://127.0.0.1:1/?access_token=tok-123", "ftp://u:hunter2@h/?access_token=tok-123"] {
        let builder = builder(base);
        let debug = format!("{builder:?}");
        let err = builder.build().unwrap_err();
        let shown = format!("{err} {err:?} {debug}");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("tok-123"), "{shown}");
    }
    // In a request URL: a transport error quotes the URL without its query.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = builder(&format!("http://127.0.0.1:{port}")).max_retries(0).build().unwrap();
    let err = client
        .request(Method::GET, "x", "/x".into())
        .query(&json!({"access_token": "tok-123"}))
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.is_connect()), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("tok-123"), "{shown}");
    assert!(shown.contains(&format!("127.0.0.1:{port}/x?redacted")), "{shown}");
}
