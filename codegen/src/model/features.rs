//! Which types each part of the API needs, so that a user can compile one part alone.
//!
//! A part is one resource group (the operations of one tag), the webhooks, or the schemas no
//! operation and no webhook uses. Its types are the ones it names (parameters, bodies, every
//! response, pagination items; topic items and the envelope) and, transitively, everything those
//! reach through fields, extra keys, union variants and aliases. Each part becomes a cargo feature;
//! a type is compiled when any feature that reaches it is on.

use std::collections::{BTreeMap, BTreeSet};

use super::{Api, Ty, TypeDef, TypeId, TypeKind};

/// One part of the API a user can switch on alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    pub kind: FeatureKind,
    /// Every type the part needs, directly or through other types.
    pub types: BTreeSet<TypeId>,
    /// Filled by the naming stage: the cargo feature's name.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FeatureKind {
    /// The operations of one tag (a resource group), by tag name.
    Group(String),
    /// The webhook topics and their notifications (there even without an AsyncAPI description,
    /// so that the feature list does not depend on whether one was given).
    Webhooks,
    /// The types nothing else reaches, and what they reach: with it, all features give every type.
    Unreferenced,
}

/// When a generated item is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// In every configuration.
    Always,
    /// When any of these features (by name, sorted) is on; never empty.
    AnyOf(BTreeSet<String>),
}

impl Gate {
    /// Compiled when either is.
    pub fn union(self, other: &Gate) -> Gate {
        match (self, other) {
            (Gate::AnyOf(mut mine), Gate::AnyOf(theirs)) => {
                mine.extend(theirs.iter().cloned());
                Gate::AnyOf(mine)
            }
            _ => Gate::Always,
        }
    }

    /// The union of several gates; `None` when there are none (nothing needs the item).
    pub fn union_all<'a>(gates: impl IntoIterator<Item = &'a Gate>) -> Option<Gate> {
        gates.into_iter().fold(None, |acc, gate| Some(match acc {
            None => gate.clone(),
            Some(acc) => acc.union(gate),
        }))
    }
}

/// The parts of `api`: one per tag in tag order, then the webhooks, then the unreferenced schemas.
/// Names are left empty for the naming stage.
pub fn compute(api: &Api) -> Vec<Feature> {
    let mut group_roots: BTreeMap<&str, Vec<&Ty>> = BTreeMap::new();
    for op in &api.operations {
        let roots = group_roots.entry(op.tag.as_str()).or_default();
        roots.extend(op.path_params.iter().chain(&op.query_params).chain(&op.header_params).map(|p| &p.ty));
        roots.extend(op.body.iter().map(|b| &b.ty));
        roots.extend(op.response.iter());
        // Error answers too: a user of the group may decode them into their documented type.
        roots.extend(op.responses.iter().map(|r| &r.ty));
        roots.extend(op.pagination.iter().map(|p| &p.item));
    }
    let mut features: Vec<Feature> = group_roots
        .into_iter()
        .map(|(tag, roots)| Feature {
            kind: FeatureKind::Group(tag.to_owned()),
            types: reach(&api.types, roots),
            name: String::new(),
        })
        .collect();

    let mut webhook_roots: Vec<Ty> = Vec::new();
    if let Some(webhooks) = &api.webhooks {
        webhook_roots.extend(webhooks.topics.iter().map(|t| t.item.clone()));
        webhook_roots.extend(webhooks.envelope.map(Ty::Named));
        webhook_roots.extend(webhooks.channels.iter().flat_map(|c| &c.messages).map(|m| m.payload.clone()));
    }
    features.push(Feature { kind: FeatureKind::Webhooks, types: reach(&api.types, &webhook_roots), name: String::new() });

    let reached: BTreeSet<TypeId> = features.iter().flat_map(|f| f.types.iter().copied()).collect();
    let unreferenced: Vec<Ty> = (0..api.types.len()).map(TypeId).filter(|id| !reached.contains(id)).map(Ty::Named).collect();
    features.push(Feature { kind: FeatureKind::Unreferenced, types: reach(&api.types, &unreferenced), name: String::new() });
    features
}

/// Every named type `roots` mention, and every type those reach.
pub(super) fn reach<'a>(types: &[TypeDef], roots: impl IntoIterator<Item = &'a Ty>) -> BTreeSet<TypeId> {
    let mut found = BTreeSet::new();
    // An explicit stack: chains of types can be as long as the description makes them.
    let mut pending: Vec<TypeId> = Vec::new();
    for root in roots {
        named_in(root, &mut pending);
    }
    while let Some(id) = pending.pop() {
        let Some(def) = types.get(id.0) else { continue };
        if !found.insert(id) {
            continue;
        }
        match &def.kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    named_in(&field.ty, &mut pending);
                }
                if let Some(additional) = &s.additional {
                    named_in(additional, &mut pending);
                }
            }
            TypeKind::Union(u) => {
                for variant in &u.variants {
                    named_in(&variant.ty, &mut pending);
                }
            }
            TypeKind::Alias(ty) => named_in(ty, &mut pending),
            TypeKind::Enum(_) => {}
        }
    }
    found
}

/// The named types in `ty` (arrays, maps and nullables nest at most `MAX_ELEMENT_NESTING` deep).
fn named_in(ty: &Ty, out: &mut Vec<TypeId>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => named_in(inner, out),
        Ty::String | Ty::Integer | Ty::UInt64 | Ty::Int128 | Ty::Number | Ty::Boolean | Ty::Timestamp | Ty::Any | Ty::Binary => {}
    }
}

