//! Lowers one operation's parameters: takes the merged parameter list, gives the path, query and
//! header parameters with their OpenAPI styles, warning about the ones that are not sent.

use serde_json::Value;

use super::schema::docs_of;
use super::{Param, Style, Ty, TypeSpace};
use crate::diagnostics::{Diagnostics, Error};
use crate::resolve::Node;

/// Header parameters OpenAPI 3.0 says to ignore: the client derives them from the operation's
/// media types and its credentials.
const IGNORED_HEADERS: [&str; 3] = ["Accept", "Content-Type", "Authorization"];

/// Headers the client sets on every request itself (see `generated-client/src/client/builder.rs`): a
/// setting of the client, never an argument of each operation.
const CLIENT_HEADERS: [&str; 1] = ["Intercom-Version"];

/// The parameters of one operation, by location.
#[derive(Default)]
pub struct Lowered {
    pub path: Vec<Param>,
    pub query: Vec<Param>,
    pub header: Vec<Param>,
    /// The media type an ignored `Accept` parameter allows, when it allows exactly one: what the
    /// operation answers with when its success response declares no content.
    pub accept: Option<String>,
}

/// One parameter as the description declares it: name, `in`, node and value.
pub type Declared<'d> = (String, String, Node, &'d Value);

pub fn lower<'d>(
    space: &mut TypeSpace<'d>,
    operation_id: &str,
    declared: Vec<Declared<'d>>,
    diags: &mut Diagnostics,
) -> Result<Lowered, Error> {
    let docs = space.docs;
    let mut out = Lowered::default();
    for (name, location, node, param) in declared {
        let is = |list: &[&str]| list.iter().any(|h| h.eq_ignore_ascii_case(&name));
        if location == "header" && is(&CLIENT_HEADERS) {
            continue;
        }
        if location == "header" && is(&IGNORED_HEADERS) {
            if name.eq_ignore_ascii_case("Accept") {
                out.accept = single_value(param.get("schema"));
            }
            let because = match &out.accept {
                Some(media) if name.eq_ignore_ascii_case("Accept") => {
                    format!("; the operation asks for `{media}`, the only value it allows")
                }
                _ => String::new(),
            };
            diags.warn(
                docs.locate(&node),
                format!("header parameter `{name}` is ignored, as OpenAPI 3.0 says: the client sets it itself{because}"),
            )?;
            continue;
        }
        if !matches!(location.as_str(), "path" | "query" | "header") {
            diags.warn(
                docs.locate(&node),
                format!("{location} parameter `{name}` is not supported; the generated function does not send it"),
            )?;
            continue;
        }
        let (style, explode, schema) = style_of(space, &node, param, &location, &name, diags)?;
        let hint = vec![operation_id.to_owned(), name.clone()];
        let ty = match schema {
            Some((schema_node, schema)) => space.lower_at(&schema_node, Some(schema), &hint, diags)?,
            None => Ty::String,
        };
        let lowered = Param {
            name,
            ty,
            required: location == "path" || param.get("required") == Some(&Value::Bool(true)),
            docs: docs_of(param),
            style,
            explode,
            rust_name: String::new(),
        };
        match location.as_str() {
            "path" => out.path.push(lowered),
            "query" => out.query.push(lowered),
            _ => out.header.push(lowered),
        }
    }
    Ok(out)
}

/// The parameter's style, explode and schema: its own `schema`, or the one of its first media
/// type (`content`), JSON media types making it [`Style::Json`].
#[allow(clippy::type_complexity)]
fn style_of<'d>(
    space: &TypeSpace<'d>,
    node: &Node,
    param: &'d Value,
    location: &str,
    name: &str,
    diags: &mut Diagnostics,
) -> Result<(Style, bool, Option<(Node, &'d Value)>), Error> {
    if let (None, Some(Value::Object(content))) = (param.get("schema"), param.get("content")) {
        let Some((media, media_value)) = content.iter().next() else { return Ok((Style::default_for(location), false, None)) };
        let schema = media_value.get("schema").map(|schema| (node.child("content").child(media).child("schema"), schema));
        let style = if is_json(media) { Style::Json } else { Style::default_for(location) };
        return Ok((style, false, schema));
    }
    let default = Style::default_for(location);
    let allowed: &[Style] = match location {
        "query" => &[Style::Form, Style::SpaceDelimited, Style::PipeDelimited, Style::DeepObject],
        "header" => &[Style::Simple],
        _ => &[Style::Simple, Style::Label, Style::Matrix],
    };
    let style = match param.get("style").and_then(Value::as_str) {
        None => default,
        Some(text) => match Style::parse(text).filter(|s| allowed.contains(s)) {
            Some(style) => style,
            None => {
                diags.warn(
                    space.docs.locate(&node.child("style")),
                    format!("style `{text}` is not one a {location} parameter can have; sending `{name}` in the default style"),
                )?;
                default
            }
        },
    };
    let explode = param.get("explode").and_then(Value::as_bool).unwrap_or(style == Style::Form);
    Ok((style, explode, param.get("schema").map(|schema| (node.child("schema"), schema))))
}

/// The one value a schema allows (`enum` of one string), if it allows exactly one.
fn single_value(schema: Option<&Value>) -> Option<String> {
    match schema?.get("enum")?.as_array()?.as_slice() {
        [Value::String(one)] => Some(one.clone()),
        _ => None,
    }
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, ...): as
/// `openapi::json_media` judges it.
pub fn is_json(media: &str) -> bool {
    media.to_ascii_lowercase().contains("json")
}
