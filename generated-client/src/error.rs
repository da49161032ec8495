//! [`Error`]: everything a call can fail with, and [`ApiError`], Intercom's own error answers.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::redact::{Escaped, ShortBody, Sources};

/// Why a call failed.
///
/// Match on the variant to tell the kinds apart; the helper methods answer the usual
/// questions without matching:
///
/// ```
/// # async fn demo(result: Result<(), intercom::Error>) {
/// use intercom::Error;
///
/// match result {
///     Ok(()) => {}
///     Err(Error::Api(api)) if api.status == 404 => println!("not found: {api}"),
///     Err(Error::RateLimited { retry_after, .. }) => println!("slow down, retry in {retry_after:?}"),
///     Err(error) if error.is_retryable() => println!("try again later: {error}"),
///     Err(error) => println!("failed (request id {:?}): {error}", error.request_id()),
/// }
/// # }
/// ```
///
/// Neither `Display` nor `Debug` ever shows the access token; `Debug` shows a body's length and
/// first 200 characters only.
#[non_exhaustive]
pub enum Error {
    /// Intercom answered with a non-2xx status (other than a 429 that used up the retries).
    Api(Box<ApiError>),
    /// Intercom kept answering 429 Too Many Requests until the retries ran out, or asked for a
    /// longer wait than the client is willing to sleep.
    RateLimited {
        /// How long Intercom asked to wait, from `Retry-After` or `X-RateLimit-Reset`, if it said.
        retry_after: Option<Duration>,
        /// The request id of the last attempt, if known.
        request_id: Option<String>,
        /// The last 429 answer in full.
        error: Box<ApiError>,
    },
    /// No complete answer arrived within the timeout (per attempt; see [`crate::ClientBuilder::timeout`]).
    Timeout {
        /// The timeout that elapsed, when the client set it (`None` when it came from a
        /// user-supplied `reqwest::Client`).
        after: Option<Duration>,
    },
    /// The request could not be sent or its answer not read: DNS, connection refused, TLS,
    /// connection reset, and the like.
    Transport(reqwest::Error),
    /// A 2xx answer whose body does not match the expected type.
    Decode {
        /// Where in the body decoding failed, such as `data[0].created_at` (`.` for the top level).
        path: String,
        /// What went wrong there.
        message: String,
        /// The body as received (lossily converted to UTF-8).
        body: String,
        /// The HTTP status of the answer.
        status: u16,
        /// The request id Intercom gave the answer (`X-Request-Id`), if any.
        request_id: Option<String>,
        /// The answer's headers.
        headers: Box<HeaderMap>,
    },
    /// The request could not be encoded: its body or query parameters did not serialize, or a
    /// path parameter is not usable (empty, `.` or `..`).
    Encode(serde_json::Error),
    /// The client is misconfigured: missing access token, invalid base URL or header value.
    Config(String),
    /// A successful answer's body was longer than the client accepts (see
    /// [`crate::ClientBuilder::max_response_bytes`]); reading stopped at the limit, or did not
    /// start when `Content-Length` was already over it.
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The `Content-Length` the server declared, if any.
        declared: Option<u64>,
        /// The HTTP status of the answer.
        status: u16,
        /// The request id Intercom gave the answer (`X-Request-Id`), if any.
        request_id: Option<String>,
    },
    /// The answer was a redirect the client does not follow: to another origin (scheme, host
    /// and port) than the request's, or one too many. Nothing was sent there; the answer of
    /// another host is never taken for Intercom's.
    Redirect {
        /// The HTTP status of the redirect (or, with a user-supplied `reqwest::Client` that
        /// followed it, of the answer that came from elsewhere).
        status: u16,
        /// Where it pointed, without credentials or query, when it said.
        location: Option<String>,
    },
    /// A paged list did not advance: the server handed out a cursor or next-page link it had
    /// handed out before in the same stream, or the page number ran out of range (following it
    /// would loop forever); or it gave a next-page link off the client's origin, which is not
    /// followed (nothing is sent there).
    Pagination(String),
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::RateLimited { error, .. } => Some(error.status),
            Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Transport(error) => error.status().map(|status| status.as_u16()),
            _ => None,
        }
    }

    /// Intercom's id for the request, to quote when contacting Intercom support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::RateLimited { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::ResponseTooLarge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed: rate limiting, server errors,
    /// timeouts and connection failures. (The client has already retried these as far as it
    /// was allowed to before returning them.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.status == 429 || (500..=599).contains(&api.status),
            Error::RateLimited { .. } | Error::Timeout { .. } => true,
            Error::Transport(error) => {
                error.is_connect() || error.is_timeout() || error.is_request() || error.is_body()
            }
            _ => false,
        }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Intercom's error answer, for [`Error::Api`] and [`Error::RateLimited`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::RateLimited { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The headers of the answer the error comes from: an error answer's, or a 2xx answer's that
    /// did not decode.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Decode { headers, .. } => Some(headers),
            _ => self.api_error().map(|api| &api.headers),
        }
    }

    /// How long Intercom asked to wait before trying again, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A transport error, or [`Error::Timeout`] when it is reqwest's own timeout. The URL it
    /// carries loses its credentials and query, which its `Display` would otherwise show.
    pub(crate) fn transport(mut error: reqwest::Error) -> Error {
        if error.is_timeout() {
            return Error::Timeout { after: None };
        }
        if let Some(url) = error.url_mut() {
            *url = crate::redact::redacted(url);
        }
        Error::Transport(error)
    }

    /// An [`Error::Encode`] with a message of our own.
    pub(crate) fn encode(message: impl fmt::Display) -> Error {
        Error::Encode(<serde_json::Error as serde::ser::Error>::custom(message))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => fmt::Display::fmt(api, f),
            Error::RateLimited { retry_after, request_id, .. } => {
                write!(f, "rate limited by Intercom (429)")?;
                if let Some(wait) = retry_after {
                    write!(f, ", retry after {:.3}s", wait.as_secs_f64())?;
                }
                write_request_id(f, request_id.as_deref())
            }
            Error::Timeout { after: Some(after) } => {
                write!(f, "request to Intercom timed out after {:.3}s", after.as_secs_f64())
            }
            Error::Timeout { after: None } => f.write_str("request to Intercom timed out"),
            Error::Transport(error) => write!(f, "could not reach Intercom: {error}{}", Sources(error)),
            Error::Decode { path, message, status, request_id, .. } => {
                let (path, message) = (Escaped(path), Escaped(message));
                write!(f, "could not decode Intercom's answer (status {status}) at `{path}`: {message}")?;
                write_request_id(f, request_id.as_deref())
            }
            Error::Encode(error) => write!(f, "could not encode the request: {error}"),
            Error::Config(message) => write!(f, "invalid Intercom client configuration: {}", Escaped(message)),
            Error::ResponseTooLarge { limit, declared, status, request_id } => {
                write!(f, "Intercom's answer (status {status}) is larger than the limit of {limit} bytes")?;
                if let Some(length) = declared {
                    write!(f, " (Content-Length {length})")?;
                }
                write_request_id(f, request_id.as_deref())
            }
            Error::Redirect { status, location } => {
                f.write_str("the request was redirected")?;
                if let Some(location) = location {
                    write!(f, " to {}", Escaped(location))?;
                }
                write!(f, " (status {status}); only redirects within Intercom's origin are followed, at most 10")
            }
            Error::Pagination(message) => write!(f, "paging through Intercom's list stopped: {}", Escaped(message)),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::RateLimited { retry_after, request_id, error } => f
                .debug_struct("RateLimited")
                .field("retry_after", retry_after)
                .field("request_id", request_id)
                .field("error", error)
                .finish(),
            Error::Timeout { after } => f.debug_struct("Timeout").field("after", after).finish(),
            // reqwest's `Debug` shows the sources.
            Error::Transport(error) => f.debug_tuple("Transport").field(error).finish(),
            Error::Decode { path, message, body, status, request_id, headers } => f
                .debug_struct("Decode")
                .field("path", path)
                .field("message", message)
                .field("body", &ShortBody(body))
                .field("status", status)
                .field("request_id", request_id)
                .field("headers", headers)
                .finish(),
            Error::Encode(error) => f.debug_tuple("Encode").field(error).finish(),
            Error::Config(message) => f.debug_tuple("Config").field(message).finish(),
            Error::ResponseTooLarge { limit, declared, status, request_id } => f
                .debug_struct("ResponseTooLarge")
                .field("limit", limit)
                .field("declared", declared)
                .field("status", status)
                .field("request_id", request_id)
                .finish(),
            Error::Redirect { status, location } => {
                f.debug_struct("Redirect").field("status", status).field("location", location).finish()
            }
            Error::Pagination(message) => f.debug_tuple("Pagination").field(message).finish(),
        }
    }
}

