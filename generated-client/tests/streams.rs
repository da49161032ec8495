//! The generated `*_stream` functions against a server on 127.0.0.1 (wiremock), one paging style
//! each (cursor, page numbers, scroll, next-page links): items, pages with their metadata, and a
//! stream moved into `tokio::spawn`; next-page links off the origin or repeated are refused.

use futures::{StreamExt, TryStreamExt};
use intercom::generated::operations::{ListCompaniesParams, ListContactsParams, ScrollCompaniesParams};
use intercom::pagination::Position;
use intercom::{types, Client};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer(server: &MockServer, mock: wiremock::MockBuilder, body: Value) {
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).expect(1).mount(server).await;
}

fn client(server: &MockServer) -> Client {
    Client::builder().access_token("token").base_url(server.uri()).max_retries(0).build().expect("a client")
}

fn ids<'a>(items: impl IntoIterator<Item = &'a types::Contact>) -> Vec<String> {
    items.into_iter().filter_map(|c| c.id.clone()).collect()
}

fn contacts(ids: &[&str], next: Option<&str>) -> Value {
    let data: Vec<Value> = ids.iter().map(|id| json!({"type": "contact", "id": id})).collect();
    let next = next.map(|cursor| json!({"per_page": 2, "starting_after": cursor}));
    json!({"type": "list", "data": data, "total_count": 3, "pages": {"type": "pages", "next": next}})
}

/// `GET /contacts`: `starting_after` in the query, from `pages.next.starting_after`.
async fn cursor_server() -> MockServer {
    let server = MockServer::start().await;
    let second = Mock::given(method("GET")).and(path("/contacts")).and(query_param("starting_after", "c2"));
    answer(&server, second, contacts(&["3"], None)).await;
    let first = Mock::given(method("GET")).and(path("/contacts")).and(query_param_is_missing("starting_after"));
    answer(&server, first, contacts(&["1", "2"], Some("c2"))).await;
    server
}

#[tokio::test]
async fn cursor_in_the_query_items_and_pages() {
    let server = cursor_server().await;
    let params = ListContactsParams { per_page: Some(2), starting_after: None };
    let all: Vec<types::Contact> = client(&server).contacts().list_stream(&params).try_collect().await.expect("two pages");
    assert_eq!(ids(&all), ["1", "2", "3"]);

    let server = cursor_server().await;
    let pages: Vec<_> = client(&server).contacts().list_stream(&params).pages().try_collect().await.expect("two pages");
    assert_eq!(pages.len(), 2);
    assert_eq!((ids(&pages[0].items), pages[0].total_count), (vec!["1".to_owned(), "2".to_owned()], Some(3)));
    assert_eq!(pages[0].next, Some(Position::Cursor("c2".to_owned())));
    assert_eq!(pages[0].next_cursor(), Some("c2"));
    // The raw answer keeps everything but the items, which moved into `items`.
    assert!(pages[0].raw.data.is_none() && pages[0].raw.pages.is_some());
    assert_eq!((ids(&pages[1].items), &pages[1].next), (vec!["3".to_owned()], &None));
}

#[tokio::test]
async fn a_spawned_stream_owns_its_client_and_arguments() {
    let server = cursor_server().await;
    let stream = {
        // Neither the client nor the parameters outlive this block: the stream holds its own.
        let client = client(&server);
        let params = ListContactsParams { per_page: Some(2), starting_after: None };
        client.contacts().list_stream(&params)
    };
    let task = tokio::spawn(stream.try_collect::<Vec<types::Contact>>());
    let all = task.await.expect("the task finishes").expect("two pages");
    assert_eq!(ids(&all), ["1", "2", "3"]);

    // Pages too, read in the task one at a time.
    let server = cursor_server().await;
    let mut pages = client(&server).contacts().list_stream(&ListContactsParams::default()).pages();
    let counts = tokio::spawn(async move {
        let mut counts = Vec::new();
        while let Some(page) = pages.next().await {
            counts.push(page.expect("a page").items.len());
        }
        counts
    });
    assert_eq!(counts.await.expect("the task finishes"), [2, 1]);
}

