//! Emit: takes the named model, gives the Rust source of each generated file (formatted by prettyplease).
//!
//! This is the only stage that knows Rust syntax.

mod builders;
mod channels;
pub mod conformance;
mod docs;
mod operations;
mod streams;
mod requests;
mod types;
mod webhooks;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::diagnostics::{Error, ErrorKind};
use crate::model::{Api, Gate, Ty, TypeDef, TypeKind};

pub use docs::{doc_lines, KeptDocs};
pub(crate) use docs::{code, inline};

/// One generated file, relative to the client crate's `src/generated/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Emits every generated file. `sources` names the input descriptions for the header.
///
/// The files are cut into [`Part`]s that are emitted, parsed and formatted side by side, one
/// thread a core: token streams cannot cross threads, so each part goes from model to text in
/// the thread that takes it. The text is the same as [`emit_tokens`] then [`format()`] in one thread.
pub fn emit(api: &Api, sources: &[String]) -> Result<Vec<GeneratedFile>, Error> {
    let plan = Plan::new(api);
    let parts = &plan.parts;
    let texts = crate::parallel::on_every_core(parts.len(), crate::parallel::cores(), |i| parts[i].weight, |i| {
        let part = &parts[i];
        let (tokens, docs) = KeptDocs::keep_aside(|| plan.tokens(api, part));
        format_part(part.path, tokens, &docs)
    })?;
    let formatted = parts.iter().map(|part| part.path).zip(texts).collect();
    Ok(join_parts(formatted, sources))
}

/// A piece of one generated file, emitted and formatted on its own; the file is its parts' text
/// joined in order (prettyplease lays out each top-level item independently of its neighbours).
#[derive(Debug, Clone, Copy)]
pub struct Part {
    pub path: &'static str,
    piece: Piece,
    /// Roughly how much code the part is, to hand out big parts first.
    weight: usize,
}

#[derive(Debug, Clone, Copy)]
enum Piece {
    Root,
    /// The types whose position in name order is in `start..end`; the first part holds the module header.
    Types { start: usize, end: usize },
    /// The resource groups whose position in name order is in `start..end`; the first part holds
    /// the module header and the group accessors.
    Operations { start: usize, end: usize },
    Webhooks,
}

/// `types.rs` and `operations.rs` are cut into about this many parts each: small parts share out
/// evenly between threads, and syn parses a few small token streams faster than one big one.
const PARTS_PER_FILE: usize = 16;

/// The parts of every generated file, in file order, and what their emitters share.
pub struct Plan {
    pub parts: Vec<Part>,
    /// Indices into `api.types`, in name order (the order of `types.rs`).
    type_order: Vec<usize>,
    /// When each type is compiled, by index into `api.types`.
    type_gates: Vec<Gate>,
}

impl Plan {
    pub fn new(api: &Api) -> Plan {
        let mut type_order: Vec<usize> = (0..api.types.len()).collect();
        type_order.sort_by(|&a, &b| api.types[a].rust_name.cmp(&api.types[b].rust_name));
        let mut parts = vec![Part { path: "mod.rs", piece: Piece::Root, weight: 1 }];
        for (start, end) in chunks(&vec![1; api.types.len()]) {
            parts.push(Part { path: "types.rs", piece: Piece::Types { start, end }, weight: end - start });
        }
        let group_sizes = operations::group_sizes(api);
        for (start, end) in chunks(&group_sizes) {
            let weight = group_sizes[start..end].iter().sum();
            parts.push(Part { path: "operations.rs", piece: Piece::Operations { start, end }, weight });
        }
        let webhooks_weight = api.webhooks.as_ref().map_or(1, |w| (w.topics.len() + w.channels.iter().map(|c| c.messages.len()).sum::<usize>()) / 8);
        parts.push(Part { path: "webhooks.rs", piece: Piece::Webhooks, weight: webhooks_weight });
        Plan { parts, type_order, type_gates: api.type_gates() }
    }

    /// A part's tokens, not yet parsed or formatted. Run inside [`KeptDocs::keep_aside`], its doc
    /// comments are placeholders.
    pub fn tokens(&self, api: &Api, part: &Part) -> TokenStream {
        match part.piece {
            Piece::Root => module_root(api),
            Piece::Types { start, end } => types::emit(api, &self.type_gates, &self.type_order, start..end),
            Piece::Operations { start, end } => operations::emit(api, start..end),
            Piece::Webhooks => webhooks::emit(api),
        }
    }
}

/// Cuts items of these sizes, in order, into about [`PARTS_PER_FILE`] ranges of about equal
/// size; always at least one range (maybe empty), so that every file has its first part.
fn chunks(sizes: &[usize]) -> Vec<(usize, usize)> {
    let total: usize = sizes.iter().sum();
    let target = total.div_ceil(PARTS_PER_FILE).max(1);
    let mut ranges = Vec::new();
    let (mut start, mut filled) = (0, 0);
    for (index, size) in sizes.iter().enumerate() {
        filled += size;
        if filled >= target {
            ranges.push((start, index + 1));
            (start, filled) = (index + 1, 0);
        }
    }
    if start < sizes.len() || ranges.is_empty() {
        ranges.push((start, sizes.len()));
    }
    ranges
}

