//! The axum extractor end to end: a real server on 127.0.0.1, real HTTP requests.
#![cfg(feature = "axum")]

use std::net::SocketAddr;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use intercom::webhook::{Notification, Topic, VerifiedNotification, WebhookError, WebhookEvent, WebhookVerifier};
use serde_json::{json, Value};
use sha1::Sha1;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

const SECRET: &str = "axum-test-client-secret";
const LIMIT: usize = 4096;

fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

fn notification(topic: &str, item: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "notification_event",
        "app_id": "ecahpwf5",
        "data": { "type": "notification_event_data", "item": item },
        "links": {},
        "id": "notif_0b6f3a54-0000-4000-8000-000000000001",
        "topic": topic,
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": 1717000002,
        "created_at": 1717000002,
        "self": null
    }))
    .expect("serializable")
}

fn contact_item() -> Value {
    json!({
        "type": "contact",
        "id": "6657aa0e6abd0167d9419d1b",
        "workspace_id": "ecahpwf5",
        "role": "user",
        "email": "ada@example.com",
        "name": "Ada Lovelace"
    })
}

/// Router state with more in it than the verifier, to exercise `FromRef`.
#[derive(Clone)]
struct AppState {
    verifier: WebhookVerifier,
    seen: mpsc::UnboundedSender<Notification>,
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

async fn receive(State(state): State<AppState>, VerifiedNotification(notification): VerifiedNotification) -> String {
    let topic = notification.topic.to_string();
    let _ = state.seen.send(notification);
    topic
}

/// A handler that answers refusals itself.
async fn receive_or_explain(result: Result<VerifiedNotification, WebhookError>) -> (StatusCode, String) {
    match result {
        Ok(VerifiedNotification(notification)) => (StatusCode::NO_CONTENT, notification.topic.to_string()),
        Err(error) => (StatusCode::IM_A_TEAPOT, format!("{}", error.status_code())),
    }
}

struct Server {
    addr: SocketAddr,
    seen: mpsc::UnboundedReceiver<Notification>,
    http: reqwest::Client,
}

impl Server {
    async fn start() -> Self {
        let (tx, seen) = mpsc::unbounded_channel();
        let state = AppState { verifier: WebhookVerifier::new(SECRET).max_body_bytes(LIMIT), seen: tx };
        let app = Router::new()
            .route("/webhooks", post(receive))
            .route("/explained", post(receive_or_explain))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Self { addr, seen, http: reqwest::Client::new() }
    }

