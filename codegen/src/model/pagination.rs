//! Detects how list and search operations page, from the shapes of their schemas.

use super::{Api, Field, PageRequest, PageStyle, Pagination, Ty, TypeKind};

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

fn detect_one(api: &Api, op: &super::Operation) -> Option<Pagination> {
    let response = op.response.as_ref()?;
    let pages = field(api, response, "pages")?;
    let cursor = field(api, &pages.ty, "next").and_then(|next| field(api, &next.ty, "starting_after"));
    let pages_cursor = cursor.is_some_and(|f| f.ty == Ty::String);
    let pages_numbered = field(api, &pages.ty, "total_pages").is_some() && field(api, &pages.ty, "page").is_some();
    if !pages_cursor && !pages_numbered {
        return None;
    }
    // The items: `data`, or else the one array of named types.
    let named = |ty: &Ty| match ty {
        Ty::Named(_) => true,
        Ty::Nullable(inner) => matches!(**inner, Ty::Named(_)),
        _ => false,
    };
    let arrays: Vec<&Field> = fields(api, response)?.iter().filter(|f| matches!(&f.ty, Ty::Array(item) if named(item))).collect();
    let items = match fields(api, response)?.iter().find(|f| f.wire_name == "data" && matches!(f.ty, Ty::Array(_))) {
        Some(data) => data,
        None if arrays.len() == 1 => arrays[0],
        None => return None,
    };
    let Ty::Array(item) = &items.ty else { return None };
    // A cursor where the operation takes one back; else page numbers, where the pages say how
    // many there are and the operation takes a page number (some lists answer with both).
    let (style, request) = match cursor_request(api, op).filter(|_| pages_cursor) {
        Some(request) => (PageStyle::Cursor, request),
        None if pages_numbered && op.query_params.iter().any(|p| p.name == "page" && p.ty == Ty::Integer && !p.required) => {
            (PageStyle::PageNumber, PageRequest::Query("page".to_owned()))
        }
        None => return None,
    };
    let (item, skip_null_items) = match &**item {
        Ty::Nullable(inner) => ((**inner).clone(), true),
        other => (other.clone(), false),
    };
    Some(Pagination { style, items_field: items.wire_name.clone(), item, skip_null_items, request })
}

/// Where the operation takes a cursor back: the `starting_after` query parameter, or the
/// `starting_after` of the body's `pagination` object (which must be buildable from nothing when absent).
fn cursor_request(api: &Api, op: &super::Operation) -> Option<PageRequest> {
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

/// Fills `Operation::pagination` for every operation whose schemas show one of the two styles.
pub fn detect(api: &mut Api) {
    let found: Vec<Option<Pagination>> = api.operations.iter().map(|op| detect_one(api, op)).collect();
    for (op, pagination) in api.operations.iter_mut().zip(found) {
        op.pagination = pagination;
    }
}
