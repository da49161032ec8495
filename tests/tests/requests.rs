//! Building requests with the generated constructors and setters, and what they put on the wire,
//! against a server on 127.0.0.1 (wiremock).

use intercom::types::{CloseConversationRequest, CreateContactRequestWithEmail, UpdateContactRequest};
use intercom::{Client, Nullable};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().access_token("test-token").base_url(server.uri()).build().expect("a client")
}

/// A server that answers `method path` with a contact-shaped object, once.
async fn server(verb: &str, at: &str, answer: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb)).and(path(at)).respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
    server
}

/// The JSON body of the one request the server received.
async fn sent_body(server: &MockServer) -> Value {
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1);
    serde_json::from_slice(&requests[0].body).expect("a JSON body")
}

fn contact() -> Value {
    json!({"type": "contact", "id": "c1", "email": "ada@example.com"})
}

#[tokio::test]
async fn a_request_with_one_required_field_needs_no_nones() {
    let server = server("POST", "/contacts", contact()).await;
    // The union body takes any of its variants; the optional fields are simply not mentioned.
    let created = client(&server).contacts().create(CreateContactRequestWithEmail::new("ada@example.com")).await.expect("created");
    assert_eq!(created.id.as_deref(), Some("c1"));
    assert_eq!(sent_body(&server).await, json!({"email": "ada@example.com"}));
}

#[tokio::test]
async fn setters_fill_optional_fields() {
    let server = server("POST", "/contacts", contact()).await;
    let body = CreateContactRequestWithEmail::new("ada@example.com").name("Ada").owner_id(42).unsubscribed_from_emails(true);
    client(&server).contacts().create(body).await.expect("created");
    assert_eq!(
        sent_body(&server).await,
        json!({"email": "ada@example.com", "name": "Ada", "owner_id": 42, "unsubscribed_from_emails": true})
    );
}

#[tokio::test]
async fn an_explicit_null_clears_a_field() {
    let server = server("PUT", "/contacts/c1", contact()).await;
    let update = UpdateContactRequest::default().phone(Nullable::Null).name("Ada L.");
    client(&server).contacts().update("c1", &update).await.expect("updated");
    // `phone` is sent as null; every field left unset stays out of the body.
    assert_eq!(sent_body(&server).await, json!({"phone": null, "name": "Ada L."}));
}

#[tokio::test]
async fn constant_fields_are_filled_by_the_library() {
    let server = server("POST", "/conversations/7/parts", json!({"type": "conversation", "id": "7"})).await;
    let close = CloseConversationRequest::new("991").body("Solved, closing.");
    client(&server).conversations().manage("7", close).await.expect("closed");
    assert_eq!(
        sent_body(&server).await,
        json!({"admin_id": "991", "body": "Solved, closing.", "message_type": "close", "type": "admin"})
    );
}

#[test]
fn a_missing_key_and_a_null_decode_apart() {
    let absent: UpdateContactRequest = serde_json::from_value(json!({})).expect("decodes");
    let null: UpdateContactRequest = serde_json::from_value(json!({"phone": null})).expect("decodes");
    assert!(absent.phone.is_absent());
    assert!(null.phone.is_null());
}
