//! Random valid OpenAPI 3.0 descriptions: many operations, each combining parameters of every
//! location and style, request bodies, responses and pagination, over the schemas of
//! [`super::schemas`], with response examples from [`super::values`].

use serde_json::{json, Map, Value};

use super::families::{Families, Family};
use super::names::{special_header, Scope, Slot};
use super::rng::Rng;
use super::schemas::SchemaGen;
use super::values::Instances;

/// The description for `seed`, with `operations` operations using the `families`.
pub fn generate(seed: u64, families: &Families, operations: usize) -> Value {
    let mut gen = SchemaGen::new(Rng::new(seed), families);
    let hostile = families.has(Family::Names);
    let mut tag_names = Scope::new();
    let tags: Vec<String> = (0..1 + gen.rng.below(4)).map(|_| tag_names.name(&mut gen.rng, Slot::Operation, hostile, "Group")).collect();
    let mut ids = Scope::new();
    let mut paths = Map::new();
    for index in 0..operations {
        let id = ids.name(&mut gen.rng, Slot::Operation, hostile, "op");
        let tag = gen.rng.pick(&tags).clone();
        let (path, method, operation) = OperationGen { gen: &mut gen, index, params: Scope::new() }.build(&id, &tag);
        let item = paths.entry(path).or_insert_with(|| json!({}));
        item[method] = operation;
    }
    let tag_list: Vec<Value> = tags.iter().map(|t| json!({"name": t, "description": format!("The {t} group.")})).collect();
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": format!("Fuzz {seed}"), "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com"}],
        "tags": tag_list,
        "paths": paths,
        "components": {"schemas": gen.components},
    });
    add_examples(&mut doc, seed);
    doc
}

/// Replaces the examples of every JSON response with fresh values of its schema.
pub fn add_examples(doc: &mut Value, seed: u64) {
    let components = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut instances = Instances::new(&components, seed ^ 0x5eed_cafe);
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for operation in item.values_mut() {
            let Some(Value::Object(responses)) = operation.get_mut("responses") else { continue };
            for response in responses.values_mut() {
                let Some(media) = response.pointer_mut("/content/application~1json") else { continue };
                let Some(schema) = media.get("schema").cloned() else { continue };
                let mut examples = Map::new();
                for name in ["first", "second"] {
                    examples.insert(name.to_owned(), json!({"value": instances.instance(&schema, 0)}));
                }
                media["examples"] = Value::Object(examples);
            }
        }
    }
}

pub(super) struct OperationGen<'g, 'f> {
    pub(super) gen: &'g mut SchemaGen<'f>,
    index: usize,
    /// Parameter names of this operation (a name may repeat in another location, as OpenAPI allows).
    pub(super) params: Scope,
}

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

impl OperationGen<'_, '_> {
    pub(super) fn has(&self, family: Family) -> bool {
        self.gen.has(family)
    }

    pub(super) fn hostile(&self) -> bool {
        self.has(Family::Names)
    }

    pub(super) fn rng(&mut self) -> &mut Rng {
        &mut self.gen.rng
    }

    /// Path, method and the operation object.
    fn build(mut self, id: &str, tag: &str) -> (String, &'static str, Value) {
        let pagination = self.has(Family::Pagination) && self.rng().chance(0.25);
        let method = if pagination { if self.rng().chance(0.7) { "get" } else { "post" } } else { *self.rng().pick(METHODS) };
        let mut parameters = Vec::new();
        let mut response_schema = None;
        let mut body_schema = None;
        // First, so its parameter names are claimed before hostile ones are drawn.
        if pagination {
            let (response, body) = self.pagination(method, &mut parameters);
            response_schema = Some(response);
            body_schema = body;
        }
        let path = self.path(&mut parameters);
        self.query(&mut parameters);
        self.headers_and_cookies(&mut parameters);
        let mut operation = json!({"operationId": id, "tags": [tag], "summary": format!("Operation {}", self.index)});
        if body_schema.is_none() && method != "get" && method != "delete" && self.rng().chance(0.7) {
            operation["requestBody"] = self.request_body();
        }
        if let Some(body) = body_schema {
            operation["requestBody"] = json!({"required": self.rng().chance(0.5), "content": {"application/json": {"schema": body}}});
        }
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        operation["responses"] = self.responses(response_schema);
        if self.has(Family::Docs) && self.rng().chance(0.1) {
            operation["description"] = json!(super::schemas::ODD_DOCS.join("\n"));
        }
        (path, method, operation)
    }

