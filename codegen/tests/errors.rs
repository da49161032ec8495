//! Bad input: errors stop generation with a location and leave the output untouched;
//! warnings name the location and fall back, unless `strict` makes them errors.

use std::path::{Path, PathBuf};

use codegen::{Config, ErrorKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors").join(name)
}

fn generate(name: &str, strict: bool) -> Result<codegen::Output, codegen::Error> {
    codegen::generate(&Config { openapi: fixture(name), asyncapi: None, strict })
}

/// A folder holding a previous generation, and a snapshot of its bytes.
fn previous_output() -> (tempfile::TempDir, Vec<(PathBuf, Vec<u8>)>) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/operations.yaml");
    codegen::generate_into(&Config { openapi: good, ..Default::default() }, dir.path(), false).expect("the good fixture generates");
    let before = snapshot(dir.path());
    (dir, before)
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("listable")
        .map(|e| {
            let path = e.expect("entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

fn assert_error_leaves_output_untouched(name: &str, kind: ErrorKind) -> codegen::Error {
    let (dir, before) = previous_output();
    let config = Config { openapi: fixture(name), asyncapi: None, strict: false };
    let err = codegen::generate_into(&config, dir.path(), false).expect_err("bad input must fail");
    assert_eq!(err.kind, kind, "{err}");
    assert_eq!(snapshot(dir.path()), before, "{name}: the output folder changed although generation failed");
    let location = err.location.clone().expect("errors on input carry a location");
    assert!(location.file.ends_with(name), "{err} should name {name}");
    err
}

#[test]
fn invalid_yaml_names_file_and_line() {
    let err = assert_error_leaves_output_untouched("invalid_yaml.yaml", ErrorKind::Syntax);
    let (line, _) = err.location.as_ref().and_then(|l| l.line).expect("a line");
    assert!(line >= 7, "{err}");
    assert!(err.to_string().contains("invalid_yaml.yaml:"), "{err}");
}

#[test]
fn duplicate_operation_id_names_both_places() {
    let err = assert_error_leaves_output_untouched("duplicate_operation_id.yaml", ErrorKind::Conflict);
    let location = err.location.as_ref().expect("located");
    assert_eq!(location.pointer, "/paths/~1b/get/operationId");
    assert_eq!(location.line, Some((11, 7)));
    assert!(err.message.contains("getThing") && err.message.contains("/paths/~1a/get"), "{err}");
}

#[test]
fn ref_into_missing_file_is_an_error_at_the_ref() {
    let err = assert_error_leaves_output_untouched("missing_file_ref.yaml", ErrorKind::MissingFile);
    let location = err.location.as_ref().expect("located");
    assert_eq!(location.pointer, "/components/schemas/thing/properties/other/$ref");
    assert_eq!(location.line, Some((10, 11)));
    assert!(err.message.contains("does-not-exist.yaml"), "{err}");
}

#[test]
fn unsupported_versions_say_so() {
    for name in ["swagger2.yaml", "openapi31.yaml"] {
        let err = assert_error_leaves_output_untouched(name, ErrorKind::UnsupportedVersion);
        assert!(err.message.contains("not supported"), "{err}");
    }
}

#[test]
fn shape_errors_point_into_the_document() {
    let err = assert_error_leaves_output_untouched("not_openapi_shape.yaml", ErrorKind::InvalidDocument);
    assert_eq!(err.location.as_ref().expect("located").pointer, "/paths/~1a/get/responses", "{err}");
}

#[test]
fn json_documents_are_read_too() {
    let output = generate("json_document.yaml", false).expect("JSON is YAML");
    assert!(output.files.iter().any(|f| f.contents.contains("pub type X = String;")));
}

#[test]
fn dangling_ref_warns_and_falls_back_to_json_value() {
    let output = generate("dangling_ref.yaml", false).expect("a warning, not an error");
    let warning = output.warnings.iter().find(|w| w.message.contains("not_defined")).expect("a warning about the ref");
    assert_eq!(warning.location.pointer, "/components/schemas/thing/properties/other");
    assert_eq!(warning.location.line, Some((9, 9)));
    let types = output.files.iter().find(|f| f.path == "types.rs").expect("types.rs");
    assert!(types.contents.contains("pub other: Option<serde_json::Value>"), "{}", types.contents);

    let err = generate("dangling_ref.yaml", true).expect_err("strict denies warnings");
    assert_eq!(err.kind, ErrorKind::Strict);
    assert_eq!(err.location.expect("located").pointer, "/components/schemas/thing/properties/other");
}

#[test]
fn missing_operation_id_warns_and_derives_a_name() {
    let output = generate("missing_operation_id.yaml", false).expect("a warning, not an error");
    let warning = output.warnings.iter().find(|w| w.message.contains("no operationId")).expect("a warning");
    assert_eq!(warning.location.pointer, "/paths/~1reports~1{job_id}~1download/get");
    assert_eq!(warning.location.line, Some((5, 5)));
    let ops = output.files.iter().find(|f| f.path == "operations.rs").expect("operations.rs");
    assert!(ops.contents.contains("pub fn get_job_id_download("), "{}", ops.contents);

    let err = generate("missing_operation_id.yaml", true).expect_err("strict denies warnings");
    assert_eq!(err.kind, ErrorKind::Strict);
}

#[test]
fn structure_errors_point_at_the_offending_node() {
    let err = assert_error_leaves_output_untouched("misplaced_parameter.yaml", ErrorKind::InvalidDocument);
    let location = err.location.as_ref().expect("located");
    assert_eq!(location.pointer, "/paths/~1things/get/parameters/1/in", "{err}");
    assert_eq!(location.line, Some((12, 11)), "{err}");
    assert!(err.message.contains("nowhere"), "{err}");
}

#[test]
fn nodes_in_flow_collections_have_lines() {
    let output = generate("flow_style.yaml", false).expect("a warning, not an error");
    let warning = output.warnings.iter().find(|w| w.message.contains("not_defined")).expect("a warning about the ref");
    assert_eq!(warning.location.pointer, "/components/schemas/thing/properties/other");
    assert_eq!(warning.location.line, Some((7, 7)), "{warning}");
}

#[test]
fn unknown_schema_types_warn_and_fall_back_to_json_value() {
    let output = generate("unknown_type.yaml", false).expect("warnings, not an error");
    let located: Vec<_> = output
        .warnings
        .iter()
        .filter(|w| w.message.contains("unknown schema type"))
        .map(|w| (w.location.pointer.as_str(), w.location.line))
        .collect();
    assert_eq!(
        located,
        [
            ("/components/schemas/thing/properties/count/type", Some((11, 17))),
            ("/components/schemas/thing/properties/name/type", Some((10, 11))),
        ],
        "{:?}",
        output.warnings
    );
    let types = output.files.iter().find(|f| f.path == "types.rs").expect("types.rs");
    assert!(types.contents.contains("pub name: Option<serde_json::Value>"), "{}", types.contents);

    let err = generate("unknown_type.yaml", true).expect_err("strict denies warnings");
    assert_eq!(err.kind, ErrorKind::Strict);
    assert!(err.message.contains("strng") || err.message.contains("integr"), "{err}");
}

#[test]
fn a_byte_order_mark_is_not_content() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let text = std::fs::read_to_string(fixture("dangling_ref.yaml")).expect("the fixture");
    let path = dir.path().join("dangling_ref.yaml");
    std::fs::write(&path, format!("\u{feff}{text}")).expect("writable");
    let with_bom = codegen::generate(&Config { openapi: path, asyncapi: None, strict: false }).expect("a BOM is accepted");
    let without = generate("dangling_ref.yaml", false).expect("the fixture generates");
    let contents = |output: &codegen::Output| output.files.iter().map(|f| f.contents.clone()).collect::<Vec<_>>();
    assert_eq!(contents(&with_bom), contents(&without));
    assert_eq!(with_bom.warnings[0].location.line, without.warnings[0].location.line);
}
