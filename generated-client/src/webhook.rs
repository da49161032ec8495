//! Receiving Intercom webhooks: signature verification and typed decoding.
//!
//! Intercom POSTs one JSON notification per request to the subscriber URL. Each request
//! carries an `X-Hub-Signature: sha1=<40 hex digits>` header: the HMAC-SHA1 of the raw
//! request body, keyed with the app's client secret. A receiver must check that signature
//! over the exact bytes received — before parsing them — and only then trust the payload.
//!
//! [`WebhookVerifier`] does the three steps in order: it refuses bodies over a size limit
//! (1 MiB unless [`WebhookVerifier::max_body_bytes`] says otherwise), checks the signature
//! in constant time, and decodes the body into a typed [`Notification`], whose
//! [`event`](Notification::event) is a [`WebhookEvent`] chosen by topic. Topics this
//! version of the client does not know decode to [`WebhookEvent::Unknown`] with the raw
//! item kept, so a topic Intercom adds later does not break a receiver built today.
//!
//! Every failure is a [`WebhookError`]; [`WebhookError::status_code`] suggests the HTTP
//! status to answer with (401 for signature problems, 413 for an oversized body, 400 for a
//! body that is not a notification).
//!
//! The typed side (`Notification`, `Topic`, `WebhookEvent`, the `verify_and_decode*` methods)
//! needs the `webhooks` feature (on by default); signature verification is always there.
//!
//! With any web framework:
//!
//! ```no_run
//! use intercom::webhook::{WebhookError, WebhookVerifier, SIGNATURE_HEADER};
//!
//! /// Handles one delivery; returns the HTTP status to answer with.
//! # #[cfg(feature = "webhooks")]
//! fn receive(verifier: &WebhookVerifier, signature: Option<&str>, body: &[u8]) -> u16 {
//!     match verifier.verify_and_decode(signature, body) {
//!         Ok(notification) => {
//!             println!("{} {:?}", notification.topic, notification.event);
//!             200
//!         }
//!         Err(error) => {
//!             eprintln!("rejected webhook ({SIGNATURE_HEADER}): {error}");
//!             error.status_code()
//!         }
//!     }
//! }
//!
//! let verifier = WebhookVerifier::new(std::env::var("INTERCOM_CLIENT_SECRET").unwrap_or_default());
//! # #[cfg(feature = "webhooks")]
//! # let _ = receive(&verifier, None, b"{}");
//! ```
//!
//! With axum 0.7, enable the `axum` feature and take a `VerifiedNotification` argument in
//! the handler; its documentation has a complete receiver.
//!
//! Delivery notes a receiver should plan for:
//!
//! - Intercom retries any answer other than 2xx (and slow answers), so the same
//!   notification can arrive more than once: deduplicate on the envelope's `id`, and answer
//!   quickly (queue the work rather than doing it in the request).
//! - A correctly signed body that still fails to decode ([`WebhookError::InvalidJson`] with a
//!   [`serde_json::error::Category::Data`] error) is authentic but does not match this
//!   client's types. Answering 400 makes Intercom retry it; a receiver that prefers to keep
//!   it can call [`WebhookVerifier::verify`] and parse the body as a [`serde_json::Value`].
//! - An empty secret (or one of whitespace only) is refused with [`WebhookError::EmptySecret`]
//!   on every request rather than accepted, since anyone can compute an HMAC with an empty
//!   key: a missing configuration value fails loudly instead of opening the endpoint.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha1::Sha1;

#[cfg(feature = "webhooks")]
pub use crate::generated::webhooks::{Notification, Topic, WebhookEvent};

/// The header that carries Intercom's signature (lower case, as `http` header names are).
pub const SIGNATURE_HEADER: &str = "x-hub-signature";

/// The body size limit a [`WebhookVerifier`] starts with: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long the axum extractor waits for a whole body unless
/// [`WebhookVerifier::body_read_timeout`] says otherwise: 10 seconds.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The algorithm prefix of the signature header value.
const SIGNATURE_PREFIX: &str = "sha1";

/// Length in bytes of an HMAC-SHA1 tag.
const SIGNATURE_LEN: usize = 20;

