//! Lowers an AsyncAPI 2.x or 3.x document: a message that names a topic (Intercom's webhooks) is
//! one topic typed by its `data.item`; the messages that name none are typed per channel
//! (`channels`).

mod channels;

use serde_json::Value;

use super::{Ty, Topic, TypeSpace, Webhooks};
use crate::diagnostics::{Diagnostics, Error, ErrorKind};
use crate::resolve::{FileId, Node};

pub fn lower(space: &mut TypeSpace<'_>, file: FileId, diags: &mut Diagnostics) -> Result<Webhooks, Error> {
    let docs = space.docs;
    let root = docs.root(file);
    let doc = docs.get(&root).unwrap_or(&Value::Null);
    let text = |pointer: &str| doc.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
    let mut webhooks = Webhooks {
        title: text("/info/title").unwrap_or_default(),
        version: text("/info/version").unwrap_or_default(),
        description: text("/info/description"),
        ..Webhooks::default()
    };
    let v3 = doc.get("asyncapi").and_then(Value::as_str).is_some_and(|v| v.starts_with('3'));

    // (key, message, channel) for every message of every channel, in document order.
    let mut messages: Vec<(String, Node, channels::Listed)> = Vec::new();
    let Some(Value::Object(channel_map)) = doc.get("channels") else {
        return Err(Error::at(ErrorKind::InvalidDocument, docs.locate(&root), "an AsyncAPI document without `channels`"));
    };
    for channel_name in channel_map.keys() {
        let Some(channel) = docs.deref(&root.child("channels").child(channel_name)) else { continue };
        let listed = |key: Option<&String>, node: &Node| channels::Listed { channel: channel_name.clone(), key: key.cloned(), node: node.clone() };
        if v3 {
            if let Some(Value::Object(list)) = docs.get(&channel.child("messages")) {
                for key in list.keys() {
                    if let Some(node) = docs.deref(&channel.child("messages").child(key)) {
                        messages.push((key.clone(), node.clone(), listed(Some(key), &node)));
                    }
                }
            }
        } else {
            for action in ["subscribe", "publish"] {
                let message = channel.child(action).child("message");
                let Some(message) = docs.deref(&message) else { continue };
                match docs.get(&message).and_then(|m| m.get("oneOf")).and_then(Value::as_array) {
                    Some(list) => {
                        for index in 0..list.len() {
                            if let Some(node) = docs.deref(&message.child("oneOf").child(&index.to_string())) {
                                let key = node.pointer.rsplit('/').next().unwrap_or_default().to_owned();
                                messages.push((key, node.clone(), listed(None, &node)));
                            }
                        }
                    }
                    None => {
                        let key = message.pointer.rsplit('/').next().unwrap_or_default().to_owned();
                        messages.push((key, message.clone(), listed(None, &message)));
                    }
                }
            }
        }
    }

    // Messages that name no topic: typed per channel, after the topics.
    let mut untopical = Vec::new();
    for (key, message, listed) in messages {
        let Some(body) = docs.get(&message) else { continue };
        let name = body.get("name").and_then(Value::as_str).map_or(key, str::to_owned);
        let payload = message.child("payload");
        let topic = body
            .get("x-intercom-topic")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| fixed_string(space, &property(space, &payload, "topic")?));
        let Some(topic) = topic else {
            untopical.push(listed);
            continue;
        };
        if webhooks.topics.iter().any(|t| t.topic == topic) {
            diags.warn(docs.locate(&message), format!("topic `{topic}` is described twice; the first message is kept"))?;
            continue;
        }
        if webhooks.envelope.is_none() {
            webhooks.envelope = envelope(space, &payload, diags)?;
        }
        let item = match property(space, &payload, "data").and_then(|data| property(space, &data, "item")) {
            Some(node) => space.lower(&node, &[name.clone(), "Item".to_owned()], diags)?,
            None => {
                diags.warn(docs.locate(&payload), format!("message `{name}` has no `data.item` schema; its item is free-form JSON"))?;
                Ty::Any
            }
        };
        webhooks.topics.push(Topic {
            topic,
            message_name: name,
            summary: body.get("summary").and_then(Value::as_str).map(str::to_owned).or_else(|| body.get("title").and_then(Value::as_str).map(str::to_owned)),
            description: body
                .get("description")
                .and_then(Value::as_str)
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty() && Some(d.as_str()) != body.get("summary").and_then(Value::as_str)),
            item,
            rust_name: String::new(),
        });
    }
    webhooks.channels = channels::lower(space, &root, untopical, diags)?;
    Ok(webhooks)
}

/// The schema node of a property, looking through `$ref`s and `allOf` parts (later parts win).
fn property(space: &TypeSpace<'_>, schema: &Node, name: &str) -> Option<Node> {
    property_in(space, schema, name, &mut Vec::new())
}

/// `seen` holds the schemas already visited: an `allOf` that comes back to itself adds nothing.
fn property_in(space: &TypeSpace<'_>, schema: &Node, name: &str, seen: &mut Vec<Node>) -> Option<Node> {
    let docs = space.docs;
    let schema = docs.deref(schema)?;
    if seen.contains(&schema) {
        return None;
    }
    seen.push(schema.clone());
    let value = docs.get(&schema)?;
    if let Some(Value::Array(parts)) = value.get("allOf") {
        for index in (0..parts.len()).rev() {
            if let Some(found) = property_in(space, &schema.child("allOf").child(&index.to_string()), name, seen) {
                return Some(found);
            }
        }
    }
    value.get("properties")?.get(name)?;
    Some(schema.child("properties").child(name))
}

/// The single string a schema allows (`const`, or an `enum` of one).
fn fixed_string(space: &TypeSpace<'_>, node: &Node) -> Option<String> {
    let value = space.docs.get(&space.docs.deref(node)?)?;
    if let Some(Value::String(s)) = value.get("const") {
        return Some(s.clone());
    }
    match value.get("enum")?.as_array()?.as_slice() {
        [Value::String(s)] => Some(s.clone()),
        _ => None,
    }
}

/// The shared envelope: the payload's first `allOf` part that is a `$ref`.
fn envelope(space: &mut TypeSpace<'_>, payload: &Node, diags: &mut Diagnostics) -> Result<Option<super::TypeId>, Error> {
    let docs = space.docs;
    let Some(payload) = docs.deref(payload) else { return Ok(None) };
    let Some(Value::Array(parts)) = docs.get(&payload).and_then(|p| p.get("allOf")) else { return Ok(None) };
    for index in 0..parts.len() {
        let part = payload.child("allOf").child(&index.to_string());
        if let Some(reference) = docs.get(&part).and_then(|p| p.get("$ref")).and_then(Value::as_str) {
            if let Some(target) = docs.follow(&part, reference) {
                return space.named(&target, diags).map(Some);
            }
        }
    }
    Ok(None)
}
