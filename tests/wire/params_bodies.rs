//! Wire test of the client generated from `codegen/tests/fixtures/openapi/params_bodies.yaml`:
//! run inside that crate by `cargo xtask conformance --spec .. --wire-test ..` (see
//! `tests/tests/conformance_fixtures.rs`). Every request goes to a server on 127.0.0.1, and the
//! test reads back the exact query string, headers and body it received.

use intercom::generated::operations::ListStylesParams;
use intercom::types::{Charge, Filter, FilterCreated, ListStylesEither, Point, UploadFileRequest};
use intercom::{Client, FilePart};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn serve(answer: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(answer).mount(&server).await;
    let client = Client::builder().access_token("token").base_url(server.uri()).max_retries(0).build().unwrap();
    (server, client)
}

async fn last(server: &MockServer) -> Request {
    server.received_requests().await.unwrap().pop().expect("one request")
}

fn header<'r>(request: &'r Request, name: &str) -> Vec<&'r str> {
    request.headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect()
}

fn point(x: i64, y: i64) -> Point {
    Point { x: Some(x), y: Some(y) }
}

#[tokio::test]
async fn every_query_style_and_header_parameter() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(serde_json::json!({}))).await;
    let params = ListStylesParams {
        plain: Some(5),
        colors: Some(vec!["red".into(), "dark blue".into()]),
        point: Some(point(1, 2)),
        flat_list: Some(vec!["a".into(), "b,c".into()]),
        flat_point: Some(point(3, 4)),
        spaced: Some(vec![1, 2, 3]),
        piped: Some(vec!["x".into(), "y".into()]),
        deep: Some(Filter { status: Some("open".into()), created: Some(FilterCreated { gt: Some(10) }) }),
        deep_list: Some(vec!["p".into(), "q".into()]),
        as_json: Some(point(5, 6)),
        either: Some(ListStylesEither::Integer(7)),
        x_trace_id: "trace-1".into(),
        x_tags: Some(vec!["t1".into(), "t2".into()]),
        x_point: Some(point(8, 9)),
        colors_2: None,
    };
    client.styles().list(&params).await.unwrap();
    let request = last(&server).await;
    // Keys in name order (the params serialize through a JSON map); `point`, form exploded, is
    // spread into its properties where it stands.
    assert_eq!(
        request.url.query(),
        Some(
            "as_json=%7B%22x%22%3A5%2C%22y%22%3A6%7D&colors=red&colors=dark%20blue\
             &deep[created][gt]=10&deep[status]=open&deep_list[0]=p&deep_list[1]=q\
             &either=7&flat_list=a,b%2Cc&flat_point=x,3,y,4&piped=x|y&plain=5&x=1&y=2&spaced=1%202%203"
        )
    );
    assert_eq!(header(&request, "x-trace-id"), ["trace-1"]);
    assert_eq!(header(&request, "x-tags"), ["t1,t2"]);
    assert_eq!(header(&request, "x-point"), ["x=8,y=9"]);
    assert!(header(&request, "colors").is_empty(), "an absent header parameter is not sent");
    assert_eq!(header(&request, "accept"), ["application/json"]);
    assert_eq!(header(&request, "authorization"), ["Bearer token"]);
    assert!(header(&request, "cookie").is_empty());

    // A string in a scalar union goes as it is; optional headers and parameters may all be absent.
    let params = ListStylesParams {
        either: Some(ListStylesEither::String("seven".into())),
        x_trace_id: "trace-2".into(),
        colors_2: Some("green".into()),
        ..params_without_values()
    };
    client.styles().list(&params).await.unwrap();
    let request = last(&server).await;
    assert_eq!(request.url.query(), Some("either=seven"));
    assert_eq!(header(&request, "x-trace-id"), ["trace-2"]);
    assert_eq!(header(&request, "colors"), ["green"]);
}

fn params_without_values() -> ListStylesParams {
    ListStylesParams {
        plain: None,
        colors: None,
        point: None,
        flat_list: None,
        flat_point: None,
        spaced: None,
        piped: None,
        deep: None,
        deep_list: None,
        as_json: None,
        either: None,
        x_trace_id: String::new(),
        x_tags: None,
        x_point: None,
        colors_2: None,
    }
}

#[tokio::test]
async fn an_unusable_header_value_fails_before_sending() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(serde_json::json!({}))).await;
    let params = ListStylesParams { x_trace_id: "line\nbreak".into(), ..params_without_values() };
    let error = client.styles().list(&params).await.unwrap_err();
    assert!(error.to_string().contains("X-Trace-Id"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn form_body_with_deep_objects_and_exploded_arrays() {
    let charge = Charge {
        amount: 2000,
        currency: Some("eur".into()),
        metadata: Some([("order".to_owned(), "67 35".to_owned())].into()),
        expand: Some(vec!["customer".into(), "invoice".into()]),
        tags: Some(vec!["a".into(), "b".into()]),
        shipping: Some(point(1, 2)),
    };
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(&charge)).await;
    let answer = client.bodies().create_charge(&charge).await.unwrap();
    assert_eq!(answer, charge);
    let request = last(&server).await;
    assert_eq!(header(&request, "content-type"), ["application/x-www-form-urlencoded"]);
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        "amount=2000&currency=eur&expand[0]=customer&expand[1]=invoice&metadata[order]=67%2035\
         &shipping[x]=1&shipping[y]=2&tags=a,b"
    );
}

