//! A copy of a published description that cargo-progenitor 0.15 accepts, for comparing its output
//! with ours on the same operations. Intercom's descriptions as published stop progenitor (a
//! missing operationId, a dangling `$ref`, an enum of symbols, a response without a schema, an
//! operation with responses of several types); each change here removes one of those stops and
//! is counted, so the report says how far the copy is from the original. The copy goes to a
//! temporary folder, never into the repository.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

pub(super) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Runs `cargo-progenitor progenitor` on `spec` into `out` (replaced); gives the time it took,
/// or why it failed: the panic message, or progenitor's own first complaint.
pub(super) fn generate(bin: &Path, spec: &Path, out: &Path, name: &str) -> Result<Duration, String> {
    let _ = std::fs::remove_dir_all(out);
    let started = Instant::now();
    let output = Command::new(bin)
        .arg("progenitor")
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(["-n", name, "-v", "0.0.0"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let elapsed = started.elapsed();
    if output.status.success() {
        return Ok(elapsed);
    }
    let text = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let reason = if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
        format!("panics: {}", lines.get(i + 1).copied().unwrap_or_default())
    } else if let Some(line) = lines.iter().find(|l| l.starts_with("gen fail")) {
        (*line).to_owned()
    } else {
        lines.first().copied().unwrap_or("no output").to_owned()
    };
    Err(reason.chars().take(200).collect())
}

/// Writes the adapted copy of `spec` to `out` (JSON); gives the changes made, as phrases.
pub(super) fn adapt(spec: &Path, out: &Path) -> Result<Vec<String>, String> {
    let source = codegen::load::load_file(spec).map_err(|e| e.to_string())?;
    let mut doc = source.value;
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();

    for_each_operation(&mut doc, |method, path, op| {
        if op.get("operationId").is_none() {
            let id: String = format!("{method}{path}").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            op.insert("operationId".into(), Value::String(id));
            *counts.entry("operationIds added where missing").or_default() += 1;
        }
    });

    let enums = drop_symbol_enums(&mut doc);
    counts.insert("enums of symbols only (`=`, `!=`, ..) made plain strings", enums);

    let snapshot = doc.clone();
    let dangling = replace_dangling_refs(&mut doc, &snapshot);
    counts.insert("dangling `$ref`s replaced by `{}`", dangling);

    let snapshot = doc.clone();
    for_each_operation(&mut doc, |_, _, op| {
        let Some(Value::Object(responses)) = op.get_mut("responses") else { return };
        if responses.len() > 1 && responses.remove("default").is_some() {
            *counts.entry("`default` responses dropped beside explicit ones").or_default() += 1;
        }
        // progenitor wants one type for all success responses and one for all error responses.
        for success in [true, false] {
            let mut first: Option<Value> = None;
            let statuses: Vec<String> = responses.keys().filter(|s| s.starts_with('2') == success).cloned().collect();
            for status in statuses {
                let key = response_key(&snapshot, &responses[&status]);
                match &first {
                    None => first = Some(key),
                    Some(f) if *f == key && is_refs_only(&key) => {}
                    Some(_) => {
                        responses.remove(&status);
                        *counts.entry("responses of a second type dropped (one success and one error type per operation)").or_default() += 1;
                    }
                }
            }
        }
        let mut dropped = responses.values_mut().map(drop_media_without_schema).sum::<usize>();
        dropped += op.get_mut("requestBody").map_or(0, drop_media_without_schema);
        *counts.entry("media types without a schema dropped").or_default() += dropped;
    });

    let undeclared = drop_undeclared_path_params(&mut doc, &snapshot);
    counts.insert("operations with a path parameter they do not declare dropped", undeclared);

    // The rest lets the generated crate compile: typify names a type after a schema's `title`
    // (two schemas with one title clash), gives a component schema with `nullable: true` a
    // newtype of the component's own name, and names an inline property schema after its
    // parent and property, which can be the name of another component.
    let mut titles = 0;
    for section in ["components", "paths"] {
        if let Some(node) = doc.get_mut(section) {
            titles += drop_titles(node);
        }
    }
    counts.insert("schema `title`s dropped", titles);
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        let nullable = schemas.values_mut().filter_map(Value::as_object_mut).filter_map(|s| s.remove("nullable")).count();
        counts.insert("`nullable` dropped from component schemas", nullable);
    }
    let renamed = rename_clashing_components(&mut doc);
    counts.insert("component schemas renamed (`_definition`) that clash with an inline type's name", renamed);

    std::fs::write(out, serde_json::to_string(&doc).map_err(|e| e.to_string())?).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(counts.into_iter().filter(|(_, n)| *n > 0).map(|(what, n)| format!("{what}: {n}")).collect())
}

fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &mut Map<String, Value>)) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(method) {
                f(method, path, op);
            }
        }
    }
}

