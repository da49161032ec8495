//! The change report on fixture pairs (`tests/fixtures/diff/<case>/old.yaml` + `new.yaml`, and
//! `old.asyncapi.yaml` + `new.asyncapi.yaml` when the case has webhooks): one snapshot of the text
//! report per case, and for each kind of change, one breaking and one non-breaking case asserted.

use std::path::{Path, PathBuf};

use codegen::diff::wire::WireReport;
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
    // Another operationId on the same method and path (placeholder names aside): one rename line,
    // breaking when the Rust method is renamed with it, not when it keeps its name.
    assert_breaking(&r, ChangeKind::OperationRenamed, "fetchThingHistory");
    assert_not_breaking(&r, ChangeKind::OperationRenamed, "listThingNotes");
    assert!(r.of_kind(ChangeKind::OperationAdded).all(|c| c.target == "createThing"), "{}", r.to_text());
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

// ----- wire mode (`cargo xtask diff --wire`) --------------------------------------------------

/// The wire report and the default report between two inline descriptions.
fn wire_and_default(old: &str, new: &str) -> (WireReport, ChangeReport) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (old_path, new_path) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&old_path, old).expect("written");
    std::fs::write(&new_path, new).expect("written");
    let config = |path: &Path| codegen::Config { openapi: path.to_path_buf(), ..Default::default() };
    let wire = codegen::diff::compare_wire_configs(&config(&old_path), &config(&new_path)).expect("both load");
    let default = codegen::diff::compare_configs(&config(&old_path), &config(&new_path)).expect("both load");
    (wire, default)
}

fn lines(report: &WireReport) -> Vec<String> {
    report.changes.iter().map(ToString::to_string).collect()
}

/// Intercom's way: a named `contact` whose companies are a list of named `company_ref`s.
const CONTACT_NAMED: &str = r##"
openapi: 3.0.3
info: {title: Published, version: "1"}
paths:
  /contacts/{id}:
    get:
      operationId: getContact
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/contact'}
components:
  schemas:
    contact:
      type: object
      properties:
        id: {type: string}
        companies:
          type: object
          properties:
            data:
              type: array
              items: {$ref: '#/components/schemas/company_ref'}
    company_ref:
      type: object
      properties:
        id: {type: string}
        type: {type: string}
"##;

