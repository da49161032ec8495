//! What the client's tests share: a token, clients for a mock server, a record type.

use serde::Deserialize;
use serde_json::json;
use wiremock::{MockServer, Request};

use crate::Timestamp;
use super::{Client, ClientBuilder};

pub(crate) const TOKEN: &str = "dG9rOnNlY3JldC10b2tlbi12YWx1ZQ==";

/// A client for `server` with real-time defaults.
pub(crate) fn client(server: &MockServer) -> Client {
    Client::builder().access_token(TOKEN).base_url(server.uri()).build().unwrap()
}

/// A client for tests on a paused clock: no timers other than the retry sleeps, so the
/// clock only jumps over backoff (a timeout or pool timer would fire while waiting on the
/// real network).
pub(crate) fn paused_client(server: &MockServer) -> ClientBuilder {
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).pool_idle_timeout(None).build().unwrap();
    Client::builder().access_token(TOKEN).base_url(server.uri()).no_timeout().http_client(http)
}

pub(crate) async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub(crate) fn error_list(request_id: &str, code: &str, message: &str) -> serde_json::Value {
    json!({"type": "error.list", "request_id": request_id, "errors": [{"code": code, "message": message}]})
}

#[derive(Debug, Deserialize, PartialEq)]
pub(crate) struct Note {
    pub(crate) id: String,
    pub(crate) created_at: Timestamp,
}
