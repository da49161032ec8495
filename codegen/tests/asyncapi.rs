//! AsyncAPI 2.6 and 3.0 descriptions of the same webhooks give the same topics and types; documents
//! whose messages name no topic give one enum per channel of its messages.

use std::path::{Path, PathBuf};

use codegen::model::{Dispatch, Ty, TypeKind};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

fn config(asyncapi: &str) -> codegen::Config {
    codegen::Config {
        openapi: fixture("openapi/objects.yaml"),
        asyncapi: Some(fixture(asyncapi)),
        strict: true,
    }
}

/// (topic, Rust variant, item type name) for every topic.
fn topics(asyncapi: &str) -> Vec<(String, String, String)> {
    let model = codegen::build_model(&config(asyncapi)).unwrap_or_else(|e| panic!("{asyncapi}: {e}"));
    let api = model.api;
    let webhooks = api.webhooks.as_ref().expect("webhooks");
    webhooks
        .topics
        .iter()
        .map(|t| {
            let item = match &t.item {
                Ty::Named(id) => api.types[id.0].rust_name.clone(),
                other => format!("{other:?}"),
            };
            (t.topic.clone(), t.rust_name.clone(), item)
        })
        .collect()
}

#[test]
fn v2_and_v3_give_the_same_topics() {
    let v3 = topics("asyncapi/v3_minimal.yaml");
    let v2 = topics("asyncapi/v2_minimal.yaml");
    assert_eq!(v3.len(), 3, "{v3:?}");
    assert_eq!(v2, v3);
    let names: Vec<&str> = v3.iter().map(|(topic, _, _)| topic.as_str()).collect();
    assert!(names.contains(&"contact.user.created") && names.contains(&"ping"), "{names:?}");
    let contact = v3.iter().find(|(topic, _, _)| topic == "contact.user.created").expect("topic");
    assert_eq!(contact.1, "ContactUserCreated");
    assert_eq!(contact.2, "Contact");
}

#[test]
fn envelope_is_typed_with_a_timestamp() {
    let model = codegen::build_model(&config("asyncapi/v3_minimal.yaml")).expect("builds");
    let api = model.api;
    let envelope = api.webhooks.as_ref().and_then(|w| w.envelope).expect("an envelope");
    let TypeKind::Struct(s) = &api.types[envelope.0].kind else { panic!("the envelope is a struct") };
    let created_at = s.fields.iter().find(|f| f.wire_name == "created_at").expect("created_at");
    assert_eq!(created_at.ty, Ty::Timestamp);
}

#[test]
fn webhook_code_snapshot() {
    let output = codegen::generate(&config("asyncapi/v3_minimal.yaml")).expect("generates");
    let webhooks = output.files.iter().find(|f| f.path == "webhooks.rs").expect("webhooks.rs");
    insta::assert_snapshot!("webhooks_v3_minimal", webhooks.contents);
}

/// An AsyncAPI document alone: beside an OpenAPI description with no operations.
fn channels_config(asyncapi: &str) -> codegen::Config {
    codegen::Config {
        openapi: fixture("asyncapi/no_operations.openapi.yaml"),
        asyncapi: Some(fixture(asyncapi)),
        strict: false,
    }
}

/// (channel enum, dispatch, [(variant, names, tag value, payload type)]) for every channel.
type ChannelSummary = (String, String, Vec<(String, Vec<String>, Option<String>, String)>);