    /// `/opN/...` with path parameters, several in one segment when `path-params` is on.
    fn path(&mut self, parameters: &mut Vec<Value>) -> String {
        let mut path = format!("/op{}", self.index);
        let count = self.rng().below(3);
        for i in 0..count {
            let name = self.param_name(Slot::PathParam);
            let segment = if self.has(Family::PathParams) && self.rng().chance(0.5) {
                let second = self.param_name(Slot::PathParam);
                let separator = *self.rng().pick(&[".", "-", "_", "~", ","]);
                parameters.push(self.path_param(&second));
                if self.rng().chance(0.3) {
                    format!("files/{{{name}}}{separator}{{{second}}}.json")
                } else {
                    format!("{{{name}}}{separator}{{{second}}}")
                }
            } else if i == 0 && self.rng().chance(0.3) {
                format!("{{{name}}}.json")
            } else {
                format!("{{{name}}}")
            };
            parameters.push(self.path_param(&name));
            path.push('/');
            path.push_str(&segment);
        }
        path
    }

    fn param_name(&mut self, slot: Slot) -> String {
        let hostile = self.hostile();
        self.params.name(&mut self.gen.rng, slot, hostile, "param")
    }

    fn path_param(&mut self, name: &str) -> Value {
        let schema = self.param_scalar();
        let mut param = json!({"name": name, "in": "path", "required": true, "schema": schema});
        if self.has(Family::PathParams) && self.rng().chance(0.3) {
            param["style"] = json!(*self.rng().pick(&["simple", "label", "matrix"]));
            param["explode"] = json!(self.rng().chance(0.5));
        }
        param
    }

    /// A scalar a parameter can carry: string, integer, number, boolean, string enum.
    fn param_scalar(&mut self) -> Value {
        if self.has(Family::Unions) && self.rng().chance(0.1) {
            return json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        }
        self.gen.scalar()
    }

    fn query(&mut self, parameters: &mut Vec<Value>) {
        for _ in 0..self.rng().below(4) {
            let name = self.param_name(Slot::QueryParam);
            let mut param = json!({"name": name, "in": "query", "required": self.rng().chance(0.3)});
            if self.has(Family::ContentParams) && self.rng().chance(0.15) {
                let schema = self.gen.object(2, 1..3);
                param["content"] = json!({"application/json": {"schema": schema}});
                parameters.push(param);
                continue;
            }
            if !self.has(Family::QueryStyles) {
                param["schema"] = self.param_scalar();
                parameters.push(param);
                continue;
            }
            let array = json!({"type": "array", "items": self.param_scalar()});
            match self.rng().below(5) {
                0 => param["schema"] = self.param_scalar(),
                1 => {
                    param["style"] = json!("form");
                    param["explode"] = json!(self.rng().chance(0.5));
                    param["schema"] = array;
                }
                2 => {
                    param["style"] = json!(*self.rng().pick(&["spaceDelimited", "pipeDelimited"]));
                    param["explode"] = json!(false);
                    param["schema"] = array;
                }
                3 => {
                    param["style"] = json!("deepObject");
                    param["explode"] = json!(true);
                    param["schema"] = self.flat_object();
                }
                _ => {
                    param["style"] = json!("form");
                    param["explode"] = json!(self.rng().chance(0.5));
                    param["schema"] = self.flat_object();
                }
            }
            parameters.push(param);
        }
    }

    /// An object of scalar properties (for deepObject and form objects).
    fn flat_object(&mut self) -> Value {
        let mut names = Scope::new();
        let mut properties = Map::new();
        for _ in 0..1 + self.rng().below(3) {
            let hostile = self.hostile();
            let name = names.name(&mut self.gen.rng, Slot::QueryParam, hostile, "key");
            properties.insert(name, self.gen.scalar());
        }
        json!({"type": "object", "properties": properties})
    }

