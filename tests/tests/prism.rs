//! The generated client against Prism, a mock server driven by `specs/openapi.yaml`: every
//! operation of the description is called once with a valid request, and the test fails when
//! Prism says the request does not match the description (a 422, or an `sl-violations` header
//! naming the request), when Prism's own answer breaks the description (a response violation),
//! or when the client cannot decode that answer.
//!
//! Prism is not a Rust tool, so the test is ignored unless asked for: `scripts/validate-specs`
//! starts `prism mock --errors specs/openapi.yaml` and runs
//! `INTERCOM_MOCK_URL=.. cargo test -p tests --test prism -- --ignored --nocapture`.

use std::collections::BTreeSet;
use std::future::Future;

use intercom::generated::operations::{
    DeleteCustomObjectInstanceByExternalIdParams, DownloadReportingDataExportParams, FindCompaniesParams,
    ListActivityLogsParams, ListAdminsParams, ListCompaniesParams, ListContactsParams, ListConversationsParams,
    ListDataAttributesParams, ListDataEventsParams, ListSegmentsParams, RetrieveConversationParams,
    RetrieveCustomObjectInstanceByExternalIdParams, RetrieveReportingDataExportParams, RetrieveVisitorWithUserIdParams,
    ScrollCompaniesParams, SearchArticlesParams, SearchInternalArticlesParams, UpdateConversationParams,
};
use intercom::client::Response;
use intercom::{types, Client, Error};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const ADMIN: i64 = 991267;
const CONTACT: &str = "6585c0a1e4b0a1f2c3d4e5f6";
const OTHER_CONTACT: &str = "6585c0a1e4b0a1f2c3d4e5f7";
const COMPANY: &str = "531ee472cce572a6ec000006";
const CONVERSATION: i64 = 147;
const TAG: &str = "7522907";
const TICKET: &str = "1294";

/// A request body of a generated type, written as JSON: it goes through the type (and its
/// serializer) on its way to the wire, as a body built in Rust would.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{} does not decode from {value}: {e}", std::any::type_name::<T>()))
}

/// What went wrong with one operation.
#[derive(Debug)]
enum Problem {
    /// Prism found the request does not match the description.
    Request(String),
    /// Prism's answer (built from the description's examples) breaks the description.
    Response(String),
    /// The client could not decode Prism's answer.
    Decode(String),
    /// Anything else: an unexpected status, a failed connection.
    Other(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Request(detail) => write!(f, "request violation: {detail}"),
            Problem::Response(detail) => write!(f, "response violation: {detail}"),
            Problem::Decode(detail) => write!(f, "decode failure: {detail}"),
            Problem::Other(detail) => write!(f, "failed: {detail}"),
        }
    }
}

