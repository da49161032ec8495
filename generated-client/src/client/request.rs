//! [`OperationRequest`]: what the generated operations build (query, headers, body) and send.

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::encoding;
use crate::error::Error;
use super::response::{decode_body, read_text};
use super::{Call, Client, RequestOptions};

/// One request being put together by a generated operation; `send` makes it a [`Call`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct OperationRequest<'a> {
    pub(super) client: &'a Client,
    pub(super) method: Method,
    pub(super) operation_id: &'static str,
    pub(super) path: String,
    /// Already encoded, without the `?`.
    pub(super) query: String,
    pub(super) body: Option<Bytes>,
    /// The operation's own headers (header parameters, a non-JSON `Content-Type` or `Accept`),
    /// over the client's and under the per-request options'.
    pub(super) headers: HeaderMap,
    pub(super) idempotent: bool,
    pub(super) options: Option<RequestOptions>,
    /// The next page of a list that gives it as a link: the request goes there, in place of
    /// `path` and `query` (see [`Call::at_link`]).
    pub(super) link: Option<crate::pagination::PageLink>,
    /// The first problem met while building; returned by `send` without sending anything.
    pub(super) error: Option<Error>,
}

#[allow(dead_code)] // Called by the generated operations; not every description uses every method.
impl<'a> OperationRequest<'a> {
    /// Adds query parameters from a struct (or map): `None`/null values are skipped, strings
    /// sent as they are, numbers and booleans as written in JSON, arrays as one pair per
    /// element, objects as compact JSON. Keys and values are percent-encoded.
    pub(crate) fn query<Q: Serialize + ?Sized>(self, params: &Q) -> Self {
        self.query_styled(params, &[])
    }

