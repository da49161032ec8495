//! Hostile and surprising input: every problem is a located error or a located warning with a
//! fallback, never a panic, a stack overflow or a hang; what is generated compiles; and the
//! output folder is replaced whole or not at all.
//!
//! Cases already covered by `errors.rs` (invalid YAML, a YAML document that is JSON, Swagger 2.0
//! and OpenAPI 3.1, a dangling `$ref`, a `$ref` into a missing file, duplicate and missing
//! operationIds) and by the `naming`, `recursive` and `enums` snapshots are taken further here.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::{Config, Error, ErrorKind, Output};
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/robustness").join(name)
}

fn generate(openapi: &Path, strict: bool) -> Result<Output, Error> {
    codegen::generate(&Config { openapi: openapi.to_path_buf(), asyncapi: None, strict })
}

fn file<'a>(output: &'a Output, name: &str) -> &'a str {
    &output.files.iter().find(|f| f.path == name).unwrap_or_else(|| panic!("{name} is generated")).contents
}

/// Writes `value` as pretty JSON (so lines can be found) into `dir`.
fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).expect("JSON")).expect("writable temp dir");
    path
}

fn write_text(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writable temp dir");
    path
}

/// An OpenAPI document with these component schemas and no paths.
fn with_schemas(schemas: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "Generated", "version": "1"}, "paths": {}, "components": {"schemas": schemas}})
}

/// Asserts the error is of `kind`, names `file`, and carries a JSON pointer and a line.
fn assert_located(err: &Error, kind: ErrorKind, file: &Path) -> (String, (usize, usize)) {
    assert_eq!(err.kind, kind, "{err}");
    let location = err.location.as_ref().unwrap_or_else(|| panic!("no location: {err}"));
    assert_eq!(location.file, file, "{err}");
    let line = location.line.unwrap_or_else(|| panic!("no line: {err}"));
    (location.pointer.clone(), line)
}

// ---------------------------------------------------------------- syntax and versions

#[test]
fn invalid_json_is_a_located_syntax_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_text(
        dir.path(),
        "broken.json",
        "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"x\", \"version\": \"1\"},\n  \"paths\": {\n    \"/a\": {\"get\": {\"responses\": {}}\n}\n",
    );
    let err = generate(&path, false).expect_err("unbalanced braces");
    let (pointer, (line, _)) = assert_located(&err, ErrorKind::Syntax, &path);
    assert_eq!(pointer, "");
    assert!(line >= 5, "{err}");
}

#[test]
fn hostile_yaml_is_a_located_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("duplicate_keys.yaml", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\npaths: {}\n"),
        ("tab_indent.yaml", "openapi: 3.0.3\ninfo:\n\ttitle: x\n"),
        ("unknown_alias.yaml", "openapi: 3.0.3\ninfo: *nowhere\npaths: {}\n"),
        ("complex_key.yaml", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  ? [a, b]\n  : {}\n"),
        ("unclosed_quote.yaml", "openapi: 3.0.3\ninfo: {title: \"x, version: '1'}\npaths: {}\n"),
        ("not_a_mapping.yaml", "- openapi\n- 3.0.3\n"),
        ("scalar.yaml", "just text\n"),
        ("empty.yaml", ""),
        ("nul_bytes.yaml", "openapi: 3.0.3\0\ninfo: {}\n"),
    ];
    for (name, text) in cases {
        let path = write_text(dir.path(), name, text);
        let err = generate(&path, false).expect_err(name);
        assert!(matches!(err.kind, ErrorKind::Syntax | ErrorKind::InvalidDocument), "{name}: {err}");
        assert_eq!(err.location.as_ref().map(|l| l.file.as_path()), Some(path.as_path()), "{name}: {err}");
    }
    // Not valid UTF-8 at all.
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"openapi: 3.0.3\ninfo: {title: caf\xe9, version: '1'}\npaths: {}\n").expect("writable");
    let err = generate(&path, false).expect_err("not UTF-8");
    assert_eq!(err.kind, ErrorKind::Io, "{err}");
    assert_eq!(err.location.as_ref().map(|l| l.file.as_path()), Some(path.as_path()));
}

