//! Values valid against the generated schemas, as a server would send them (no writeOnly
//! properties), written into the description as response examples for the decode round trip.

use serde_json::{json, Map, Value};

use super::rng::Rng;

/// Nesting past this keeps only what the schema requires (arrays and maps empty).
const MAX_DEPTH: usize = 6;
const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Builds instances of schemas that may `$ref` into `components`.
pub struct Instances<'a> {
    components: &'a Map<String, Value>,
    rng: Rng,
}

impl<'a> Instances<'a> {
    pub fn new(components: &'a Map<String, Value>, seed: u64) -> Instances<'a> {
        Instances { components, rng: Rng::new(seed) }
    }

    fn target<'s>(&self, schema: &'s Value) -> Option<(&'s Value, Option<&'s str>)>
    where
        'a: 's,
    {
        let mut current = schema;
        let mut name = None;
        for _ in 0..64 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let key = reference.strip_prefix(SCHEMA_PREFIX)?;
                    let (stored_key, value) = self.components.get_key_value(key)?;
                    name = Some(stored_key.as_str());
                    current = value;
                }
                None => return Some((current, name)),
            }
        }
        None
    }

    /// A value of `schema` as a response carries it.
    pub fn instance(&mut self, schema: &Value, depth: usize) -> Value {
        let Some((schema, _)) = self.target(schema) else { return Value::Null };
        if schema.get("nullable") == Some(&json!(true)) && self.rng.chance(0.2) {
            return Value::Null;
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            return self.rng.pick(values).clone();
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            return self.all_of(parts, depth);
        }
        if let Some(Value::Array(variants)) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
            if variants.is_empty() {
                return Value::Null;
            }
            let variant = &variants[self.rng.below(variants.len())];
            let mut value = self.instance(variant, depth + 1);
            if let (Some(discriminator), Value::Object(map)) = (schema.get("discriminator"), &mut value) {
                if let Some(tag) = self.tag_value(discriminator, variant) {
                    let property = discriminator.get("propertyName").and_then(Value::as_str).unwrap_or("type");
                    map.insert(property.to_owned(), json!(tag));
                }
            }
            return value;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => self.string(schema),
            Some("integer") => self.integer(schema),
            Some("number") => json!(*self.rng.pick(&[0.5, 1.25, -2.5, 100.0, 0.0])),
            Some("boolean") => json!(self.rng.chance(0.5)),
            Some("array") => {
                let count = if depth >= MAX_DEPTH { 0 } else { self.rng.below(3) };
                let items = schema.get("items").unwrap_or(&Value::Null);
                Value::Array((0..count).map(|_| self.instance(items, depth + 1)).collect())
            }
            _ => self.object(schema, depth),
        }
    }

    /// The tag for `variant`: a mapping key that names it (in full or bare), else its schema name.
    fn tag_value(&mut self, discriminator: &Value, variant: &Value) -> Option<String> {
        let reference = variant.get("$ref").and_then(Value::as_str)?;
        let bare = reference.strip_prefix(SCHEMA_PREFIX)?;
        let keys: Vec<&String> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter(|(_, target)| target.as_str() == Some(reference) || target.as_str() == Some(bare)).map(|(k, _)| k).collect())
            .unwrap_or_default();
        if keys.is_empty() {
            Some(bare.to_owned())
        } else {
            Some((*self.rng.pick(&keys)).clone())
        }
    }

    fn all_of(&mut self, parts: &[Value], depth: usize) -> Value {
        let objects = parts.iter().all(|p| self.target(p).is_some_and(|(s, _)| is_object(s)));
        if !objects || parts.is_empty() {
            return parts.first().map_or(Value::Null, |p| self.instance(p, depth + 1));
        }
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(map) = self.instance(part, depth + 1) {
                merged.extend(map);
            }
        }
        Value::Object(merged)
    }

    fn string(&mut self, schema: &Value) -> Value {
        let text = match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => "2024-05-06T07:08:09Z",
            Some("date") => "2024-05-06",
            Some("uuid") => "0b9e0c54-6b42-4c2a-9a7b-5e8f8d0a1c2e",
            Some("email") => "someone@example.com",
            Some("uri") => "https://example.com/a?b=c",
            Some("byte") => "aGVsbG8gd29ybGQ=",
            Some("hostname") => "example.com",
            _ => self.rng.pick(&["", "plain", "héllo wörld", "line\nbreak", "quote \" and \\", "日本語", "123"]),
        };
        json!(text)
    }

    fn integer(&mut self, schema: &Value) -> Value {
        if let Some(minimum) = schema.get("minimum").and_then(Value::as_u64) {
            if minimum > i64::MAX as u64 {
                return json!(minimum + self.rng.u64() % 1_000_000);
            }
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("int32") => json!(self.rng.between(i64::from(i32::MIN), i64::from(i32::MAX))),
            _ => json!(*self.rng.pick(&[0, 1, -1, 42, 1_700_000_000, 9_007_199_254_740_993, i64::MAX, i64::MIN])),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let mut out = Map::new();
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                // A response never carries a writeOnly property, required or not.
                if flag(property, "writeOnly") {
                    continue;
                }
                let wanted = required.contains(&name.as_str()) || (depth < MAX_DEPTH && self.rng.chance(0.6));
                if wanted {
                    let value = self.instance(property, depth + 1);
                    out.insert(name.clone(), value);
                }
            }
        }
        if let Some(extra @ Value::Object(_)) = schema.get("additionalProperties") {
            let count = if depth >= MAX_DEPTH { 0 } else { self.rng.below(3) };
            for i in 0..count {
                let key = ["k", "Key two", "ключ", "1"][i % 4].to_owned();
                if !out.contains_key(&key) {
                    let value = self.instance(extra, depth + 1);
                    out.insert(key, value);
                }
            }
        }
        Value::Object(out)
    }
}

fn is_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object") || schema.get("properties").is_some()
}

/// `readOnly`/`writeOnly` on the property itself or on the `allOf` wrapper around its `$ref`.
pub fn flag(property: &Value, key: &str) -> bool {
    property.get(key) == Some(&json!(true))
}
