//! Lowers the channels of an AsyncAPI document whose messages name no topic: each message's
//! payload becomes a type, each channel the list of its messages and how they are told apart.

use std::collections::HashMap;

use serde_json::Value;

use super::super::{Channel, Dispatch, Example, Message, Ty, TypeSpace};
use crate::diagnostics::{Diagnostics, Error};
use crate::resolve::{Documents, Node};

/// A message as a channel lists it.
pub(super) struct Listed {
    /// The channel's key under `channels`.
    pub channel: String,
    /// The message's key in the channel's `messages` (3.x).
    pub key: Option<String>,
    /// The message itself, past any `$ref`.
    pub node: Node,
}

/// Schema formats whose payloads are JSON Schema (AsyncAPI's own, JSON Schema, OpenAPI's).
const JSON_SCHEMA_FORMATS: &[&str] = &["application/vnd.aai.asyncapi", "application/schema+json", "application/schema+yaml", "application/vnd.oai.openapi"];

/// The channels, in the order they list their first message, with their messages in order.
pub(super) fn lower(space: &mut TypeSpace<'_>, root: &Node, listed: Vec<Listed>, diags: &mut Diagnostics) -> Result<Vec<Channel>, Error> {
    let docs = space.docs;
    let mut grouped: Vec<(String, Vec<Listed>)> = Vec::new();
    for message in listed {
        match grouped.iter_mut().find(|(name, _)| *name == message.channel) {
            Some((_, list)) if list.iter().any(|m| m.node == message.node) => {}
            Some((_, list)) => list.push(message),
            None => grouped.push((message.channel.clone(), vec![message])),
        }
    }
    // A message listed by several channels has one payload type.
    let mut payloads: HashMap<Node, (Ty, Option<Node>)> = HashMap::new();
    let mut channels = Vec::new();
    for (name, listed) in grouped {
        let channel_node = docs.deref(&root.child("channels").child(&name));
        let channel_value = channel_node.as_ref().and_then(|node| docs.get(node));
        let text = |key: &str| channel_value.and_then(|c| c.get(key)).and_then(Value::as_str).map(str::to_owned);
        // 2.x channels are keyed by their address; 3.x ones say it (`null`: not known yet).
        let address = match channel_value.and_then(|c| c.get("address")) {
            Some(Value::String(address)) => Some(address.clone()),
            Some(_) => None,
            None if channel_value.is_some_and(|c| c.get("messages").is_none()) => Some(name.clone()),
            None => None,
        };
        let mut messages = Vec::new();
        let mut payload_nodes = Vec::new();
        for (index, message) in listed.iter().enumerate() {
            let body = docs.get(&message.node).unwrap_or(&Value::Null);
            let names = names_of(message, body, &messages, index);
            let hint = vec![names[0].clone(), "Payload".to_owned()];
            let (payload, payload_node) = match payloads.get(&message.node) {
                Some(known) => known.clone(),
                None => {
                    let lowered = payload(space, &message.node, &names[0], &hint, diags)?;
                    payloads.insert(message.node.clone(), lowered.clone());
                    lowered
                }
            };
            let text = |key: &str| body.get(key).and_then(Value::as_str).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
            let summary = text("summary").or_else(|| text("title"));
            messages.push(Message {
                names,
                description: text("description").filter(|d| Some(d) != summary.as_ref()),
                summary,
                payload,
                tag_value: None,
                examples: examples(docs, &message.node, body),
                payload_origin: payload_node.as_ref().map(|node| docs.describe(node)),
                rust_name: String::new(),
            });
            payload_nodes.push(payload_node);
        }
        let dispatch = match find_tag(docs, &payload_nodes) {
            Some((tag, values)) => {
                for (message, value) in messages.iter_mut().zip(values) {
                    message.tag_value = Some(value);
                }
                warn_shared_tags(docs, &root.child("channels").child(&name), &name, &tag, &messages, diags)?;
                Dispatch::Tag(tag)
            }
            None => {
                if messages.len() > 1 {
                    diags.warn(
                        docs.locate(&root.child("channels").child(&name)),
                        format!(
                            "no payload property tells the messages of channel `{name}` apart: a payload decodes as the first \
                             message whose type takes it (`from_named` decodes by the message's name)"
                        ),
                    )?;
                }
                Dispatch::Untagged
            }
        };
        let docs_text = text("description").or_else(|| text("summary")).or_else(|| text("title"));
        channels.push(Channel { name, address, docs: docs_text, messages, dispatch, rust_name: String::new() });
    }
    Ok(channels)
}

