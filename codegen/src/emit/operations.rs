//! Emits `operations.rs`: one accessor per resource group on `Client`, one function per operation
//! that returns the runtime's `Call` (await it for the value, `.raw()` for the whole answer).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::requests::{answer, attach_body, body_arg, header_calls, media_docs, query_call, takes_into};
use super::{builders, cfg, code, doc_attr, doc_attrs, doc_attrs_paragraphs, inline, streams, ty_tokens, unalias};
use crate::model::{Api, BodyMedia, Gate, Method, Operation, Param, ResponseMedia, Ty, TypeKind};

/// The operations by resource group, groups in name order.
fn groups(api: &Api) -> BTreeMap<&str, Vec<&Operation>> {
    let mut groups: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        groups.entry(op.group_rust_name.as_str()).or_default().push(op);
    }
    groups
}

/// How many operations each group has, groups in name order.
pub fn group_sizes(api: &Api) -> Vec<usize> {
    groups(api).values().map(Vec::len).collect()
}

/// The groups whose position in name order is in `range`; the part starting at 0 also holds the
/// module's doc, imports and the group accessors on `Client`.
pub fn emit(api: &Api, range: std::ops::Range<usize>) -> TokenStream {
    let groups = groups(api);
    if range.start > 0 {
        let gates = groups.values().skip(range.start).take(range.len()).map(|ops| (ops, group_gate(api, ops[0])));
        let group_items = gates.map(|(ops, gate)| emit_group(api, ops, &gate));
        return quote!(#(#group_items)*);
    }
    if groups.is_empty() {
        return quote! {
            //! One function per operation, grouped by resource; this description has none.
        };
    }
    let gates: BTreeMap<&str, Gate> = groups.iter().map(|(name, ops)| (*name, group_gate(api, ops[0]))).collect();
    let accessors = groups.iter().map(|(name, ops)| {
        let first = ops[0];
        let group = format_ident!("{}", first.group_rust_name);
        let accessor = format_ident!("{}", first.group_accessor);
        let doc = doc_attr(format!(" Operations on {}.{}", inline(&first.tag), needs_feature(&gates[name])));
        let cfg = cfg(&gates[name]);
        quote! {
            #doc
            #cfg
            pub fn #accessor(&self) -> #group<'_> {
                #group { client: self }
            }
        }
    });
    let group_items = groups.iter().take(range.end).map(|(name, ops)| emit_group(api, ops, &gates[name]));
    // Each import is compiled exactly when a group that uses it is, else it would be unused.
    let import = |uses: &dyn Fn(&Operation) -> bool, item: TokenStream| {
        let users = groups.iter().filter(|(_, ops)| ops.iter().any(|op| uses(op))).map(|(name, _)| &gates[name]);
        Gate::union_all(users).map(|gate| {
            let cfg = cfg(&gate);
            quote!(#cfg use #item;)
        })
    };
    let method_import = import(&|_| true, quote!(reqwest::Method));
    let serde_import = import(&|op| op.has_params_struct(), quote!(serde::Serialize));
    let types_import = import(&|op| uses_types(api, op), quote!(super::types));
    let client_import = import(&|_| true, quote!(crate::client::{Call, Client}));
    let encode_import = import(&encodes_path, quote!(crate::client::encode_path_segment));
    // The accessors are compiled with their groups; with none, the block would name an unimported `Client`.
    let any_group = Gate::union_all(gates.values()).map(|gate| cfg(&gate));
    quote! {
        //! One function per operation, grouped by resource: `client.contacts().list(..).await`; each
        //! returns a `Call`, whose `.raw()` gives the status and headers too.
        // Argument types are the description's, nested as deep as it nests them.
        #![allow(clippy::type_complexity)]
        #method_import
        #serde_import
        #types_import
        #client_import
        #encode_import

        #any_group
        impl Client {
            #(#accessors)*
        }

        #(#group_items)*
    }
}

/// The group is compiled with its feature.
fn group_gate(api: &Api, op: &Operation) -> Gate {
    match api.group_feature(&op.tag) {
        Some(feature) => Gate::AnyOf([feature.name.clone()].into()),
        // Only a model that skipped `features::compute` has none.
        None => Gate::Always,
    }
}

/// The sentence a group's docs end with, naming its feature.
fn needs_feature(gate: &Gate) -> String {
    match gate {
        Gate::AnyOf(names) => {
            let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!(" Needs the {} feature (on by default).", names.join(" or "))
        }
        Gate::Always => String::new(),
    }
}

/// Whether the operation's code names anything in the types module (as `emit_operation`,
/// `emit_params` and `emit_stream` write it).
fn uses_types(api: &Api, op: &Operation) -> bool {
    let path = op.path_params.iter().any(|p| matches!(unalias(api, &p.ty), Ty::Named(id) if matches!(api.types[id.0].kind, TypeKind::Enum(_))));
    let query = op.query_params.iter().chain(&op.header_params).any(|p| mentions_named(&p.ty));
    // The stream takes the body as the call does (`operation_args`).
    let body = op.body.as_ref().is_some_and(|b| match (&b.media, unalias(api, &b.ty)) {
        (BodyMedia::Text | BodyMedia::Binary, _) | (_, Ty::String) => false,
        (_, Ty::Array(item)) => mentions_named(item),
        _ => mentions_named(&b.ty),
    });
    let json_response = op.response_media == ResponseMedia::Json;
    let response = (json_response && op.response.as_ref().is_some_and(mentions_named))
        || op.pagination.as_ref().is_some_and(|p| mentions_named(&p.item));
    path || query || body || response
}

/// Whether a path parameter is filled into the path (percent-encoded).
fn encodes_path(op: &Operation) -> bool {
    !path_template(op).1.is_empty()
}

/// The `format!` template of the path, with each `{name}` of a path parameter replaced by its
/// argument (other braces escaped), and the parameters it fills, once each.
fn path_template(op: &Operation) -> (String, Vec<&Param>) {
    let mut template = String::new();
    let mut filled: Vec<&Param> = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        template.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let name = &rest[start + 1..start + len];
        match op.path_params.iter().find(|p| p.name == name) {
            Some(param) => {
                template.push_str(&format!("{{{}}}", param.rust_name));
                if !filled.iter().any(|p| p.rust_name == param.rust_name) {
                    filled.push(param);
                }
            }
            None => template.push_str(&rest[start..start + len + 1].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[start + len + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    (template, filled)
}

fn mentions_named(ty: &Ty) -> bool {
    match ty {
        Ty::Named(_) => true,
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => mentions_named(inner),
        _ => false,
    }
}

fn emit_group(api: &Api, ops: &[&Operation], gate: &Gate) -> TokenStream {
    let first = ops[0];
    let group = format_ident!("{}", first.group_rust_name);
    let doc = match api.tag_docs.get(&first.tag) {
        Some(text) => format!("{}: {text}", first.tag),
        None => format!("Operations on {}.", first.tag),
    };
    let needs = needs_feature(gate);
    let docs = doc_attrs_paragraphs(&[&doc, needs.trim_start()]);
    let cfg = cfg(gate);
    let functions = ops.iter().map(|op| {
        let single = emit_operation(api, op);
        let stream = op.pagination.as_ref().and_then(|p| streams::emit_stream(api, op, p));
        quote!(#single #stream)
    });
    let params = ops.iter().filter(|op| op.has_params_struct()).map(|op| emit_params(api, op, &cfg));
    quote! {
        #docs
        #cfg
        #[derive(Debug, Clone, Copy)]
        pub struct #group<'a> {
            client: &'a Client,
        }

        #cfg
        impl<'a> #group<'a> {
            #(#functions)*
        }

        #(#params)*
    }
}

fn method_tokens(method: Method) -> TokenStream {
    match method {
        Method::Get => quote!(Method::GET),
        Method::Put => quote!(Method::PUT),
        Method::Post => quote!(Method::POST),
        Method::Delete => quote!(Method::DELETE),
        Method::Patch => quote!(Method::PATCH),
        Method::Head => quote!(Method::HEAD),
        Method::Options => quote!(Method::OPTIONS),
        Method::Trace => quote!(Method::TRACE),
    }
}

/// Clippy's `too_many_arguments` threshold, `self` included.
pub(super) const MAX_ARGS: usize = 7;

/// One argument of an operation's function, as its `*_stream` twin takes it too.
pub(super) struct Arg {
    pub(super) name: proc_macro2::Ident,
    /// The type taken, behind the reference when `passing` is one.
    ty: TokenStream,
    pub(super) passing: Passing,
    /// The owned form is `Copy` (a number or boolean body): each page's request takes it as it
    /// is, without a clone (clippy's `clone_on_copy`).
    copy: bool,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Passing {
    /// `name: T`, a `Copy` value.
    Value,
    /// `name: &T`; `slice_like` for `str` and slices (their owned form derefs back to them).
    Ref { slice_like: bool },
    /// `name: Option<&T>`.
    OptionalRef { slice_like: bool },
    /// `name: impl Into<T>` (a union body: any variant converts).
    Into,
}

impl Arg {
    pub(super) fn declare(&self) -> TokenStream {
        let (name, ty) = (&self.name, &self.ty);
        match self.passing {
            Passing::Value => quote!(#name: #ty),
            Passing::Ref { .. } => quote!(#name: &#ty),
            Passing::OptionalRef { .. } => quote!(#name: Option<&#ty>),
            Passing::Into => quote!(#name: impl Into<#ty>),
        }
    }

    /// Turns an `impl Into` argument into a reference, as the other arguments are; nothing for the others.
    fn bind(&self) -> Option<TokenStream> {
        let (name, ty) = (&self.name, &self.ty);
        (self.passing == Passing::Into).then(|| quote!(let #name: &#ty = &#name.into();))
    }

    /// Turns the borrowed argument into an owned local of the same name (for a stream, which
    /// outlives the call); nothing for a value.
    pub(super) fn own(&self) -> Option<TokenStream> {
        let name = &self.name;
        match self.passing {
            Passing::Value => None,
            Passing::Ref { .. } => Some(quote!(let #name = #name.to_owned();)),
            Passing::OptionalRef { .. } => Some(quote!(let #name = #name.map(ToOwned::to_owned);)),
            Passing::Into => {
                let ty = &self.ty;
                Some(quote!(let #name: #ty = #name.into();))
            }
        }
    }

    /// A fresh copy of the owned local, for one page's request; nothing for a value.
    pub(super) fn copy(&self) -> Option<TokenStream> {
        let name = &self.name;
        (self.passing != Passing::Value && !self.copy).then(|| quote!(let #name = #name.clone();))
    }

    /// The owned local, passed as the function takes the argument.
    pub(super) fn pass(&self) -> TokenStream {
        let name = &self.name;
        match self.passing {
            Passing::Value | Passing::Into => quote!(#name),
            Passing::Ref { .. } => quote!(&#name),
            Passing::OptionalRef { slice_like: true } => quote!(#name.as_deref()),
            Passing::OptionalRef { slice_like: false } => quote!(#name.as_ref()),
        }
    }
}

/// The arguments of the operation's function, in order: path parameters, the query-parameter
/// struct, the body. The names are the naming stage's (`name::OPERATION_LOCALS` keeps the
/// parameters' apart from the body's locals).
pub(super) fn operation_args(api: &Api, op: &Operation) -> Vec<Arg> {
    let mut args = Vec::new();
    for param in &op.path_params {
        let name = format_ident!("{}", param.rust_name);
        let (ty, passing) = match unalias(api, &param.ty) {
            Ty::Integer => (quote!(i64), Passing::Value),
            Ty::UInt64 => (quote!(u64), Passing::Value),
            Ty::Int128 => (quote!(i128), Passing::Value),
            Ty::Number => (quote!(f64), Passing::Value),
            Ty::Boolean => (quote!(bool), Passing::Value),
            Ty::Timestamp => (quote!(crate::Timestamp), Passing::Value),
            named @ Ty::Named(id) if matches!(api.types[id.0].kind, TypeKind::Enum(_)) => {
                (ty_tokens(api, named, false), Passing::Ref { slice_like: false })
            }
            _ => (quote!(str), Passing::Ref { slice_like: true }),
        };
        args.push(Arg { name, ty, passing, copy: false });
    }
    if op.has_params_struct() {
        let ty = format_ident!("{}", op.params_rust_name);
        args.push(Arg { name: format_ident!("params"), ty: quote!(#ty), passing: Passing::Ref { slice_like: false }, copy: false });
    }
    if let Some(body) = &op.body {
        // `str` and slices are taken unsized; a stream owns them as `String` and `Vec`.
        let slice_like = matches!(body.media, BodyMedia::Text | BodyMedia::Binary)
            || matches!(unalias(api, &body.ty), Ty::String | Ty::Array(_));
        let ty = body_arg(api, body);
        let passing = match body.required {
            true if takes_into(api, body) => Passing::Into,
            true => Passing::Ref { slice_like },
            false => Passing::OptionalRef { slice_like },
        };
        let copy = matches!(body.media, BodyMedia::Json)
            && matches!(unalias(api, &body.ty), Ty::Integer | Ty::UInt64 | Ty::Int128 | Ty::Number | Ty::Boolean);
        args.push(Arg { name: format_ident!("body"), ty, passing, copy });
    }
    args
}

fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.rust_name);
    let summary = op.summary.as_deref().unwrap_or_default();
    let description = op.description.as_deref().filter(|d| op.summary.as_deref() != Some(*d)).unwrap_or_default();
    let request = code(&format!("{} {}", op.method.key().to_uppercase(), op.path));
    let request = format!("{request} (operation {}).", code(&op.id));
    let media = media_docs(op);
    let docs = doc_attrs_paragraphs(&[summary, description, media.trim_end(), &request]);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let args = operation_args(api, op);
    let declared = args.iter().map(Arg::declare);
    // Every parameter is an argument: the count is the description's, not a design choice.
    let many = (args.len() + 1 > MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));

    let (template, encoded) = path_template(op);
    let encode: Vec<TokenStream> = encoded
        .iter()
        .map(|param| {
            let arg = format_ident!("{}", param.rust_name);
            quote!(let #arg = encode_path_segment(&#arg);)
        })
        .collect();
    let path = if encode.is_empty() { quote!(#template.to_owned()) } else { quote!(format!(#template)) };
    let encode: Vec<TokenStream> = args.iter().filter_map(Arg::bind).chain(encode).collect();

    let method = method_tokens(op.method);
    let id = &op.id;
    let idempotent = op.method.is_idempotent();
    let query = query_call(op);
    let headers = header_calls(op);
    let (output, read) = answer(api, op);
    let send = match &op.body {
        Some(body) if !body.required => {
            let attach = attach_body(api, body);
            quote! {
                #(#encode)*
                let mut request = self.client.request(#method, #id, #path).idempotent(#idempotent) #query #headers;
                if let Some(body) = body {
                    request = request #attach;
                }
                request #read
            }
        }
        Some(body) => {
            let attach = attach_body(api, body);
            quote! {
                #(#encode)*
                self.client.request(#method, #id, #path).idempotent(#idempotent) #query #headers #attach #read
            }
        }
        None => quote! {
            #(#encode)*
            self.client.request(#method, #id, #path).idempotent(#idempotent) #query #headers #read
        },
    };
    quote! {
        #docs
        #deprecated
        #many
        pub fn #name(&self, #(#declared),*) -> Call<'a, #output> {
            #send
        }
    }
}

fn emit_params(api: &Api, op: &Operation, cfg: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", op.params_rust_name);
    let doc = match op.header_params.is_empty() {
        true => doc_attr(format!(" Query parameters of {}.", code(&op.id))),
        false if op.query_params.is_empty() => doc_attr(format!(" Header parameters of {}.", code(&op.id))),
        false => doc_attr(format!(" Query and header parameters of {}.", code(&op.id))),
    };
    let query_fields = op.query_params.iter().map(|p| param_field(api, p, false));
    let header_fields = op.header_params.iter().map(|p| param_field(api, p, true));
    let fields = query_fields.chain(header_fields);
    let members: Vec<builders::Member> = op.query_params.iter().chain(&op.header_params).map(|p| builders::param_member(api, p)).collect();
    let default = builders::derives_default(&members).then(|| quote!(Default,));
    let builder = builders::emit(&name, cfg, &members, None);
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, #default Serialize)]
        pub struct #name {
            #(#fields)*
        }

        #builder
    }
}

/// A field of the params struct. Query parameters serialize under their wire name (the runtime
/// writes each in its style, objects included); header parameters are sent one by one, so serde
/// skips them.
fn param_field(api: &Api, param: &Param, header: bool) -> TokenStream {
    let rust = format_ident!("{}", param.rust_name);
    let wire = &param.name;
    let ty = ty_tokens(api, &param.ty, false);
    let mut text = param.docs.clone().unwrap_or_default();
    if header {
        text = format!("{text}{}Sent as the `{wire}` header.", if text.is_empty() { "" } else { "\n\n" });
    }
    let docs = doc_attrs((!text.is_empty()).then_some(text.as_str()));
    let mut attrs = Vec::new();
    if header {
        attrs.push(quote!(skip));
    } else if wire != &param.rust_name {
        attrs.push(quote!(rename = #wire));
    }
    if param.required {
        let attr = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
        quote! { #docs #attr pub #rust: #ty, }
    } else {
        if !header {
            attrs.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        quote! { #docs #[serde(#(#attrs),*)] pub #rust: Option<#ty>, }
    }
}
