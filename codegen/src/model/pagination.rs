//! Detects how list and search operations page, from the shapes of their schemas and
//! parameters (names Intercom uses in every version of its API, and the common shape of a link):
//! - cursor: the answer's `pages.next.starting_after`, taken back as the `starting_after` query
//!   parameter or in the body's `pagination` object;
//! - scroll: the answer's `scroll_param`, taken back as the `scroll_param` query parameter;
//! - page numbers: an optional integer `page` query parameter, with the answer's
//!   `pages.total_pages` or, where the answer does not count pages, a `per_page` parameter;
//! - links: a GET whose answer links to its next page, a string `next` (or `next_url`,
//!   `next_link`, `next_page_url`, `nextLink`, or `next.href`) in its paging object (`pages`,
//!   `paging`, `pagination`, `links`, `_links`), or a top-level `next_page_url`, `next_url`,
//!   `next_link`, `nextLink` or `@odata.nextLink`; the link is asked for as it is.
//!
//! The first that applies wins, in that order. The items are the answer's `data` array, or else
//! its one array of named types. A list that gives no way to ask for the next page does not
//! page; when its answer looks paged (a paging object, a scroll parameter or a next-page link
//! beside the items), [`detect`] says so, for a located warning.

use super::{Api, Field, Method, Operation, PageRequest, PageStyle, Pagination, Ty, TypeKind};

/// The fields of the struct behind a type, through aliases.
fn fields<'a>(api: &'a Api, ty: &Ty) -> Option<&'a [Field]> {
    let mut current = ty;
    for _ in 0..=api.types.len() {
        let Ty::Named(id) = current else { return None };
        match &api.types[id.0].kind {
            TypeKind::Struct(s) => return Some(&s.fields),
            TypeKind::Alias(inner) => current = inner,
            _ => return None,
        }
    }
    None
}

fn field<'a>(api: &'a Api, ty: &Ty, name: &str) -> Option<&'a Field> {
    fields(api, ty)?.iter().find(|f| f.wire_name == name)
}

/// The field down `path` (wire names) from `ty`, when it has type `leaf`.
fn leaf(api: &Api, ty: &Ty, path: &[&str], leaf: &Ty) -> Option<Vec<String>> {
    let (last, parents) = path.split_last()?;
    let mut current = ty;
    for name in parents {
        current = &field(api, current, name)?.ty;
    }
    (&field(api, current, last)?.ty == leaf).then(|| path.iter().map(|p| (*p).to_owned()).collect())
}

/// An optional query parameter of this name and type.
fn takes(op: &Operation, name: &str, ty: &Ty) -> bool {
    op.query_params.iter().any(|p| p.name == name && &p.ty == ty && !p.required)
}

fn detect_one(api: &Api, op: &Operation) -> Option<Pagination> {
    let response = op.response.as_ref()?;
    let (items, item) = items(api, response)?;
    // A cursor where the operation takes one back; else a scroll; else page numbers (some lists
    // answer with a cursor and take page numbers).
    let cursor = leaf(api, response, &["pages", "next", "starting_after"], &Ty::String)
        .and_then(|next| Some((PageStyle::Cursor, cursor_request(api, op)?, next)));
    let scroll = || {
        let next = leaf(api, response, &["scroll_param"], &Ty::String)?;
        takes(op, "scroll_param", &Ty::String).then(|| (PageStyle::Scroll, PageRequest::Query("scroll_param".to_owned()), next))
    };
    let numbered = || {
        let total = leaf(api, response, &["pages", "total_pages"], &Ty::Integer);
        let counted = total.is_some() || op.query_params.iter().any(|p| p.name == "per_page");
        (takes(op, "page", &Ty::Integer) && counted)
            .then(|| (PageStyle::PageNumber, PageRequest::Query("page".to_owned()), total.unwrap_or_default()))
    };
    let linked = || {
        let next = link(api, response)?;
        (op.method == Method::Get).then_some((PageStyle::Link, PageRequest::Link, next))
    };
    let (style, request, next) = cursor.or_else(scroll).or_else(numbered).or_else(linked)?;
    let (item, skip_null_items) = match item {
        Ty::Nullable(inner) => ((**inner).clone(), true),
        other => (other.clone(), false),
    };
    let total_count = leaf(api, response, &["total_count"], &Ty::Integer).map(|_| "total_count".to_owned());
    Some(Pagination { style, items_field: items.wire_name.clone(), item, skip_null_items, request, next, total_count })
}