#[tokio::test]
async fn cursor_in_the_body() {
    let server = MockServer::start().await;
    let query = json!({"field": "name", "operator": "=", "value": "Ada"});
    let second = Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .and(body_json(json!({"query": query, "pagination": {"per_page": 2, "starting_after": "c2"}})));
    answer(&server, second, contacts(&["3"], None)).await;
    let first = Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .and(body_json(json!({"query": query, "pagination": {"per_page": 2}})));
    answer(&server, first, contacts(&["1", "2"], Some("c2"))).await;
    let body: types::SearchRequest =
        serde_json::from_value(json!({"query": query, "pagination": {"per_page": 2}})).expect("a search");
    let pages: Vec<_> = client(&server).contacts().search_stream(&body).pages().try_collect().await.expect("two pages");
    let items: Vec<String> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(items, ["1", "2", "3"]);
    assert_eq!(pages[0].next_cursor(), Some("c2"));
}

fn companies(ids: &[&str], extra: Value) -> Value {
    let data: Vec<Value> = ids.iter().map(|id| json!({"type": "company", "id": id})).collect();
    let mut page = json!({"type": "list", "data": data, "total_count": 3});
    if let (Some(page), Value::Object(extra)) = (page.as_object_mut(), extra) {
        page.extend(extra);
    }
    page
}

fn company_ids(items: &[types::Company]) -> Vec<String> {
    items.iter().filter_map(|c| c.id.clone()).collect()
}

/// `POST /companies/list`: page numbers from `page` (or 1) up to `pages.total_pages`.
async fn numbered_server() -> MockServer {
    let server = MockServer::start().await;
    for (number, ids) in [("1", &["a", "b"][..]), ("2", &["c"][..])] {
        let pages = json!({"pages": {"type": "pages", "page": number.parse::<i64>().unwrap_or(0), "per_page": 2, "total_pages": 2}});
        let mock = Mock::given(method("POST")).and(path("/companies/list")).and(query_param("page", number));
        answer(&server, mock, companies(ids, pages)).await;
    }
    server
}

#[tokio::test]
async fn page_numbers_items_pages_and_spawned() {
    let params = ListCompaniesParams { per_page: Some(2), ..Default::default() };
    let server = numbered_server().await;
    let all: Vec<types::Company> = client(&server).companies().list_stream(&params).try_collect().await.expect("two pages");
    assert_eq!(company_ids(&all), ["a", "b", "c"]);

    let server = numbered_server().await;
    let pages = client(&server).companies().list_stream(&params).pages();
    let pages: Vec<_> = tokio::spawn(pages.try_collect::<Vec<_>>()).await.expect("the task finishes").expect("two pages");
    let next: Vec<_> = pages.iter().map(|p| p.next.clone()).collect();
    assert_eq!(next, [Some(Position::Page(2)), None]);
    assert_eq!(pages[1].raw.pages.as_ref().and_then(|p| p.page), Some(2));
    assert_eq!(pages[0].total_count, Some(3));
}

/// `GET /companies/scroll`: `scroll_param` sent back (the same each time) until a page is empty.
async fn scroll_server() -> MockServer {
    let server = MockServer::start().await;
    let first = Mock::given(method("GET")).and(path("/companies/scroll")).and(query_param_is_missing("scroll_param"));
    answer(&server, first, companies(&["a", "b"], json!({"scroll_param": "s-1"}))).await;
    let later = Mock::given(method("GET")).and(path("/companies/scroll")).and(query_param("scroll_param", "s-1"));
    // The second batch, then the empty one that ends the scroll.
    later
        .respond_with(ResponseTemplate::new(200).set_body_json(companies(&["c"], json!({"scroll_param": "s-1"}))))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let last = Mock::given(method("GET")).and(path("/companies/scroll")).and(query_param("scroll_param", "s-1"));
    answer(&server, last, companies(&[], json!({"scroll_param": "s-1"}))).await;
    server
}

#[tokio::test]
async fn scroll_items_pages_and_spawned() {
    let server = scroll_server().await;
    let stream = client(&server).companies().scroll_stream(&ScrollCompaniesParams::default());
    let all = tokio::spawn(stream.try_collect::<Vec<_>>()).await.expect("the task finishes").expect("three batches");
    assert_eq!(company_ids(&all), ["a", "b", "c"]);

    let server = scroll_server().await;
    let pages: Vec<_> =
        client(&server).companies().scroll_stream(&ScrollCompaniesParams::default()).pages().try_collect().await.expect("three");
    let next: Vec<_> = pages.iter().map(|p| p.next.clone()).collect();
    let scroll = Some(Position::Scroll("s-1".to_owned()));
    assert_eq!(next, [scroll.clone(), scroll, None], "the empty batch ends the scroll");
}

