//! Wire comparison: takes two named models, gives what differs in what goes over the wire,
//! whatever either description calls its types (`cargo xtask diff --wire OLD NEW`).
//!
//! Where [`super::compare`] speaks in Rust names (for a version bump of the crate), this report
//! ignores every name that does not travel: operationIds, schema names, Rust names. It is meant
//! for two independently written descriptions of one API (Intercom's published one and ours),
//! where an inline type of one is a named schema of the other and the same field has two type
//! names: a type named differently but shaped the same gives no line.
//!
//! # Matching
//!
//! - Operations by HTTP method and path, placeholder names aside (`/contacts/{id}` is
//!   `/contacts/{contact_id}`); webhook topics by their topic string.
//! - Path parameters by position (their names do not travel); query parameters by name; header
//!   parameters by name, ignoring case.
//! - Request bodies by presence (then their media type); responses by status code (`200`,
//!   `404`, `default`): the model keeps the responses with a JSON body, and the media type of
//!   the success response.
//! - Schemas are walked in parallel, by position: a field's type in one against the same
//!   field's type in the other (fields by wire name), array items against items, map values
//!   (and the values of extra keys) against map values, union variants by their tag value, or,
//!   for untagged unions, by structure (the same kind of value; among objects, the most alike:
//!   sharing the most field names, nested ones too, then with the fewest only one has). A union
//!   against a non-union pairs the one with the variant of its kind. Type aliases are followed
//!   throughout.
//! - Each pair of types (old, new) is walked once, at the first place it is met in report
//!   order: its differences show there only, and recursive types stop.
//!
//! # Lines
//!
//! Every difference is a [`WireChange`] located from the operation down, e.g.
//! `GET /contacts/{id} 200 .companies.data[].id` (`[]` an array's items, `.*` a map's values or
//! extra keys, `<type=email>` the variant of a tagged union, `<object>` that of an untagged one,
//! `<object #2>` when the union has several of that kind: numbered on the old side, and on the
//! new side for a variant only it has). Path parameters are named as the new side names them.
//! *Missing* means in OLD only, *extra* in NEW only. Differences that change nothing on the
//! wire give no line: a type alias, `type: object` against a map of anything, `null` allowed
//! where anything is.
//!
//! Operations are listed by path, then method; inside one operation, the path, query and header
//! parameters, the body, then the responses by status; then the webhook topics.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::{md_cell, path_shape, Side};
use crate::model::{Api, Method, Operation, Param, ResponseMedia, StringEnum, Struct, Ty, TypeKind, Union};

/// What kind of difference a line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireKind {
    /// A method + path only OLD has.
    OperationMissing,
    /// A method + path only NEW has.
    OperationExtra,
    /// A parameter only OLD has.
    ParameterMissing,
    /// A parameter only NEW has.
    ParameterExtra,
    /// A parameter became required or optional.
    ParameterRequired,
    /// A parameter is written another way (`style`, `explode`).
    ParameterStyle,
    /// Only OLD sends a request body.
    BodyMissing,
    /// Only NEW sends a request body.
    BodyExtra,
    /// The request body is sent as another media type.
    BodyMedia,
    /// The request body became required or optional.
    BodyRequired,
    /// A response status (with a JSON body) only OLD has.
    ResponseMissing,
    /// A response status (with a JSON body) only NEW has.
    ResponseExtra,
    /// The success response comes as another kind of media (JSON, text, octets).
    ResponseMedia,
    /// A field (or the extra keys of an object) only OLD has.
    FieldMissing,
    /// A field (or the extra keys of an object) only NEW has.
    FieldExtra,
    /// A field became required or optional.
    Required,
    /// A value became nullable or not.
    Nullable,
    /// Another kind of value: another scalar type, object against array, ...
    Type,
    /// The same scalar type in another format (`integer` against `integer (unix time)`).
    Format,
    /// A free string on one side, a string enum on the other.
    EnumConstraint,
    /// A value of a string enum only OLD lists.
    EnumValueMissing,
    /// A value of a string enum only NEW lists.
    EnumValueExtra,
    /// A union variant only OLD has (or a value only OLD's union takes).
    VariantMissing,
    /// A union variant only NEW has.
    VariantExtra,
    /// Another property tells the union's variants apart (or none does).
    UnionTag,
    /// A webhook topic only OLD has.
    TopicMissing,
    /// A webhook topic only NEW has.
    TopicExtra,
}

