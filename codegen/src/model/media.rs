//! Chooses how bodies travel: takes a request body's or the success responses' `content` maps,
//! gives the media type used (JSON, then form, then multipart, then text, then octets) with the
//! encoding of each form or multipart property.

use serde_json::Value;

use super::params::is_json;
use super::{Body, BodyMedia, PropertyEncoding, ResponseMedia, Style, Ty, TypeSpace};
use crate::diagnostics::{Diagnostics, Error};
use crate::resolve::Node;

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// The request body at `body_node` (value `body`) of the operation `operation_id`.
pub fn request_body<'d>(
    space: &mut TypeSpace<'d>,
    body_node: &Node,
    body: &'d Value,
    operation_id: &str,
    diags: &mut Diagnostics,
) -> Result<Option<Body>, Error> {
    let docs = space.docs;
    let required = body.get("required") == Some(&Value::Bool(true));
    let Some(Value::Object(content)) = body.get("content") else {
        diags.warn(docs.locate(body_node), "request body has no `content`; the generated function sends none")?;
        return Ok(None);
    };
    let essence = |media: &str| media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let chosen = content
        .get_key_value("application/json")
        .or_else(|| content.iter().find(|(media, _)| is_json(media)))
        .or_else(|| content.iter().find(|(media, _)| essence(media) == FORM))
        .or_else(|| content.iter().find(|(media, _)| essence(media) == MULTIPART))
        .or_else(|| content.iter().find(|(media, _)| essence(media).starts_with("text/")))
        .or_else(|| content.iter().next());
    let Some((media, media_value)) = chosen else {
        diags.warn(docs.locate(&body_node.child("content")), "request body offers no media type; the generated function sends none")?;
        return Ok(None);
    };
    let chosen_key = media;
    let media_node = body_node.child("content").child(media);
    let kind = essence(media);
    let lower_schema = |space: &mut TypeSpace<'d>, diags: &mut Diagnostics| match media_value.get("schema") {
        Some(schema) => {
            let hint = [operation_id.to_owned(), "Request".to_owned()];
            space.lower_body(&media_node.child("schema"), Some(schema), &hint, vec![operation_id.to_owned(), "Body".to_owned()], diags)
        }
        None => Ok(Ty::Any),
    };
    let (media, ty, media_type) = if is_json(media) {
        (BodyMedia::Json, lower_schema(space, diags)?, media.clone())
    } else if kind == FORM || kind == MULTIPART {
        let encodings = encodings(space, &media_node, media_value, diags)?;
        let ty = lower_schema(space, diags)?;
        let media = if kind == FORM { BodyMedia::Form(encodings) } else { BodyMedia::Multipart(encodings) };
        (media, ty, kind)
    } else if kind.starts_with("text/") {
        (BodyMedia::Text, Ty::String, media.clone())
    } else {
        // `*/*` and other wildcards say nothing about the octets: send them as such.
        let media_type = if kind.contains('*') { "application/octet-stream".to_owned() } else { media.clone() };
        (BodyMedia::Binary, Ty::Binary, media_type)
    };
    let alternatives = content.keys().filter(|m| *m != chosen_key).cloned().collect();
    Ok(Some(Body { ty, required, media, media_type, alternatives }))
}

/// The `encoding` entries of a form or multipart media type, in description order.
fn encodings(
    space: &TypeSpace<'_>,
    media_node: &Node,
    media_value: &Value,
    diags: &mut Diagnostics,
) -> Result<Vec<PropertyEncoding>, Error> {
    let Some(Value::Object(entries)) = media_value.get("encoding") else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (property, entry) in entries {
        let content_type = entry.get("contentType").and_then(Value::as_str).map(str::to_owned);
        let style = match (entry.get("style").and_then(Value::as_str), entry.get("explode").and_then(Value::as_bool)) {
            (None, None) => None,
            (name, explode) => {
                let style = match name.map(|n| (n, Style::parse(n))) {
                    None => Style::Form,
                    Some((_, Some(style @ (Style::Form | Style::SpaceDelimited | Style::PipeDelimited | Style::DeepObject)))) => style,
                    Some((name, _)) => {
                        diags.warn(
                            space.docs.locate(&media_node.child("encoding").child(property).child("style")),
                            format!("style `{name}` is not one a form property can have; sending `{property}` in the default style"),
                        )?;
                        Style::Form
                    }
                };
                Some((style, explode.unwrap_or(style == Style::Form)))
            }
        };
        let style = match &content_type {
            Some(content_type) if is_json(content_type) => Some((Style::Json, false)),
            _ => style,
        };
        out.push(PropertyEncoding { property: property.clone(), content_type, style });
    }
    Ok(out)
}

/// How the success response is read: JSON when any 2xx response offers JSON (or none has a
/// body, unless `accept` names the one media type the operation allows), else text or octets.
pub fn response_media(op: &Value, accept: Option<&str>, docs: &crate::resolve::Documents, op_node: &Node) -> ResponseMedia {
    let Some(Value::Object(responses)) = op.get("responses") else { return ResponseMedia::Json };
    let mut codes: Vec<(&String, &Value)> = responses.iter().filter(|(code, _)| code.starts_with('2')).collect();
    codes.sort_by_key(|(code, _)| *code);
    let mut offered: Vec<String> = Vec::new();
    for (code, response) in codes {
        let site = op_node.child("responses").child(code);
        let Some((_, Some(response))) = docs.deref_at(&site, response) else { continue };
        let Some(Value::Object(content)) = response.get("content") else { continue };
        if content.keys().any(|media| is_json(media)) {
            return ResponseMedia::Json;
        }
        if offered.is_empty() {
            offered = content.keys().cloned().collect();
        }
    }
    if offered.is_empty() {
        offered.extend(accept.map(str::to_owned));
    }
    let Some(first) = offered.first() else { return ResponseMedia::Json };
    if first.to_ascii_lowercase().starts_with("text/") {
        let texts: Vec<&str> = offered.iter().map(String::as_str).filter(|m| m.to_ascii_lowercase().starts_with("text/")).collect();
        ResponseMedia::Text(texts.join(", "))
    } else if is_json(first) {
        ResponseMedia::Json
    } else {
        ResponseMedia::Binary(offered.join(", "))
    }
}
