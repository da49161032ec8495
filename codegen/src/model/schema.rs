//! The type space: lowers JSON schemas (OpenAPI 3.0 and AsyncAPI flavours) into [`TypeDef`]s and [`Ty`]s.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::Value;

use super::{EnumValue, Field, StringEnum, Struct, Ty, TypeDef, TypeId, TypeKind, Union, Variant};
use crate::diagnostics::{Diagnostics, Error, ErrorKind};
use crate::resolve::{Documents, Node};

/// Owns every type of the model; one schema node gives at most one named type.
pub struct TypeSpace<'d> {
    pub docs: &'d Documents,
    pub types: Vec<TypeDef>,
    by_node: HashMap<Node, TypeId>,
    /// How many schemas are being lowered, one inside the other (see [`MAX_DEPTH`]).
    depth: usize,
    /// Named types met deeper than [`DEFER_DEPTH`], lowered once the current one is done.
    deferred: VecDeque<(TypeId, Node)>,
}

/// Past this depth, a `$ref` to a schema not lowered yet gives its named type at once and
/// lowers it later, from the top: chains of `$ref`s (`a.next -> b`, `b.next -> c`, ...) then
/// take no stack however long they are. Intercom's descriptions nest 9 deep at most, so they
/// are lowered depth first throughout, which decides the order types are numbered in.
const DEFER_DEPTH: usize = 16;

/// How deep schemas may nest while one is lowered: inline, plus up to `DEFER_DEPTH` through
/// `$ref`s. The limit keeps the recursion of this stage well within a 2 MiB thread stack (a test
/// thread's), even unoptimised; the YAML reader itself stops at 128 levels of text.
pub const MAX_DEPTH: usize = 48;

/// How deep arrays, maps and nullable items may nest inline (`Vec<Option<Vec<..>>>`): each level
/// is a level of generics `syn` and `prettyplease` recurse through when the code is formatted.
pub const MAX_ELEMENT_NESTING: usize = 16;

/// How many `Vec`, map and `Option` wrappers a type has around its innermost element.
fn element_nesting(ty: &Ty) -> usize {
    let mut depth = 0;
    let mut current = ty;
    while let Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) = current {
        depth += 1;
        current = inner;
    }
    depth
}

/// What a schema turns out to be before it is given a home.
enum Shape {
    Ty(Ty),
    Kind(TypeKind),
}

impl<'d> TypeSpace<'d> {
    pub fn new(docs: &'d Documents) -> Self {
        TypeSpace { docs, types: Vec::new(), by_node: HashMap::new(), depth: 0, deferred: VecDeque::new() }
    }

    /// The named type for the schema at `node` (a component schema or any `$ref` target), created on first use.
    pub fn named(&mut self, node: &Node, diags: &mut Diagnostics) -> Result<TypeId, Error> {
        let (id, new) = self.declare_named(node);
        if new {
            self.define_named(id, node, diags)?;
        }
        self.lower_deferred(diags)?;
        Ok(id)
    }

    /// The id of the named type for `node`, and whether it was just made (its kind still to be found).
    fn declare_named(&mut self, node: &Node) -> (TypeId, bool) {
        if let Some(&id) = self.by_node.get(node) {
            return (id, false);
        }
        let name = schema_name(node);
        let id = TypeId(self.types.len());
        let schema = self.docs.get(node);
        self.types.push(TypeDef {
            name_hint: vec![if name.is_empty() { "Schema".to_owned() } else { name.clone() }],
            schema_name: Some(name),
            docs: schema.and_then(docs_of),
            origin: self.docs.describe(node),
            kind: TypeKind::Alias(Ty::Any),
            rust_name: String::new(),
        });
        self.by_node.insert(node.clone(), id);
        (id, true)
    }

    fn define_named(&mut self, id: TypeId, node: &Node, diags: &mut Diagnostics) -> Result<(), Error> {
        let hint = vec![schema_name(node)];
        let kind = match self.shape(node, &hint, diags)? {
            Shape::Ty(ty) => TypeKind::Alias(ty),
            Shape::Kind(kind) => kind,
        };
        self.types[id.0].kind = kind;
        Ok(())
    }

    /// Lowers the named types put off by [`DEFER_DEPTH`], once back at the top.
    fn lower_deferred(&mut self, diags: &mut Diagnostics) -> Result<(), Error> {
        if self.depth > 0 {
            return Ok(());
        }
        while let Some((id, node)) = self.deferred.pop_front() {
            self.define_named(id, &node, diags)?;
        }
        Ok(())
    }

