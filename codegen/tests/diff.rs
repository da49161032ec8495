//! The change report on fixture pairs (`tests/fixtures/diff/<case>/old.yaml` + `new.yaml`, and
//! `old.asyncapi.yaml` + `new.asyncapi.yaml` when the case has webhooks): one snapshot of the text
//! report per case, and for each kind of change, one breaking and one non-breaking case asserted.

use std::path::{Path, PathBuf};

use codegen::diff::{Bump, Change, ChangeKind, ChangeReport};

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff").join(case)
}

fn config(dir: &Path, side: &str) -> codegen::Config {
    let asyncapi = dir.join(format!("{side}.asyncapi.yaml"));
    codegen::Config { openapi: dir.join(format!("{side}.yaml")), asyncapi: asyncapi.exists().then_some(asyncapi), strict: false }
}

/// Compares a case's two descriptions.
fn compare(case: &str) -> ChangeReport {
    let dir = case_dir(case);
    codegen::diff::compare_configs(&config(&dir, "old"), &config(&dir, "new")).unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// Compares a case's two descriptions and snapshots the text report.
fn report(case: &str) -> ChangeReport {
    let report = compare(case);
    insta::assert_snapshot!(case, report.to_text());
    report
}

/// The one change of `kind` on `subject` (`target` or `target.member`).
fn change<'a>(report: &'a ChangeReport, kind: ChangeKind, subject: &str) -> &'a Change {
    let found: Vec<&Change> = report.of_kind(kind).filter(|c| c.subject() == subject).collect();
    match found.as_slice() {
        [one] => one,
        _ => panic!("expected one {} on `{subject}`, found {}:\n{}", kind.as_str(), found.len(), report.to_text()),
    }
}

fn assert_breaking(report: &ChangeReport, kind: ChangeKind, subject: &str) {
    let c = change(report, kind, subject);
    assert!(c.breaking, "{} on `{subject}` should be breaking: {c:?}", kind.as_str());
    assert_eq!(c.bump, Bump::Major);
}

fn assert_not_breaking(report: &ChangeReport, kind: ChangeKind, subject: &str) {
    let c = change(report, kind, subject);
    assert!(!c.breaking, "{} on `{subject}` should not be breaking: {c:?}", kind.as_str());
    assert_ne!(c.bump, Bump::Major);
}

#[test]
fn operations() {
    let r = report("operations");
    // Added: never breaking (a new method).
    assert_not_breaking(&r, ChangeKind::OperationAdded, "createThing");
    // Removed: always breaking; there is no non-breaking removal.
    assert_breaking(&r, ChangeKind::OperationRemoved, "deleteThing");
    // Changed: a new tag moves the method to another group (breaking); a new path or a deprecation keeps the signature.
    assert_breaking(&r, ChangeKind::OperationChanged, "relocateThing.method");
    assert_not_breaking(&r, ChangeKind::OperationChanged, "getThing.endpoint");
    assert_not_breaking(&r, ChangeKind::OperationChanged, "listThings.deprecated");
}

#[test]
fn parameters() {
    let r = report("parameters");
    // Added: always breaking (a new field of the params struct, a new `params` argument, or a new path argument).
    assert_breaking(&r, ChangeKind::ParameterAdded, "listThings.query since");
    assert_breaking(&r, ChangeKind::ParameterAdded, "getThing.query expand");
    assert_breaking(&r, ChangeKind::ParameterAdded, "getThingHistory.path year");
    // Removed: always breaking; there is no non-breaking removal.
    assert_breaking(&r, ChangeKind::ParameterRemoved, "listThings.query legacy");
    // Retyped: breaking, unless the types are the same through an alias.
    assert_breaking(&r, ChangeKind::ParameterRetyped, "listThings.query order");
    assert_breaking(&r, ChangeKind::ParameterRetyped, "getThingPart.path part");
    assert_not_breaking(&r, ChangeKind::ParameterRetyped, "listThings.query tag");
    // Renamed path parameter at the same position: arguments are positional, never breaking.
    assert_not_breaking(&r, ChangeKind::ParameterRenamed, "getThing.path id");
    // Required-ness: always breaking for query parameters (`Option<T>` <-> `T`; they have no `nullable`
    // that could keep the Rust type), so there is no non-breaking case.
    assert_breaking(&r, ChangeKind::ParameterRequiredness, "listThings.query cursor");
}

