//! Intermediate model: takes resolved descriptions, gives language-neutral types, operations and webhook topics.
//!
//! Nothing here knows about Rust syntax. Names stay as the descriptions spell them
//! (`rust_name` fields are filled later by the naming stage).

mod access;
pub mod asyncapi;
pub mod features;
mod media;
pub mod openapi;
mod pagination;
mod params;
mod recursion;
mod schema;

pub use features::{Feature, FeatureKind, Gate};
pub use schema::{TypeSpace, MAX_DEPTH, MAX_ELEMENT_NESTING};

/// Everything the emitter needs, from one OpenAPI description and optionally one AsyncAPI description.
#[derive(Debug, Clone, Default)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// Descriptions of the resource groups (tags), by tag name.
    pub tag_docs: std::collections::BTreeMap<String, String>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub webhooks: Option<Webhooks>,
    /// The parts a user can compile alone (cargo features): one per resource group, the
    /// webhooks, the unreferenced schemas; each with the types it needs.
    pub features: Vec<Feature>,
}

/// One base URL the API is served from.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
}

/// Index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A type that gets a name of its own in the output.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Words to name it from, e.g. `["contact"]` or `["createContact", "Request"]`.
    pub name_hint: Vec<String>,
    /// Other words for the same place, tried in order when `name_hint`'s name is taken (an
    /// operation's request body may also be its `Body`), before the naming stage numbers it.
    pub name_alternatives: Vec<Vec<String>>,
    /// The component name when the type is a named schema of a description.
    pub schema_name: Option<String>,
    pub docs: Option<String>,
    /// `file#pointer` where the schema was found.
    pub origin: String,
    pub kind: TypeKind,
    /// A request reaches it (a body, a parameter, through fields, variants and aliases): a
    /// struct gets a constructor and setters, and its optional nullable fields can be sent as
    /// `null`. Set by `access`.
    pub sent: bool,
    /// Filled by the naming stage.
    pub rust_name: String,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    Enum(StringEnum),
    Union(Union),
    /// A named schema that is only another type (e.g. `type: string`).
    Alias(Ty),
}

/// A reference to a type, as a field or parameter uses it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    String,
    /// A signed integer within 64 bits (the default for `integer`).
    Integer,
    /// An integer from 0 to 2^64 - 1: `format: uint64`, or values past the signed 64-bit range.
    UInt64,
    /// A signed integer wider than 64 bits: values past both 64-bit ranges, or negative beside ones past `i64`.
    Int128,
    Number,
    Boolean,
    /// Unix seconds (`integer` with `format: date-time` or `timestamp`).
    Timestamp,
    /// Anything: free-form JSON.
    Any,
    Named(TypeId),
    Array(Box<Ty>),
    /// A JSON object with arbitrary keys.
    Map(Box<Ty>),
    /// An array item, map value or response body that may be `null`.
    Nullable(Box<Ty>),
    /// Octets (`type: string, format: binary`): a file part of a multipart body.
    Binary,
}

#[derive(Debug, Clone, Default)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Extra keys beyond the named fields (`additionalProperties` next to `properties`).
    pub additional: Option<Ty>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The key on the wire.
    pub wire_name: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub docs: Option<String>,
    /// Set when the field closes a cycle of by-value types and must be boxed.
    pub boxed: bool,
    /// `readOnly`/`writeOnly`: which way the field travels.
    pub access: Access,
    pub rust_name: String,
}

/// Which way a field travels (`readOnly`, `writeOnly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    #[default]
    ReadWrite,
    /// Only in responses: a request leaves it out, so it is never required in one.
    ReadOnly,
    /// Only in requests: a response leaves it out, so it is never required in one.
    WriteOnly,
}

/// A string enum; the output keeps a catch-all for values not listed.
#[derive(Debug, Clone, Default)]
pub struct StringEnum {
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub value: String,
    pub rust_name: String,
}