/// The field holding a page's items, `data` or else the one array of named types, and the item type.
fn items<'a>(api: &'a Api, response: &Ty) -> Option<(&'a Field, &'a Ty)> {
    let named = |ty: &Ty| match ty {
        Ty::Named(_) => true,
        Ty::Nullable(inner) => matches!(**inner, Ty::Named(_)),
        _ => false,
    };
    let all = fields(api, response)?;
    let arrays: Vec<&Field> = all.iter().filter(|f| matches!(&f.ty, Ty::Array(item) if named(item))).collect();
    let items = match all.iter().find(|f| f.wire_name == "data" && matches!(f.ty, Ty::Array(_))) {
        Some(data) => data,
        None if arrays.len() == 1 => arrays[0],
        None => return None,
    };
    match &items.ty {
        Ty::Array(item) => Some((items, item)),
        _ => None,
    }
}

/// Where the operation takes a cursor back: the `starting_after` query parameter, or the
/// `starting_after` of the body's `pagination` object (which must be buildable from nothing when absent).
fn cursor_request(api: &Api, op: &Operation) -> Option<PageRequest> {
    if op.query_params.iter().any(|p| p.name == "starting_after" && p.ty == Ty::String) {
        return Some(PageRequest::Query("starting_after".to_owned()));
    }
    let body = op.body.as_ref()?;
    let pagination = field(api, &body.ty, "pagination")?;
    field(api, &pagination.ty, "starting_after").filter(|f| f.ty == Ty::String)?;
    let all_optional = fields(api, &pagination.ty)?.iter().all(|f| !f.required || f.nullable);
    if !pagination.required && !all_optional {
        return None;
    }
    Some(PageRequest::Body("pagination".to_owned()))
}

/// The objects of an answer that hold its paging details.
const PAGING_OBJECTS: &[&str] = &["pages", "paging", "pagination", "links", "_links"];

/// Names of a paging object's link to the next page.
const LINKS_IN_PAGING: &[&str] = &["next", "next_url", "next_link", "next_page_url", "nextLink"];

/// Names of a top-level link to the next page.
const TOP_LEVEL_LINKS: &[&str] = &["next_page_url", "next_url", "next_link", "nextLink", "@odata.nextLink"];

/// Where the answer links to its next page: a string in its paging object, the `href` of an
/// object there, or a top-level link.
fn link(api: &Api, response: &Ty) -> Option<Vec<String>> {
    let string = |path: &[&str]| leaf(api, response, path, &Ty::String);
    let in_paging = PAGING_OBJECTS.iter().find_map(|holder| {
        LINKS_IN_PAGING.iter().find_map(|name| string(&[*holder, *name]).or_else(|| string(&[*holder, *name, "href"])))
    });
    in_paging.or_else(|| TOP_LEVEL_LINKS.iter().find_map(|name| string(&[*name])))
}

/// A list whose answer looks paged but that gives no way to ask for the next page: no stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpaged {
    /// Index into `Api::operations`.
    pub operation: usize,
    /// What makes the answer look paged (wire names, dotted).
    pub sign: String,
    /// The answer's next-page link, when the operation is not a GET (a link is followed with GET only).
    pub link: Option<String>,
}

impl Unpaged {
    /// The warning, for the operation it names.
    pub fn message(&self, op: &Operation) -> String {
        let why = match &self.link {
            Some(link) => format!("its answer links to the next page (`{link}`), and a link is followed only for a GET"),
            None => "it takes no position back (an optional `starting_after` or `scroll_param` string, or an integer `page`, as a query parameter; a `pagination.starting_after` in its body) and its answer has no link to the next page".to_owned(),
        };
        format!(
            "`{}` answers with a page of a list (`{}`) but gets no stream, only its first page: {why} (`x-pagination: none` on the operation says this is known)",
            op.id, self.sign
        )
    }
}

/// What makes an answer with items look paged: a paging object, a scroll parameter, a link.
fn paged_sign(api: &Api, response: &Ty) -> Option<String> {
    let fields = fields(api, response)?;
    let named = |names: &[&str]| fields.iter().find(|f| names.contains(&f.wire_name.as_str())).map(|f| f.wire_name.clone());
    named(PAGING_OBJECTS).or_else(|| named(&["scroll_param"])).or_else(|| link(api, response).map(|path| path.join(".")))
}

/// Fills `Operation::pagination` for every operation whose schemas show one of the styles, and
/// gives the lists whose answers look paged but that have none (each worth a warning).
pub fn detect(api: &mut Api) -> Vec<Unpaged> {
    let found: Vec<Option<Pagination>> = api.operations.iter().map(|op| detect_one(api, op)).collect();
    let mut unpaged = Vec::new();
    for (index, (op, pagination)) in api.operations.iter().zip(&found).enumerate() {
        let Some(response) = op.response.as_ref() else { continue };
        if pagination.is_some() || items(api, response).is_none() {
            continue;
        }
        if let Some(sign) = paged_sign(api, response) {
            let off_get = (op.method != Method::Get).then(|| link(api, response)).flatten().map(|path| path.join("."));
            unpaged.push(Unpaged { operation: index, sign, link: off_get });
        }
    }
    for (op, pagination) in api.operations.iter_mut().zip(found) {
        op.pagination = pagination;
    }
    unpaged
}