/// ` (request id …)`, escaped, when there is one.
fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " (request id {})", Escaped(id)),
        None => Ok(()),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(error),
            Error::Encode(error) => Some(error),
            _ => None,
        }
    }
}

/// A non-2xx answer from Intercom. Its `Debug` shows the body's length and first 200 characters.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Intercom's id for the request: the body's `request_id`, else the `X-Request-Id` header.
    pub request_id: Option<String>,
    /// The decoded error body, when the body was a JSON object (normally an `error.list`).
    pub error_list: Option<ErrorList>,
    /// The body as received (lossily converted to UTF-8), or its first
    /// [`max_error_body_bytes`](crate::ClientBuilder::max_error_body_bytes) when it was longer.
    pub body: String,
    /// Whether `body` is only the beginning of a longer body (the rest was not read).
    pub body_truncated: bool,
    /// The answer's headers.
    pub headers: HeaderMap,
}

impl ApiError {
    /// Builds the error from an answer; never fails, whatever the body holds.
    pub(crate) fn from_response(status: u16, headers: HeaderMap, body: &[u8]) -> ApiError {
        let error_list = serde_json::from_slice::<Value>(body).ok().as_ref().and_then(ErrorList::from_value);
        let header_id = headers.get("x-request-id").and_then(|value| value.to_str().ok()).map(str::to_owned);
        let request_id = error_list.as_ref().and_then(|list| list.request_id.clone()).or(header_id);
        let body = String::from_utf8_lossy(body).into_owned();
        ApiError { status, request_id, error_list, body, body_truncated: false, headers }
    }

