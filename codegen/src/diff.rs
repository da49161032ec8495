//! Change report: takes two named models (an old and a new description), gives what changed
//! for users of the generated Rust crate, each change classified as breaking or not.
//!
//! # Matching
//!
//! - Operations are matched by operationId; an operation whose operationId the other side lacks
//!   is then paired by HTTP method and path, placeholder names aside (`/contacts/{id}` is
//!   `/contacts/{contact_id}`), and reported as one [`ChangeKind::OperationRenamed`] line.
//!   Webhook topics are matched by their topic string.
//! - Types are matched by their schema name (`components/schemas/<name>`), and inline types by
//!   their Rust name. Types are compared structurally: a [`Ty`] is rendered with the Rust names
//!   of the types it names (`Vec<Contact>`), never with [`TypeId`]s, which differ between documents.
//! - Fields and query parameters are matched by their wire name; path parameters by name, then
//!   by position (they are positional arguments); enum values by value; union variants by their
//!   Rust variant name.
//!
//! # Classification
//!
//! A change is *breaking* when code written against the crate generated from the old
//! description can stop compiling (or silently change meaning) against the new one.
//!
//! - Anything removed or renamed (operation, parameter, type, field, enum value, union variant,
//!   topic, the method's group or name) is breaking.
//! - A retyped parameter, body, response, field, alias or variant is breaking, unless both types
//!   are the same once type aliases are followed (`pub type Ids = Vec<String>` is transparent).
//! - A field's Rust type is `T` when it is required and not nullable and `Option<T>` otherwise.
//!   A required/nullable change that flips between the two is breaking for every type (readers
//!   and constructors both see the type change); one that keeps the Rust type (e.g. required and
//!   nullable -> optional) changes only what goes on the wire and is not breaking.
//! - A new field is breaking in a type users construct: struct literals must name every field
//!   (the structs are not `#[non_exhaustive]`). A type is *response-only* when it is reachable
//!   from success or error responses or webhook items but from no request body or parameter;
//!   a new field there is not breaking. Types no operation uses count as constructible.
//! - A struct that stops deriving `Default` (it gains a field of type `T`) is breaking: removing a
//!   trait implementation is a major change (Cargo's SemVer guide).
//! - A new query parameter adds a field to the operation's `…Params` struct, or a `params`
//!   argument; a new path parameter or request body adds an argument: all breaking.
//! - A new enum value is not breaking: values the client does not know decode into the
//!   `Unknown(String)` catch-all. (Caveat: the enums are not `#[non_exhaustive]`, so a user `match`
//!   listing every variant without a `_` arm needs a new arm; the value that used to arrive as
//!   `Unknown("x")` now arrives as its own variant.) A new topic is not breaking for the same
//!   reason (`Topic::Unknown`, `WebhookEvent::Unknown`).
//! - A new variant of a tagged union is not breaking (`Unknown(Value)` catch-all); of an untagged
//!   union it is (no catch-all, and serde tries the variants in order, so the new one can capture
//!   values an existing one decoded).
//! - A new operation or type is not breaking; a changed HTTP method or path, or a newly
//!   deprecated operation, is not breaking (the Rust signature stays).
//! - A new operationId for the same method and path is breaking when the Rust method's name or
//!   group changes with it (it is named from the operationId), and not otherwise.
//!
//! Each change carries the version bump it needs ([`Bump`]); the report's suggestion is the
//! largest: major for anything breaking, minor when something was added, patch otherwise.
//!
//! # Wire mode
//!
//! [`wire`] compares the same two models for what goes over the wire instead, ignoring every
//! Rust and schema name (`cargo xtask diff --wire`): for two independently written descriptions
//! of one API, where this report would see renamed types everywhere.

pub mod wire;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{Api, Field, Operation, Param, Struct, Ty, TypeDef, TypeId, TypeKind};
use crate::{Config, Error};

/// What kind of thing changed, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An operationId only the new description has.
    OperationAdded,
    /// An operationId only the old description has.
    OperationRemoved,
    /// HTTP method, path, deprecation, or the Rust method/group/params-struct name.
    OperationChanged,
    /// Another operationId for the same HTTP method and path (placeholder names aside).
    OperationRenamed,
    /// A path or query parameter only the new operation has.
    ParameterAdded,
    /// A path or query parameter only the old operation has.
    ParameterRemoved,
    /// A parameter's type changed (or a path parameter moved to another position).
    ParameterRetyped,
    /// A path parameter with a new name at the same position and of the same type.
    ParameterRenamed,
    /// Required <-> optional.
    ParameterRequiredness,
    /// The request body was added, removed, retyped, or became required/optional.
    RequestBodyChanged,
    /// The success response's type changed (or the operation started/stopped returning a body).
    ResponseChanged,
    /// A type only the new description has.
    TypeAdded,
    /// A type only the old description has.
    TypeRemoved,
    /// Renamed in Rust, changed kind (struct/enum/union/alias), alias retargeted, `Default` gained or lost, union tag changed.
    TypeChanged,
    /// A struct field (or the map of extra keys) only the new type has.
    FieldAdded,
    /// A struct field (or the map of extra keys) only the old type has.
    FieldRemoved,
    /// A field's Rust type changed (ignoring `Option`, which [`ChangeKind::FieldRequiredness`] covers).
    FieldRetyped,
    /// The same wire name got another Rust field name.
    FieldRenamed,
    /// Required/nullable changed.
    FieldRequiredness,
    /// A string enum value only the new enum has.
    EnumValueAdded,
    /// A string enum value only the old enum has.
    EnumValueRemoved,
    /// The same value got another Rust variant name.
    EnumValueRenamed,
    /// A `oneOf`/`anyOf` variant only the new union has.
    UnionVariantAdded,
    /// A `oneOf`/`anyOf` variant only the old union has.
    UnionVariantRemoved,
    /// A variant's payload type changed.
    UnionVariantRetyped,
    /// A webhook topic only the new AsyncAPI description has.
    TopicAdded,
    /// A webhook topic only the old AsyncAPI description has.
    TopicRemoved,
    /// The topic's item type or Rust variant name changed.
    TopicChanged,
}

impl ChangeKind {
    /// Every kind, in report order.
    pub const ALL: [ChangeKind; 28] = [
        ChangeKind::OperationAdded,
        ChangeKind::OperationRemoved,
        ChangeKind::OperationChanged,
        ChangeKind::OperationRenamed,
        ChangeKind::ParameterAdded,
        ChangeKind::ParameterRemoved,
        ChangeKind::ParameterRetyped,
        ChangeKind::ParameterRenamed,
        ChangeKind::ParameterRequiredness,
        ChangeKind::RequestBodyChanged,
        ChangeKind::ResponseChanged,
        ChangeKind::TypeAdded,
        ChangeKind::TypeRemoved,
        ChangeKind::TypeChanged,
        ChangeKind::FieldAdded,
        ChangeKind::FieldRemoved,
        ChangeKind::FieldRetyped,
        ChangeKind::FieldRenamed,
        ChangeKind::FieldRequiredness,
        ChangeKind::EnumValueAdded,
        ChangeKind::EnumValueRemoved,
        ChangeKind::EnumValueRenamed,
        ChangeKind::UnionVariantAdded,
        ChangeKind::UnionVariantRemoved,
        ChangeKind::UnionVariantRetyped,
        ChangeKind::TopicAdded,
        ChangeKind::TopicRemoved,
        ChangeKind::TopicChanged,
    ];

