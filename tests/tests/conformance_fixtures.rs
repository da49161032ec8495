//! The conformance run over a small description holding the quirks found in Intercom's published
//! descriptions, so a regression shows without `../shared`: it generates, compiles with warnings
//! denied, decodes every non-defective example, and reports the defective one as a spec defect.

use std::path::Path;
use std::process::Command;

#[test]
fn quirks_fixture_passes_conformance() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let spec = root.join("codegen/tests/fixtures/quirks/quirks.yaml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask", "--", "conformance", "--spec"])
        .arg(&spec)
        .current_dir(root)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "conformance failed:\n{stdout}\n{stderr}");
    let header = stdout.lines().find(|l| l.starts_with("| version |")).unwrap_or_else(|| panic!("no table:\n{stdout}"));
    let row = stdout.lines().find(|l| l.starts_with("| quirks |")).unwrap_or_else(|| panic!("no table row:\n{stdout}"));
    let cells = |line: &str| -> Vec<String> { line.split('|').map(|c| c.trim().to_owned()).collect() };
    let (names, values) = (cells(header), cells(row));
    let cell = |name: &str| -> &str {
        let index = names.iter().position(|n| n.starts_with(name)).unwrap_or_else(|| panic!("no column `{name}` in {header}"));
        &values[index]
    };
    assert_eq!(cell("operations"), "2", "{row}");
    assert_eq!(cell("warnings"), "2", "a dangling $ref and a missing operationId: {row}");
    assert_eq!(cell("examples decoded"), "4 / 4", "five examples, one a defect: {row}");
    assert_eq!(cell("spec defects"), "1 (0)", "one spec defect, and the generated types refuse its wrong type: {row}");
    assert_eq!(cell("result"), "pass", "{row}");
    assert!(stdout.contains("listThings") || stdout.contains("getThings"), "{stdout}");
    assert!(stdout.contains("/data/0/id"), "the defect's evidence names the path: {stdout}");
}

/// Every parameter style and body kind on the wire: a client generated from
/// `params_bodies.yaml` runs `tests/wire/params_bodies.rs` against a server on 127.0.0.1.
#[test]
fn parameter_styles_and_bodies_on_the_wire() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let spec = root.join("codegen/tests/fixtures/openapi/params_bodies.yaml");
    let test = root.join("tests/wire/params_bodies.rs");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask", "--", "conformance", "--spec"])
        .arg(&spec)
        .arg("--wire-test")
        .arg(&test)
        .current_dir(root)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "conformance or the wire test failed:\n{stdout}\n{stderr}");
    let summary = stdout.lines().find(|l| l.starts_with("wire test passed")).unwrap_or_else(|| panic!("no wire test:\n{stdout}"));
    assert!(summary.contains("7 passed; 0 failed"), "{summary}");
}