#[test]
fn request_bodies() {
    let r = report("bodies");
    // Retyped: breaking, unless the same type through an alias.
    assert_breaking(&r, ChangeKind::RequestBodyChanged, "updateThing.body");
    assert_not_breaking(&r, ChangeKind::RequestBodyChanged, "createThings.body");
    // Added, removed, required -> optional: the argument list changes, always breaking.
    assert_breaking(&r, ChangeKind::RequestBodyChanged, "archiveThing.body");
    assert_breaking(&r, ChangeKind::RequestBodyChanged, "restoreThing.body");
    assert_breaking(&r, ChangeKind::RequestBodyChanged, "copyThing.body");
}

#[test]
fn responses() {
    let r = report("responses");
    assert_breaking(&r, ChangeKind::ResponseChanged, "getThing");
    assert_breaking(&r, ChangeKind::ResponseChanged, "deleteThing");
    assert_not_breaking(&r, ChangeKind::ResponseChanged, "listThings");
}

#[test]
fn types() {
    let r = report("types");
    // Added: never breaking.
    assert_not_breaking(&r, ChangeKind::TypeAdded, "Fresh");
    // Removed: always breaking; there is no non-breaking removal.
    assert_breaking(&r, ChangeKind::TypeRemoved, "Gone");
    // Changed: kind, alias target, Rust name, losing `Default` are breaking; an alias to the same type
    // through another alias and gaining `Default` are not.
    assert_breaking(&r, ChangeKind::TypeChanged, "Shape.kind");
    assert_breaking(&r, ChangeKind::TypeChanged, "Label.alias");
    assert_breaking(&r, ChangeKind::TypeChanged, "ThingObject.name");
    assert_breaking(&r, ChangeKind::TypeChanged, "Settings.Default");
    assert_not_breaking(&r, ChangeKind::TypeChanged, "Codes.alias");
    assert_not_breaking(&r, ChangeKind::TypeChanged, "Options.Default");
}

#[test]
fn fields() {
    let r = report("fields");
    // Added: breaking in a request type, not in a response-only type.
    assert_breaking(&r, ChangeKind::FieldAdded, "ThingInput.priority");
    assert_breaking(&r, ChangeKind::FieldAdded, "ThingInput.additional_properties");
    assert_not_breaking(&r, ChangeKind::FieldAdded, "Thing.archived");
    // Removed: always breaking, in request and response types alike; there is no non-breaking removal.
    assert_breaking(&r, ChangeKind::FieldRemoved, "ThingInput.legacy");
    assert_breaking(&r, ChangeKind::FieldRemoved, "Thing.color");
    assert_breaking(&r, ChangeKind::FieldRemoved, "Thing.additional_properties");
    // Retyped: breaking, unless the same type through an alias.
    assert_breaking(&r, ChangeKind::FieldRetyped, "ThingInput.kind");
    assert_not_breaking(&r, ChangeKind::FieldRetyped, "ThingInput.label");
    // Renamed in Rust (a clash with a new field served first): always breaking.
    assert_breaking(&r, ChangeKind::FieldRenamed, "ThingInput.foo_bar");
    // Required/nullable: breaking when the Rust type flips between `T` and `Option<T>`
    // (optional -> required in a request, required -> nullable in a response), not when it stays `Option<T>`.
    assert_breaking(&r, ChangeKind::FieldRequiredness, "ThingInput.size");
    assert_breaking(&r, ChangeKind::FieldRequiredness, "Thing.updated_by");
    assert_not_breaking(&r, ChangeKind::FieldRequiredness, "Thing.created_by");
    assert_not_breaking(&r, ChangeKind::FieldRequiredness, "ThingInput.owner");
}

#[test]
fn enums() {
    let r = report("enums");
    // Added: never breaking (`Unknown(String)` catch-all).
    assert_not_breaking(&r, ChangeKind::EnumValueAdded, "State.pending");
    // Removed: always breaking; there is no non-breaking removal.
    assert_breaking(&r, ChangeKind::EnumValueRemoved, "State.snoozed");
    // Renamed variant of a kept value: always breaking.
    assert_breaking(&r, ChangeKind::EnumValueRenamed, "State.foo_bar");
}

