//! Example checking: takes a JSON value and the schema node it claims to match, gives the places
//! where the value breaks the schema. Independent of the generated types, so a failure to decode
//! an example can be judged: the example's fault (a spec defect) or the generator's.
//!
//! OpenAPI 3.0 semantics: `nullable`, `type`, `enum`, `required`, `properties`,
//! `additionalProperties`, `items`, `allOf`, `anyOf`; `oneOf` is read as `anyOf` (published
//! descriptions often list overlapping variants). Formats are not checked. The values are response
//! examples: a required `writeOnly` property may be missing.

use serde_json::Value;

use crate::resolve::{Documents, Node};

/// One place where a value breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the value.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() { "(root)" } else { &self.path };
        write!(f, "{path}: {}", self.message)
    }
}

/// Checks `value` against the schema at `schema`.
pub fn check(docs: &Documents, schema: &Node, value: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    check_at(docs, schema, value, "", 0, &mut out);
    out
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `null` passes a union: one of its `anyOf`/`oneOf` variants admits it. (An `allOf`
/// part saying `nullable: true` beside no `type` does not, strictly: OpenAPI 3.0 reads it as
/// nothing, though the generator takes it as the idiom for a nullable reference.)
fn union_admits_null(docs: &Documents, schema: &Node, s: &serde_json::Map<String, Value>, depth: usize) -> bool {
    ["anyOf", "oneOf"].into_iter().any(|key| {
        let Some(Value::Array(variants)) = s.get(key) else { return false };
        (0..variants.len()).any(|i| {
            let mut attempt = Vec::new();
            check_at(docs, &schema.child(key).child(&i.to_string()), &Value::Null, "", depth + 1, &mut attempt);
            attempt.is_empty()
        })
    })
}

fn check_at(docs: &Documents, schema: &Node, value: &Value, path: &str, depth: usize, out: &mut Vec<Violation>) {
    if depth > 64 {
        return;
    }
    let Some(schema) = docs.deref(schema) else { return };
    let Some(Value::Object(s)) = docs.get(&schema) else { return };
    let mut fail = |message: String| out.push(Violation { path: path.to_owned(), message });

    if value.is_null() {
        let nullable = s.get("nullable") == Some(&Value::Bool(true))
            || s.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "null"))
            || (!s.contains_key("type") && !s.contains_key("allOf") && !s.contains_key("oneOf") && !s.contains_key("anyOf") && !s.contains_key("$ref") && !s.contains_key("properties"));
        if !nullable && !union_admits_null(docs, &schema, s, depth) {
            fail("null, but the schema is not nullable".to_owned());
        }
        return;
    }
    if let Some(declared) = s.get("type") {
        let allowed: Vec<&str> = match declared {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let actual = type_name(value);
        let ok = allowed.is_empty() || allowed.iter().any(|t| *t == actual || (*t == "number" && actual == "integer"));
        if !ok {
            fail(format!("{actual} {}, but the schema wants {}", short(value), allowed.join(" or ")));
            return;
        }
    }
    if let Some(Value::Array(values)) = s.get("enum") {
        if !values.contains(value) {
            fail(format!("{} is not one of the enum values {}", short(value), short(&Value::Array(values.clone()))));
        }
    }
    if let Some(Value::Array(parts)) = s.get("allOf") {
        for i in 0..parts.len() {
            check_at(docs, &schema.child("allOf").child(&i.to_string()), value, path, depth + 1, out);
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = s.get(key) {
            let mut best: Option<Vec<Violation>> = None;
            for i in 0..variants.len() {
                let mut attempt = Vec::new();
                check_at(docs, &schema.child(key).child(&i.to_string()), value, path, depth + 1, &mut attempt);
                if attempt.is_empty() {
                    best = None;
                    break;
                }
                if best.as_ref().is_none_or(|b| attempt.len() < b.len()) {
                    best = Some(attempt);
                }
            }
            if let Some(best) = best {
                out.push(Violation { path: path.to_owned(), message: format!("matches none of the {key} variants") });
                out.extend(best);
            }
        }
    }
    match value {
        Value::Object(map) => {
            let properties = s.get("properties").and_then(Value::as_object);
            if let Some(Value::Array(required)) = s.get("required") {
                for name in required.iter().filter_map(Value::as_str) {
                    // A required `writeOnly` property is not sent in responses, whose examples these are.
                    let prop_node = schema.child("properties").child(name);
                    let write_only = properties
                        .and_then(|p| p.get(name))
                        .and_then(|prop| docs.deref_at(&prop_node, prop))
                        .and_then(|(_, prop)| prop)
                        .is_some_and(|prop| prop.get("writeOnly") == Some(&Value::Bool(true)));
                    if !map.contains_key(name) && !write_only {
                        out.push(Violation { path: path.to_owned(), message: format!("required property `{name}` is missing") });
                    }
                }
            }
            for (key, child) in map {
                let child_path = crate::diagnostics::pointer_push(path, key);
                if properties.is_some_and(|p| p.contains_key(key)) {
                    check_at(docs, &schema.child("properties").child(key), child, &child_path, depth + 1, out);
                } else if let Some(Value::Object(_)) = s.get("additionalProperties") {
                    check_at(docs, &schema.child("additionalProperties"), child, &child_path, depth + 1, out);
                }
            }
        }
        Value::Array(items) if s.contains_key("items") => {
            for (i, item) in items.iter().enumerate() {
                let child_path = crate::diagnostics::pointer_push(path, &i.to_string());
                check_at(docs, &schema.child("items"), item, &child_path, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// A value shortened for messages.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::diagnostics::Diagnostics;
    use crate::resolve::{Documents, FileId};

    /// The violations of `value` against `#/components/schemas/<name>` of a description with `schemas`.
    fn violations(schemas: &str, name: &str, value: Value) -> Vec<String> {
        let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}");
        let source = crate::load::parse(std::path::Path::new("t.yaml"), text).unwrap();
        let docs = Documents::resolve(vec![source], &mut Diagnostics::new(false)).unwrap();
        let schema = docs.root(FileId(0)).child("components").child("schemas").child(name);
        super::check(&docs, &schema, &value).into_iter().map(|v| format!("{}: {}", v.path, v.message)).collect()
    }

    #[test]
    fn null_passes_a_union_with_a_nullable_variant_only() {
        let schemas = "    value: {anyOf: [{type: string, nullable: true}, {type: number}]}\n    \
                       one: {oneOf: [{$ref: '#/components/schemas/value'}, {type: boolean}]}\n    \
                       wrapped: {allOf: [{$ref: '#/components/schemas/plain'}, {nullable: true}]}\n    \
                       plain: {type: string}\n    \
                       strict: {anyOf: [{type: string}, {type: number}]}\n    \
                       map: {type: object, additionalProperties: {$ref: '#/components/schemas/value'}}\n";
        for name in ["value", "one"] {
            assert_eq!(violations(schemas, name, Value::Null), Vec::<String>::new(), "{name}");
        }
        assert_eq!(violations(schemas, "wrapped", Value::Null), [": null, but the schema is not nullable"]);
        assert_eq!(violations(schemas, "map", json!({"a": null, "b": 1})), Vec::<String>::new());
        assert_eq!(violations(schemas, "strict", Value::Null), [": null, but the schema is not nullable"]);
        assert_eq!(violations(schemas, "plain", Value::Null), [": null, but the schema is not nullable"]);
    }
}
