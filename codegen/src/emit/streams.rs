//! Emits the `*_stream` twin of a paged operation: takes the operation, its pagination and its
//! arguments (`operations::operation_args`), gives a function that walks every page lazily.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operations::{operation_args, Arg, Passing, MAX_ARGS};
use super::{builders, definition, doc_attr, ty_tokens};
use crate::model::{Api, Field, Operation, PageRequest, PageStyle, Pagination, Ty, TypeKind};

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
pub(super) fn emit_stream(api: &Api, op: &Operation, pagination: &Pagination) -> Option<TokenStream> {
    let single = format_ident!("{}", op.rust_name);
    let name = format_ident!("{}", op.stream_rust_name);
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

    // Every argument of the call, owned by the stream (which outlives the call) and copied into
    // each page's request; the one that carries the page position is copied by `set_page`.
    let mut args = operation_args(api, op);
    let paged = match &pagination.request {
        PageRequest::Query(_) => "params",
        PageRequest::Body(_) => "body",
    };
    // A cursor in the body needs a body to write into: the stream takes one even where the call may go without.
    let mut body_made_required = false;
    if let (PageRequest::Body(_), Some(body)) = (&pagination.request, args.iter_mut().find(|a| a.name == "body")) {
        if let Passing::OptionalRef { slice_like } = body.passing {
            body.passing = Passing::Ref { slice_like };
            body_made_required = true;
        }
    }
    let declared: Vec<TokenStream> = args.iter().map(Arg::declare).collect();
    let owned: Vec<TokenStream> = args.iter().filter_map(Arg::own).collect();
    let copies: Vec<TokenStream> = args.iter().filter(|a| a.name != paged).filter_map(Arg::copy).collect();
    let pass: Vec<TokenStream> = args
        .iter()
        .map(|a| if a.name == "body" && body_made_required { quote!(Some(&body)) } else { a.pass() })
        .collect();
    let many = (args.len() + 1 > MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));

    let doc = doc_attr(format!(
        " Every item of [`Self::{single}`], one page after another: the next page is fetched when the stream is read past the current one."
    ));
    let PageWalk { driver, first, position, set_page, next } = page_walk(api, op, pagination, response)?;
    // A stream of a deprecated operation is deprecated too, and calls it without a warning.
    let deprecated = op.deprecated.then(|| quote!(#[deprecated] #[allow(deprecated)]));
    Some(quote! {
        #doc
        #deprecated
        #many
        pub fn #name(&self, #(#declared),*) -> impl futures::Stream<Item = Result<#item, Error>> + 'a {
            let group = *self;
            #(#owned)*
            #driver(#first move |#position| {
                #set_page
                #(#copies)*
                async move {
                    let page = group.#single(#(#pass),*).await?;
                    let next = #next;
                    Ok((#items, next))
                }
            })
        }
    })
}

/// How a stream walks the pages: the runtime's driver (with its first page number, for numbered
/// pages), the closure's argument, the statements that put the position in the next request,
/// and the expression of the next position read from a page.
struct PageWalk {
    driver: TokenStream,
    first: TokenStream,
    position: TokenStream,
    set_page: TokenStream,
    next: TokenStream,
}

fn page_walk(api: &Api, op: &Operation, pagination: &Pagination, response: &Ty) -> Option<PageWalk> {
    let (driver, set_page, next) = match (pagination.style, &pagination.request) {
        (PageStyle::Cursor, PageRequest::Query(param)) => {
            let param = op.query_params.iter().find(|p| &p.name == param)?;
            let field = format_ident!("{}", param.rust_name);
            let value = if param.required { quote!(cursor) } else { quote!(Some(cursor)) };
            let next = reach(api, quote!(page), response, &["pages", "next", "starting_after"])?;
            (
                quote!(crate::pagination::cursor),
                quote! {
                    let mut params = params.clone();
                    if let Some(cursor) = cursor {
                        params.#field = #value;
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
            let value = match definition(api, &holder.ty) {
                Some(owner) if builders::tri_state(owner, cursor_field) => quote!(crate::Nullable::Value(cursor)),
                _ if !cursor_field.required || cursor_field.nullable => quote!(Some(cursor)),
                _ => quote!(cursor),
            };
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
    Some(PageWalk { driver, first, position, set_page, next })
}