#[test]
fn yaml_alias_bombs_are_refused_quickly_and_located() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n";
    // Nested: ten aliases of ten aliases of ... (a billion laughs).
    let mut nested = format!("{head}x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        nested.push_str(&format!("x-a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    // Flat: one anchor of 2,000 nodes aliased 4,000 times, 20 KB for 8 million nodes (this took
    // 1.5 GB when only the number of aliases was bounded).
    let flat = format!("{head}x-a: &a [{}]\nx-b: [{}]\n", vec!["x"; 2000].join(","), vec!["*a"; 4000].join(","));
    for (name, text) in [("nested.yaml", nested), ("flat.yaml", flat)] {
        let path = write_text(dir.path(), name, &text);
        let started = Instant::now();
        let err = generate(&path, false).expect_err("an alias bomb");
        assert_eq!(err.kind, ErrorKind::Syntax, "{err}");
        let location = err.location.as_ref().unwrap_or_else(|| panic!("no location: {err}"));
        assert_eq!(location.file, path);
        assert!(location.line.is_some(), "{name}: no line: {err}");
        assert!(started.elapsed() < Duration::from_secs(10), "{name} took {:?}", started.elapsed());
    }
    let err = generate(&dir.path().join("flat.yaml"), false).expect_err("an alias bomb");
    assert!(err.message.contains("alias"), "{err}");
    // Aliases within the bound are fine: a parameter shared through an anchor.
    let shared = format!(
        "{}components:\n  parameters:\n    a: &p {{name: p, in: query, schema: {{type: string}}}}\n    b: *p\n",
        head.replace("paths: {}\n", "paths:\n  /x:\n    get: {operationId: getX, parameters: [{$ref: '#/components/parameters/b'}], responses: {'200': {description: ok}}}\n")
    );
    generate(&write_text(dir.path(), "shared.yaml", &shared), true).expect("an anchor used twice");
}

#[test]
fn json_descriptions_give_the_same_code_as_yaml() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["names.yaml", "enums.yaml", "cycles.yaml", "empty.yaml"] {
        let yaml = fixture(name);
        let value = codegen::load::load_file(&yaml).expect("the fixture loads").value;
        let json = write_json(dir.path(), &name.replace(".yaml", ".json"), &value);
        let from_yaml = generate(&yaml, false).unwrap_or_else(|e| panic!("{name}: {e}"));
        let from_json = generate(&json, false).unwrap_or_else(|e| panic!("{name} as JSON: {e}"));
        let body = |o: &Output| -> Vec<String> {
            // The first line names the source file.
            o.files.iter().map(|f| f.contents.split_once('\n').map(|(_, rest)| rest.to_owned()).unwrap_or_default()).collect()
        };
        assert_eq!(body(&from_yaml), body(&from_json), "{name}");
        let messages = |o: &Output| o.warnings.iter().map(|w| (w.location.pointer.clone(), w.message.clone())).collect::<Vec<_>>();
        assert_eq!(messages(&from_yaml), messages(&from_json), "{name}");
        // Pretty JSON is located by line too.
        assert!(from_json.warnings.iter().all(|w| w.location.line.is_some()), "{:?}", from_json.warnings);
    }
}

#[test]
fn json_with_keys_longer_than_yaml_allows_is_read() {
    // A fuzz finding: YAML caps implicit keys at 1024 characters, JSON does not.
    let dir = tempfile::tempdir().expect("temp dir");
    let long = "k".repeat(5000);
    let path = write_json(dir.path(), "long_key.json", &with_schemas(json!({"thing": {"type": "object", "properties": {long.clone(): {"type": "string"}}}})));
    let output = generate(&path, true).expect("valid JSON");
    assert!(file(&output, "types.rs").contains(&long), "the long key is the field's wire name");
}

#[test]
fn unsupported_versions_are_located_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("swagger2.json", json!({"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}), "/swagger"),
        ("openapi31.json", json!({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}), "/openapi"),
        ("openapi4.json", json!({"openapi": "4.0.0", "info": {"title": "x", "version": "1"}, "paths": {}}), "/openapi"),
        ("openapi_number.json", json!({"openapi": 3.1, "info": {"title": "x", "version": "1"}, "paths": {}}), "/openapi"),
        ("asyncapi1.json", json!({"asyncapi": "1.2.0", "info": {"title": "x", "version": "1"}}), "/asyncapi"),
    ];
    for (name, value, pointer) in cases {
        let path = write_json(dir.path(), name, &value);
        let err = generate(&path, false).expect_err(name);
        let (at, _) = assert_located(&err, ErrorKind::UnsupportedVersion, &path);
        assert_eq!(at, pointer, "{name}");
        assert!(err.message.contains("not supported"), "{err}");
    }
    // An AsyncAPI document where the OpenAPI one is expected, and a document that is neither.
    let path = write_json(dir.path(), "asyncapi.json", &json!({"asyncapi": "3.0.0", "info": {"title": "x", "version": "1"}, "channels": {}}));
    let err = generate(&path, false).expect_err("not OpenAPI");
    assert_eq!(err.kind, ErrorKind::InvalidDocument, "{err}");
    let path = write_json(dir.path(), "neither.json", &json!({"info": {"title": "x"}}));
    let err = generate(&path, false).expect_err("neither");
    assert_eq!(err.kind, ErrorKind::InvalidDocument, "{err}");
}

// ---------------------------------------------------------------- references

#[test]
fn dangling_refs_of_every_shape_warn_then_fail_under_strict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let refs = [
        "#/components/schemas/missing",
        "#/nowhere/at/all",
        "#/components/schemas/holder/properties/999",
        "#/components/schemas/a~2b",
        "#/components/schemas/%ZZ%",
        "https://example.com/schemas/thing.json",
        "#/paths/~1a/get/responses/200/description/deeper",
    ];
    let properties: serde_json::Map<String, Value> =
        refs.iter().enumerate().map(|(i, r)| (format!("p{i}"), json!({"$ref": r}))).collect();
    let path = write_json(dir.path(), "dangling.json", &with_schemas(json!({"holder": {"type": "object", "properties": properties}})));
    let output = generate(&path, false).expect("dangling refs are warnings");
    let types = file(&output, "types.rs");
    for (i, reference) in refs.iter().enumerate() {
        let pointer = format!("/components/schemas/holder/properties/p{i}");
        let warning = output.warnings.iter().find(|w| w.location.pointer == pointer).unwrap_or_else(|| panic!("no warning for {reference}"));
        assert!(warning.location.line.is_some(), "{warning}");
        assert!(types.contains(&format!("pub p{i}: Option<serde_json::Value>")), "{reference}:\n{types}");
    }
    let err = generate(&path, true).expect_err("strict");
    let (pointer, _) = assert_located(&err, ErrorKind::Strict, &path);
    assert!(pointer.starts_with("/components/schemas/holder/properties/p"), "{err}");
}

