//! Wire encodings the generated operations call into: takes values (through serde) with their
//! OpenAPI 3.0 styles, gives query strings, header values, `application/x-www-form-urlencoded`
//! bodies and `multipart/form-data` bodies; and [`FilePart`], a file sent in a multipart body.
//!
//! Query strings follow OpenAPI 3.0's table of styles for a parameter `id` (values percent-encoded,
//! delimiters written as the table does):
//!
//! | style | explode | `5` | `[3, 4]` | `{"a": 1, "b": 2}` |
//! |---|---|---|---|---|
//! | form | true | `id=5` | `id=3&id=4` | `a=1&b=2` |
//! | form | false | `id=5` | `id=3,4` | `id=a,1,b,2` |
//! | spaceDelimited | false | `id=5` | `id=3%204` | `id=a%201%20b%202` |
//! | pipeDelimited | false | `id=5` | `id=3\|4` | `id=a\|1\|b\|2` |
//! | deepObject | true | `id=5` | `id[0]=3&id[1]=4` | `id[a]=1&id[b]=2` |
//!
//! (space- and pipe-delimited with `explode: true` are sent as `form` exploded). A parameter with
//! a JSON `content` is sent as its JSON text. `null` and absent values are not sent.

use std::fmt::Write as _;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Error;

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// How a parameter or form property is written (OpenAPI 3.0's `style`, or JSON text).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// Header values: comma-separated.
    Simple,
    /// The value's JSON text (a parameter or part with a JSON media type).
    Json,
}

/// The style of one parameter or property, by wire name, when it is not the default.
#[doc(hidden)]
pub type Styles<'a> = &'a [(&'a str, Style, bool)];

/// A file in a `multipart/form-data` body: its bytes, and the file name and content type sent with
/// them (`application/octet-stream` unless set or the description names one).
///
/// ```
/// let avatar = intercom::FilePart::new(vec![0x89, b'P', b'N', b'G']).file_name("me.png").content_type("image/png");
/// assert_eq!(avatar.bytes.len(), 4);
/// ```
///
/// In JSON (where a description rarely puts `format: binary`) it is a string: its bytes as UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FilePart {
    pub bytes: Bytes,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file holding `bytes`, without a name or content type.
    pub fn new(bytes: impl Into<Bytes>) -> FilePart {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> FilePart {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's `Content-Type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> FilePart {
        self.content_type = Some(content_type.into());
        self
    }
}

impl Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(FilePart::new(text.into_bytes()))
    }
}

/// The query string (without `?`) of a struct or map of parameters: each field by its style in
/// `styles`, `form` exploded when not listed. A list of `(name, value)` pairs (`&[("tag", "a"),
/// ("tag", "b")]`) is written in its order, a name as often as it comes, as form pairs.
pub(crate) fn query<Q: Serialize + ?Sized>(params: &Q, styles: Styles<'_>) -> Result<String, Error> {
    let map = match serde_json::to_value(params).map_err(Error::Encode)? {
        Value::Null => return Ok(String::new()),
        Value::Object(map) => map,
        Value::Array(pairs) => return query_pairs(pairs),
        other => {
            return Err(Error::encode(format!(
                "query parameters must serialize to a struct, a map or a list of (name, value) pairs, not {}",
                json_kind(&other)
            )))
        }
    };
    let mut out = String::new();
    for (key, value) in &map {
        let (style, explode) = style_of(styles, key).unwrap_or((Style::Form, true));
        write_param(&mut out, key, value, style, explode);
    }
    Ok(out)
}

/// The query string of `(name, value)` pairs, in order.
fn query_pairs(pairs: Vec<Value>) -> Result<String, Error> {
    let mut out = String::new();
    for pair in pairs {
        match pair {
            Value::Array(mut name_value) if name_value.len() == 2 => {
                let value = name_value.pop().unwrap_or_default();
                let name = match name_value.pop().unwrap_or_default() {
                    Value::String(name) => name,
                    other => {
                        return Err(Error::encode(format!("a query parameter's name must be a string, not {}", json_kind(&other))))
                    }
                };
                write_param(&mut out, &name, &value, Style::Form, true);
            }
            other => {
                return Err(Error::encode(format!(
                    "query parameters given as a list must be (name, value) pairs, not {}",
                    json_kind(&other)
                )))
            }
        }
    }
    Ok(out)
}

fn style_of(styles: Styles<'_>, key: &str) -> Option<(Style, bool)> {
    styles.iter().find(|(name, _, _)| *name == key).map(|&(_, style, explode)| (style, explode))
}

