//! Building requests: a constructor with the required fields, setters for the optional ones,
//! `Nullable::Null` to clear a field, constants filled in. Runs against a mock server on
//! 127.0.0.1 and prints the JSON each call sent.
//!
//! ```text
//! cargo run --example requests
//! ```

use intercom::types::{CloseConversationRequest, CreateContactRequestWithEmail, UpdateContactRequest};
use intercom::{Client, Nullable};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let answer = json!({"type": "contact", "id": "6585c0a1e4b0", "email": "ada@example.com"});
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(answer)).mount(&server).await;
    let client = Client::builder().access_token("token").base_url(server.uri()).build()?;

    // One required field, nothing else to name; a union body takes any of its variants.
    let contact = client.contacts().create(CreateContactRequestWithEmail::new("ada@example.com").name("Ada")).await?;
    let id = contact.id.unwrap_or_default();

    // Only what is set is sent: the phone as `null` (cleared), the rest left as it is.
    client.contacts().update(&id, &UpdateContactRequest::default().phone(Nullable::Null)).await?;

    // `message_type: close` and `type: admin` are filled in by the constructor.
    client.conversations().manage("123", CloseConversationRequest::new("991").body("Solved")).await?;

    for request in server.received_requests().await.unwrap_or_default() {
        println!("{} {} {}", request.method, request.url.path(), String::from_utf8_lossy(&request.body));
    }
    Ok(())
}
