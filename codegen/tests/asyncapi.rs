//! AsyncAPI 2.6 and 3.0 descriptions of the same webhooks give the same topics and types.

use std::path::{Path, PathBuf};

use codegen::model::{Ty, TypeKind};

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
