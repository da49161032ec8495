//! `generate_crate`: the generated features section of the client's `Cargo.toml` is written with the
//! generated folder, all or nothing, and `check` reports it stale like any generated file.

use std::path::{Path, PathBuf};

use codegen::write::Change;
use codegen::{Config, ErrorKind};

const MANIFEST: &str = "[package]\nname = \"client\"\nversion = \"0.1.0\"\n\n[features]\n## Hand-written.\naxum = [\"dep:axum\", \"webhooks\"]\n\n# generated features: begin\n# generated features: end\n\n[dev-dependencies]\n";

fn config() -> Config {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi/features.yaml");
    Config { openapi: fixture, ..Default::default() }
}

/// A crate folder holding only `manifest` as its `Cargo.toml`.
fn crate_with(manifest: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("Cargo.toml");
    std::fs::write(&path, manifest).expect("writable temp dir");
    (dir, path)
}

#[test]
fn the_features_section_is_written_with_the_code_and_checked_like_it() {
    let (dir, manifest) = crate_with(MANIFEST);
    let (_, changes) = codegen::generate_crate(&config(), dir.path(), true).expect("checks");
    assert!(changes.contains(&Change::Modified(manifest.clone())), "{changes:?}");
    assert!(changes.contains(&Change::Added(dir.path().join("src/generated/types.rs"))), "{changes:?}");
    assert_eq!(std::fs::read_to_string(&manifest).expect("readable"), MANIFEST, "--check wrote");

    codegen::generate_crate(&config(), dir.path(), false).expect("writes");
    let written = std::fs::read_to_string(&manifest).expect("readable");
    assert!(written.starts_with("[package]\nname = \"client\"\nversion = \"0.1.0\"\n\n[features]\n## Hand-written.\naxum = [\"dep:axum\", \"webhooks\"]\n\n# generated features: begin"));
    assert!(written.ends_with("# generated features: end\n\n[dev-dependencies]\n"), "{written}");
    for line in ["default = [\"full\"]\n", "    \"help-center\",\n", "contacts = []\n", "help-center = []\n", "unreferenced-schemas = []\n"] {
        assert!(written.contains(line), "{line:?} missing from\n{written}");
    }
    let (_, changes) = codegen::generate_crate(&config(), dir.path(), true).expect("checks");
    assert!(changes.is_empty(), "{changes:?}");
    assert!(dir.path().read_dir().expect("listable").all(|e| !e.expect("entry").file_name().to_string_lossy().ends_with(".tmp")));

    // A hand edit inside the section makes it stale; outside it, it does not.
    std::fs::write(&manifest, written.replace("contacts = []\n", "contacts = [\"help-center\"]\n")).expect("writable");
    let (_, changes) = codegen::generate_crate(&config(), dir.path(), true).expect("checks");
    assert_eq!(changes, [Change::Modified(manifest.clone())]);
    std::fs::write(&manifest, written.replace("[dev-dependencies]\n", "[dev-dependencies]\nfoo = \"1\"\n")).expect("writable");
    let (_, changes) = codegen::generate_crate(&config(), dir.path(), true).expect("checks");
    assert!(changes.is_empty(), "{changes:?}");
}

#[test]
fn a_manifest_without_markers_is_an_error_naming_it_and_nothing_is_written() {
    let garbled = [
        (MANIFEST.replace("# generated features: begin\n# generated features: end\n", ""), None),
        (MANIFEST.replace("# generated features: end\n", ""), Some(9)),
        (MANIFEST.replace("# generated features: begin\n# generated features: end\n", "# generated features: end\n# generated features: begin\n"), Some(9)),
    ];
    for (text, line) in garbled {
        let (dir, manifest) = crate_with(&text);
        for check in [true, false] {
            let err = codegen::generate_crate(&config(), dir.path(), check).expect_err("garbled markers");
            assert_eq!(err.kind, ErrorKind::Write, "{err}");
            let location = err.location.as_ref().expect("located");
            assert_eq!(location.file, manifest, "{err}");
            assert_eq!(location.line.map(|(l, _)| l), line, "{err}");
            assert!(err.to_string().contains("generated features"), "{err}");
        }
        assert!(!dir.path().join("src").exists(), "the generated folder was written");
        assert_eq!(std::fs::read_to_string(&manifest).expect("readable"), text);
    }

    let (dir, _) = crate_with("");
    std::fs::remove_file(dir.path().join("Cargo.toml")).expect("removable");
    let err = codegen::generate_crate(&config(), dir.path(), false).expect_err("no manifest");
    assert_eq!(err.kind, ErrorKind::Write, "{err}");
    assert!(err.to_string().contains("Cargo.toml"), "{err}");
}