    /// Like `query`, writing the parameters listed in `styles` in their OpenAPI style (see
    /// [`crate::encoding`]).
    pub(crate) fn query_styled<Q: Serialize + ?Sized>(mut self, params: &Q, styles: encoding::Styles<'_>) -> Self {
        if self.error.is_none() {
            match encoding::query(params, styles) {
                Ok(pairs) if pairs.is_empty() => {}
                Ok(pairs) => {
                    if !self.query.is_empty() {
                        self.query.push('&');
                    }
                    self.query.push_str(&pairs);
                }
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends `body` as JSON.
    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        if self.error.is_none() {
            match serde_json::to_vec(body) {
                Ok(bytes) => self.body = Some(Bytes::from(bytes)),
                Err(error) => self.error = Some(Error::Encode(error)),
            }
        }
        self
    }

    /// Sends a header parameter (`simple` style, or JSON text); a `null` value sends nothing.
    pub(crate) fn header_param<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T, style: encoding::Style, explode: bool) -> Self {
        if self.error.is_none() {
            match encoding::header_value(value, style, explode) {
                Ok(None) => {}
                Ok(Some(text)) => match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&text)) {
                    (Ok(name), Ok(value)) => {
                        self.headers.append(name, value);
                    }
                    _ => {
                        let problem = format!("header parameter `{name}` cannot be sent: `{text}` is not a valid header value");
                        self.error = Some(Error::encode(problem));
                    }
                },
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends `body` as `application/x-www-form-urlencoded`, the properties listed in `styles`
    /// in their style (see [`encoding::form`] for the others).
    pub(crate) fn form<B: Serialize + ?Sized>(mut self, body: &B, styles: encoding::Styles<'_>) -> Self {
        if self.error.is_none() {
            match encoding::form(body, styles) {
                Ok(bytes) => self.set_body(bytes, "application/x-www-form-urlencoded"),
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends a `multipart/form-data` body.
    pub(crate) fn multipart(mut self, form: encoding::Multipart) -> Self {
        if self.error.is_none() {
            match form.finish() {
                Ok((content_type, bytes)) => self.set_body(bytes, &content_type),
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    /// Sends `body` as it is, as `content_type` (text or octets).
    pub(crate) fn raw_body(mut self, body: impl Into<Bytes>, content_type: &str) -> Self {
        if self.error.is_none() {
            self.set_body(body.into(), content_type);
        }
        self
    }

    fn set_body(&mut self, body: Bytes, content_type: &str) {
        match HeaderValue::from_str(content_type) {
            Ok(value) => {
                self.headers.insert(CONTENT_TYPE, value);
                self.body = Some(body);
            }
            Err(_) => self.error = Some(Error::encode(format!("`{content_type}` is not a usable Content-Type"))),
        }
    }

    /// Asks for these media types (`Accept`) instead of JSON.
    pub(crate) fn accept(mut self, media_types: &'static str) -> Self {
        self.headers.insert(ACCEPT, HeaderValue::from_static(media_types));
        self
    }

    /// Whether sending the request twice does no more than sending it once (GET, PUT, DELETE,
    /// HEAD), which allows retrying after a 5xx answer or a broken connection.
    pub(crate) fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Options for this request, over those of the client handle.
    pub(crate) fn options(mut self, options: RequestOptions) -> Self {
        self.options = Some(match self.options.take() {
            Some(current) => current.merged(&options),
            None => options,
        });
        self
    }

    /// The call that sends the request (retrying as configured) and decodes a 2xx JSON answer
    /// into `T`. An empty body decodes as JSON `null`, so `()` and `Option<_>` accept it.
    pub(crate) fn send<T: DeserializeOwned>(self) -> Call<'a, T> {
        Call::new(self, decode_body::<T>)
    }

    /// The call that returns a 2xx answer's body as text (UTF-8).
    pub(crate) fn send_text(self) -> Call<'a, String> {
        Call::new(self, read_text)
    }

    /// The call that returns a 2xx answer's body as it came.
    pub(crate) fn send_bytes(self) -> Call<'a, Bytes> {
        Call::new(self, |raw| Ok(raw.body.clone()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use reqwest::Method;
    use serde::Serialize;
    use serde_json::json;
    use wiremock::matchers::{body_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crate::Timestamp;
    use crate::client::test_support::*;
    use crate::encoding;
    use crate::error::Error;
    use crate::client::encode_path_segment;

    #[derive(Debug, Serialize)]
    struct ListParams {
        #[serde(skip_serializing_if = "Option::is_none")]
        starting_after: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        per_page: Option<i64>,
        email: Option<String>,
        archived: bool,
        tags: Vec<String>,
        filter: BTreeMap<String, serde_json::Value>,
        since: Timestamp,
    }

    #[derive(Debug, Serialize)]
    struct NewNote {
        body: String,
        admin_id: i64,
    }

    #[tokio::test]
    async fn sends_method_path_query_headers_and_json_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/contacts/abc%2F1%20%C3%A9/notes"))
            .and(query_param("per_page", "50"))
            .and(query_param("archived", "false"))
            .and(query_param("q", "a b&c=d"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("intercom-version", crate::generated::API_VERSION))
            .and(header("accept", "application/json"))
            .and(header("content-type", "application/json"))
            .and(body_json(json!({"body": "Hello", "admin_id": 7})))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": "n1", "created_at": 1700000000, "extra": [1]})),
            )
            .expect(1)
            .mount(&server)
            .await;

        let client = client(&server);
        let segment = encode_path_segment(&"abc/1 é");
        let note: Note = client
            .request(Method::POST, "createNote", format!("/contacts/{segment}/notes"))
            .idempotent(false)
            .query(&json!({"per_page": 50, "archived": false, "skip": null, "q": "a b&c=d"}))
            .json(&NewNote { body: "Hello".into(), admin_id: 7 })
            .send()
            .await
            .unwrap();
        assert_eq!(note, Note { id: "n1".into(), created_at: Timestamp::from_unix_seconds(1_700_000_000) });

        let requests = received(&server).await;
        let agent = requests[0].headers.get("user-agent").unwrap().to_str().unwrap();
        assert_eq!(agent, concat!("intercom-rs/", env!("CARGO_PKG_VERSION")));
    }

    #[tokio::test]
    async fn query_struct_encoding_on_the_wire() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/contacts"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        let params = ListParams {
            starting_after: None,
            per_page: Some(25),
            email: None,
            archived: true,
            tags: vec!["vip".into(), "a b".into()],
            filter: BTreeMap::from([("field".to_owned(), json!("name")), ("n".to_owned(), json!(1))]),
            since: Timestamp::from_unix_seconds(1_600_000_000),
        };
        let _: serde_json::Value = client(&server)
            .request(Method::GET, "listContacts", "/contacts".into())
            .query(&params)
            .send()
            .await
            .unwrap();
        let requests = received(&server).await;
        assert_eq!(
            requests[0].url.query(),
            // An object is spread into its properties (OpenAPI's default: `form`, exploded).
            Some("archived=true&field=name&n=1&per_page=25&since=1600000000&tags=vip&tags=a%20b")
        );
        assert!(requests[0].headers.get("content-type").is_none(), "no body, no content type");
        assert!(requests[0].body.is_empty());
    }

    #[test]
    fn query_encoding_rules() {
        assert_eq!(
            encoding::query(&json!({"a": "x y/z", "b": 1.5, "c": [1, null, "two", {"k": true}], "d": null}), &[]).unwrap(),
            "a=x%20y%2Fz&b=1.5&c=1&c=two&c=%7B%22k%22%3Atrue%7D"
        );
        assert_eq!(encoding::query(&(), &[]).unwrap(), "");
        assert_eq!(encoding::query(&Option::<ListParams>::None, &[]).unwrap(), "");
        assert_eq!(
            encoding::query(&BTreeMap::from([("ключ", "значение")]), &[]).unwrap(),
            "%D0%BA%D0%BB%D1%8E%D1%87=%D0%B7%D0%BD%D0%B0%D1%87%D0%B5%D0%BD%D0%B8%D0%B5"
        );
        let err = encoding::query(&"just a string", &[]).unwrap_err();
        assert!(matches!(err, Error::Encode(_)));
        assert!(err.to_string().contains("struct, a map or a list"), "{err}");
    }

    #[tokio::test]
    async fn encode_errors_are_returned_without_sending() {
        let server = MockServer::start().await;
        let client = client(&server);
        let bad_body = BTreeMap::from([((1, 2), "tuple keys are not JSON")]);
        let err = client.request(Method::POST, "x", "/x".into()).json(&bad_body).send::<()>().await.unwrap_err();
        assert!(matches!(err, Error::Encode(_)), "{err:?}");
        let err = client.request(Method::GET, "x", "/x".into()).query(&[1, 2]).send::<()>().await.unwrap_err();
        assert!(matches!(err, Error::Encode(_)), "{err:?}");
        assert!(received(&server).await.is_empty());
    }
}