fn sources(ids: &[i64], next: Option<String>) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({"type": "content_import_source", "id": id, "url": "https://docs.example.com", "sync_behavior": "api",
                   "status": "active", "created_at": 1, "updated_at": 1, "last_synced_at": 1})
        })
        .collect();
    json!({"type": "list", "data": data, "total_count": 4, "pages": {"type": "pages", "page": 1, "per_page": 2, "next": next}})
}

fn source_ids(items: &[types::ContentImportSource]) -> Vec<i64> {
    items.iter().map(|s| s.id).collect()
}

const SOURCES: &str = "/ai/content_import_sources";

/// `GET /ai/content_import_sources`: the answer's `pages.next` link, absolute then relative to
/// the base URL, asked for as it is until an answer has none.
async fn linked_server() -> MockServer {
    let server = MockServer::start().await;
    let first = Mock::given(method("GET")).and(path(SOURCES)).and(query_param_is_missing("page"));
    answer(&server, first, sources(&[1, 2], Some(format!("{}{SOURCES}?page=2&per_page=2", server.uri())))).await;
    let second = Mock::given(method("GET")).and(path(SOURCES)).and(query_param("page", "2")).and(query_param("per_page", "2"));
    answer(&server, second, sources(&[3], Some(format!("{SOURCES}?page=3&per_page=2")))).await;
    let third = Mock::given(method("GET")).and(path(SOURCES)).and(query_param("page", "3"));
    answer(&server, third, sources(&[4], None)).await;
    server
}

#[tokio::test]
async fn links_items_pages_and_spawned() {
    let server = linked_server().await;
    let stream = client(&server).ai_content().list_content_import_sources_stream();
    let all = tokio::spawn(stream.try_collect::<Vec<_>>()).await.expect("the task finishes").expect("three pages");
    assert_eq!(source_ids(&all), [1, 2, 3, 4]);
    // Every page went with the client's credentials and version header.
    for request in server.received_requests().await.unwrap_or_default() {
        assert_eq!(request.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer token"));
        assert!(request.headers.get("intercom-version").is_some());
    }

    let server = linked_server().await;
    let pages: Vec<_> =
        client(&server).ai_content().list_content_import_sources_stream().pages().try_collect().await.expect("three pages");
    let next: Vec<_> = pages.iter().map(|p| p.next_link().map(ToOwned::to_owned)).collect();
    let at = |query: &str| Some(format!("{}{SOURCES}?{query}", server.uri()));
    assert_eq!(next, [at("page=2&per_page=2"), at("page=3&per_page=2"), None]);
    assert_eq!(pages[0].next, Some(Position::Link(format!("{}{SOURCES}?page=2&per_page=2", server.uri()))));
    assert_eq!((pages[0].total_count, pages[0].next_cursor()), (Some(4), None));
}

#[tokio::test]
async fn a_link_to_another_origin_is_not_followed() {
    let server = MockServer::start().await;
    // Another port of the same host is another origin: it must never see a request (or the token).
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&elsewhere).await;
    let first = Mock::given(method("GET")).and(path(SOURCES));
    answer(&server, first, sources(&[1, 2], Some(format!("{}{SOURCES}?page=2&secret=s3", elsewhere.uri())))).await;

    let mut stream = client(&server).ai_content().list_content_import_sources_stream().pages();
    let page = stream.try_next().await.expect("the first page").expect("a page");
    assert_eq!((source_ids(&page.items), &page.next), (vec![1, 2], &None));
    let error = stream.try_next().await.expect_err("the link is refused");
    assert!(matches!(error, intercom::Error::Pagination(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("origin") && !message.contains("s3"), "{message}");
    assert!(stream.try_next().await.expect("the stream ended").is_none());
    assert!(elsewhere.received_requests().await.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn a_repeated_link_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let first = Mock::given(method("GET")).and(path(SOURCES)).and(query_param_is_missing("page"));
    answer(&server, first, sources(&[1, 2], Some(format!("{SOURCES}?page=2")))).await;
    // Page 2 links to itself (absolute this time): the same address, once resolved.
    let second = Mock::given(method("GET")).and(path(SOURCES)).and(query_param("page", "2"));
    answer(&server, second, sources(&[3], Some(format!("{}{SOURCES}?page=2", server.uri())))).await;

    let results: Vec<_> = client(&server).ai_content().list_content_import_sources_stream().collect().await;
    let ids: Vec<i64> = results.iter().filter_map(|r| r.as_ref().ok()).map(|s| s.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    let last = results.last().and_then(|r| r.as_ref().err()).map(ToString::to_string).unwrap_or_default();
    assert!(last.contains("second time"), "{last}");
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2, "the repeated link is not asked for");
}
