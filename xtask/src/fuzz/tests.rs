//! The description generator's own promises: deterministic per seed, valid descriptions whose
//! examples match their schemas, and minimising keeps them so.

use serde_json::Value;

use super::describe::{add_examples, generate};
use super::families::Families;
use super::shrink::prune;

/// Loads `doc` through the generator: it must load, and every example must satisfy its schema.
fn assert_valid(doc: &Value, what: &str) {
    let dir = tempfile_dir();
    let path = dir.join(format!("{what}.yaml"));
    std::fs::write(&path, serde_yaml::to_string(doc).unwrap()).unwrap();
    let config = codegen::Config { openapi: path.clone(), asyncapi: None, strict: false };
    let (model, docs) = codegen::build_model_with_documents(&config).unwrap_or_else(|e| panic!("{what} does not load: {e}"));
    let defects = crate::conformance::examples::judge_examples(&model.api, &docs);
    assert!(defects.is_empty(), "{what}: examples that break their schema: {defects:#?}");
    let dangling: Vec<String> = model.warnings.iter().map(ToString::to_string).filter(|w| w.contains("does not exist")).collect();
    assert!(dangling.is_empty(), "{what}: {dangling:#?}");
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("intercom-fuzz-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn same_seed_same_description() {
    let all = Families::all();
    assert_eq!(generate(7, &all, 20), generate(7, &all, 20));
    assert_ne!(generate(7, &all, 20), generate(8, &all, 20));
}

#[test]
fn descriptions_are_valid_and_examples_match_their_schemas() {
    // Without readOnly/writeOnly: `codegen::check` wants a required writeOnly property in a
    // response, where OpenAPI says it is required in requests only.
    let families = Families::select(None, Some("read-write")).unwrap();
    for seed in 0..12 {
        let doc = generate(seed, &families, 25);
        assert_valid(&doc, &format!("seed-{seed}"));
    }
    let plain = Families::select(None, Some("names,read-write")).unwrap();
    assert_valid(&generate(3, &plain, 25), "plain");
}

#[test]
fn pruning_keeps_the_description_valid() {
    let mut doc = generate(11, &Families::all(), 25);
    let paths = doc["paths"].as_object_mut().unwrap();
    let keep: Vec<String> = paths.keys().take(3).cloned().collect();
    paths.retain(|path, _| keep.contains(path));
    prune(&mut doc);
    add_examples(&mut doc, 11);
    assert!(doc["components"]["schemas"].as_object().unwrap().len() < generate(11, &Families::all(), 25)["components"]["schemas"].as_object().unwrap().len());
    assert_valid(&doc, "pruned");
}

#[test]
fn families_parse_and_select() {
    let chosen = Families::select(Some("names,unions"), Some("unions")).unwrap();
    assert_eq!(chosen.list(), "names");
    assert!(Families::select(Some("no-such-family"), None).is_err());
}