    fn headers_and_cookies(&mut self, parameters: &mut Vec<Value>) {
        if self.has(Family::HeaderParams) {
            for _ in 0..self.rng().below(3) {
                let name = if self.rng().chance(0.3) {
                    let special = special_header(self.rng());
                    self.params.claim(special);
                    special.to_owned()
                } else {
                    self.param_name(Slot::Header)
                };
                let schema = if self.rng().chance(0.2) { json!({"type": "array", "items": {"type": "string"}}) } else { self.param_scalar() };
                parameters.push(json!({"name": name, "in": "header", "required": self.rng().chance(0.3), "schema": schema}));
            }
        }
        if self.has(Family::CookieParams) && self.rng().chance(0.2) {
            let name = self.param_name(Slot::QueryParam);
            parameters.push(json!({"name": name, "in": "cookie", "schema": {"type": "string"}}));
        }
    }

    fn request_body(&mut self) -> Value {
        let mut kinds = Vec::new();
        if self.has(Family::JsonBodies) {
            kinds.push("json");
        }
        if self.has(Family::FormBodies) {
            kinds.push("form");
        }
        if self.has(Family::MultipartBodies) {
            kinds.push("multipart");
        }
        if kinds.is_empty() {
            kinds.push("json");
        }
        let required = self.rng().chance(0.6);
        match *self.rng().pick(&kinds) {
            "form" => {
                let mut schema = self.flat_object();
                if self.rng().chance(0.3) {
                    schema["properties"]["tags"] = json!({"type": "array", "items": {"type": "string"}});
                }
                json!({"required": required, "content": {"application/x-www-form-urlencoded": {"schema": schema}}})
            }
            "multipart" => {
                let mut schema = self.flat_object();
                let file = if self.hostile() { *self.rng().pick(&["file", "body", "self", "Bytes", "data"]) } else { "upload" };
                schema["properties"][file] = json!({"type": "string", "format": "binary"});
                schema["required"] = json!([file]);
                let mut media = json!({"schema": schema});
                if self.rng().chance(0.5) {
                    media["encoding"] = json!({ file: {"contentType": "image/png"} });
                }
                json!({"required": true, "content": {"multipart/form-data": media}})
            }
            _ => {
                let schema = if self.rng().chance(0.7) { self.gen.object(1, 0..6) } else { self.gen.any(1) };
                let schema = if self.rng().chance(0.5) { self.gen.component(schema) } else { schema };
                json!({"required": required, "content": {"application/json": {"schema": schema}}})
            }
        }
    }

    /// The success response (JSON with examples, text, binary or none) and sometimes an error one.
    fn responses(&mut self, schema: Option<Value>) -> Value {
        let mut responses = Map::new();
        let mut kinds = vec!["json", "json", "json", "none"];
        if schema.is_none() && self.has(Family::TextResponses) {
            kinds.push("text");
        }
        if schema.is_none() && self.has(Family::BinaryResponses) {
            kinds.push("binary");
        }
        let kind = if schema.is_some() { "json" } else { *self.rng().pick(&kinds) };
        let status = if kind == "none" { "204" } else { *self.rng().pick(&["200", "200", "201", "2XX"]) };
        let content = match kind {
            "json" => {
                let schema = match schema {
                    Some(schema) => schema,
                    None => self.gen.any(0),
                };
                Some(json!({"application/json": {"schema": schema}}))
            }
            "text" => Some(json!({*self.rng().pick(&["text/plain", "text/csv", "text/html; charset=utf-8"]): {"schema": {"type": "string"}}})),
            "binary" => Some(json!({*self.rng().pick(&["application/octet-stream", "application/pdf", "image/png"]): {"schema": {"type": "string", "format": "binary"}}})),
            _ => None,
        };
        let mut success = json!({"description": "Success."});
        if let Some(content) = content {
            success["content"] = content;
        }
        responses.insert(status.to_owned(), success);
        if self.rng().chance(0.3) {
            let error = self.gen.object(1, 1..3);
            let error = self.gen.component(error);
            let code = *self.rng().pick(&["default", "4XX", "404", "422"]);
            responses.insert(code.to_owned(), json!({"description": "Failure.", "content": {"application/json": {"schema": error}}}));
        }
        Value::Object(responses)
    }
}