/// One part's tokens, not yet parsed or formatted, and the doc comments kept out of them.
pub struct EmittedPart {
    pub part: Part,
    pub tokens: TokenStream,
    pub docs: KeptDocs,
}

/// The first half of [`emit`], in one thread: the tokens of each part, in order, not yet parsed or formatted.
pub fn emit_tokens(api: &Api) -> Vec<EmittedPart> {
    let plan = Plan::new(api);
    plan.parts
        .iter()
        .map(|part| {
            let (tokens, docs) = KeptDocs::keep_aside(|| plan.tokens(api, part));
            EmittedPart { part: *part, tokens, docs }
        })
        .collect()
}

/// The second half of [`emit`], in one thread: parses each part's tokens (`syn`), formats them
/// (`prettyplease`) and joins them into files under a header naming `sources`.
pub fn format(parts: Vec<EmittedPart>, sources: &[String]) -> Result<Vec<GeneratedFile>, Error> {
    let formatted = parts
        .into_iter()
        .map(|emitted| Ok((emitted.part.path, format_part(emitted.part.path, emitted.tokens, &emitted.docs)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(join_parts(formatted, sources))
}

fn format_part(path: &str, tokens: TokenStream, docs: &KeptDocs) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| {
        Error::new(ErrorKind::Write, None, format!("generated {path} is not valid Rust (a generator bug): {err}"))
    })?;
    // prettyplease writes a doc attribute holding a lone `\r` (from a description) as a `///`
    // comment, where rustc refuses a bare carriage return. Literals are always escaped, so
    // a raw `\r` in the output can only be in a comment: it becomes a space.
    Ok(docs.fill(prettyplease::unparse(&file)).replace('\r', " "))
}

/// Joins consecutive parts of the same file under the header.
fn join_parts(parts: Vec<(&'static str, String)>, sources: &[String]) -> Vec<GeneratedFile> {
    // A line break in a file name would end the comment.
    let sources = sources.join(" and ").replace(char::is_control, " ");
    let header = format!(
        "// @generated by `cargo xtask codegen` from {sources}.\n// Do not edit by hand: change the description or the generator, then regenerate.\n\n"
    );
    let mut files: Vec<GeneratedFile> = Vec::new();
    for (path, text) in parts {
        match files.last_mut() {
            Some(file) if file.path == path => file.contents.push_str(&text),
            _ => files.push(GeneratedFile { path: path.to_owned(), contents: format!("{header}{text}") }),
        }
    }
    files
}

fn module_root(api: &Api) -> TokenStream {
    let version = &api.version;
    let title = &api.title;
    let doc = format!(" Code generated from the {} description, version {}.", code(title), inline(version));
    let servers = api.servers.iter().map(|s| {
        let url = &s.url;
        let description = s.description.clone().unwrap_or_default();
        quote!((#url, #description))
    });
    let webhooks = api.webhooks_feature().map(|f| cfg(&Gate::AnyOf([f.name.clone()].into())));
    quote! {
        #![doc = #doc]
        pub mod operations;
        pub mod types;
        #webhooks
        pub mod webhooks;

        /// The API version the code was generated from, sent as `Intercom-Version` unless the client overrides it.
        pub const API_VERSION: &str = #version;

        /// The servers the description lists, as `(base URL, description)`; the first is the default.
        pub const SERVERS: &[(&str, &str)] = &[#(#servers),*];
    }
}

/// The `#[cfg(..)]` attribute of an item compiled under `gate`; nothing when it always is.
pub(crate) fn cfg(gate: &Gate) -> TokenStream {
    let Gate::AnyOf(names) = gate else { return TokenStream::new() };
    let features: Vec<TokenStream> = names.iter().map(|name| quote!(feature = #name)).collect();
    match features.as_slice() {
        [one] => quote!(#[cfg(#one)]),
        _ => quote!(#[cfg(any(#(#features),*))]),
    }
}

/// `#[doc = "..."]` attributes, one per line of the description (made rustdoc-safe).
pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    let lines = doc_lines(text).into_iter().map(|line| if line.is_empty() { line } else { format!(" {line}") });
    docs::doc_attributes(lines.collect())
}

/// Like [`doc_attrs`] for several texts one after the other, each made safe on its own (a code
/// block one leaves open ends with it), with an empty line between them.
pub(crate) fn doc_attrs_paragraphs(texts: &[&str]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for text in texts {
        let part = doc_lines(text);
        if part.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(part.into_iter().map(|line| if line.is_empty() { line } else { format!(" {line}") }));
    }
    docs::doc_attributes(lines)
}

/// One `#[doc = "..."]` attribute with this exact value.
pub(crate) fn doc_attr(value: String) -> TokenStream {
    docs::doc_attributes(vec![value])
}

/// How a type is written; `prefix` is the path to the types module (`types::`) outside it.
pub(crate) fn ty_tokens(api: &Api, ty: &Ty, in_types_module: bool) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Integer => quote!(i64),
        Ty::UInt64 => quote!(u64),
        Ty::Int128 => quote!(i128),
        Ty::Number => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Timestamp => quote!(crate::Timestamp),
        Ty::Binary => quote!(crate::FilePart),
        Ty::Any => quote!(serde_json::Value),
        Ty::Named(id) => {
            let name = format_ident!("{}", api.types[id.0].rust_name);
            if in_types_module {
                quote!(#name)
            } else {
                quote!(types::#name)
            }
        }
        Ty::Array(item) => {
            let item = ty_tokens(api, item, in_types_module);
            quote!(Vec<#item>)
        }
        Ty::Map(value) => {
            let value = ty_tokens(api, value, in_types_module);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        Ty::Nullable(inner) => {
            let inner = ty_tokens(api, inner, in_types_module);
            quote!(Option<#inner>)
        }
    }
}

/// Follows aliases to the type that is really there.
pub(crate) fn unalias<'a>(api: &'a Api, ty: &'a Ty) -> &'a Ty {
    let mut current = ty;
    for _ in 0..=api.types.len() {
        match current {
            Ty::Named(id) => match &api.types[id.0].kind {
                TypeKind::Alias(inner) => current = inner,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

/// The type with every alias replaced by what it stands for, at every level (`Vec<Name>` with
/// `type Name = String` is `Vec<String>`): two types are the same Rust type exactly when these are
/// equal. Aliases that loop stay as they are.
pub(crate) fn canonical(api: &Api, ty: &Ty) -> Ty {
    canonical_within(api, ty, api.types.len())
}

fn canonical_within(api: &Api, ty: &Ty, budget: usize) -> Ty {
    let ty = unalias(api, ty);
    let inner = |inner: &Ty| Box::new(canonical_within(api, inner, budget.saturating_sub(1)));
    match ty {
        _ if budget == 0 => ty.clone(),
        Ty::Array(item) => Ty::Array(inner(item)),
        Ty::Map(value) => Ty::Map(inner(value)),
        Ty::Nullable(value) => Ty::Nullable(inner(value)),
        other => other.clone(),
    }
}

/// The definition behind a type, when it is a struct, enum or union.
pub(crate) fn definition<'a>(api: &'a Api, ty: &Ty) -> Option<&'a TypeDef> {
    let Ty::Named(mut id) = ty else { return None };
    for _ in 0..=api.types.len() {
        match &api.types[id.0].kind {
            TypeKind::Alias(Ty::Named(next)) => id = *next,
            TypeKind::Alias(_) => return None,
            _ => return Some(&api.types[id.0]),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formatting each part alone, doc comments kept aside, and joining the text gives what
    /// formatting each whole file with its doc attributes gives: prettyplease lays out top-level
    /// items one by one, and writes each doc attribute as a `///` line at its item's indentation.
    #[test]
    fn parts_join_into_the_whole_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut configs = vec![crate::Config {
            openapi: root.join("specs/openapi.yaml"),
            asyncapi: Some(root.join("specs/webhooks.asyncapi.yaml")),
            strict: false,
        }];
        // One of Intercom's published descriptions, beside the checkout (always there in CI).
        let published = root.join("../shared/specs/intercom/2.15/api.intercom.io.yaml");
        if published.is_file() {
            configs.push(crate::Config { openapi: published, asyncapi: None, strict: false });
        }
        for config in configs {
            let model = crate::build_model(&config).expect("the description generates");
            let sources = ["`a.yaml`".to_owned()];
            let joined = emit(&model.api, &sources).expect("emits");
            let plan = Plan::new(&model.api);
            assert!(plan.parts.iter().filter(|part| part.path == "types.rs").count() > 4, "types.rs is cut into parts");
            // Outside `KeptDocs::keep_aside`, the tokens hold the doc attributes themselves.
            let mut whole: Vec<(&'static str, TokenStream)> = Vec::new();
            for part in &plan.parts {
                let stream = plan.tokens(&model.api, part);
                match whole.last_mut() {
                    Some((path, file)) if *path == part.path => file.extend(stream),
                    _ => whole.push((part.path, stream)),
                }
            }
            let whole: Vec<(&'static str, String)> = whole
                .into_iter()
                .map(|(path, stream)| (path, format_part(path, stream, &KeptDocs::default()).expect("valid Rust")))
                .collect();
            assert_eq!(joined, join_parts(whole, &sources), "{}", config.openapi.display());
        }
    }
}
