//! One fixture description per mapping rule; each snapshot holds the warnings, every emitted file
//! and the generated features section of the client's `Cargo.toml`.

use std::path::{Path, PathBuf};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

/// Warnings (with the fixture folder stripped, so snapshots do not depend on the machine), files
/// and the features section.
fn render(output: &codegen::Output, features: &str, base: &Path) -> String {
    let mut text = String::new();
    for warning in &output.warnings {
        let line = warning.to_string().replace(&format!("{}/", base.display()), "");
        text.push_str(&line);
        text.push('\n');
    }
    for file in &output.files {
        text.push_str(&format!("===== {} =====\n{}", file.path, file.contents));
    }
    text.push_str(&format!("===== Cargo.toml [features] =====\n{features}"));
    text
}

#[test]
fn openapi_mapping_rules() {
    let paths = fixtures("openapi");
    assert!(paths.len() >= 10, "expected the mapping-rule fixtures, found {}", paths.len());
    for path in paths {
        let name = path.file_stem().and_then(|s| s.to_str()).expect("a file name").to_owned();
        let config = codegen::Config { openapi: path.clone(), ..Default::default() };
        let output = codegen::generate(&config).unwrap_or_else(|e| panic!("{name}: {e}"));
        let model = codegen::build_model(&config).unwrap_or_else(|e| panic!("{name}: {e}"));
        let features = codegen::write::manifest::features_section(&model.api);
        let base = path.parent().expect("a folder");
        insta::assert_snapshot!(name, render(&output, &features, base));
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    for path in fixtures("openapi") {
        let config = codegen::Config { openapi: path.clone(), ..Default::default() };
        let first = codegen::generate(&config).expect("generates").files;
        let second = codegen::generate(&config).expect("generates").files;
        assert_eq!(first, second, "{} differs between two runs", path.display());
    }
}