/// Appends the pairs of one parameter.
fn write_param(out: &mut String, key: &str, value: &Value, style: Style, explode: bool) {
    let delimiter = match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    match (value, style) {
        (Value::Null, _) => {}
        (_, Style::Json) => push_pair(out, &encode(key), &value.to_string()),
        (Value::Array(_) | Value::Object(_), Style::DeepObject) => write_deep(out, &encode(key), value),
        (Value::Array(items), _) if explode => {
            for item in items.iter().filter(|item| !item.is_null()) {
                push_pair(out, &encode(key), &text(item));
            }
        }
        (Value::Object(fields), _) if explode => {
            for (name, field) in fields {
                match field {
                    Value::Null => {}
                    Value::Array(items) => items.iter().filter(|i| !i.is_null()).for_each(|item| push_pair(out, &encode(name), &text(item))),
                    other => push_pair(out, &encode(name), &text(other)),
                }
            }
        }
        (Value::Array(items), _) => {
            let joined: Vec<String> = items.iter().filter(|i| !i.is_null()).map(|item| encode(&text(item))).collect();
            push_encoded(out, &encode(key), &joined.join(delimiter));
        }
        (Value::Object(fields), _) => {
            let joined: Vec<String> = fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(name, field)| [encode(name), encode(&text(field))])
                .collect();
            push_encoded(out, &encode(key), &joined.join(delimiter));
        }
        (scalar, _) => push_pair(out, &encode(key), &text(scalar)),
    }
}

/// `key[a][b]=v` for every leaf, array items by index (`key[0]`), as Stripe and `qs` read them.
fn write_deep(out: &mut String, key: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                write_deep(out, &format!("{key}[{index}]"), item);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                write_deep(out, &format!("{key}[{}]", encode(name)), field);
            }
        }
        scalar => push_pair(out, key, &text(scalar)),
    }
}

/// Appends `key=value` with `key` already encoded and `value` not yet.
fn push_pair(out: &mut String, key: &str, value: &str) {
    push_encoded(out, key, &encode(value));
}

fn push_encoded(out: &mut String, key: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(key);
    out.push('=');
    out.push_str(value);
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODED).to_string()
}

/// A scalar as text: strings as they are, numbers and booleans as JSON writes them; arrays and
/// objects (where a style has no way to nest them) as JSON text.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A header parameter's value (`simple` style: arrays and objects comma-separated, objects as
/// `k,v` pairs or `k=v` exploded; JSON text for [`Style::Json`]); `None` for a null value.
pub(crate) fn header_value<T: Serialize + ?Sized>(value: &T, style: Style, explode: bool) -> Result<Option<String>, Error> {
    let value = serde_json::to_value(value).map_err(Error::Encode)?;
    Ok(match (&value, style) {
        (Value::Null, _) => None,
        (_, Style::Json) => Some(value.to_string()),
        (Value::Array(items), _) => Some(items.iter().filter(|i| !i.is_null()).map(text).collect::<Vec<_>>().join(",")),
        (Value::Object(fields), _) => {
            let fields = fields.iter().filter(|(_, v)| !v.is_null());
            let parts: Vec<String> = if explode {
                fields.map(|(k, v)| format!("{k}={}", text(v))).collect()
            } else {
                fields.flat_map(|(k, v)| [k.clone(), text(v)]).collect()
            };
            Some(parts.join(","))
        }
        (scalar, _) => Some(text(scalar)),
    })
}

/// An `application/x-www-form-urlencoded` body: each property by its style in `styles`, else
/// scalars as `k=v`, arrays of scalars exploded (`k=a&k=b`), objects and arrays holding them
/// as `deepObject` (`k[a]=1`, `k[0][a]=1`).
pub(crate) fn form<B: Serialize + ?Sized>(body: &B, styles: Styles<'_>) -> Result<Bytes, Error> {
    let map = match serde_json::to_value(body).map_err(Error::Encode)? {
        Value::Null => Map::new(),
        Value::Object(map) => map,
        other => return Err(Error::encode(format!("a form body must serialize to a struct or map, not {}", json_kind(&other)))),
    };
    let mut out = String::new();
    for (key, value) in &map {
        let (style, explode) = style_of(styles, key).unwrap_or_else(|| match value {
            Value::Object(_) => (Style::DeepObject, true),
            Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => (Style::DeepObject, true),
            _ => (Style::Form, true),
        });
        write_param(&mut out, key, value, style, explode);
    }
    Ok(Bytes::from(out))
}

/// A `multipart/form-data` body being built: add the parts, then hand it to the request.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<Part>,
    /// The first problem met; the request fails with it, sending nothing.
    pub(crate) error: Option<Error>,
}