    /// The snake_case name used in every output format, e.g. `field_added`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::OperationAdded => "operation_added",
            ChangeKind::OperationRemoved => "operation_removed",
            ChangeKind::OperationChanged => "operation_changed",
            ChangeKind::OperationRenamed => "operation_renamed",
            ChangeKind::ParameterAdded => "parameter_added",
            ChangeKind::ParameterRemoved => "parameter_removed",
            ChangeKind::ParameterRetyped => "parameter_retyped",
            ChangeKind::ParameterRenamed => "parameter_renamed",
            ChangeKind::ParameterRequiredness => "parameter_requiredness",
            ChangeKind::RequestBodyChanged => "request_body_changed",
            ChangeKind::ResponseChanged => "response_changed",
            ChangeKind::TypeAdded => "type_added",
            ChangeKind::TypeRemoved => "type_removed",
            ChangeKind::TypeChanged => "type_changed",
            ChangeKind::FieldAdded => "field_added",
            ChangeKind::FieldRemoved => "field_removed",
            ChangeKind::FieldRetyped => "field_retyped",
            ChangeKind::FieldRenamed => "field_renamed",
            ChangeKind::FieldRequiredness => "field_requiredness",
            ChangeKind::EnumValueAdded => "enum_value_added",
            ChangeKind::EnumValueRemoved => "enum_value_removed",
            ChangeKind::EnumValueRenamed => "enum_value_renamed",
            ChangeKind::UnionVariantAdded => "union_variant_added",
            ChangeKind::UnionVariantRemoved => "union_variant_removed",
            ChangeKind::UnionVariantRetyped => "union_variant_retyped",
            ChangeKind::TopicAdded => "topic_added",
            ChangeKind::TopicRemoved => "topic_removed",
            ChangeKind::TopicChanged => "topic_changed",
        }
    }

    /// The kind in words, for text and Markdown, e.g. `field added`.
    pub fn label(self) -> String {
        self.as_str().replace('_', " ")
    }
}

/// The version bump a change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Nothing users can name changed (or nothing changed at all).
    Patch,
    /// Something was added; existing code keeps compiling.
    Minor,
    /// Existing code can stop compiling or change meaning.
    Major,
}

impl Bump {
    /// The advice printed with the report.
    pub fn advice(self) -> &'static str {
        match self {
            Bump::Major => "breaking: bump the major version (or the minor version while 0.x)",
            Bump::Minor => "additions only: bump the minor version (or the patch version while 0.x)",
            Bump::Patch => "no API change: bump the patch version",
        }
    }
}

/// One change between the two descriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind of change it is.
    pub kind: ChangeKind,
    /// Whether code written against the old generated crate can break (`bump == Major`).
    pub breaking: bool,
    /// The version bump this change needs on its own.
    pub bump: Bump,
    /// What changed: an operationId, a type's Rust name, or a topic string.
    pub target: String,
    /// The part of the target: a parameter (`query per_page`, `path id`), a field's or enum value's
    /// wire name, a variant's Rust name, or the aspect of an operation or type (`path`, `kind`, ...).
    pub member: Option<String>,
    /// The old state, rendered (a Rust type, `GET /path`, ...), when there was one.
    pub old: Option<String>,
    /// The new state, rendered, when there is one.
    pub new: Option<String>,
    /// Why it is classified so.
    pub reason: String,
}

impl Change {
    /// `target` or `target.member`.
    pub fn subject(&self) -> String {
        match &self.member {
            Some(member) => format!("{}.{}", self.target, member),
            None => self.target.clone(),
        }
    }

    /// `old -> new`, `added: new` or `removed: old`.
    pub fn transition(&self) -> String {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => format!("{old} -> {new}"),
            (None, Some(new)) => new.clone(),
            (Some(old), None) => format!("was {old}"),
            (None, None) => String::new(),
        }
    }
}

/// Title and version of one side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// `info.title` of the OpenAPI description.
    pub title: String,
    /// `info.version` of the OpenAPI description.
    pub version: String,
    /// The AsyncAPI description's version, when webhooks were compared.
    pub webhooks_version: Option<String>,
}

impl Side {
    fn of(api: &Api) -> Self {
        Side { title: api.title.clone(), version: api.version.clone(), webhooks_version: api.webhooks.as_ref().map(|w| w.version.clone()) }
    }

    fn describe(&self) -> String {
        let mut text = format!("{} {}", self.title, self.version).trim().to_owned();
        if let Some(version) = &self.webhooks_version {
            let _ = write!(text, " (webhooks {version})");
        }
        if text.is_empty() {
            "(empty)".to_owned()
        } else {
            text
        }
    }
}

/// Counts per change kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct KindCount {
    /// How many of them are breaking.
    pub breaking: usize,
    /// How many of them are not.
    pub non_breaking: usize,
}

/// The changes between two descriptions, in a deterministic order: operations by operationId,
/// then types by Rust name, then topics; inside one target, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeReport {
    /// The description compared from.
    pub old: Side,
    /// The description compared to.
    pub new: Side,
    /// Every change found.
    pub changes: Vec<Change>,
}

/// The JSON shape (see [`ChangeReport::to_json`]).
#[derive(Serialize)]
struct JsonReport<'a> {
    old: &'a Side,
    new: &'a Side,
    bump: Bump,
    advice: &'static str,
    breaking: usize,
    non_breaking: usize,
    counts: BTreeMap<&'static str, KindCount>,
    changes: &'a [Change],
}

impl ChangeReport {
    /// The bump the whole report needs: the largest of its changes'.
    pub fn bump(&self) -> Bump {
        self.changes.iter().map(|c| c.bump).max().unwrap_or(Bump::Patch)
    }