fn channels(asyncapi: &str) -> (Vec<ChannelSummary>, Vec<String>) {
    let model = codegen::build_model(&channels_config(asyncapi)).unwrap_or_else(|e| panic!("{asyncapi}: {e}"));
    let api = &model.api;
    let webhooks = api.webhooks.as_ref().expect("webhooks");
    assert!(webhooks.topics.is_empty(), "no message names a topic");
    let type_of = |ty: &Ty| match ty {
        Ty::Named(id) => api.types[id.0].rust_name.clone(),
        other => format!("{other:?}"),
    };
    let summary = webhooks
        .channels
        .iter()
        .map(|c| {
            let dispatch = match &c.dispatch {
                Dispatch::Tag(tag) => format!("tag {tag}"),
                Dispatch::Untagged => "untagged".to_owned(),
            };
            let messages =
                c.messages.iter().map(|m| (m.rust_name.clone(), m.names.clone(), m.tag_value.clone(), type_of(&m.payload))).collect();
            (c.rust_name.clone(), dispatch, messages)
        })
        .collect();
    (summary, model.warnings.iter().map(ToString::to_string).collect())
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn v2_channels_are_enums_of_their_messages() {
    let (channels, warnings) = channels("asyncapi/channels_v2.yaml");
    let names: Vec<&str> = channels.iter().map(|c| c.0.as_str()).collect();
    // Channels in key order, a channel's 2.x messages in `oneOf` order.
    assert_eq!(names, ["AuditMessage", "BeatsMessage", "PresenceMessage", "RoomsRoomIdMessage"]);

    // Publish and subscribe messages together, told apart by `kind` however each payload fixes it.
    let (_, dispatch, rooms) = &channels[3];
    assert_eq!(dispatch, "tag kind");
    assert_eq!(rooms[0], ("SaidInRoom".to_owned(), owned(&["saidInRoom", "said"]), Some("said".to_owned()), "SaidInRoomPayload".to_owned()));
    assert_eq!(rooms[1], ("Left".to_owned(), owned(&["left"]), Some("left".to_owned()), "Departure".to_owned()));
    assert_eq!(rooms[2].2.as_deref(), Some("typing"));

    // One message whose payload is a union of its own: its variants fix `state` to two values, so
    // the payload does not fix it; the union tells them apart.
    let (_, dispatch, presence) = &channels[2];
    assert_eq!(dispatch, "untagged");
    assert_eq!(presence.len(), 1);
    assert!(!warnings.iter().any(|w| w.contains("`presence`")), "one message needs nothing to tell it apart: {warnings:?}");

    // Anonymous inline messages: numbered, tried in order.
    let (_, dispatch, beats) = &channels[1];
    assert_eq!(dispatch, "untagged");
    assert_eq!((beats[0].1.clone(), beats[1].1.clone()), (owned(&["message1"]), owned(&["message2"])));
    assert_eq!(beats[1].3, "String");
    assert!(warnings.iter().any(|w| w.contains("no payload property tells the messages of channel `beats` apart")), "{warnings:?}");

    // Avro is not JSON Schema: any JSON, with a warning.
    assert_eq!(channels[0].2[0].3, "Any");
    assert!(warnings.iter().any(|w| w.contains("application/vnd.apache.avro") && w.contains("auditRecord")), "{warnings:?}");
}

#[test]
fn v3_channels_are_enums_of_their_messages() {
    let (channels, warnings) = channels("asyncapi/channels_v3.yaml");
    let names: Vec<&str> = channels.iter().map(|c| c.0.as_str()).collect();
    // Channels and a channel's 3.x messages in key order.
    assert_eq!(names, ["InboxMessage", "LampsMessage", "LampsTooMessage", "LedgerMessage", "OrdersMessage"]);

    // Keys in the channel first, then `name`; the multi-format payload is lowered from its `schema`.
    let (_, dispatch, orders) = &channels[4];
    assert_eq!(dispatch, "tag event");
    assert_eq!(orders[1].1, owned(&["created", "OrderCreated", "orderCreated"]));
    assert_eq!(orders[1].3, "OrderCreatedPayload");
    assert_eq!(orders[0].2.as_deref(), Some("order.closed"));
    assert_eq!(orders[0].3, "ClosedPayload");
    assert_eq!(orders[2].2.as_deref(), Some("order.closed"));
    assert!(warnings.iter().any(|w| w.contains("messages `closed` and `voided` of channel `orders` share `event: order.closed`")), "{warnings:?}");

    // One message listed by two channels: one payload type.
    assert_eq!(channels[1].2[0].3, channels[2].2[0].3);

    // A discriminator the payloads name but do not fix: told apart by schema name.
    let (_, dispatch, ledger) = &channels[3];
    assert_eq!(dispatch, "tag entry");
    assert_eq!((ledger[0].2.as_deref(), ledger[1].2.as_deref()), (Some("Credit"), Some("Debit")));

    // No payload: any JSON.
    assert_eq!(channels[0].2[0].3, "Any");
}

#[test]
fn channel_code_snapshots() {
    for (fixture, snapshot) in [("asyncapi/channels_v2.yaml", "webhooks_channels_v2"), ("asyncapi/channels_v3.yaml", "webhooks_channels_v3")] {
        let output = codegen::generate(&channels_config(fixture)).expect("generates");
        let webhooks = output.files.iter().find(|f| f.path == "webhooks.rs").expect("webhooks.rs");
        insta::assert_snapshot!(snapshot, webhooks.contents);
    }
}

/// A document of webhook topics gets no channel enums: its messages all name a topic.
#[test]
fn topic_documents_have_no_channels() {
    for asyncapi in ["asyncapi/v2_minimal.yaml", "asyncapi/v3_minimal.yaml"] {
        let model = codegen::build_model(&config(asyncapi)).expect("builds");
        assert!(model.api.webhooks.as_ref().expect("webhooks").channels.is_empty(), "{asyncapi}");
    }
}