/// Checks an `X-Hub-Signature` header value against the HMAC-SHA1 of `body` keyed with `secret`.
///
/// `signature_header` is the header's value (`sha1=` followed by 40 hex digits, either
/// case), or `None` when the request had no such header. `body` must be the exact bytes
/// received: re-serialized JSON will not match. The comparison takes the same time
/// wherever the first differing byte is.
///
/// This does not limit the body size; [`WebhookVerifier`] does.
///
/// # Errors
///
/// [`WebhookError::EmptySecret`] if `secret` is empty or only whitespace, [`WebhookError::MissingSignature`]
/// if there is no header, [`WebhookError::MalformedSignature`] if it is not
/// `sha1=<40 hex digits>`, and [`WebhookError::SignatureMismatch`] if it is well formed but
/// does not match.
///
/// # Example
///
/// ```
/// use intercom::webhook::{verify_signature, WebhookError};
///
/// let body = br#"{"type":"notification_event","topic":"ping"}"#;
/// let result = verify_signature(b"client-secret", Some("sha1=0000000000000000000000000000000000000000"), body);
/// assert!(matches!(result, Err(WebhookError::SignatureMismatch)));
/// ```
pub fn verify_signature(secret: &[u8], signature_header: Option<&str>, body: &[u8]) -> Result<(), WebhookError> {
    // A secret of whitespace alone is an unset configuration value (`SECRET=" "`, a stray
    // newline), as guessable as an empty one.
    if secret.trim_ascii().is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let header = signature_header.ok_or(WebhookError::MissingSignature)?;
    let expected = parse_signature(header)?;
    // HMAC accepts keys of any length, so this cannot fail; if it ever did, fail closed.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).map_err(|_| WebhookError::SignatureMismatch)?;
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected).map_err(|_| WebhookError::SignatureMismatch)
}

/// The `X-Hub-Signature` value from request headers, if there is exactly one.
///
/// # Errors
///
/// [`WebhookError::MalformedSignature`] if the header appears more than once or its value
/// is not visible ASCII. A missing header is `Ok(None)`, for [`verify_signature`] and
/// [`WebhookVerifier::verify`] to report.
pub fn signature_from_headers(headers: &http::HeaderMap) -> Result<Option<&str>, WebhookError> {
    let mut values = headers.get_all(SIGNATURE_HEADER).iter();
    let Some(value) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(WebhookError::MalformedSignature);
    }
    value.to_str().map(Some).map_err(|_| WebhookError::MalformedSignature)
}

/// Parses `sha1=<40 hex digits>` into the 20-byte tag.
fn parse_signature(header: &str) -> Result<[u8; SIGNATURE_LEN], WebhookError> {
    let (algorithm, hex_digits) = header.trim().split_once('=').ok_or(WebhookError::MalformedSignature)?;
    if !algorithm.eq_ignore_ascii_case(SIGNATURE_PREFIX) || hex_digits.len() != 2 * SIGNATURE_LEN {
        return Err(WebhookError::MalformedSignature);
    }
    let mut tag = [0u8; SIGNATURE_LEN];
    hex::decode_to_slice(hex_digits, &mut tag).map_err(|_| WebhookError::MalformedSignature)?;
    Ok(tag)
}

/// Verifies and decodes webhook deliveries with one app's client secret.
///
/// Cheap to clone (the secret is shared), so it can live in a web framework's state. Its
/// `Debug` output never shows the secret.
///
/// ```
/// use intercom::webhook::{WebhookError, WebhookVerifier};
///
/// let verifier = WebhookVerifier::new("client-secret").max_body_bytes(64 * 1024);
/// let result = verifier.verify(None, b"{}");
/// assert!(matches!(result, Err(WebhookError::MissingSignature)));
/// assert!(!format!("{verifier:?}").contains("client-secret"));
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: Arc<[u8]>,
    max_body_bytes: usize,
    body_read_timeout: Duration,
}

