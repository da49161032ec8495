//! The generality fixtures (`tests/fixtures/generality/`): the shape of what they generate
//! (snapshots), and that the locals of generated bodies are the ones the naming stage keeps
//! parameters away from. That their crates build clean and send the right requests is checked
//! in the workspace's `tests/tests/generality_fixtures.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/generality");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn generate(path: &Path) -> (codegen::Output, codegen::Model) {
    let config = codegen::Config { openapi: path.to_path_buf(), ..Default::default() };
    let output = codegen::generate(&config).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let model = codegen::build_model(&config).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (output, model)
}

#[test]
fn generated_shape() {
    let paths = fixtures();
    assert!(paths.len() >= 4, "expected the generality fixtures, found {}", paths.len());
    for path in paths {
        let name = path.file_stem().and_then(|s| s.to_str()).expect("a file name").to_owned();
        let (output, _) = generate(&path);
        let base = path.parent().expect("a folder");
        let mut text = String::new();
        for warning in &output.warnings {
            text.push_str(&warning.to_string().replace(&format!("{}/", base.display()), ""));
            text.push('\n');
        }
        for file in output.files.iter().filter(|f| f.path == "operations.rs" || f.path == "types.rs") {
            text.push_str(&format!("===== {} =====\n{}", file.path, file.contents));
        }
        insta::assert_snapshot!(format!("generality_{name}"), text);
    }
}

/// The identifiers an operations file binds: `let` (and `let mut`) locals, closure parameters,
/// and function arguments; the constructors and setters of the params structs (`impl ..Params`
/// blocks) are their own scopes and are skipped.
fn bound_names(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut names = BTreeSet::new();
    let mut in_signature = false;
    let mut in_params_impl = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if line.starts_with("impl ") && line.ends_with("Params {") {
            in_params_impl = true;
        }
        if in_params_impl {
            in_params_impl = line != "}";
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        for (at, _) in trimmed.match_indices("let ") {
            let rest = trimmed[at + 4..].trim_start_matches("mut ");
            let rest = rest.strip_prefix("Some(").unwrap_or(rest);
            names.insert(ident(rest));
        }
        if let Some(at) = trimmed.find("move |") {
            names.insert(ident(&trimmed[at + 6..]));
        }
        // Arguments: one a line inside a multi-line signature, or `(&self, a: T, b: U)` on one.
        if trimmed.starts_with("pub async fn ") || trimmed.starts_with("pub fn ") {
            if let Some(open) = trimmed.find('(') {
                // Up to the signature's `)`: the return type (`Call<'a, types::T>`) binds nothing.
                let args = trimmed[open + 1..].split(')').next().unwrap_or_default();
                for arg in args.split(", ").filter(|a| a.contains(':')) {
                    names.insert(ident(arg));
                }
            }
            in_signature = !trimmed.contains(')');
            continue;
        }
        if in_signature {
            if trimmed.starts_with(')') {
                in_signature = false;
            } else {
                // `name: Type,` opens an argument; a type continued from the line before does not.
                let name = ident(trimmed);
                if trimmed[name.len()..].starts_with(": ") && name.starts_with(|c: char| c.is_lowercase() || c == '_') {
                    names.insert(name);
                }
            }
        }
    }
    names.remove("");
    names
}

#[test]
fn bodies_bind_only_reserved_locals_and_the_parameters() {
    for path in fixtures() {
        let (output, model) = generate(&path);
        let operations = output.files.iter().find(|f| f.path == "operations.rs").expect("operations.rs");
        let parameters: BTreeSet<&str> = model.api.operations.iter().flat_map(|op| op.path_params.iter().map(|p| p.rust_name.as_str())).collect();
        for name in bound_names(&operations.contents) {
            assert!(
                codegen::name::OPERATION_LOCALS.contains(&name.as_str()) || parameters.contains(name.as_str()),
                "{}: generated operations bind `{name}`, which is neither a parameter nor in name::OPERATION_LOCALS",
                path.display()
            );
        }
    }
}

#[test]
fn reserved_names_are_renamed_deterministically() {
    let path = fixtures().into_iter().find(|p| p.ends_with("names.yaml")).expect("names.yaml");
    let (_, model) = generate(&path);
    let api = &model.api;
    let types: BTreeSet<&str> = api.types.iter().map(|t| t.rust_name.as_str()).collect();
    for taken in ["Result", "Option", "Some", "None", "Box", "Vec", "String", "From", "Default", "Client", "Error", "E", "D", "Scalars"] {
        assert!(!types.contains(taken), "a schema is named `{taken}` in Rust");
    }
    let accessors: BTreeSet<&str> = api.operations.iter().map(|o| o.group_accessor.as_str()).collect();
    for taken in ["new", "builder", "request", "base_url", "api_version", "clone", "default", "types"] {
        assert!(!accessors.contains(taken), "a group accessor is `{taken}`");
    }
    let methods: Vec<(&str, &str)> = api.operations.iter().map(|o| (o.id.as_str(), o.rust_name.as_str())).collect();
    assert!(methods.contains(&("new", "new_2")), "{methods:?}");
    assert!(methods.contains(&("clone", "clone_2")), "{methods:?}");
    let list = api.operations.iter().find(|o| o.id == "list").expect("list");
    assert_eq!((list.rust_name.as_str(), list.stream_rust_name.as_str()), ("list", "list_stream_2"), "`listStream` is an operation");
    let args: Vec<&str> = list.path_params.iter().map(|p| p.rust_name.as_str()).collect();
    assert_eq!(args, ["group_2", "page_2", "cursor_2", "next_2", "page_number_2", "encode_path_segment_2"]);
}

#[test]
fn streams_of_keyword_named_operations_are_snake_case() {
    let dir = std::env::temp_dir().join(format!("generality-keyword-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let path = dir.join("keyword_stream.yaml");
    let description = r##"
openapi: 3.0.3
info: {title: Keyword streams, version: "1.0"}
paths:
  /things:
    get:
      operationId: type
      tags: [things]
      parameters:
        - {name: starting_after, in: query, schema: {type: string}}
      responses:
        "200":
          description: a page
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: string}}
                  pages:
                    type: object
                    properties:
                      next:
                        type: object
                        properties:
                          starting_after: {type: string}
"##;
    std::fs::write(&path, description).expect("written");
    let (_, model) = generate(&path);
    let _ = std::fs::remove_dir_all(&dir);
    let op = &model.api.operations[0];
    assert!(op.pagination.is_some(), "the fixture pages");
    // `type` is a keyword: the call is `type_`, its stream `type_stream` (not `type__stream`).
    assert_eq!((op.rust_name.as_str(), op.stream_rust_name.as_str()), ("type_", "type_stream"));
}
