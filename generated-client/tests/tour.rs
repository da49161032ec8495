//! Runs the `tour` example's program against a server on 127.0.0.1 (wiremock) that answers as
//! Intercom would.

#[path = "../examples/tour.rs"]
#[allow(dead_code)] // the example's `main`
mod tour;

use serde_json::{json, Value};
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
    let missing = json!({"type": "error.list", "errors": [{"code": "not_found", "message": "Contact not found"}]});
    answer(&server, Mock::given(method("GET")).and(path("/contacts/no-such-contact")), 404, missing).await;

    let client = intercom::Client::builder().access_token("token").base_url(server.uri()).max_retries(0).build().expect("a client");
    let report = tour::tour(&client).await.expect("the tour succeeds");
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
        }
    );
}
