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

/// How deep types may nest inside one another (each named type, `Vec`, map, and the `Option` or
/// `Box` of a field or variant is a level; a cycle is counted once) before rustc gives up: drop
/// checking, `needs_drop`, layout and trait selection recurse through every level, up to the
/// crate's `recursion_limit` (128 by default, and the crates using the types have the default).
/// Measured with rustc 1.95: a chain of 62 structs, each an `Option` of the next (124 levels),
/// builds; 64 do not. 100 leaves room for what wraps a response (`Result`, futures) and for
/// `MAX_DEPTH` inline objects (two levels each).
pub const MAX_TYPE_NESTING: usize = 100;

/// A field, variant or alias made free-form JSON by [`cut_deep_nesting`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub owner: TypeId,
    /// The field's wire name or the variant's index; empty for an alias.
    pub member: String,
    /// The named type that was held there.
    pub held: Option<TypeId>,
}

/// Levels `ty` adds around the named types it holds (`Vec<Option<T>>` is two), plus the deepest
/// of their heights; a type of the same cycle as the owner (`None` height) adds nothing.
fn nesting(ty: &Ty, heights: &[Option<usize>]) -> usize {
    match ty {
        Ty::Named(id) => heights[id.0].unwrap_or(0),
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => 1 + nesting(inner, heights),
        _ => 0,
    }
}

/// The strongly connected components of the graph of types (edges: every named type a member
/// holds, behind arrays and maps too), each a list of type indices, those a component holds
/// before it (Tarjan's algorithm, without recursion).
fn components(types: &[TypeDef]) -> Vec<Vec<usize>> {
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            members(&def.kind, |ty| named_anywhere(ty, &mut out));
            out.into_iter().map(|id| id.0).filter(|&i| i < types.len()).collect()
        })
        .collect();
    let mut index = vec![usize::MAX; types.len()];
    let mut low = vec![0; types.len()];
    let mut on_stack = vec![false; types.len()];
    let (mut next, mut stack, mut out) = (0, Vec::new(), Vec::new());
    for root in 0..types.len() {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, how many of its edges have been followed)
        let mut walk = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut followed)) = walk.last_mut() {
            if let Some(&child) = edges[node].get(*followed) {
                *followed += 1;
                if index[child] == usize::MAX {
                    index[child] = next;
                    low[child] = next;
                    next += 1;
                    stack.push(child);
                    on_stack[child] = true;
                    walk.push((child, 0));
                } else if on_stack[child] {
                    low[node] = low[node].min(index[child]);
                }
                continue;
            }
            walk.pop();
            if let Some(&(parent, _)) = walk.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}

/// Makes every field, variant and alias that would nest types deeper than [`MAX_TYPE_NESTING`]
/// free-form JSON, from the innermost types outwards: a chain of 200 structs becomes segments of
/// at most that depth, each ending in a `serde_json::Value` the next segment's type decodes from.
/// Types of one cycle count as one level (rustc checks Stripe's cycles of hundreds of types);
/// a single cycle longer than the limit is not cut.
pub fn cut_deep_nesting(types: &mut [TypeDef]) -> Vec<Cut> {
    let mut heights: Vec<Option<usize>> = vec![None; types.len()];
    let mut cuts = Vec::new();
    for component in components(types) {
        let mut deepest_in_component = 0;
        for &index in &component {
            let owner = TypeId(index);
            let mut deepest = 0;
            // A member is a level of its own beside its type: the `Option` of an optional field,
            // the `Box` of a struct or union variant. An alias adds no level: Rust replaces it by
            // what it stands for.
            let mut measure = |member: String, ty: &mut Ty, own: usize| {
                let depth = nesting(ty, &heights) + own;
                if depth >= MAX_TYPE_NESTING {
                    let mut held = Vec::new();
                    named_anywhere(ty, &mut held);
                    cuts.push(Cut { owner, member, held: held.first().copied() });
                    *ty = Ty::Any;
                } else {
                    deepest = deepest.max(depth);
                }
            };
            let own_level = match &mut types[index].kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        measure(field.wire_name.clone(), &mut field.ty, 1);
                    }
                    if let Some(extra) = &mut s.additional {
                        measure("additionalProperties".to_owned(), extra, 1);
                    }
                    1
                }
                TypeKind::Union(u) => {
                    for (i, variant) in u.variants.iter_mut().enumerate() {
                        measure(format!("variant {}", i + 1), &mut variant.ty, 1);
                    }
                    1
                }
                TypeKind::Alias(ty) => {
                    measure(String::new(), ty, 0);
                    0
                }
                TypeKind::Enum(_) => 1,
            };
            deepest_in_component = deepest_in_component.max(own_level + deepest);
        }
        for &index in &component {
            heights[index] = Some(deepest_in_component);
        }
    }
    cuts
}

/// Calls `visit` on the type of every field, extra-keys value, variant and alias of `kind`.
fn members(kind: &TypeKind, mut visit: impl FnMut(&Ty)) {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(s.additional.as_ref()).for_each(visit),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
        TypeKind::Alias(ty) => visit(ty),
        TypeKind::Enum(_) => {}
    }
}