impl Api {
    /// The feature of the resource group `tag`.
    pub fn group_feature(&self, tag: &str) -> Option<&Feature> {
        self.features.iter().find(|f| matches!(&f.kind, FeatureKind::Group(t) if t == tag))
    }

    /// The feature of the webhooks.
    pub fn webhooks_feature(&self) -> Option<&Feature> {
        self.features.iter().find(|f| f.kind == FeatureKind::Webhooks)
    }

    /// When each type (by index) is compiled: always when every group and the webhooks need it,
    /// else when any feature that needs it is on.
    pub fn type_gates(&self) -> Vec<Gate> {
        let mut needed_by: Vec<BTreeSet<String>> = vec![BTreeSet::new(); self.types.len()];
        for feature in &self.features {
            for id in &feature.types {
                if let Some(names) = needed_by.get_mut(id.0) {
                    names.insert(feature.name.clone());
                }
            }
        }
        let everyone: Vec<&Feature> = self.features.iter().filter(|f| f.kind != FeatureKind::Unreferenced).collect();
        needed_by
            .into_iter()
            .enumerate()
            .map(|(index, names)| {
                let always = !everyone.is_empty() && everyone.iter().all(|f| f.types.contains(&TypeId(index)));
                if always || names.is_empty() {
                    // No feature at all only happens before `compute` ran: nothing to gate on.
                    Gate::Always
                } else {
                    Gate::AnyOf(names)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Operation, Struct};

    fn named(name: &str, fields: Vec<Ty>) -> TypeDef {
        TypeDef {
            name_hint: vec![name.to_owned()],
            name_alternatives: Vec::new(),
            schema_name: Some(name.to_owned()),
            docs: None,
            origin: String::new(),
            kind: TypeKind::Struct(Struct {
                fields: fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, ty)| Field {
                        wire_name: format!("f{i}"),
                        ty,
                        required: false,
                        nullable: false,
                        docs: None,
                        boxed: false,
                        access: Default::default(),
                        rust_name: String::new(),
                    })
                    .collect(),
                additional: None,
            }),
            sent: false,
            rust_name: String::new(),
        }
    }

    fn operation(tag: &str, response: Ty) -> Operation {
        Operation {
            id: format!("get{tag}"),
            method: crate::model::Method::Get,
            path: format!("/{tag}"),
            tag: tag.to_owned(),
            summary: None,
            description: None,
            deprecated: false,
            path_params: Vec::new(),
            query_params: Vec::new(),
            header_params: Vec::new(),
            body: None,
            response: Some(response),
            response_media: Default::default(),
            responses: Vec::new(),
            pagination: None,
            origin: String::new(),
            rust_name: String::new(),
            stream_rust_name: String::new(),
            params_rust_name: String::new(),
            group_rust_name: String::new(),
            group_accessor: String::new(),
        }
    }

    #[test]
    fn groups_reach_through_fields_and_unreferenced_types_get_their_own_feature() {
        // 0 shared, 1 a's own (holds a list of shared), 2 b's own, 3 unused (holds a's own), 4 a cycle with 5.
        let api = Api {
            types: vec![
                named("Shared", vec![]),
                named("AOwn", vec![Ty::Array(Box::new(Ty::Named(TypeId(0))))]),
                named("BOwn", vec![Ty::Named(TypeId(0))]),
                named("Unused", vec![Ty::Named(TypeId(1))]),
                named("Loop1", vec![Ty::Named(TypeId(5))]),
                named("Loop2", vec![Ty::Named(TypeId(4))]),
            ],
            operations: vec![operation("a", Ty::Named(TypeId(1))), operation("b", Ty::Named(TypeId(2)))],
            ..Api::default()
        };
        let features = compute(&api);
        let kinds: Vec<&FeatureKind> = features.iter().map(|f| &f.kind).collect();
        assert_eq!(
            kinds,
            [&FeatureKind::Group("a".into()), &FeatureKind::Group("b".into()), &FeatureKind::Webhooks, &FeatureKind::Unreferenced]
        );
        let ids = |f: &Feature| f.types.iter().map(|t| t.0).collect::<Vec<_>>();
        assert_eq!(ids(&features[0]), [0, 1]);
        assert_eq!(ids(&features[1]), [0, 2]);
        assert!(features[2].types.is_empty());
        // The unused type keeps what it holds compiled.
        assert_eq!(ids(&features[3]), [0, 1, 3, 4, 5]);
    }

    #[test]
    fn gates_list_the_features_that_need_a_type() {
        let mut api = Api {
            types: vec![named("Shared", vec![]), named("AOwn", vec![Ty::Named(TypeId(0))])],
            operations: vec![operation("a", Ty::Named(TypeId(1))), operation("b", Ty::Named(TypeId(0)))],
            ..Api::default()
        };
        api.features = compute(&api);
        for (feature, name) in api.features.iter_mut().zip(["a", "b", "webhooks", "unreferenced-schemas"]) {
            feature.name = name.to_owned();
        }
        let gates = api.type_gates();
        let any = |names: &[&str]| Gate::AnyOf(names.iter().map(|n| (*n).to_owned()).collect());
        // The webhooks need nothing here, so no type is needed by every part.
        assert_eq!(gates, [any(&["a", "b"]), any(&["a"])]);
        api.features[2].types.extend([TypeId(0)]);
        assert_eq!(api.type_gates()[0], Gate::Always);
        assert_eq!(Gate::union_all([&any(&["a"]), &any(&["b"])]), Some(any(&["a", "b"])));
        assert_eq!(Gate::union_all([&any(&["a"]), &Gate::Always]), Some(Gate::Always));
        assert_eq!(Gate::union_all([]), None);
    }
}