#[tokio::test]
async fn json_is_preferred_over_multipart() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    client.bodies().prefer_json(Some(&point(1, 2))).await.unwrap();
    let request = last(&server).await;
    assert_eq!(header(&request, "content-type"), ["application/json"]);
    assert_eq!(request.body, br#"{"x":1,"y":2}"#);
}

/// (headers, data) of each part, split at the boundary the `Content-Type` names.
fn parts(request: &Request) -> Vec<(String, Vec<u8>)> {
    let content_type = header(request, "content-type")[0];
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart content type");
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let closing = format!("{delimiter}--\r\n");
    assert!(body.ends_with(closing.as_bytes()));
    let mut rest = &body[..body.len() - closing.len()];
    let mut out = Vec::new();
    while !rest.is_empty() {
        assert!(rest.starts_with(format!("{delimiter}\r\n").as_bytes()));
        rest = &rest[delimiter.len() + 2..];
        let end = rest.windows(delimiter.len()).position(|w| w == delimiter.as_bytes()).unwrap_or(rest.len());
        let part = &rest[..end - 2];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").expect("the part's headers end");
        out.push((String::from_utf8(part[..split].to_vec()).unwrap(), part[split + 4..].to_vec()));
        rest = &rest[end..];
    }
    out
}

#[tokio::test]
async fn multipart_upload_with_files_text_and_json_parts() {
    let (server, client) = serve(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "f1"}))).await;
    let body = UploadFileRequest {
        attributes: Some(point(1, 2)),
        title: Some("Q1 \"final\"".into()),
        labels: Some(vec!["x".into(), "y".into()]),
        file: FilePart::new(&b"\x89PNG\r\n\x00--"[..]).file_name("chart.png"),
        extras: Some(vec![FilePart::new("notes").file_name("notes.txt").content_type("text/plain")]),
    };
    let answer = client.bodies().upload_file(&body).await.unwrap();
    assert_eq!(answer.id.as_deref(), Some("f1"));
    let request = last(&server).await;
    let parts = parts(&request);
    let heads: Vec<&str> = parts.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        heads,
        [
            "Content-Disposition: form-data; name=\"attributes\"\r\nContent-Type: application/json",
            "Content-Disposition: form-data; name=\"labels\"",
            "Content-Disposition: form-data; name=\"labels\"",
            "Content-Disposition: form-data; name=\"title\"",
            "Content-Disposition: form-data; name=\"extras\"; filename=\"notes.txt\"\r\nContent-Type: text/plain",
            "Content-Disposition: form-data; name=\"file\"; filename=\"chart.png\"\r\nContent-Type: image/png",
        ]
    );
    let data: Vec<&[u8]> = parts.iter().map(|(_, d)| d.as_slice()).collect();
    assert_eq!(data, [&br#"{"x":1,"y":2}"#[..], b"x", b"y", b"Q1 \"final\"", b"notes", b"\x89PNG\r\n\x00--"]);
}

#[tokio::test]
async fn raw_octets_and_text_bodies() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    client.bodies().put_raw(&[0, 159, 146, 150]).await.unwrap();
    let request = last(&server).await;
    assert_eq!(header(&request, "content-type"), ["application/octet-stream"]);
    assert_eq!(request.body, [0, 159, 146, 150]);

    let (server, client) = serve(ResponseTemplate::new(200).set_body_raw("<p>hi</p>", "text/html")).await;
    let rendered = client.bodies().post_note(Some("hi")).await.unwrap();
    assert_eq!(rendered, "<p>hi</p>");
    let request = last(&server).await;
    assert_eq!(header(&request, "content-type"), ["text/plain"]);
    assert_eq!(header(&request, "accept"), ["text/html"]);
    assert_eq!(request.body, b"hi");
}

#[tokio::test]
async fn text_and_binary_answers() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv")).await;
    let report: String = client.answers().get_report().await.unwrap();
    assert_eq!(report, "a,b\n1,2\n");
    assert_eq!(header(&last(&server).await, "accept"), ["text/csv"]);

    let png = vec![0x89, b'P', b'N', b'G', 0, 0xff];
    let (server, client) = serve(ResponseTemplate::new(200).set_body_raw(png.clone(), "image/png")).await;
    let avatar: bytes::Bytes = client.answers().get_avatar().await.unwrap();
    assert_eq!(avatar, png);
    assert_eq!(header(&last(&server).await, "accept"), ["image/jpeg, image/png"]);

    // The description names no content but allows one `Accept`: the answer is octets.
    let (server, client) = serve(ResponseTemplate::new(200).set_body_raw(vec![1, 2, 3], "application/octet-stream")).await;
    assert_eq!(client.answers().download_export().await.unwrap(), vec![1, 2, 3]);
    assert_eq!(header(&last(&server).await, "accept"), ["application/octet-stream"]);

    // Text that is not UTF-8 is a decode error, not a panic or a lossy string.
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe], "text/csv")).await;
    assert!(matches!(client.answers().get_report().await, Err(intercom::Error::Decode { .. })));
}
