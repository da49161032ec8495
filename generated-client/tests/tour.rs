//! Runs the `tour` example's program against a server on 127.0.0.1 (wiremock) that answers as
//! Intercom would.

#[path = "../examples/tour.rs"]
#[allow(dead_code)] // the example's `main`
mod tour;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha1::Sha1;
use wiremock::matchers::{body_partial_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn contact(id: &str, name: &str) -> Value {
    json!({"type": "contact", "id": id, "email": format!("{id}@example.com"), "name": name})
}

fn list(data: Vec<Value>, next: Option<&str>) -> Value {
    let next = next.map(|cursor| json!({"per_page": 2, "starting_after": cursor}));
    json!({"type": "list", "data": data, "total_count": 3, "pages": {"type": "pages", "per_page": 2, "next": next}})
}

async fn answer(server: &MockServer, mock: wiremock::MockBuilder, status: u16, body: Value) {
    mock.respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(server).await;
}

#[tokio::test]
async fn the_tour_runs_against_a_local_server() {
    let server = MockServer::start().await;
    let created = Mock::given(method("POST")).and(path("/contacts")).and(body_partial_json(json!({"email": "ada@example.com"})));
    answer(&server, created, 200, contact("c1", "Ada")).await;
    let renamed = Mock::given(method("PUT")).and(path("/contacts/c1")).and(body_partial_json(json!({"name": "Ada Lovelace"})));
    answer(&server, renamed, 200, contact("c1", "Ada Lovelace")).await;
    let second = Mock::given(method("GET")).and(path("/contacts")).and(query_param("starting_after", "c2"));
    answer(&server, second, 200, list(vec![contact("c3", "Grace")], None)).await;
    let first = Mock::given(method("GET")).and(path("/contacts")).and(query_param_is_missing("starting_after"));
    answer(&server, first, 200, list(vec![contact("c1", "Ada"), contact("c2", "Alan")], Some("c2"))).await;
    let search = Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .and(body_partial_json(json!({"query": {"field": "email", "operator": "=", "value": "ada@example.com"}})));
    answer(&server, search, 200, list(vec![contact("c1", "Ada")], None)).await;
    let cleared = Mock::given(method("PUT")).and(path("/contacts/c1")).and(body_partial_json(json!({"phone": null})));
    answer(&server, cleared, 200, contact("c1", "Ada Lovelace")).await;
    let me = ResponseTemplate::new(200)
        .insert_header("x-request-id", "req-me")
        .set_body_json(json!({"type": "admin", "id": "991", "name": "Ada", "email": "ada@example.com"}));
    Mock::given(method("GET")).and(path("/me")).respond_with(me).mount(&server).await;
    let weekly = Mock::given(method("GET")).and(path("/export/reporting/weekly")).and(query_param("week", "47"));
    answer(&server, weekly, 200, json!({"week": 47, "conversations": 12})).await;
    let missing = json!({"type": "error.list", "errors": [{"code": "not_found", "message": "Contact not found"}]});
    answer(&server, Mock::given(method("GET")).and(path("/contacts/no-such-contact")), 404, missing).await;

    let client = intercom::Client::builder().access_token("token").base_url(server.uri()).max_retries(0).build().expect("a client");
    let secret = "tour-secret";
    let body = serde_json::to_vec(&json!({
        "type": "notification_event", "app_id": "a1", "id": "notif_1", "topic": "contact.user.created",
        "data": {"type": "notification_event_data", "item": {"type": "contact", "id": "c9", "email": "new@example.com"}},
        "delivery_status": "pending", "delivery_attempts": 1, "delivered_at": 0, "first_sent_at": 1717000002,
        "created_at": 1717000002, "links": {}, "self": null
    }))
    .expect("serializes");
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(&body);
    let signature = format!("sha1={}", hex::encode(mac.finalize().into_bytes()));
    let delivery = tour::Delivery { secret, signature: Some(&signature), body: &body };
    let report = tour::tour(&client, Some(delivery)).await.expect("the tour succeeds");
    assert_eq!(
        report,
        tour::Report {
            created: Some("c1".to_owned()),
            renamed_to: Some("Ada Lovelace".to_owned()),
            first_page: 2,
            total_count: Some(3),
            streamed: vec!["c1".to_owned(), "c2".to_owned(), "c3".to_owned()],
            found: vec!["c1".to_owned()],
            missing_is_404: true,
            phone_cleared: true,
            pages: 2,
            status: 200,
            request_id: Some("req-me".to_owned()),
            raw_answer: Some(json!({"week": 47, "conversations": 12})),
            webhook_email: Some("new@example.com".to_owned()),
        }
    );
}
