//! A user program: creates a contact from its one required field, renames it and clears its phone
//! with an explicit `null`, reads one page of contacts, streams them all in a spawned task and page
//! by page, searches, reads the status and headers of one call, calls an endpoint the description
//! lacks through the raw builder, tells a missing contact from other failures, and receives a
//! signed webhook notification.
//!
//! ```text
//! INTERCOM_TOKEN=... cargo run --example tour                          # your workspace
//! INTERCOM_BASE_URL=http://127.0.0.1:4010 cargo run --example tour     # a mock server
//! ```
//!
//! `tests/tour.rs` runs [`tour`] against a server on 127.0.0.1.

use futures::TryStreamExt;
use intercom::client::Method;
use intercom::generated::operations::ListContactsParams;
use intercom::webhook::{WebhookEvent, WebhookVerifier};
use intercom::{types, Client, Nullable};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut builder = Client::builder().access_token(std::env::var("INTERCOM_TOKEN").unwrap_or_default());
    if let Ok(url) = std::env::var("INTERCOM_BASE_URL") {
        builder = builder.base_url(url);
    }
    let report = tour(&builder.build()?, None).await?;
    println!("{report:#?}");
    Ok(())
}

/// What the tour saw.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    /// The id of the contact created, and its name after the update.
    pub created: Option<String>,
    pub renamed_to: Option<String>,
    /// Contacts on the first page, and in the whole list as the page says.
    pub first_page: usize,
    pub total_count: Option<i64>,
    /// Every contact's id, page after page.
    pub streamed: Vec<String>,
    /// The ids a search by email found.
    pub found: Vec<String>,
    /// Whether looking up an unknown contact answered 404.
    pub missing_is_404: bool,
    /// Whether the phone was cleared (the answer has none).
    pub phone_cleared: bool,
    /// How many pages the page-level stream gave.
    pub pages: usize,
    /// Status and request id of the call whose raw answer was read.
    pub status: u16,
    pub request_id: Option<String>,
    /// What the raw request to an endpoint outside the description answered.
    pub raw_answer: Option<serde_json::Value>,
    /// The email of the contact a verified webhook notification carried.
    pub webhook_email: Option<String>,
}

/// A webhook delivery as an HTTP handler receives it: the client secret, the `X-Hub-Signature`
/// header and the raw body.
pub struct Delivery<'a> {
    pub secret: &'a str,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

pub async fn tour(client: &Client, delivery: Option<Delivery<'_>>) -> Result<Report, Box<dyn std::error::Error + Send + Sync>> {
    let mut report = Report::default();
    let contacts = client.contacts();

    // Create from the one required field, then update: only the fields set are sent.
    let contact = contacts.create(types::CreateContactRequestWithEmail::new("ada@example.com").name("Ada")).await?;
    let id = contact.id.clone().unwrap_or_default();
    let rename = types::UpdateContactRequest::default().name("Ada Lovelace");
    report.renamed_to = contacts.update(&id, &rename).await?.name;
    // `Nullable::Null` sends `null`: the phone is removed, where leaving it out keeps it.
    let cleared = contacts.update(&id, &types::UpdateContactRequest::default().phone(Nullable::Null)).await?;
    report.phone_cleared = cleared.phone.is_none();
    report.created = Some(id);

    // One page, as the server sends it.
    let params = ListContactsParams::default().per_page(2);
    let page = contacts.list(&params).await?;
    report.first_page = page.data.as_ref().map_or(0, Vec::len);
    report.total_count = page.total_count;

    // Every contact: the stream owns a clone of the client, so another task can read it.
    let all = tokio::spawn(contacts.list_stream(&params).try_collect::<Vec<_>>());
    let all = all.await.expect("the listing task does not panic")?;
    report.streamed = all.into_iter().filter_map(|c| c.id).collect();
    // The same list a page at a time, with each page's metadata.
    report.pages = contacts.list_stream(&params).pages().try_collect::<Vec<_>>().await?.len();

    // Search by email, every page of the answer.
    let by_email = types::SingleFilterSearchRequest::new("email", types::SingleFilterSearchRequestOperator::Eq)
        .value("ada@example.com".to_owned());
    let search = types::SearchRequest::new(by_email).pagination(types::StartingAfterPaging::default().per_page(50));
    let found: Vec<types::Contact> = contacts.search_stream(&search).try_collect().await?;
    report.found = found.into_iter().filter_map(|c| c.id).collect();

    // An error: a 404 is an answer to act on, anything else goes up.
    match contacts.retrieve("no-such-contact").await {
        Ok(_) => {}
        Err(err) if err.status() == Some(404) => report.missing_is_404 = true,
        Err(err) => return Err(err.into()),
    }

    // Status and headers of one call: `.raw()` instead of awaiting the value alone.
    let me = client.admins().identify().raw().await?;
    report.status = me.status;
    report.request_id = me.request_id().map(str::to_owned);

    // An endpoint the description lacks, with the same auth, version header, retries and errors.
    let answer: serde_json::Value =
        client.raw(Method::GET, "/export/reporting/weekly").query(&serde_json::json!({"week": 47})).send().await?;
    report.raw_answer = Some(answer);

    // A webhook notification: the signature checked before anything is decoded.
    if let Some(delivery) = delivery {
        let notification = WebhookVerifier::new(delivery.secret).verify_and_decode(delivery.signature, delivery.body)?;
        if let WebhookEvent::ContactUserCreated(contact) = notification.event {
            report.webhook_email = contact.email;
        }
    }
    Ok(report)
}