    /// The breaking changes.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.breaking)
    }

    /// The changes that are not breaking.
    pub fn non_breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| !c.breaking)
    }

    /// The changes of one kind.
    pub fn of_kind(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// Breaking and non-breaking counts for every kind that occurs, in report order.
    pub fn counts(&self) -> Vec<(ChangeKind, KindCount)> {
        ChangeKind::ALL
            .iter()
            .filter_map(|&kind| {
                let mut count = KindCount::default();
                for change in self.of_kind(kind) {
                    if change.breaking {
                        count.breaking += 1;
                    } else {
                        count.non_breaking += 1;
                    }
                }
                (count.breaking + count.non_breaking > 0).then_some((kind, count))
            })
            .collect()
    }

    /// Plain text, one change a line, breaking ones first.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let breaking: Vec<&Change> = self.breaking().collect();
        let other: Vec<&Change> = self.non_breaking().collect();
        let _ = writeln!(out, "API change report: {} -> {}", self.old.describe(), self.new.describe());
        let _ = writeln!(out, "{}", self.bump().advice());
        let _ = writeln!(out, "{} breaking, {} non-breaking changes", breaking.len(), other.len());
        if self.changes.is_empty() {
            return out;
        }
        out.push_str("\nCounts:\n");
        for (kind, count) in self.counts() {
            let _ = writeln!(out, "  {:<24} {:>4} breaking {:>4} non-breaking", kind.as_str(), count.breaking, count.non_breaking);
        }
        for (title, list) in [("Breaking changes", &breaking), ("Non-breaking changes", &other)] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title} ({}):", list.len());
            for change in list {
                let transition = change.transition();
                let _ = write!(out, "  {:<24} {}", change.kind.as_str(), change.subject());
                if !transition.is_empty() {
                    let _ = write!(out, ": {transition}");
                }
                let _ = writeln!(out, "\n  {:<24}   ({})", "", change.reason);
            }
        }
        out
    }

    /// Markdown for a changelog or pull request: a summary line and one table per severity.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let breaking: Vec<&Change> = self.breaking().collect();
        let other: Vec<&Change> = self.non_breaking().collect();
        let _ = writeln!(out, "## API changes: {} → {}\n", md_cell(&self.old.describe()), md_cell(&self.new.describe()));
        let _ = writeln!(out, "**{}** — {} breaking, {} non-breaking changes.", md_cell(self.bump().advice()), breaking.len(), other.len());
        if self.changes.is_empty() {
            return out;
        }
        out.push_str("\n| Kind | Breaking | Non-breaking |\n|---|---:|---:|\n");
        for (kind, count) in self.counts() {
            let _ = writeln!(out, "| {} | {} | {} |", kind.label(), count.breaking, count.non_breaking);
        }
        for (title, list) in [("Breaking changes", &breaking), ("Non-breaking changes", &other)] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title} ({})\n", list.len());
            out.push_str("| Change | Where | Old | New | Why |\n|---|---|---|---|---|\n");
            for change in list {
                let code = |text: &Option<String>| text.as_deref().map_or_else(String::new, |t| format!("`{}`", md_cell(t)));
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} | {} |",
                    change.kind.label(),
                    md_cell(&change.subject()),
                    code(&change.old),
                    code(&change.new),
                    md_cell(&change.reason)
                );
            }
        }
        out
    }

    /// Pretty JSON. The shape, fields always in this order and always present (`null` when empty):
    ///
    /// ```text
    /// { "old": {"title", "version", "webhooks_version"}, "new": {...},
    ///   "bump": "major" | "minor" | "patch", "advice": "...",
    ///   "breaking": 3, "non_breaking": 5,
    ///   "counts": { "<kind>": {"breaking": 1, "non_breaking": 0}, ... },   // kinds that occur, sorted
    ///   "changes": [ {"kind", "breaking", "bump", "target", "member", "old", "new", "reason"}, ... ] }
    /// ```
    pub fn to_json(&self) -> String {
        let report = JsonReport {
            old: &self.old,
            new: &self.new,
            bump: self.bump(),
            advice: self.bump().advice(),
            breaking: self.breaking().count(),
            non_breaking: self.non_breaking().count(),
            counts: self.counts().into_iter().map(|(k, c)| (k.as_str(), c)).collect(),
            changes: &self.changes,
        };
        // Plain data (strings, numbers, maps with string keys): serializing cannot fail.
        serde_json::to_string_pretty(&report).unwrap_or_default()
    }
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Builds both models (in parallel) and compares them. A description that fails to load gives its located error.
pub fn compare_configs(old: &Config, new: &Config) -> Result<ChangeReport, Error> {
    let (old, new) = build_both(old, new)?;
    Ok(compare(&old.api, &new.api))
}

/// Builds both models (in parallel) and compares what they put on the wire ([`wire`]).
pub fn compare_wire_configs(old: &Config, new: &Config) -> Result<wire::WireReport, Error> {
    let (old, new) = build_both(old, new)?;
    Ok(wire::compare(&old.api, &new.api))
}

fn build_both(old: &Config, new: &Config) -> Result<(crate::Model, crate::Model), Error> {
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| crate::build_model(old));
        let new = crate::build_model(new);
        let old = old.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (old, new)
    });
    Ok((old?, new?))
}

/// Compares two named models (from [`crate::build_model`]).
pub fn compare(old: &Api, new: &Api) -> ChangeReport {
    let mut diff = Diff { old: SideIndex::new(old), new: SideIndex::new(new), changes: Vec::new() };
    diff.operations();
    diff.types();
    diff.topics();
    ChangeReport { old: Side::of(old), new: Side::of(new), changes: diff.changes }
}

// ---------------------------------------------------------------------------------------------

/// Whether users construct a type (it reaches a request) and/or receive it (it reaches a response).
#[derive(Debug, Clone, Copy, Default)]
struct Roles {
    input: bool,
    output: bool,
}

/// One model with the lookups the comparison needs.
struct SideIndex<'a> {
    api: &'a Api,
    roles: Vec<Roles>,
    /// Match key of each type: its schema name, or `inline <RustName>`; numbered when repeated.
    keys: Vec<String>,
}