struct Driver {
    client: Client,
    driven: Vec<&'static str>,
    problems: Vec<(&'static str, Problem)>,
}

/// The `sl-violations` headers of a response, split by where Prism located them (`request` or `response`).
fn violations(values: &[String]) -> (Vec<String>, Vec<String>) {
    let mut request = Vec::new();
    let mut response = Vec::new();
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

impl Driver {
    /// Calls one operation for its raw answer (`.raw()`): the status and headers with the value,
    /// or in the error of an answer that is not 2xx.
    async fn call<T, F, Fut>(&mut self, operation: &'static str, call: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<Response<T>, Error>>,
    {
        let result = call(self.client.clone()).await;
        self.driven.push(operation);
        let headers = match &result {
            Ok(answer) => Some(&answer.headers),
            Err(error) => error.headers(),
        };
        let values: Vec<String> = headers
            .map(|headers| headers.get_all("sl-violations").iter().map(|v| v.to_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default();
        let (request, response) = violations(&values);
        let status = match &result {
            Ok(answer) => answer.status,
            Err(error) => error.status().unwrap_or(0),
        };
        let problem = match result {
            _ if !request.is_empty() => Some(Problem::Request(format!("status {status}: {}", request.join("; ")))),
            // With `--errors`, Prism answers with an error instead of a mocked answer that breaks the description.
            _ if !response.is_empty() => Some(Problem::Response(format!("status {status}: {}", response.join("; ")))),
            // Prism's own 422 (no 4xx of the description fits): the violations are in the problem+json body.
            Err(Error::Api(api)) if api.status == 422 => Some(Problem::Request(format!("status 422: {}", api.body))),
            Err(Error::Decode { path, message, body, status, .. }) => {
                let body: String = body.chars().take(300).collect();
                Some(Problem::Decode(format!("status {status}, at `{path}`: {message}; body: {body}")))
            }
            Err(other) => Some(Problem::Other(format!("status {status}: {other}"))),
            Ok(_) => None,
        };
        match &problem {
            None => println!("ok       {operation} ({status})"),
            Some(problem) => println!("FAILED   {operation}: {problem}"),
        }
        if let Some(problem) = problem {
            self.problems.push((operation, problem));
        }
    }
}

/// Every `operationId` of `specs/openapi.yaml`.
fn described_operations() -> BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/openapi.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_yaml::from_str(&text).expect("specs/openapi.yaml parses");
    let mut out = BTreeSet::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for (method, operation) in item.as_object().expect("path item") {
            if ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&method.as_str()) {
                out.insert(operation["operationId"].as_str().expect("operationId").to_owned());
            }
        }
    }
    out
}

#[tokio::test]
#[ignore = "needs Prism: scripts/validate-specs runs it with INTERCOM_MOCK_URL and --ignored"]
async fn every_operation_passes_prism() {
    let base_url = std::env::var("INTERCOM_MOCK_URL")
        .expect("set INTERCOM_MOCK_URL to a running `prism mock --errors specs/openapi.yaml` (scripts/validate-specs does)");
    let client = Client::builder()
        .access_token("prism-token")
        .base_url(base_url)
        .max_retries(0)
        .build()
        .expect("a client for the mock");
    let mut d = Driver { client, driven: Vec::new(), problems: Vec::new() };

    // Admins
    d.call("listAdmins", |c| async move { c.admins().list(&ListAdminsParams { display_avatar: Some(true) }).raw().await })
        .await;
    d.call("listActivityLogs", |c| async move {
        let params = ListActivityLogsParams {
            created_at_after: "1700000000".to_owned(),
            created_at_before: Some("1700086400".to_owned()),
        };
        c.admins().list_activity_logs(&params).raw().await
    })
    .await;
    d.call("retrieveAdmin", |c| async move { c.admins().retrieve(ADMIN).raw().await }).await;
    d.call("setAdminAway", |c| async move {
        let request = body(json!({"away_mode_enabled": true, "away_mode_reassign": false}));
        c.admins().set_away(ADMIN, &request).raw().await
    })
    .await;
    d.call("identifyAdmin", |c| async move { c.admins().identify().raw().await }).await;

    // Articles
    d.call("listArticles", |c| async move { c.articles().list(&Default::default()).raw().await }).await;
    d.call("createArticle", |c| async move {
        let request = body(json!({
            "title": "Getting started", "author_id": ADMIN, "body": "<p>Welcome</p>",
            "description": "First steps", "state": "draft",
            "translated_content": {"type": "article_translated_content",
                "fr": {"type": "article_content", "title": "Premiers pas", "author_id": ADMIN, "state": "draft"}}
        }));
        c.articles().create(&request).raw().await
    })
    .await;
    d.call("retrieveArticle", |c| async move { c.articles().retrieve(42).raw().await }).await;
    d.call("updateArticle", |c| async move {
        let request = body(json!({"title": "Getting started, again", "state": "published"}));
        c.articles().update(42, &request).raw().await
    })
    .await;
    d.call("deleteArticle", |c| async move { c.articles().delete(42).raw().await }).await;
    d.call("searchArticles", |c| async move {
        let params = SearchArticlesParams {
            phrase: Some("password".to_owned()),
            state: Some(types::SearchArticlesState::Published),
            help_center_id: Some(11),
            highlight: Some(true),
        };
        c.articles().search(&params).raw().await
    })
    .await;

    // Help Center
    d.call("listAllCollections", |c| async move { c.help_center().list_all_collections(&Default::default()).raw().await }).await;
    d.call("createCollection", |c| async move {
        let request = body(json!({
            "name": "Getting started", "description": "First steps", "parent_id": null, "help_center_id": 11,
            "translated_content": {"type": "group_translated_content",
                "de": {"type": "group_content", "name": "Erste Schritte", "description": "Die ersten Schritte"}}
        }));
        c.help_center().create_collection(&request).raw().await
    })
    .await;
    d.call("retrieveCollection", |c| async move { c.help_center().retrieve_collection("145").raw().await }).await;
    d.call("updateCollection", |c| async move {
        let request = body(json!({"name": "Billing, plans and invoices", "parent_id": null}));
        c.help_center().update_collection("145", &request).raw().await
    })
    .await;
    d.call("deleteCollection", |c| async move { c.help_center().delete_collection("147").raw().await }).await;
    d.call("listHelpCenters", |c| async move { c.help_center().list_help_centers().raw().await }).await;
    d.call("retrieveHelpCenter", |c| async move { c.help_center().retrieve("12").raw().await }).await;

    // News
    d.call("listNewsItems", |c| async move { c.news().list_items().raw().await }).await;
    d.call("createNewsItem", |c| async move {
        let request = body(json!({
            "title": "New dashboard", "body": "<p>Usage per team</p>", "sender_id": ADMIN, "state": "live",
            "deliver_silently": false, "labels": ["Product"], "reactions": ["🚀", null],
            "newsfeed_assignments": [{"newsfeed_id": 71, "published_at": 1700000000}]
        }));
        c.news().create_item(&request).raw().await
    })
    .await;
    d.call("retrieveNewsItem", |c| async move { c.news().retrieve_item("301").raw().await }).await;
    d.call("updateNewsItem", |c| async move {
        let request = body(json!({"title": "Spring release notes", "sender_id": ADMIN, "reactions": ["👍"]}));
        c.news().update_item("302", &request).raw().await
    })
    .await;
    d.call("deleteNewsItem", |c| async move { c.news().delete_item("302").raw().await }).await;
    d.call("listNewsfeeds", |c| async move { c.news().list_newsfeeds().raw().await }).await;
    d.call("retrieveNewsfeed", |c| async move { c.news().retrieve_newsfeed("71").raw().await }).await;
    d.call("listLiveNewsfeedItems", |c| async move { c.news().list_live_newsfeed_items("71").raw().await }).await;

    // Internal Articles
    d.call("listInternalArticles", |c| async move { c.internal_articles().list().raw().await }).await;
    d.call("createInternalArticle", |c| async move {
        let request = body(json!({
            "title": "Handling chargebacks", "body": "<p>Reply within two days.</p>", "owner_id": ADMIN, "author_id": ADMIN
        }));
        c.internal_articles().create(&request).raw().await
    })
    .await;
    d.call("searchInternalArticles", |c| async move {
        c.internal_articles().search(&SearchInternalArticlesParams { folder_id: Some("12".to_owned()) }).raw().await
    })
    .await;
    d.call("retrieveInternalArticle", |c| async move { c.internal_articles().retrieve("88101").raw().await }).await;
    d.call("updateInternalArticle", |c| async move {
        let request = body(json!({"title": "Issuing a refund over 250 EUR", "owner_id": ADMIN}));
        c.internal_articles().update("88101", &request).raw().await
    })
    .await;
    d.call("deleteInternalArticle", |c| async move { c.internal_articles().delete("88102").raw().await }).await;

    // Data Export
    d.call("createDataExport", |c| async move {
        let request = body(json!({"created_at_after": 1700000000, "created_at_before": 1700086400}));
        c.data_export().create(&request).raw().await
    })
    .await;
    d.call("getDataExport", |c| async move { c.data_export().get("k2v8r5w1q9zt3m4a").raw().await }).await;
    d.call("cancelDataExport", |c| async move { c.data_export().cancel("p7c3x6n2d8hb5f1e").raw().await }).await;
    d.call("downloadDataExport", |c| async move { c.data_export().download("k2v8r5w1q9zt3m4a").raw().await }).await;

    // Reporting Data Export
    d.call("enqueueReportingDataExport", |c| async move {
        let request = body(json!({
            "dataset_id": "conversation", "attribute_ids": ["conversation_id", "conversation_started_at"],
            "start_time": 1717490000, "end_time": 1717510000
        }));
        c.reporting_data_export().enqueue(&request).raw().await
    })
    .await;
    d.call("listReportingDatasets", |c| async move { c.reporting_data_export().list_reporting_datasets().raw().await })
        .await;
    d.call("retrieveReportingDataExport", |c| async move {
        let params = RetrieveReportingDataExportParams { app_id: "q8kd2x7m".to_owned(), client_id: "c-41".to_owned() };
        c.reporting_data_export().retrieve("rpt_4n8q2w6e1t", &params).raw().await
    })
    .await;
    d.call("downloadReportingDataExport", |c| async move {
        let params = DownloadReportingDataExportParams { app_id: "q8kd2x7m".to_owned() };
        c.reporting_data_export().download("rpt_4n8q2w6e1t", &params).raw().await
    })
    .await;

    // Custom Object Instances
    d.call("createOrUpdateCustomObjectInstance", |c| async move {
        let request = body(json!({
            "external_id": "ord-20231204-0042", "external_created_at": 1701690000, "external_updated_at": null,
            "custom_attributes": {"order_number": "ORD-0042", "total_amount": 129.5}
        }));
        c.custom_object_instances().create_or_update("Order", &request).raw().await
    })
    .await;
    d.call("retrieveCustomObjectInstanceByExternalId", |c| async move {
        let params = RetrieveCustomObjectInstanceByExternalIdParams { external_id: "ord-20231204-0042".to_owned() };
        c.custom_object_instances().retrieve_by_external_id("Order", &params).raw().await
    })
    .await;
    d.call("deleteCustomObjectInstanceByExternalId", |c| async move {
        let params = DeleteCustomObjectInstanceByExternalIdParams { external_id: "ord-20231204-0042".to_owned() };
        c.custom_object_instances().delete_by_external_id("Order", &params).raw().await
    })
    .await;
    d.call("retrieveCustomObjectInstance", |c| async move {
        c.custom_object_instances().retrieve("Order", "4100214").raw().await
    })
    .await;
    d.call("deleteCustomObjectInstance", |c| async move { c.custom_object_instances().delete("Order", "4100214").raw().await })
        .await;

    // Companies
    d.call("findCompanies", |c| async move {
        let params = FindCompaniesParams { company_id: Some("acme-1".to_owned()), ..Default::default() };
        c.companies().find(&params).raw().await
    })
    .await;
    d.call("createOrUpdateCompany", |c| async move {
        let request = body(json!({
            "company_id": "acme-1", "name": "Acme", "plan": "pro", "size": 40, "monthly_spend": 200,
            "remote_created_at": 1700000000, "custom_attributes": {"tier": "gold"}
        }));
        c.companies().create_or_update(&request).raw().await
    })
    .await;
    d.call("listCompanies", |c| async move {
        let params = ListCompaniesParams { page: Some(1), per_page: Some(15), order: Some("desc".to_owned()) };
        c.companies().list(&params).raw().await
    })
    .await;
    d.call("scrollCompanies", |c| async move { c.companies().scroll(&ScrollCompaniesParams::default()).raw().await }).await;
    d.call("retrieveCompany", |c| async move { c.companies().retrieve(COMPANY).raw().await }).await;
    d.call("UpdateCompany", |c| async move {
        let request = body(json!({"name": "Acme Group", "size": 45, "custom_attributes": {"tier": "platinum"}}));
        c.companies().update(COMPANY, &request).raw().await
    })
    .await;
    d.call("deleteCompany", |c| async move { c.companies().delete(COMPANY).raw().await }).await;
    d.call("listCompanyContacts", |c| async move { c.companies().list_contacts(COMPANY, &Default::default()).raw().await }).await;
    d.call("listCompanySegments", |c| async move { c.companies().list_segments(COMPANY).raw().await }).await;
    d.call("detachContactFromACompany", |c| async move {
        c.companies().detach_contact(CONTACT, COMPANY).raw().await
    })
    .await;
    d.call("attachContactToACompany", |c| async move {
        let request = body(json!({"id": COMPANY}));
        c.companies().attach_contact(CONTACT, &request).raw().await
    })
    .await;

    // Contacts
    d.call("ListContacts", |c| async move {
        c.contacts().list(&ListContactsParams { per_page: Some(50), starting_after: None }).raw().await
    })
    .await;
    d.call("CreateContact", |c| async move {
        let request: types::CreateContactRequest = body(json!({"role": "user", "email": "ada@example.com", "name": "Ada", "signed_up_at": 1700000000}));
        c.contacts().create(request).raw().await
    })
    .await;
    d.call("MergeContact", |c| async move {
        let request = body(json!({"from": OTHER_CONTACT, "into": CONTACT}));
        c.contacts().merge(&request).raw().await
    })
    .await;
    d.call("SearchContacts", |c| async move {
        let request = body(json!({
            "query": {"operator": "AND", "value": [
                {"field": "email", "operator": "~", "value": "example.com"},
                {"field": "created_at", "operator": ">", "value": 1700000000}
            ]},
            "pagination": {"per_page": 5}
        }));
        c.contacts().search(&request).raw().await
    })
    .await;
    d.call("listSegmentsForAContact", |c| async move { c.contacts().list_segments(CONTACT).raw().await }).await;
    d.call("listSubscriptionsForAContact", |c| async move { c.contacts().list_subscriptions(CONTACT).raw().await })
        .await;
    d.call("listTagsForAContact", |c| async move { c.contacts().list_tags(CONTACT).raw().await }).await;
    d.call("retrieveContact", |c| async move { c.contacts().retrieve(CONTACT).raw().await }).await;
    d.call("UpdateContact", |c| async move {
        let request = body(json!({"name": "Ada Lovelace", "custom_attributes": {"plan": "pro"}}));
        c.contacts().update(CONTACT, &request).raw().await
    })
    .await;
    d.call("DeleteContact", |c| async move { c.contacts().delete(CONTACT).raw().await }).await;
    d.call("ArchiveContact", |c| async move { c.contacts().archive(CONTACT).raw().await }).await;
    d.call("listCompaniesForAContact", |c| async move { c.contacts().list_companies(CONTACT, &Default::default()).raw().await }).await;
    d.call("UnarchiveContact", |c| async move { c.contacts().unarchive(CONTACT).raw().await }).await;

    // Conversations
    d.call("listConversations", |c| async move {
        c.conversations().list(&ListConversationsParams { per_page: Some(20), starting_after: None }).raw().await
    })
    .await;
    d.call("createConversation", |c| async move {
        let request = body(json!({"from": {"type": "user", "id": CONTACT}, "body": "Hello there"}));
        c.conversations().create(&request).raw().await
    })
    .await;
    d.call("redactConversation", |c| async move {
        let request = types::RedactConversationRequest::RedactConversationPartRequest(Box::new(body(json!({
            "type": "conversation_part", "conversation_id": "147", "conversation_part_id": "50"
        }))));
        c.conversations().redact(request).raw().await
    })
    .await;
    d.call("searchConversations", |c| async move {
        let request = body(json!({"query": {"field": "state", "operator": "=", "value": "open"}}));
        c.conversations().search(&request).raw().await
    })
    .await;
    d.call("detachContactFromConversation", |c| async move {
        let request = body(json!({"admin_id": ADMIN.to_string()}));
        c.conversations().detach_contact("147", CONTACT, &request).raw().await
    })
    .await;
    d.call("retrieveConversation", |c| async move {
        let params = RetrieveConversationParams { display_as: Some("plaintext".to_owned()), include_translations: Some(false) };
        c.conversations().retrieve(CONVERSATION, &params).raw().await
    })
    .await;
    d.call("updateConversation", |c| async move {
        let request = body(json!({"read": true, "custom_attributes": {"issue_type": "billing"}}));
        c.conversations().update(CONVERSATION, &UpdateConversationParams::default(), &request).raw().await
    })
    .await;
    d.call("attachContactToConversation", |c| async move {
        let request = body(json!({"admin_id": ADMIN.to_string(), "customer": {"intercom_user_id": OTHER_CONTACT}}));
        c.conversations().attach_contact("147", &request).raw().await
    })
    .await;
    d.call("manageConversation", |c| async move {
        let request = types::ManageConversationRequest::CloseConversationRequest(Box::new(body(json!({
            "message_type": "close", "type": "admin", "admin_id": ADMIN.to_string(), "body": "Solved"
        }))));
        c.conversations().manage("147", request).raw().await
    })
    .await;
    d.call("replyConversation", |c| async move {
        let request: types::ReplyConversationRequest = body(json!({
            "message_type": "comment", "type": "admin", "admin_id": ADMIN.to_string(), "body": "On it"
        }));
        c.conversations().reply("147", request).raw().await
    })
    .await;
    d.call("autoAssignConversation", |c| async move { c.conversations().auto_assign_conversation("147").raw().await })
        .await;
    d.call("deleteConversation", |c| async move { c.conversations().delete(CONVERSATION).raw().await }).await;
    d.call("convertConversationToTicket", |c| async move {
        let request = body(json!({"ticket_type_id": "53", "attributes": {"_default_title_": "Invoice company name"}}));
        c.conversations().convert_to_ticket("147", &request).raw().await
    })
    .await;
    d.call("listHandlingEvents", |c| async move { c.conversations().list_handling_events("147").raw().await }).await;

    // Custom channel events
    let contact = json!({"type": "user", "external_id": "user-2231", "name": "Ada", "email": "ada@example.com"});
    let (c1, c2, c3, c4) = (contact.clone(), contact.clone(), contact.clone(), contact);
    d.call("notifyNewConversation", |c| async move {
        let request = body(json!({"event_id": "evt-1", "external_conversation_id": "conv-1", "contact": c1}));
        c.custom_channel_events().notify_new_conversation(&request).raw().await
    })
    .await;
    d.call("notifyNewMessage", |c| async move {
        let request = body(json!({"event_id": "evt-2", "external_conversation_id": "conv-1", "contact": c2, "body": "Hi"}));
        c.custom_channel_events().notify_new_message(&request).raw().await
    })
    .await;
    d.call("notifyQuickReplySelected", |c| async move {
        let request = body(json!({
            "event_id": "evt-3", "external_conversation_id": "conv-1", "contact": c3, "quick_reply_option_id": "opt-1"
        }));
        c.custom_channel_events().notify_quick_reply_selected(&request).raw().await
    })
    .await;
    d.call("notifyAttributeCollected", |c| async move {
        let request = body(json!({
            "event_id": "evt-4", "external_conversation_id": "conv-1", "contact": c4,
            "attribute": {"id": "shoe_size", "value": "42"}
        }));
        c.custom_channel_events().notify_attribute_collected(&request).raw().await
    })
    .await;

    // Data attributes
    d.call("listDataAttributes", |c| async move {
        let params = ListDataAttributesParams { model: Some(body(json!("contact"))), include_archived: Some(false) };
        c.data_attributes().list(&params).raw().await
    })
    .await;
    d.call("createDataAttribute", |c| async move {
        let request = body(json!({
            "name": "plan_tier", "model": "contact", "data_type": "options",
            "description": "The customer's plan", "options": [{"value": "free"}, {"value": "pro"}]
        }));
        c.data_attributes().create(&request).raw().await
    })
    .await;
    d.call("updateDataAttribute", |c| async move {
        let request = body(json!({"description": "The plan", "archived": false, "options": [{"value": "free"}, {"value": "pro"}]}));
        c.data_attributes().update(7, &request).raw().await
    })
    .await;

    // Data events
    d.call("listDataEvents", |c| async move {
        let params = ListDataEventsParams {
            filter: body(json!({"user_id": "user-2231"})),
            type_: "user".to_owned(),
            summary: Some(false),
        };
        c.data_events().list(&params).raw().await
    })
    .await;
    d.call("createDataEvent", |c| async move {
        let request = body(json!({
            "event_name": "invited-friend", "created_at": 1700000000, "user_id": "user-2231",
            "metadata": {"invitee_email": "grace@example.com", "invite_code": "ADDAFRIEND"}
        }));
        c.data_events().create(&request).raw().await
    })
    .await;
    d.call("createDataEventSummaries", |c| async move {
        let request = body(json!({
            "user_id": "user-2231",
            "event_summaries": {"event_name": "invited-friend", "count": 3, "first": 1700000000, "last": 1700500000}
        }));
        c.data_events().create_summaries(&request).raw().await
    })
    .await;

    // Tags
    d.call("listTags", |c| async move { c.tags().list().raw().await }).await;
    d.call("createTag", |c| async move {
        let request = types::TagRequest::TagCompanyRequest(Box::new(body(json!({
            "name": "Renewal due", "companies": [{"company_id": "acme-1"}, {"id": COMPANY}]
        }))));
        c.tags().create(request).raw().await
    })
    .await;
    d.call("findTag", |c| async move { c.tags().find(TAG).raw().await }).await;
    d.call("deleteTag", |c| async move { c.tags().delete(TAG).raw().await }).await;
    d.call("attachTagToContact", |c| async move {
        c.tags().attach_to_contact(CONTACT, &body(json!({"id": TAG}))).raw().await
    })
    .await;
    d.call("detachTagFromContact", |c| async move { c.tags().detach_from_contact(CONTACT, TAG).raw().await }).await;
    d.call("attachTagToConversation", |c| async move {
        let request = body(json!({"id": TAG, "admin_id": ADMIN.to_string()}));
        c.tags().attach_to_conversation("147", &request).raw().await
    })
    .await;
    d.call("detachTagFromConversation", |c| async move {
        let request = body(json!({"admin_id": ADMIN.to_string()}));
        c.tags().detach_from_conversation("147", TAG, &request).raw().await
    })
    .await;
    d.call("attachTagToTicket", |c| async move {
        let request = body(json!({"id": TAG, "admin_id": ADMIN.to_string()}));
        c.tags().attach_to_ticket(TICKET, &request).raw().await
    })
    .await;
    d.call("detachTagFromTicket", |c| async move {
        let request = body(json!({"admin_id": ADMIN.to_string()}));
        c.tags().detach_from_ticket(TICKET, TAG, &request).raw().await
    })
    .await;

    // Tickets
    let new_ticket = json!({
        "ticket_type_id": "88", "contacts": [{"email": "ada@example.com"}],
        "ticket_attributes": {"_default_title_": "Printer jams", "_default_description_": null, "copies": 3},
        "assignment": {"team_assignee_id": "814865"}, "skip_notifications": true
    });
    let new_ticket_again = new_ticket.clone();
    d.call("createTicket", |c| async move { c.tickets().create(&body(new_ticket)).raw().await }).await;
    d.call("enqueueCreateTicket", |c| async move { c.tickets().enqueue_create_ticket(&body(new_ticket_again)).raw().await })
        .await;
    d.call("searchTickets", |c| async move {
        let request = body(json!({
            "query": {"operator": "AND", "value": [
                {"field": "open", "operator": "=", "value": "true"},
                {"field": "created_at", "operator": ">", "value": "1700000000"}
            ]},
            "pagination": {"per_page": 20}
        }));
        c.tickets().search(&request).raw().await
    })
    .await;
    d.call("getTicket", |c| async move { c.tickets().get(TICKET).raw().await }).await;
    d.call("updateTicket", |c| async move {
        let request = body(json!({
            "ticket_state_id": "4014", "assignee_id": "991268", "admin_id": ADMIN,
            "snoozed_until": 1702156400, "ticket_attributes": {"_default_title_": "Printer jams on every page"}
        }));
        c.tickets().update(TICKET, &request).raw().await
    })
    .await;
    d.call("deleteTicket", |c| async move { c.tickets().delete(TICKET).raw().await }).await;
    d.call("replyTicket", |c| async move {
        let request = types::ReplyTicketRequest::AdminReplyTicketRequest(Box::new(body(json!({
            "message_type": "note", "type": "admin", "admin_id": ADMIN.to_string(),
            "body": "<p>Replacement roller shipped today.</p>"
        }))));
        c.tickets().reply(TICKET, request).raw().await
    })
    .await;

    // Ticket types, their attributes, ticket states
    d.call("listTicketTypes", |c| async move { c.ticket_types().list().raw().await }).await;
    d.call("createTicketType", |c| async move {
        let request = body(json!({"name": "Refund approval", "category": "Back-office", "icon": "💸"}));
        c.ticket_types().create(&request).raw().await
    })
    .await;
    d.call("getTicketType", |c| async move { c.ticket_types().get("88").raw().await }).await;
    d.call("updateTicketType", |c| async move {
        c.ticket_types().update("88", &body(json!({"name": "Device fault", "archived": false}))).raw().await
    })
    .await;
    d.call("createTicketTypeAttribute", |c| async move {
        let request = body(json!({
            "name": "Serial number", "description": "Printed under the paper tray", "data_type": "string",
            "required_to_create": true, "multiline": false
        }));
        c.ticket_type_attributes().create("88", &request).raw().await
    })
    .await;
    d.call("updateTicketTypeAttribute", |c| async move {
        let request = body(json!({"visible_to_contacts": false}));
        c.ticket_type_attributes().update("88", "1507", &request).raw().await
    })
    .await;
    d.call("listTicketStates", |c| async move { c.ticket_states().list().raw().await }).await;

    // Notes
    d.call("listNotes", |c| async move { c.notes().list(CONTACT, &Default::default()).raw().await }).await;
    d.call("createNote", |c| async move {
        let request = body(json!({"body": "<p>Sent the migration guide.</p>", "admin_id": ADMIN.to_string()}));
        c.notes().create(CONTACT, &request).raw().await
    })
    .await;
    d.call("listCompanyNotes", |c| async move { c.notes().list_company_notes(COMPANY).raw().await }).await;
    d.call("retrieveNote", |c| async move { c.notes().retrieve("30117").raw().await }).await;

    // Messages
    d.call("createMessage", |c| async move {
        let request = types::CreateMessageRequest::CreateEmailMessageRequest(Box::new(body(json!({
            "message_type": "email", "subject": "Your replacement roller", "template": "plain",
            "body": "<p>It ships today.</p>", "from": {"type": "admin", "id": ADMIN},
            "to": {"type": "user", "id": CONTACT}, "bcc": [{"type": "lead", "id": OTHER_CONTACT}]
        }))));
        c.messages().create(request).raw().await
    })
    .await;

    // Segments and teams
    d.call("listSegments", |c| async move { c.segments().list(&ListSegmentsParams { include_count: Some(true) }).raw().await })
        .await;
    d.call("retrieveSegment", |c| async move { c.segments().retrieve("5f8a1c2e9d3b4a0012ab34cd").raw().await }).await;
    d.call("listTeams", |c| async move { c.teams().list().raw().await }).await;
    d.call("retrieveTeam", |c| async move { c.teams().retrieve("814865").raw().await }).await;

    // Subscription types
    d.call("listSubscriptionTypes", |c| async move { c.subscription_types().list().raw().await }).await;
    d.call("attachSubscriptionTypeToContact", |c| async move {
        let request = body(json!({"id": "37851", "consent_type": "opt_out"}));
        c.subscription_types().attach_to_contact(CONTACT, &request).raw().await
    })
    .await;
    d.call("detachSubscriptionTypeFromContact", |c| async move {
        c.subscription_types().detach_from_contact(CONTACT, "37846").raw().await
    })
    .await;

    // Visitors
    d.call("retrieveVisitorWithUserId", |c| async move {
        let params = RetrieveVisitorWithUserIdParams { user_id: "0c5d7e2a-8f31-4b6a-9e04-2d7c1f9a3b55".to_owned() };
        c.visitors().retrieve_with_user_id(&params).raw().await
    })
    .await;
    d.call("updateVisitor", |c| async move {
        let request = body(json!({
            "user_id": "0c5d7e2a-8f31-4b6a-9e04-2d7c1f9a3b55", "name": "Printer shopper",
            "custom_attributes": {"pages_seen": 7, "landing_page": "/pricing"}
        }));
        c.visitors().update(&request).raw().await
    })
    .await;
    d.call("convertVisitor", |c| async move {
        let request = body(json!({
            "type": "user", "user": {"user_id": "user-3307", "email": "grace@example.com"},
            "visitor": {"user_id": "0c5d7e2a-8f31-4b6a-9e04-2d7c1f9a3b55"}
        }));
        c.visitors().convert(&request).raw().await
    })
    .await;

    // Jobs, and the contacts operations 2.15 added
    d.call("retrieveJobStatus", |c| async move { c.jobs().retrieve_status("3f2a9c1e").raw().await }).await;
    d.call("retrieveContactByExternalId", |c| async move {
        c.contacts().retrieve_by_external_id("user-2231").raw().await
    })
    .await;
    d.call("BlockContact", |c| async move { c.contacts().block(OTHER_CONTACT).raw().await }).await;

    // Away status reasons, brands, sender emails, the IP allowlist, Switch, workflows
    d.call("listAwayStatusReasons", |c| async move { c.away_status_reasons().list().raw().await }).await;
    d.call("listBrands", |c| async move { c.brands().list().raw().await }).await;
    d.call("retrieveBrand", |c| async move { c.brands().retrieve("27").raw().await }).await;
    d.call("listEmails", |c| async move { c.emails().list().raw().await }).await;
    d.call("retrieveEmail", |c| async move { c.emails().retrieve("812").raw().await }).await;
    d.call("getIpAllowlist", |c| async move { c.ip_allowlist().get().raw().await }).await;
    d.call("updateIpAllowlist", |c| async move {
        let request = body(json!({"enabled": true, "ip_allowlist": ["203.0.113.0/24", "198.51.100.7"]}));
        c.ip_allowlist().update(&request).raw().await
    })
    .await;
    d.call("createPhoneSwitch", |c| async move {
        let request = body(json!({"phone": "+353832345678", "custom_attributes": {"issue_type": "Billing"}}));
        c.switch().create_phone_switch(&request).raw().await
    })
    .await;
    d.call("exportWorkflow", |c| async move { c.workflows().export("88214").raw().await }).await;

    // Calls
    d.call("listCalls", |c| async move {
        let params = intercom::generated::operations::ListCallsParams { page: Some(1), per_page: Some(25) };
        c.calls().list(&params).raw().await
    })
    .await;
    d.call("retrieveCall", |c| async move { c.calls().retrieve("5301").raw().await }).await;
    d.call("retrieveCallRecording", |c| async move {
        // The only success is a redirect to another host, which the client does not follow.
        match c.calls().retrieve_recording("5301").raw().await {
            // A redirect carries no headers to read violations from: the request reached Prism's
            // routing, which is what this call can show.
            Err(Error::Redirect { status: 302, location: Some(_), .. }) => {
                Ok(Response { status: 302, headers: Default::default(), body: () })
            }
            Err(other) => Err(other),
            Ok(_) => panic!("retrieveCallRecording: a redirect to another host was followed"),
        }
    })
    .await;
    d.call("retrieveCallTranscript", |c| async move { c.calls().retrieve_transcript("5301").raw().await }).await;
    d.call("listCallsWithTranscripts", |c| async move {
        let request = body(json!({"conversation_ids": ["147", "148"]}));
        c.calls().list_with_transcripts(&request).raw().await
    })
    .await;
    d.call("registerFinVoiceCall", |c| async move {
        let request = body(json!({
            "phone_number": "+353861234567", "call_id": "connect-7c1e55b0", "source": "aws_connect",
            "data": {"queue": "billing"}
        }));
        c.calls().register_fin_voice_call(&request).raw().await
    })
    .await;
    d.call("retrieveFinVoiceCall", |c| async move { c.calls().retrieve_fin_voice_call(70412).raw().await }).await;
    d.call("retrieveFinVoiceCallByExternalId", |c| async move {
        c.calls().retrieve_fin_voice_call_by_external_id("connect-7c1e55b0").raw().await
    })
    .await;
    d.call("retrieveFinVoiceCallByPhoneNumber", |c| async move {
        c.calls().retrieve_fin_voice_call_by_phone_number("+14155550123").raw().await
    })
    .await;
    d.call("listFinVoiceCallsByConversation", |c| async move {
        c.calls().list_fin_voice_calls_by_conversation("147").raw().await
    })
    .await;

    // AI content: content import sources and external pages
    d.call("listContentImportSources", |c| async move { c.ai_content().list_content_import_sources().raw().await }).await;
    d.call("createContentImportSource", |c| async move {
        let request = body(json!({"sync_behavior": "api", "url": "https://partners.acme.example/kb", "audience_ids": [118]}));
        c.ai_content().create_content_import_source(&request).raw().await
    })
    .await;
    d.call("retrieveContentImportSource", |c| async move { c.ai_content().retrieve_content_import_source(2901).raw().await })
        .await;
    d.call("updateContentImportSource", |c| async move {
        let request = body(json!({
            "sync_behavior": "api", "url": "https://partners.acme.example/help", "status": "deactivated",
            "audience_ids": 121, "apply_audience_to_existing_content": true
        }));
        c.ai_content().update_content_import_source(2904, &request).raw().await
    })
    .await;
    d.call("deleteContentImportSource", |c| async move { c.ai_content().delete_content_import_source(2904).raw().await })
        .await;
    d.call("listExternalPages", |c| async move { c.ai_content().list_external_pages().raw().await }).await;
    d.call("createExternalPage", |c| async move {
        let request = body(json!({
            "title": "Pairing a printer over Wi-Fi", "html": "<p>Hold the Wi-Fi button.</p>",
            "url": "https://partners.acme.example/kb/pairing", "ai_agent_availability": true,
            "ai_copilot_availability": true, "locale": "en", "source_id": 2904, "external_id": "kb-pairing"
        }));
        c.ai_content().create_external_page(&request).raw().await
    })
    .await;
    d.call("retrieveExternalPage", |c| async move { c.ai_content().retrieve_external_page("60112").raw().await }).await;
    d.call("updateExternalPage", |c| async move {
        let request = body(json!({
            "title": "Pairing a printer over Wi-Fi or Bluetooth", "html": "<p>Hold the pairing button.</p>",
            "url": "https://partners.acme.example/kb/pairing", "fin_availability": true, "locale": "en",
            "source_id": 2904, "external_id": "kb-pairing"
        }));
        c.ai_content().update_external_page("60112", &request).raw().await
    })
    .await;
    d.call("deleteExternalPage", |c| async move { c.ai_content().delete_external_page("60112").raw().await }).await;

    // Fin agent
    d.call("startFinConversation", |c| async move {
        let request = body(json!({
            "conversation_id": "chat-88410",
            "message": {"author": "user", "body": "My printer stopped feeding paper.", "timestamp": "2026-03-02T09:15:03.120Z"},
            "user": {"id": "user-2231", "name": "Ada Lovelace", "email": "ada@example.com", "attributes": {"plan": "pro"}},
            "attachments": [
                {"type": "url", "url": "https://acme.example/manuals/p200.pdf"},
                {"type": "file", "name": "tray.png", "content_type": "image/png", "data": "iVBORw0KGgo="}
            ],
            "conversation_metadata": {
                "history": [{"author": "agent", "body": "Hi, how can we help?", "timestamp": "2026-03-02T09:14:50.000Z"}],
                "attributes": {"channel": "web"}
            }
        }));
        c.fin_agent().start_fin_conversation(&request).raw().await
    })
    .await;
    d.call("replyToFin", |c| async move {
        let request = body(json!({
            "conversation_id": "chat-88410",
            "message": {"author": "user", "body": "The light blinks orange.", "timestamp": "2026-03-02T09:16:39.500Z"},
            "user": {"id": "user-2231"}
        }));
        c.fin_agent().reply_to_fin(&request).raw().await
    })
    .await;
    d.call("submitFinCsat", |c| async move {
        let request = body(json!({"conversation_id": "chat-88410", "rating": "good", "remark": "Quick and clear."}));
        c.fin_agent().submit_fin_csat(&request).raw().await
    })
    .await;

    // Every operation of the description was driven, each once.
    let driven: BTreeSet<String> = d.driven.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(driven.len(), d.driven.len(), "an operation was driven twice");
    let described = described_operations();
    let missing: Vec<&String> = described.difference(&driven).collect();
    let unknown: Vec<&String> = driven.difference(&described).collect();

    let count = |f: fn(&Problem) -> bool| d.problems.iter().filter(|(_, p)| f(p)).count();
    println!(
        "\nprism: {} operations driven ({} described); {} request violations, {} response violations, {} decode failures, {} other failures",
        d.driven.len(),
        described.len(),
        count(|p| matches!(p, Problem::Request(_))),
        count(|p| matches!(p, Problem::Response(_))),
        count(|p| matches!(p, Problem::Decode(_))),
        count(|p| matches!(p, Problem::Other(_))),
    );
    assert!(missing.is_empty(), "operations of specs/openapi.yaml the driver does not call: {missing:?}");
    assert!(unknown.is_empty(), "the driver names operations the description does not have: {unknown:?}");
    let failed: Vec<String> = d.problems.iter().map(|(operation, problem)| format!("{operation}: {problem}")).collect();
    assert!(failed.is_empty(), "operations that failed against Prism:\n{}", failed.join("\n"));
}