    /// The type a schema node stands for; inline objects, enums and unions get a type named from `hint`.
    pub fn lower(&mut self, node: &Node, hint: &[String], diags: &mut Diagnostics) -> Result<Ty, Error> {
        if let Some(reference) = self.docs.get(node).and_then(|v| v.get("$ref")).and_then(Value::as_str) {
            let Some(target) = self.docs.follow(node, reference) else { return Ok(Ty::Any) };
            if self.depth < DEFER_DEPTH {
                return self.named(&target, diags).map(Ty::Named);
            }
            let (id, new) = self.declare_named(&target);
            if new {
                self.deferred.push_back((id, target));
            }
            return Ok(Ty::Named(id));
        }
        let ty = match self.shape(node, hint, diags)? {
            Shape::Ty(ty) => ty,
            Shape::Kind(kind) => Ty::Named(self.add_inline(node, hint, kind)),
        };
        self.lower_deferred(diags)?;
        Ok(ty)
    }

    /// An array item or map value: like [`Self::lower`], wrapped in `Nullable` when it may be `null`.
    fn lower_element(&mut self, node: &Node, hint: &[String], diags: &mut Diagnostics) -> Result<Ty, Error> {
        let ty = self.lower(node, hint, diags)?;
        let ty = if ty != Ty::Any && self.is_nullable(node) { Ty::Nullable(Box::new(ty)) } else { ty };
        if element_nesting(&ty) >= MAX_ELEMENT_NESTING {
            return Err(Error::at(
                ErrorKind::TooDeep,
                self.docs.locate(node),
                format!("arrays and maps nest more than {MAX_ELEMENT_NESTING} levels deep here; the generated type would be too deep to handle"),
            ));
        }
        Ok(ty)
    }

