//! The committed `generated-client/src/generated` and the generated features of
//! `generated-client/Cargo.toml` are exactly what the generator gives for `specs/` (the same check
//! as `cargo xtask codegen --check`).

use std::path::Path;

#[test]
fn committed_generated_code_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let asyncapi = root.join("specs/webhooks.asyncapi.yaml");
    let config = codegen::Config {
        openapi: root.join("specs/openapi.yaml"),
        asyncapi: asyncapi.exists().then_some(asyncapi),
        strict: false,
    };
    let (_, changes) = codegen::generate_crate(&config, &root.join("generated-client"), true)
        .unwrap_or_else(|e| panic!("the vendored descriptions must generate: {e}"));
    let stale: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert!(stale.is_empty(), "run `cargo xtask codegen` and commit the result:\n{}", stale.join("\n"));
}

#[test]
fn vendored_descriptions_generate_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let config = codegen::Config {
        openapi: root.join("specs/openapi.yaml"),
        asyncapi: Some(root.join("specs/webhooks.asyncapi.yaml")),
        strict: true,
    };
    if let Err(err) = codegen::generate(&config) {
        panic!("our own descriptions must be clean under --strict: {err}");
    }
}