/// `oneOf`/`anyOf`.
#[derive(Debug, Clone)]
pub struct Union {
    /// The property whose fixed value tells the variants apart, if there is one.
    pub tag: Option<String>,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    /// The tag's values for this variant, when the union is tagged (several when a discriminator
    /// maps several values to one schema; two variants may share one); empty when untagged.
    pub tag_values: Vec<String>,
    pub ty: Ty,
    pub name_hint: Vec<String>,
    pub boxed: bool,
    pub rust_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
    Head,
    Options,
    Trace,
}

impl Method {
    pub const ALL: [Method; 8] =
        [Method::Get, Method::Put, Method::Post, Method::Delete, Method::Patch, Method::Head, Method::Options, Method::Trace];

    /// The lower-case key OpenAPI uses for it.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Patch => "patch",
            Method::Head => "head",
            Method::Options => "options",
            Method::Trace => "trace",
        }
    }

    /// Whether repeating the request has no further effect (RFC 9110).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId, or one derived from method and path when missing.
    pub id: String,
    pub method: Method,
    pub path: String,
    /// The resource group (first tag).
    pub tag: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    /// Header parameters the caller gives (next to the query parameters, in the same struct);
    /// the ones OpenAPI ignores and the ones the client sets itself are not here.
    pub header_params: Vec<Param>,
    pub body: Option<Body>,
    /// The success response's type; `None` when the success response has no body.
    pub response: Option<Ty>,
    /// How the success response's body is read (JSON unless it only offers text or octets).
    pub response_media: ResponseMedia,
    /// Every response with a JSON body, success or not, with the examples the description gives.
    pub responses: Vec<Response>,
    /// How to walk pages of results, when the operation returns a list.
    pub pagination: Option<Pagination>,
    /// `file#pointer` of the operation.
    pub origin: String,
    /// Filled by the naming stage: the method, its `*_stream` twin (when it pages), its
    /// query-parameter struct, and its group's type and accessor.
    pub rust_name: String,
    pub stream_rust_name: String,
    pub params_rust_name: String,
    pub group_rust_name: String,
    pub group_accessor: String,
}

impl Operation {
    /// Whether the function takes a `params` struct (its query and header parameters).
    pub fn has_params_struct(&self) -> bool {
        !self.query_params.is_empty() || !self.header_params.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub docs: Option<String>,
    /// How the value is written (OpenAPI's `style`, or `Json` for a `content: application/json` parameter).
    pub style: Style,
    /// OpenAPI's `explode` (its default: true for `form`, false otherwise).
    pub explode: bool,
    pub rust_name: String,
}

impl Param {
    /// A parameter with the default style of its location (`simple` for path and header, `form`
    /// for query).
    pub fn new(name: impl Into<String>, ty: Ty, required: bool, location: &str) -> Param {
        let style = Style::default_for(location);
        Param { name: name.into(), ty, required, docs: None, style, explode: style == Style::Form, rust_name: String::new() }
    }
}

/// OpenAPI 3.0's serialization styles of parameters and of form-body properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
    Label,
    Matrix,
    /// The value serialized as JSON text (a parameter or property with a JSON `content`/`contentType`).
    Json,
}

impl Style {
    /// `simple` for path and header parameters, `form` for query and cookie ones.
    pub fn default_for(location: &str) -> Style {
        match location {
            "path" | "header" => Style::Simple,
            _ => Style::Form,
        }
    }

