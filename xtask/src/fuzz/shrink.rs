//! Minimises a failing description: drops operations, parameters, bodies, responses and schema
//! properties while the failure persists, keeping the description valid (unreferenced schemas
//! and tags go, examples are made anew from what is left).

use std::collections::BTreeSet;
use std::time::Instant;

use serde_json::{Map, Value};

use super::describe::add_examples;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

pub struct Shrinker<'a> {
    seed: u64,
    deadline: Instant,
    still_fails: &'a mut dyn FnMut(&Value) -> bool,
    /// Candidates tried.
    pub attempts: usize,
}

impl<'a> Shrinker<'a> {
    pub fn new(seed: u64, deadline: Instant, still_fails: &'a mut dyn FnMut(&Value) -> bool) -> Shrinker<'a> {
        Shrinker { seed, deadline, still_fails, attempts: 0 }
    }

    /// The smallest description found before the deadline that still fails.
    pub fn shrink(&mut self, doc: &Value) -> Value {
        let mut best = doc.clone();
        let ops = operations(&best);
        self.reduce(&mut best, ops, |doc, units| {
            for (path, method) in units {
                remove_operation(doc, path, method);
            }
        });
        let bodies = operations(&best);
        self.reduce(&mut best, bodies, |doc, units| {
            for (path, method) in units {
                if let Some(Value::Object(op)) = doc.pointer_mut(&op_pointer(path, method)) {
                    op.remove("requestBody");
                }
            }
        });
        let params = parameters(&best);
        self.reduce(&mut best, params, |doc, units| {
            for (path, method, name, location) in units {
                if let Some(Value::Array(list)) = doc.pointer_mut(&format!("{}/parameters", op_pointer(path, method))) {
                    list.retain(|p| !(p["name"] == *name.as_str() && p["in"] == *location.as_str()));
                }
            }
        });
        let responses = responses(&best);
        self.reduce(&mut best, responses, |doc, units| {
            for (path, method, status) in units {
                if let Some(Value::Object(list)) = doc.pointer_mut(&format!("{}/responses", op_pointer(path, method))) {
                    if list.len() > 1 {
                        list.remove(status);
                    }
                }
            }
        });
        let properties = properties(&best);
        self.reduce(&mut best, properties, |doc, units| {
            for (schema, property) in units {
                remove_property(doc, schema, property);
            }
        });
        best
    }

    /// Removes chunks of `units` (all, halves, quarters, ... one by one) while the failure persists.
    fn reduce<U>(&mut self, best: &mut Value, mut units: Vec<U>, remove: impl Fn(&mut Value, &[U])) {
        let mut chunk = units.len();
        while chunk > 0 {
            let mut i = 0;
            while i < units.len() {
                if Instant::now() > self.deadline {
                    return;
                }
                let end = (i + chunk).min(units.len());
                let mut candidate = best.clone();
                remove(&mut candidate, &units[i..end]);
                if self.accept(&mut candidate) {
                    *best = candidate;
                    units.drain(i..end);
                } else {
                    i = end;
                }
            }
            chunk /= 2;
        }
    }

    fn accept(&mut self, candidate: &mut Value) -> bool {
        prune(candidate);
        add_examples(candidate, self.seed);
        self.attempts += 1;
        (self.still_fails)(candidate)
    }
}

fn op_pointer(path: &str, method: &str) -> String {
    format!("/paths/{}/{method}", path.replace('~', "~0").replace('/', "~1"))
}

fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in item.as_object().into_iter().flat_map(|i| i.keys()) {
            out.push((path.clone(), method.clone()));
        }
    }
    out
}

fn remove_operation(doc: &mut Value, path: &str, method: &str) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    if let Some(Value::Object(item)) = paths.get_mut(path) {
        item.remove(method);
        if item.is_empty() {
            paths.remove(path);
        }
    }
}

/// Every parameter that is not in the path, as (path, method, name, in).
fn parameters(doc: &Value) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for (path, method) in operations(doc) {
        let list = doc.pointer(&format!("{}/parameters", op_pointer(&path, &method))).and_then(Value::as_array);
        for param in list.into_iter().flatten() {
            let location = param["in"].as_str().unwrap_or_default();
            if location != "path" {
                out.push((path.clone(), method.clone(), param["name"].as_str().unwrap_or_default().to_owned(), location.to_owned()));
            }
        }
    }
    out
}

fn responses(doc: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (path, method) in operations(doc) {
        let list = doc.pointer(&format!("{}/responses", op_pointer(&path, &method))).and_then(Value::as_object);
        for status in list.into_iter().flat_map(|l| l.keys()) {
            out.push((path.clone(), method.clone(), status.clone()));
        }
    }
    out
}

/// Every property of a component schema, but the discriminators' tags.
fn properties(doc: &Value) -> Vec<(String, String)> {
    let mut tags = BTreeSet::new();
    collect(doc, &mut |key, value| {
        if key == "discriminator" {
            if let Some(tag) = value.get("propertyName").and_then(Value::as_str) {
                tags.insert(tag.to_owned());
            }
        }
    });
    let mut out = Vec::new();
    for (name, schema) in doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        for property in schema.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
            if !tags.contains(property) {
                out.push((name.clone(), property.clone()));
            }
        }
    }
    out
}

fn remove_property(doc: &mut Value, schema: &str, property: &str) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else { return };
    let Some(Value::Object(schema)) = schemas.get_mut(schema) else { return };
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.remove(property);
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r.as_str() != Some(property));
        if required.is_empty() {
            schema.remove("required");
        }
    }
}

/// Calls `visit(key, value)` for every entry of every object in `value`.
fn collect(value: &Value, visit: &mut dyn FnMut(&str, &Value)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                visit(key, child);
                collect(child, visit);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, visit)),
        _ => {}
    }
}

/// Drops the schemas nothing reaches from the paths and the tags no operation uses.
pub fn prune(doc: &mut Value) {
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut reached = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    let mut used_tags = BTreeSet::new();
    let paths = doc.get("paths").cloned().unwrap_or(Value::Null);
    collect(&paths, &mut |key, value| {
        if key == "$ref" {
            if let Some(name) = value.as_str().and_then(|r| r.strip_prefix(SCHEMA_PREFIX)) {
                pending.push(name.to_owned());
            }
        }
        if key == "tags" {
            for tag in value.as_array().into_iter().flatten().filter_map(Value::as_str) {
                used_tags.insert(tag.to_owned());
            }
        }
    });
    while let Some(name) = pending.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get(&name) {
            collect(schema, &mut |key, value| {
                if key == "$ref" {
                    if let Some(target) = value.as_str().and_then(|r| r.strip_prefix(SCHEMA_PREFIX)) {
                        pending.push(target.to_owned());
                    }
                }
            });
        }
    }
    let kept: Map<String, Value> = schemas.into_iter().filter(|(name, _)| reached.contains(name)).collect();
    doc["components"]["schemas"] = Value::Object(kept);
    if let Some(Value::Array(tags)) = doc.get_mut("tags") {
        tags.retain(|t| t["name"].as_str().is_some_and(|name| used_tags.contains(name)));
    }
}
