//! Lowers an OpenAPI 3.0 document: component schemas, then every operation.

use std::collections::BTreeMap;

use heck::ToLowerCamelCase;
use serde_json::Value;

use super::schema::docs_of;
use super::{Api, Body, Example, Method, Operation, Param, Response, Server, Ty, TypeSpace};
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
        for (path, item) in paths {
            let item_node = root.child("paths").child(path);
            let Some(item_node) = docs.deref(&item_node) else { continue };
            let Some(item) = docs.get(&item_node).or(Some(item)) else { continue };
            for method in Method::ALL {
                if item.get(method.key()).is_none() {
                    continue;
                }
                let op_node = item_node.child(method.key());
                let operation = lower_operation(space, &item_node, &op_node, method, path, diags)?;
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

fn lower_operation(
    space: &mut TypeSpace<'_>,
    item_node: &Node,
    op_node: &Node,
    method: Method,
    path: &str,
    diags: &mut Diagnostics,
) -> Result<Operation, Error> {
    let docs = space.docs;
    let op = docs.get(op_node).unwrap_or(&Value::Null);
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
    let mut params: Vec<(String, String, Node)> = Vec::new();
    for (owner, key) in [(item_node, "parameters"), (op_node, "parameters")] {
        let Some(Value::Array(list)) = docs.get(&owner.child(key)) else { continue };
        for index in 0..list.len() {
            let Some(node) = docs.deref(&owner.child(key).child(&index.to_string())) else { continue };
            let Some(param) = docs.get(&node) else { continue };
            let name = param.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let location = param.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
            params.retain(|(n, l, _)| !(n == &name && l == &location));
            params.push((name, location, node));
        }
    }
    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    for (name, location, node) in params {
        let param = docs.get(&node).unwrap_or(&Value::Null);
        let schema_node = if param.get("schema").is_some() {
            node.child("schema")
        } else if let Some(Value::Object(content)) = param.get("content") {
            match content.keys().next() {
                Some(media) => node.child("content").child(media).child("schema"),
                None => node.child("schema"),
            }
        } else {
            node.child("schema")
        };
        let hint = vec![id.clone(), name.clone()];
        let ty = if docs.get(&schema_node).is_some() { space.lower(&schema_node, &hint, diags)? } else { Ty::String };
        let lowered = Param {
            name: name.clone(),
            ty,
            required: location == "path" || param.get("required") == Some(&Value::Bool(true)),
            docs: docs_of(param),
            rust_name: String::new(),
        };
        match location.as_str() {
            "path" => path_params.push(lowered),
            "query" => query_params.push(lowered),
            // The client sends the API version on every request itself.
            "header" if name.eq_ignore_ascii_case("Intercom-Version") => {}
            other => diags.warn(
                docs.locate(&node),
                format!("{other} parameter `{name}` is not supported yet; the generated function does not send it"),
            )?,
        }
    }
    // Keep path parameters in the order the path template names them.
    path_params.sort_by_key(|p| path.find(&format!("{{{}}}", p.name)).unwrap_or(usize::MAX));
    for segment in path.split('/').filter(|s| s.starts_with('{') && s.ends_with('}')) {
        let name = &segment[1..segment.len() - 1];
        if !path_params.iter().any(|p| p.name == name) {
            diags.warn(docs.locate(op_node), format!("path parameter `{name}` is not declared; taking it as a string"))?;
            path_params.push(Param { name: name.to_owned(), ty: Ty::String, required: true, docs: None, rust_name: String::new() });
        }
    }

    let body = match docs.deref(&op_node.child("requestBody")) {
        Some(body_node) if docs.get(&body_node).is_some() => {
            let required = docs.get(&body_node).and_then(|b| b.get("required")) == Some(&Value::Bool(true));
            match json_media(docs.get(&body_node).and_then(|b| b.get("content"))) {
                Some(media) => {
                    let schema = body_node.child("content").child(&media).child("schema");
                    let ty = if docs.get(&schema).is_some() {
                        space.lower(&schema, &[id.clone(), "Request".to_owned()], diags)?
                    } else {
                        Ty::Any
                    };
                    Some(Body { ty, required })
                }
                None => {
                    diags.warn(
                        docs.locate(&body_node.child("content")),
                        "request body has no JSON media type; sending it is not supported yet",
                    )?;
                    None
                }
            }
        }
        _ => None,
    };

    let responses = lower_responses(space, op_node, &id, diags)?;
    let response = responses.iter().find(|r| r.status.starts_with('2')).map(|r| r.ty.clone());
    Ok(Operation {
        id,
        method,
        path: path.to_owned(),
        tag,
        summary: string("summary"),
        description: string("description"),
        deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
        path_params,
        query_params,
        body,
        response,
        responses,
        pagination: None,
        origin: docs.describe(op_node),
        rust_name: String::new(),
        params_rust_name: String::new(),
        group_rust_name: String::new(),
        group_accessor: String::new(),
    })
}

/// Every response with a JSON body, in status order (`2xx` first), with its examples.
fn lower_responses(space: &mut TypeSpace<'_>, op_node: &Node, id: &str, diags: &mut Diagnostics) -> Result<Vec<Response>, Error> {
    let docs = space.docs;
    let Some(Value::Object(responses)) = docs.get(&op_node.child("responses")) else { return Ok(Vec::new()) };
    let mut codes: Vec<&String> = responses.keys().collect();
    codes.sort();
    let mut out = Vec::new();
    for code in codes {
        let Some(response) = docs.deref(&op_node.child("responses").child(code)) else { continue };
        let content = docs.get(&response).and_then(|r| r.get("content"));
        let Some(media) = json_media(content) else { continue };
        let media_node = response.child("content").child(&media);
        let schema = media_node.child("schema");
        let hint = if code.starts_with('2') && out.is_empty() {
            vec![id.to_owned(), "Response".to_owned()]
        } else {
            vec![id.to_owned(), "Response".to_owned(), code.clone()]
        };
        let ty = if docs.get(&schema).is_some() { space.lower(&schema, &hint, diags)? } else { Ty::Any };
        out.push(Response { status: code.clone(), ty, examples: examples(space, &media_node) });
    }
    // Success first, so `responses[0]` is the one the function returns when there is one.
    out.sort_by_key(|r| !r.status.starts_with('2'));
    Ok(out)
}

/// The `example` and `examples` of a media type.
fn examples(space: &TypeSpace<'_>, media: &Node) -> Vec<Example> {
    let docs = space.docs;
    let mut out = Vec::new();
    if let Some(value) = docs.get(&media.child("example")) {
        out.push(Example { name: "example".to_owned(), value: value.clone(), origin: docs.describe(&media.child("example")) });
    }
    if let Some(Value::Object(named)) = docs.get(&media.child("examples")) {
        for name in named.keys() {
            let Some(example) = docs.deref(&media.child("examples").child(name)) else { continue };
            if let Some(value) = docs.get(&example.child("value")) {
                out.push(Example { name: name.clone(), value: value.clone(), origin: docs.describe(&example.child("value")) });
            }
        }
    }
    out
}

/// The JSON media type of a `content` map: `application/json` first, then any `+json`/`json` type.
pub fn json_media(content: Option<&Value>) -> Option<String> {
    let content = content?.as_object()?;
    if content.contains_key("application/json") {
        return Some("application/json".to_owned());
    }
    content.keys().find(|k| k.contains("json")).cloned()
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
