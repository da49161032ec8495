//! Lowers an OpenAPI 3.0 document: component schemas, then every operation.

use std::collections::BTreeMap;

use heck::ToLowerCamelCase;
use serde_json::Value;

use super::schema::docs_of;
use super::{media, params, Api, Example, Method, Operation, Param, Response, Server, Ty, TypeSpace};
use crate::diagnostics::{Diagnostics, Error, ErrorKind};
use crate::resolve::{FileId, Node};

pub fn lower(space: &mut TypeSpace<'_>, file: FileId, diags: &mut Diagnostics) -> Result<Api, Error> {
    let docs = space.docs;
    let root = docs.root(file);
    let doc = docs.get(&root).unwrap_or(&Value::Null);
    let text = |pointer: &str| doc.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
    let mut api = Api {
        title: text("/info/title").unwrap_or_default(),
        version: match doc.pointer("/info/version") {
            Some(Value::String(v)) => v.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        },
        description: text("/info/description"),
        ..Api::default()
    };
    if let Some(Value::Array(servers)) = doc.get("servers") {
        for server in servers {
            if let Some(url) = server.get("url").and_then(Value::as_str) {
                let description = server.get("description").and_then(Value::as_str).map(str::to_owned);
                api.servers.push(Server { url: url.to_owned(), description });
            }
        }
    }

    if let Some(Value::Array(tags)) = doc.get("tags") {
        for tag in tags {
            if let (Some(name), Some(docs)) = (tag.get("name").and_then(Value::as_str), docs_of(tag)) {
                api.tag_docs.insert(name.to_owned(), docs);
            }
        }
    }

    // Every component schema becomes a type, used or not: users name them.
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        let schemas_node = root.child("components").child("schemas");
        for name in schemas.keys() {
            space.named(&schemas_node.child(name), diags)?;
        }
    }

    let mut seen_ids: BTreeMap<String, Node> = BTreeMap::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        let paths_node = root.child("paths");
        for (path, item) in paths {
            let site = paths_node.child(path);
            let Some((item_node, resolved_item)) = docs.deref_at(&site, item) else { continue };
            let item = resolved_item.unwrap_or(item);
            for method in Method::ALL {
                if item.get(method.key()).is_none() {
                    continue;
                }
                let op_node = item_node.child(method.key());
                let operation = lower_operation(space, &item_node, resolved_item, &op_node, method, path, diags)?;
                if let Some(first) = seen_ids.get(&operation.id) {
                    let location = docs.locate(&op_node.child("operationId"));
                    return Err(Error::at(
                        ErrorKind::Conflict,
                        location,
                        format!("duplicate operationId `{}`: also used at {}", operation.id, docs.locate(first)),
                    ));
                }
                seen_ids.insert(operation.id.clone(), op_node.clone());
                api.operations.push(operation);
            }
        }
    }
    Ok(api)
}