impl WebhookVerifier {
    /// A verifier keyed with the app's client secret (Intercom's `hub_secret` on older
    /// subscriptions), with the default 1 MiB body limit.
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self {
            secret: Arc::from(secret.as_ref()),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
        }
    }

    /// Sets the largest body accepted, in bytes; larger bodies are refused with
    /// [`WebhookError::BodyTooLarge`] before any other work.
    #[must_use]
    pub const fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The largest body accepted, in bytes.
    #[must_use]
    pub const fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Sets how long the axum extractor waits for the whole body (default
    /// [`DEFAULT_BODY_READ_TIMEOUT`], 10 s); a slower body is refused with
    /// [`WebhookError::BodyTimeout`] (408), so a client that stalls cannot hold the receiver.
    #[must_use]
    pub const fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// How long the axum extractor waits for the whole body.
    #[must_use]
    pub const fn read_timeout(&self) -> Duration {
        self.body_read_timeout
    }

    /// Checks the body size, then the signature (see [`verify_signature`]).
    ///
    /// # Errors
    ///
    /// [`WebhookError::BodyTooLarge`], then any error of [`verify_signature`].
    pub fn verify(&self, signature_header: Option<&str>, body: &[u8]) -> Result<(), WebhookError> {
        self.check_size(body)?;
        verify_signature(&self.secret, signature_header, body)
    }

    /// [`verify`](Self::verify) with the signature taken from request headers.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), and as [`signature_from_headers`].
    pub fn verify_headers(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        self.check_size(body)?;
        verify_signature(&self.secret, signature_from_headers(headers)?, body)
    }

    /// Checks the body size, then the signature, then decodes the body with
    /// [`Notification::from_slice`].
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), then [`WebhookError::InvalidJson`] if the body is not a
    /// notification this client can decode.
    #[cfg(feature = "webhooks")]
    pub fn verify_and_decode(&self, signature_header: Option<&str>, body: &[u8]) -> Result<Notification, WebhookError> {
        self.verify(signature_header, body)?;
        Notification::from_slice(body).map_err(WebhookError::InvalidJson)
    }

    /// [`verify_and_decode`](Self::verify_and_decode) with the signature taken from request headers.
    ///
    /// # Errors
    ///
    /// As [`verify_and_decode`](Self::verify_and_decode), and as [`signature_from_headers`].
    #[cfg(feature = "webhooks")]
    pub fn verify_and_decode_headers(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Notification, WebhookError> {
        self.verify_headers(headers, body)?;
        Notification::from_slice(body).map_err(WebhookError::InvalidJson)
    }

    fn check_size(&self, body: &[u8]) -> Result<(), WebhookError> {
        if body.len() > self.max_body_bytes {
            return Err(WebhookError::BodyTooLarge { limit: self.max_body_bytes, actual: Some(body.len()) });
        }
        Ok(())
    }
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"<redacted>")
            .field("max_body_bytes", &self.max_body_bytes)
            .field("body_read_timeout", &self.body_read_timeout)
            .finish()
    }
}

/// Why a webhook delivery was refused.
///
/// [`status_code`](Self::status_code) suggests the HTTP answer. With the `axum` feature it
/// is also an axum response (that status and a short plain-text body).
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request has no `X-Hub-Signature` header.
    MissingSignature,
    /// The `X-Hub-Signature` header is not `sha1=<40 hex digits>` (or appears more than once,
    /// or is not visible ASCII).
    MalformedSignature,
    /// The signature is well formed but is not the body's HMAC-SHA1 under this secret: the
    /// body was altered, the secret is wrong, or the request did not come from Intercom.
    SignatureMismatch,
    /// The body is larger than the verifier's limit.
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The body's size in bytes, when known (a streamed body is abandoned as soon as it
        /// passes the limit, so its full size is not).
        actual: Option<usize>,
    },
    /// The body is correctly signed but is not JSON, or not a notification this client can
    /// decode. [`serde_json::Error::classify`] tells which.
    InvalidJson(serde_json::Error),
    /// The request body could not be read (for example, the connection closed mid-body).
    ReadBody(Box<dyn std::error::Error + Send + Sync>),
    /// The whole body did not arrive within [`WebhookVerifier::read_timeout`].
    BodyTimeout {
        /// The time limit that passed.
        after: Duration,
    },
    /// The verifier's secret is empty, so no signature can be trusted: a configuration error.
    EmptySecret,
}

impl WebhookError {
    /// The HTTP status a receiver should answer with: 401 for a missing, malformed or
    /// mismatched signature, 413 for an oversized body, 408 for a body that took too long,
    /// 400 for an unreadable or invalid body, 500 for an empty secret.
    #[must_use]
    pub const fn status_code(&self) -> u16 {
        self.status().as_u16()
    }

    const fn status(&self) -> http::StatusCode {
        match self {
            Self::MissingSignature | Self::MalformedSignature | Self::SignatureMismatch => http::StatusCode::UNAUTHORIZED,
            Self::BodyTooLarge { .. } => http::StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyTimeout { .. } => http::StatusCode::REQUEST_TIMEOUT,
            Self::InvalidJson(_) | Self::ReadBody(_) => http::StatusCode::BAD_REQUEST,
            Self::EmptySecret => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short description for an HTTP answer, without details of the request.
    #[cfg(feature = "axum")]
    fn public_message(&self) -> &'static str {
        match self {
            Self::MissingSignature => "missing X-Hub-Signature header",
            Self::MalformedSignature => "malformed X-Hub-Signature header",
            Self::SignatureMismatch => "invalid signature",
            Self::BodyTooLarge { .. } => "request body too large",
            Self::InvalidJson(_) => "invalid notification body",
            Self::ReadBody(_) => "could not read request body",
            Self::BodyTimeout { .. } => "request body took too long",
            Self::EmptySecret => "webhook receiver is not configured",
        }
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => f.write_str("missing X-Hub-Signature header"),
            Self::MalformedSignature => {
                f.write_str("malformed X-Hub-Signature header: expected a single `sha1=` followed by 40 hex digits")
            }
            Self::SignatureMismatch => f.write_str("X-Hub-Signature does not match the body's HMAC-SHA1"),
            Self::BodyTooLarge { limit, actual: Some(actual) } => {
                write!(f, "request body of {actual} bytes exceeds the limit of {limit} bytes")
            }
            Self::BodyTooLarge { limit, actual: None } => write!(f, "request body exceeds the limit of {limit} bytes"),
            Self::InvalidJson(error) => {
                // serde_json quotes pieces of the (sender's) body in its messages.
                let message = error.to_string();
                write!(f, "invalid webhook notification: {}", crate::redact::Escaped(&message))
            }
            Self::ReadBody(error) => write!(f, "could not read the request body: {error}"),
            Self::BodyTimeout { after } => {
                write!(f, "the request body did not arrive within {:.3}s", after.as_secs_f64())
            }
            Self::EmptySecret => f.write_str("the webhook secret is empty; configure the app's client secret"),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidJson(error) => Some(error),
            Self::ReadBody(error) => Some(&**error),
            _ => None,
        }
    }
}

