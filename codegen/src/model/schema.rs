//! The type space: lowers JSON schemas (OpenAPI 3.0 and AsyncAPI flavours) into [`TypeDef`]s and [`Ty`]s.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::Value;

use super::{Access, EnumValue, Field, StringEnum, Struct, Ty, TypeDef, TypeId, TypeKind, Union, Variant};
use crate::diagnostics::{token_get, Diagnostics, Error, ErrorKind};
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

/// A variant of a `oneOf`/`anyOf`, with where its `$ref`s lead, found once for every use.
struct UnionVariant<'d> {
    node: Node,
    value: &'d Value,
    /// `None` when the references dangle or loop; the value is `None` when nothing is there.
    target: Option<(Node, Option<&'d Value>)>,
}

impl<'d> UnionVariant<'d> {
    fn target_value(&self) -> Option<&'d Value> {
        self.target.as_ref().and_then(|(_, value)| *value)
    }
}

/// What a part of an `allOf` says about the type of the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    /// Only annotations (`description`, `nullable`, `default`, validation keywords): no type.
    Annotation,
    /// Properties, or `type: object`: merged with the other object parts.
    Object,
    /// A `oneOf`/`anyOf`.
    Union,
    /// A scalar, an array or an enum.
    Other,
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
            name_alternatives: Vec::new(),
            schema_name: Some(name),
            docs: schema.and_then(docs_of),
            origin: self.docs.describe(node),
            kind: TypeKind::Alias(Ty::Any),
            sent: false,
            rust_name: String::new(),
        });
        self.by_node.insert(node.clone(), id);
        (id, true)
    }

    fn define_named(&mut self, id: TypeId, node: &Node, diags: &mut Diagnostics) -> Result<(), Error> {
        let hint = vec![schema_name(node)];
        let kind = match self.shape(node, self.docs.get(node), &hint, diags)? {
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
        self.lower_at(node, self.docs.get(node), hint, diags)
    }

    /// [`Self::lower`] for a node whose value (`None`: nothing is there) is already at hand.
    pub(super) fn lower_at(&mut self, node: &Node, value: Option<&'d Value>, hint: &[String], diags: &mut Diagnostics) -> Result<Ty, Error> {
        if let Some(reference) = value.and_then(|v| v.get("$ref")).and_then(Value::as_str) {
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
        let ty = match self.shape(node, value, hint, diags)? {
            Shape::Ty(ty) => ty,
            Shape::Kind(kind) => Ty::Named(self.add_inline(node, value, hint, kind)),
        };
        self.lower_deferred(diags)?;
        Ok(ty)
    }

    /// [`Self::lower_at`] for the schema of a request or response body: the inline type made for
    /// it (if any) may also be named from `alternative` when its own name is taken.
    pub(super) fn lower_body(
        &mut self,
        node: &Node,
        value: Option<&'d Value>,
        hint: &[String],
        alternative: Vec<String>,
        diags: &mut Diagnostics,
    ) -> Result<Ty, Error> {
        let first_new = self.types.len();
        let ty = self.lower_at(node, value, hint, diags)?;
        if let Ty::Named(id) = ty {
            if id.0 >= first_new && self.types[id.0].name_hint == hint {
                self.types[id.0].name_alternatives.push(alternative);
            }
        }
        Ok(ty)
    }

    /// An array item or map value: like [`Self::lower`], wrapped in `Nullable` when it may be `null`.
    fn lower_element(&mut self, node: &Node, value: &'d Value, hint: &[String], diags: &mut Diagnostics) -> Result<Ty, Error> {
        let ty = self.lower_at(node, Some(value), hint, diags)?;
        let ty = if ty != Ty::Any && self.is_nullable_at(node, value) { Ty::Nullable(Box::new(ty)) } else { ty };
        if element_nesting(&ty) >= MAX_ELEMENT_NESTING {
            return Err(Error::at(
                ErrorKind::TooDeep,
                self.docs.locate(node),
                format!("arrays and maps nest more than {MAX_ELEMENT_NESTING} levels deep here; the generated type would be too deep to handle"),
            ));
        }
        Ok(ty)
    }

    fn add_inline(&mut self, node: &Node, value: Option<&Value>, hint: &[String], kind: TypeKind) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name_hint: hint.to_vec(),
            name_alternatives: Vec::new(),
            schema_name: None,
            docs: value.and_then(docs_of),
            origin: self.docs.describe(node),
            kind,
            sent: false,
            rust_name: String::new(),
        });
        id
    }

    fn shape(&mut self, node: &Node, value: Option<&'d Value>, hint: &[String], diags: &mut Diagnostics) -> Result<Shape, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::at(
                ErrorKind::TooDeep,
                self.docs.locate(node),
                format!("schemas nest more than {MAX_DEPTH} levels deep here; the generator stops rather than overflow its stack"),
            ));
        }
        self.depth += 1;
        let shape = self.shape_at(node, value, hint, diags);
        self.depth -= 1;
        shape
    }

    fn shape_at(&mut self, node: &Node, value: Option<&'d Value>, hint: &[String], diags: &mut Diagnostics) -> Result<Shape, Error> {
        let Some(value @ Value::Object(schema)) = value else {
            return Ok(Shape::Ty(Ty::Any));
        };
        match schema.get("$ref") {
            Some(Value::String(_)) => return self.lower_at(node, Some(value), hint, diags).map(Shape::Ty),
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
            return self.all_of(node, value, parts, hint, diags);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = schema.get(key) {
                return self.union(node, value, key, variants, hint, diags);
            }
        }
        if let Some(unknown) = primary_type(schema).filter(|t| !KNOWN_TYPES.contains(t)) {
            let location = self.docs.locate(&node.child("type"));
            diags.warn(location, format!("unknown schema type `{unknown}` (a typo?); using free-form JSON in its place"))?;
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            return Ok(enum_shape(values, schema));
        }
        if let Some(value) = schema.get("const") {
            return Ok(enum_shape(std::slice::from_ref(value), schema));
        }
        let ty = match primary_type(schema) {
            Some("object") | None if schema.contains_key("properties") => {
                return self.object(vec![(node.clone(), value)], hint, diags).map(|s| Shape::Kind(TypeKind::Struct(s)));
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(extra @ Value::Object(_)) => {
                    let mut item_hint = hint.to_vec();
                    item_hint.push("Value".to_owned());
                    Ty::Map(Box::new(self.lower_element(&node.child("additionalProperties"), extra, &item_hint, diags)?))
                }
                _ => Ty::Any,
            },
            Some("array") => {
                let mut item_hint = hint.to_vec();
                item_hint.push("Item".to_owned());
                match schema.get("items") {
                    Some(items @ Value::Object(_)) => {
                        Ty::Array(Box::new(self.lower_element(&node.child("items"), items, &item_hint, diags)?))
                    }
                    _ => Ty::Array(Box::new(Ty::Any)),
                }
            }
            Some("string") if schema.get("format").and_then(Value::as_str) == Some("binary") => Ty::Binary,
            Some("string") => Ty::String,
            Some("integer") => match schema.get("format").and_then(Value::as_str) {
                Some("date-time" | "timestamp" | "unix-time") => Ty::Timestamp,
                _ => integer_ty(schema),
            },
            Some("number") => Ty::Number,
            Some("boolean") => Ty::Boolean,
            _ => Ty::Any,
        };
        Ok(Shape::Ty(ty))
    }

    /// One struct from the properties of several schema nodes, each with its value (the parts of
    /// an `allOf`, or one object).
    fn object(&mut self, parts: Vec<(Node, &'d Value)>, hint: &[String], diags: &mut Diagnostics) -> Result<Struct, Error> {
        let docs = self.docs;
        let mut fields: Vec<Field> = Vec::new();
        // Sets beside the lists, so objects with thousands of properties stay linear.
        let mut field_names: HashSet<&'d str> = HashSet::new();
        let mut additional = None;
        let mut required: HashSet<&'d str> = HashSet::new();
        let mut pending: VecDeque<(Node, &'d Value)> = parts.into();
        let mut seen = HashSet::new();
        while let Some((part, value)) = pending.pop_front() {
            let Some((part, value)) = docs.deref_at(&part, value) else { continue };
            if !seen.insert(part.as_ref().clone()) {
                continue;
            }
            let Some(schema) = value.and_then(Value::as_object) else { continue };
            if let Some(Value::Array(nested)) = schema.get("allOf") {
                let nested_node = part.child("allOf");
                for (i, nested_part) in nested.iter().enumerate().rev() {
                    pending.push_front((nested_node.item(i), nested_part));
                }
            }
            if let Some(Value::Array(names)) = schema.get("required") {
                required.extend(names.iter().filter_map(Value::as_str));
            }
            if let Some(extra @ Value::Object(_)) = schema.get("additionalProperties") {
                if additional.is_none() {
                    let mut item_hint = hint.to_vec();
                    item_hint.push("Value".to_owned());
                    additional = Some(self.lower_element(&part.child("additionalProperties"), extra, &item_hint, diags)?);
                }
            }
            let Some(Value::Object(properties)) = schema.get("properties") else { continue };
            let properties_node = part.child("properties");
            for (name, prop_value) in properties {
                if !field_names.insert(name) {
                    continue;
                }
                let prop = properties_node.child(name);
                let mut field_hint = hint.to_vec();
                field_hint.push(name.clone());
                let ty = self.lower_at(&prop, Some(prop_value), &field_hint, diags)?;
                let nullable = self.is_nullable_at(&prop, prop_value);
                let docs = docs_of(prop_value);
                let access = self.access_of(&prop, prop_value);
                fields.push(Field { wire_name: name.clone(), ty, required: false, nullable, docs, boxed: false, access, rust_name: String::new() });
            }
        }
        for field in &mut fields {
            field.required = required.contains(field.wire_name.as_str());
        }
        Ok(Struct { fields, additional })
    }

    fn all_of(&mut self, node: &Node, value: &'d Value, parts: &'d [Value], hint: &[String], diags: &mut Diagnostics) -> Result<Shape, Error> {
        let parts_node = node.child("allOf");
        let has_own_properties = value.get("properties").is_some();
        // Parts that only annotate (`{nullable: true}`, `{description: ..}`, `{default: ..}`) say
        // nothing about the type: `allOf: [$ref, {nullable: true}]` is the referenced type itself.
        let mut all: Vec<(Node, &'d Value, PartKind)> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_node = parts_node.item(i);
            let kind = self.part_kind(&part_node, part, &mut Vec::new());
            if kind != PartKind::Annotation {
                all.push((part_node, part, kind));
            }
        }
        if all.is_empty() && !has_own_properties {
            return Ok(Shape::Ty(Ty::Any));
        }
        if let [(part, part_value, _)] = all.as_slice() {
            if !has_own_properties {
                return self.lower_at(part, Some(part_value), hint, diags).map(Shape::Ty);
            }
        }
        // A part that is no object (a scalar, an array, an enum) makes the whole that type: a
        // value cannot be both. The first `$ref` among them names it best.
        let non_objects: Vec<&(Node, &'d Value, PartKind)> = all.iter().filter(|(_, _, kind)| *kind == PartKind::Other).collect();
        if let Some(first) = non_objects.first() {
            let (part, part_value, _) =
                non_objects.iter().find(|(_, value, _)| value.get("$ref").is_some()).copied().unwrap_or(first);
            if has_own_properties || all.iter().any(|(_, _, kind)| *kind == PartKind::Object) {
                let location = self.docs.locate(node);
                diags.warn(location, "allOf mixes object and non-object parts; the value is read as the non-object part")?;
            }
            return self.lower_at(part, Some(part_value), hint, diags).map(Shape::Ty);
        }
        for (part, _, kind) in &all {
            if *kind == PartKind::Union {
                let location = self.docs.locate(part);
                diags.warn(location, "a oneOf/anyOf inside allOf is not supported yet; only the object parts are merged")?;
            }
        }
        let mut all: Vec<(Node, &'d Value)> = all.into_iter().map(|(node, value, _)| (node, value)).collect();
        if has_own_properties {
            all.push((node.clone(), value));
        }
        self.object(all, hint, diags).map(|s| Shape::Kind(TypeKind::Struct(s)))
    }

    /// What one part of an `allOf` contributes, looking through `$ref`s and nested `allOf`s.
    fn part_kind(&self, node: &Node, value: &'d Value, seen: &mut Vec<Node>) -> PartKind {
        let Some((target, Some(Value::Object(schema)))) = self.docs.deref_at(node, value) else { return PartKind::Annotation };
        if seen.contains(&target) {
            return PartKind::Annotation;
        }
        seen.push(target.as_ref().clone());
        if ["properties", "additionalProperties"].iter().any(|key| schema.contains_key(*key)) || primary_type(schema) == Some("object") {
            return PartKind::Object;
        }
        if schema.contains_key("oneOf") || schema.contains_key("anyOf") {
            return PartKind::Union;
        }
        if schema.contains_key("enum") || schema.contains_key("const") || schema.contains_key("items") || primary_type(schema).is_some() {
            return PartKind::Other;
        }
        let Some(Value::Array(nested)) = schema.get("allOf") else { return PartKind::Annotation };
        let nested_node = target.child("allOf");
        let kinds: Vec<PartKind> = nested.iter().enumerate().map(|(i, part)| self.part_kind(&nested_node.item(i), part, seen)).collect();
        // The nested allOf is lowered as a whole when it is a part.
        [PartKind::Other, PartKind::Object, PartKind::Union].into_iter().find(|kind| kinds.contains(kind)).unwrap_or(PartKind::Annotation)
    }

    fn union(
        &mut self,
        node: &Node,
        value: &'d Value,
        key: &str,
        variants: &'d [Value],
        hint: &[String],
        diags: &mut Diagnostics,
    ) -> Result<Shape, Error> {
        let docs = self.docs;
        let siblings = value.get("properties").is_some();
        let variants_node = node.child(key);
        let variants: Vec<UnionVariant<'d>> = variants
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let node = variants_node.item(i);
                let target = docs.deref_at(&node, value).map(|(target, value)| (target.into_owned(), value));
                UnionVariant { node, value, target }
            })
            // Variants that only say "null" make the union nullable, not a variant.
            .filter(|variant| variant.target_value().is_none_or(|v| v.get("type").and_then(Value::as_str) != Some("null")))
            .collect();
        if variants.is_empty() {
            return Ok(Shape::Ty(Ty::Any));
        }
        if variants.len() == 1 && !siblings {
            return self.lower_at(&variants[0].node, Some(variants[0].value), hint, diags).map(Shape::Ty);
        }
        if !siblings {
            if let Some(shape) = self.string_enum_union(&variants, hint, diags)? {
                return Ok(shape);
            }
        }
        let tag = self.find_tag(value, &variants);
        let explicit = value.pointer("/discriminator/propertyName").is_some();
        let mapping = if explicit { self.discriminator_mapping(node, value, &variants, diags)? } else { Vec::new() };
        let mut out = Vec::with_capacity(variants.len());
        for (index, variant) in variants.iter().enumerate() {
            let reference_name =
                variant.value.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).map(str::to_owned);
            let variant_schema = variant.target_value();
            // The mapping's values for the variant's schema; else the value it fixes the tag to;
            // else, for an explicit discriminator, the schema's name (OpenAPI's implicit mapping).
            let tag_values: Vec<String> = match (&tag, &variant.target) {
                (Some(tag), Some((target, target_value))) => {
                    let mapped: Vec<String> = mapping.iter().filter(|(_, to)| to == target).map(|(value, _)| value.clone()).collect();
                    if !mapped.is_empty() {
                        mapped
                    } else if let Some(fixed) = target_value.and_then(|target_value| self.fixed_property(target, target_value, tag)) {
                        vec![fixed]
                    } else {
                        reference_name.iter().filter(|_| explicit).cloned().collect()
                    }
                }
                _ => Vec::new(),
            };
            let name_hint = reference_name
                .clone()
                .or_else(|| variant_schema.and_then(|v| v.get("title")).and_then(Value::as_str).map(str::to_owned))
                .or_else(|| tag_values.first().cloned())
                .or_else(|| variant_schema.and_then(primitive_name).map(str::to_owned))
                .or_else(|| variant_schema.and_then(required_only_name))
                .unwrap_or_else(|| format!("Variant{}", index + 1));
            let mut variant_hint = hint.to_vec();
            variant_hint.push(name_hint.clone());
            let ty = if siblings {
                // Properties beside `oneOf` belong to every variant.
                let merged = self.object(vec![(variant.node.clone(), variant.value), (node.clone(), value)], &variant_hint, diags)?;
                Ty::Named(self.add_inline(&variant.node, Some(variant.value), &variant_hint, TypeKind::Struct(merged)))
            } else {
                self.lower_at(&variant.node, Some(variant.value), &variant_hint, diags)?
            };
            out.push(Variant { tag_values, ty, name_hint: vec![name_hint], boxed: false, rust_name: String::new() });
        }
        let tag = tag.filter(|_| out.iter().all(|v| !v.tag_values.is_empty()));
        if tag.is_none() {
            for variant in &mut out {
                variant.tag_values.clear();
            }
        }
        Ok(Shape::Kind(TypeKind::Union(Union { tag, variants: out })))
    }

    /// A union of string enums, maybe with free strings (`oneOf: [enum A, enum B]`, `anyOf: [enum,
    /// {type: string}]`), is one string enum of every value: as an untagged union, the first
    /// enum's catch-all would take every string, and the values of the others would never decode
    /// as theirs. With one enum among free strings, it is that enum (its catch-all holds the
    /// rest). `None` when a variant is no string.
    fn string_enum_union(&mut self, variants: &[UnionVariant<'d>], hint: &[String], diags: &mut Diagnostics) -> Result<Option<Shape>, Error> {
        let mut listed: Vec<Option<Vec<&'d str>>> = Vec::with_capacity(variants.len());
        for variant in variants {
            let mut values = Some(Vec::new());
            if !self.string_values(&variant.node, variant.value, &mut values, &mut Vec::new()) {
                return Ok(None);
            }
            listed.push(values);
        }
        let enums: Vec<usize> = (0..listed.len()).filter(|&i| listed[i].is_some()).collect();
        match enums.as_slice() {
            [] => Ok(None),
            [only] => {
                let variant = &variants[*only];
                self.lower_at(&variant.node, Some(variant.value), hint, diags).map(|ty| Some(Shape::Ty(ty)))
            }
            _ => {
                Ok(Some(Shape::Kind(TypeKind::Enum(string_enum(listed.into_iter().flatten().flatten())))))
            }
        }
    }

    /// Whether the schema takes strings only; `values` becomes `None` when it takes any string,
    /// and gathers the values it lists otherwise. Looks through `$ref`s, one-part `allOf`s and
    /// nested `oneOf`/`anyOf`s.
    fn string_values(&self, node: &Node, value: &'d Value, values: &mut Option<Vec<&'d str>>, seen: &mut Vec<Node>) -> bool {
        let Some((target, Some(Value::Object(schema)))) = self.docs.deref_at(node, value) else { return false };
        if seen.contains(&target) || seen.len() > 64 {
            return false;
        }
        seen.push(target.as_ref().clone());
        let declared = primary_type(schema);
        let listed = match (schema.get("enum"), schema.get("const")) {
            (Some(Value::Array(listed)), _) => Some(listed.as_slice()),
            (None, Some(one)) => Some(std::slice::from_ref(one)),
            _ => None,
        };
        if let Some(listed) = listed {
            let strings: Option<Vec<&'d str>> = listed.iter().filter(|v| !v.is_null()).map(Value::as_str).collect();
            let Some(strings) = strings.filter(|s| !s.is_empty()) else { return false };
            if !matches!(declared, Some("string") | None) {
                return false;
            }
            if let Some(values) = values {
                values.extend(strings);
            }
            return true;
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            let Some(Value::Array(parts)) = schema.get(key) else { continue };
            let parts_node = target.child(key);
            if key == "allOf" {
                let typed: Vec<usize> = (0..parts.len())
                    .filter(|&i| self.part_kind(&parts_node.item(i), &parts[i], &mut Vec::new()) != PartKind::Annotation)
                    .collect();
                let [only] = typed.as_slice() else { return false };
                return self.string_values(&parts_node.item(*only), &parts[*only], values, seen);
            }
            return parts.iter().enumerate().all(|(i, part)| {
                let part_node = parts_node.item(i);
                let null = self.docs.deref_at(&part_node, part).and_then(|(_, v)| v).is_some_and(|v| v.get("type").and_then(Value::as_str) == Some("null"));
                null || self.string_values(&part_node, part, values, seen)
            });
        }
        if declared == Some("string") {
            *values = None;
            return true;
        }
        false
    }

    /// An explicit discriminator's `mapping`: each tag value with the schema it names (where its
    /// `$ref`s end). A value may be a reference or a bare schema name (`Dog` for
    /// `#/components/schemas/Dog`). Targets that do not exist, or are none of the variants, are
    /// warned and left out: values with that tag decode as the union's catch-all.
    fn discriminator_mapping(
        &self,
        node: &Node,
        union: &'d Value,
        variants: &[UnionVariant<'d>],
        diags: &mut Diagnostics,
    ) -> Result<Vec<(String, Node)>, Error> {
        let Some(Value::Object(mapping)) = union.pointer("/discriminator/mapping") else { return Ok(Vec::new()) };
        let mapping_node = node.child("discriminator").child("mapping");
        let mut out = Vec::with_capacity(mapping.len());
        for (tag, target) in mapping {
            let entry = mapping_node.child(tag);
            let Some(target) = target.as_str() else {
                diags.warn(self.docs.locate(&entry), format!("discriminator mapping `{tag}` is not a string; it is ignored"))?;
                continue;
            };
            let reference = if target.contains(['#', '/']) || target.ends_with(".json") || target.ends_with(".yaml") || target.ends_with(".yml") {
                target.to_owned()
            } else {
                format!("#/components/schemas/{}", target.replace('~', "~0").replace('/', "~1"))
            };
            let resolved = self
                .docs
                .follow(&entry, &reference)
                .and_then(|found| {
                    let value = self.docs.get(&found)?;
                    self.docs.deref_at(&found, value).map(|(end, value)| (end.into_owned(), value))
                })
                .filter(|(_, value)| value.is_some());
            let Some((resolved, _)) = resolved else {
                let message = format!("discriminator mapping `{tag}` names `{target}`, which does not exist; values with this tag decode as the catch-all");
                diags.warn(self.docs.locate(&entry), message)?;
                continue;
            };
            if !variants.iter().any(|variant| variant.target.as_ref().is_some_and(|(to, _)| *to == resolved)) {
                let message = format!("discriminator mapping `{tag}` names `{target}`, which is none of the variants; values with this tag decode as the catch-all");
                diags.warn(self.docs.locate(&entry), message)?;
                continue;
            }
            out.push((tag.clone(), resolved));
        }
        Ok(out)
    }

    /// The property that tells variants apart: the explicit discriminator, else a property every
    /// variant fixes to a distinct single value (`type` preferred).
    fn find_tag(&self, union: &Value, variants: &[UnionVariant<'d>]) -> Option<String> {
        if let Some(name) = union.pointer("/discriminator/propertyName").and_then(Value::as_str) {
            return Some(name.to_owned());
        }
        // A variant whose `$ref`s dangle or loop fixes nothing.
        let targets: Vec<(&Node, Option<&'d Value>)> =
            variants.iter().map(|variant| variant.target.as_ref().map(|(node, value)| (node, *value))).collect::<Option<_>>()?;
        let (first, first_value) = targets.first()?;
        let mut candidates = first_value.map(|value| self.property_names(first, value)).unwrap_or_default();
        candidates.sort_by(|a, b| (a != "type", a).cmp(&(b != "type", b)));
        candidates.into_iter().find(|candidate| {
            let mut values = Vec::new();
            targets.iter().all(|(target, value)| match value.and_then(|value| self.fixed_property(target, value, candidate)) {
                Some(value) if !values.contains(&value) => {
                    values.push(value);
                    true
                }
                _ => false,
            })
        })
    }

    fn property_names(&self, node: &Node, value: &'d Value) -> Vec<String> {
        let mut names = Vec::new();
        self.collect_property_names(node, value, &mut Vec::new(), &mut names);
        names
    }

    /// `seen` holds the schemas already visited: an `allOf` that comes back to itself adds nothing.
    fn collect_property_names(&self, node: &Node, value: &'d Value, seen: &mut Vec<Node>, names: &mut Vec<String>) {
        if seen.contains(node) {
            return;
        }
        seen.push(node.clone());
        if let Some(Value::Object(properties)) = value.get("properties") {
            names.extend(properties.keys().cloned());
        }
        if let Some(Value::Array(parts)) = value.get("allOf") {
            let parts_node = node.child("allOf");
            for (i, part_value) in parts.iter().enumerate() {
                if let Some((part, Some(part_value))) = self.docs.deref_at(&parts_node.item(i), part_value) {
                    self.collect_property_names(&part, part_value, seen, names);
                }
            }
        }
    }

    /// The single value a schema fixes a property to (`enum` of one, or `const`), looking through `allOf`.
    fn fixed_property(&self, node: &Node, value: &'d Value, property: &str) -> Option<String> {
        self.fixed_property_in(node, value, property, &mut Vec::new())
    }

    /// `seen` holds the schemas already visited: an `allOf` that comes back to itself adds nothing.
    fn fixed_property_in(&self, node: &Node, value: &'d Value, property: &str, seen: &mut Vec<Node>) -> Option<String> {
        if seen.contains(node) {
            return None;
        }
        seen.push(node.clone());
        // `token_get`, not `Value::get`: the property is a pointer token, as `Documents::get` reads it.
        if let Some(prop_value) = value.get("properties").and_then(|p| token_get(p, property)) {
            let prop_node = node.child("properties").child(property);
            if let Some((_, Some(prop))) = self.docs.deref_at(&prop_node, prop_value) {
                if let Some(Value::String(value)) = prop.get("const") {
                    return Some(value.clone());
                }
                if let Some(Value::Array(values)) = prop.get("enum") {
                    if let [Value::String(value)] = values.as_slice() {
                        return Some(value.clone());
                    }
                }
            }
        }
        let parts = value.get("allOf")?.as_array()?;
        let parts_node = node.child("allOf");
        parts.iter().enumerate().rev().find_map(|(i, part_value)| {
            let part = parts_node.item(i);
            let (part, part_value) = self.docs.deref_at(&part, part_value)?;
            self.fixed_property_in(&part, part_value?, property, seen)
        })
    }

    /// `readOnly`/`writeOnly` of a property: on it, on what it refers to, or in an annotation
    /// part of its `allOf`. Both at once say nothing.
    fn access_of(&self, node: &Node, value: &'d Value) -> Access {
        let says = |key: &str| {
            let on = |schema: &Value| schema.get(key) == Some(&Value::Bool(true));
            let target = self.docs.deref_at(node, value).and_then(|(_, target)| target);
            let parts = value.get("allOf").and_then(Value::as_array).into_iter().flatten();
            on(value) || target.is_some_and(on) || parts.filter(|part| part.get("$ref").is_none()).any(on)
        };
        match (says("readOnly"), says("writeOnly")) {
            (true, false) => Access::ReadOnly,
            (false, true) => Access::WriteOnly,
            _ => Access::ReadWrite,
        }
    }

    /// Whether `ty` is a struct, through aliases.
    pub(super) fn is_struct(&self, ty: &Ty) -> bool {
        let mut current = ty;
        for _ in 0..=self.types.len() {
            let Ty::Named(id) = current else { return false };
            match &self.types[id.0].kind {
                TypeKind::Alias(inner) => current = inner,
                kind => return matches!(kind, TypeKind::Struct(_)),
            }
        }
        false
    }

    /// Whether a property may be `null`: `nullable: true` on it or on what it refers to, or a `null` type.
    pub fn is_nullable(&self, node: &Node) -> bool {
        self.docs.get(node).is_some_and(|value| self.is_nullable_at(node, value))
    }

    /// [`Self::is_nullable`] for a node whose value is already at hand.
    fn is_nullable_at(&self, node: &Node, value: &'d Value) -> bool {
        if says_null(value) {
            return true;
        }
        let Some((target, Some(resolved))) = self.docs.deref_at(node, value) else { return false };
        // `resolved` is `value` itself when the node is no reference: that was asked just above.
        if !std::ptr::eq(resolved, value) && says_null(resolved) {
            return true;
        }
        // A union one of whose variants allows `null` allows it too; so does an `allOf` one of
        // whose parts says `nullable: true` (`allOf: [$ref, {nullable: true}]`, as written to
        // make a reference nullable in OpenAPI 3.0).
        ["oneOf", "anyOf", "allOf"].into_iter().any(|key| {
            let Some(Value::Array(variants)) = resolved.get(key) else { return false };
            let variants_node = target.child(key);
            variants.iter().enumerate().any(|(i, variant)| {
                let target = self.docs.deref_at(&variants_node.item(i), variant).and_then(|(_, value)| value);
                target.is_some_and(says_null)
            })
        })
    }
}

/// Whether a schema itself admits `null` (`nullable: true`, a `null` type, or `null` among its `enum`).
fn says_null(schema: &Value) -> bool {
    let null_type = match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    null_type
        || schema.get("nullable") == Some(&Value::Bool(true))
        || schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().any(Value::is_null))
}

/// The integer type that holds every value a schema speaks of (bounds, `enum`, `const`,
/// `example`, `default`) and its format: `i64` unless something is past it, then `u64` when
/// nothing is negative, else `i128`; past `i128` (the description itself lost digits), a number.
fn integer_ty(schema: &serde_json::Map<String, Value>) -> Ty {
    let mut values: Vec<&Value> = ["minimum", "maximum", "const", "example", "default"].iter().filter_map(|key| schema.get(*key)).collect();
    for key in ["enum", "examples"] {
        if let Some(Value::Array(listed)) = schema.get(key) {
            values.extend(listed);
        }
    }
    let numbers: Vec<&serde_json::Number> = values.into_iter().filter_map(|v| v.as_number()).collect();
    let negative = numbers.iter().any(|n| n.as_f64().is_some_and(|f| f < 0.0));
    let past_u64 = numbers.iter().any(|n| !n.is_i64() && !n.is_u64() && n.as_f64().is_some_and(|f| f.abs() >= 9.2e18));
    if numbers.iter().any(|n| n.as_f64().is_some_and(|f| f.abs() > 1.7e38)) {
        return Ty::Number;
    }
    let past_i64 = past_u64 || numbers.iter().any(|n| n.is_u64() && !n.is_i64());
    let unsigned_format = matches!(schema.get("format").and_then(Value::as_str), Some("uint64" | "uint"));
    match (past_i64 || unsigned_format, negative, past_u64) {
        (false, _, _) => Ty::Integer,
        (true, false, false) => Ty::UInt64,
        _ => Ty::Int128,
    }
}

/// The shape of a schema with an `enum` (or `const`) of `values`: a string enum, else the declared type.
fn enum_shape(values: &[Value], schema: &serde_json::Map<String, Value>) -> Shape {
    let declared = primary_type(schema);
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if non_null.is_empty() {
        // `enum: []` or `enum: [null]`: no value to name; the declared type takes them.
        return Shape::Ty(primitive_ty(declared));
    }
    if non_null.iter().all(|v| v.is_string()) && matches!(declared, Some("string") | None) {
        return Shape::Kind(TypeKind::Enum(string_enum(non_null.into_iter().filter_map(Value::as_str))));
    }
    // Enums of numbers or booleans stay their primitive type, wide enough for every value.
    if declared == Some("integer") {
        return Shape::Ty(integer_ty(schema));
    }
    Shape::Ty(primitive_ty(declared))
}

/// A string enum of these values, each once, in their first order.
fn string_enum<'a>(values: impl IntoIterator<Item = &'a str>) -> StringEnum {
    let mut out: Vec<EnumValue> = Vec::new();
    let mut seen = HashSet::new();
    for value in values {
        if seen.insert(value) {
            out.push(EnumValue { value: value.to_owned(), rust_name: String::new() });
        }
    }
    StringEnum { values: out }
}

fn primitive_ty(declared: Option<&str>) -> Ty {
    match declared {
        Some("integer") => Ty::Integer,
        Some("number") => Ty::Number,
        Some("boolean") => Ty::Boolean,
        Some("string") => Ty::String,
        _ => Ty::Any,
    }
}

/// The types a schema may declare (OpenAPI 3.0, and `null` as 3.1 writes it).
const KNOWN_TYPES: [&str; 7] = ["string", "integer", "number", "boolean", "array", "object", "null"];

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

/// `WithId` for a variant that only makes `id` required (`anyOf: [{required: [id]}, ...]`),
/// `WithNameAndEmail` for two; `None` when the variant says more than which properties it needs.
fn required_only_name(schema: &Value) -> Option<String> {
    let object = schema.as_object()?;
    let required: Vec<&str> = object.get("required")?.as_array()?.iter().filter_map(Value::as_str).collect();
    let annotations = ["required", "description", "title", "example", "examples", "nullable"];
    if required.is_empty() || object.keys().any(|key| !annotations.contains(&key.as_str())) {
        return None;
    }
    Some(format!("with {}", required.join(" and ")))
}

/// The name a schema goes by: the last token of its pointer (`contact` for `#/components/schemas/contact`).
fn schema_name(node: &Node) -> String {
    node.pointer.rsplit('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~")
}

/// Documentation of a schema: its description, else its title.
pub fn docs_of(schema: &Value) -> Option<String> {
    fn own(schema: &Value) -> Option<&str> {
        schema.get("description").and_then(Value::as_str).or_else(|| schema.get("title").and_then(Value::as_str))
    }
    // `allOf: [$ref, {description: ..}]`: the description sits in an annotation part.
    let parts = || schema.get("allOf").and_then(Value::as_array).into_iter().flatten().filter(|part| part.get("$ref").is_none());
    let text = own(schema).or_else(|| parts().find_map(|part| part.get("description").and_then(Value::as_str)))?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}
