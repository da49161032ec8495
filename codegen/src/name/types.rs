//! Type names: from the words of where a type sits, then from its parent's name, then from
//! other words for its place (a request body is also a `Body`), then with what it is (`Enum`,
//! `Object`...), and numbered only when all of those are taken.

use std::collections::HashMap;

use super::{camel_words, type_name, Scope, KEYWORDS};
use crate::model::{Ty, TypeDef, TypeKind, Variant};

/// Names every type: schema-named ones first (their names never move for an inline one), then
/// inline ones parents before children (shorter hints first), each in model order.
pub fn assign(types: &mut [TypeDef], scope: &mut Scope) {
    let mut order: Vec<usize> = (0..types.len()).filter(|&i| types[i].schema_name.is_some()).collect();
    let mut inline: Vec<usize> = (0..types.len()).filter(|&i| types[i].schema_name.is_none()).collect();
    inline.sort_by_key(|&i| types[i].name_hint.len());
    order.extend(inline);
    let parents = parents(types);
    for index in order {
        let candidates = candidates(types, index, parents[index]);
        types[index].rust_name = scope.claim_first(&candidates);
    }
}

/// For each inline type, the type whose hint is the longest proper prefix of its own (the type
/// it sits in, with the words that say where), when exactly one type has that hint.
fn parents(types: &[TypeDef]) -> Vec<Option<(usize, usize)>> {
    let mut by_hint: HashMap<&[String], Vec<usize>> = HashMap::new();
    for (index, def) in types.iter().enumerate() {
        by_hint.entry(def.name_hint.as_slice()).or_default().push(index);
    }
    types
        .iter()
        .map(|def| {
            if def.schema_name.is_some() {
                return None;
            }
            (1..def.name_hint.len()).rev().find_map(|len| by_hint.get(&def.name_hint[..len]).map(|found| (len, found))).and_then(
                |(len, found)| match found.as_slice() {
                    [only] => Some((*only, len)),
                    _ => None,
                },
            )
        })
        .collect()
}

/// What kind of type it is, as a word to tell it from a namesake.
fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "Object",
        TypeKind::Enum(_) => "Enum",
        TypeKind::Union(_) => "Union",
        TypeKind::Alias(_) => "Value",
    }
}

/// The names a type may take, best first.
fn candidates(types: &[TypeDef], index: usize, parent: Option<(usize, usize)>) -> Vec<String> {
    let def = &types[index];
    let mut out = vec![type_name(&def.name_hint, "Schema")];
    let push = |out: &mut Vec<String>, name: String| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    // The parent's own name, when it had to take another than its words give.
    if let Some((parent, len)) = parent {
        let base = types[parent].rust_name.trim_end_matches('_');
        if !base.is_empty() {
            let mut name = format!("{base}{}", camel_words(&def.name_hint[len..]));
            if KEYWORDS.contains(&name.as_str()) {
                name.push('_');
            }
            push(&mut out, name);
        }
    }
    for alternative in &def.name_alternatives {
        push(&mut out, type_name(alternative, "Schema"));
    }
    let kind = kind_word(&def.kind);
    let named: Vec<String> = out.clone();
    for name in named {
        push(&mut out, format!("{}{kind}", name.trim_end_matches('_')));
    }
    out
}

/// A word for a type as a variant of a union would be named from it: `String`, `ContactList`.
fn ty_word(ty: &Ty, type_names: &[String]) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::Integer | Ty::UInt64 | Ty::Int128 => "Integer".to_owned(),
        Ty::Number => "Number".to_owned(),
        Ty::Boolean => "Boolean".to_owned(),
        Ty::Timestamp => "Timestamp".to_owned(),
        Ty::Any => "Value".to_owned(),
        Ty::Binary => "Binary".to_owned(),
        Ty::Named(id) => type_names.get(id.0).map_or("Value", |name| name.trim_end_matches('_')).to_owned(),
        Ty::Array(inner) => format!("{}List", ty_word(inner, type_names)),
        Ty::Map(inner) => format!("{}Map", ty_word(inner, type_names)),
        Ty::Nullable(inner) => ty_word(inner, type_names),
    }
}

/// The names a union's variant may take: its own words, then, for a list or a map, what it holds
/// (`StringList` beside `IntegerList`).
pub fn variant_candidates(variant: &Variant, type_names: &[String]) -> Vec<String> {
    let mut out = vec![type_name(&variant.name_hint, "Variant")];
    if matches!(variant.ty, Ty::Array(_) | Ty::Map(_)) {
        let word = ty_word(&variant.ty, type_names);
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}
