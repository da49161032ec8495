//! The conformance run over a small description holding the quirks found in Intercom's published
//! descriptions, so a regression shows without `../shared`: it generates, compiles with warnings
//! denied, decodes every non-defective example, and reports the defective one as a spec defect.

use std::path::Path;
use std::process::Command;

/// Runs `cargo xtask conformance` with `args`; panics unless it succeeds. Gives the output, and
/// the cells of the result table's row for each description, by column name.
fn conformance(args: &[&std::ffi::OsStr]) -> (String, impl Fn(&str, &str) -> String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask", "--", "conformance"])
        .args(args)
        .current_dir(root)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "conformance failed:\n{stdout}\n{stderr}");
    let table = stdout.clone();
    let cell = move |label: &str, name: &str| -> String {
        let cells = |line: &str| -> Vec<String> { line.split('|').map(|c| c.trim().to_owned()).collect() };
        let header = table.lines().find(|l| l.starts_with("| description |")).unwrap_or_else(|| panic!("no table:\n{table}"));
        let row = table.lines().find(|l| l.starts_with(&format!("| {label} |"))).unwrap_or_else(|| panic!("no row {label}:\n{table}"));
        let (names, values) = (cells(header), cells(row));
        let index = names.iter().position(|n| n.starts_with(name)).unwrap_or_else(|| panic!("no column `{name}` in {header}"));
        values[index].clone()
    };
    (stdout, cell)
}

#[test]
fn quirks_fixture_passes_conformance() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let spec = root.join("codegen/tests/fixtures/quirks/quirks.yaml");
    let (stdout, cell) = conformance(&["--spec".as_ref(), spec.as_os_str()]);
    let cell = |name: &str| cell("quirks", name);
    let row = stdout.lines().find(|l| l.starts_with("| quirks |")).unwrap_or_default();
    assert_eq!(cell("operations"), "2", "{row}");
    assert_eq!(cell("warnings"), "2", "a dangling $ref and a missing operationId: {row}");
    assert_eq!(cell("examples decoded"), "4 / 4", "five examples, one a defect: {row}");
    assert_eq!(cell("spec defects"), "1 (0)", "one spec defect, and the generated types refuse its wrong type: {row}");
    assert_eq!(cell("result"), "pass", "{row}");
    assert!(stdout.contains("listThings") || stdout.contains("getThings"), "{stdout}");
    assert!(stdout.contains("/data/0/id"), "the defect's evidence names the path: {stdout}");
}

/// Makes a schema from the reference to the next one in a chain.
type Link = fn(&str) -> serde_json::Value;

/// `length` schemas, each made by `make` from the reference to the next, and an object last.
fn chain(prefix: &str, length: usize, make: Link) -> Vec<(String, serde_json::Value)> {
    let mut schemas: Vec<(String, serde_json::Value)> =
        (0..length).map(|i| (format!("{prefix}{i}"), make(&format!("#/components/schemas/{prefix}{}", i + 1)))).collect();
    schemas.push((format!("{prefix}{length}"), serde_json::json!({"type": "object", "properties": {"end": {"type": "boolean"}}})));
    schemas
}