    /// The individual errors Intercom listed (empty when the body had none).
    pub fn errors(&self) -> &[ErrorItem] {
        self.error_list.as_ref().map_or(&[], |list| list.errors.as_slice())
    }

    /// The `code` of the first listed error, such as `not_found` or `unauthorized`.
    pub fn code(&self) -> Option<&str> {
        self.errors().iter().find_map(|item| item.code.as_deref())
    }

    /// The `message` of the first listed error.
    pub fn message(&self) -> Option<&str> {
        self.errors().iter().find_map(|item| item.message.as_deref())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Intercom answered {}", self.status)?;
        let errors = self.errors();
        if errors.is_empty() {
            let body = self.body.trim();
            if !body.is_empty() {
                // Enough of the body to recognise it, not a whole HTML error page.
                let mut cut = body.len().min(200);
                while !body.is_char_boundary(cut) {
                    cut = cut.saturating_sub(1);
                }
                let ellipsis = if cut < body.len() || self.body_truncated { "…" } else { "" };
                write!(f, ": {}{ellipsis}", Escaped(&body[..cut]))?;
            }
        }
        for (index, item) in errors.iter().enumerate() {
            f.write_str(if index == 0 { ": " } else { "; " })?;
            fmt::Display::fmt(item, f)?;
        }
        write_request_id(f, self.request_id.as_deref())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("error_list", &self.error_list)
            .field("body", &ShortBody(&self.body))
            .field("body_truncated", &self.body_truncated)
            .field("headers", &self.headers)
            .finish()
    }
}

