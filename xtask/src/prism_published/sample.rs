//! A sample of the operations of Intercom's published description (2.14), called through the
//! client generated from that same description, against Prism serving it
//! (`cargo xtask prism-published`, run by `scripts/validate-specs`). Written into the generated
//! crate as `src/bin/prism_sample.rs`; the mock's URL comes in `INTERCOM_MOCK_URL`.
//!
//! Each request is built as a user would (typed bodies and parameters) and must match the
//! description, and each answer that matches the description must decode: anything else fails the
//! run, unless it is one of `KNOWN_DEFECTS`, where the published description contradicts itself or
//! Intercom's documentation (those are reported, and reported again once they stop failing).
//! Answers that break the description (Prism mocks from its examples) are reported as defects of
//! the description.

use std::future::Future;

use intercom::generated::operations::{
    LisDataAttributesParams, ListAdminsParams, ListConversationsParams, ListSegmentsParams, RetrieveConversationParams,
};
use intercom::client::Response;
use intercom::{Client, Error};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Failures that are the published description's fault, not the client's: the operation, and
/// why. A request it rejects although Intercom documents it, or an answer built from an example
/// that breaks the schema in a way Prism's check of its answers lets through.
const KNOWN_DEFECTS: &[(&str, &str)] = &[
    (
        "createConversation",
        "`from.id` is declared `format: uuid` with `minLength`/`maxLength` 24, which no value can meet \
         (a UUID has 36 characters); contact ids are 24 hexadecimal characters",
    ),
    (
        "retrieveConversation",
        "the 200 example has `conversation_parts[0].id: 1`, a number, where `conversation_part.id` is a string",
    ),
];

const CONTACT: &str = "6585c0a1e4b0a1f2c3d4e5f6";

/// A typed request body, written as JSON: it goes through the generated type on its way out.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{} does not decode from {value}: {e}", std::any::type_name::<T>()))
}

#[derive(Default)]
struct Tally {
    driven: usize,
    /// Request violations that are not known defects of the description: failures.
    request: Vec<String>,
    /// Failures explained by `KNOWN_DEFECTS`.
    known: Vec<String>,
    /// Known defects that no longer cause a failure.
    fixed: Vec<String>,
    /// Answers that break the description (defects of its examples).
    response: Vec<String>,
    /// Answers that match the description but did not decode: failures.
    decode: Vec<String>,
    /// Answers that break the description and did not decode either (informational).
    decode_defective: Vec<String>,
    other: Vec<String>,
}

/// The `sl-violations` headers of an answer, split into request and response ones.
fn violations(values: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut request, mut response) = (Vec::new(), Vec::new());
    for text in values {
        let text = text.as_str();
        let list: Vec<Value> = serde_json::from_str(text).unwrap_or_else(|_| vec![Value::String(text.to_owned())]);
        for violation in list {
            let location: Vec<String> = violation
                .get("location")
                .and_then(Value::as_array)
                .map(|l| l.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect())
                .unwrap_or_default();
            let line = format!(
                "{} at {}: {}",
                violation.get("severity").and_then(Value::as_str).unwrap_or("?"),
                location.join("."),
                violation.get("message").and_then(Value::as_str).unwrap_or_default()
            );
            match location.first().map(String::as_str) {
                Some("response") => response.push(line),
                _ => request.push(line),
            }
        }
    }
    (request, response)
}

