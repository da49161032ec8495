//! Emits the `*_stream` twin of a paged operation: takes the operation, its pagination and its
//! arguments (`operations::operation_args`), gives a function that walks every page lazily
//! through the runtime's `pagination` drivers (which hold the loop, so each stream is small).

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
    let mut expr: Option<TokenStream> = None;
    let mut ty = root.clone();
    for wire in path {
        let field = struct_field(api, &ty, wire)?;
        let name = format_ident!("{}", field.rust_name);
        let optional = !field.required || field.nullable;
        expr = Some(match (expr, optional, field.boxed) {
            (None, true, false) => quote!(#root_expr.#name.as_ref()),
            (None, true, true) => quote!(#root_expr.#name.as_deref()),
            (None, false, false) => quote!(Some(&#root_expr.#name)),
            (None, false, true) => quote!(Some(&*#root_expr.#name)),
            (Some(expr), true, false) => quote!(#expr.and_then(|v| v.#name.as_ref())),
            (Some(expr), true, true) => quote!(#expr.and_then(|v| v.#name.as_deref())),
            (Some(expr), false, false) => quote!(#expr.map(|v| &v.#name)),
            (Some(expr), false, true) => quote!(#expr.map(|v| &*v.#name)),
        });
        ty = field.ty.clone();
    }
    expr
}

/// `<name>_stream`: every item of a paged list (or with `.pages()`, every page), fetching pages
/// as the stream is read. The stream owns a clone of the client and of the arguments: `'static`.
pub(super) fn emit_stream(api: &Api, op: &Operation, pagination: &Pagination) -> Option<TokenStream> {
    let single = format_ident!("{}", op.rust_name);
    let accessor = format_ident!("{}", op.group_accessor);
    let name = format_ident!("{}", op.stream_rust_name);
    let response = op.response.as_ref()?;
    let item = ty_tokens(api, &pagination.item, false);
    let raw = ty_tokens(api, response, false);
    let items_field = struct_field(api, response, &pagination.items_field)?;
    let items_name = format_ident!("{}", items_field.rust_name);
    // The items move out of the answer, which the page keeps for the rest.
    let mut items = if items_field.required && !items_field.nullable {
        quote!(std::mem::take(&mut page.#items_name))
    } else {
        quote!(page.#items_name.take().unwrap_or_default())
    };
    if pagination.skip_null_items {
        items = quote!(#items.into_iter().flatten().collect());
    }
    let total = match &pagination.total_count {
        Some(wire) => {
            let total = reach(api, quote!(page), response, &[wire.as_str()])?;
            quote!(#total.copied())
        }
        None => quote!(None),
    };

    // Every argument of the call, owned by the stream (which outlives the call) and copied into
    // each page's request; the one that carries the page position is copied by `set_page`.
    let mut args = operation_args(api, op);
    let paged = match &pagination.request {
        PageRequest::Query(_) => "params",
        PageRequest::Body(_) => "body",
        // The link replaces path and query: every argument is copied as it is.
        PageRequest::Link => "",
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
        " Every item of [`Self::{single}`], fetched a page at a time as the stream is read; `.pages()` on it gives the pages with their metadata. It owns its arguments and a clone of the client, so it can be spawned."
    ));
    let PageWalk { driver, first, position, set_page, next } = page_walk(api, op, pagination, response)?;
    // A stream of a deprecated operation is deprecated too, and calls it without a warning.
    let deprecated = op.deprecated.then(|| quote!(#[deprecated] #[allow(deprecated)]));
    // After the first page, a list paged by links asks for the link the answer gave.
    let at_link = (pagination.request == PageRequest::Link).then(|| quote!(.at_link(link.as_ref())));
    Some(quote! {
        #doc
        #deprecated
        #many
        pub fn #name(&self, #(#declared),*) -> crate::pagination::Paged<#item, #raw> {
            let client = self.client.clone();
            #(#owned)*
            #driver(#first move |#position| {
                let client = client.clone();
                #set_page
                #(#copies)*
                async move {
                    let mut page = client.#accessor().#single(#(#pass),*)#at_link.await?;
                    let next = #next;
                    Ok((crate::pagination::Page::new(#items, #total, page), next))
                }
            })
        }
    })
}

/// How a stream walks the pages: the runtime's driver (with its first page number, for numbered
/// pages, or the client, for links), the closure's argument, the statements that put the
/// position in the next request, and the expression of what the answer says about the next page.
struct PageWalk {
    driver: TokenStream,
    first: TokenStream,
    position: TokenStream,
    set_page: TokenStream,
    next: TokenStream,
}

fn page_walk(api: &Api, op: &Operation, pagination: &Pagination, response: &Ty) -> Option<PageWalk> {
    let path: Vec<&str> = pagination.next.iter().map(String::as_str).collect();
    let query_field = |param: &str| op.query_params.iter().find(|p| p.name == param);
    let (driver, set_page, next) = match (pagination.style, &pagination.request) {
        (PageStyle::Cursor | PageStyle::Scroll, PageRequest::Query(param)) => {
            let param = query_field(param)?;
            let field = format_ident!("{}", param.rust_name);
            let value = if param.required { quote!(cursor) } else { quote!(Some(cursor)) };
            let next = reach(api, quote!(page), response, &path)?;
            let driver = match pagination.style {
                PageStyle::Scroll => quote!(crate::pagination::scroll),
                _ => quote!(crate::pagination::cursor),
            };
            (
                driver,
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
            let next = reach(api, quote!(page), response, &path)?;
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
            let field = format_ident!("{}", query_field(param)?.rust_name);
            let total = match path.is_empty() {
                true => quote!(None::<i64>),
                false => {
                    let total = reach(api, quote!(page), response, &path)?;
                    quote!(#total.copied())
                }
            };
            (
                quote!(crate::pagination::numbered),
                quote! {
                    let mut params = params.clone();
                    params.#field = Some(page_number);
                },
                total,
            )
        }
        (PageStyle::Link, PageRequest::Link) => {
            let next = reach(api, quote!(page), response, &path)?;
            (quote!(crate::pagination::linked), TokenStream::new(), quote!(#next.cloned()))
        }
        (PageStyle::PageNumber | PageStyle::Scroll, PageRequest::Body(_))
        | (PageStyle::Link, _)
        | (_, PageRequest::Link) => return None,
    };
    let (position, first) = match (pagination.style, &pagination.request) {
        (PageStyle::PageNumber, PageRequest::Query(param)) => {
            let field = format_ident!("{}", query_field(param)?.rust_name);
            (quote!(page_number), quote!(params.#field.unwrap_or(1),))
        }
        // The client (for its base URL, which links are checked against) before the closure.
        (PageStyle::Link, _) => (quote!(link), quote!(self.client,)),
        _ => (quote!(cursor), TokenStream::new()),
    };
    Some(PageWalk { driver, first, position, set_page, next })
}