impl WireKind {
    /// Every kind, in report order.
    pub const ALL: [WireKind; 27] = [
        WireKind::OperationMissing,
        WireKind::OperationExtra,
        WireKind::ParameterMissing,
        WireKind::ParameterExtra,
        WireKind::ParameterRequired,
        WireKind::ParameterStyle,
        WireKind::BodyMissing,
        WireKind::BodyExtra,
        WireKind::BodyMedia,
        WireKind::BodyRequired,
        WireKind::ResponseMissing,
        WireKind::ResponseExtra,
        WireKind::ResponseMedia,
        WireKind::FieldMissing,
        WireKind::FieldExtra,
        WireKind::Required,
        WireKind::Nullable,
        WireKind::Type,
        WireKind::Format,
        WireKind::EnumConstraint,
        WireKind::EnumValueMissing,
        WireKind::EnumValueExtra,
        WireKind::VariantMissing,
        WireKind::VariantExtra,
        WireKind::UnionTag,
        WireKind::TopicMissing,
        WireKind::TopicExtra,
    ];

    /// The snake_case name used in every output format, e.g. `field_missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            WireKind::OperationMissing => "operation_missing",
            WireKind::OperationExtra => "operation_extra",
            WireKind::ParameterMissing => "parameter_missing",
            WireKind::ParameterExtra => "parameter_extra",
            WireKind::ParameterRequired => "parameter_required",
            WireKind::ParameterStyle => "parameter_style",
            WireKind::BodyMissing => "body_missing",
            WireKind::BodyExtra => "body_extra",
            WireKind::BodyMedia => "body_media",
            WireKind::BodyRequired => "body_required",
            WireKind::ResponseMissing => "response_missing",
            WireKind::ResponseExtra => "response_extra",
            WireKind::ResponseMedia => "response_media",
            WireKind::FieldMissing => "field_missing",
            WireKind::FieldExtra => "field_extra",
            WireKind::Required => "required",
            WireKind::Nullable => "nullable",
            WireKind::Type => "type",
            WireKind::Format => "format",
            WireKind::EnumConstraint => "enum_constraint",
            WireKind::EnumValueMissing => "enum_value_missing",
            WireKind::EnumValueExtra => "enum_value_extra",
            WireKind::VariantMissing => "variant_missing",
            WireKind::VariantExtra => "variant_extra",
            WireKind::UnionTag => "union_tag",
            WireKind::TopicMissing => "topic_missing",
            WireKind::TopicExtra => "topic_extra",
        }
    }
}

/// One difference on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireChange {
    pub kind: WireKind,
    /// Where: `POST /contacts body .custom_attributes`, `GET /contacts/{id} 200 .companies.data[].id`.
    pub location: String,
    /// OLD's side, described (`integer`, `object {id, name}`, `required`), when it has one.
    pub old: Option<String>,
    /// NEW's side, described, when it has one.
    pub new: Option<String>,
}

/// One difference as one line: `kind location: old -> new` (as `specs/published-differences.txt`
/// lists them).
impl std::fmt::Display for WireChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.kind.as_str(), self.location, self.transition())
    }
}

