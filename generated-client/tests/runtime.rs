//! The hand-written runtime's public surface, as a user of the crate sees it. (The request
//! path itself is tested against real HTTP servers in `src/client/`.)

use std::time::Duration;

use intercom::client::{RequestOptions, Response, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
use intercom::error::{ErrorItem, ErrorList};
use intercom::{Client, ClientBuilder, Error, Region, Timestamp};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::json;

const TOKEN: &str = "c2VjcmV0LWFjY2Vzcy10b2tlbg==";

#[test]
fn client_and_errors_are_shareable() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Client>();
    shareable::<ClientBuilder>();
    shareable::<Error>();
    shareable::<RequestOptions>();
    shareable::<Response<serde_json::Value>>();

    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(Error::Config("x".into()));
    assert_eq!(boxed.to_string(), "invalid Intercom client configuration: x");
}

#[test]
fn defaults() {
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(60));
    assert_eq!(DEFAULT_MAX_RETRIES, 3);
    let client = Client::new(TOKEN);
    assert_eq!(client.base_url(), Some("https://api.intercom.io"));
    assert_eq!(client.api_version(), Some(intercom::generated::API_VERSION));
    let debug = format!("{client:?}");
    assert!(debug.contains("timeout: Some(60s)") && debug.contains("max_retries: 3"), "{debug}");
}

#[test]
fn regions_pick_the_host() {
    for (region, host) in [
        (Region::Us, "https://api.intercom.io"),
        (Region::Eu, "https://api.eu.intercom.io"),
        (Region::Au, "https://api.au.intercom.io"),
    ] {
        assert_eq!(region.base_url(), host);
        let client = Client::builder().access_token(TOKEN).region(region).build().unwrap();
        assert_eq!(client.base_url(), Some(host));
    }
    assert_eq!(Region::default(), Region::Us);
}

#[test]
fn builder_settings() {
    let client = Client::builder()
        .access_token(TOKEN)
        .base_url("http://127.0.0.1:1234")
        .version("2.14")
        .timeout(Duration::from_secs(5))
        .max_retries(7)
        .retry_non_idempotent(true)
        .user_agent("my-app/2")
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    assert_eq!(client.base_url(), Some("http://127.0.0.1:1234"));
    assert_eq!(client.api_version(), Some("2.14"));
    let debug = format!("{client:?}");
    for expected in ["timeout: Some(5s)", "max_retries: 7", "retry_non_idempotent: true", "custom_http_client: true"] {
        assert!(debug.contains(expected), "{expected} in {debug}");
    }
    let untimed = Client::builder().access_token(TOKEN).no_timeout().build().unwrap();
    assert!(format!("{untimed:?}").contains("timeout: None"));
}

#[test]
fn builder_errors_are_config_errors() {
    let cases: Vec<(ClientBuilder, &str)> = vec![
        (Client::builder(), "access token"),
        (Client::builder().access_token(""), "access token"),
        (Client::builder().access_token("bad\r\ntoken"), "access token"),
        (Client::builder().access_token(TOKEN).base_url("127.0.0.1:80"), "base URL"),
        (Client::builder().access_token(TOKEN).base_url("mailto:someone@example.com"), "base URL"),
        (Client::builder().access_token(TOKEN).base_url("https://x#frag"), "base URL"),
        (Client::builder().access_token(TOKEN).version(""), "version"),
    ];
    for (builder, needle) in cases {
        let shown = format!("{builder:?}");
        match builder.build() {
            Err(error @ Error::Config(_)) => {
                assert!(error.to_string().contains(needle), "{error} should mention {needle}");
                assert!(!error.is_retryable());
                assert_eq!(error.status(), None);
                assert_eq!(error.request_id(), None);
            }
            other => panic!("{shown}: expected a configuration error, got {other:?}"),
        }
    }
}

#[test]
fn new_never_panics() {
    for token in ["", " ", "\n", "secret\0value", "secret\nvalue", "secret\u{7f}"] {
        let client = Client::new(token);
        assert_eq!(client.base_url(), None, "{token:?} makes an unusable client");
        assert!(!format!("{client:?}").contains("ecret"), "{client:?}");
    }
}

