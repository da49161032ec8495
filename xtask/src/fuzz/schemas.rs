//! Random valid JSON schemas (OpenAPI 3.0 flavour) for the description generator: scalars with
//! formats, enums and huge integers, objects with readOnly/writeOnly and nullable properties, maps,
//! unions with and without discriminators, `allOf` (object and non-object parts), recursion.

use serde_json::{json, Map, Value};

use super::families::{Families, Family};
use super::names::{enum_values, Scope, Slot};
use super::rng::Rng;

/// Descriptions rustdoc and clippy are picky about.
pub const ODD_DOCS: &[&str] = &[
    "Tabs\tinside\tthe text.",
    "`unbalanced tick and <b>html</b> and [a link](#nowhere)",
    "```\nfn not_rust( {\n```",
    "Ends with a backslash \\",
    "Line one.\n\n    indented like code\n* a list\n*   a wide list item\nlazily continued\n# a heading",
    "http://bare.example.com/url and an email someone@example.com",
    "",
];

/// Nesting past this gives scalars only.
const MAX_DEPTH: usize = 3;

/// The schema part of a description being generated: `components/schemas` and the choices.
pub struct SchemaGen<'f> {
    pub rng: Rng,
    pub families: &'f Families,
    pub components: Map<String, Value>,
    schema_names: Scope,
    /// The `names` family is on.
    hostile: bool,
}