/// The names a transport may call the message by, without those an earlier message of the
/// channel has: 3.x its key in the channel, then `name`, `messageId` and its key under
/// `components.messages`; 2.x `messageId`, `name`, then the component key. A message with none
/// left is `message<N>`, N its place in the channel.
fn names_of(message: &Listed, body: &Value, earlier: &[Message], index: usize) -> Vec<String> {
    let field = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let component = message
        .node
        .pointer
        .strip_prefix("/components/messages/")
        .filter(|rest| !rest.contains('/'))
        .map(|token| token.replace("~1", "/").replace("~0", "~"));
    let candidates = match &message.key {
        Some(key) => vec![Some(key.clone()), field("name"), field("messageId"), component],
        None => vec![field("messageId"), field("name"), component],
    };
    let mut names: Vec<String> = Vec::new();
    for name in candidates.into_iter().flatten() {
        let taken = earlier.iter().any(|m| m.names.contains(&name));
        if !name.is_empty() && !taken && !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        names.push(format!("message{}", index + 1));
    }
    names
}

/// The payload's type and its schema node: JSON Schema payloads are lowered (2.x `schemaFormat`
/// beside the payload, 3.x `{schemaFormat, schema}`); other formats (Avro, Protobuf, ...) and a
/// missing payload are any JSON, the former with a warning.
fn payload(
    space: &mut TypeSpace<'_>,
    message: &Node,
    name: &str,
    hint: &[String],
    diags: &mut Diagnostics,
) -> Result<(Ty, Option<Node>), Error> {
    let docs = space.docs;
    let Some(body) = docs.get(message) else { return Ok((Ty::Any, None)) };
    if body.get("payload").is_none() {
        return Ok((Ty::Any, None));
    }
    let mut node = message.child("payload");
    let mut format = body.get("schemaFormat").and_then(Value::as_str).map(str::to_owned);
    if let Some(target) = docs.deref(&node) {
        if let Some(Value::Object(multi)) = docs.get(&target) {
            if let (Some(Value::String(f)), true) = (multi.get("schemaFormat"), multi.contains_key("schema")) {
                format = Some(f.clone());
                node = target.child("schema");
            }
        }
    }
    if let Some(format) = format.filter(|f| !JSON_SCHEMA_FORMATS.iter().any(|json| f.to_ascii_lowercase().starts_with(json))) {
        diags.warn(docs.locate(&node), format!("the payload of message `{name}` is `{format}`, not JSON Schema; it is typed as any JSON"))?;
        return Ok((Ty::Any, None));
    }
    let ty = space.lower(&node, hint, diags)?;
    Ok((ty, Some(node)))
}

/// The payloads of the message's examples (2.x and 3.x `examples[].payload`).
fn examples(docs: &Documents, message: &Node, body: &Value) -> Vec<Example> {
    let Some(Value::Array(list)) = body.get("examples") else { return Vec::new() };
    list.iter()
        .enumerate()
        .filter_map(|(index, example)| {
            let value = example.get("payload")?.clone();
            let name = example.get("name").and_then(Value::as_str).map_or_else(|| format!("example{}", index + 1), str::to_owned);
            let origin = docs.describe(&message.child("examples").item(index).child("payload"));
            Some(Example { name, value, origin })
        })
        .collect()
}

/// The property whose value says which message a payload is, and each message's value: one that
/// every payload fixes (`const`, an `enum` of one), with more than one value among them (or a
/// single message). A `discriminator` the payloads name comes first, then `type`, then the
/// property with the most distinct values. A payload that names a discriminator without fixing
/// it is told by its schema's name, as JSON Schema discriminators are.
fn find_tag(docs: &Documents, payloads: &[Option<Node>]) -> Option<(String, Vec<String>)> {
    let payloads: Vec<&Node> = payloads.iter().map(Option::as_ref).collect::<Option<_>>()?;
    let mut candidates: Vec<String> = Vec::new();
    for payload in &payloads {
        for name in property_names(docs, payload) {
            if !candidates.contains(&name) {
                candidates.push(name);
            }
        }
    }
    let discriminator = payloads.iter().find_map(|p| discriminator(docs, p));
    let values_of = |property: &str| -> Option<Vec<String>> {
        payloads
            .iter()
            .map(|payload| {
                fixed_value(docs, payload, property, &mut Vec::new()).or_else(|| {
                    (discriminator.as_deref() == Some(property)).then(|| schema_name(docs, payload)).flatten()
                })
            })
            .collect()
    };
    let distinct = |values: &[String]| {
        let mut unique: Vec<&String> = values.iter().collect();
        unique.sort();
        unique.dedup();
        unique.len()
    };
    let usable = |values: &[String]| payloads.len() == 1 || distinct(values) > 1;
    if let Some(property) = &discriminator {
        if let Some(values) = values_of(property).filter(|v| usable(v)) {
            return Some((property.clone(), values));
        }
    }
    candidates.sort_by(|a, b| (a != "type", a).cmp(&(b != "type", b)));
    let mut best: Option<(String, Vec<String>)> = None;
    for candidate in candidates {
        let Some(values) = values_of(&candidate).filter(|v| usable(v)) else { continue };
        let better = match &best {
            None => true,
            Some((current, current_values)) => current != "type" && distinct(&values) > distinct(current_values),
        };
        if better {
            best = Some((candidate, values));
        }
    }
    best
}