/// Lowers the operation at `op_node`, the `method` of the path item at `item_node` (whose value is
/// `item`, `None` when nothing is there).
fn lower_operation<'d>(
    space: &mut TypeSpace<'d>,
    item_node: &Node,
    item: Option<&'d Value>,
    op_node: &Node,
    method: Method,
    path: &str,
    diags: &mut Diagnostics,
) -> Result<Operation, Error> {
    let docs = space.docs;
    let op = item.and_then(|item| item.get(method.key())).unwrap_or(&Value::Null);
    let string = |key: &str| op.get(key).and_then(Value::as_str).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());

    let id = match string("operationId") {
        Some(id) => id,
        None => {
            let derived = derive_operation_id(method, path);
            diags.warn(
                docs.locate(op_node),
                format!("operation has no operationId; naming it `{derived}` from its method and path"),
            )?;
            derived
        }
    };
    let tag = op
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|tags| tags.iter().find_map(Value::as_str))
        .map(str::to_owned)
        .unwrap_or_else(|| path.split('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("default").to_owned());

    // Operation-level parameters override path-level ones with the same name and location.
    let mut params: Vec<(String, String, Node, &'d Value)> = Vec::new();
    for (owner, owner_value) in [(item_node, item), (op_node, Some(op))] {
        let Some(Value::Array(list)) = owner_value.and_then(|v| v.get("parameters")) else { continue };
        let list_node = owner.child("parameters");
        for (index, param) in list.iter().enumerate() {
            let site = list_node.item(index);
            let Some((node, Some(param))) = docs.deref_at(&site, param) else { continue };
            let name = param.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let location = param.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
            params.retain(|(n, l, _, _)| !(n == &name && l == &location));
            params.push((name, location, node.into_owned(), param));
        }
    }
    let lowered = params::lower(space, &id, params, diags)?;
    let mut path_params = lowered.path;
    reconcile_path_params(path, &mut path_params, |message| diags.warn(docs.locate(op_node), message))?;

    let body_site = op.get("requestBody").map(|body| (op_node.child("requestBody"), body));
    let body = match body_site.as_ref().and_then(|(node, body)| docs.deref_at(node, body)) {
        Some((body_node, Some(body))) => media::request_body(space, &body_node, body, &id, diags)?,
        _ => None,
    };

    let responses = lower_responses(space, op_node, op, &id, diags)?;
    let response = responses.iter().find(|r| r.status.starts_with('2')).map(|r| r.ty.clone());
    let response_media = media::response_media(op, lowered.accept.as_deref(), docs, op_node);
    Ok(Operation {
        id,
        method,
        path: path.to_owned(),
        tag,
        summary: string("summary"),
        description: string("description"),
        deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
        path_params,
        query_params: lowered.query,
        header_params: lowered.header,
        body,
        response,
        response_media,
        responses,
        pagination: None,
        origin: docs.describe(op_node),
        rust_name: String::new(),
        stream_rust_name: String::new(),
        params_rust_name: String::new(),
        group_rust_name: String::new(),
        group_accessor: String::new(),
    })
}

/// The names between braces in a path template, in order, once each (`/{owner}.{repo}` holds two).
pub fn template_names(path: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        if !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[start + len + 1..];
    }
    names
}

/// Makes the path parameters those the template names, in its order: a declared parameter the
/// template does not name is left out (it has nowhere to go), a name the template holds but no
/// parameter declares is taken as a string; both are warned.
fn reconcile_path_params(
    path: &str,
    params: &mut Vec<Param>,
    mut warn: impl FnMut(String) -> Result<(), Error>,
) -> Result<(), Error> {
    let names = template_names(path);
    let mut kept = Vec::new();
    for param in params.drain(..) {
        if names.contains(&param.name.as_str()) {
            kept.push(param);
        } else {
            warn(format!("path parameter `{}` is not in the path `{path}`; the generated function leaves it out", param.name))?;
        }
    }
    for name in &names {
        if !kept.iter().any(|p| &p.name == name) {
            warn(format!("path parameter `{name}` is not declared; taking it as a string"))?;
            kept.push(Param::new(*name, Ty::String, true, "path"));
        }
    }
    kept.sort_by_key(|p| names.iter().position(|n| *n == p.name));
    *params = kept;
    Ok(())
}

/// Every response with a JSON body, in status order (`2xx` first), with its examples.
fn lower_responses<'d>(
    space: &mut TypeSpace<'d>,
    op_node: &Node,
    op: &'d Value,
    id: &str,
    diags: &mut Diagnostics,
) -> Result<Vec<Response>, Error> {
    let docs = space.docs;
    let Some(Value::Object(responses)) = op.get("responses") else { return Ok(Vec::new()) };
    let mut codes: Vec<(&String, &Value)> = responses.iter().collect();
    codes.sort_by_key(|(code, _)| *code);
    let responses_node = op_node.child("responses");
    let mut out = Vec::new();
    for (code, response) in codes {
        let site = responses_node.child(code);
        let Some((response, Some(response_value))) = docs.deref_at(&site, response) else { continue };
        let Some((media, media_value)) = json_media_entry(response_value.get("content")) else { continue };
        let media_node = response.child("content").child(media);
        let hint = if code.starts_with('2') && out.is_empty() {
            vec![id.to_owned(), "Response".to_owned()]
        } else {
            vec![id.to_owned(), "Response".to_owned(), code.clone()]
        };
        let schema_node = media_node.child("schema");
        let ty = match media_value.get("schema") {
            Some(schema) => {
                let mut alternative = hint.clone();
                alternative.insert(2, "Body".to_owned());
                space.lower_body(&schema_node, Some(schema), &hint, alternative, diags)?
            }
            None => Ty::Any,
        };
        // A body that may be `null` decodes as an option, except an object by a bare `$ref` to a
        // nullable schema: descriptions mark a schema nullable for where it sits inside other
        // objects, and every call returning an `Option` for that costs users more than the
        // decode error a `null` answer would give.
        let by_reference = media_value.get("schema").is_some_and(|s| s.get("$ref").is_some());
        let nullable = ty != Ty::Any && space.is_nullable(&schema_node) && !(by_reference && space.is_struct(&ty));
        let ty = if nullable { Ty::Nullable(Box::new(ty)) } else { ty };
        out.push(Response { status: code.clone(), ty, examples: examples(space, &media_node, media_value) });
    }
    // Success first, so `responses[0]` is the one the function returns when there is one.
    out.sort_by_key(|r| !r.status.starts_with('2'));
    Ok(out)
}

/// The `example` and `examples` of the media type at `media_node`, whose value is `media`.
fn examples(space: &TypeSpace<'_>, media_node: &Node, media: &Value) -> Vec<Example> {
    let docs = space.docs;
    let mut out = Vec::new();
    if let Some(value) = media.get("example") {
        out.push(Example { name: "example".to_owned(), value: value.clone(), origin: docs.describe(&media_node.child("example")) });
    }
    if let Some(Value::Object(named)) = media.get("examples") {
        let examples_node = media_node.child("examples");
        for (name, example) in named {
            let site = examples_node.child(name);
            let Some((example_node, Some(example))) = docs.deref_at(&site, example) else { continue };
            if let Some(value) = example.get("value") {
                out.push(Example { name: name.clone(), value: value.clone(), origin: docs.describe(&example_node.child("value")) });
            }
        }
    }
    out
}

/// The JSON media type of a `content` map: `application/json` first, then any `+json`/`json` type.
pub fn json_media(content: Option<&Value>) -> Option<String> {
    json_media_entry(content).map(|(media, _)| media.clone())
}

/// [`json_media`] with the media type's value.
fn json_media_entry(content: Option<&Value>) -> Option<(&String, &Value)> {
    let content = content?.as_object()?;
    content.get_key_value("application/json").or_else(|| content.iter().find(|(k, _)| k.contains("json")))
}

/// `get /contacts/{id}/tags` -> `getContactsIdTags`.
fn derive_operation_id(method: Method, path: &str) -> String {
    let mut words = vec![method.key().to_owned()];
    words.extend(
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_start_matches('{').trim_end_matches('}').to_owned()),
    );
    words.join("_").to_lower_camel_case()
}
