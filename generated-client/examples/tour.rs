//! A user program: creates a contact and renames it, reads one page of contacts, streams them all
//! in a spawned task, searches, and tells a missing contact from other failures.
//!
//! ```text
//! INTERCOM_TOKEN=... cargo run --example tour                          # your workspace
//! INTERCOM_BASE_URL=http://127.0.0.1:4010 cargo run --example tour     # a mock server
//! ```
//!
//! `tests/tour.rs` runs [`tour`] against a server on 127.0.0.1.

use futures::TryStreamExt;
use intercom::generated::operations::ListContactsParams;
use intercom::{types, Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().access_token(std::env::var("INTERCOM_TOKEN").unwrap_or_default());
    if let Ok(url) = std::env::var("INTERCOM_BASE_URL") {
        builder = builder.base_url(url);
    }
    let report = tour(&builder.build()?).await?;
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
}

pub async fn tour(client: &Client) -> Result<Report, Error> {
    let mut report = Report::default();
    let contacts = client.contacts();

    // Create from the one required field, then update: only the fields set are sent.
    let contact = contacts.create(types::CreateContactRequestWithEmail::new("ada@example.com").name("Ada")).await?;
    let id = contact.id.clone().unwrap_or_default();
    let rename = types::UpdateContactRequest::default().name("Ada Lovelace");
    report.renamed_to = contacts.update(&id, &rename).await?.name;
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
        Err(err) => return Err(err),
    }
    Ok(report)
}
