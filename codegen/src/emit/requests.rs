//! How an operation's parameters, body and answer go on the wire: takes one operation of the
//! model, gives the tokens of its body argument, of the builder calls that add the query styles,
//! header parameters and body to the request, and of the call that reads the answer.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{definition, ty_tokens, unalias};
use crate::model::{Api, Body, BodyMedia, Operation, Param, PropertyEncoding, ResponseMedia, Style, Ty, TypeKind};

/// `crate::encoding::Style::..` for a style the runtime writes.
fn style_tokens(style: Style) -> TokenStream {
    match style {
        Style::Form => quote!(crate::encoding::Style::Form),
        Style::SpaceDelimited => quote!(crate::encoding::Style::SpaceDelimited),
        Style::PipeDelimited => quote!(crate::encoding::Style::PipeDelimited),
        Style::DeepObject => quote!(crate::encoding::Style::DeepObject),
        Style::Json => quote!(crate::encoding::Style::Json),
        Style::Simple | Style::Label | Style::Matrix => quote!(crate::encoding::Style::Simple),
    }
}

/// `.query(params)`, or `.query_styled(params, &[..])` listing the parameters not sent as `form`
/// exploded; nothing without query parameters.
pub fn query_call(op: &Operation) -> TokenStream {
    if op.query_params.is_empty() {
        return TokenStream::new();
    }
    let styled: Vec<TokenStream> = op
        .query_params
        .iter()
        .filter(|p| (p.style, p.explode) != (Style::Form, true))
        .map(|p| {
            let (wire, style, explode) = (&p.name, style_tokens(p.style), p.explode);
            quote!((#wire, #style, #explode))
        })
        .collect();
    if styled.is_empty() {
        quote!(.query(params))
    } else {
        quote!(.query_styled(params, &[#(#styled),*]))
    }
}

/// `.header_param(..)` for each header parameter (a field of the params struct).
pub fn header_calls(op: &Operation) -> TokenStream {
    let calls = op.header_params.iter().map(|p: &Param| {
        let field = format_ident!("{}", p.rust_name);
        let (wire, style, explode) = (&p.name, style_tokens(p.style), p.explode);
        quote!(.header_param(#wire, &params.#field, #style, #explode))
    });
    quote!(#(#calls)*)
}

/// The type the function takes its body by reference as (`&#ty`).
pub fn body_arg(api: &Api, body: &Body) -> TokenStream {
    match body.media {
        BodyMedia::Text => return quote!(str),
        BodyMedia::Binary => return quote!([u8]),
        _ => {}
    }
    match unalias(api, &body.ty) {
        Ty::String => quote!(str),
        Ty::Array(item) => {
            let item = ty_tokens(api, item, false);
            quote!([#item])
        }
        _ => ty_tokens(api, &body.ty, false),
    }
}

/// Whether a required body is taken as `impl Into<..>`: a union, which each variant converts to.
pub fn takes_into(api: &Api, body: &Body) -> bool {
    !matches!(body.media, BodyMedia::Text | BodyMedia::Binary) && definition(api, &body.ty).is_some_and(|d| matches!(d.kind, TypeKind::Union(_)))
}

/// The builder call that adds `body` (a reference to the body argument).
pub fn attach_body(api: &Api, body: &Body) -> TokenStream {
    let media_type = &body.media_type;
    match &body.media {
        BodyMedia::Json => quote!(.json(body)),
        BodyMedia::Form(encodings) => {
            let styled = encodings.iter().filter_map(|e| {
                let (style, explode) = e.style?;
                let (wire, style) = (&e.property, style_tokens(style));
                Some(quote!((#wire, #style, #explode)))
            });
            quote!(.form(body, &[#(#styled),*]))
        }
        BodyMedia::Multipart(encodings) => multipart(api, body, encodings),
        BodyMedia::Text => quote!(.raw_body(body.to_owned(), #media_type)),
        BodyMedia::Binary => quote!(.raw_body(body.to_vec(), #media_type)),
    }
}

/// `.multipart(..)`: the body's properties as parts, then its files (servers such as Box's
/// want the attributes before the file).
fn multipart(api: &Api, body: &Body, encodings: &[PropertyEncoding]) -> TokenStream {
    let encoding = |wire: &str| encodings.iter().find(|e| e.property == wire);
    let files: Vec<(String, proc_macro2::Ident)> = match definition(api, &body.ty).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => {
            s.fields.iter().filter(|f| holds_files(api, &f.ty)).map(|f| (f.wire_name.clone(), format_ident!("{}", f.rust_name))).collect()
        }
        _ => Vec::new(),
    };
    let skip = files.iter().map(|(wire, _)| wire);
    let content_types = encodings.iter().filter(|e| !files.iter().any(|(w, _)| *w == e.property)).filter_map(|e| {
        let (wire, content_type) = (&e.property, e.content_type.as_ref()?);
        Some(quote!((#wire, #content_type)))
    });
    let file_calls = files.iter().map(|(wire, field)| {
        // A list (`image/png, image/jpeg`) or a wildcard says what may be sent, not what is.
        let declared = encoding(wire).and_then(|e| e.content_type.as_deref()).filter(|ct| !ct.contains([',', '*']));
        let content_type = match declared {
            Some(ct) => quote!(Some(#ct)),
            None => quote!(None),
        };
        quote!(parts.files(#wire, &body.#field, #content_type);)
    });
    quote!(.multipart({
        let mut parts = crate::encoding::Multipart::new();
        parts.values(body, &[#(#skip),*], &[#(#content_types),*]);
        #(#file_calls)*
        parts
    }))
}

/// Whether a field holds files: octets, or a list or optional of them.
fn holds_files(api: &Api, ty: &Ty) -> bool {
    match unalias(api, ty) {
        Ty::Binary => true,
        Ty::Array(inner) | Ty::Nullable(inner) => holds_files(api, inner),
        _ => false,
    }
}

/// What the function's `Call` gives, and the calls that ask for and read the answer.
pub fn answer(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    match &op.response_media {
        ResponseMedia::Json => {
            let output = match &op.response {
                Some(ty) => ty_tokens(api, ty, false),
                None => quote!(()),
            };
            (output, quote!(.send()))
        }
        ResponseMedia::Text(accept) => (quote!(String), quote!(.accept(#accept).send_text())),
        ResponseMedia::Binary(accept) => (quote!(bytes::Bytes), quote!(.accept(#accept).send_bytes())),
    }
}

/// Sentences for the function's docs on how the body and the answer travel, when it is not JSON.
pub fn media_docs(op: &Operation) -> String {
    let mut doc = String::new();
    if let Some(body) = &op.body {
        if body.media != BodyMedia::Json || !body.alternatives.is_empty() {
            doc.push_str(&format!("The body is sent as `{}`", body.media_type));
            if !body.alternatives.is_empty() {
                let others: Vec<String> = body.alternatives.iter().map(|m| format!("`{m}`")).collect();
                doc.push_str(&format!(" (the operation also accepts {})", others.join(", ")));
            }
            doc.push_str(".\n\n");
        }
    }
    match &op.response_media {
        ResponseMedia::Json => {}
        ResponseMedia::Text(media) => doc.push_str(&format!("Returns the answer's body as text (`{media}`).\n\n")),
        ResponseMedia::Binary(media) => doc.push_str(&format!("Returns the answer's body as bytes (`{media}`).\n\n")),
    }
    doc
}