#[test]
fn ref_cycles_terminate_box_and_compile() {
    // Cycles through properties, arrays, maps, aliases, allOf, oneOf/anyOf, parameters and responses.
    let path = fixture("cycles.yaml");
    let output = generate(&path, false).expect("cycles are fine");
    let types = file(&output, "types.rs");
    for expected in [
        "pub me: Option<Box<SelfRef>>",
        "pub many: Option<Vec<SelfRef>>",
        "pub b: Box<MutualB>",
        "pub a: Option<Box<MutualA>>",
        "pub type AliasOne = serde_json::Value;",
        "pub friend: Option<Box<Pet>>",
        "pub left: Option<Box<TreeOrLeaf>>",
    ] {
        assert!(types.contains(expected), "missing `{expected}`:\n{types}");
    }
    // `oneOf: [self, other]` is `other`: trying `self` first would recurse forever when decoding.
    let union_self = types.split("pub enum UnionSelf {").nth(1).and_then(|rest| rest.split('}').next()).expect("UnionSelf");
    assert!(!union_self.contains("UnionSelf"), "{union_self}");
    // allOf cycles merge what they can and stop.
    assert!(types.contains("pub struct AllOfPing {") && types.contains("pub pong: Option<String>"), "{types}");
    assert!(types.contains("pub struct Cat {") && types.contains("pub enum Pet {"), "{types}");
}

#[test]
fn a_ref_that_is_not_a_string_is_a_located_warning() {
    // A fuzz finding: `lower` follows string `$ref`s only, and sent anything else holding a
    // `$ref` key back to it, round and round until the stack overflowed.
    let dir = tempfile::tempdir().expect("temp dir");
    let odd = [json!(123), json!(null), json!(true), json!({}), json!(["#/components/schemas/x"])];
    let mut schemas = serde_json::Map::new();
    for (i, reference) in odd.iter().enumerate() {
        schemas.insert(format!("top{i}"), json!({"$ref": reference}));
        schemas.insert(
            format!("holder{i}"),
            json!({"type": "object", "properties": {
                "field": {"$ref": reference},
                "list": {"type": "array", "items": {"$ref": reference, "type": "string"}},
                "merged": {"allOf": [{"$ref": reference}, {"type": "object", "properties": {"x": {"type": "string"}}}]},
                "either": {"oneOf": [{"$ref": reference}, {"type": "integer"}]},
            }}),
        );
    }
    let path = write_json(dir.path(), "odd_refs.json", &with_schemas(Value::Object(schemas)));
    let output = generate(&path, false).expect("a warning, not an error");
    let types = file(&output, "types.rs");
    assert!(types.contains("pub list: Option<Vec<String>>"), "{types}");
    assert!(output.warnings.iter().any(|w| w.location.pointer == "/components/schemas/holder0/properties/field/$ref"));
    for w in output.warnings.iter().filter(|w| w.message.contains("not a string")) {
        assert!(w.location.line.is_some(), "{w}");
    }
    let err = generate(&path, true).expect_err("strict");
    let (pointer, _) = assert_located(&err, ErrorKind::Strict, &path);
    assert!(pointer.ends_with("/$ref"), "{err}");
}

