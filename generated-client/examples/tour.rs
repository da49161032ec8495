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

    // Create, then update: only the fields given are sent.
    let new = types::CreateContactRequestWithEmail {
        email: "ada@example.com".to_owned(),
        name: Some("Ada".to_owned()),
        avatar: None,
        custom_attributes: None,
        external_id: None,
        last_seen_at: None,
        owner_id: None,
        phone: None,
        role: None,
        signed_up_at: None,
        unsubscribed_from_emails: None,
    };
    let contact = contacts.create(&types::CreateContactRequest::WithEmail(Box::new(new))).await?;
    let id = contact.id.clone().unwrap_or_default();
    let rename = types::UpdateContactRequest { name: Some("Ada Lovelace".to_owned()), ..Default::default() };
    report.renamed_to = contacts.update(&id, &rename).await?.name;
    report.created = Some(id);

    // One page, as the server sends it.
    let params = ListContactsParams { per_page: Some(2), ..Default::default() };
    let page = contacts.list(&params).await?;
    report.first_page = page.data.as_ref().map_or(0, Vec::len);
    report.total_count = page.total_count;

    // Every contact: the stream owns a clone of the client, so another task can read it.
    let all = tokio::spawn(contacts.list_stream(&params).try_collect::<Vec<_>>());
    let all = all.await.expect("the listing task does not panic")?;
    report.streamed = all.into_iter().filter_map(|c| c.id).collect();

    // Search by email, every page of the answer.
    let by_email = types::SingleFilterSearchRequest {
        field: "email".to_owned(),
        operator: "=".parse().expect("any operator parses"),
        value: Some("ada@example.com".to_owned().into()),
    };
    let search = types::SearchRequest {
        query: types::SearchRequestQuery::SingleFilterSearchRequest(Box::new(by_email)),
        pagination: Some(types::StartingAfterPaging { per_page: Some(50), ..Default::default() }),
    };
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