    fn add_inline(&mut self, node: &Node, hint: &[String], kind: TypeKind) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name_hint: hint.to_vec(),
            schema_name: None,
            docs: self.docs.get(node).and_then(docs_of),
            origin: self.docs.describe(node),
            kind,
            rust_name: String::new(),
        });
        id
    }

    fn shape(&mut self, node: &Node, hint: &[String], diags: &mut Diagnostics) -> Result<Shape, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::at(
                ErrorKind::TooDeep,
                self.docs.locate(node),
                format!("schemas nest more than {MAX_DEPTH} levels deep here; the generator stops rather than overflow its stack"),
            ));
        }
        self.depth += 1;
        let shape = self.shape_at(node, hint, diags);
        self.depth -= 1;
        shape
    }

    fn shape_at(&mut self, node: &Node, hint: &[String], diags: &mut Diagnostics) -> Result<Shape, Error> {
        let Some(schema) = self.docs.get(node).and_then(Value::as_object) else {
            return Ok(Shape::Ty(Ty::Any));
        };
        match schema.get("$ref") {
            Some(Value::String(_)) => return self.lower(node, hint, diags).map(Shape::Ty),
            // `lower` follows string references only: going back there would go round forever.
            Some(other) => {
                let location = self.docs.locate(&node.child("$ref"));
                let kind = match other {
                    Value::Null => "null",
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::Array(_) => "an array",
                    Value::Object(_) => "an object",
                    Value::String(_) => "a string",
                };
                diags.warn(location, format!("`$ref` is {kind}, not a string; the schema is read without it"))?;
            }
            None => {}
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            return self.all_of(node, parts.len(), hint, diags);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = schema.get(key) {
                return self.union(node, key, variants.len(), hint, diags);
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            return Ok(enum_shape(values, primary_type(schema)));
        }
        if let Some(value) = schema.get("const") {
            return Ok(enum_shape(std::slice::from_ref(value), primary_type(schema)));
        }
        let ty = match primary_type(schema) {
            Some("object") | None if schema.contains_key("properties") => {
                return self.object(std::slice::from_ref(node), hint, diags).map(|s| Shape::Kind(TypeKind::Struct(s)));
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(Value::Object(_)) => {
                    let mut item_hint = hint.to_vec();
                    item_hint.push("Value".to_owned());
                    Ty::Map(Box::new(self.lower_element(&node.child("additionalProperties"), &item_hint, diags)?))
                }
                _ => Ty::Any,
            },
            Some("array") => {
                let mut item_hint = hint.to_vec();
                item_hint.push("Item".to_owned());
                match schema.get("items") {
                    Some(Value::Object(_)) => Ty::Array(Box::new(self.lower_element(&node.child("items"), &item_hint, diags)?)),
                    _ => Ty::Array(Box::new(Ty::Any)),
                }
            }
            Some("string") => Ty::String,
            Some("integer") => match schema.get("format").and_then(Value::as_str) {
                Some("date-time" | "timestamp" | "unix-time") => Ty::Timestamp,
                _ => Ty::Integer,
            },
            Some("number") => Ty::Number,
            Some("boolean") => Ty::Boolean,
            _ => Ty::Any,
        };
        Ok(Shape::Ty(ty))
    }

    /// One struct from the properties of several schema nodes (the parts of an `allOf`, or one object).
    fn object(&mut self, parts: &[Node], hint: &[String], diags: &mut Diagnostics) -> Result<Struct, Error> {
        let mut fields: Vec<Field> = Vec::new();
        // Sets beside the lists, so objects with thousands of properties stay linear.
        let mut field_names: HashSet<String> = HashSet::new();
        let mut additional = None;
        let mut required: HashSet<String> = HashSet::new();
        let mut pending: VecDeque<Node> = parts.iter().cloned().collect();
        let mut seen = HashSet::new();
        while let Some(part) = pending.pop_front() {
            let Some(part) = self.docs.deref(&part) else { continue };
            if !seen.insert(part.clone()) {
                continue;
            }
            let Some(schema) = self.docs.get(&part).and_then(Value::as_object) else { continue };
            if let Some(Value::Array(nested)) = schema.get("allOf") {
                for i in (0..nested.len()).rev() {
                    pending.push_front(part.child("allOf").child(&i.to_string()));
                }
            }
            if let Some(Value::Array(names)) = schema.get("required") {
                required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            if let Some(Value::Object(_)) = schema.get("additionalProperties") {
                if additional.is_none() {
                    let mut item_hint = hint.to_vec();
                    item_hint.push("Value".to_owned());
                    additional = Some(self.lower_element(&part.child("additionalProperties"), &item_hint, diags)?);
                }
            }
            let Some(Value::Object(properties)) = schema.get("properties") else { continue };
            let keys: Vec<String> = properties.keys().cloned().collect();
            for name in keys {
                if !field_names.insert(name.clone()) {
                    continue;
                }
                let prop = part.child("properties").child(&name);
                let mut field_hint = hint.to_vec();
                field_hint.push(name.clone());
                let ty = self.lower(&prop, &field_hint, diags)?;
                let nullable = self.is_nullable(&prop);
                let docs = self.docs.get(&prop).and_then(docs_of);
                fields.push(Field { wire_name: name, ty, required: false, nullable, docs, boxed: false, rust_name: String::new() });
            }
        }
        for field in &mut fields {
            field.required = required.contains(&field.wire_name);
        }
        Ok(Struct { fields, additional })
    }

    fn all_of(&mut self, node: &Node, count: usize, hint: &[String], diags: &mut Diagnostics) -> Result<Shape, Error> {
        let parts: Vec<Node> = (0..count).map(|i| node.child("allOf").child(&i.to_string())).collect();
        let schema = self.docs.get(node).and_then(Value::as_object);
        let has_own_properties = schema.is_some_and(|s| s.contains_key("properties"));
        // `allOf: [$ref]` (often used to attach `nullable` or a description) is the referenced type itself.
        if count == 1 && !has_own_properties {
            return self.lower(&parts[0], hint, diags).map(Shape::Ty);
        }
        for part in &parts {
            let target = self.docs.deref(part);
            let part_schema = target.as_ref().and_then(|t| self.docs.get(t)).and_then(Value::as_object);
            if part_schema.is_some_and(|s| s.contains_key("oneOf") || s.contains_key("anyOf")) {
                let location = self.docs.locate(part);
                diags.warn(location, "a oneOf/anyOf inside allOf is not supported yet; only the object parts are merged")?;
            }
        }
        let mut all = parts;
        if has_own_properties {
            all.push(node.clone());
        }
        self.object(&all, hint, diags).map(|s| Shape::Kind(TypeKind::Struct(s)))
    }

    fn union(&mut self, node: &Node, key: &str, count: usize, hint: &[String], diags: &mut Diagnostics) -> Result<Shape, Error> {
        let schema = self.docs.get(node).and_then(Value::as_object);
        let siblings = schema.is_some_and(|s| s.contains_key("properties"));
        // Variants that only say "null" make the union nullable, not a variant.
        let variants: Vec<Node> = (0..count)
            .map(|i| node.child(key).child(&i.to_string()))
            .filter(|v| {
                let target = self.docs.deref(v);
                let value = target.as_ref().and_then(|t| self.docs.get(t));
                value.is_none_or(|v| v.get("type").and_then(Value::as_str) != Some("null"))
            })
            .collect();
        if variants.is_empty() {
            return Ok(Shape::Ty(Ty::Any));
        }
        if variants.len() == 1 && !siblings {
            return self.lower(&variants[0], hint, diags).map(Shape::Ty);
        }
        let tag = self.find_tag(node, &variants);
        let mut out = Vec::with_capacity(variants.len());
        for (index, variant) in variants.iter().enumerate() {
            let target = self.docs.deref(variant);
            let reference_name = self
                .docs
                .get(variant)
                .and_then(|v| v.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_owned);
            let variant_schema = target.as_ref().and_then(|t| self.docs.get(t));
            let tag_value = match (&tag, &target) {
                (Some(tag), Some(target)) => self.fixed_property(target, tag).or_else(|| self.mapped_tag(node, variant)),
                _ => None,
            };
            let name_hint = reference_name
                .clone()
                .or_else(|| variant_schema.and_then(|v| v.get("title")).and_then(Value::as_str).map(str::to_owned))
                .or_else(|| tag_value.clone())
                .or_else(|| variant_schema.and_then(primitive_name).map(str::to_owned))
                .unwrap_or_else(|| format!("Variant{}", index + 1));
            let mut variant_hint = hint.to_vec();
            variant_hint.push(name_hint.clone());
            let ty = if siblings {
                // Properties beside `oneOf` belong to every variant.
                let merged = self.object(&[variant.clone(), node.clone()], &variant_hint, diags)?;
                Ty::Named(self.add_inline(variant, &variant_hint, TypeKind::Struct(merged)))
            } else {
                self.lower(variant, &variant_hint, diags)?
            };
            out.push(Variant { tag_value, ty, name_hint: vec![name_hint], boxed: false, rust_name: String::new() });
        }
        let tag = tag.filter(|_| out.iter().all(|v| v.tag_value.is_some()));
        if tag.is_none() {
            for variant in &mut out {
                variant.tag_value = None;
            }
        }
        Ok(Shape::Kind(TypeKind::Union(Union { tag, variants: out })))
    }

    /// The property that tells variants apart: the explicit discriminator, else a property every
    /// variant fixes to a distinct single value (`type` preferred).
    fn find_tag(&self, node: &Node, variants: &[Node]) -> Option<String> {
        let schema = self.docs.get(node)?;
        if let Some(name) = schema.pointer("/discriminator/propertyName").and_then(Value::as_str) {
            return Some(name.to_owned());
        }
        let first = self.docs.deref(variants.first()?)?;
        let mut candidates = self.property_names(&first);
        candidates.sort_by_key(|name| (name != "type", name.clone()));
        candidates.into_iter().find(|candidate| {
            let mut values = Vec::new();
            for variant in variants {
                let Some(target) = self.docs.deref(variant) else { return false };
                match self.fixed_property(&target, candidate) {
                    Some(value) if !values.contains(&value) => values.push(value),
                    _ => return false,
                }
            }
            true
        })
    }

    /// The tag value an explicit discriminator `mapping` gives a `$ref` variant.
    fn mapped_tag(&self, union: &Node, variant: &Node) -> Option<String> {
        let reference = self.docs.get(variant)?.get("$ref")?.as_str()?;
        let mapping = self.docs.get(union)?.pointer("/discriminator/mapping")?.as_object()?;
        if let Some((value, _)) = mapping.iter().find(|(_, target)| target.as_str() == Some(reference)) {
            return Some(value.clone());
        }
        // Without a mapping entry, OpenAPI uses the schema's name.
        Some(reference.rsplit('/').next()?.to_owned())
    }

    fn property_names(&self, node: &Node) -> Vec<String> {
        let mut names = Vec::new();
        self.collect_property_names(node, &mut Vec::new(), &mut names);
        names
    }

    /// `seen` holds the schemas already visited: an `allOf` that comes back to itself adds nothing.
    fn collect_property_names(&self, node: &Node, seen: &mut Vec<Node>, names: &mut Vec<String>) {
        if seen.contains(node) {
            return;
        }
        seen.push(node.clone());
        let Some(schema) = self.docs.get(node) else { return };
        if let Some(Value::Object(properties)) = schema.get("properties") {
            names.extend(properties.keys().cloned());
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            for i in 0..parts.len() {
                if let Some(part) = self.docs.deref(&node.child("allOf").child(&i.to_string())) {
                    self.collect_property_names(&part, seen, names);
                }
            }
        }
    }

    /// The single value a schema fixes a property to (`enum` of one, or `const`), looking through `allOf`.
    fn fixed_property(&self, node: &Node, property: &str) -> Option<String> {
        self.fixed_property_in(node, property, &mut Vec::new())
    }

    /// `seen` holds the schemas already visited: an `allOf` that comes back to itself adds nothing.
    fn fixed_property_in(&self, node: &Node, property: &str, seen: &mut Vec<Node>) -> Option<String> {
        if seen.contains(node) {
            return None;
        }
        seen.push(node.clone());
        let schema = self.docs.get(node)?;
        let prop_node = node.child("properties").child(property);
        if let Some(prop) = self.docs.deref(&prop_node).and_then(|n| self.docs.get(&n)) {
            if let Some(Value::String(value)) = prop.get("const") {
                return Some(value.clone());
            }
            if let Some(Value::Array(values)) = prop.get("enum") {
                if let [Value::String(value)] = values.as_slice() {
                    return Some(value.clone());
                }
            }
        }
        let parts = schema.get("allOf")?.as_array()?.len();
        (0..parts).rev().find_map(|i| {
            let part = self.docs.deref(&node.child("allOf").child(&i.to_string()))?;
            self.fixed_property_in(&part, property, seen)
        })
    }

    /// Whether a property may be `null`: `nullable: true` on it or on what it refers to, or a `null` type.
    pub fn is_nullable(&self, node: &Node) -> bool {
        let direct = self.docs.get(node);
        let target = self.docs.deref(node);
        let resolved = target.as_ref().and_then(|t| self.docs.get(t));
        let says_null = |schema: &Value| {
            schema.get("nullable") == Some(&Value::Bool(true))
                || schema.get("type") == Some(&Value::String("null".to_owned()))
                || schema.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "null"))
                || schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().any(Value::is_null))
        };
        if [direct, resolved].into_iter().flatten().any(says_null) {
            return true;
        }
        // A union one of whose variants allows `null` allows it too.
        let Some(union) = target else { return false };
        ["oneOf", "anyOf"].into_iter().any(|key| {
            let count = self.docs.get(&union.child(key)).and_then(Value::as_array).map_or(0, Vec::len);
            (0..count).any(|i| {
                let variant = self.docs.deref(&union.child(key).child(&i.to_string()));
                variant.as_ref().and_then(|v| self.docs.get(v)).is_some_and(says_null)
            })
        })
    }
}