/// Every schema class of the generality issue (`codegen/tests/fixtures/openapi/schemas_*.yaml`:
/// allOf of scalars, look-alike unions, unions of string enums, discriminator mappings,
/// recursion, read-only and write-only fields, integers past i64, degenerate enums, nullable
/// arrays), and chains
/// of 200 `$ref`s of every kind: each generates, passes `cargo clippy -- -D warnings`, and
/// decodes and re-encodes its examples (integers compared digit for digit).
#[test]
fn schema_fixtures_pass_clippy_and_decode() {
    use serde_json::json;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let fixtures = root.join("codegen/tests/fixtures/openapi");
    let mut specs: Vec<std::path::PathBuf> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("schemas_")))
        .collect();
    specs.sort();
    assert!(specs.len() >= 8, "{specs:?}");

    let dir = tempfile::tempdir().expect("temp dir");
    let mut schemas = serde_json::Map::new();
    let kinds: [(&str, Link); 5] = [
        ("link", |next| json!({"type": "object", "properties": {"next": {"$ref": next}, "depth": {"type": "integer"}}})),
        ("alias", |next| json!({"$ref": next})),
        ("wrapped", |next| json!({"allOf": [{"$ref": next}], "nullable": true})),
        ("list", |next| json!({"type": "array", "items": {"$ref": next}})),
        ("choice", |next| json!({"oneOf": [{"$ref": next}, {"type": "string"}]})),
    ];
    let mut root_properties = serde_json::Map::new();
    for (prefix, make) in kinds {
        schemas.extend(chain(prefix, 200, make));
        root_properties.insert(prefix.to_owned(), json!({"$ref": format!("#/components/schemas/{prefix}0")}));
    }
    schemas.insert("root".into(), json!({"type": "object", "properties": root_properties}));
    let example = json!({"link": {"depth": 0, "next": {"depth": 1, "next": {"end": true}}}, "alias": {"end": false},
        "wrapped": null, "list": [[[]]], "choice": "short"});
    let description = json!({
        "openapi": "3.0.3",
        "info": {"title": "Deep chains", "version": "1"},
        "paths": {"/root": {"get": {"operationId": "getRoot", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/root"}, "example": example}}}}}}},
        "components": {"schemas": schemas},
    });
    let chains = dir.path().join("deep_chains.json");
    std::fs::write(&chains, serde_json::to_string_pretty(&description).expect("json")).expect("written");
    specs.push(chains);

    let mut args: Vec<&std::ffi::OsStr> = Vec::new();
    for spec in &specs {
        args.push("--spec".as_ref());
        args.push(spec.as_os_str());
    }
    let (stdout, cell) = conformance(&args);
    for spec in &specs {
        let label = spec.file_stem().expect("a name").to_string_lossy().into_owned();
        assert_eq!(cell(&label, "result"), "pass", "{label}:\n{stdout}");
        let decoded = cell(&label, "examples decoded");
        let (done, total) = decoded.split_once(" / ").expect("n / m");
        assert!(done == total && total != "0", "{label}: {decoded}");
    }
    // Integers past i64 keep every digit through decode and encode.
    assert_eq!(cell("schemas_big_integers", "examples decoded"), "2 / 2");
    // A response leaves out the required write-only password: not a defect, and it decodes.
    assert_eq!(cell("schemas_read_write_only", "spec defects"), "0 (0)");
    // `null` decodes wherever a nullable array may hold it: fields, items, map values, unions,
    // aliases, and the whole answer (inline, by reference, through an allOf wrapper); and as a
    // whole answer that is a nullable union or inline object.
    assert_eq!(cell("schemas_nullable_arrays", "examples decoded"), "13 / 13");
    // Examples that break their own schema still decode (nulls through allOf, unknown tags, values of empty enums).
    for label in ["schemas_all_of_scalars", "schemas_discriminator_mapping", "schemas_empty_enums", "schemas_nullable_arrays"] {
        assert_eq!(cell(label, "spec defects"), "1 (1)", "{label}");
    }
    // Only the chains that nest types (structs, arrays, unions) are cut, each cut a warning.
    let warnings: usize = cell("deep_chains", "warnings").parse().expect("a count");
    assert!((3..=12).contains(&warnings), "{warnings} warnings");
}

/// Every parameter style and body kind on the wire: a client generated from
/// `params_bodies.yaml` runs `tests/wire/params_bodies.rs` against a server on 127.0.0.1
/// (through `cargo xtask check-fixture`, which also clippies and rustdocs the crate).
#[test]
fn parameter_styles_and_bodies_on_the_wire() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let spec = root.join("codegen/tests/fixtures/openapi/params_bodies.yaml");
    let test = root.join("tests/wire/params_bodies.rs");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask", "--", "check-fixture", "--spec"])
        .arg(&spec)
        .arg("--wire")
        .arg(&test)
        .current_dir(root)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "check-fixture or the wire test failed:\n{stdout}\n{stderr}");
    let summary = stdout.lines().find(|l| l.starts_with("ok: wire test")).unwrap_or_else(|| panic!("no wire test:\n{stdout}"));
    assert!(summary.contains("7 passed; 0 failed"), "{summary}");
}