    /// The style named `name` in a description.
    pub fn parse(name: &str) -> Option<Style> {
        Some(match name {
            "form" => Style::Form,
            "spaceDelimited" => Style::SpaceDelimited,
            "pipeDelimited" => Style::PipeDelimited,
            "deepObject" => Style::DeepObject,
            "simple" => Style::Simple,
            "label" => Style::Label,
            "matrix" => Style::Matrix,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `4XX`, `default`, ...
    pub status: String,
    pub ty: Ty,
    pub examples: Vec<Example>,
}

/// An example value from the description, with where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: String,
    pub value: serde_json::Value,
    /// `file#pointer` of the example.
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub ty: Ty,
    pub required: bool,
    /// How the body is sent.
    pub media: BodyMedia,
    /// The media type sent as `Content-Type` (for multipart, without the boundary).
    pub media_type: String,
    /// The media types the operation offers besides the one chosen, in description order.
    pub alternatives: Vec<String>,
}

/// The encodings of request bodies the client can send.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyMedia {
    Json,
    /// `application/x-www-form-urlencoded`: the properties as a query string, each by its encoding.
    Form(Vec<PropertyEncoding>),
    /// `multipart/form-data`: one part per property (files as octets with a name and content type).
    Multipart(Vec<PropertyEncoding>),
    /// `text/*`: a string sent as it is.
    Text,
    /// Any other media type: octets sent as they are.
    Binary,
}

/// The `encoding` entry of one property of a form or multipart body, as the description gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyEncoding {
    /// The property's wire name.
    pub property: String,
    /// The part's `contentType` (multipart), when given.
    pub content_type: Option<String>,
    /// `style` and `explode` (form bodies); `None` keeps the default for the property's value.
    pub style: Option<(Style, bool)>,
}

/// How a success response's body is read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ResponseMedia {
    /// JSON decoded into the response type (also when the success response has no body).
    #[default]
    Json,
    /// `text/*`, as a string; the media types are sent as `Accept`.
    Text(String),
    /// Any other media type, as octets; the media types are sent as `Accept`.
    Binary(String),
}

/// How a list operation pages, as detected from its schemas (`model::pagination`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub style: PageStyle,
    /// The response field that holds the page's items (wire name), and the item type.
    pub items_field: String,
    pub item: Ty,
    /// The items may be `null` on the wire; the stream skips those.
    pub skip_null_items: bool,
    /// Where the next page is asked for.
    pub request: PageRequest,
    /// Wire names from the response down to what the next page needs: the cursor, scroll
    /// parameter or next-page link (a string), or the number of pages (an integer). Empty when
    /// the response does not say (page numbers then run to an empty page).
    pub next: Vec<String>,
    /// The response's integer field holding the size of the whole list (`total_count`), if any.
    pub total_count: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `pages.next.starting_after` is sent back as `starting_after`.
    Cursor,
    /// Page numbers from the one asked for (or 1), sent as `page`, up to `pages.total_pages`.
    PageNumber,
    /// `scroll_param` is sent back as `scroll_param` until a page is empty.
    Scroll,
    /// The answer's link to the next page (`pages.next` as a URL) is asked for as it is, on the
    /// client's origin only.
    Link,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// A query parameter (`starting_after`, `page` or `scroll_param`).
    Query(String),
    /// A field of the request body holding `{ starting_after, per_page }` (search operations).
    Body(String),
    /// The next page's address replaces the operation's path and query (GET operations).
    Link,
}

/// Webhook topics from an AsyncAPI description.
#[derive(Debug, Clone, Default)]
pub struct Webhooks {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub topics: Vec<Topic>,
    /// The notification envelope every message shares, when the description names one.
    pub envelope: Option<TypeId>,
    /// The channels of a document shaped unlike Intercom's webhooks: each one with its messages
    /// that name no topic (all of them, for such a document). Empty for Intercom's.
    pub channels: Vec<Channel>,
}

/// A channel of an AsyncAPI document and the messages it carries, which name no topic.
#[derive(Debug, Clone)]
pub struct Channel {
    /// The channel's key under `channels`.
    pub name: String,
    pub address: Option<String>,
    pub docs: Option<String>,
    pub messages: Vec<Message>,
    /// How a payload says which message it is.
    pub dispatch: Dispatch,
    /// Filled by the naming stage.
    pub rust_name: String,
}

/// How the messages of a channel are told apart on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatch {
    /// Each message's payload fixes this property to a value (its [`Message::tag_value`]);
    /// messages sharing a value are tried in order.
    Tag(String),
    /// No property tells them apart: the first message, in order, whose payload type takes the
    /// value. A transport that names the message (a header, a routing key) can say which instead.
    Untagged,
}

