//! Emits `operations.rs`: one accessor per resource group on `Client`, one async function per operation.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::requests::{answer, attach_body, body_arg, header_calls, media_docs, query_call};
use super::{cfg, definition, doc_attr, doc_attrs, ty_tokens, unalias};
use crate::model::{Api, BodyMedia, Field, Gate, Method, Operation, PageRequest, PageStyle, Pagination, Param, ResponseMedia, Ty, TypeKind};

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
            //! One async function per operation, grouped by resource; this description has none.
        };
    }
    let gates: BTreeMap<&str, Gate> = groups.iter().map(|(name, ops)| (*name, group_gate(api, ops[0]))).collect();
    let accessors = groups.iter().map(|(name, ops)| {
        let first = ops[0];
        let group = format_ident!("{}", first.group_rust_name);
        let accessor = format_ident!("{}", first.group_accessor);
        let doc = doc_attr(format!(" Operations on {}.{}", first.tag, needs_feature(&gates[name])));
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
    let client_import = import(&|_| true, quote!(crate::client::Client));
    let encode_import = import(&encodes_path, quote!(crate::client::encode_path_segment));
    let error_import = import(&|_| true, quote!(crate::Error));
    // The accessors are compiled with their groups; with none, the block would name an unimported `Client`.
    let any_group = Gate::union_all(gates.values()).map(|gate| cfg(&gate));
    quote! {
        //! One async function per operation, grouped by resource: `client.contacts().list(..)`.
        #method_import
        #serde_import
        #types_import
        #client_import
        #encode_import
        #error_import

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
    let body = op.body.as_ref().is_some_and(|b| {
        let in_call = match (&b.media, unalias(api, &b.ty)) {
            (BodyMedia::Text | BodyMedia::Binary, _) | (_, Ty::String) => false,
            (_, Ty::Array(item)) => mentions_named(item),
            _ => mentions_named(&b.ty),
        };
        // The stream takes the body as written, aliases and all.
        in_call || (op.pagination.is_some() && mentions_named(&b.ty))
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
    let mut doc = match api.tag_docs.get(&first.tag) {
        Some(text) => format!("{}: {text}", first.tag),
        None => format!("Operations on {}.", first.tag),
    };
    let needs = needs_feature(gate);
    if !needs.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(needs.trim_start());
    }
    let docs = doc_attrs(Some(&doc));
    let cfg = cfg(gate);
    let functions = ops.iter().map(|op| {
        let single = emit_operation(api, op);
        let stream = op.pagination.as_ref().and_then(|p| emit_stream(api, op, p));
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

/// How a path parameter is taken: strings by reference, numbers by value, enums by reference.
fn path_arg(api: &Api, ty: &Ty) -> TokenStream {
    match unalias(api, ty) {
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Timestamp => quote!(crate::Timestamp),
        named @ Ty::Named(id) if matches!(api.types[id.0].kind, TypeKind::Enum(_)) => {
            let ty = ty_tokens(api, named, false);
            quote!(&#ty)
        }
        _ => quote!(&str),
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

fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.rust_name);
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary);
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref() != Some(description.as_str()) {
            doc.push_str(description);
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&media_docs(op));
    doc.push_str(&format!("`{} {}` (operation `{}`).", op.method.key().to_uppercase(), op.path, op.id));
    let docs = doc_attrs(Some(&doc));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let mut args = Vec::new();
    for param in &op.path_params {
        let arg = format_ident!("{}", param.rust_name);
        let ty = path_arg(api, &param.ty);
        args.push(quote!(#arg: #ty));
    }
    if op.has_params_struct() {
        let params = format_ident!("{}", op.params_rust_name);
        args.push(quote!(params: &#params));
    }
    if let Some(body) = &op.body {
        let ty = body_arg(api, body);
        args.push(if body.required { quote!(body: &#ty) } else { quote!(body: Option<&#ty>) });
    }

    let (template, encoded) = path_template(op);
    let encode: Vec<TokenStream> = encoded
        .iter()
        .map(|param| {
            let arg = format_ident!("{}", param.rust_name);
            quote!(let #arg = encode_path_segment(&#arg);)
        })
        .collect();
    let path = if encode.is_empty() { quote!(#template.to_owned()) } else { quote!(format!(#template)) };

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
        pub async fn #name(&self, #(#args),*) -> Result<#output, Error> {
            #send
        }
    }
}

fn emit_params(api: &Api, op: &Operation, cfg: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", op.params_rust_name);
    let doc = match op.header_params.is_empty() {
        true => doc_attr(format!(" Query parameters of `{}`.", op.id)),
        false if op.query_params.is_empty() => doc_attr(format!(" Header parameters of `{}`.", op.id)),
        false => doc_attr(format!(" Query and header parameters of `{}`.", op.id)),
    };
    let all_optional = op.query_params.iter().chain(&op.header_params).all(|p| !p.required);
    let query_fields = op.query_params.iter().map(|p| param_field(api, p, false));
    let header_fields = op.header_params.iter().map(|p| param_field(api, p, true));
    let fields = query_fields.chain(header_fields);
    let default = all_optional.then(|| quote!(Default,));
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, #default Serialize)]
        pub struct #name {
            #(#fields)*
        }
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

/// The field of the struct behind `ty` with a given wire name.
fn struct_field<'a>(api: &'a Api, ty: &Ty, wire: &str) -> Option<&'a Field> {
    match &definition(api, ty)?.kind {
        TypeKind::Struct(s) => s.fields.iter().find(|f| f.wire_name == wire),
        _ => None,
    }
}

/// An expression of type `Option<&T>` reaching down `path` (wire names) from `root: &Ty`.
fn reach(api: &Api, root_expr: TokenStream, root: &Ty, path: &[&str]) -> Option<TokenStream> {
    let mut expr = quote!(Some(&#root_expr));
    let mut ty = root.clone();
    for wire in path {
        let field = struct_field(api, &ty, wire)?;
        let name = format_ident!("{}", field.rust_name);
        let optional = !field.required || field.nullable;
        expr = match (optional, field.boxed) {
            (true, false) => quote!(#expr.and_then(|v| v.#name.as_ref())),
            (true, true) => quote!(#expr.and_then(|v| v.#name.as_deref())),
            (false, false) => quote!(#expr.map(|v| &v.#name)),
            (false, true) => quote!(#expr.map(|v| &*v.#name)),
        };
        ty = field.ty.clone();
    }
    Some(expr)
}

/// `<name>_stream`: every item of a paged list, fetching pages as the stream is read.
fn emit_stream(api: &Api, op: &Operation, pagination: &Pagination) -> Option<TokenStream> {
    let single = format_ident!("{}", op.rust_name);
    let name = format_ident!("{}_stream", op.rust_name);
    let response = op.response.as_ref()?;
    // A raw text or octet body is borrowed unsized (`&str`, `&[u8]`): the stream would have to own it.
    if op.body.as_ref().is_some_and(|b| matches!(b.media, BodyMedia::Text | BodyMedia::Binary)) {
        return None;
    }
    let item = ty_tokens(api, &pagination.item, false);
    let items_field = struct_field(api, response, &pagination.items_field)?;
    let items_name = format_ident!("{}", items_field.rust_name);
    let mut items = if items_field.required && !items_field.nullable {
        quote!(page.#items_name)
    } else {
        quote!(page.#items_name.unwrap_or_default())
    };
    if pagination.skip_null_items {
        items = quote!(#items.into_iter().flatten().collect());
    }

    // Path arguments are owned by the stream, which outlives the call.
    let mut args = Vec::new();
    let mut owned = Vec::new();
    let mut pass = Vec::new();
    for param in &op.path_params {
        let arg = format_ident!("{}", param.rust_name);
        let ty = path_arg(api, &param.ty);
        args.push(quote!(#arg: #ty));
        let by_ref = ty.to_string().starts_with('&');
        if by_ref {
            owned.push(quote!(let #arg = #arg.to_owned();));
            pass.push(quote!(&#arg));
        } else {
            pass.push(quote!(#arg));
        }
    }
    let clones: Vec<TokenStream> = op
        .path_params
        .iter()
        .filter(|p| path_arg(api, &p.ty).to_string().starts_with('&'))
        .map(|p| {
            let arg = format_ident!("{}", p.rust_name);
            quote!(let #arg = #arg.clone();)
        })
        .collect();
    let has_query = op.has_params_struct();
    if has_query {
        let params = format_ident!("{}", op.params_rust_name);
        args.push(quote!(params: &#params));
        pass.push(quote!(&params));
    }
    let body_ty = op.body.as_ref().map(|b| ty_tokens(api, &b.ty, false));
    if let Some(body_ty) = &body_ty {
        args.push(quote!(body: &#body_ty));
        pass.push(if op.body.as_ref().is_some_and(|b| b.required) { quote!(&body) } else { quote!(Some(&body)) });
    }
    let keep_params = has_query.then(|| quote!(let params = params.clone();));
    let keep_body = body_ty.as_ref().map(|_| quote!(let body = body.clone();));

    let doc = doc_attr(format!(
        " Every item of [`Self::{single}`], one page after another: the next page is fetched when the stream is read past the current one."
    ));
    let (driver, set_page, next) = match (pagination.style, &pagination.request) {
        (PageStyle::Cursor, PageRequest::Query(param)) => {
            let field = format_ident!("{}", op.query_params.iter().find(|p| &p.name == param)?.rust_name);
            let next = reach(api, quote!(page), response, &["pages", "next", "starting_after"])?;
            (
                quote!(crate::pagination::cursor),
                quote! {
                    let mut params = params.clone();
                    if let Some(cursor) = cursor {
                        params.#field = Some(cursor);
                    }
                },
                quote!(#next.cloned()),
            )
        }
        (PageStyle::Cursor, PageRequest::Body(wire)) => {
            let holder = struct_field(api, &op.body.as_ref()?.ty, wire)?;
            let holder_name = format_ident!("{}", holder.rust_name);
            let cursor_field = struct_field(api, &holder.ty, "starting_after")?;
            let cursor_name = format_ident!("{}", cursor_field.rust_name);
            let target = if !holder.required || holder.nullable {
                quote!(body.#holder_name.get_or_insert_with(Default::default))
            } else {
                quote!(body.#holder_name)
            };
            let value = if !cursor_field.required || cursor_field.nullable { quote!(Some(cursor)) } else { quote!(cursor) };
            let next = reach(api, quote!(page), response, &["pages", "next", "starting_after"])?;
            (
                quote!(crate::pagination::cursor),
                quote! {
                    let mut body = body.clone();
                    if let Some(cursor) = cursor {
                        #target.#cursor_name = #value;
                    }
                },
                quote!(#next.cloned()),
            )
        }
        (PageStyle::PageNumber, PageRequest::Query(param)) => {
            let field = format_ident!("{}", op.query_params.iter().find(|p| &p.name == param)?.rust_name);
            let total = reach(api, quote!(page), response, &["pages", "total_pages"])?;
            (
                quote!(crate::pagination::numbered),
                quote! {
                    let mut params = params.clone();
                    params.#field = Some(page_number);
                },
                quote!(#total.copied()),
            )
        }
        (PageStyle::PageNumber, PageRequest::Body(_)) => return None,
    };
    let position = match pagination.style {
        PageStyle::Cursor => quote!(cursor),
        PageStyle::PageNumber => quote!(page_number),
    };
    let first = match pagination.style {
        PageStyle::Cursor => TokenStream::new(),
        PageStyle::PageNumber => {
            let param = match &pagination.request {
                PageRequest::Query(p) => p,
                PageRequest::Body(_) => return None,
            };
            let field = format_ident!("{}", op.query_params.iter().find(|p| &p.name == param)?.rust_name);
            quote!(params.#field.unwrap_or(1),)
        }
    };
    Some(quote! {
        #doc
        pub fn #name(&self, #(#args),*) -> impl futures::Stream<Item = Result<#item, Error>> + 'a {
            let group = *self;
            #(#owned)*
            #keep_params
            #keep_body
            #driver(#first move |#position| {
                #set_page
                #(#clones)*
                async move {
                    let page = group.#single(#(#pass),*).await?;
                    let next = #next;
                    Ok((#items, next))
                }
            })
        }
    })
}
