//! Answers: [`Response`], the raw answer, and decoding a 2xx body.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName};
use serde::de::DeserializeOwned;

use crate::error::Error;

pub(super) const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A decoded 2xx answer with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The answer's headers (rate-limit counters, request id, …).
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// Intercom's id for the request (`X-Request-Id`), to quote when contacting support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get(X_REQUEST_ID).and_then(|value| value.to_str().ok())
    }

    /// The decoded body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The same answer with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

/// A complete answer of any status but 3xx (an error body perhaps cut at its limit).
pub(super) struct RawResponse {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
    /// Whether `body` is only the first part of a longer (error) body.
    pub(super) truncated: bool,
}

/// The `X-Request-Id` header's value, if it is text.
pub(super) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get(X_REQUEST_ID).and_then(|value| value.to_str().ok()).map(str::to_owned)
}

/// Decodes a 2xx body, naming the failing field path on error.
pub(super) fn decode_body<T: DeserializeOwned>(raw: &RawResponse) -> Result<T, Error> {
    let empty = raw.body.iter().all(u8::is_ascii_whitespace);
    let bytes: &[u8] = if empty { b"null" } else { &raw.body };
    match decode_json::<T>(bytes) {
        Ok(value) => Ok(value),
        Err((path, message)) => {
            // A type without data (`()`, a unit struct) has nothing to lose by ignoring a body
            // the description did not announce.
            if std::mem::size_of::<T>() == 0 {
                if let Ok(value) = serde_json::from_slice::<T>(b"null") {
                    return Ok(value);
                }
            }
            Err(Error::Decode {
                path,
                message,
                body: String::from_utf8_lossy(&raw.body).into_owned(),
                status: raw.status,
                request_id: request_id(&raw.headers),
                headers: Box::new(raw.headers.clone()),
            })
        }
    }
}

/// A 2xx body as text (UTF-8).
pub(super) fn read_text(raw: &RawResponse) -> Result<String, Error> {
    String::from_utf8(raw.body.to_vec()).map_err(|error| Error::Decode {
        path: ".".to_owned(),
        message: format!("the answer is not UTF-8 text: {error}"),
        body: String::from_utf8_lossy(&raw.body).into_owned(),
        status: raw.status,
        request_id: request_id(&raw.headers),
        headers: Box::new(raw.headers.clone()),
    })
}

pub(super) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (error.path().to_string(), error.inner().to_string()))?;
    deserializer.end().map_err(|error| (".".to_owned(), error.to_string()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    
    
    

    use reqwest::Method;
    use serde::Deserialize;
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crate::Timestamp;
    use crate::client::test_support::*;
    use crate::error::Error;
    use crate::error::ErrorList;

    #[tokio::test]
    async fn api_error_with_error_list_and_request_id() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/contacts/missing"))
            .respond_with(
                ResponseTemplate::new(404).insert_header("x-request-id", "from-header").set_body_json(error_list(
                    "from-body",
                    "not_found",
                    "Contact Not Found",
                )),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/contacts/forbidden"))
            .respond_with(
                ResponseTemplate::new(403).insert_header("x-request-id", "hdr-2").set_body_string("Forbidden"),
            )
            .mount(&server)
            .await;
        let client = client(&server);
        let err =
            client.request(Method::GET, "getContact", "/contacts/missing".into()).send::<Note>().await.unwrap_err();
        let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
        assert_eq!(api.status, 404);
        assert_eq!(api.request_id.as_deref(), Some("from-body"));
        assert_eq!(api.code(), Some("not_found"));
        assert_eq!(api.message(), Some("Contact Not Found"));
        assert_eq!(api.error_list.as_ref().and_then(|list: &ErrorList| list.kind.as_deref()), Some("error.list"));
        assert!(api.body.contains("Contact Not Found"));
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.request_id(), Some("from-body"));
        assert!(!err.is_retryable());
        assert_eq!(err.to_string(), "Intercom answered 404: not_found: Contact Not Found (request id from-body)");

        let err =
            client.request(Method::GET, "getContact", "/contacts/forbidden".into()).send::<Note>().await.unwrap_err();
        assert_eq!(err.request_id(), Some("hdr-2"));
        assert_eq!(err.api_error().map(|api| api.body.as_str()), Some("Forbidden"));
        assert_eq!(received(&server).await.len(), 2, "4xx answers are not retried");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Note>,
    }

    #[tokio::test]
    async fn decode_error_names_the_field_path() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-request-id", "dec-1")
                    .set_body_json(json!({"data": [{"id": "a", "created_at": true}]})),
            )
            .mount(&server)
            .await;
        let err = client(&server).request(Method::GET, "listNotes", "/notes".into()).send::<Page>().await.unwrap_err();
        let Error::Decode { path, message, body, status, request_id, .. } = &err else {
            panic!("expected Decode, got {err:?}")
        };
        assert_eq!(path, "data[0].created_at");
        assert!(message.contains("Unix timestamp"), "{message}");
        assert!(body.contains("\"created_at\":true"));
        assert_eq!(*status, 200);
        assert_eq!(request_id.as_deref(), Some("dec-1"));
        assert!(err.to_string().contains("`data[0].created_at`"), "{err}");
        assert!(!err.is_retryable());
    }

    #[tokio::test]
    async fn empty_and_unexpected_bodies_for_unit_and_options() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE")).and(path("/empty")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        Mock::given(method("DELETE"))
            .and(path("/object"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1", "deleted": true})))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/trailing"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{} x"))
            .mount(&server)
            .await;
        let client = client(&server);
        client.request(Method::DELETE, "a", "/empty".into()).send::<()>().await.unwrap();
        client.request(Method::DELETE, "b", "/object".into()).send::<()>().await.unwrap();
        let none: Option<Note> = client.request(Method::DELETE, "c", "/empty".into()).send().await.unwrap();
        assert!(none.is_none());
        let err = client.request(Method::DELETE, "d", "/empty".into()).send::<Note>().await.unwrap_err();
        assert!(matches!(&err, Error::Decode { status: 204, .. }), "{err:?}");
        let err = client.request(Method::GET, "e", "/trailing".into()).send::<serde_json::Value>().await.unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "."), "{err:?}");
    }

    #[tokio::test]
    async fn raw_keeps_status_and_headers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("x-request-id", "req-77")
                    .insert_header("x-ratelimit-remaining", "99")
                    .set_body_json(json!({"id": "n", "created_at": "12"})),
            )
            .mount(&server)
            .await;
        let response = client(&server)
            .request(Method::POST, "createNote", "/notes".into())
            .send::<Note>().raw()
            .await
            .unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(response.request_id(), Some("req-77"));
        assert_eq!(response.headers.get("x-ratelimit-remaining").unwrap(), "99");
        assert_eq!(response.map(|note| note.created_at).into_body(), Timestamp::from_unix_seconds(12));
    }
}