#[test]
fn unions() {
    let r = report("unions");
    // Added: not breaking in a tagged union (`Unknown` catch-all), breaking in an untagged one.
    assert_not_breaking(&r, ChangeKind::UnionVariantAdded, "Reply.BotReply");
    assert_breaking(&r, ChangeKind::UnionVariantAdded, "Query.NestedFilter");
    // Removed: always breaking; there is no non-breaking removal.
    assert_breaking(&r, ChangeKind::UnionVariantRemoved, "IdOrNumber.Boolean");
    // Retyped: breaking. (A variant is named after its type, so a retyping through an alias renames it
    // instead: there is no non-breaking case to build.)
    assert_breaking(&r, ChangeKind::UnionVariantRetyped, "Ids.List");
}

#[test]
fn topics() {
    let r = report("topics");
    // Added: never breaking (`Topic::Unknown`, `WebhookEvent::Unknown` catch-alls).
    assert_not_breaking(&r, ChangeKind::TopicAdded, "ticket.created");
    // Removed: always breaking; there is no non-breaking removal.
    assert_breaking(&r, ChangeKind::TopicRemoved, "contact.deleted");
    // Item retyped: breaking (an alias-transparent retyping is not breaking, as for fields).
    assert_breaking(&r, ChangeKind::TopicChanged, "conversation.closed.item");
}

#[test]
fn semver_suggestion() {
    // Breaking anywhere: major.
    assert_eq!(compare("fields").bump(), Bump::Major);
    // Additions only: minor, nothing breaking.
    let r = report("additions_only");
    assert_eq!(r.bump(), Bump::Minor);
    assert_eq!(r.breaking().count(), 0);
    for (kind, subject) in [
        (ChangeKind::OperationAdded, "listThingNotes"),
        (ChangeKind::TypeAdded, "Note"),
        (ChangeKind::EnumValueAdded, "State.snoozed"),
        (ChangeKind::FieldAdded, "Thing.note_count"),
    ] {
        assert_not_breaking(&r, kind, subject);
    }
    // Nothing changed: patch, no changes.
    let dir = case_dir("additions_only");
    let same = codegen::diff::compare_configs(&config(&dir, "old"), &config(&dir, "old")).expect("loads");
    assert!(same.changes.is_empty(), "{}", same.to_text());
    assert_eq!(same.bump(), Bump::Patch);
    assert!(same.to_text().contains("no API change: bump the patch version"));
    // Only alias-transparent changes: patch.
    let responses = compare("responses");
    let transparent = ChangeReport { changes: responses.changes.iter().filter(|c| !c.breaking).cloned().collect(), ..responses.clone() };
    assert_eq!(transparent.bump(), Bump::Patch);
}

#[test]
fn json_and_markdown_shapes() {
    let r = compare("enums");
    insta::assert_snapshot!("enums_json", r.to_json());
    insta::assert_snapshot!("enums_markdown", r.to_markdown());
    let value: serde_json::Value = serde_json::from_str(&r.to_json()).expect("valid JSON");
    let keys: Vec<&str> = value.as_object().expect("an object").keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    // serde_json's map is sorted without `preserve_order`; the field order is checked on the text instead.
    assert_eq!(sorted, ["advice", "breaking", "bump", "changes", "counts", "new", "non_breaking", "old"]);
    let text = r.to_json();
    let order = ["\"old\"", "\"new\"", "\"bump\"", "\"advice\"", "\"breaking\"", "\"non_breaking\"", "\"counts\"", "\"changes\""];
    let positions: Vec<usize> = order.iter().map(|k| text.find(k).expect("every key")).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "top-level keys out of order: {positions:?}");
    assert_eq!(value["bump"], "major");
    assert_eq!(value["changes"][0]["kind"], "enum_value_removed");
}

#[test]
fn a_description_that_fails_to_load_gives_the_located_error() {
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors/invalid_yaml.yaml");
    let good = case_dir("enums").join("old.yaml");
    let config = |path: &Path| codegen::Config { openapi: path.to_path_buf(), ..Default::default() };
    for (old, new) in [(&broken, &good), (&good, &broken)] {
        let error = codegen::diff::compare_configs(&config(old), &config(new)).expect_err("does not load");
        let text = error.to_string();
        assert!(text.contains("invalid_yaml.yaml"), "not located: {text}");
        assert!(error.location.as_ref().is_some_and(|l| l.line.is_some()), "no line: {text}");
    }
}