/// One message of a channel: its payload's type and the names the description gives it.
#[derive(Debug, Clone)]
pub struct Message {
    /// The names a transport may call the message by: its key in the channel (3.x) or in
    /// `components.messages`, `name`, `messageId`; the first is the main one. A name an earlier
    /// message of the channel has is left out.
    pub names: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub payload: Ty,
    /// The value of the channel's tag property, when it is dispatched by tag.
    pub tag_value: Option<String>,
    /// The payload examples of the message.
    pub examples: Vec<Example>,
    /// `file#pointer` of the payload schema, when there is one.
    pub payload_origin: Option<String>,
    /// Filled by the naming stage.
    pub rust_name: String,
}

#[derive(Debug, Clone)]
pub struct Topic {
    /// The dotted topic string, e.g. `contact.user.created`.
    pub topic: String,
    /// The message's name in the description, e.g. `ContactUserCreatedNotification`.
    pub message_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The type of `data.item`.
    pub item: Ty,
    /// Filled by the naming stage.
    pub rust_name: String,
}

use crate::diagnostics::{Diagnostics, Error};
use crate::resolve::{Documents, FileId};

/// Builds the model from an OpenAPI document and, optionally, an AsyncAPI document of webhooks.
pub fn build(docs: &Documents, openapi: FileId, webhooks: Option<FileId>, diags: &mut Diagnostics) -> Result<Api, Error> {
    let mut space = TypeSpace::new(docs);
    let mut api = openapi::lower(&mut space, openapi, diags)?;
    if let Some(file) = webhooks {
        api.webhooks = Some(asyncapi::lower(&mut space, file, diags)?);
    }
    api.types = space.types;
    recursion::break_alias_cycles(&mut api.types);
    recursion::wrap_recursive_aliases(&mut api.types);
    recursion::drop_union_self_loops(&mut api.types);
    for cut in recursion::cut_deep_nesting(&mut api.types) {
        warn_cut(docs, &api.types, &cut, diags)?;
    }
    recursion::mark_boxed(&mut api.types);
    for unpaged in pagination::detect(&mut api) {
        let op = &api.operations[unpaged.operation];
        let node = node_of(docs, &op.origin);
        // A description can say it knows: `x-pagination: none` on the operation.
        if docs.get(&node.child("x-pagination")).and_then(serde_json::Value::as_str) == Some("none") {
            continue;
        }
        diags.warn(docs.locate(&node), unpaged.message(op))?;
    }
    access::relax_required(&mut api);
    api.features = features::compute(&api);
    Ok(api)
}

/// The node an `origin` (`file#pointer`) names.
fn node_of(docs: &Documents, origin: &str) -> crate::resolve::Node {
    let (file, pointer) = origin.split_once('#').unwrap_or(("", origin));
    let file = (0..docs.sources.len())
        .map(FileId)
        .find(|&id| docs.describe(&docs.root(id)).strip_suffix('#') == Some(file))
        .unwrap_or(FileId(0));
    crate::resolve::Node { file, pointer: pointer.to_owned() }
}

/// The warning for a member [`recursion::cut_deep_nesting`] made free-form JSON, located at the
/// type that holds it.
fn warn_cut(docs: &Documents, types: &[TypeDef], cut: &recursion::Cut, diags: &mut Diagnostics) -> Result<(), Error> {
    let owner = &types[cut.owner.0];
    let location = docs.locate(&node_of(docs, &owner.origin));
    let member = if cut.member.is_empty() { "the alias".to_owned() } else { format!("`{}`", cut.member) };
    let held = cut.held.map(|id| types[id.0].schema_name.clone().unwrap_or_else(|| types[id.0].name_hint.join(" "))).unwrap_or_default();
    diags.warn(
        location,
        format!(
            "types nest more than {} levels deep here; {member} (`{held}`) is free-form JSON, which decodes into that type with serde_json::from_value, so that rustc's recursion limit is not reached",
            recursion::MAX_TYPE_NESTING
        ),
    )
}
