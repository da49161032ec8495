//! The generated client against a real HTTP server on 127.0.0.1 (wiremock): one operation of
//! each HTTP method, checking what goes on the wire and what comes back typed.

use futures::TryStreamExt;
use intercom::generated::operations::ListConversationsParams;
use intercom::types;
use intercom::Client;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token-123";

fn client(server: &MockServer) -> Client {
    Client::builder().access_token(TOKEN).base_url(server.uri()).build().expect("a client")
}

/// Every request must carry the token and the API version of the description.
fn authorized() -> impl wiremock::Match {
    move |request: &Request| {
        request.headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
            && request.headers.get("intercom-version").and_then(|v| v.to_str().ok())
                == Some(intercom::generated::API_VERSION)
    }
}

#[tokio::test]
async fn get_with_path_parameter_decodes_typed_admin() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/admins/42"))
        .and(authorized())
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "admin", "id": "42", "name": "Ada", "email": "ada@example.com",
            "away_mode_enabled": false, "unknown_future_field": {"x": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let admin: types::Admin = client(&server).admins().retrieve(42).await.expect("decodes");
    assert_eq!(admin.id.as_deref(), Some("42"));
    assert_eq!(admin.name.as_deref(), Some("Ada"));
    assert_eq!(admin.away_mode_enabled, Some(false));
}

#[tokio::test]
async fn get_with_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations"))
        .and(query_param("per_page", "2"))
        .and(query_param("starting_after", "WzE2OTk="))
        .and(authorized())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "conversation.list",
            "conversations": [{"type": "conversation", "id": "1", "created_at": 1700000000}],
            "total_count": 1,
            "pages": {"type": "pages", "page": 1, "per_page": 2, "total_pages": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let params = ListConversationsParams { per_page: Some(2), starting_after: Some("WzE2OTk=".to_owned()) };
    let list = client(&server).conversations().list(&params).await.expect("decodes");
    let conversations = list.conversations.expect("conversations");
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].created_at.map(|t| t.as_unix_seconds()), Some(1_700_000_000));
}

#[tokio::test]
async fn post_sends_the_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts"))
        .and(authorized())
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"email": "grace@example.com", "role": "lead"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "contact", "id": "c1", "role": "lead", "email": "grace@example.com"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let request = types::CreateContactRequestWithEmail::new("grace@example.com").role("lead");
    let contact = client(&server).contacts().create(request).await.expect("decodes");
    assert_eq!(contact.id.as_deref(), Some("c1"));
}

#[tokio::test]
async fn put_sends_path_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/admins/7/away"))
        .and(authorized())
        .and(body_json(json!({"away_mode_enabled": true, "away_mode_reassign": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"type": "admin", "id": "7", "away_mode_enabled": true})))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::SetAdminAwayRequest { away_mode_enabled: true, away_mode_reassign: false, away_status_reason_id: None };
    let admin = client(&server).admins().set_away(7, &body).await.expect("decodes");
    assert_eq!(admin.away_mode_enabled, Some(true));
}

#[tokio::test]
async fn delete_encodes_the_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/contacts/a%2Fb%20c"))
        .and(authorized())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"type": "contact", "id": "a/b c", "deleted": true})))
        .expect(1)
        .mount(&server)
        .await;
    let deleted = client(&server).contacts().delete("a/b c").await.expect("decodes");
    assert_eq!(deleted.deleted, Some(true));
    assert_eq!(deleted.id.as_deref(), Some("a/b c"));
}

#[tokio::test]
async fn non_2xx_becomes_a_typed_error_with_status_body_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/admins/1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "type": "error.list",
            "request_id": "req-abc",
            "errors": [{"code": "admin_not_found", "message": "Admin not found"}]
        })))
        .mount(&server)
        .await;
    let err = client(&server).admins().retrieve(1).await.expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req-abc"));
    let text = err.to_string();
    assert!(text.contains("admin_not_found") && text.contains("404"), "{text}");
}

#[tokio::test]
async fn cursor_pages_stream_to_the_end() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let conversations: Vec<_> = ids.iter().map(|id| json!({"type": "conversation", "id": id})).collect();
        let mut pages = json!({"type": "pages", "per_page": 2});
        if let Some(next) = next {
            pages["next"] = json!({"starting_after": next, "per_page": 2});
        }
        json!({"type": "conversation.list", "conversations": conversations, "pages": pages})
    };
    // Mounted most specific first: wiremock picks the first match.
    Mock::given(method("GET"))
        .and(path("/conversations"))
        .and(query_param("starting_after", "cursor-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["5"], None)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/conversations"))
        .and(query_param("starting_after", "cursor-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["3", "4"], Some("cursor-2"))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["1", "2"], Some("cursor-1"))))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let params = ListConversationsParams { per_page: Some(2), starting_after: None };
    let all: Vec<types::Conversation> = client.conversations().list_stream(&params).try_collect().await.expect("all pages");
    let ids: Vec<&str> = all.iter().filter_map(|c| c.id.as_deref()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
}

#[tokio::test]
async fn search_stream_sends_the_cursor_in_the_body() {
    let server = MockServer::start().await;
    let query = json!({"field": "email", "operator": "=", "value": "a@example.com"});
    Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .and(body_json(json!({"query": query, "pagination": {"per_page": 1, "starting_after": "next-1"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "list", "data": [{"type": "contact", "id": "b"}], "pages": {"type": "pages"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .and(body_json(json!({"query": query, "pagination": {"per_page": 1}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "list", "data": [{"type": "contact", "id": "a"}],
            "pages": {"type": "pages", "next": {"starting_after": "next-1"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let body: types::SearchRequest =
        serde_json::from_value(json!({"query": query, "pagination": {"per_page": 1}})).expect("a search request");
    let client = client(&server);
    let found: Vec<types::Contact> = client.contacts().search_stream(&body).try_collect().await.expect("both pages");
    let ids: Vec<&str> = found.iter().filter_map(|c| c.id.as_deref()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[tokio::test]
async fn per_call_options_and_the_raw_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("x-trace", "t-1"))
        .and(header("intercom-version", "2.14"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "99")
                .insert_header("x-request-id", "req-1")
                .set_body_json(json!({"type": "admin", "id": "1", "name": "Ada"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let options = intercom::RequestOptions::new()
        .try_header("x-trace", "t-1")
        .and_then(|o| o.try_header("Intercom-Version", "2.14"))
        .expect("valid headers");
    let response = client(&server).admins().identify().options(options).raw().await.expect("decodes");
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id(), Some("req-1"));
    assert_eq!(response.headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()), Some("99"));
    assert_eq!(response.body.name.as_deref(), Some("Ada"));
}

/// Each call carries its own answer: calls in flight together never see each other's headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_raw_calls_each_get_their_own_response() {
    let server = MockServer::start().await;
    for id in 0..8 {
        Mock::given(method("GET"))
            .and(path(format!("/admins/{id}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-request-id", format!("req-{id}").as_str())
                    .set_delay(std::time::Duration::from_millis(50 * (8 - id)))
                    .set_body_json(json!({"type": "admin", "id": id.to_string(), "name": "A"})),
            )
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let calls = (0..8u64).map(|id| {
        let client = client.clone();
        tokio::spawn(async move { client.admins().retrieve(id as i64).raw().await })
    });
    for (id, task) in calls.collect::<Vec<_>>().into_iter().enumerate() {
        let response = task.await.expect("joins").expect("decodes");
        assert_eq!(response.request_id(), Some(format!("req-{id}").as_str()));
        assert_eq!(response.body.id.as_deref(), Some(id.to_string().as_str()));
    }
}