#[test]
fn refs_into_missing_or_broken_files_are_errors_at_the_ref() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = |target: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: x, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    thing:\n      $ref: '{target}'\n"
        )
    };
    // Two hops: the root names a file that exists, which names one that does not.
    write_text(dir.path(), "middle.yaml", "schemas:\n  thing:\n    type: object\n    properties:\n      other:\n        $ref: 'gone.yaml#/x'\n");
    let path = write_text(dir.path(), "root.yaml", &root("middle.yaml#/schemas/thing"));
    let err = generate(&path, false).expect_err("gone.yaml is missing");
    let (pointer, line) = assert_located(&err, ErrorKind::MissingFile, &dir.path().join("middle.yaml"));
    assert_eq!(pointer, "/schemas/thing/properties/other/$ref");
    assert_eq!(line, (6, 9));
    // A file that exists but is not YAML.
    write_text(dir.path(), "garbage.yaml", "a: [unclosed\n");
    let path = write_text(dir.path(), "root2.yaml", &root("garbage.yaml#/a"));
    let err = generate(&path, false).expect_err("garbage.yaml is broken");
    let (pointer, _) = assert_located(&err, ErrorKind::Syntax, &path);
    assert_eq!(pointer, "/components/schemas/thing/$ref");
    // A folder, not a file.
    std::fs::create_dir(dir.path().join("folder.yaml")).expect("mkdir");
    let path = write_text(dir.path(), "root3.yaml", &root("folder.yaml#/a"));
    let err = generate(&path, false).expect_err("a folder");
    assert_located(&err, ErrorKind::MissingFile, &path);
    // A file that refers back to the root: loaded once, no loop.
    write_text(dir.path(), "back.yaml", "thing:\n  $ref: 'root4.yaml#/components/schemas/local'\n");
    let path = write_text(
        dir.path(),
        "root4.yaml",
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    thing:\n      $ref: 'back.yaml#/thing'\n    local:\n      type: object\n      properties:\n        back: {$ref: 'back.yaml#/thing'}\n",
    );
    let output = generate(&path, true).expect("files that refer to each other");
    let types = file(&output, "types.rs");
    assert!(types.contains("pub back: Option<Box<Thing>>") && types.contains("pub type Thing = Local;"), "{types}");
}

/// Runs `generate` on another thread: an error when it takes longer than `limit` (a hang), instead
/// of the test never ending.
fn generate_within(path: &Path, strict: bool, limit: Duration) -> Result<Output, Error> {
    let (send, receive) = std::sync::mpsc::channel();
    let path = path.to_path_buf();
    std::thread::spawn(move || send.send(generate(&path, strict)));
    receive.recv_timeout(limit).unwrap_or_else(|_| panic!("generating took more than {limit:?}"))
}

/// A root description whose one schema is a `$ref` to `target`.
fn refers_to(dir: &Path, name: &str, target: &str) -> PathBuf {
    write_text(
        dir,
        name,
        &format!("openapi: 3.0.3\ninfo: {{title: x, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    thing:\n      $ref: '{target}'\n"),
    )
}

#[test]
fn refs_read_only_regular_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let limit = Duration::from_secs(30);
    // A device that never ends.
    if Path::new("/dev/zero").exists() {
        let path = refers_to(dir.path(), "zero.yaml", "/dev/zero#/a");
        let err = generate_within(&path, false, limit).expect_err("/dev/zero is no description");
        assert_located(&err, ErrorKind::MissingFile, &path);
        assert!(err.message.contains("not a regular file"), "{err}");
    } else {
        eprintln!("skipped: no /dev/zero here");
    }
    // A FIFO nobody writes to: opening it would wait forever.
    let fifo = dir.path().join("pipe.yaml");
    match Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {
            let path = refers_to(dir.path(), "fifo.yaml", "pipe.yaml#/a");
            let err = generate_within(&path, false, limit).expect_err("a FIFO is no description");
            assert_located(&err, ErrorKind::MissingFile, &path);
            assert!(err.message.contains("not a regular file"), "{err}");
        }
        _ => eprintln!("skipped: mkfifo is not available here"),
    }
    // A file over the size limit (sparse: nothing is written): refused before it is read.
    let big = std::fs::File::create(dir.path().join("big.yaml")).expect("writable");
    big.set_len(codegen::load::MAX_FILE_BYTES + 1).expect("a sparse file");
    let path = refers_to(dir.path(), "big_ref.yaml", "big.yaml#/a");
    let err = generate_within(&path, false, limit).expect_err("too large");
    assert_located(&err, ErrorKind::MissingFile, &path);
    assert!(err.message.contains("larger than 64 MiB"), "{err}");
}

#[test]
fn refs_that_leave_the_folder_warn_then_fail_under_strict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = dir.path().join("api");
    std::fs::create_dir(&inner).expect("mkdir");
    write_text(dir.path(), "outside.yaml", "thing:\n  type: string\n");
    write_text(&inner, "beside.yaml", "thing:\n  type: integer\n");
    let absolute = dir.path().join("outside.yaml");
    for target in ["../outside.yaml#/thing".to_owned(), format!("{}#/thing", absolute.display())] {
        let path = refers_to(&inner, "root.yaml", &target);
        let output = generate(&path, false).expect("a warning, not an error");
        let warning = output.warnings.iter().find(|w| w.message.contains("outside the folder")).unwrap_or_else(|| panic!("{target}: no warning"));
        assert_eq!(warning.location.pointer, "/components/schemas/thing/$ref");
        assert_eq!(warning.location.line, Some((7, 7)));
        let err = generate(&path, true).expect_err("strict denies leaving the folder");
        assert_eq!(err.kind, ErrorKind::Strict, "{err}");
    }
    // A file beside the root is fine, strict or not.
    let path = refers_to(&inner, "root.yaml", "beside.yaml#/thing");
    generate(&path, true).expect("a file in the folder");
}

// ---------------------------------------------------------------- operations and names

