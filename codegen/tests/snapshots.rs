//! One fixture description per mapping rule; each snapshot holds the warnings and every emitted file.

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

/// Warnings (with the fixture folder stripped, so snapshots do not depend on the machine) and files.
fn render(output: &codegen::Output, base: &Path) -> String {
    let mut text = String::new();
    for warning in &output.warnings {
        let line = warning.to_string().replace(&format!("{}/", base.display()), "");
        text.push_str(&line);
        text.push('\n');
    }
    for file in &output.files {
        text.push_str(&format!("===== {} =====\n{}", file.path, file.contents));
    }
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
        let base = path.parent().expect("a folder");
        insta::assert_snapshot!(name, render(&output, base));
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