#[derive(Debug)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// One or more files: a [`FilePart`], or an optional or a list of them.
#[doc(hidden)]
pub trait Files {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart));
}

impl Files for FilePart {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        f(self);
    }
}

impl<T: Files> Files for Option<T> {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        if let Some(inner) = self {
            inner.each_file(f);
        }
    }
}

impl<T: Files> Files for crate::Nullable<T> {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        if let Some(inner) = self.as_ref() {
            inner.each_file(f);
        }
    }
}

impl<T: Files> Files for Vec<T> {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        for inner in self {
            inner.each_file(f);
        }
    }
}

impl<T: Files> Files for Box<T> {
    fn each_file(&self, f: &mut dyn FnMut(&FilePart)) {
        (**self).each_file(f);
    }
}

impl Multipart {
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// A part for every property of `body` but those in `skip` (its files): scalars as text,
    /// arrays of scalars as one text part per item, anything else as JSON; `content_types`
    /// names a property's content type (JSON ones make it JSON).
    pub fn values<B: Serialize + ?Sized>(&mut self, body: &B, skip: &[&str], content_types: &[(&str, &str)]) {
        let map = match serde_json::to_value(body) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => return,
            Ok(other) => {
                let error = format!("a multipart body must serialize to a struct or map, not {}", json_kind(&other));
                self.error.get_or_insert(Error::encode(error));
                return;
            }
            Err(error) => {
                self.error.get_or_insert(Error::Encode(error));
                return;
            }
        };
        for (name, value) in map.into_iter().filter(|(name, _)| !skip.contains(&name.as_str())) {
            let declared = content_types.iter().find(|(n, _)| *n == name).map(|(_, ct)| *ct);
            let json = declared.is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
            let content_type = declared.map(str::to_owned);
            match value {
                Value::Null => {}
                Value::Array(items) if !json && items.iter().all(|i| !i.is_array() && !i.is_object()) => {
                    for item in items.iter().filter(|i| !i.is_null()) {
                        self.push(&name, None, content_type.clone(), Bytes::from(text(item)));
                    }
                }
                Value::Array(_) | Value::Object(_) => {
                    let content_type = content_type.or_else(|| Some("application/json".to_owned()));
                    self.push(&name, None, content_type, Bytes::from(value.to_string()));
                }
                scalar if json => self.push(&name, None, content_type, Bytes::from(scalar.to_string())),
                scalar => self.push(&name, None, content_type, Bytes::from(text(&scalar))),
            }
        }
    }

    /// A file part for each file in `files`, with the file's content type, else `content_type`
    /// (the description's), else `application/octet-stream`.
    pub fn files<F: Files + ?Sized>(&mut self, name: &str, files: &F, content_type: Option<&str>) {
        files.each_file(&mut |file| {
            let content_type = file.content_type.clone().or_else(|| content_type.map(str::to_owned));
            let content_type = content_type.unwrap_or_else(|| "application/octet-stream".to_owned());
            let file_name = Some(file.file_name.clone().unwrap_or_else(|| name.to_owned()));
            self.parts.push(Part { name: name.to_owned(), file_name, content_type: Some(content_type), data: file.bytes.clone() });
        });
    }

    fn push(&mut self, name: &str, file_name: Option<String>, content_type: Option<String>, data: Bytes) {
        self.parts.push(Part { name: name.to_owned(), file_name, content_type, data });
    }

    /// The body and its `Content-Type` (with a boundary found in no part), or the first problem
    /// met while adding the parts.
    pub(crate) fn finish(self) -> Result<(String, Bytes), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut boundary = random_boundary();
        while self.parts.iter().any(|p| contains(&p.data, boundary.as_bytes())) {
            boundary = random_boundary();
        }
        let mut out: Vec<u8> = Vec::new();
        for part in &self.parts {
            let mut head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", quoted(&part.name));
            if let Some(file_name) = &part.file_name {
                let _ = write!(head, "; filename=\"{}\"", quoted(file_name));
            }
            head.push_str("\r\n");
            if let Some(content_type) = &part.content_type {
                let _ = write!(head, "Content-Type: {}\r\n", content_type.replace(['\r', '\n'], " "));
            }
            head.push_str("\r\n");
            out.extend_from_slice(head.as_bytes());
            out.extend_from_slice(&part.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok((format!("multipart/form-data; boundary={boundary}"), Bytes::from(out)))
    }
}

/// A name inside a quoted `Content-Disposition` parameter, escaped as browsers do.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