#[test]
fn operation_ids_that_meet_after_case_conversion_get_distinct_names() {
    let path = fixture("operations.yaml");
    let output = generate(&path, false).expect("distinct operationIds");
    let model = codegen::build_model(&Config { openapi: path.clone(), ..Default::default() }).expect("model");
    let mut names: Vec<(String, String)> =
        model.api.operations.iter().map(|o| (o.group_rust_name.clone(), o.rust_name.clone())).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "{names:?}");
    // The operation without an operationId is named from its method and path, with a located warning.
    let warning = output.warnings.iter().find(|w| w.message.contains("no operationId")).expect("a warning");
    assert_eq!(warning.location.pointer, "/paths/~1things~1{type}~1{self}/delete");
    assert!(warning.location.line.is_some());
    let ops = file(&output, "operations.rs");
    syn::parse_file(ops).expect("operations.rs parses");
}

#[test]
fn a_derived_operation_id_that_clashes_is_a_located_conflict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_json(
        dir.path(),
        "clash.json",
        &json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {
            "/things": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/other": {"get": {"operationId": "getThings", "responses": {"200": {"description": "ok"}}}}
        }}),
    );
    let err = generate(&path, false).expect_err("two operations named getThings");
    let (pointer, _) = assert_located(&err, ErrorKind::Conflict, &path);
    assert!(pointer.starts_with("/paths/"), "{err}");
}

#[test]
fn hostile_names_become_valid_distinct_identifiers() {
    let path = fixture("names.yaml");
    let output = generate(&path, true).expect("names are never an error");
    let model = codegen::build_model(&Config { openapi: path, ..Default::default() }).expect("model");
    let mut type_names: Vec<&str> = model.api.types.iter().map(|t| t.rust_name.as_str()).collect();
    let count = type_names.len();
    type_names.sort();
    type_names.dedup();
    assert_eq!(type_names.len(), count, "two types share a name: {type_names:?}");
    for def in &model.api.types {
        assert!(syn::parse_str::<syn::Ident>(&def.rust_name).is_ok(), "type name `{}`", def.rust_name);
        if let codegen::model::TypeKind::Struct(s) = &def.kind {
            let mut fields: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
            if s.additional.is_some() {
                fields.push("additional_properties");
            }
            for name in &fields {
                assert!(syn::parse_str::<syn::Ident>(name).is_ok(), "field `{name}` of {}", def.rust_name);
            }
            let n = fields.len();
            fields.sort();
            fields.dedup();
            assert_eq!(fields.len(), n, "two fields of {} share a name: {fields:?}", def.rust_name);
        }
    }
    for f in &output.files {
        syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
    }
}

#[test]
fn hostile_enum_values_become_distinct_variants() {
    let path = fixture("enums.yaml");
    let output = generate(&path, true).expect("enums are never an error");
    let model = codegen::build_model(&Config { openapi: path, ..Default::default() }).expect("model");
    for def in &model.api.types {
        if let codegen::model::TypeKind::Enum(e) = &def.kind {
            let mut names: Vec<&str> = e.values.iter().map(|v| v.rust_name.as_str()).collect();
            names.push(codegen::name::UNKNOWN_VARIANT);
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "{}: {names:?}", def.rust_name);
        }
    }
    let types = file(&output, "types.rs");
    // An enum that lists no value (or only `null`) is its declared type: an enum of nothing but
    // its catch-all would be a `match` of one arm, which clippy refuses.
    assert!(types.contains("pub type Empty = String;"), "{types}");
    assert!(types.contains("pub type OnlyNull = String;"), "{types}");
}

#[test]
fn control_characters_in_texts_never_break_the_output() {
    // A fuzz finding: a lone `\r` in the title or in an enum value reached a `///` comment.
    let output = generate(&fixture("control_chars.yaml"), true).expect("texts are never an error");
    for f in &output.files {
        assert!(!f.contents.contains('\r'), "{} holds a carriage return", f.path);
        syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
    }
    // The same with a file name that holds a line break: the header comment stays one line.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("line\nbreak.yaml");
    std::fs::copy(fixture("control_chars.yaml"), &path).expect("copy");
    let output = generate(&path, true).expect("generates");
    for f in &output.files {
        syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
    }
}

// ---------------------------------------------------------------- the output compiles

