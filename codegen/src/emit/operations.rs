//! Emits `operations.rs`: one accessor per resource group on `Client`, one async function per operation.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{definition, doc_attrs, ty_tokens, unalias};
use crate::model::{Api, Field, Method, Operation, PageRequest, PageStyle, Pagination, Param, Ty, TypeKind};

pub fn emit(api: &Api) -> TokenStream {
    let mut groups: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        groups.entry(op.group_rust_name.as_str()).or_default().push(op);
    }
    let accessors = groups.values().map(|ops| {
        let first = ops[0];
        let group = format_ident!("{}", first.group_rust_name);
        let accessor = format_ident!("{}", first.group_accessor);
        let doc = format!(" Operations on {}.", first.tag);
        quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> #group<'_> {
                #group { client: self }
            }
        }
    });
    let group_items = groups.values().map(|ops| emit_group(api, ops));
    let uses_types = api.operations.iter().any(|op| {
        let named = |ty: &Ty| matches!(ty, Ty::Named(_)) || matches!(ty, Ty::Array(inner) if matches!(**inner, Ty::Named(_)));
        op.response.as_ref().is_some_and(named)
            || op.body.as_ref().is_some_and(|b| named(&b.ty))
            || op.path_params.iter().chain(&op.query_params).any(|p| mentions_named(&p.ty))
    });
    let types_import = uses_types.then(|| quote!(use super::types;));
    let any_query = api.operations.iter().any(|op| !op.query_params.is_empty());
    let serde_import = any_query.then(|| quote!(use serde::Serialize;));
    if api.operations.is_empty() {
        return quote! {
            //! One async function per operation, grouped by resource; this description has none.
        };
    }
    quote! {
        //! One async function per operation, grouped by resource: `client.contacts().list(..)`.
        use reqwest::Method;
        #serde_import
        #types_import
        use crate::client::{encode_path_segment, Client};
        use crate::Error;

        impl Client {
            #(#accessors)*
        }

        #(#group_items)*
    }
}

fn mentions_named(ty: &Ty) -> bool {
    match ty {
        Ty::Named(_) => true,
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => mentions_named(inner),
        _ => false,
    }
}

fn emit_group(api: &Api, ops: &[&Operation]) -> TokenStream {
    let first = ops[0];
    let group = format_ident!("{}", first.group_rust_name);
    let docs = doc_attrs(Some(&match api.tag_docs.get(&first.tag) {
        Some(text) => format!("{}: {text}", first.tag),
        None => format!("Operations on {}.", first.tag),
    }));
    let functions = ops.iter().map(|op| {
        let single = emit_operation(api, op);
        let stream = op.pagination.as_ref().and_then(|p| emit_stream(api, op, p));
        quote!(#single #stream)
    });
    let params = ops.iter().filter(|op| !op.query_params.is_empty()).map(|op| emit_params(api, op));
    quote! {
        #docs
        #[derive(Debug, Clone, Copy)]
        pub struct #group<'a> {
            client: &'a Client,
        }

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
    doc.push_str(&format!("`{} {}` (operation `{}`).", op.method.key().to_uppercase(), op.path, op.id));
    let docs = doc_attrs(Some(&doc));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let mut args = Vec::new();
    for param in &op.path_params {
        let arg = format_ident!("{}", param.rust_name);
        let ty = path_arg(api, &param.ty);
        args.push(quote!(#arg: #ty));
    }
    if !op.query_params.is_empty() {
        let params = format_ident!("{}", op.params_rust_name);
        args.push(quote!(params: &#params));
    }
    if let Some(body) = &op.body {
        let ty = match unalias(api, &body.ty) {
            Ty::String => quote!(str),
            Ty::Array(item) => {
                let item = ty_tokens(api, item, false);
                quote!([#item])
            }
            _ => ty_tokens(api, &body.ty, false),
        };
        args.push(if body.required { quote!(body: &#ty) } else { quote!(body: Option<&#ty>) });
    }

    // The path template with each `{name}` filled by its percent-encoded argument.
    let mut template = String::new();
    let mut encode = Vec::new();
    let mut encoded: Vec<&str> = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        template.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let name = &rest[start + 1..start + len];
        match op.path_params.iter().find(|p| p.name == name) {
            Some(param) => {
                template.push_str(&format!("{{{}}}", param.rust_name));
                let arg = format_ident!("{}", param.rust_name);
                if !encoded.contains(&param.rust_name.as_str()) {
                    encoded.push(&param.rust_name);
                    encode.push(quote!(let #arg = encode_path_segment(&#arg);));
                }
            }
            None => template.push_str(&rest[start..start + len + 1].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[start + len + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path = if encode.is_empty() { quote!(#template.to_owned()) } else { quote!(format!(#template)) };

    let method = method_tokens(op.method);
    let id = &op.id;
    let idempotent = op.method.is_idempotent();
    let query = (!op.query_params.is_empty()).then(|| quote!(.query(params)));
    let output = match &op.response {
        Some(ty) => ty_tokens(api, ty, false),
        None => quote!(()),
    };
    let send = match &op.body {
        Some(body) if !body.required => quote! {
            #(#encode)*
            let mut request = self.client.request(#method, #id, #path).idempotent(#idempotent) #query;
            if let Some(body) = body {
                request = request.json(body);
            }
            request.send().await
        },
        Some(_) => quote! {
            #(#encode)*
            self.client.request(#method, #id, #path).idempotent(#idempotent) #query .json(body).send().await
        },
        None => quote! {
            #(#encode)*
            self.client.request(#method, #id, #path).idempotent(#idempotent) #query .send().await
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

fn emit_params(api: &Api, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.params_rust_name);
    let doc = format!(" Query parameters of `{}`.", op.id);
    let all_optional = op.query_params.iter().all(|p| !p.required);
    let fields = op.query_params.iter().map(|p| param_field(api, p));
    let default = all_optional.then(|| quote!(Default,));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default Serialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn param_field(api: &Api, param: &Param) -> TokenStream {
    let rust = format_ident!("{}", param.rust_name);
    let wire = &param.name;
    let ty = ty_tokens(api, &param.ty, false);
    let docs = doc_attrs(param.docs.as_deref());
    // An object-valued parameter is spread into one query pair per property (style=form, explode).
    let flatten = definition(api, &param.ty).is_some_and(|d| matches!(d.kind, TypeKind::Struct(_) | TypeKind::Union(_)));
    let mut attrs = Vec::new();
    if flatten {
        attrs.push(quote!(flatten));
    } else if wire != &param.rust_name {
        attrs.push(quote!(rename = #wire));
    }
    if param.required {
        let attr = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
        quote! { #docs #attr pub #rust: #ty, }
    } else {
        attrs.push(quote!(skip_serializing_if = "Option::is_none"));
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
    let has_query = !op.query_params.is_empty();
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

    let doc = format!(
        " Every item of [`Self::{single}`], one page after another: the next page is fetched when the stream is read past the current one."
    );
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
        #[doc = #doc]
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