fn random_boundary() -> String {
    let mut boundary = String::from("intercom-boundary-");
    for _ in 0..24 {
        boundary.push(fastrand::alphanumeric());
    }
    boundary
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    /// The query of one parameter `id` with `value`, in a style.
    fn one(value: Value, style: Style, explode: bool) -> String {
        query(&json!({ "id": value }), &[("id", style, explode)]).unwrap()
    }

    #[test]
    fn every_query_style_of_the_openapi_table() {
        use Style::*;
        let (scalar, array, object) = (json!(5), json!([3, 4]), json!({"a": 1, "b": 2}));
        let table = [
            (Form, true, "id=5", "id=3&id=4", "a=1&b=2"),
            (Form, false, "id=5", "id=3,4", "id=a,1,b,2"),
            (SpaceDelimited, false, "id=5", "id=3%204", "id=a%201%20b%202"),
            (SpaceDelimited, true, "id=5", "id=3&id=4", "a=1&b=2"),
            (PipeDelimited, false, "id=5", "id=3|4", "id=a|1|b|2"),
            (PipeDelimited, true, "id=5", "id=3&id=4", "a=1&b=2"),
            (DeepObject, true, "id=5", "id[0]=3&id[1]=4", "id[a]=1&id[b]=2"),
            (Json, false, "id=5", "id=%5B3%2C4%5D", "id=%7B%22a%22%3A1%2C%22b%22%3A2%7D"),
        ];
        for (style, explode, s, a, o) in table {
            assert_eq!(one(scalar.clone(), style, explode), s, "{style:?} {explode} scalar");
            assert_eq!(one(array.clone(), style, explode), a, "{style:?} {explode} array");
            assert_eq!(one(object.clone(), style, explode), o, "{style:?} {explode} object");
        }
    }

    #[test]
    fn values_are_encoded_but_delimiters_are_not() {
        assert_eq!(one(json!(["a,b", "c|d", "e f"]), Style::Form, false), "id=a%2Cb,c%7Cd,e%20f");
        assert_eq!(one(json!(["a|b", "c"]), Style::PipeDelimited, false), "id=a%7Cb|c");
        assert_eq!(one(json!({"k y": {"n": [true, null]}}), Style::DeepObject, true), "id[k%20y][n][0]=true");
        assert_eq!(one(json!("a \"b\""), Style::Json, false), "id=%22a%20%5C%22b%5C%22%22");
        assert_eq!(one(json!(null), Style::DeepObject, true), "");
        assert_eq!(one(json!([]), Style::Form, false), "id=");
        assert_eq!(one(json!([]), Style::Form, true), "");
    }

    #[test]
    fn unlisted_parameters_are_form_exploded() {
        let params = json!({"a": "x y/z", "b": 1.5, "c": [1, null, "two"], "d": null, "e": {"k": true, "l": ["m", "n"]}});
        assert_eq!(query(&params, &[]).unwrap(), "a=x%20y%2Fz&b=1.5&c=1&c=two&k=true&l=m&l=n");
        assert_eq!(query(&(), &[]).unwrap(), "");
        let err = query(&"just a string", &[]).unwrap_err();
        assert!(err.to_string().contains("struct, a map or a list"), "{err}");
    }

    #[test]
    fn pairs_are_written_in_order_and_may_repeat() {
        let pairs = [("tag", "a b"), ("page", "2"), ("tag", "c")];
        assert_eq!(query(&pairs[..], &[]).unwrap(), "tag=a%20b&page=2&tag=c");
        assert_eq!(query(&vec![("n", 1)], &[]).unwrap(), "n=1");
        assert_eq!(query(&[("skip", None::<u32>)], &[]).unwrap(), "");
        for refused in [json!([["a"]]), json!([[1, "x"]]), json!(["a"])] {
            let err = query(&refused, &[]).unwrap_err().to_string();
            assert!(err.contains("pairs") || err.contains("name must be a string"), "{refused}: {err}");
        }
    }

    #[test]
    fn header_values_are_simple_style() {
        assert_eq!(header_value(&"abc", Style::Simple, false).unwrap().as_deref(), Some("abc"));
        assert_eq!(header_value(&[1, 2, 3], Style::Simple, false).unwrap().as_deref(), Some("1,2,3"));
        let object = json!({"role": "admin", "first": "Alex"});
        assert_eq!(header_value(&object, Style::Simple, false).unwrap().as_deref(), Some("first,Alex,role,admin"));
        assert_eq!(header_value(&object, Style::Simple, true).unwrap().as_deref(), Some("first=Alex,role=admin"));
        assert_eq!(header_value(&object, Style::Json, false).unwrap().as_deref(), Some(r#"{"first":"Alex","role":"admin"}"#));
        assert_eq!(header_value(&Option::<String>::None, Style::Simple, false).unwrap(), None);
    }

    #[test]
    fn form_bodies_nest_objects_as_deep_objects_and_explode_arrays() {
        let body = json!({
            "amount": 2000,
            "expand": ["customer", "invoice"],
            "metadata": {"order": "6735", "note": "a&b=c"},
            "items": [{"price": "p_1", "quantity": 2}],
            "skipped": null,
            "tags": ["x"],
        });
        let encoded = form(&body, &[("tags", Style::DeepObject, true)]).unwrap();
        assert_eq!(
            std::str::from_utf8(&encoded).unwrap(),
            "amount=2000&expand=customer&expand=invoice&items[0][price]=p_1&items[0][quantity]=2\
             &metadata[note]=a%26b%3Dc&metadata[order]=6735&tags[0]=x"
        );
        assert_eq!(form(&json!(null), &[]).unwrap(), Bytes::new());
        assert!(form(&json!([1]), &[]).is_err());
    }

    /// Splits a multipart body at its boundary: (headers, data) of each part.
    fn parts(content_type: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a boundary");
        let text = body.to_vec();
        let delimiter = format!("--{boundary}");
        let closing = format!("{delimiter}--\r\n");
        assert!(text.ends_with(closing.as_bytes()), "ends with the closing delimiter");
        let mut out = Vec::new();
        let mut rest = &text[..text.len() - closing.len()];
        while !rest.is_empty() {
            assert!(rest.starts_with(delimiter.as_bytes()));
            rest = &rest[delimiter.len() + 2..];
            let end = rest.windows(delimiter.len()).position(|w| w == delimiter.as_bytes()).unwrap_or(rest.len());
            let part = &rest[..end - 2];
            let split = part.windows(4).position(|w| w == b"\r\n\r\n").expect("headers end");
            out.push((String::from_utf8(part[..split].to_vec()).unwrap(), part[split + 4..].to_vec()));
            rest = &rest[end..];
        }
        out
    }

    #[test]
    fn multipart_bodies_hold_text_json_and_file_parts() {
        let mut form = Multipart::new();
        let body = json!({"name": "report \"Q1\"", "ids": [1, 2], "meta": {"a": 1}, "file": "ignored", "none": null});
        form.values(&body, &["file"], &[]);
        let file = FilePart::new(&b"\x00\x01binary--"[..]).file_name("q1.bin");
        form.files("file", &vec![file, FilePart::new("plain").content_type("text/plain")], Some("application/pdf"));
        form.files("missing", &Option::<FilePart>::None, None);
        let (content_type, body) = form.finish().unwrap();
        let parts = parts(&content_type, &body);
        let heads: Vec<&str> = parts.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            heads,
            [
                "Content-Disposition: form-data; name=\"ids\"",
                "Content-Disposition: form-data; name=\"ids\"",
                "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json",
                "Content-Disposition: form-data; name=\"name\"",
                "Content-Disposition: form-data; name=\"file\"; filename=\"q1.bin\"\r\nContent-Type: application/pdf",
                "Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: text/plain",
            ]
        );
        let data: Vec<&[u8]> = parts.iter().map(|(_, d)| d.as_slice()).collect();
        assert_eq!(data, [&b"1"[..], b"2", br#"{"a":1}"#, b"report \"Q1\"", b"\x00\x01binary--", b"plain"]);
    }

    #[test]
    fn multipart_declared_json_parts_and_bad_bodies() {
        let mut form = Multipart::new();
        form.values(&BTreeMap::from([("n", 1)]), &[], &[("n", "application/json")]);
        let (content_type, body) = form.finish().unwrap();
        assert_eq!(parts(&content_type, &body), [("Content-Disposition: form-data; name=\"n\"\r\nContent-Type: application/json".to_owned(), b"1".to_vec())]);
        let mut form = Multipart::new();
        form.values(&"text", &[], &[]);
        assert!(form.finish().unwrap_err().to_string().contains("struct or map"));
    }

    #[test]
    fn the_boundary_is_in_no_part() {
        for _ in 0..20 {
            let mut form = Multipart::new();
            form.files("f", &FilePart::new("--intercom-boundary-"), None);
            let (content_type, body) = form.finish().unwrap();
            assert_eq!(parts(&content_type, &body)[0].1, b"--intercom-boundary-");
        }
    }

    #[test]
    fn file_parts_are_strings_in_json() {
        let file: FilePart = serde_json::from_value(json!("abc")).unwrap();
        assert_eq!(file, FilePart::new("abc"));
        assert_eq!(serde_json::to_value(&file).unwrap(), json!("abc"));
    }
}