/// Warns about messages of a tagged channel that share a tag value.
fn warn_shared_tags(docs: &Documents, channel: &Node, name: &str, tag: &str, messages: &[Message], diags: &mut Diagnostics) -> Result<(), Error> {
    for (index, message) in messages.iter().enumerate() {
        let Some(first) = messages[..index].iter().find(|m| m.tag_value == message.tag_value) else { continue };
        diags.warn(
            docs.locate(channel),
            format!(
                "messages `{}` and `{}` of channel `{name}` share `{tag}: {}`: such a payload decodes as the first of them whose \
                 type takes it (`from_named` tells them apart)",
                first.names[0],
                message.names[0],
                message.tag_value.as_deref().unwrap_or_default()
            ),
        )?;
    }
    Ok(())
}

/// How deep `$ref`, `allOf` and `oneOf` are followed looking for a property.
const MAX_SEARCH_DEPTH: usize = 32;

/// The property names of a schema, through `$ref`, `allOf`, `oneOf` and `anyOf`.
fn property_names(docs: &Documents, node: &Node) -> Vec<String> {
    let mut names = Vec::new();
    collect_names(docs, node, &mut Vec::new(), &mut names);
    names
}

fn collect_names(docs: &Documents, node: &Node, seen: &mut Vec<Node>, names: &mut Vec<String>) {
    let Some(node) = docs.deref(node) else { return };
    if seen.contains(&node) || seen.len() > MAX_SEARCH_DEPTH {
        return;
    }
    seen.push(node.clone());
    let Some(value) = docs.get(&node) else { return };
    if let Some(Value::Object(properties)) = value.get("properties") {
        names.extend(properties.keys().filter(|k| !names.contains(k)).cloned().collect::<Vec<_>>());
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = value.get(key) {
            for index in 0..parts.len() {
                collect_names(docs, &node.child(key).item(index), seen, names);
            }
        }
    }
}

/// The one string a schema allows for `property`: its own `const` or `enum` of one, the last
/// `allOf` part that fixes it, or the value every `oneOf`/`anyOf` variant agrees on.
fn fixed_value(docs: &Documents, node: &Node, property: &str, seen: &mut Vec<Node>) -> Option<String> {
    let node = docs.deref(node)?;
    if seen.contains(&node) || seen.len() > MAX_SEARCH_DEPTH {
        return None;
    }
    seen.push(node.clone());
    let value = docs.get(&node)?;
    if value.get("properties").and_then(|p| p.get(property)).is_some() {
        let property_node = docs.deref(&node.child("properties").child(property))?;
        let schema = docs.get(&property_node)?;
        if let Some(Value::String(fixed)) = schema.get("const") {
            return Some(fixed.clone());
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            if let [Value::String(fixed)] = values.as_slice() {
                return Some(fixed.clone());
            }
        }
    }
    if let Some(Value::Array(parts)) = value.get("allOf") {
        let found = (0..parts.len()).rev().find_map(|i| fixed_value(docs, &node.child("allOf").item(i), property, &mut seen.clone()));
        if found.is_some() {
            return found;
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = value.get(key) {
            let values: Option<Vec<String>> =
                (0..variants.len()).map(|i| fixed_value(docs, &node.child(key).item(i), property, &mut seen.clone())).collect();
            if let Some(values) = values.filter(|v| !v.is_empty() && v.iter().all(|x| *x == v[0])) {
                return values.into_iter().next();
            }
        }
    }
    None
}

/// The property a schema's `discriminator` names (2.x/3.x Schema Object: a string; OpenAPI's: `propertyName`).
fn discriminator(docs: &Documents, node: &Node) -> Option<String> {
    let value = docs.get(&docs.deref(node)?)?.get("discriminator")?;
    value.as_str().or_else(|| value.get("propertyName").and_then(Value::as_str)).map(str::to_owned)
}

/// The name of the component schema a payload refers to.
fn schema_name(docs: &Documents, node: &Node) -> Option<String> {
    let target = docs.deref(node)?;
    let rest = target.pointer.strip_prefix("/components/schemas/")?;
    (!rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
}