/// Removes every string `title` (a property named `title` is an object, and stays).
fn drop_titles(node: &mut Value) -> usize {
    match node {
        Value::Object(map) => {
            let own = usize::from(matches!(map.get("title"), Some(Value::String(_))) && map.remove("title").is_some());
            own + map.values_mut().map(drop_titles).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(drop_titles).sum(),
        _ => 0,
    }
}

/// `ticket_type` -> `TicketType`, roughly as typify names types.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// Renames component schemas named like an inline property schema of another component
/// (`ticket_type` beside `ticket.type`), and the `$ref`s to them.
fn rename_clashing_components(doc: &mut Value) -> usize {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else { return 0 };
    let by_pascal: BTreeMap<String, &String> = schemas.keys().map(|k| (pascal(k), k)).collect();
    let mut clashing = Vec::new();
    for (name, schema) in schemas {
        for (property, property_schema) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if property_schema.get("$ref").is_some() {
                continue;
            }
            if let Some(other) = by_pascal.get(&format!("{}{}", pascal(name), pascal(property))) {
                if *other != name && !clashing.contains(*other) {
                    clashing.push((*other).clone());
                }
            }
        }
    }
    for old in &clashing {
        let new = format!("{old}_definition");
        if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
            if let Some(schema) = schemas.remove(old) {
                schemas.insert(new.clone(), schema);
            }
        }
        rename_refs(doc, &format!("#/components/schemas/{old}"), &format!("#/components/schemas/{new}"));
    }
    clashing.len()
}

fn rename_refs(node: &mut Value, old: &str, new: &str) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(s) if key == "$ref" && s == old => *s = new.to_owned(),
                    _ => rename_refs(value, old, new),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, old, new)),
        _ => {}
    }
}

/// Removes the media types that have no schema from a response or request body.
fn drop_media_without_schema(body: &mut Value) -> usize {
    let Some(Value::Object(content)) = body.get_mut("content") else { return 0 };
    let before = content.len();
    content.retain(|_, media| media.get("schema").is_some());
    before - content.len()
}

/// Removes `enum` from schemas listing a string value with no letter or digit.
fn drop_symbol_enums(node: &mut Value) -> usize {
    match node {
        Value::Object(map) => {
            let symbols = map.get("enum").and_then(Value::as_array).is_some_and(|values| {
                values.iter().any(|v| v.as_str().is_some_and(|s| !s.chars().any(char::is_alphanumeric)))
            });
            let mut count = 0;
            if symbols {
                map.remove("enum");
                count += 1;
            }
            count + map.values_mut().map(drop_symbol_enums).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(drop_symbol_enums).sum(),
        _ => 0,
    }
}

/// Replaces `{"$ref": "#/..."}` that point nowhere in `root` with `{}` (any value).
fn replace_dangling_refs(node: &mut Value, root: &Value) -> usize {
    let dangling = |v: &Value| {
        v.get("$ref").and_then(Value::as_str).is_some_and(|r| r.starts_with("#/") && root.pointer(&r[1..]).is_none())
    };
    if dangling(node) {
        *node = Value::Object(Map::new());
        return 1;
    }
    match node {
        Value::Object(map) => map.values_mut().map(|v| replace_dangling_refs(v, root)).sum(),
        Value::Array(items) => items.iter_mut().map(|v| replace_dangling_refs(v, root)).sum(),
        _ => 0,
    }
}

/// The schemas of a response by media type (following a `$ref` to `components/responses`).
fn response_key(root: &Value, response: &Value) -> Value {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with("#/") => root.pointer(&r[1..]).unwrap_or(response),
        _ => response,
    };
    let mut key = Map::new();
    if let Some(Value::Object(content)) = response.get("content") {
        for (media, body) in content {
            if let Some(schema) = body.get("schema") {
                key.insert(media.clone(), schema.clone());
            }
        }
    }
    Value::Object(key)
}

/// No body, or every schema is a `$ref`: two such responses give progenitor the same type.
fn is_refs_only(key: &Value) -> bool {
    key.as_object().is_some_and(|m| m.values().all(|schema| schema.get("$ref").is_some()))
}

/// Drops operations whose path template names a parameter neither they nor their path declare.
fn drop_undeclared_path_params(doc: &mut Value, root: &Value) -> usize {
    let declared = |params: Option<&Value>| -> Vec<String> {
        let Some(Value::Array(params)) = params else { return Vec::new() };
        params
            .iter()
            .map(|p| match p.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with("#/") => root.pointer(&r[1..]).unwrap_or(p),
                _ => p,
            })
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect()
    };
    let mut dropped = 0;
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return 0 };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let needed: Vec<&str> = path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect();
        let shared = declared(item.get("parameters"));
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let own = declared(op.get("parameters"));
            if needed.iter().any(|name| !shared.iter().chain(&own).any(|d| d == name)) {
                item.remove(method);
                dropped += 1;
            }
        }
    }
    dropped
}