impl std::error::Error for ApiError {}

/// Intercom's error body: `{"type": "error.list", "request_id": "...", "errors": [...]}`.
///
/// Every field is optional and unknown fields are ignored, so any JSON object decodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorList {
    /// The object type, normally `error.list`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Intercom's id for the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The errors.
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

impl ErrorList {
    /// Reads an error body leniently: strings where strings are expected, anything else
    /// ignored. A body with no `errors` array but a top-level `message` (or `error`) gives one item.
    pub fn from_value(value: &Value) -> Option<ErrorList> {
        let object = value.as_object()?;
        let text = |value: Option<&Value>| match value? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        };
        let mut errors: Vec<ErrorItem> = object
            .get("errors")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_object)
                    .map(|item| ErrorItem {
                        code: text(item.get("code")),
                        message: text(item.get("message")),
                        field: text(item.get("field")),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if errors.is_empty() {
            let message = text(object.get("message")).or_else(|| text(object.get("error")));
            let code = text(object.get("code"));
            if message.is_some() || code.is_some() {
                errors.push(ErrorItem { code, message, field: None });
            }
        }
        Some(ErrorList { kind: text(object.get("type")), request_id: text(object.get("request_id")), errors })
    }
}

/// One error of an [`ErrorList`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorItem {
    /// A machine-readable code, such as `not_found`, `parameter_invalid` or `unauthorized`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The request field the error is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl fmt::Display for ErrorItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, "{}: {}", Escaped(code), Escaped(message))?,
            (Some(text), None) | (None, Some(text)) => write!(f, "{}", Escaped(text))?,
            (None, None) => f.write_str("unspecified error")?,
        }
        if let Some(field) = &self.field {
            write!(f, " (field `{}`)", Escaped(field))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_an_error_list() {
        let body = br#"{"type":"error.list","request_id":"req-1","errors":[{"code":"not_found","message":"Contact Not Found"},{"code":"parameter_invalid","message":"bad","field":"email","extra":1}]}"#;
        let api = ApiError::from_response(404, HeaderMap::new(), body);
        assert_eq!(api.request_id.as_deref(), Some("req-1"));
        assert_eq!(api.code(), Some("not_found"));
        assert_eq!(api.message(), Some("Contact Not Found"));
        assert_eq!(api.errors().len(), 2);
        assert_eq!(api.errors()[1].field.as_deref(), Some("email"));
        assert_eq!(api.error_list.as_ref().and_then(|l| l.kind.as_deref()), Some("error.list"));
        assert_eq!(
            api.to_string(),
            "Intercom answered 404: not_found: Contact Not Found; parameter_invalid: bad (field `email`) (request id req-1)"
        );
    }

    #[test]
    fn tolerates_odd_bodies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "hdr-9".parse().unwrap());
        let api = ApiError::from_response(502, headers.clone(), b"<html>Bad Gateway</html>");
        assert!(api.error_list.is_none());
        assert_eq!(api.request_id.as_deref(), Some("hdr-9"));
        assert_eq!(api.to_string(), "Intercom answered 502: <html>Bad Gateway</html> (request id hdr-9)");

        let api = ApiError::from_response(400, headers.clone(), br#"{"errors": "nope", "message": "plain"}"#);
        assert_eq!(api.message(), Some("plain"));
        let api = ApiError::from_response(400, headers, br#"{"errors": [1, {"code": 7, "message": null}]}"#);
        assert_eq!(api.code(), Some("7"));
        let api = ApiError::from_response(500, HeaderMap::new(), b"");
        assert_eq!(api.to_string(), "Intercom answered 500");

        let long = "é".repeat(300);
        let shown = ApiError::from_response(500, HeaderMap::new(), long.as_bytes()).to_string();
        assert!(shown.ends_with('…') && shown.len() < 260);
    }

    #[test]
    fn error_list_serde_is_tolerant() {
        let list: ErrorList = serde_json::from_value(json!({"whatever": true})).unwrap();
        assert_eq!(list, ErrorList::default());
        let list: ErrorList = serde_json::from_value(json!({"type": "error.list", "errors": [{"code": "x"}]})).unwrap();
        assert_eq!(list.errors[0].code.as_deref(), Some("x"));
    }

    #[test]
    fn helpers() {
        let api = Error::Api(Box::new(ApiError::from_response(503, HeaderMap::new(), b"{}")));
        assert_eq!(api.status(), Some(503));
        assert!(api.is_retryable());
        let not_found = Error::Api(Box::new(ApiError::from_response(404, HeaderMap::new(), br#"{"request_id":"r"}"#)));
        assert!(!not_found.is_retryable());
        assert_eq!(not_found.request_id(), Some("r"));
        let limited = Error::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
            request_id: Some("r2".into()),
            error: Box::new(ApiError::from_response(429, HeaderMap::new(), b"")),
        };
        assert_eq!(limited.status(), Some(429));
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(limited.request_id(), Some("r2"));
        assert!(limited.is_retryable());
        assert_eq!(limited.to_string(), "rate limited by Intercom (429), retry after 2.000s (request id r2)");
        let timeout = Error::Timeout { after: Some(Duration::from_millis(100)) };
        assert!(timeout.is_timeout() && timeout.is_retryable());
        assert_eq!(timeout.to_string(), "request to Intercom timed out after 0.100s");
        let config = Error::Config("no token".into());
        assert!(!config.is_retryable());
        assert_eq!(config.status(), None);
        let encode = Error::encode("bad");
        assert!(std::error::Error::source(&encode).is_some());

        let large = Error::ResponseTooLarge { limit: 10, declared: None, status: 200, request_id: Some("r\n3".into()) };
        assert_eq!(large.to_string(), "Intercom's answer (status 200) is larger than the limit of 10 bytes (request id r\\n3)");
        assert_eq!((large.status(), large.request_id(), large.is_retryable()), (Some(200), Some("r\n3"), false));
        let redirect = Error::Redirect { status: 307, location: Some("https://elsewhere/x?redacted".into()) };
        assert_eq!(
            redirect.to_string(),
            "the request was redirected to https://elsewhere/x?redacted (status 307); only redirects within Intercom's origin are followed, at most 10"
        );
        assert_eq!((redirect.status(), redirect.is_retryable()), (Some(307), false));
        let paging = Error::Pagination("the server handed out a cursor for the second time, after 3 pages".into());
        assert!(paging.to_string().starts_with("paging through Intercom's list stopped: the server"), "{paging}");
    }

    #[test]
    fn debug_keeps_bodies_short() {
        let long = format!("{{\"email\":\"jane@example.com\",\"notes\":\"{}\"}}", "é".repeat(5000));
        let decode = Error::Decode {
            path: "notes".into(),
            message: "invalid type".into(),
            body: long.clone(),
            status: 200,
            request_id: None,
            headers: Box::default(),
        };
        let api = Error::Api(Box::new(ApiError::from_response(500, HeaderMap::new(), long.as_bytes())));
        for error in [&decode, &api] {
            let debug = format!("{error:?}");
            assert!(debug.len() < 1000, "{} bytes: {debug}", debug.len());
            assert!(debug.contains(&format!("({} bytes)", long.len())), "{debug}");
            assert!(debug.contains(r#"{\"email\":\"jane@example.com"#), "the start is shown: {debug}");
        }
        let short = Error::Api(Box::new(ApiError::from_response(404, HeaderMap::new(), b"Not here")));
        assert!(format!("{short:?}").contains(r#"body: "Not here" (8 bytes)"#), "{short:?}");
    }

    #[test]
    fn error_stays_small() {
        // Results carrying it are returned by every generated function; keep it cheap to move.
        assert!(std::mem::size_of::<Error>() <= 128, "{}", std::mem::size_of::<Error>());
    }
}