#[test]
fn token_is_redacted_everywhere() {
    let builder = Client::builder().access_token(TOKEN);
    let client = builder.clone().build().unwrap();
    let scoped = client.with_options(
        RequestOptions::new()
            .try_header("Authorization", &format!("Bearer {TOKEN}"))
            .unwrap()
            .header(HeaderName::from_static("cookie"), HeaderValue::from_str(TOKEN).unwrap()),
    );
    for shown in [format!("{builder:?}"), format!("{builder:#?}"), format!("{client:?}"), format!("{scoped:#?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert!(format!("{builder:?}").contains("<redacted>"));
}

#[test]
fn request_options() {
    assert!(matches!(RequestOptions::new().try_header("bad name", "v"), Err(Error::Config(_))));
    assert!(matches!(RequestOptions::new().try_header("x-ok", "line\nbreak"), Err(Error::Config(_))));
    let mut headers = HeaderMap::new();
    headers.append("x-tag", HeaderValue::from_static("a"));
    headers.append("x-tag", HeaderValue::from_static("b"));
    let options = RequestOptions::new()
        .headers(headers)
        .timeout(Duration::from_secs(1))
        .max_retries(0)
        .retry_non_idempotent(false);
    let shown = format!("{options:?}");
    assert!(shown.contains("\"a\"") && shown.contains("\"b\""), "{shown}");
    let _ = Client::new(TOKEN).with_options(options).with_options(RequestOptions::new().no_timeout());
}

#[test]
fn error_list_from_json() {
    let list = ErrorList::from_value(&json!({
        "type": "error.list",
        "request_id": "abc",
        "errors": [{"code": "parameter_not_found", "message": "Email is required", "field": "email"}]
    }))
    .unwrap();
    assert_eq!(list.kind.as_deref(), Some("error.list"));
    assert_eq!(list.request_id.as_deref(), Some("abc"));
    assert_eq!(list.errors[0].to_string(), "parameter_not_found: Email is required (field `email`)");
    assert!(ErrorList::from_value(&json!([1, 2])).is_none());
    assert_eq!(ErrorItem::default().to_string(), "unspecified error");

    let decoded: ErrorList =
        serde_json::from_str(r#"{"type":"error.list","errors":[{"code":"x","unknown":1}],"more":true}"#).unwrap();
    assert_eq!(decoded.errors[0].code.as_deref(), Some("x"));
}

#[test]
fn error_kinds() {
    let timeout = Error::Timeout { after: Some(Duration::from_secs(2)) };
    assert!(timeout.is_timeout() && timeout.is_retryable());
    assert_eq!(timeout.to_string(), "request to Intercom timed out after 2.000s");
    let decode = Error::Decode {
        path: "data[0].created_at".into(),
        message: "invalid type".into(),
        body: "{}".into(),
        status: 200,
        request_id: Some("r".into()),
        headers: Box::default(),
    };
    assert_eq!(decode.status(), Some(200));
    assert_eq!(decode.request_id(), Some("r"));
    assert!(decode.headers().is_some_and(|headers| headers.is_empty()));
    assert!(decode.to_string().contains("data[0].created_at"));
    let encode = Error::Encode(serde_json::from_str::<u8>("x").unwrap_err());
    assert!(std::error::Error::source(&encode).is_some());
    assert!(encode.api_error().is_none() && encode.retry_after().is_none());
}

#[test]
fn timestamps_in_user_types() {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Event {
        at: Timestamp,
    }
    let event: Event = serde_json::from_str(r#"{"at": 1700000000.75}"#).unwrap();
    assert_eq!(event.at, Timestamp::from_unix_seconds(1_700_000_000));
    assert_eq!(serde_json::to_string(&event).unwrap(), r#"{"at":1700000000}"#);
    assert_eq!(Timestamp::from(event.at.to_system_time()), event.at);
}

/// A union of JSON scalars decodes with one visitor, choosing exactly as serde's untagged
/// derive would (which it replaces because that buffers the value and tries each variant).
#[test]
fn scalar_unions_choose_as_the_untagged_derive_does() {
    use intercom::types::FlexibleId;
    #[derive(Debug, serde::Deserialize)]
    #[serde(untagged)]
    enum Reference {
        String(String),
        Integer(i64),
    }
    let inputs = ["\"abc\"", "\"\"", "7", "-7", "9223372036854775807", "18446744073709551615", "1.5", "true", "null", "[]", "{}"];
    for input in inputs {
        let ours = serde_json::from_str::<FlexibleId>(input);
        let reference = serde_json::from_str::<Reference>(input);
        match (&ours, reference) {
            (Ok(FlexibleId::String(a)), Ok(Reference::String(b))) => assert_eq!(*a, b, "{input}"),
            (Ok(FlexibleId::Integer(a)), Ok(Reference::Integer(b))) => assert_eq!(*a, b, "{input}"),
            (Err(_), Err(_)) => {}
            (ours, reference) => panic!("{input}: ours {ours:?}, the derive {reference:?}"),
        }
    }
    let err = serde_json::from_str::<FlexibleId>("true").unwrap_err().to_string();
    assert!(err.contains("a string or an integer"), "{err}");
    assert_eq!(serde_json::to_string(&FlexibleId::Integer(5)).unwrap(), "5");
}