impl<'f> SchemaGen<'f> {
    pub fn new(rng: Rng, families: &'f Families) -> SchemaGen<'f> {
        SchemaGen { rng, families, components: Map::new(), schema_names: Scope::new(), hostile: families.has(Family::Names) }
    }

    pub fn has(&self, family: Family) -> bool {
        self.families.has(family)
    }

    /// Adds `schema` to `components/schemas` under a fresh name; gives the `$ref` to it.
    pub fn component(&mut self, schema: Value) -> Value {
        let hostile = self.hostile;
        let name = self.schema_names.name(&mut self.rng, Slot::Schema, hostile, "Schema");
        self.components.insert(name.clone(), schema);
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    /// Any schema: scalar, array, map, object, union, allOf or recursion.
    pub fn any(&mut self, depth: usize) -> Value {
        if depth >= MAX_DEPTH {
            return self.scalar();
        }
        let mut kinds: Vec<fn(&mut Self, usize) -> Value> = vec![Self::scalar_at, Self::array, Self::object_ref, Self::object_ref];
        if self.has(Family::Maps) {
            kinds.push(Self::map);
        }
        if self.has(Family::Unions) {
            kinds.push(Self::untagged);
        }
        if self.has(Family::Discriminators) {
            kinds.push(Self::discriminated);
        }
        if self.has(Family::AllOf) {
            kinds.push(Self::all_of);
        }
        if self.has(Family::Recursion) {
            kinds.push(Self::recursive);
        }
        let kind = *self.rng.pick(&kinds);
        let mut schema = kind(self, depth);
        if self.has(Family::Nullable) && self.rng.chance(0.15) && schema.get("$ref").is_none() {
            schema["nullable"] = json!(true);
        }
        schema
    }

    fn scalar_at(&mut self, _depth: usize) -> Value {
        self.scalar()
    }

    /// A string, integer, number or boolean, with a format, an enum or a huge range sometimes.
    pub fn scalar(&mut self) -> Value {
        match self.rng.below(4) {
            0 => self.string(),
            1 => self.integer(),
            2 => {
                if self.has(Family::Formats) && self.rng.chance(0.5) {
                    json!({"type": "number", "format": self.rng.pick(&["float", "double"])})
                } else {
                    json!({"type": "number"})
                }
            }
            _ => json!({"type": "boolean"}),
        }
    }

    pub fn string(&mut self) -> Value {
        if self.has(Family::Enums) && self.rng.chance(0.3) {
            let values = enum_values(&mut self.rng, self.hostile);
            let schema = json!({"type": "string", "enum": values});
            return if self.rng.chance(0.5) { self.component(schema) } else { schema };
        }
        if self.has(Family::Formats) && self.rng.chance(0.4) {
            let format = self.rng.pick(&["date-time", "date", "uuid", "email", "uri", "byte", "password", "hostname"]);
            return json!({"type": "string", "format": format});
        }
        json!({"type": "string"})
    }

    pub fn integer(&mut self) -> Value {
        if self.has(Family::Enums) && self.rng.chance(0.2) {
            let values: Vec<i64> = (0..1 + self.rng.below(4)).map(|i| [0, 1, -1, 7, 100, 65535][i]).collect();
            return json!({"type": "integer", "enum": values});
        }
        if self.has(Family::BigInts) && self.rng.chance(0.25) {
            // Past i64: a generator must keep every digit (u64, i128 or a number type).
            return json!({"type": "integer", "minimum": 9_223_372_036_854_775_808u64, "maximum": u64::MAX});
        }
        if self.has(Family::Formats) && self.rng.chance(0.5) {
            return json!({"type": "integer", "format": self.rng.pick(&["int32", "int64"])});
        }
        json!({"type": "integer"})
    }

    fn array(&mut self, depth: usize) -> Value {
        json!({"type": "array", "items": self.any(depth + 1)})
    }

    fn map(&mut self, depth: usize) -> Value {
        json!({"type": "object", "additionalProperties": self.any(depth + 1)})
    }

    fn object_ref(&mut self, depth: usize) -> Value {
        let object = self.object(depth, 0..6);
        if self.rng.chance(0.7) {
            self.component(object)
        } else {
            object
        }
    }

    /// An object with `count` properties, some required, readOnly, writeOnly.
    pub fn object(&mut self, depth: usize, count: std::ops::Range<usize>) -> Value {
        let mut names = Scope::new();
        let n = count.start + self.rng.below(count.end - count.start);
        let mut properties = Map::new();
        let mut required = Vec::new();
        for _ in 0..n {
            let name = names.name(&mut self.rng, Slot::Property, self.hostile, "field");
            let mut schema = self.any(depth + 1);
            let wrappable = schema.get("$ref").is_none() || self.has(Family::AllOf);
            if self.has(Family::ReadWrite) && wrappable && self.rng.chance(0.2) {
                let key = if self.rng.chance(0.5) { "readOnly" } else { "writeOnly" };
                schema = with_sibling(schema, key, json!(true));
            }
            if self.has(Family::Docs) && schema.get("$ref").is_none() && self.rng.chance(0.15) {
                schema["description"] = json!(*self.rng.pick(ODD_DOCS));
            }
            if self.rng.chance(0.4) {
                required.push(json!(name));
            }
            properties.insert(name, schema);
        }
        let mut object = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            object["required"] = Value::Array(required);
        }
        if self.has(Family::Maps) && self.rng.chance(0.1) {
            object["additionalProperties"] = self.scalar();
        }
        object
    }

    /// `oneOf`/`anyOf` without a discriminator. `oneOf` variants are told apart by their JSON type
    /// (or are one Rust type, like two string formats), so every value matches exactly one.
    fn untagged(&mut self, depth: usize) -> Value {
        if self.rng.chance(0.3) {
            let variants: Vec<Value> = (0..2 + self.rng.below(2)).map(|_| self.any(depth + 1)).collect();
            return json!({"anyOf": variants});
        }
        let mut pool: Vec<Value> = vec![
            json!({"type": "string"}),
            json!({"type": "integer"}),
            json!({"type": "boolean"}),
            json!({"type": "array", "items": {"type": "string"}}),
        ];
        if depth + 1 < MAX_DEPTH {
            let object = self.object(depth + 1, 1..4);
            pool.push(self.component(object));
        }
        if self.has(Family::Enums) && self.rng.chance(0.3) {
            // A oneOf of string enums with disjoint values.
            let mut all = enum_values(&mut self.rng, self.hostile);
            let second = all.split_off(all.len() / 2);
            if !all.is_empty() && !second.is_empty() {
                return json!({"oneOf": [{"type": "string", "enum": all}, {"type": "string", "enum": second}]});
            }
        }
        let count = 2 + self.rng.below(pool.len() - 1);
        let mut variants = Vec::new();
        for _ in 0..count {
            let i = self.rng.below(pool.len());
            variants.push(pool.remove(i));
        }
        let variants: Vec<Value> =
            variants.into_iter().map(|v| if self.rng.chance(0.3) && v.get("$ref").is_none() { self.component(v) } else { v }).collect();
        json!({"oneOf": variants})
    }

    /// `oneOf` of object schemas told apart by a property, with a mapping (several values to one
    /// schema, bare schema names) or without one (the schema names are the values).
    fn discriminated(&mut self, depth: usize) -> Value {
        let tag = if self.hostile && self.rng.chance(0.5) {
            Scope::new().name(&mut self.rng, Slot::Property, true, "kind")
        } else {
            "type".to_owned()
        };
        let count = 1 + self.rng.below(3);
        let use_mapping = self.rng.chance(0.6);
        let mut refs = Vec::new();
        let mut mapping = Map::new();
        let mut values = Scope::new();
        for _ in 0..count {
            let mut object = self.object(depth + 1, 0..4);
            object["properties"][&tag] = json!({"type": "string"});
            let mut required: Vec<Value> = object.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
            if !required.contains(&json!(tag)) {
                required.push(json!(tag));
            }
            object["required"] = Value::Array(required);
            let reference = self.component(object);
            let target = reference["$ref"].as_str().unwrap_or_default().to_owned();
            if use_mapping {
                for _ in 0..1 + self.rng.below(2) {
                    let value = values.name(&mut self.rng, Slot::Property, self.hostile, "tag");
                    let bare = target.rsplit('/').next().unwrap_or_default().to_owned();
                    let written = if self.rng.chance(0.3) { bare } else { target.clone() };
                    mapping.insert(value, json!(written));
                }
            }
            refs.push(reference);
        }
        let mut discriminator = json!({"propertyName": tag});
        if use_mapping {
            discriminator["mapping"] = Value::Object(mapping);
        }
        let union = json!({"oneOf": refs, "discriminator": discriminator});
        self.component(union)
    }

    /// `allOf` of object parts, or of one part that is not an object with siblings beside it.
    fn all_of(&mut self, depth: usize) -> Value {
        if self.rng.chance(0.5) {
            let mut base = self.object(depth + 1, 1..4);
            let mut extra = self.object(depth + 1, 0..3);
            // `additionalProperties` in one part would constrain the other part's properties.
            for part in [&mut base, &mut extra] {
                if let Value::Object(map) = part {
                    map.remove("additionalProperties");
                }
            }
            // A property in both parts with two types would make the allOf unsatisfiable.
            if let (Some(Value::Object(taken)), Some(Value::Object(more))) = (base.get("properties"), extra.get_mut("properties")) {
                more.retain(|name, _| !taken.contains_key(name));
            }
            let left: Vec<String> = extra["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
            if let Some(Value::Array(required)) = extra.get_mut("required") {
                required.retain(|name| name.as_str().is_some_and(|n| left.iter().any(|l| l == n)));
            }
            let base = self.component(base);
            return json!({"allOf": [base, extra]});
        }
        let inner = if self.rng.chance(0.5) { self.scalar() } else { json!({"type": "array", "items": self.scalar()}) };
        let target = self.component(inner);
        let mut schema = json!({"allOf": [target], "description": "Not an object: the type of its one part."});
        if self.has(Family::Nullable) && self.rng.chance(0.5) {
            schema["nullable"] = json!(true);
        }
        schema
    }

    /// A tree that holds itself through an array, a map and an alias of an array.
    fn recursive(&mut self, _depth: usize) -> Value {
        let hostile = self.hostile;
        let name = self.schema_names.name(&mut self.rng, Slot::Schema, hostile, "Tree");
        let me = json!({"$ref": format!("#/components/schemas/{name}")});
        let mut properties = Map::new();
        properties.insert("label".into(), json!({"type": "string"}));
        properties.insert("children".into(), json!({"type": "array", "items": me.clone()}));
        if self.has(Family::Maps) {
            properties.insert("by_name".into(), json!({"type": "object", "additionalProperties": me.clone()}));
        }
        if self.rng.chance(0.5) {
            let forest = self.component(json!({"type": "array", "items": me.clone()}));
            properties.insert("forest".into(), forest);
        }
        self.components.insert(name, json!({"type": "object", "required": ["label"], "properties": properties}));
        me
    }
}

/// `schema` with `key: value` beside it; a `$ref` is wrapped in `allOf` first (OpenAPI 3.0
/// ignores siblings of `$ref`).
pub fn with_sibling(schema: Value, key: &str, value: Value) -> Value {
    let mut schema = if schema.get("$ref").is_some() { json!({"allOf": [schema]}) } else { schema };
    schema[key] = value;
    schema
}