impl WireChange {
    /// `old -> new`, or the one side there is.
    pub fn transition(&self) -> String {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => format!("{old} -> {new}"),
            (Some(one), None) | (None, Some(one)) => one.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The differences between two descriptions on the wire, in report order (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireReport {
    pub old: Side,
    pub new: Side,
    /// Operations found on both sides (by method and path).
    pub paired_operations: usize,
    pub changes: Vec<WireChange>,
}

impl WireReport {
    /// The count of every kind that occurs, in report order.
    pub fn counts(&self) -> Vec<(WireKind, usize)> {
        WireKind::ALL
            .iter()
            .map(|&kind| (kind, self.changes.iter().filter(|c| c.kind == kind).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The lines of one kind.
    pub fn of_kind(&self, kind: WireKind) -> impl Iterator<Item = &WireChange> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    fn summary(&self) -> String {
        format!("{} differences on the wire; {} operations on both sides", self.changes.len(), self.paired_operations)
    }

    /// Plain text: a summary, the counts per kind, then one difference a line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Wire comparison: {} -> {}", self.old.describe(), self.new.describe());
        let _ = writeln!(out, "{} (missing: only in the old, extra: only in the new)", self.summary());
        if self.changes.is_empty() {
            return out;
        }
        out.push_str("\nCounts:\n");
        for (kind, n) in self.counts() {
            let _ = writeln!(out, "  {:<20} {n:>5}", kind.as_str());
        }
        out.push_str("\nDifferences:\n");
        for change in &self.changes {
            let _ = writeln!(out, "  {:<20} {}: {}", change.kind.as_str(), change.location, change.transition());
        }
        out
    }

    /// Markdown: a summary, a table of counts, a table of differences.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## Wire comparison: {} → {}\n", md_cell(&self.old.describe()), md_cell(&self.new.describe()));
        let _ = writeln!(out, "{}.", self.summary());
        if self.changes.is_empty() {
            return out;
        }
        out.push_str("\n| Kind | Count |\n|---|---:|\n");
        for (kind, n) in self.counts() {
            let _ = writeln!(out, "| {} | {n} |", kind.as_str().replace('_', " "));
        }
        out.push_str("\n| Difference | Where | Old | New |\n|---|---|---|---|\n");
        for change in &self.changes {
            let code = |text: &Option<String>| text.as_deref().map_or_else(String::new, |t| format!("`{}`", md_cell(t)));
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                change.kind.as_str().replace('_', " "),
                md_cell(&change.location),
                code(&change.old),
                code(&change.new)
            );
        }
        out
    }

    /// Pretty JSON: `{"old", "new", "paired_operations", "counts": {kind: n}, "changes": [{"kind",
    /// "location", "old", "new"}]}`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            old: &'a Side,
            new: &'a Side,
            paired_operations: usize,
            counts: BTreeMap<&'static str, usize>,
            changes: &'a [WireChange],
        }
        let json = Json {
            old: &self.old,
            new: &self.new,
            paired_operations: self.paired_operations,
            counts: self.counts().into_iter().map(|(k, n)| (k.as_str(), n)).collect(),
            changes: &self.changes,
        };
        serde_json::to_string_pretty(&json).unwrap_or_default()
    }
}

/// Compares what two named models put on the wire.
pub fn compare(old: &Api, new: &Api) -> WireReport {
    let mut walk = Walk { old, new, seen: HashSet::new(), changes: Vec::new() };
    let paired_operations = walk.operations();
    walk.topics();
    WireReport { old: Side::of(old), new: Side::of(new), paired_operations, changes: walk.changes }
}

// ---------------------------------------------------------------------------------------------

/// A type with aliases followed and `Nullable` taken off: what its values look like.
#[derive(Clone, Copy)]
enum Shape<'a> {
    Scalar(&'a Ty),
    Any,
    Array(&'a Ty),
    Map(&'a Ty),
    Struct(&'a Struct),
    Enum(&'a StringEnum),
    Union(&'a Union),
}

/// A type resolved: its shape, whether `null` is allowed on the way, and the type reference it
/// stopped at (`Ty::Named` for structs, enums and unions), which keys the walked pairs.
struct Resolved<'a> {
    shape: Shape<'a>,
    nullable: bool,
    at: &'a Ty,
}

fn resolve<'a>(api: &'a Api, ty: &'a Ty) -> Resolved<'a> {
    let mut nullable = false;
    let mut at = ty;
    // Alias cycles are broken by the model; the bound only makes this loop obviously finite.
    for _ in 0..=api.types.len() + 1 {
        let shape = match at {
            Ty::Nullable(inner) => {
                nullable = true;
                at = &**inner;
                continue;
            }
            Ty::Named(id) => match api.types.get(id.0).map(|def| &def.kind) {
                Some(TypeKind::Alias(inner)) => {
                    at = inner;
                    continue;
                }
                // An object with nothing but extra keys is a map on the wire.
                Some(TypeKind::Struct(s)) => match &s.additional {
                    Some(value) if s.fields.is_empty() => Shape::Map(value),
                    _ => Shape::Struct(s),
                },
                Some(TypeKind::Enum(e)) => Shape::Enum(e),
                Some(TypeKind::Union(u)) => Shape::Union(u),
                None => Shape::Any,
            },
            Ty::Any => Shape::Any,
            Ty::Array(item) => Shape::Array(item),
            Ty::Map(value) => Shape::Map(value),
            scalar => Shape::Scalar(scalar),
        };
        return Resolved { shape, nullable, at };
    }
    Resolved { shape: Shape::Any, nullable, at }
}

fn scalar_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::String => "string",
        Ty::Integer => "integer",
        Ty::UInt64 => "integer (uint64)",
        Ty::Int128 => "integer (beyond 64 bits)",
        Ty::Number => "number",
        Ty::Boolean => "boolean",
        Ty::Timestamp => "integer (unix time)",
        Ty::Binary => "binary",
        _ => "any",
    }
}

/// The kind of value a shape takes, for pairing untagged union variants: enums are strings,
/// every integer format an integer.
fn coarse(shape: Shape<'_>) -> &'static str {
    match shape {
        Shape::Scalar(Ty::UInt64 | Ty::Int128 | Ty::Timestamp | Ty::Integer) => "integer",
        Shape::Scalar(ty) => scalar_name(ty),
        Shape::Enum(_) => "string",
        Shape::Any => "any",
        Shape::Array(_) => "array",
        Shape::Map(_) | Shape::Struct(_) => "object",
        Shape::Union(_) => "union",
    }
}

/// A list shortened to `limit` items, `, ...` after them.
fn list<'a>(items: impl Iterator<Item = &'a str>, limit: usize) -> String {
    let all: Vec<&str> = items.collect();
    let mut text = all.iter().take(limit).copied().collect::<Vec<_>>().join(", ");
    if all.len() > limit {
        text.push_str(", ...");
    }
    text
}

/// A short description of a type's values: `string`, `array of object {id, name}`, `enum {a, b}`.
fn describe(api: &Api, ty: &Ty) -> String {
    describe_depth(api, ty, 0)
}

fn describe_depth(api: &Api, ty: &Ty, depth: usize) -> String {
    let resolved = resolve(api, ty);
    let text = match resolved.shape {
        Shape::Scalar(ty) => scalar_name(ty).to_owned(),
        Shape::Any => "any".to_owned(),
        Shape::Array(item) if depth < 3 => format!("array of {}", describe_depth(api, item, depth + 1)),
        Shape::Map(value) if depth < 3 => format!("map of {}", describe_depth(api, value, depth + 1)),
        Shape::Array(_) => "array".to_owned(),
        Shape::Map(_) => "map".to_owned(),
        Shape::Struct(s) => format!("object {{{}}}", list(s.fields.iter().map(|f| f.wire_name.as_str()), 4)),
        Shape::Enum(e) => format!("enum {{{}}}", list(e.values.iter().map(|v| v.value.as_str()), 6)),
        Shape::Union(u) if depth < 3 => {
            let variants: Vec<String> = u.variants.iter().map(|v| describe_depth(api, &v.ty, 3)).collect();
            match &u.tag {
                Some(tag) => format!("oneOf by {tag} ({})", list(u.variants.iter().flat_map(|v| v.tag_values.first()).map(String::as_str), 6)),
                None => format!("oneOf ({})", variants.join(" | ")),
            }
        }
        Shape::Union(_) => "oneOf".to_owned(),
    };
    if resolved.nullable {
        format!("{text} or null")
    } else {
        text
    }
}

fn endpoint(op: &Operation) -> String {
    format!("{} {}", op.method.key().to_uppercase(), op.path)
}

/// Past this many nested steps, a walk stops (the walked pairs stop recursion long before).
const MAX_WALK_DEPTH: usize = 200;

struct Walk<'a> {
    old: &'a Api,
    new: &'a Api,
    /// The pairs of types walked, keyed by the type references they stopped at.
    seen: HashSet<(&'a Ty, &'a Ty)>,
    changes: Vec<WireChange>,
}

/// Where in an operation a walk is: `at` names the parameter, body or response; `path` the
/// value inside it (`.data[].id`).
fn located(at: &str, path: &str) -> String {
    if path.is_empty() {
        at.to_owned()
    } else {
        format!("{at} {path}")
    }
}

impl<'a> Walk<'a> {
    fn push(&mut self, kind: WireKind, location: String, old: Option<String>, new: Option<String>) {
        self.changes.push(WireChange { kind, location, old, new });
    }

    // ----- operations -----------------------------------------------------------------------

    /// Walks every operation; gives how many were on both sides.
    fn operations(&mut self) -> usize {
        type Key = (String, Method);
        fn index(api: &Api) -> BTreeMap<Key, Vec<&Operation>> {
            let mut map: BTreeMap<Key, Vec<&Operation>> = BTreeMap::new();
            for op in &api.operations {
                map.entry((path_shape(&op.path), op.method)).or_default().push(op);
            }
            map
        }
        let (old, new) = (index(self.old), index(self.new));
        let keys: BTreeSet<&Key> = old.keys().chain(new.keys()).collect();
        let mut paired = 0;
        let none = Vec::new();
        for key in keys {
            let (a, b) = (old.get(key).unwrap_or(&none), new.get(key).unwrap_or(&none));
            for (i, &op) in a.iter().enumerate() {
                match b.get(i).copied() {
                    Some(other) => {
                        paired += 1;
                        self.operation(op, other);
                    }
                    None => self.push(WireKind::OperationMissing, endpoint(op), Some(op.id.clone()), None),
                }
            }
            for op in b.iter().skip(a.len()) {
                self.push(WireKind::OperationExtra, endpoint(op), None, Some(op.id.clone()));
            }
        }
        paired
    }

    fn operation(&mut self, a: &'a Operation, b: &'a Operation) {
        let at = endpoint(b);
        // Path parameters by position: their names do not travel.
        for i in 0..a.path_params.len().max(b.path_params.len()) {
            match (a.path_params.get(i), b.path_params.get(i)) {
                (Some(p), Some(q)) => self.param(&format!("{at} path {{{}}}", q.name), p, q),
                (Some(p), None) => {
                    self.push(WireKind::ParameterMissing, format!("{at} path {{{}}}", p.name), Some(describe(self.old, &p.ty)), None)
                }
                (None, Some(q)) => {
                    self.push(WireKind::ParameterExtra, format!("{at} path {{{}}}", q.name), None, Some(describe(self.new, &q.ty)))
                }
                (None, None) => {}
            }
        }
        self.named_params(&at, "query", &a.query_params, &b.query_params, |x, y| x == y);
        self.named_params(&at, "header", &a.header_params, &b.header_params, |x, y| x.eq_ignore_ascii_case(y));
        self.body(&at, a, b);
        self.responses(&at, a, b);
    }

    fn named_params(&mut self, at: &str, location: &str, a: &'a [Param], b: &'a [Param], same: fn(&str, &str) -> bool) {
        for p in a {
            let place = format!("{at} {location} {}", p.name);
            match b.iter().find(|q| same(&p.name, &q.name)) {
                Some(q) => self.param(&place, p, q),
                None => self.push(WireKind::ParameterMissing, place, Some(describe(self.old, &p.ty)), None),
            }
        }
        for q in b {
            if !a.iter().any(|p| same(&p.name, &q.name)) {
                self.push(WireKind::ParameterExtra, format!("{at} {location} {}", q.name), None, Some(describe(self.new, &q.ty)));
            }
        }
    }

    fn param(&mut self, place: &str, p: &'a Param, q: &'a Param) {
        let required = |r: bool| if r { "required" } else { "optional" }.to_owned();
        if p.required != q.required {
            self.push(WireKind::ParameterRequired, place.to_owned(), Some(required(p.required)), Some(required(q.required)));
        }
        if (p.style, p.explode) != (q.style, q.explode) {
            let style = |x: &Param| format!("{:?}{}", x.style, if x.explode { ", explode" } else { "" }).to_lowercase();
            self.push(WireKind::ParameterStyle, place.to_owned(), Some(style(p)), Some(style(q)));
        }
        self.types(place, String::new(), (&p.ty, false), (&q.ty, false), 0);
    }

    fn body(&mut self, at: &str, a: &'a Operation, b: &'a Operation) {
        let place = format!("{at} body");
        match (&a.body, &b.body) {
            (None, None) => {}
            (Some(x), None) => self.push(WireKind::BodyMissing, place, Some(format!("{}: {}", x.media_type, describe(self.old, &x.ty))), None),
            (None, Some(y)) => self.push(WireKind::BodyExtra, place, None, Some(format!("{}: {}", y.media_type, describe(self.new, &y.ty)))),
            (Some(x), Some(y)) => {
                if x.media_type != y.media_type {
                    self.push(WireKind::BodyMedia, place.clone(), Some(x.media_type.clone()), Some(y.media_type.clone()));
                }
                if x.required != y.required {
                    let required = |r: bool| if r { "required" } else { "optional" }.to_owned();
                    self.push(WireKind::BodyRequired, place.clone(), Some(required(x.required)), Some(required(y.required)));
                }
                self.types(&place, String::new(), (&x.ty, false), (&y.ty, false), 0);
            }
        }
    }

    fn responses(&mut self, at: &str, a: &'a Operation, b: &'a Operation) {
        let media = |m: &ResponseMedia| match m {
            ResponseMedia::Json => "application/json".to_owned(),
            ResponseMedia::Text(types) | ResponseMedia::Binary(types) => types.clone(),
        };
        if a.response_media != b.response_media {
            self.push(WireKind::ResponseMedia, format!("{at} success"), Some(media(&a.response_media)), Some(media(&b.response_media)));
        }
        // Status order: `2XX` and `200` before `4XX` and `default`, as the descriptions sort them.
        let statuses: BTreeSet<&str> = a.responses.iter().chain(&b.responses).map(|r| r.status.as_str()).collect();
        for status in statuses {
            let place = format!("{at} {status}");
            let x = a.responses.iter().find(|r| r.status == status);
            let y = b.responses.iter().find(|r| r.status == status);
            match (x, y) {
                (Some(x), Some(y)) => self.types(&place, String::new(), (&x.ty, false), (&y.ty, false), 0),
                (Some(x), None) => self.push(WireKind::ResponseMissing, place, Some(describe(self.old, &x.ty)), None),
                (None, Some(y)) => self.push(WireKind::ResponseExtra, place, None, Some(describe(self.new, &y.ty))),
                (None, None) => {}
            }
        }
    }

    // ----- topics ---------------------------------------------------------------------------

    fn topics(&mut self) {
        fn list(api: &Api) -> BTreeMap<&str, &Ty> {
            api.webhooks.iter().flat_map(|w| &w.topics).map(|t| (t.topic.as_str(), &t.item)).collect()
        }
        let (old, new) = (list(self.old), list(self.new));
        let topics: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
        for topic in topics {
            let place = format!("topic {topic} item");
            match (old.get(topic).copied(), new.get(topic).copied()) {
                (Some(x), Some(y)) => self.types(&place, String::new(), (x, false), (y, false), 0),
                (Some(x), None) => self.push(WireKind::TopicMissing, place, Some(describe(self.old, x)), None),
                (None, Some(y)) => self.push(WireKind::TopicExtra, place, None, Some(describe(self.new, y))),
                (None, None) => {}
            }
        }
    }

    // ----- schemas --------------------------------------------------------------------------

    /// Walks two types side by side; each carries whether the place itself allows `null` (a
    /// nullable field).
    fn types(&mut self, at: &str, path: String, (a, a_null): (&'a Ty, bool), (b, b_null): (&'a Ty, bool), depth: usize) {
        let (x, y) = (resolve(self.old, a), resolve(self.new, b));
        let (x_null, y_null) = (a_null || x.nullable, b_null || y.nullable);
        // `Any` takes `null` already: saying so adds nothing.
        let any = matches!(x.shape, Shape::Any) || matches!(y.shape, Shape::Any);
        if x_null != y_null && !any {
            let word = |n: bool| if n { "nullable" } else { "not nullable" }.to_owned();
            self.push(WireKind::Nullable, located(at, &path), Some(word(x_null)), Some(word(y_null)));
        }
        let named = matches!(x.at, Ty::Named(_)) || matches!(y.at, Ty::Named(_));
        if depth > MAX_WALK_DEPTH || (named && !self.seen.insert((x.at, y.at))) {
            return;
        }
        self.shapes(at, path, (x.shape, x.at), (y.shape, y.at), depth + 1);
    }

    fn shapes(&mut self, at: &str, path: String, (x, a): (Shape<'a>, &'a Ty), (y, b): (Shape<'a>, &'a Ty), depth: usize) {
        match (x, y) {
            (Shape::Any, Shape::Any) => {}
            // `type: object` alone is free-form in the model; a map of anything is the same object.
            (Shape::Any, Shape::Map(Ty::Any)) | (Shape::Map(Ty::Any), Shape::Any) => {}
            (Shape::Scalar(p), Shape::Scalar(q)) => {
                if p != q {
                    let kind = if coarse(x) == coarse(y) { WireKind::Format } else { WireKind::Type };
                    self.push(kind, located(at, &path), Some(scalar_name(p).to_owned()), Some(scalar_name(q).to_owned()));
                }
            }
            (Shape::Enum(_), Shape::Scalar(Ty::String)) | (Shape::Scalar(Ty::String), Shape::Enum(_)) => {
                self.push(WireKind::EnumConstraint, located(at, &path), Some(describe(self.old, a)), Some(describe(self.new, b)));
            }
            (Shape::Array(p), Shape::Array(q)) => self.types(at, format!("{path}[]"), (p, false), (q, false), depth),
            (Shape::Map(p), Shape::Map(q)) => self.types(at, format!("{path}.*"), (p, false), (q, false), depth),
            (Shape::Struct(p), Shape::Struct(q)) => self.structs(at, &path, p, q, depth),
            (Shape::Enum(p), Shape::Enum(q)) => {
                for value in &p.values {
                    if !q.values.iter().any(|v| v.value == value.value) {
                        self.push(WireKind::EnumValueMissing, located(at, &path), Some(value.value.clone()), None);
                    }
                }
                for value in &q.values {
                    if !p.values.iter().any(|v| v.value == value.value) {
                        self.push(WireKind::EnumValueExtra, located(at, &path), None, Some(value.value.clone()));
                    }
                }
            }
            (Shape::Union(_), _) | (_, Shape::Union(_)) => self.unions(at, &path, (x, a), (y, b), depth),
            _ => self.push(WireKind::Type, located(at, &path), Some(describe(self.old, a)), Some(describe(self.new, b))),
        }
    }

    fn structs(&mut self, at: &str, path: &str, p: &'a Struct, q: &'a Struct, depth: usize) {
        let required = |r: bool| if r { "required" } else { "optional" }.to_owned();
        for f in &p.fields {
            let place = format!("{path}.{}", f.wire_name);
            match q.fields.iter().find(|g| g.wire_name == f.wire_name) {
                Some(g) => {
                    if f.required != g.required {
                        self.push(WireKind::Required, located(at, &place), Some(required(f.required)), Some(required(g.required)));
                    }
                    self.types(at, place, (&f.ty, f.nullable), (&g.ty, g.nullable), depth);
                }
                None => self.push(WireKind::FieldMissing, located(at, &place), Some(describe(self.old, &f.ty)), None),
            }
        }
        for g in &q.fields {
            if !p.fields.iter().any(|f| f.wire_name == g.wire_name) {
                self.push(WireKind::FieldExtra, located(at, &format!("{path}.{}", g.wire_name)), None, Some(describe(self.new, &g.ty)));
            }
        }
        let place = format!("{path}.*");
        match (&p.additional, &q.additional) {
            (Some(x), Some(y)) => self.types(at, place, (x, false), (y, false), depth),
            (Some(x), None) => self.push(WireKind::FieldMissing, located(at, &place), Some(describe(self.old, x)), None),
            (None, Some(y)) => self.push(WireKind::FieldExtra, located(at, &place), None, Some(describe(self.new, y))),
            (None, None) => {}
        }
    }

    /// Two unions, or a union and another type (taken as a union of one variant): variants paired
    /// by tag value when both are tagged, else by structure.
    fn unions(&mut self, at: &str, path: &str, (x, a): (Shape<'a>, &'a Ty), (y, b): (Shape<'a>, &'a Ty), depth: usize) {
        let variants = |shape: Shape<'a>, ty: &'a Ty| -> (Option<&'a str>, Vec<(&'a Ty, &'a [String])>) {
            match shape {
                Shape::Union(u) => (u.tag.as_deref(), u.variants.iter().map(|v| (&v.ty, v.tag_values.as_slice())).collect()),
                _ => (None, vec![(ty, &[][..])]),
            }
        };
        let ((tag_a, va), (tag_b, vb)) = (variants(x, a), variants(y, b));
        let both_unions = matches!((x, y), (Shape::Union(_), Shape::Union(_)));
        if both_unions && tag_a != tag_b {
            let tag = |t: Option<&str>| Some(t.map_or_else(|| "untagged".to_owned(), |t| format!("tagged by {t}")));
            self.push(WireKind::UnionTag, located(at, path), tag(tag_a), tag(tag_b));
        }
        // Pairs of (old index, new index).
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let labels: Vec<String>;
        if let (Some(tag), Some(_)) = (tag_a, tag_b) {
            for (i, (_, values)) in va.iter().enumerate() {
                if let Some(j) = vb.iter().position(|(_, other)| other.iter().any(|v| values.contains(v))) {
                    pairs.push((i, j));
                }
            }
            let label = |values: &[String]| format!("<{tag}={}>", values.first().map_or("?", String::as_str));
            labels = va.iter().map(|(_, values)| label(values)).chain(vb.iter().map(|(_, values)| label(values))).collect();
        } else {
            let kinds_a: Vec<&str> = va.iter().map(|(ty, _)| coarse(resolve(self.old, ty).shape)).collect();
            let kinds_b: Vec<&str> = vb.iter().map(|(ty, _)| coarse(resolve(self.new, ty).shape)).collect();
            let mut taken = vec![false; vb.len()];
            for (i, kind) in kinds_a.iter().enumerate() {
                let best = (0..vb.len())
                    .filter(|&j| !taken[j] && kinds_b[j] == *kind)
                    .max_by_key(|&j| (self.overlap(va[i].0, vb[j].0), std::cmp::Reverse(j)));
                if let Some(j) = best {
                    taken[j] = true;
                    pairs.push((i, j));
                }
            }
            // `<object>`, or `<object #2>` when the side has several objects.
            let label = |kinds: &[&str], i: usize| {
                let n = kinds[..i].iter().filter(|k| **k == kinds[i]).count();
                let many = kinds.iter().filter(|k| **k == kinds[i]).count() > 1;
                if many {
                    format!("<{} #{}>", kinds[i], n + 1)
                } else {
                    format!("<{}>", kinds[i])
                }
            };
            labels = (0..va.len()).map(|i| label(&kinds_a, i)).chain((0..vb.len()).map(|j| label(&kinds_b, j))).collect();
        }
        if !both_unions && pairs.is_empty() {
            self.push(WireKind::Type, located(at, path), Some(describe(self.old, a)), Some(describe(self.new, b)));
            return;
        }
        // A lone non-union side is labelled by the variant it pairs with.
        let label_of = |i: usize| labels[i].clone();
        for (i, &(ty, _)) in va.iter().enumerate() {
            match pairs.iter().find(|(p, _)| *p == i) {
                Some(&(_, j)) => {
                    let label = if matches!(x, Shape::Union(_)) { label_of(i) } else { label_of(va.len() + j) };
                    self.types(at, format!("{path}{label}"), (ty, false), (vb[j].0, false), depth);
                }
                None => self.push(WireKind::VariantMissing, located(at, &format!("{path}{}", label_of(i))), Some(describe(self.old, ty)), None),
            }
        }
        for (j, &(ty, _)) in vb.iter().enumerate() {
            if !pairs.iter().any(|(_, q)| *q == j) {
                self.push(WireKind::VariantExtra, located(at, &format!("{path}{}", label_of(va.len() + j))), None, Some(describe(self.new, ty)));
            }
        }
    }

    /// How alike two object types are: the field names they share (and those of the objects,
    /// or arrays of objects, in these fields, three levels down), then fewer names only one of
    /// them has; `(0, 0)` for anything but objects.
    fn overlap(&self, a: &'a Ty, b: &'a Ty) -> (usize, std::cmp::Reverse<usize>) {
        let (shared, apart) = self.overlap_depth(a, b, 0);
        (shared, std::cmp::Reverse(apart))
    }

    fn overlap_depth(&self, a: &'a Ty, b: &'a Ty, depth: usize) -> (usize, usize) {
        if depth > 3 {
            return (0, 0);
        }
        match (resolve(self.old, a).shape, resolve(self.new, b).shape) {
            (Shape::Struct(p), Shape::Struct(q)) => {
                let (mut shared, mut apart) = (0, 0);
                for f in &p.fields {
                    match q.fields.iter().find(|g| g.wire_name == f.wire_name) {
                        Some(g) => {
                            let (s, d) = self.overlap_depth(&f.ty, &g.ty, depth + 1);
                            shared += 1 + s;
                            apart += d;
                        }
                        None => apart += 1,
                    }
                }
                apart += q.fields.iter().filter(|g| !p.fields.iter().any(|f| f.wire_name == g.wire_name)).count();
                (shared, apart)
            }
            (Shape::Array(p), Shape::Array(q)) => self.overlap_depth(p, q, depth + 1),
            _ => (0, 0),
        }
    }
}