/// The same answer written independently: another operationId and placeholder, the contact
/// named `Person`, the company reference inline; `ID` is what the company's id is typed as.
const CONTACT_INLINE: &str = r##"
openapi: 3.0.3
info: {title: Ours, version: "1"}
paths:
  /contacts/{contact_id}:
    get:
      operationId: retrieveContact
      parameters: [{name: contact_id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Person'}
components:
  schemas:
    Person:
      type: object
      properties:
        id: {type: string}
        companies:
          type: object
          properties:
            data:
              type: array
              items:
                type: object
                properties:
                  id: {type: ID}
                  type: {type: string}
"##;

#[test]
fn wire_a_renamed_schema_of_the_same_shape_gives_no_line() {
    let (wire, default) = wire_and_default(CONTACT_NAMED, &CONTACT_INLINE.replace("ID", "string"));
    assert!(wire.changes.is_empty(), "{}", wire.to_text());
    assert_eq!(wire.paired_operations, 1);
    // The default report pairs the operation by method and path: one rename, not removed + added.
    assert_breaking(&default, ChangeKind::OperationRenamed, "getContact");
    assert_eq!(default.of_kind(ChangeKind::OperationAdded).count() + default.of_kind(ChangeKind::OperationRemoved).count(), 0);
}

#[test]
fn wire_a_field_retyped_through_differently_named_types_gives_one_located_line() {
    let (wire, _) = wire_and_default(CONTACT_NAMED, &CONTACT_INLINE.replace("ID", "integer"));
    assert_eq!(lines(&wire), ["type GET /contacts/{contact_id} 200 .companies.data[].id: string -> integer"], "{}", wire.to_text());
}

#[test]
fn wire_recursive_types_terminate_and_report_once() {
    let old = r##"
openapi: 3.0.3
info: {title: Old, version: "1"}
paths:
  /nodes:
    get:
      operationId: listNodes
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/a'}
components:
  schemas:
    a:
      type: object
      properties:
        name: {type: string}
        next: {$ref: '#/components/schemas/b'}
        children: {type: array, items: {$ref: '#/components/schemas/a'}}
    b:
      type: object
      properties:
        name: {type: string}
        next: {$ref: '#/components/schemas/a'}
        children: {type: array, items: {$ref: '#/components/schemas/b'}}
"##;
    let new = r##"
openapi: 3.0.3
info: {title: New, version: "1"}
paths:
  /nodes:
    get:
      operationId: nodes
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tree'}
components:
  schemas:
    Tree:
      type: object
      properties:
        name: {type: integer}
        next: {$ref: '#/components/schemas/Tree'}
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
"##;
    let (wire, _) = wire_and_default(old, new);
    // `a` against `Tree`, then `b` against `Tree`: each pair once.
    assert_eq!(
        lines(&wire),
        ["type GET /nodes 200 .name: string -> integer", "type GET /nodes 200 .next.name: string -> integer"],
        "{}",
        wire.to_text()
    );
}

#[test]
fn wire_reports_parameters_fields_enums_and_variants_where_they_are() {
    let old = r##"
openapi: 3.0.3
info: {title: Old, version: "1"}
paths:
  /messages:
    post:
      operationId: createMessage
      parameters:
        - {name: dry_run, in: query, schema: {type: boolean}}
        - {name: legacy, in: query, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {$ref: '#/components/schemas/email'}
                - {$ref: '#/components/schemas/chat'}
              discriminator: {propertyName: message_type}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: string}
                  state: {type: string, enum: [open, closed]}
                  created_at: {type: integer}
  /messages/{id}:
    delete:
      operationId: deleteMessage
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "204": {description: Deleted}
components:
  schemas:
    email:
      type: object
      properties:
        message_type: {type: string, enum: [email]}
        subject: {type: string}
    chat:
      type: object
      properties:
        message_type: {type: string, enum: [in_app]}
        body: {type: string}
"##;
    let new = r##"
openapi: 3.0.3
info: {title: New, version: "1"}
paths:
  /messages:
    post:
      operationId: sendMessage
      parameters:
        - {name: dry_run, in: query, required: true, schema: {type: boolean}}
        - {name: trace, in: query, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {$ref: '#/components/schemas/InApp'}
                - {$ref: '#/components/schemas/Email'}
              discriminator: {propertyName: message_type}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  state: {type: string, enum: [open, snoozed]}
                  created_at: {type: integer, format: date-time, nullable: true}
                  updated_at: {type: integer}
components:
  schemas:
    Email:
      type: object
      properties:
        message_type: {type: string, enum: [email]}
        subject: {type: integer}
    InApp:
      type: object
      properties:
        message_type: {type: string, enum: [in_app]}
"##;
    let (wire, _) = wire_and_default(old, new);
    assert_eq!(
        lines(&wire),
        [
            "parameter_required POST /messages query dry_run: optional -> required",
            "parameter_missing POST /messages query legacy: string",
            "parameter_extra POST /messages query trace: string",
            "type POST /messages body <message_type=email>.subject: string -> integer",
            "field_missing POST /messages body <message_type=in_app>.body: string",
            "nullable POST /messages 200 .created_at: not nullable -> nullable",
            "format POST /messages 200 .created_at: integer -> integer (unix time)",
            "required POST /messages 200 .id: required -> optional",
            "enum_value_missing POST /messages 200 .state: closed",
            "enum_value_extra POST /messages 200 .state: snoozed",
            "field_extra POST /messages 200 .updated_at: integer",
            "operation_missing DELETE /messages/{id}: deleteMessage",
        ],
        "{}",
        wire.to_text()
    );
    // The same lines as JSON and Markdown.
    let json: serde_json::Value = serde_json::from_str(&wire.to_json()).expect("valid JSON");
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(12));
    assert_eq!(json["counts"]["enum_value_missing"], 1);
    assert_eq!(json["changes"][0]["location"], "POST /messages query dry_run");
    let markdown = wire.to_markdown();
    assert!(markdown.contains("| parameter required | `POST /messages query dry_run` | `optional` | `required` |"), "{markdown}");
}

#[test]
fn wire_our_descriptions_against_themselves_give_no_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = codegen::Config {
        openapi: root.join("specs/openapi.yaml"),
        asyncapi: Some(root.join("specs/webhooks.asyncapi.yaml")),
        strict: false,
    };
    let report = codegen::diff::compare_wire_configs(&config, &config).expect("loads");
    assert!(report.changes.is_empty(), "{}", report.to_text());
    // Every operation pairs with itself (ours has all 162 of 2.15, and a few more).
    assert!(report.paired_operations > 162, "{}", report.paired_operations);
}

// Intercom's published 2.15 against ours needs ../shared: `cargo xtask coverage` (run by CI)
// compares them on the wire and fails on any difference not documented in
// specs/published-differences.txt.
