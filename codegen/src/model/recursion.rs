//! Marks the fields and variants that close a cycle of by-value types, so the output can box them.

use super::{Ty, TypeDef, TypeId, TypeKind, Union, Variant};

/// The named type a value of `ty` holds inline (not behind a `Vec` or map).
fn inline_target(ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => Some(*id),
        Ty::Nullable(inner) => inline_target(inner),
        _ => None,
    }
}

fn inline_edges(types: &[TypeDef], id: TypeId) -> Vec<TypeId> {
    match &types[id.0].kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| inline_target(&f.ty)).collect(),
        TypeKind::Union(u) => u.variants.iter().filter_map(|v| inline_target(&v.ty)).collect(),
        TypeKind::Alias(ty) => inline_target(ty).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// Whether `from` reaches `to` through inline edges.
fn reaches(types: &[TypeDef], from: TypeId, to: TypeId) -> bool {
    let mut seen = vec![false; types.len()];
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if std::mem::replace(&mut seen[id.0], true) {
            continue;
        }
        stack.extend(inline_edges(types, id));
    }
    false
}

/// Boxes every struct field and union variant whose type leads back to its owner.
pub fn mark_boxed(types: &mut [TypeDef]) {
    for index in 0..types.len() {
        let owner = TypeId(index);
        let targets: Vec<Option<TypeId>> = match &types[index].kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| inline_target(&f.ty)).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| inline_target(&v.ty)).collect(),
            _ => continue,
        };
        let boxed: Vec<bool> = targets.iter().map(|t| t.is_some_and(|t| reaches(types, t, owner))).collect();
        match &mut types[index].kind {
            TypeKind::Struct(s) => s.fields.iter_mut().zip(boxed).for_each(|(f, b)| f.boxed = b),
            TypeKind::Union(u) => u.variants.iter_mut().zip(boxed).for_each(|(v, b)| v.boxed = b),
            _ => {}
        }
    }
}

/// `a: {$ref: b}` and `b: {$ref: a}` describe nothing; such alias loops become free-form JSON.
pub fn break_alias_cycles(types: &mut [TypeDef]) {
    for index in 0..types.len() {
        let mut current = TypeId(index);
        for _ in 0..=types.len() {
            match &types[current.0].kind {
                TypeKind::Alias(Ty::Named(next)) => {
                    current = *next;
                    if current.0 == index {
                        types[index].kind = TypeKind::Alias(Ty::Any);
                        break;
                    }
                }
                _ => break,
            }
        }
    }
}

/// Whether `from` reaches `to` through union variants and aliases alone: the edges along which
/// decoding tries another type on the same JSON value, without going one level into it.
fn reaches_in_place(types: &[TypeDef], from: TypeId, to: TypeId) -> bool {
    let mut seen = vec![false; types.len()];
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if std::mem::replace(&mut seen[id.0], true) {
            continue;
        }
        match &types[id.0].kind {
            TypeKind::Union(u) => stack.extend(u.variants.iter().filter_map(|v| inline_target(&v.ty))),
            TypeKind::Alias(ty) => stack.extend(inline_target(ty)),
            TypeKind::Struct(_) | TypeKind::Enum(_) => {}
        }
    }
    false
}

/// An untagged union tries its variants in order on the same value, so a variant that leads back
/// to the union through unions and aliases alone (`oneOf: [{$ref: self}, ...]`) would be tried
/// forever when decoding. Such a variant admits no value the others do not: it is dropped, and a
/// union left without variants becomes free-form JSON.
pub fn drop_union_self_loops(types: &mut [TypeDef]) {
    for index in 0..types.len() {
        let TypeKind::Union(u) = &types[index].kind else { continue };
        if u.tag.is_some() {
            continue;
        }
        let looping: Vec<bool> =
            u.variants.iter().map(|v| inline_target(&v.ty).is_some_and(|t| reaches_in_place(types, t, TypeId(index)))).collect();
        if !looping.contains(&true) {
            continue;
        }
        if let TypeKind::Union(u) = &mut types[index].kind {
            let mut looping = looping.into_iter();
            u.variants.retain(|_| !looping.next().unwrap_or(false));
            if u.variants.is_empty() {
                types[index].kind = TypeKind::Alias(Ty::Any);
            }
        }
    }
}

/// The named types anywhere in `ty`, behind arrays, maps and nullables too.
fn named_anywhere(ty: &Ty, out: &mut Vec<TypeId>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => named_anywhere(inner, out),
        _ => {}
    }
}

/// Whether the alias `start` comes back to itself through aliases alone, looking inside arrays,
/// maps and nullables (`a: {type: array, items: {$ref: a}}`).
fn alias_reaches_itself(types: &[TypeDef], start: TypeId) -> bool {
    let mut seen = vec![false; types.len()];
    let mut stack = Vec::new();
    if let TypeKind::Alias(ty) = &types[start.0].kind {
        named_anywhere(ty, &mut stack);
    }
    while let Some(id) = stack.pop() {
        if id == start {
            return true;
        }
        if std::mem::replace(&mut seen[id.0], true) {
            continue;
        }
        if let TypeKind::Alias(ty) = &types[id.0].kind {
            named_anywhere(ty, &mut stack);
        }
    }
    false
}

/// An alias that contains itself through an array, a map or a nullable (`a = Vec<a>`) would be
/// an infinite type alias: it becomes a union of that one type instead (a named type of its own,
/// so the cycle goes through it). Aliases that are only another type (`a = b`, `b = a`) are
/// [`break_alias_cycles`]'s. Run that first.
pub fn wrap_recursive_aliases(types: &mut [TypeDef]) {
    for index in 0..types.len() {
        let TypeKind::Alias(ty) = &types[index].kind else { continue };
        let hint = match ty {
            Ty::Array(_) => "List",
            Ty::Map(_) => "Map",
            Ty::Nullable(_) => "Value",
            _ => continue,
        };
        if !alias_reaches_itself(types, TypeId(index)) {
            continue;
        }
        let ty = ty.clone();
        let variant = Variant { tag_values: Vec::new(), ty, name_hint: vec![hint.to_owned()], boxed: false, rust_name: String::new() };
        types[index].kind = TypeKind::Union(Union { tag: None, variants: vec![variant] });
    }
}