impl<'a> SideIndex<'a> {
    fn new(api: &'a Api) -> Self {
        let mut keys = Vec::with_capacity(api.types.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for def in &api.types {
            let base = match &def.schema_name {
                Some(name) => name.clone(),
                None => format!("inline {}", def.rust_name),
            };
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            keys.push(if *n == 1 { base } else { format!("{base} #{n}") });
        }
        SideIndex { api, roles: roles(api), keys }
    }

    /// The Rust spelling of a type, naming types by their Rust names; with `follow`, through aliases.
    fn render(&self, ty: &Ty, follow: bool) -> String {
        self.render_depth(ty, follow, 0)
    }

    fn render_depth(&self, ty: &Ty, follow: bool, depth: usize) -> String {
        match ty {
            Ty::String => "String".to_owned(),
            Ty::Integer => "i64".to_owned(),
            Ty::UInt64 => "u64".to_owned(),
            Ty::Int128 => "i128".to_owned(),
            Ty::Number => "f64".to_owned(),
            Ty::Boolean => "bool".to_owned(),
            Ty::Timestamp => "Timestamp".to_owned(),
            Ty::Binary => "FilePart".to_owned(),
            Ty::Any => "Value".to_owned(),
            Ty::Named(id) => match self.api.types.get(id.0) {
                Some(TypeDef { kind: TypeKind::Alias(inner), .. }) if follow && depth <= self.api.types.len() => {
                    self.render_depth(inner, follow, depth + 1)
                }
                Some(def) => def.rust_name.clone(),
                None => format!("<missing type {}>", id.0),
            },
            Ty::Array(item) => format!("Vec<{}>", self.render_depth(item, follow, depth)),
            Ty::Map(value) => format!("BTreeMap<String, {}>", self.render_depth(value, follow, depth)),
            Ty::Nullable(inner) => format!("Option<{}>", self.render_depth(inner, follow, depth)),
        }
    }

    fn role(&self, id: TypeId) -> Roles {
        self.roles.get(id.0).copied().unwrap_or_default()
    }
}

/// Marks every type reachable from request bodies and parameters (input) and from responses and webhook items (output).
fn roles(api: &Api) -> Vec<Roles> {
    let mut roles = vec![Roles::default(); api.types.len()];
    let mut inputs: Vec<&Ty> = Vec::new();
    let mut outputs: Vec<&Ty> = Vec::new();
    for op in &api.operations {
        inputs.extend(op.path_params.iter().chain(&op.query_params).chain(&op.header_params).map(|p| &p.ty));
        inputs.extend(op.body.as_ref().map(|b| &b.ty));
        outputs.extend(op.response.as_ref());
        outputs.extend(op.responses.iter().map(|r| &r.ty));
    }
    let envelope = api.webhooks.as_ref().and_then(|w| w.envelope).map(Ty::Named);
    if let Some(webhooks) = &api.webhooks {
        outputs.extend(webhooks.topics.iter().map(|t| &t.item));
    }
    outputs.extend(envelope.as_ref());
    for (roots, input) in [(inputs, true), (outputs, false)] {
        let mut stack: Vec<&Ty> = roots;
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => stack.push(inner),
                Ty::Named(id) => {
                    let Some(role) = roles.get_mut(id.0) else { continue };
                    let flag = if input { &mut role.input } else { &mut role.output };
                    if *flag {
                        continue;
                    }
                    *flag = true;
                    match &api.types[id.0].kind {
                        TypeKind::Struct(s) => {
                            stack.extend(s.fields.iter().map(|f| &f.ty));
                            stack.extend(s.additional.as_ref());
                        }
                        TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| &v.ty)),
                        TypeKind::Alias(inner) => stack.push(inner),
                        TypeKind::Enum(_) => {}
                    }
                }
                _ => {}
            }
        }
    }
    roles
}

/// Whether the emitted struct derives `Default` (all its fields are `Option`s).
fn derives_default(s: &Struct) -> bool {
    s.fields.iter().all(|f| !f.required || f.nullable)
}

/// The path with every `{placeholder}` emptied: `/contacts/{id}` and `/contacts/{contact_id}` are the same URL.
fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                shape.push(c);
            }
            '}' => {
                inside = false;
                shape.push(c);
            }
            _ if inside => {}
            _ => shape.push(c),
        }
    }
    shape
}

fn endpoint(op: &Operation) -> String {
    format!("{} {}", op.method.key().to_uppercase(), op.path)
}

/// The operations whose operationId the other side lacks, paired by HTTP method and path
/// (placeholder names aside) when exactly one such operation on each side has them: old id -> new operation.
fn pair_renamed<'a>(old: &BTreeMap<&'a str, &'a Operation>, new: &BTreeMap<&'a str, &'a Operation>) -> BTreeMap<&'a str, &'a Operation> {
    fn lonely<'a>(
        mine: &BTreeMap<&'a str, &'a Operation>,
        other: &BTreeMap<&'a str, &'a Operation>,
    ) -> BTreeMap<(crate::model::Method, String), Vec<&'a Operation>> {
        let mut by_endpoint: BTreeMap<(crate::model::Method, String), Vec<&'a Operation>> = BTreeMap::new();
        for (id, op) in mine {
            if !other.contains_key(id) {
                by_endpoint.entry((op.method, path_shape(&op.path))).or_default().push(*op);
            }
        }
        by_endpoint
    }
    let (old_lonely, new_lonely) = (lonely(old, new), lonely(new, old));
    let mut pairs = BTreeMap::new();
    for (key, a) in &old_lonely {
        if let (Some(b), [a]) = (new_lonely.get(key), a.as_slice()) {
            if let [b] = b.as_slice() {
                pairs.insert(a.id.as_str(), *b);
            }
        }
    }
    pairs
}

struct Diff<'a> {
    old: SideIndex<'a>,
    new: SideIndex<'a>,
    changes: Vec<Change>,
}

/// How two types compare: equal, equal once aliases are followed, or different (with their renderings).
enum TyDiff {
    Same,
    /// Different names, same type through aliases.
    Transparent(String, String),
    Different(String, String),
}