/// Generates the types of these fixtures into one small crate (serde and serde_json only, the
/// client's `codec.rs`, a `Timestamp` stub) and runs `cargo check` on it with warnings denied.
#[test]
fn generated_types_compile_warning_free() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixtures = [
        fixture("names.yaml"),
        fixture("enums.yaml"),
        fixture("empty.yaml"),
        fixture("cycles.yaml"),
        fixture("operations.yaml"),
        fixture("control_chars.yaml"),
        root.join("codegen/tests/fixtures/openapi/naming.yaml"),
        root.join("codegen/tests/fixtures/openapi/recursive.yaml"),
        root.join("codegen/tests/fixtures/openapi/enums.yaml"),
    ];
    let work = root.join("target/robustness-check");
    // One crate per process (several `cargo test`s may run at once); one target folder for all.
    let krate = work.join(format!("crate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&krate);
    std::fs::create_dir_all(krate.join("src")).expect("mkdir");
    let mut lib = String::from("//! Generated types of the robustness fixtures.\npub mod codec;\nmod timestamp;\npub use timestamp::Timestamp;\n");
    // Every fixture's features, all on by default; the check runs with them and without any.
    let mut features = std::collections::BTreeSet::new();
    for (i, path) in fixtures.iter().enumerate() {
        let output = generate(path, false).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let model = codegen::build_model(&Config { openapi: path.clone(), ..Default::default() }).expect("builds");
        features.extend(model.api.features.iter().map(|f| f.name.clone()));
        let module = format!("fixture_{i}");
        std::fs::write(krate.join("src").join(format!("{module}.rs")), file(&output, "types.rs")).expect("write");
        lib.push_str(&format!("/// From `{}`.\npub mod {module};\n", path.file_name().unwrap_or_default().to_string_lossy()));
    }
    std::fs::write(krate.join("src/lib.rs"), lib).expect("write");
    std::fs::copy(root.join("generated-client/src/codec.rs"), krate.join("src/codec.rs")).expect("codec.rs");
    std::fs::write(
        krate.join("src/timestamp.rs"),
        "/// Stands in for the client's `Timestamp`.\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]\npub struct Timestamp(pub i64);\n",
    )
    .expect("write");
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"robustness-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = {{ version = \"1\", features = [\"raw_value\"] }}\nserde_path_to_error = \"0.1\"\n\n[features]\ndefault = [{}]\n{}\n[lints.rust]\nwarnings = \"deny\"\n\n[workspace]\n",
            features.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", "),
            features.iter().map(|f| format!("{f} = []\n")).collect::<String>(),
        ),
    )
    .expect("write");
    // The workspace's lock file: the same, already downloaded, versions.
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).expect("Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = Instant::now();
    for extra in [None, Some("--no-default-features")] {
        let out = Command::new(&cargo)
            .args(["check", "--offline", "--quiet", "--message-format=short"])
            .args(extra)
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", work.join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "the generated types do not compile cleanly {} (see {}):\n{}",
            extra.unwrap_or("with every feature"),
            krate.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&krate);
    eprintln!("cargo check of the generated types: {:.1}s", started.elapsed().as_secs_f64());
}

// ---------------------------------------------------------------- size and depth

