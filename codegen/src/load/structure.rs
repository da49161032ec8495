//! The structure check: takes an OpenAPI 3.0 document, gives it as the `openapiv3` data model, or
//! an error located at the deepest node that does not fit.
//!
//! `openapiv3` flattens extensions into most objects and reads `$ref`-or-object nodes as untagged
//! enums: serde then reads the node whole and its path stops there (every error of an operation
//! would point at `#/paths`). So a failing node's known children (`paths` -> path items ->
//! operations -> parameters, bodies, responses, media types -> schemas ...) are checked one by one,
//! and the walk goes down into the first that fails alone; the node where none does is the culprit.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::Source;
use crate::diagnostics::{push_token, Error, ErrorKind};

/// Checks an OpenAPI 3.0 document against the `openapiv3` data model, locating the first mismatch.
pub fn check_openapi(source: &Source) -> Result<openapiv3::OpenAPI, Error> {
    // The walk costs a few passes over the document: only one that fails needs it.
    if let Ok(openapi) = openapiv3::OpenAPI::deserialize(&source.value) {
        return Ok(openapi);
    }
    let mut pointer = String::new();
    let message = failure(Kind::OpenApi, &source.value, &mut pointer);
    Err(Error::at(ErrorKind::InvalidDocument, source.locate(&pointer), format!("not a valid OpenAPI 3.0 document: {message}")))
}

/// The parts of the data model whose children are walked; every other part is checked whole.
#[derive(Debug, Clone, Copy)]
enum Kind {
    OpenApi,
    Info,
    Server,
    Tag,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Encoding,
    Header,
    Example,
    Link,
    Components,
    SecurityScheme,
    Schema,
}

/// The error of the deepest failing node under `value` (of `kind`, at `pointer`), `pointer`
/// extended to it.
fn failure(kind: Kind, value: &Value, pointer: &mut String) -> String {
    for ((field, token), child_kind, child) in children(kind, value) {
        if check(child_kind, child).is_err() {
            if let Some(field) = field {
                push_token(pointer, field);
            }
            push_token(pointer, &token);
            return failure(child_kind, child, pointer);
        }
    }
    match check(kind, value) {
        Err((path, message)) => {
            pointer.push_str(&path);
            message
        }
        // Only a parent's own rules fail (none known): say so at the parent.
        Ok(()) => "this node does not fit where it is".to_owned(),
    }
}

/// Checks one node: `Err` with the pointer below it that serde could follow, and the message.
/// A node that is a `$ref` (where `kind` may be one) is checked as a reference.
fn check(kind: Kind, value: &Value) -> Result<(), (String, String)> {
    use openapiv3 as o;
    if value.get("$ref").is_some_and(Value::is_string) && !matches!(kind, Kind::OpenApi | Kind::Paths | Kind::Responses | Kind::Components) {
        return Ok(());
    }
    match kind {
        Kind::OpenApi => typed::<o::OpenAPI>(value),
        Kind::Info => typed::<o::Info>(value),
        Kind::Server => typed::<o::Server>(value),
        Kind::Tag => typed::<o::Tag>(value),
        Kind::Paths => typed::<o::Paths>(value),
        Kind::PathItem => typed::<o::PathItem>(value),
        Kind::Operation => typed::<o::Operation>(value),
        Kind::Parameter => typed::<o::Parameter>(value),
        Kind::RequestBody => typed::<o::RequestBody>(value),
        Kind::Responses => typed::<o::Responses>(value),
        Kind::Response => typed::<o::Response>(value),
        Kind::MediaType => typed::<o::MediaType>(value),
        Kind::Encoding => typed::<o::Encoding>(value),
        Kind::Header => typed::<o::Header>(value),
        Kind::Example => typed::<o::Example>(value),
        Kind::Link => typed::<o::Link>(value),
        Kind::Components => typed::<o::Components>(value),
        Kind::SecurityScheme => typed::<o::SecurityScheme>(value),
        Kind::Schema => typed::<o::Schema>(value),
    }
}

fn typed<T: DeserializeOwned>(value: &Value) -> Result<(), (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value).map(drop).map_err(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => push_token(&mut pointer, &index.to_string()),
                Segment::Map { key } => push_token(&mut pointer, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        (pointer, err.inner().to_string())
    })
}

