//! Every AsyncAPI document we have generates a crate that compiles clippy-clean (warnings denied)
//! and decodes its messages' examples, each as its payload type and as its channel's enum, which
//! must give that message back: the fixtures of `codegen/tests/fixtures/asyncapi` always, and the
//! published examples in `../shared/specs/external/asyncapi` when `../shared` is beside the
//! checkout (skipped, saying so, when it is not). Runs `cargo xtask conformance --asyncapi ...`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_path_buf()
}

fn documents(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    found.sort();
    found
}

#[test]
fn asyncapi_documents_compile_and_decode_their_examples() {
    let root = root();
    let fixtures = documents(&root.join("codegen/tests/fixtures/asyncapi"), |name| name.starts_with("channels_"));
    assert!(fixtures.len() >= 2, "the channel fixtures are missing: {fixtures:?}");
    let shared = root.join("../shared/specs/external/asyncapi");
    let published = documents(&shared, |name| name.ends_with(".yml") || name.ends_with(".yaml"));
    if published.is_empty() {
        eprintln!("SKIPPED: the published AsyncAPI examples: {} is missing (CI has it); the fixtures still run", shared.display());
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.arg("conformance").current_dir(&root);
    for document in fixtures.iter().chain(&published) {
        command.arg("--asyncapi").arg(document);
    }
    let output = command.output().expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let rows = stdout.lines().filter(|l| l.starts_with("| ") && l.contains("| asyncapi |")).count();
    assert_eq!(rows, fixtures.len() + published.len(), "{stdout}");
}