#[cfg(feature = "axum")]
pub use self::axum_extractor::VerifiedNotification;

#[cfg(feature = "axum")]
mod axum_extractor {
    use axum::extract::{FromRef, FromRequest, Request};
    use axum::response::{IntoResponse, Response};
    use http_body_util::{BodyExt, LengthLimitError, Limited};

    use super::{signature_from_headers, Notification, WebhookError, WebhookVerifier};

    /// An axum 0.7 extractor for a verified, decoded notification (feature `axum`).
    ///
    /// The [`WebhookVerifier`] comes from the router's state (anything it can be taken from
    /// with [`FromRef`]). The extractor refuses a declared `Content-Length` over the
    /// verifier's limit at once, refuses a missing or malformed signature header before
    /// reading the body, reads at most the limit (a body that runs past it is abandoned)
    /// within the verifier's [`read_timeout`](WebhookVerifier::read_timeout) (408 after it),
    /// then verifies the signature and decodes. axum's `DefaultBodyLimit` does not apply:
    /// [`WebhookVerifier::max_body_bytes`] is the limit.
    ///
    /// A refusal is the [`WebhookError`], answered with its
    /// [`status_code`](WebhookError::status_code) and a short plain-text body. To answer
    /// differently, take `Result<VerifiedNotification, WebhookError>` instead.
    ///
    /// ```no_run
    /// use axum::{routing::post, Router};
    /// use intercom::webhook::{VerifiedNotification, WebhookEvent, WebhookVerifier};
    ///
    /// async fn receive(VerifiedNotification(notification): VerifiedNotification) -> &'static str {
    ///     match &notification.event {
    ///         WebhookEvent::ContactUserCreated(contact) => println!("new user: {contact:?}"),
    ///         other => println!("{}: {other:?}", notification.topic),
    ///     }
    ///     "ok"
    /// }
    ///
    /// #[tokio::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let verifier = WebhookVerifier::new(std::env::var("INTERCOM_CLIENT_SECRET").unwrap_or_default());
    ///     let app = Router::new().route("/intercom/webhooks", post(receive)).with_state(verifier);
    ///     let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    ///     axum::serve(listener, app).await
    /// }
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    pub struct VerifiedNotification(pub Notification);

    #[axum::async_trait]
    impl<S> FromRequest<S> for VerifiedNotification
    where
        S: Send + Sync,
        WebhookVerifier: FromRef<S>,
    {
        type Rejection = WebhookError;

        async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
            let verifier = WebhookVerifier::from_ref(state);
            let result = extract(&verifier, request).await;
            if let Err(error) = &result {
                match error {
                    WebhookError::EmptySecret => tracing::error!(%error, "refused Intercom webhook"),
                    _ => tracing::debug!(%error, "refused Intercom webhook"),
                }
            }
            result.map(Self)
        }
    }

    async fn extract(verifier: &WebhookVerifier, request: Request) -> Result<Notification, WebhookError> {
        let limit = verifier.body_limit();
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        if let Some(length) = declared.filter(|&length| length > limit) {
            return Err(WebhookError::BodyTooLarge { limit, actual: Some(length) });
        }
        let signature = signature_from_headers(&parts.headers)?.ok_or(WebhookError::MissingSignature)?;
        let after = verifier.read_timeout();
        let body = tokio::time::timeout(after, Limited::new(body, limit).collect())
            .await
            .map_err(|_| WebhookError::BodyTimeout { after })?
            .map_err(|error| {
                if error.is::<LengthLimitError>() {
                    WebhookError::BodyTooLarge { limit, actual: None }
                } else {
                    WebhookError::ReadBody(error)
                }
            })?
            .to_bytes();
        verifier.verify_and_decode(Some(signature), &body)
    }

    impl IntoResponse for WebhookError {
        fn into_response(self) -> Response {
            (self.status(), self.public_message()).into_response()
        }
    }
}