/// A child's place under its node: the field holding it when it is one of many, and its own token.
type Place<'a> = (Option<&'a str>, String);

/// The children of a node that the walk looks into: (place, kind, value).
fn children(kind: Kind, value: &Value) -> Vec<(Place<'_>, Kind, &Value)> {
    let mut out = Vec::new();
    let Some(map) = value.as_object() else { return out };
    // `field` holds one child; `each` a mapping of them (extensions skipped where the keys are
    // free); `items` a list of them.
    let field = |out: &mut Vec<_>, name: &'static str, kind: Kind| {
        if let Some(child) = map.get(name) {
            out.push(((None, name.to_owned()), kind, child));
        }
    };
    let each = |out: &mut Vec<_>, name: Option<&'static str>, kind: Kind| {
        let Some(Value::Object(entries)) = (match name {
            Some(name) => map.get(name),
            None => Some(value),
        }) else {
            return;
        };
        let extension_keys = name.is_none();
        for (key, child) in entries {
            if !(extension_keys && key.starts_with("x-")) {
                out.push(((name, key.clone()), kind, child));
            }
        }
    };
    let items = |out: &mut Vec<_>, name: &'static str, kind: Kind| {
        if let Some(Value::Array(list)) = map.get(name) {
            for (i, child) in list.iter().enumerate() {
                out.push(((Some(name), i.to_string()), kind, child));
            }
        }
    };
    match kind {
        Kind::OpenApi => {
            field(&mut out, "info", Kind::Info);
            items(&mut out, "servers", Kind::Server);
            field(&mut out, "paths", Kind::Paths);
            field(&mut out, "components", Kind::Components);
            items(&mut out, "tags", Kind::Tag);
        }
        Kind::Paths => each(&mut out, None, Kind::PathItem),
        Kind::PathItem => {
            for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
                field(&mut out, method, Kind::Operation);
            }
            items(&mut out, "parameters", Kind::Parameter);
            items(&mut out, "servers", Kind::Server);
        }
        Kind::Operation => {
            items(&mut out, "parameters", Kind::Parameter);
            field(&mut out, "requestBody", Kind::RequestBody);
            field(&mut out, "responses", Kind::Responses);
            items(&mut out, "servers", Kind::Server);
        }
        Kind::Parameter | Kind::Header => {
            field(&mut out, "schema", Kind::Schema);
            each(&mut out, Some("content"), Kind::MediaType);
            each(&mut out, Some("examples"), Kind::Example);
        }
        Kind::RequestBody => each(&mut out, Some("content"), Kind::MediaType),
        Kind::Responses => each(&mut out, None, Kind::Response),
        Kind::Response => {
            each(&mut out, Some("headers"), Kind::Header);
            each(&mut out, Some("content"), Kind::MediaType);
            each(&mut out, Some("links"), Kind::Link);
        }
        Kind::MediaType => {
            field(&mut out, "schema", Kind::Schema);
            each(&mut out, Some("examples"), Kind::Example);
            each(&mut out, Some("encoding"), Kind::Encoding);
        }
        Kind::Encoding => each(&mut out, Some("headers"), Kind::Header),
        Kind::Components => {
            each(&mut out, Some("schemas"), Kind::Schema);
            each(&mut out, Some("responses"), Kind::Response);
            each(&mut out, Some("parameters"), Kind::Parameter);
            each(&mut out, Some("examples"), Kind::Example);
            each(&mut out, Some("requestBodies"), Kind::RequestBody);
            each(&mut out, Some("headers"), Kind::Header);
            each(&mut out, Some("securitySchemes"), Kind::SecurityScheme);
            each(&mut out, Some("links"), Kind::Link);
        }
        Kind::Schema => {
            each(&mut out, Some("properties"), Kind::Schema);
            field(&mut out, "items", Kind::Schema);
            if map.get("additionalProperties").is_some_and(Value::is_object) {
                field(&mut out, "additionalProperties", Kind::Schema);
            }
            for list in ["allOf", "oneOf", "anyOf"] {
                items(&mut out, list, Kind::Schema);
            }
            field(&mut out, "not", Kind::Schema);
        }
        Kind::Info | Kind::Server | Kind::Tag | Kind::Example | Kind::Link | Kind::SecurityScheme => {}
    }
    out
}