#[test]
fn a_description_of_several_megabytes_generates_in_bounded_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let words = "Some words about it, with `code`, <b>html</b>, [brackets] and https://example.com/a. ";
    let mut schemas = serde_json::Map::new();
    for i in 0..6000 {
        schemas.insert(
            format!("schema_{i}"),
            json!({
                "type": "object",
                "description": words.repeat(6),
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "description": words},
                    "state": {"type": "string", "enum": ["open", "closed", format!("state_{i}")]},
                    "next": {"$ref": format!("#/components/schemas/schema_{}", (i + 1) % 6000)},
                    "items": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "integer"}}}},
                },
            }),
        );
    }
    // One schema with thousands of properties, all required; one enum with thousands of values.
    let wide: serde_json::Map<String, Value> = (0..5000).map(|i| (format!("p{i}"), json!({"type": "string"}))).collect();
    let required: Vec<String> = (0..5000).map(|i| format!("p{i}")).collect();
    schemas.insert("wide".into(), json!({"type": "object", "required": required, "properties": wide}));
    let values: Vec<String> = (0..5000).map(|i| format!("value-{i}")).collect();
    schemas.insert("many_values".into(), json!({"type": "string", "enum": values}));
    // One description of a megabyte on a single line, full of what docs escaping looks at.
    schemas.insert("long_text".into(), json!({"type": "string", "description": "[`<https://x.io/[a](b)>`]....".repeat(40_000)}));
    // Operations without operationIds: each is a located warning.
    let mut paths = serde_json::Map::new();
    for i in 0..1500 {
        paths.insert(
            format!("/things_{i}/{{id}}"),
            json!({"get": {"tags": ["things"], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/schema_{i}")}}}}}}}),
        );
    }
    let mut value = with_schemas(Value::Object(schemas));
    value["paths"] = Value::Object(paths);
    let path = write_json(dir.path(), "big.json", &value);
    let size = std::fs::metadata(&path).expect("written").len();
    assert!(size > 5_000_000, "only {size} bytes");
    let started = Instant::now();
    let output = generate(&path, false).expect("a big description is fine");
    let elapsed = started.elapsed();
    // One warning per missing operationId. The `next` references make one cycle of 6000
    // structs: types of a cycle count as one level of nesting, so nothing is cut.
    assert_eq!(output.warnings.len(), 1500);
    assert!(output.warnings.iter().all(|w| w.location.line.is_some()));
    // A guard against runaway (quadratic) behaviour, not a speed target: those live in
    // `cargo xtask bench`. An unoptimised build takes 30-80 s alone and several minutes on a
    // machine busy with other builds; runaway behaviour takes far longer.
    assert!(elapsed < Duration::from_secs(900), "{size} bytes took {elapsed:?}");
    eprintln!("{size} bytes generated in {elapsed:?}");
}

/// `levels` schemas nested inline, each an object whose one property is the next.
fn nested_objects(levels: usize) -> Value {
    let mut schema = json!({"type": "string"});
    for _ in 0..levels {
        schema = json!({"type": "object", "properties": {"a": schema}});
    }
    schema
}

/// `levels` arrays nested inline; `nullable` makes every item nullable too.
fn nested_arrays(levels: usize, nullable: bool) -> Value {
    let mut schema = json!({"type": "string", "nullable": nullable});
    for _ in 0..levels {
        schema = json!({"type": "array", "items": schema, "nullable": nullable});
    }
    schema
}

#[test]
fn deep_nesting_is_a_located_error_never_a_stack_overflow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let max = codegen::model::MAX_DEPTH;
    let max_elements = codegen::model::MAX_ELEMENT_NESTING;
    // Just within the limits: fine, and the output parses.
    for (name, schema) in [
        ("objects_ok.json", nested_objects(max - 1)),
        ("arrays_ok.json", nested_arrays(max_elements, false)),
        ("nullable_arrays_ok.json", nested_arrays(max_elements / 2, true)),
    ] {
        let path = write_json(dir.path(), name, &with_schemas(json!({"deep": schema})));
        let output = generate(&path, true).unwrap_or_else(|e| panic!("{name}: {e}"));
        for f in &output.files {
            syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{name} {}: {e}", f.path));
        }
    }
    // Past the limit: a located error.
    for (name, schema) in [
        ("objects.json", nested_objects(max + 5)),
        ("arrays.json", nested_arrays(max_elements + 1, false)),
        ("nullable_arrays.json", nested_arrays(max_elements / 2 + 1, true)),
    ] {
        let path = write_json(dir.path(), name, &with_schemas(json!({"deep": schema})));
        let err = generate(&path, false).expect_err(name);
        let (pointer, _) = assert_located(&err, ErrorKind::TooDeep, &path);
        assert!(pointer.starts_with("/components/schemas/deep/"), "{err}");
    }
    // 200 levels: past what the YAML reader accepts; a syntax error with a line.
    for (name, schema) in [("objects200.json", nested_objects(200)), ("arrays200.json", nested_arrays(200, false))] {
        let path = write_json(dir.path(), name, &with_schemas(json!({"deep": schema})));
        let err = generate(&path, false).expect_err(name);
        assert_located(&err, ErrorKind::Syntax, &path);
    }
    // 100,000 levels of brackets, JSON and YAML flow style: refused at once (the YAML reader alone
    // takes time in the square of the depth before it refuses them).
    for (name, text) in [
        ("brackets.json", format!("{{\"openapi\": \"3.0.3\", \"x\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000))),
        ("brackets.yaml", format!("openapi: 3.0.3\nx:\n  - {}\n", "{a: [".repeat(50_000))),
    ] {
        let path = write_text(dir.path(), name, &text);
        let started = Instant::now();
        let err = generate(&path, false).expect_err("too deep for the reader");
        assert!(started.elapsed() < Duration::from_secs(5), "{name} took {:?}", started.elapsed());
        let (_, (line, column)) = assert_located(&err, ErrorKind::Syntax, &path);
        assert!(line <= 3 && column > 100, "{err}");
    }
    // Chains of 600 schemas through `$ref`s: properties, array items, allOf, oneOf, aliases.
    // The references are followed without nesting deeper, so every chain generates. (Followed
    // depth first, 250 of them overflowed a 2 MiB stack; allOf chains take time in the square of
    // their length, each type holding the properties of all the rest, hence no more than 600.)
    const CHAIN: usize = 600;
    for (name, make) in [
        ("properties", (|next: &str| json!({"type": "object", "properties": {"next": {"$ref": next}}})) as fn(&str) -> Value),
        ("items", |next| json!({"type": "array", "items": {"$ref": next}})),
        ("all_of", |next| json!({"allOf": [{"$ref": next}, {"type": "object", "properties": {"x": {"type": "string"}}}]})),
        ("one_of", |next| json!({"oneOf": [{"$ref": next}, {"type": "string"}]})),
        ("alias", |next| json!({"$ref": next})),
    ] {
        let mut schemas: serde_json::Map<String, Value> =
            (0..CHAIN).map(|i| (format!("s{i}"), make(&format!("#/components/schemas/s{}", i + 1)))).collect();
        schemas.insert(format!("s{CHAIN}"), json!({"type": "object", "properties": {"end": {"type": "string"}}}));
        let path = write_json(dir.path(), &format!("chain_{name}.json"), &with_schemas(Value::Object(schemas)));
        let output = generate(&path, false).unwrap_or_else(|e| panic!("{name}: {e}"));
        let types = file(&output, "types.rs");
        syn::parse_file(types).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(types.contains(&format!("pub struct S{CHAIN} {{")), "{name}");
        // Chains that nest types are cut into segments rustc can nest, each cut warned; aliases
        // and allOf merges nest nothing.
        assert!(output.warnings.iter().all(|w| w.message.contains("levels deep")), "{name}: {:?}", output.warnings);
        let nests = !matches!(name, "alias" | "all_of");
        assert_eq!(!output.warnings.is_empty(), nests, "{name}: {} warnings", output.warnings.len());
    }
}

// ---------------------------------------------------------------- writing

/// Every entry of a folder with its bytes (folders as `None`), sorted.
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut entries: Vec<(String, Option<Vec<u8>>)> = std::fs::read_dir(dir)
        .expect("listable")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            (name, if path.is_dir() { None } else { Some(std::fs::read(&path).expect("readable")) })
        })
        .collect();
    entries.sort();
    entries
}

