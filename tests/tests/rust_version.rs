//! Every package's `rust-version` is at least what each locked dependency declares, so the
//! minimum it states is one the workspace can build with (`cargo metadata`).

use serde_json::Value;

fn version(text: &str) -> Vec<u64> {
    text.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

#[test]
fn rust_version_covers_the_locked_dependencies() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(&root)
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata gives JSON");
    let members: Vec<&str> = metadata["workspace_members"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let packages = metadata["packages"].as_array().unwrap();
    let needed = packages
        .iter()
        .filter(|p| !members.contains(&p["id"].as_str().unwrap_or_default()))
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .max()
        .expect("some dependency declares a rust-version");
    for package in packages.iter().filter(|p| members.contains(&p["id"].as_str().unwrap_or_default())) {
        let name = package["name"].as_str().unwrap_or_default();
        let declared = package["rust_version"].as_str().unwrap_or_else(|| panic!("`{name}` declares no rust-version"));
        assert!(version(declared) >= needed.0, "`{name}` says rust-version {declared}, but `{}` needs {:?}", needed.1, needed.0);
    }
}