impl Diff<'_> {
    /// Records a change; the arguments are the fields of [`Change`], in order.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: ChangeKind,
        bump: Bump,
        target: &str,
        member: Option<String>,
        old: Option<String>,
        new: Option<String>,
        reason: impl Into<String>,
    ) {
        self.changes.push(Change {
            kind,
            breaking: bump == Bump::Major,
            bump,
            target: target.to_owned(),
            member,
            old,
            new,
            reason: reason.into(),
        });
    }

    fn ty_diff(&self, old: &Ty, new: &Ty) -> TyDiff {
        let (a, b) = (self.old.render(old, false), self.new.render(new, false));
        if a == b {
            return TyDiff::Same;
        }
        if self.old.render(old, true) == self.new.render(new, true) {
            TyDiff::Transparent(a, b)
        } else {
            TyDiff::Different(a, b)
        }
    }

    // ----- operations -----------------------------------------------------------------------

    fn operations(&mut self) {
        let old: BTreeMap<&str, &Operation> = self.old.api.operations.iter().map(|o| (o.id.as_str(), o)).collect();
        let new: BTreeMap<&str, &Operation> = self.new.api.operations.iter().map(|o| (o.id.as_str(), o)).collect();
        let renamed = pair_renamed(&old, &new);
        let renamed_to: BTreeSet<&str> = renamed.values().map(|op| op.id.as_str()).collect();
        let mut ids: Vec<&str> = old.keys().chain(new.keys()).copied().collect::<BTreeSet<&str>>().into_iter().collect();
        ids.sort_by_key(|id| (id.to_ascii_lowercase(), *id));
        for id in ids {
            match (old.get(id), new.get(id)) {
                (None, Some(_)) if renamed_to.contains(id) => {}
                (Some(a), None) if renamed.contains_key(id) => {
                    let b = renamed[id];
                    self.operation_renamed(a, b);
                    self.operation(a, b);
                }
                (None, Some(op)) => self.push(
                    ChangeKind::OperationAdded,
                    Bump::Minor,
                    id,
                    None,
                    None,
                    Some(format!("{} ({}().{})", endpoint(op), op.group_accessor, op.rust_name)),
                    "a new method; existing code is unaffected",
                ),
                (Some(op), None) => self.push(
                    ChangeKind::OperationRemoved,
                    Bump::Major,
                    id,
                    None,
                    Some(format!("{} ({}().{})", endpoint(op), op.group_accessor, op.rust_name)),
                    None,
                    "calls to the removed method stop compiling",
                ),
                (Some(a), Some(b)) => self.operation(a, b),
                (None, None) => {}
            }
        }
    }

    /// The one line for an operationId that changed on the same method and path: it carries the
    /// change of the Rust method, if any.
    fn operation_renamed(&mut self, a: &Operation, b: &Operation) {
        let call = |op: &Operation| format!("{} ({}().{})", op.id, op.group_accessor, op.rust_name);
        let (bump, reason) = if (&a.group_accessor, &a.rust_name) == (&b.group_accessor, &b.rust_name) {
            (Bump::Patch, "another operationId for the same method and path; the Rust method keeps its name")
        } else {
            (Bump::Major, "another operationId for the same method and path: the Rust method was renamed, calls stop compiling")
        };
        self.push(ChangeKind::OperationRenamed, bump, &a.id, None, Some(call(a)), Some(call(b)), reason);
    }

    fn operation(&mut self, a: &Operation, b: &Operation) {
        let id = a.id.as_str();
        let call = |op: &Operation| format!("{}().{}", op.group_accessor, op.rust_name);
        // A renamed operation's line already says where its Rust method went.
        if call(a) != call(b) && a.id == b.id {
            self.push(
                ChangeKind::OperationChanged,
                Bump::Major,
                id,
                Some("method".into()),
                Some(call(a)),
                Some(call(b)),
                "the Rust method moved or was renamed (its tag or name changed): calls stop compiling",
            );
        }
        // Placeholder names do not reach the URL (renamed path parameters are reported on their own).
        if a.method != b.method || path_shape(&a.path) != path_shape(&b.path) {
            self.push(
                ChangeKind::OperationChanged,
                Bump::Patch,
                id,
                Some("endpoint".into()),
                Some(endpoint(a)),
                Some(endpoint(b)),
                "same Rust signature; only the request line changes",
            );
        }
        if a.deprecated != b.deprecated {
            let (bump, reason) = if b.deprecated {
                (Bump::Patch, "now deprecated: callers get a warning, code still compiles")
            } else {
                (Bump::Patch, "no longer deprecated")
            };
            self.push(
                ChangeKind::OperationChanged,
                bump,
                id,
                Some("deprecated".into()),
                Some(a.deprecated.to_string()),
                Some(b.deprecated.to_string()),
                reason,
            );
        }
        if a.has_params_struct() && b.has_params_struct() && a.params_rust_name != b.params_rust_name {
            self.push(
                ChangeKind::OperationChanged,
                Bump::Major,
                id,
                Some("params struct".into()),
                Some(a.params_rust_name.clone()),
                Some(b.params_rust_name.clone()),
                "the query-parameter struct was renamed",
            );
        }
        self.path_params(id, &a.path_params, &b.path_params);
        self.query_params(a, b);
        self.body(a, b);
        self.response(a, b);
    }

    fn path_params(&mut self, id: &str, a: &[Param], b: &[Param]) {
        let member = |p: &Param| Some(format!("path {}", p.name));
        let mut renamed: Vec<usize> = Vec::new();
        for (index, old) in a.iter().enumerate() {
            match b.iter().position(|p| p.name == old.name) {
                Some(at) => {
                    if at != index {
                        self.push(
                            ChangeKind::ParameterRetyped,
                            Bump::Major,
                            id,
                            member(old),
                            Some(format!("argument {}", index + 1)),
                            Some(format!("argument {}", at + 1)),
                            "path parameters are positional arguments: the order changed",
                        );
                    }
                    self.param_ty(id, member(old), &old.ty, &b[at].ty);
                }
                None => {
                    // A new name at the same position with the same type: positional, so only the argument's name changed.
                    let successor = b.get(index).filter(|p| !a.iter().any(|q| q.name == p.name));
                    match successor {
                        Some(next) if matches!(self.ty_diff(&old.ty, &next.ty), TyDiff::Same | TyDiff::Transparent(..)) => {
                            renamed.push(index);
                            self.push(
                                ChangeKind::ParameterRenamed,
                                Bump::Patch,
                                id,
                                member(old),
                                Some(old.name.clone()),
                                Some(next.name.clone()),
                                "path parameters are positional arguments of the same type: callers are unaffected",
                            );
                        }
                        _ => self.push(
                            ChangeKind::ParameterRemoved,
                            Bump::Major,
                            id,
                            member(old),
                            Some(self.old.render(&old.ty, false)),
                            None,
                            "a method argument was removed: calls stop compiling",
                        ),
                    }
                }
            }
        }
        for (index, new) in b.iter().enumerate() {
            if a.iter().any(|p| p.name == new.name) || renamed.contains(&index) {
                continue;
            }
            self.push(
                ChangeKind::ParameterAdded,
                Bump::Major,
                id,
                member(new),
                None,
                Some(self.new.render(&new.ty, false)),
                "a new method argument: calls stop compiling",
            );
        }
    }

    fn param_ty(&mut self, id: &str, member: Option<String>, a: &Ty, b: &Ty) {
        match self.ty_diff(a, b) {
            TyDiff::Same => {}
            TyDiff::Transparent(x, y) => self.push(
                ChangeKind::ParameterRetyped,
                Bump::Patch,
                id,
                member,
                Some(x),
                Some(y),
                "the same Rust type through a type alias",
            ),
            TyDiff::Different(x, y) => {
                self.push(ChangeKind::ParameterRetyped, Bump::Major, id, member, Some(x), Some(y), "the argument's type changed")
            }
        }
    }

    fn query_params(&mut self, a: &Operation, b: &Operation) {
        let id = a.id.as_str();
        let member = |(location, p): (&str, &Param)| Some(format!("{location} {}", p.name));
        let field = |side: &SideIndex<'_>, p: &Param| {
            let ty = side.render(&p.ty, false);
            if p.required {
                ty
            } else {
                format!("Option<{ty}>")
            }
        };
        // Query and header parameters are fields of the same struct.
        fn fields(op: &Operation) -> Vec<(&'static str, &Param)> {
            let query = op.query_params.iter().map(|p| ("query", p));
            query.chain(op.header_params.iter().map(|p| ("header", p))).collect()
        }
        let (a_fields, b_fields) = (fields(a), fields(b));
        for &(location, old) in &a_fields {
            let Some(&(_, new)) = b_fields.iter().find(|(l, p)| *l == location && p.name == old.name) else {
                self.push(
                    ChangeKind::ParameterRemoved,
                    Bump::Major,
                    id,
                    member((location, old)),
                    Some(field(&self.old, old)),
                    None,
                    format!("the field `{}` of `{}` was removed", old.rust_name, a.params_rust_name),
                );
                continue;
            };
            self.param_ty(id, member((location, old)), &old.ty, &new.ty);
            if old.required != new.required {
                self.push(
                    ChangeKind::ParameterRequiredness,
                    Bump::Major,
                    id,
                    member((location, old)),
                    Some(field(&self.old, old)),
                    Some(field(&self.new, new)),
                    if new.required {
                        "optional -> required: the field's type changes from Option<T> to T"
                    } else {
                        "required -> optional: the field's type changes from T to Option<T>"
                    },
                );
            }
        }
        for &(location, new) in &b_fields {
            if a_fields.iter().any(|(l, p)| *l == location && p.name == new.name) {
                continue;
            }
            let reason = if a_fields.is_empty() {
                format!("the method gains a `params: &{}` argument", b.params_rust_name)
            } else if new.required {
                format!("a new required field of `{}`: struct literals must set it", b.params_rust_name)
            } else {
                format!("a new field of `{}`: struct literals without `..Default::default()` must name it", b.params_rust_name)
            };
            self.push(ChangeKind::ParameterAdded, Bump::Major, id, member((location, new)), None, Some(field(&self.new, new)), reason);
        }
    }

    fn body(&mut self, a: &Operation, b: &Operation) {
        let id = a.id.as_str();
        let arg = |side: &SideIndex<'_>, body: &crate::model::Body| {
            let ty = side.render(&body.ty, false);
            if body.required {
                format!("&{ty}")
            } else {
                format!("Option<&{ty}>")
            }
        };
        match (&a.body, &b.body) {
            (None, None) => {}
            (None, Some(new)) => self.push(
                ChangeKind::RequestBodyChanged,
                Bump::Major,
                id,
                Some("body".into()),
                None,
                Some(arg(&self.new, new)),
                "the method gains a `body` argument: calls stop compiling",
            ),
            (Some(old), None) => self.push(
                ChangeKind::RequestBodyChanged,
                Bump::Major,
                id,
                Some("body".into()),
                Some(arg(&self.old, old)),
                None,
                "the method loses its `body` argument: calls stop compiling",
            ),
            (Some(old), Some(new)) => {
                match self.ty_diff(&old.ty, &new.ty) {
                    TyDiff::Same => {}
                    TyDiff::Transparent(x, y) => self.push(
                        ChangeKind::RequestBodyChanged,
                        Bump::Patch,
                        id,
                        Some("body".into()),
                        Some(x),
                        Some(y),
                        "the same Rust type through a type alias",
                    ),
                    TyDiff::Different(x, y) => self.push(
                        ChangeKind::RequestBodyChanged,
                        Bump::Major,
                        id,
                        Some("body".into()),
                        Some(x),
                        Some(y),
                        "the body argument's type changed",
                    ),
                }
                if old.required != new.required {
                    self.push(
                        ChangeKind::RequestBodyChanged,
                        Bump::Major,
                        id,
                        Some("body".into()),
                        Some(arg(&self.old, old)),
                        Some(arg(&self.new, new)),
                        "the body argument changes between `&T` and `Option<&T>`",
                    );
                }
            }
        }
    }

    fn response(&mut self, a: &Operation, b: &Operation) {
        let id = a.id.as_str();
        let render = |side: &SideIndex<'_>, ty: &Option<Ty>| ty.as_ref().map_or_else(|| "()".to_owned(), |t| side.render(t, false));
        match (&a.response, &b.response) {
            (None, None) => {}
            (Some(x), Some(y)) => match self.ty_diff(x, y) {
                TyDiff::Same => {}
                TyDiff::Transparent(x, y) => self.push(
                    ChangeKind::ResponseChanged,
                    Bump::Patch,
                    id,
                    None,
                    Some(x),
                    Some(y),
                    "the same Rust type through a type alias",
                ),
                TyDiff::Different(x, y) => {
                    self.push(ChangeKind::ResponseChanged, Bump::Major, id, None, Some(x), Some(y), "the method's return type changed")
                }
            },
            _ => self.push(
                ChangeKind::ResponseChanged,
                Bump::Major,
                id,
                None,
                Some(render(&self.old, &a.response)),
                Some(render(&self.new, &b.response)),
                "the method's return type changed",
            ),
        }
    }

    // ----- types ----------------------------------------------------------------------------

    fn types(&mut self) {
        let old: HashMap<&str, usize> = self.old.keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let new: HashMap<&str, usize> = self.new.keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        // Ordered by Rust name (the new one when the type is in both), then key.
        let mut entries: Vec<(String, String, Option<usize>, Option<usize>)> = Vec::new();
        for (key, &i) in &new {
            entries.push((self.new.api.types[i].rust_name.clone(), (*key).to_owned(), old.get(key).copied(), Some(i)));
        }
        for (key, &i) in &old {
            if !new.contains_key(key) {
                entries.push((self.old.api.types[i].rust_name.clone(), (*key).to_owned(), Some(i), None));
            }
        }
        entries.sort();
        for (name, _, a, b) in entries {
            let old_def = a.map(|i| &self.old.api.types[i]);
            let new_def = b.map(|i| &self.new.api.types[i]);
            match (old_def, new_def) {
                (None, Some(def)) => self.push(
                    ChangeKind::TypeAdded,
                    Bump::Minor,
                    &name,
                    None,
                    None,
                    Some(self.new.describe_def(def)),
                    "a new type; existing code is unaffected",
                ),
                (Some(def), None) => self.push(
                    ChangeKind::TypeRemoved,
                    Bump::Major,
                    &name,
                    None,
                    Some(self.old.describe_def(def)),
                    None,
                    "code naming the type stops compiling",
                ),
                (Some(x), Some(y)) => {
                    if let (Some(ia), Some(ib)) = (a, b) {
                        self.type_def(&name, TypeId(ia), x, TypeId(ib), y);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn type_def(&mut self, name: &str, ia: TypeId, a: &TypeDef, ib: TypeId, b: &TypeDef) {
        if a.rust_name != b.rust_name {
            self.push(
                ChangeKind::TypeChanged,
                Bump::Major,
                name,
                Some("name".into()),
                Some(a.rust_name.clone()),
                Some(b.rust_name.clone()),
                "the Rust type was renamed: code naming it stops compiling",
            );
        }
        match (&a.kind, &b.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                let (ra, rb) = (self.old.role(ia), self.new.role(ib));
                let role = Roles { input: ra.input || rb.input, output: ra.output || rb.output };
                self.structure(name, x, y, role);
            }
            (TypeKind::Enum(x), TypeKind::Enum(y)) => {
                for old in &x.values {
                    match y.values.iter().find(|v| v.value == old.value) {
                        None => self.push(
                            ChangeKind::EnumValueRemoved,
                            Bump::Major,
                            name,
                            Some(old.value.clone()),
                            Some(format!("{name}::{}", old.rust_name)),
                            None,
                            "code naming the variant stops compiling; the value now decodes as `Unknown`",
                        ),
                        Some(new) if new.rust_name != old.rust_name => self.push(
                            ChangeKind::EnumValueRenamed,
                            Bump::Major,
                            name,
                            Some(old.value.clone()),
                            Some(format!("{name}::{}", old.rust_name)),
                            Some(format!("{name}::{}", new.rust_name)),
                            "the value's Rust variant was renamed",
                        ),
                        Some(_) => {}
                    }
                }
                for new in &y.values {
                    if !x.values.iter().any(|v| v.value == new.value) {
                        self.push(
                            ChangeKind::EnumValueAdded,
                            Bump::Minor,
                            name,
                            Some(new.value.clone()),
                            None,
                            Some(format!("{name}::{}", new.rust_name)),
                            "the enum keeps its `Unknown(String)` catch-all; the value no longer arrives as `Unknown`",
                        );
                    }
                }
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => self.union(name, x, y),
            (TypeKind::Alias(x), TypeKind::Alias(y)) => match self.ty_diff(x, y) {
                TyDiff::Same => {}
                TyDiff::Transparent(p, q) => self.push(
                    ChangeKind::TypeChanged,
                    Bump::Patch,
                    name,
                    Some("alias".into()),
                    Some(p),
                    Some(q),
                    "the same Rust type through a type alias",
                ),
                TyDiff::Different(p, q) => self.push(
                    ChangeKind::TypeChanged,
                    Bump::Major,
                    name,
                    Some("alias".into()),
                    Some(p),
                    Some(q),
                    "the alias names another type",
                ),
            },
            _ => self.push(
                ChangeKind::TypeChanged,
                Bump::Major,
                name,
                Some("kind".into()),
                Some(self.old.describe_def(a)),
                Some(self.new.describe_def(b)),
                "the type changed kind (struct/enum/union/alias): code using it stops compiling",
            ),
        }
    }

    /// `role` is what the type is on either side: constructible unless it is response-only on both.
    fn structure(&mut self, name: &str, a: &Struct, b: &Struct, role: Roles) {
        let response_only = role.output && !role.input;
        let old_default = derives_default(a);
        let new_default = derives_default(b);
        if old_default && !new_default {
            self.push(
                ChangeKind::TypeChanged,
                Bump::Major,
                name,
                Some("Default".into()),
                Some("derives Default".into()),
                Some("no Default".into()),
                "a field became `T` (required, not nullable): the struct no longer derives `Default`",
            );
        } else if !old_default && new_default {
            self.push(
                ChangeKind::TypeChanged,
                Bump::Minor,
                name,
                Some("Default".into()),
                Some("no Default".into()),
                Some("derives Default".into()),
                "every field is now an `Option`: the struct gains a `Default` implementation",
            );
        }
        let role = match (role.input, role.output) {
            (true, true) => "request and response type",
            (true, false) => "request type",
            (false, true) => "response-only type",
            (false, false) => "type no operation uses (counted as constructible)",
        };
        for old in &a.fields {
            let Some(new) = b.fields.iter().find(|f| f.wire_name == old.wire_name) else {
                self.push(
                    ChangeKind::FieldRemoved,
                    Bump::Major,
                    name,
                    Some(old.wire_name.clone()),
                    Some(self.old.field_ty(old)),
                    None,
                    "code reading or setting the field stops compiling",
                );
                continue;
            };
            self.field(name, old, new);
        }
        for new in &b.fields {
            if a.fields.iter().any(|f| f.wire_name == new.wire_name) {
                continue;
            }
            let (bump, reason) = if response_only {
                (Bump::Minor, format!("{role}: users read it, they do not build it"))
            } else {
                (Bump::Major, format!("{role}: struct literals must name every field"))
            };
            self.push(ChangeKind::FieldAdded, bump, name, Some(new.wire_name.clone()), None, Some(self.new.field_ty(new)), reason);
        }
        let extra = Some("additional_properties".to_owned());
        match (&a.additional, &b.additional) {
            (None, None) => {}
            (Some(x), None) => self.push(
                ChangeKind::FieldRemoved,
                Bump::Major,
                name,
                extra,
                Some(format!("BTreeMap<String, {}>", self.old.render(x, false))),
                None,
                "the map of extra keys was removed",
            ),
            (None, Some(y)) => {
                let (bump, reason) = if response_only {
                    (Bump::Minor, format!("{role}: users read it, they do not build it"))
                } else {
                    (Bump::Major, format!("{role}: struct literals must name every field"))
                };
                self.push(
                    ChangeKind::FieldAdded,
                    bump,
                    name,
                    extra,
                    None,
                    Some(format!("BTreeMap<String, {}>", self.new.render(y, false))),
                    reason,
                );
            }
            (Some(x), Some(y)) => match self.ty_diff(x, y) {
                TyDiff::Same => {}
                TyDiff::Transparent(p, q) => self.push(
                    ChangeKind::FieldRetyped,
                    Bump::Patch,
                    name,
                    extra,
                    Some(p),
                    Some(q),
                    "the same Rust type through a type alias",
                ),
                TyDiff::Different(p, q) => self.push(
                    ChangeKind::FieldRetyped,
                    Bump::Major,
                    name,
                    extra,
                    Some(p),
                    Some(q),
                    "the values of the map of extra keys changed type",
                ),
            },
        }
    }

    fn field(&mut self, name: &str, a: &Field, b: &Field) {
        let member = Some(a.wire_name.clone());
        if a.rust_name != b.rust_name {
            self.push(
                ChangeKind::FieldRenamed,
                Bump::Major,
                name,
                member.clone(),
                Some(a.rust_name.clone()),
                Some(b.rust_name.clone()),
                "the Rust field name changed",
            );
        }
        let boxed = |side: &SideIndex<'_>, f: &Field| {
            let ty = side.render(&f.ty, false);
            if f.boxed {
                format!("Box<{ty}>")
            } else {
                ty
            }
        };
        let (x, y) = (boxed(&self.old, a), boxed(&self.new, b));
        if x != y {
            let same = a.boxed == b.boxed && self.old.render(&a.ty, true) == self.new.render(&b.ty, true);
            let (bump, reason) = if same {
                (Bump::Patch, "the same Rust type through a type alias")
            } else {
                (Bump::Major, "the field's Rust type changed")
            };
            self.push(ChangeKind::FieldRetyped, bump, name, member.clone(), Some(x), Some(y), reason);
        }
        if a.required != b.required || a.nullable != b.nullable {
            let optional = |f: &Field| !f.required || f.nullable;
            let flags =
                |f: &Field| format!("{}{}", if f.required { "required" } else { "optional" }, if f.nullable { ", nullable" } else { "" });
            let (bump, reason) = match (optional(a), optional(b)) {
                (true, false) => (Bump::Major, "the field's type changes from Option<T> to T"),
                (false, true) => (Bump::Major, "the field's type changes from T to Option<T>"),
                _ if b.required && b.nullable => (Bump::Patch, "still Option<T>; `None` is now sent as `null` instead of being left out"),
                _ if a.required && a.nullable => (Bump::Patch, "still Option<T>; `None` is now left out instead of sent as `null`"),
                _ if b.nullable => (Bump::Patch, "still Option<T>; the description now allows `null`"),
                _ => (Bump::Patch, "still Option<T>; the description no longer allows `null`"),
            };
            self.push(ChangeKind::FieldRequiredness, bump, name, member, Some(flags(a)), Some(flags(b)), reason);
        }
    }

    fn union(&mut self, name: &str, a: &crate::model::Union, b: &crate::model::Union) {
        if a.tag != b.tag {
            let (bump, reason) = match (&a.tag, &b.tag) {
                (Some(_), None) => (Bump::Major, "untagged now: the `Unknown` catch-all variant is gone"),
                (None, Some(_)) => (Bump::Minor, "tagged now: gains an `Unknown` catch-all variant"),
                _ => (Bump::Patch, "another property tells the variants apart; the Rust type is the same"),
            };
            let show = |t: &Option<String>| Some(t.clone().unwrap_or_else(|| "(untagged)".to_owned()));
            self.push(ChangeKind::TypeChanged, bump, name, Some("tag".into()), show(&a.tag), show(&b.tag), reason);
        }
        let variant_ty = |side: &SideIndex<'_>, v: &crate::model::Variant| {
            let ty = side.render(&v.ty, false);
            if v.boxed {
                format!("Box<{ty}>")
            } else {
                ty
            }
        };
        for old in &a.variants {
            let Some(new) = b.variants.iter().find(|v| v.rust_name == old.rust_name) else {
                self.push(
                    ChangeKind::UnionVariantRemoved,
                    Bump::Major,
                    name,
                    Some(old.rust_name.clone()),
                    Some(variant_ty(&self.old, old)),
                    None,
                    "code naming the variant stops compiling",
                );
                continue;
            };
            let (x, y) = (variant_ty(&self.old, old), variant_ty(&self.new, new));
            if x != y {
                let same = old.boxed == new.boxed && self.old.render(&old.ty, true) == self.new.render(&new.ty, true);
                let (bump, reason) = if same {
                    (Bump::Patch, "the same Rust type through a type alias")
                } else {
                    (Bump::Major, "the variant's payload type changed")
                };
                self.push(ChangeKind::UnionVariantRetyped, bump, name, Some(old.rust_name.clone()), Some(x), Some(y), reason);
            }
        }
        for new in &b.variants {
            if a.variants.iter().any(|v| v.rust_name == new.rust_name) {
                continue;
            }
            let (bump, reason) = if b.tag.is_some() {
                (Bump::Minor, "tagged union with an `Unknown` catch-all: the variant's values used to arrive as `Unknown`")
            } else {
                (
                    Bump::Major,
                    "untagged union without a catch-all: serde tries variants in order, so the new one can capture values another decoded",
                )
            };
            self.push(
                ChangeKind::UnionVariantAdded,
                bump,
                name,
                Some(new.rust_name.clone()),
                None,
                Some(variant_ty(&self.new, new)),
                reason,
            );
        }
    }

    // ----- topics ---------------------------------------------------------------------------

    fn topics(&mut self) {
        let list = |api: &'_ Api| -> BTreeMap<String, (String, Ty)> {
            api.webhooks.iter().flat_map(|w| &w.topics).map(|t| (t.topic.clone(), (t.rust_name.clone(), t.item.clone()))).collect()
        };
        let (old, new) = (list(self.old.api), list(self.new.api));
        let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for topic in names {
            match (old.get(topic), new.get(topic)) {
                (None, Some((rust, item))) => self.push(
                    ChangeKind::TopicAdded,
                    Bump::Minor,
                    topic,
                    None,
                    None,
                    Some(format!("WebhookEvent::{rust}({})", self.new.render(item, false))),
                    "topics the client does not know arrive as `Topic::Unknown`; note the new `Topic` and `WebhookEvent` variants (and the longer `Topic::ALL`)",
                ),
                (Some((rust, item)), None) => self.push(
                    ChangeKind::TopicRemoved,
                    Bump::Major,
                    topic,
                    None,
                    Some(format!("WebhookEvent::{rust}({})", self.old.render(item, false))),
                    None,
                    "code naming the `Topic` or `WebhookEvent` variant stops compiling",
                ),
                (Some((ra, ia)), Some((rb, ib))) => {
                    if ra != rb {
                        self.push(
                            ChangeKind::TopicChanged,
                            Bump::Major,
                            topic,
                            Some("variant".into()),
                            Some(format!("Topic::{ra}")),
                            Some(format!("Topic::{rb}")),
                            "the topic's Rust variant was renamed",
                        );
                    }
                    match self.ty_diff(ia, ib) {
                        TyDiff::Same => {}
                        TyDiff::Transparent(x, y) => self.push(
                            ChangeKind::TopicChanged,
                            Bump::Patch,
                            topic,
                            Some("item".into()),
                            Some(x),
                            Some(y),
                            "the same Rust type through a type alias",
                        ),
                        TyDiff::Different(x, y) => self.push(
                            ChangeKind::TopicChanged,
                            Bump::Major,
                            topic,
                            Some("item".into()),
                            Some(x),
                            Some(y),
                            "the `WebhookEvent` variant's payload type changed",
                        ),
                    }
                }
                (None, None) => {}
            }
        }
    }
}

impl SideIndex<'_> {
    /// `struct, 3 fields`, `enum of 2 values`, `union of 2 variants`, `alias of String`.
    fn describe_def(&self, def: &TypeDef) -> String {
        match &def.kind {
            TypeKind::Struct(s) => format!("struct, {} field{}", s.fields.len(), if s.fields.len() == 1 { "" } else { "s" }),
            TypeKind::Enum(e) => format!("enum, {} value{}", e.values.len(), if e.values.len() == 1 { "" } else { "s" }),
            TypeKind::Union(u) => format!(
                "{}union, {} variant{}",
                if u.tag.is_some() { "tagged " } else { "untagged " },
                u.variants.len(),
                if u.variants.len() == 1 { "" } else { "s" }
            ),
            TypeKind::Alias(ty) => format!("alias of {}", self.render(ty, false)),
        }
    }

    /// The field's Rust type as emitted: `Option<Box<T>>`, `String`, ...
    fn field_ty(&self, f: &Field) -> String {
        let mut ty = self.render(&f.ty, false);
        if f.boxed {
            ty = format!("Box<{ty}>");
        }
        if !f.required || f.nullable {
            ty = format!("Option<{ty}>");
        }
        ty
    }
}