fn good_config() -> Config {
    Config { openapi: fixture("cycles.yaml"), ..Default::default() }
}

#[test]
fn stale_generated_files_are_removed_and_others_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("old_module.rs"), "// from an older generator\n").expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not ours to touch\n").expect("write");
    let (output, changes) = codegen::generate_into(&good_config(), dir.path(), false).expect("generates");
    assert!(changes.iter().any(|c| matches!(c, codegen::write::Change::Removed(p) if p.ends_with("old_module.rs"))), "{changes:?}");
    let names: Vec<String> = snapshot(dir.path()).into_iter().map(|(n, _)| n).collect();
    let mut expected: Vec<String> = output.files.iter().map(|f| f.path.clone()).collect();
    expected.push("notes.txt".to_owned());
    expected.sort();
    assert_eq!(names, expected);
    // A second run changes nothing.
    let (_, changes) = codegen::generate_into(&good_config(), dir.path(), false).expect("generates");
    assert!(changes.is_empty(), "{changes:?}");
}

#[test]
fn a_failing_generation_leaves_the_folder_byte_identical() {
    let dir = tempfile::tempdir().expect("temp dir");
    codegen::generate_into(&good_config(), dir.path(), false).expect("generates");
    std::fs::write(dir.path().join("stale.rs"), "// would be removed by a successful run\n").expect("write");
    let before = snapshot(dir.path());
    let bad_dir = tempfile::tempdir().expect("temp dir");
    let deep = write_json(bad_dir.path(), "deep.json", &with_schemas(json!({"deep": nested_objects(100)})));
    let broken = write_text(bad_dir.path(), "broken.yaml", "openapi: 3.0.3\npaths: [\n");
    let dangling = write_json(bad_dir.path(), "dangling.json", &with_schemas(json!({"x": {"$ref": "#/nowhere"}})));
    for (path, strict) in [(&deep, false), (&broken, false), (&dangling, true), (&fixture("does-not-exist.yaml"), false)] {
        let config = Config { openapi: path.clone(), asyncapi: None, strict };
        let err = codegen::generate_into(&config, dir.path(), false).expect_err("bad input");
        assert!(err.location.is_some(), "{err}");
        assert_eq!(snapshot(dir.path()), before, "{}: the folder changed", path.display());
    }
}

#[test]
fn an_unwritable_output_folder_is_a_write_error_without_leftovers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("generated");
    codegen::generate_into(&Config { openapi: fixture("enums.yaml"), ..Default::default() }, &out, false).expect("generates");
    let before = snapshot(&out);

    // A read-only folder, where permissions hold (they do not for root).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let enforced = std::fs::write(out.join(".probe"), "").is_err();
    let _ = std::fs::remove_file(out.join(".probe"));
    if enforced {
        let err = codegen::generate_into(&good_config(), &out, false).expect_err("read-only");
        assert_eq!(err.kind, ErrorKind::Write, "{err}");
        assert_eq!(snapshot(&out), before, "the read-only folder changed");
    }
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    // A file that cannot be written half way through: the second temporary file's place is taken
    // by a folder. The files staged before it are removed, and nothing is replaced.
    let blocker = out.join(".types.rs.tmp");
    std::fs::create_dir(&blocker).expect("mkdir");
    let before = snapshot(&out);
    let err = codegen::generate_into(&good_config(), &out, false).expect_err("types.rs cannot be staged");
    assert_eq!(err.kind, ErrorKind::Write, "{err}");
    assert!(err.location.as_ref().is_some_and(|l| l.file.ends_with(".types.rs.tmp")), "{err}");
    assert_eq!(snapshot(&out), before, "a failed write changed the folder");
    std::fs::remove_dir(&blocker).expect("rmdir");

    // The output folder is a file.
    let not_a_folder = dir.path().join("file.rs");
    std::fs::write(&not_a_folder, "x").expect("write");
    let err = codegen::generate_into(&good_config(), &not_a_folder, false).expect_err("not a folder");
    assert_eq!(err.kind, ErrorKind::Write, "{err}");
    assert_eq!(std::fs::read(&not_a_folder).expect("readable"), b"x");

    // Afterwards a normal run works and leaves no temporary files behind.
    codegen::generate_into(&good_config(), &out, false).expect("generates");
    assert!(snapshot(&out).iter().all(|(name, _)| !name.ends_with(".tmp")), "{:?}", snapshot(&out));
}
