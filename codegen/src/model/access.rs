//! `readOnly`/`writeOnly`: takes the lowered types and operations, gives the required fields that
//! one direction leaves out optional where the type travels that way.
//!
//! A required `readOnly` field is not sent in requests, so it is optional in a type that any
//! request reaches (a body or a parameter, through fields, variants and aliases); a required
//! `writeOnly` field is not in responses, so it is optional in a type that any response or
//! webhook reaches. A type only one way keeps the field required where it always travels: a
//! response-only type keeps its required `readOnly` `id`. Types nothing reaches are treated as
//! both ways. One Rust type serves both directions, so a user never converts between two.
//!
//! It also marks the types a request reaches ([`super::TypeDef::sent`]).

use super::features::reach;
use super::{Access, Api, Ty, TypeId, TypeKind};

pub fn relax_required(api: &mut Api) {
    let mut requests: Vec<&Ty> = Vec::new();
    let mut responses: Vec<&Ty> = Vec::new();
    for op in &api.operations {
        requests.extend(op.path_params.iter().chain(&op.query_params).chain(&op.header_params).map(|p| &p.ty));
        requests.extend(op.body.iter().map(|b| &b.ty));
        responses.extend(op.response.iter());
        responses.extend(op.responses.iter().map(|r| &r.ty));
        responses.extend(op.pagination.iter().map(|p| &p.item));
    }
    let webhook_roots: Vec<Ty> = match &api.webhooks {
        Some(webhooks) => webhooks.topics.iter().map(|t| t.item.clone()).chain(webhooks.envelope.map(Ty::Named)).collect(),
        None => Vec::new(),
    };
    responses.extend(&webhook_roots);
    let sent = reach(&api.types, requests);
    let received = reach(&api.types, responses);
    let unused = |id: &TypeId| !sent.contains(id) && !received.contains(id);
    let relax: Vec<(bool, bool)> = (0..api.types.len())
        .map(TypeId)
        .map(|id| (sent.contains(&id) || unused(&id), received.contains(&id) || unused(&id)))
        .collect();
    for (index, def) in api.types.iter_mut().enumerate() {
        def.sent = sent.contains(&TypeId(index));
    }
    for (def, (in_requests, in_responses)) in api.types.iter_mut().zip(relax) {
        let TypeKind::Struct(s) = &mut def.kind else { continue };
        for field in &mut s.fields {
            let leaves_out = match field.access {
                Access::ReadOnly => in_requests,
                Access::WriteOnly => in_responses,
                Access::ReadWrite => false,
            };
            if leaves_out {
                field.required = false;
            }
        }
    }
}
