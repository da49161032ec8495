//! What the model makes of parameters and bodies (`fixtures/openapi/params_bodies.yaml`): which
//! header parameters become fields, which are the client's own or ignored, the style of each
//! query parameter, the media type chosen for each body and answer. The wire format itself is
//! checked against a server by `tests/wire/params_bodies.rs`.

use std::path::Path;

use codegen::model::{BodyMedia, Operation, ResponseMedia, Style};

fn model() -> codegen::Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/params_bodies.yaml");
    codegen::build_model(&codegen::Config { openapi: path, ..Default::default() }).expect("the fixture generates")
}

fn op<'a>(model: &'a codegen::Model, id: &str) -> &'a Operation {
    model.api.operations.iter().find(|op| op.id == id).unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn header_parameters_are_fields_but_never_the_clients_own_or_the_ignored_ones() {
    let model = model();
    let list = op(&model, "listStyles");
    let headers: Vec<(&str, &str)> = list.header_params.iter().map(|p| (p.name.as_str(), p.rust_name.as_str())).collect();
    // `Intercom-Version` is a setting of the client; `accept` and `Authorization` OpenAPI ignores.
    assert_eq!(headers, [("X-Trace-Id", "x_trace_id"), ("X-Tags", "x_tags"), ("X-Point", "x_point"), ("colors", "colors_2")]);
    assert!(list.header_params[0].required);
    let messages: Vec<String> = model.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(messages.iter().any(|m| m.contains("`accept` is ignored")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("`Authorization` is ignored")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("cookie parameter `session`")), "{messages:?}");
    assert!(!messages.iter().any(|m| m.contains("Intercom-Version")), "the client's own header is not worth a warning: {messages:?}");
}

#[test]
fn query_parameters_keep_their_style_and_explode() {
    let model = model();
    let styles: Vec<(&str, Style, bool)> = op(&model, "listStyles").query_params.iter().map(|p| (p.name.as_str(), p.style, p.explode)).collect();
    assert_eq!(
        styles,
        [
            ("plain", Style::Form, true),
            ("colors", Style::Form, true),
            ("point", Style::Form, true),
            ("flat_list", Style::Form, false),
            ("flat_point", Style::Form, false),
            ("spaced", Style::SpaceDelimited, false),
            ("piped", Style::PipeDelimited, false),
            ("deep", Style::DeepObject, true),
            ("deep_list", Style::DeepObject, true),
            ("as_json", Style::Json, false),
            ("either", Style::Form, true),
        ]
    );
}

#[test]
fn bodies_prefer_json_then_form_then_multipart_and_answers_say_their_media() {
    let model = model();
    let body = |id: &str| op(&model, id).body.clone().expect("a body");
    let charge = body("createCharge");
    assert!(matches!(charge.media, BodyMedia::Form(_)), "form over multipart");
    assert_eq!(charge.alternatives, ["multipart/form-data"]);
    assert_eq!(body("preferJson").media, BodyMedia::Json);
    assert!(matches!(body("uploadFile").media, BodyMedia::Multipart(_)));
    assert_eq!(body("putRaw").media, BodyMedia::Binary);
    assert_eq!(body("postNote").media, BodyMedia::Text);
    let answer = |id: &str| op(&model, id).response_media.clone();
    assert_eq!(answer("getReport"), ResponseMedia::Text("text/csv".into()));
    assert_eq!(answer("getAvatar"), ResponseMedia::Binary("image/jpeg, image/png".into()));
    assert_eq!(answer("downloadExport"), ResponseMedia::Binary("application/octet-stream".into()));
    assert_eq!(answer("listStyles"), ResponseMedia::Json);
}