fn enum_shape(values: &[Value], declared: Option<&str>) -> Shape {
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if non_null.iter().all(|v| v.is_string()) && matches!(declared, Some("string") | None) {
        let mut out: Vec<EnumValue> = Vec::new();
        let mut seen = HashSet::new();
        for value in non_null.iter().filter_map(|v| v.as_str()) {
            if seen.insert(value) {
                out.push(EnumValue { value: value.to_owned(), rust_name: String::new() });
            }
        }
        return Shape::Kind(TypeKind::Enum(StringEnum { values: out }));
    }
    // Enums of numbers or booleans stay their primitive type.
    Shape::Ty(match declared {
        Some("integer") => Ty::Integer,
        Some("number") => Ty::Number,
        Some("boolean") => Ty::Boolean,
        Some("string") => Ty::String,
        _ => Ty::Any,
    })
}

/// The declared `type`, ignoring `null` when it is a list.
fn primary_type(schema: &serde_json::Map<String, Value>) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

fn primitive_name(schema: &Value) -> Option<&'static str> {
    Some(match schema.get("type")?.as_str()? {
        "string" => "String",
        "integer" => "Integer",
        "number" => "Number",
        "boolean" => "Boolean",
        "array" => "List",
        "object" => "Object",
        _ => return None,
    })
}

/// The name a schema goes by: the last token of its pointer (`contact` for `#/components/schemas/contact`).
fn schema_name(node: &Node) -> String {
    node.pointer.rsplit('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~")
}

/// Documentation of a schema: its description, else its title.
pub fn docs_of(schema: &Value) -> Option<String> {
    let text = schema.get("description").and_then(Value::as_str).or_else(|| schema.get("title").and_then(Value::as_str))?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}
