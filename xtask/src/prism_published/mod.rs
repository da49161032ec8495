//! `cargo xtask prism-published --mock-url URL [--spec PATH]`: generates a client crate from one
//! of Intercom's published descriptions (2.14 by default) with the crate-writing machinery of
//! `conformance`, adds the driver `sample.rs` as a binary, and runs it against a Prism mock of that
//! same description (started by `scripts/validate-specs`).
//!
//! The crate lives in `.cache/prism-published/client` with its own target folder, and files are
//! only rewritten when their content changes, so a second run does not rebuild anything.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::conformance;

/// The driver, written into the generated crate as `src/bin/prism_sample.rs`.
const SAMPLE: &str = include_str!("sample.rs");

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut spec = root.join("../shared/specs/intercom/2.14/api.intercom.io.yaml");
    let mut mock_url = std::env::var("INTERCOM_MOCK_URL").ok();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = PathBuf::from(args.next().ok_or("--spec needs a path")?),
            "--mock-url" => mock_url = Some(args.next().ok_or("--mock-url needs a URL")?.clone()),
            other => return Err(format!("prism-published: unknown option `{other}`")),
        }
    }
    let mock_url = mock_url.ok_or("prism-published: pass --mock-url URL (or set INTERCOM_MOCK_URL) of a running `prism mock`")?;

    let config = codegen::Config { openapi: spec.clone(), asyncapi: None, strict: false };
    let model = codegen::build_model(&config).map_err(|e| format!("{}: {e}", spec.display()))?;
    // The header names the description by its version folder, so the text (and the build) does not
    // depend on where the checkout is.
    let label = format!("`{}/api.intercom.io.yaml`", conformance::label_of(&spec));
    let files = codegen::emit::emit(&model.api, &[label]).map_err(|e| e.to_string())?;

    let work = root.join(".cache/prism-published");
    let staging = work.join("staging");
    let client = work.join("client");
    let features = codegen::write::manifest::features_section(&model.api);
    conformance::write_crate(root, &staging, &files, &features, "pub fn run() {}\n")?;
    std::fs::write(staging.join("src/bin/prism_sample.rs"), SAMPLE).map_err(|e| e.to_string())?;
    sync(&staging, &client)?;
    let _ = std::fs::remove_dir_all(&staging);

    eprintln!("building and running the sample driver for {} ...", spec.display());
    let status = Command::new(conformance::cargo())
        .args(["run", "--quiet", "--bin", "prism_sample"])
        .current_dir(&client)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("INTERCOM_MOCK_URL", &mock_url)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("prism-published: the sample driver failed ({status})"))
    }
}

/// Makes `to` hold exactly the files of `from`, touching only the files whose content differs
/// (cargo decides what to rebuild from modification times).
fn sync(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(to).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name();
        if !from.join(&name).exists() && name != "Cargo.lock" {
            let path = entry.path();
            let removed = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
            removed.map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())?.flatten() {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            sync(&source, &target)?;
        } else {
            let new = std::fs::read(&source).map_err(|e| format!("{}: {e}", source.display()))?;
            if std::fs::read(&target).ok().as_deref() != Some(new.as_slice()) {
                std::fs::write(&target, new).map_err(|e| format!("{}: {e}", target.display()))?;
            }
        }
    }
    Ok(())
}