impl Tally {
    async fn call<T, F, Fut>(&mut self, client: &Client, operation: &str, call: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<Response<T>, Error>>,
    {
        // The raw answer (`.raw()`): status and headers with the value, or in the error.
        let result = call(client.clone()).await;
        self.driven += 1;
        let headers = match &result {
            Ok(answer) => Some(&answer.headers),
            Err(error) => error.headers(),
        };
        let values: Vec<String> = headers
            .map(|headers| headers.get_all("sl-violations").iter().map(|v| v.to_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default();
        let (mut request, response) = violations(&values);
        let status = match &result {
            Ok(answer) => answer.status,
            Err(error) => error.status().unwrap_or(0),
        };
        if let Err(Error::Api(api)) = &result {
            // Prism's own 422 (no 4xx in the description) lists the violations in its body.
            if api.status == 422 && request.is_empty() {
                request.push(api.body.clone());
            }
        }
        let known = KNOWN_DEFECTS.iter().find(|(op, _)| *op == operation).map(|(_, why)| *why);
        let mut line = format!("{operation} ({status})");
        if !request.is_empty() {
            let what = format!("{operation}: {}", request.join("; "));
            match known {
                Some(why) => {
                    line = format!("known    {line}: request flagged, a defect of the description: {why}");
                    self.known.push(what);
                }
                None => {
                    line = format!("FAILED   {line}: request violation: {}", request.join("; "));
                    self.request.push(what);
                }
            }
            println!("{line}");
            return;
        }
        let decode_failed = matches!(&result, Err(Error::Decode { .. })) && response.is_empty();
        if let (Some(why), false) = (known, decode_failed) {
            self.fixed.push(format!("{operation}: {why}"));
        }
        if !response.is_empty() {
            self.response.push(format!("{operation}: {}", response.join("; ")));
        }
        match result {
            Ok(_) if response.is_empty() => println!("ok       {line}"),
            Ok(_) => println!("defect   {line}: decoded, but the answer breaks the description: {}", response.join("; ")),
            Err(Error::Decode { path, message, .. }) if !response.is_empty() => {
                self.decode_defective.push(format!("{operation}: at `{path}`: {message}"));
                println!(
                    "defect   {line}: the answer breaks the description ({}) and did not decode at `{path}`: {message}",
                    response.join("; ")
                );
            }
            Err(Error::Decode { path, message, .. }) => match known {
                Some(why) => {
                    self.known.push(format!("{operation}: at `{path}`: {message}"));
                    println!("known    {line}: did not decode at `{path}`, a defect of the description: {why}");
                }
                None => {
                    self.decode.push(format!("{operation}: at `{path}`: {message}"));
                    println!("FAILED   {line}: decode failure at `{path}`: {message}");
                }
            },
            Err(other) => {
                self.other.push(format!("{operation}: {other}"));
                println!("FAILED   {line}: {other}");
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let Ok(base_url) = std::env::var("INTERCOM_MOCK_URL") else {
        eprintln!("set INTERCOM_MOCK_URL to a running `prism mock` of the published description");
        std::process::exit(2);
    };
    let client = Client::builder().access_token("prism-token").base_url(base_url).max_retries(0).build().expect("a client");
    let c = &client;
    let mut t = Tally::default();

    t.call(c, "identifyAdmin", |c| async move { c.admins().identify().raw().await }).await;
    t.call(c, "listAdmins", |c| async move { c.admins().list(&ListAdminsParams::default()).raw().await }).await;
    t.call(c, "retrieveAdmin", |c| async move { c.admins().retrieve(991267).raw().await }).await;
    t.call(c, "listArticles", |c| async move { c.articles().list().raw().await }).await;
    t.call(c, "retrieveArticle", |c| async move { c.articles().retrieve(42).raw().await }).await;
    t.call(c, "ListContacts", |c| async move { c.contacts().list().raw().await }).await;
    t.call(c, "ShowContact", |c| async move { c.contacts().show(CONTACT).raw().await }).await;
    t.call(c, "CreateContact", |c| async move {
        let request = body(json!({"email": "ada@example.com", "name": "Ada", "signed_up_at": 1700000000}));
        c.contacts().create(Some(&request)).raw().await
    })
    .await;
    t.call(c, "SearchContacts", |c| async move {
        let request = body(json!({
            "query": {"operator": "AND", "value": [
                {"field": "email", "operator": "~", "value": "example.com"},
                {"field": "created_at", "operator": ">", "value": 1700000000}
            ]},
            "pagination": {"per_page": 5}
        }));
        c.contacts().search(Some(&request)).raw().await
    })
    .await;
    t.call(c, "listConversations", |c| async move {
        c.conversations().list(&ListConversationsParams { per_page: Some(20), ..Default::default() }).raw().await
    })
    .await;
    t.call(c, "retrieveConversation", |c| async move {
        c.conversations().retrieve(147, &RetrieveConversationParams::default()).raw().await
    })
    .await;
    t.call(c, "createConversation", |c| async move {
        let request = body(json!({"from": {"type": "user", "id": CONTACT}, "body": "Hello there"}));
        c.conversations().create(Some(&request)).raw().await
    })
    .await;
    t.call(c, "lisDataAttributes", |c| async move {
        let params = LisDataAttributesParams { model: Some(body(json!("contact"))), ..Default::default() };
        c.data_attributes().lis(&params).raw().await
    })
    .await;
    t.call(c, "createDataEvent", |c| async move {
        let request = body(json!({
            "event_name": "invited-friend", "created_at": 1700000000, "user_id": "user-2231",
            "metadata": {"invite_code": "ADDAFRIEND"}
        }));
        c.data_events().create(Some(&request)).raw().await
    })
    .await;
    t.call(c, "listSegments", |c| async move { c.segments().list(&ListSegmentsParams::default()).raw().await }).await;
    t.call(c, "listTags", |c| async move { c.tags().list().raw().await }).await;
    t.call(c, "createTag", |c| async move {
        let request = body(json!({"name": "vip"}));
        c.tags().create(Some(&request)).raw().await
    })
    .await;
    t.call(c, "listTeams", |c| async move { c.teams().list().raw().await }).await;

    let list = |title: &str, items: &[String]| {
        if !items.is_empty() {
            println!("\n{title} ({}):", items.len());
            for item in items {
                println!("  {item}");
            }
        }
    };
    list("requests the published description rejects (failures)", &t.request);
    list("failures explained by known defects of the published description", &t.known);
    list("known defects no longer flagged (remove them from KNOWN_DEFECTS)", &t.fixed);
    list("answers that break the published description (defects of its examples)", &t.response);
    list("answers that match the description but did not decode (failures)", &t.decode);
    list("defective answers that did not decode either", &t.decode_defective);
    list("other failures", &t.other);
    println!(
        "\nprism (published description): {} operations driven; {} unexplained request violations, {} failures from known \
         defects of the description, {} answers breaking the description, {} decode failures ({} more on defective answers), \
         {} other failures",
        t.driven,
        t.request.len(),
        t.known.len(),
        t.response.len(),
        t.decode.len(),
        t.decode_defective.len(),
        t.other.len()
    );
    if !(t.request.is_empty() && t.decode.is_empty() && t.other.is_empty()) {
        std::process::exit(1);
    }
}
