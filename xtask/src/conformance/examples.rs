//! Judges a description's response examples against their own schemas (spec defects apart from
//! generator failures), and makes forward-compatible copies of the sound ones.

use std::collections::BTreeMap;

use codegen::check;
use codegen::model::openapi::json_media;
use codegen::resolve::{Documents, FileId, Node};
use serde_json::Value;

/// Every response example of the description's operations, with the node of its JSON schema.
fn response_examples<'a>(api: &'a codegen::model::Api, docs: &Documents) -> Vec<(Node, &'a codegen::model::Example)> {
    let mut out = Vec::new();
    for op in &api.operations {
        let Some((_, pointer)) = op.origin.split_once('#') else { continue };
        let op_node = Node { file: FileId(0), pointer: pointer.to_owned() };
        for response in &op.responses {
            let Some(response_node) = docs.deref(&op_node.child("responses").child(&response.status)) else { continue };
            let Some(media) = json_media(docs.get(&response_node).and_then(|r| r.get("content"))) else { continue };
            let schema = response_node.child("content").child(&media).child("schema");
            out.extend(response.examples.iter().map(|example| (schema.clone(), example)));
        }
    }
    out
}

/// Examples that break their own schema, by origin, with the first violations as evidence:
/// response examples against their response schemas, AsyncAPI message examples against their
/// payload schemas.
pub fn judge_examples(api: &codegen::model::Api, docs: &Documents) -> BTreeMap<String, String> {
    let messages = api.webhooks.iter().flat_map(|w| &w.channels).flat_map(|c| &c.messages).flat_map(|message| {
        let schema = message.payload_origin.as_deref().and_then(|origin| node_of(docs, origin));
        schema.map(|schema| message.examples.iter().map(move |example| (schema.clone(), example))).into_iter().flatten()
    });
    let mut defects = BTreeMap::new();
    for (schema, example) in response_examples(api, docs).into_iter().chain(messages) {
        let violations = check::check(docs, &schema, &example.value);
        if !violations.is_empty() {
            let evidence: Vec<String> = violations.iter().take(3).map(ToString::to_string).collect();
            defects.insert(example.origin.clone(), evidence.join("; "));
        }
    }
    defects
}

/// The node a `file#pointer` origin names, the file being one of the loaded documents.
fn node_of(docs: &Documents, origin: &str) -> Option<Node> {
    let (_, pointer) = origin.split_once('#')?;
    (0..docs.sources.len())
        .map(|i| Node { file: FileId(i), pointer: pointer.to_owned() })
        .find(|node| docs.describe(node) == origin)
}

/// The key every object of a mutated example gets, and the value every enum string becomes.
const UNKNOWN_FIELD: &str = "x_unknown_field_9f";
const UNSEEN_VALUE: &str = "unseen_value_9f";

/// For every example that is not a spec defect, a copy with what a later version of the API may
/// send, guided by the example's schema: every object gets an unknown field, and every string
/// whose schema lists string values (`enum`, `const`) becomes one not listed. Tags of tagged
/// unions are such strings too: the generated unions decode an unknown tag into their
/// catch-all. Keyed by the example's origin.
pub fn forward_examples(
    api: &codegen::model::Api,
    docs: &Documents,
    defects: &BTreeMap<String, String>,
) -> (BTreeMap<String, Value>, Mutations) {
    let mut out = BTreeMap::new();
    let mut counts = Mutations::default();
    for (schema, example) in response_examples(api, docs) {
        if defects.contains_key(&example.origin) || out.contains_key(&example.origin) {
            continue;
        }
        let mut copy = example.value.clone();
        mutate_forward(docs, &schema, &mut copy, 0, &mut counts);
        out.insert(example.origin.clone(), copy);
    }
    (out, counts)
}

/// How much the mutated copies differ from the examples.
#[derive(Default)]
pub struct Mutations {
    pub unknown_fields: usize,
    pub unseen_values: usize,
}

/// Mutates `value` as [`forward_examples`] says, following the schema at `schema`.
fn mutate_forward(docs: &Documents, schema: &Node, value: &mut Value, depth: usize, counts: &mut Mutations) {
    if depth > 64 {
        return;
    }
    let Some(schema) = docs.deref(schema) else { return };
    let Some(Value::Object(s)) = docs.get(&schema) else { return };
    if let Some(Value::Array(parts)) = s.get("allOf") {
        for i in 0..parts.len() {
            mutate_forward(docs, &schema.child("allOf").child(&i.to_string()), value, depth + 1, counts);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = s.get(key) {
            // The variant the example is an instance of.
            let matching = (0..variants.len())
                .map(|i| schema.child(key).child(&i.to_string()))
                .find(|variant| check::check(docs, variant, value).is_empty());
            if let Some(variant) = matching {
                mutate_forward(docs, &variant, value, depth + 1, counts);
            }
        }
    }
    match value {
        Value::String(text) => {
            let listed = match (s.get("enum"), s.get("const")) {
                (Some(Value::Array(values)), _) => {
                    let strings: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
                    !strings.is_empty() && strings.iter().all(|v| v.is_string())
                }
                (None, Some(Value::String(_))) => true,
                _ => false,
            };
            let declared = s.get("type").and_then(Value::as_str);
            if listed && matches!(declared, Some("string") | None) && text != UNSEEN_VALUE {
                *text = UNSEEN_VALUE.to_owned();
                counts.unseen_values += 1;
            }
        }
        Value::Object(map) => {
            let properties = s.get("properties").and_then(Value::as_object);
            let additional = match s.get("additionalProperties") {
                Some(Value::Object(a)) => Some(a),
                _ => None,
            };
            for (key, child) in map.iter_mut() {
                if properties.is_some_and(|p| p.contains_key(key)) {
                    mutate_forward(docs, &schema.child("properties").child(key), child, depth + 1, counts);
                } else if additional.is_some() {
                    mutate_forward(docs, &schema.child("additionalProperties"), child, depth + 1, counts);
                }
            }
            // A map whose values have a type of their own takes no key of another type.
            let typed_map = additional.is_some_and(|a| !a.is_empty());
            if !typed_map && !map.contains_key(UNKNOWN_FIELD) {
                map.insert(UNKNOWN_FIELD.to_owned(), serde_json::json!({"nested": [1, "two"]}));
                counts.unknown_fields += 1;
            }
        }
        Value::Array(items) if s.contains_key("items") => {
            for item in items {
                mutate_forward(docs, &schema.child("items"), item, depth + 1, counts);
            }
        }
        _ => {}
    }
}

