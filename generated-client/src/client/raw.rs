//! [`RawRequest`]: a request to any endpoint, for what the description lacks, with everything
//! the generated operations get (auth, version header, retries, limits, tracing, errors).

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Call, Client, OperationRequest, RequestOptions};

/// The operation id raw requests are traced under (`intercom.request` span).
const RAW_OPERATION: &str = "raw";

/// A request to any path of the API, from [`Client::raw`]; [`send`](RawRequest::send) makes it
/// a [`Call`].
///
/// ```no_run
/// # async fn run(client: intercom::Client) -> Result<(), intercom::Error> {
/// use intercom::client::Method;
/// use serde_json::{json, Value};
///
/// // Any answer as JSON ...
/// let tags: Value = client.raw(Method::GET, "/tags").send().await?;
/// // ... or as a type of your own, with the status and headers.
/// #[derive(serde::Deserialize)]
/// struct Created { id: String }
/// let response = client
///     .raw(Method::POST, "/tags")
///     .json(&json!({"name": "vip"}))
///     .send::<Created>()
///     .raw()
///     .await?;
/// println!("{} {}", response.status, response.body.id);
/// # let _ = tags;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent and awaited"]
pub struct RawRequest<'a> {
    request: OperationRequest<'a>,
}

impl Client {
    /// A request to `path` (relative to the base URL, such as `/contacts/123`; sent as written,
    /// so percent-encode what you put in it) with the client's auth, version header, retries,
    /// limits, tracing and errors. For endpoints the generated operations do not cover.
    ///
    /// GET, PUT, DELETE and HEAD are retried after a 5xx answer or a broken connection, other
    /// methods only when [`RequestOptions::retry_non_idempotent`] or
    /// [`RawRequest::idempotent`] says so.
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RawRequest<'_> {
        RawRequest { request: self.request(method, RAW_OPERATION, path.into()) }
    }
}

impl<'a> RawRequest<'a> {
    /// Adds query parameters from a struct, a map or a list of `(name, value)` pairs, written as
    /// the operations write theirs (`None` skipped, arrays one pair per element, keys and values
    /// percent-encoded); pairs keep their order and a name may repeat.
    pub fn query<Q: Serialize + ?Sized>(mut self, params: &Q) -> Self {
        self.request = self.request.query(params);
        self
    }

    /// Sends `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.request = self.request.json(body);
        self
    }

    /// Sends a header, over the client's own of that name.
    pub fn header(self, name: HeaderName, value: HeaderValue) -> Self {
        self.options(RequestOptions::new().header(name, value))
    }

    /// Settings for this request, over those of the client handle.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.request = self.request.options(options);
        self
    }

    /// Whether the request may be sent twice (so retried after a 5xx answer or a broken
    /// connection); by default, whether its method is idempotent.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.request = self.request.idempotent(yes);
        self
    }

    /// The call: await it for the 2xx answer decoded into `T` (`serde_json::Value` for any JSON,
    /// `()` to ignore it), or add `.raw()` for its status and headers too.
    pub fn send<T: DeserializeOwned>(self) -> Call<'a, T> {
        self.request.send()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde::Deserialize;
    use serde_json::{json, Value};
    use wiremock::matchers::{body_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::client::test_support::{client, paused_client, received, TOKEN};
    use crate::error::Error;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Tag {
        id: String,
    }

    #[tokio::test]
    async fn sends_auth_version_query_and_json_and_decodes_typed_or_value() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/not/described"))
            .and(query_param("page", "2"))
            .and(query_param("q", "a b"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("intercom-version", crate::generated::API_VERSION))
            .and(header("content-type", "application/json"))
            .and(header("x-extra", "1"))
            .and(body_json(json!({"name": "vip"})))
            .respond_with(ResponseTemplate::new(201).insert_header("x-request-id", "raw-1").set_body_json(json!({"id": "t1"})))
            .expect(2)
            .mount(&server)
            .await;
        let client = client(&server);
        let request = || {
            client
                .raw(Method::POST, "/not/described")
                .query(&json!({"page": 2, "skip": null}))
                .query(&[("q", "a b")])
                .json(&json!({"name": "vip"}))
                .header(HeaderName::from_static("x-extra"), HeaderValue::from_static("1"))
        };
        let tag: Tag = request().send().await.unwrap();
        assert_eq!(tag, Tag { id: "t1".into() });
        let response = request().send::<Value>().raw().await.unwrap();
        assert_eq!((response.status, response.request_id()), (201, Some("raw-1")));
        assert_eq!(response.body, json!({"id": "t1"}));
    }

    #[tokio::test(start_paused = true)]
    async fn retries_and_errors_are_the_operations() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!([1]))).mount(&server).await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
        let client = paused_client(&server).build().unwrap();
        let value: Value = client.raw(Method::GET, "/x").send().await.unwrap();
        assert_eq!(value, json!([1]));
        assert_eq!(received(&server).await.len(), 2, "a GET is retried");
        let err = client.raw(Method::POST, "/x").send::<()>().await.unwrap_err();
        assert!(matches!(&err, Error::Api(api) if api.status == 500), "{err:?}");
        assert_eq!(received(&server).await.len(), 3, "a POST is not");
        let _ = client.raw(Method::POST, "/x").idempotent(true).options(RequestOptions::new().max_retries(1)).send::<()>().await;
        assert_eq!(received(&server).await.len(), 5, "unless it says it may be");
    }

    #[tokio::test]
    async fn size_limits_and_decode_errors_apply() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(100))).mount(&server).await;
        let client = client(&server);
        let small = RequestOptions::new().max_response_bytes(10).timeout(Duration::from_secs(10));
        let err = client.raw(Method::GET, "/big").options(small).send::<Value>().await.unwrap_err();
        assert!(matches!(err, Error::ResponseTooLarge { limit: 10, .. }), "{err:?}");
        let err = client.raw(Method::GET, "/big").send::<Value>().await.unwrap_err();
        assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    }
}