    async fn post(&self, path: &str, signature: Option<&str>, body: Vec<u8>) -> (u16, String) {
        let mut request = self.http.post(format!("http://{}{path}", self.addr)).header("content-type", "application/json").body(body);
        if let Some(signature) = signature {
            request = request.header("X-Hub-Signature", signature);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

#[tokio::test]
async fn signed_notification_reaches_the_handler_typed() {
    let mut server = Server::start().await;
    let body = notification("contact.user.created", contact_item());
    let signature = sign(SECRET.as_bytes(), &body);
    let (status, text) = server.post("/webhooks", Some(&signature), body).await;
    assert_eq!((status, text.as_str()), (200, "contact.user.created"));
    let seen = server.seen.try_recv().expect("handler ran");
    assert_eq!(seen.topic, Topic::ContactUserCreated);
    let WebhookEvent::ContactUserCreated(contact) = &seen.event else {
        panic!("expected ContactUserCreated, got {:?}", seen.event);
    };
    assert_eq!(contact.email.as_deref(), Some("ada@example.com"));
    assert_eq!(seen.envelope.id.as_deref(), Some("notif_0b6f3a54-0000-4000-8000-000000000001"));
}

#[tokio::test]
async fn unknown_topic_reaches_the_handler_raw() {
    let mut server = Server::start().await;
    let item = json!({ "type": "hologram", "id": "h1" });
    let body = notification("hologram.projected", item.clone());
    let signature = sign(SECRET.as_bytes(), &body);
    let (status, _) = server.post("/webhooks", Some(&signature), body).await;
    assert_eq!(status, 200);
    let seen = server.seen.try_recv().expect("handler ran");
    assert_eq!(seen.event, WebhookEvent::Unknown { topic: "hologram.projected".to_owned(), item });
}

#[tokio::test]
async fn tampered_body_is_401() {
    let mut server = Server::start().await;
    let body = notification("contact.user.created", contact_item());
    let signature = sign(SECRET.as_bytes(), &body);
    let mut tampered = body.clone();
    tampered.push(b'\n');
    let (status, text) = server.post("/webhooks", Some(&signature), tampered).await;
    assert_eq!((status, text.as_str()), (401, "invalid signature"));
    let (status, _) = server.post("/webhooks", Some(&sign(b"wrong secret", &body)), body.clone()).await;
    assert_eq!(status, 401);
    let (status, text) = server.post("/webhooks", None, body.clone()).await;
    assert_eq!((status, text.as_str()), (401, "missing X-Hub-Signature header"));
    let (status, text) = server.post("/webhooks", Some("sha256=abc"), body).await;
    assert_eq!((status, text.as_str()), (401, "malformed X-Hub-Signature header"));
    assert!(server.seen.try_recv().is_err(), "the handler never ran");
}

#[tokio::test]
async fn too_large_body_is_413() {
    let mut server = Server::start().await;
    let padding = "x".repeat(LIMIT);
    let body = notification("ping", json!({ "type": "ping", "message": padding }));
    assert!(body.len() > LIMIT);
    let signature = sign(SECRET.as_bytes(), &body);
    let (status, text) = server.post("/webhooks", Some(&signature), body).await;
    assert_eq!((status, text.as_str()), (413, "request body too large"));
    assert!(server.seen.try_recv().is_err(), "the handler never ran");
}

#[tokio::test]
async fn too_large_chunked_body_is_413_without_reading_it_all() {
    let server = Server::start().await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let head = format!(
        "POST /webhooks HTTP/1.1\r\nhost: {}\r\nx-hub-signature: sha1={}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        server.addr,
        "0".repeat(40)
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    // Send just over the limit in chunks and never finish the body: the server must answer anyway.
    let chunk = vec![b'x'; 1024];
    for _ in 0..=LIMIT / chunk.len() {
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.expect("write size");
        stream.write_all(&chunk).await.expect("write chunk");
        stream.write_all(b"\r\n").await.expect("write end of chunk");
    }
    let mut response = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    let response = String::from_utf8_lossy(&response);
    assert!(read.is_ok(), "the server answered before the body ended");
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
}

#[tokio::test]
async fn stalled_body_is_408_within_the_read_timeout() {
    let verifier = WebhookVerifier::new(SECRET).body_read_timeout(std::time::Duration::from_millis(300));
    let app = Router::new().route("/webhooks", post(receive_plain)).with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });

    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /webhooks HTTP/1.1\r\nhost: {addr}\r\nx-hub-signature: sha1={}\r\ncontent-length: 100\r\nconnection: close\r\n\r\n",
        "0".repeat(40)
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    // Ten of the hundred bytes announced, then nothing: the connection stays open.
    stream.write_all(b"{\"type\": \"").await.expect("write part of the body");
    let started = std::time::Instant::now();
    let mut response = vec![0; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut response)).await;
    assert!(read.is_ok(), "no answer while the body stalls");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("request body took too long"), "{response}");
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(WebhookVerifier::new(SECRET).read_timeout(), intercom::webhook::DEFAULT_BODY_READ_TIMEOUT);
}

#[tokio::test]
async fn signed_invalid_json_is_400() {
    let server = Server::start().await;
    let body = b"{\"topic\": ".to_vec();
    let signature = sign(SECRET.as_bytes(), &body);
    let (status, text) = server.post("/webhooks", Some(&signature), body).await;
    assert_eq!((status, text.as_str()), (400, "invalid notification body"));
}

#[tokio::test]
async fn handlers_can_take_the_refusal() {
    let server = Server::start().await;
    let body = notification("ping", json!({ "type": "ping" }));
    let signature = sign(SECRET.as_bytes(), &body);
    let (status, text) = server.post("/explained", Some(&signature), body.clone()).await;
    assert_eq!((status, text.as_str()), (204, ""));
    let (status, text) = server.post("/explained", None, body).await;
    assert_eq!((status, text.as_str()), (418, "401"));
}

#[tokio::test]
async fn empty_secret_is_500() {
    let app = Router::new().route("/webhooks", post(receive_plain)).with_state(WebhookVerifier::new(""));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    let body = notification("ping", json!({ "type": "ping" }));
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhooks"))
        .header("x-hub-signature", sign(b"", &body))
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 500);
}

/// The verifier as the whole state (the `FromRef` identity case).
async fn receive_plain(VerifiedNotification(notification): VerifiedNotification) -> String {
    notification.topic.to_string()
}
