//! `cargo xtask check-fixture --spec PATH [--wire FILE]`: takes one small description, gives a
//! verdict on the crate generated from it: clippy with `-D warnings` (every feature, none, and
//! each alone when there are at most four),
//! rustdoc with `-D warnings`, and, with `--wire`, FILE run as an integration test of that crate
//! (a test against a server on 127.0.0.1 that checks what the generated code sends).

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::Config;

use crate::conformance::{cargo, label_of, write_crate};

/// Descriptions with at most this many features are also checked with each feature alone.
const MAX_FEATURES_ALONE: usize = 4;

struct Options {
    spec: PathBuf,
    wire: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let (mut spec, mut wire) = (None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = Some(PathBuf::from(args.next().ok_or("--spec needs a path")?)),
            "--wire" => wire = Some(PathBuf::from(args.next().ok_or("--wire needs a path")?)),
            other => return Err(format!("check-fixture: unknown option `{other}`")),
        }
    }
    Ok(Options { spec: spec.ok_or("check-fixture: --spec PATH is required")?, wire })
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let spec = &options.spec;
    let config = Config { openapi: spec.clone(), asyncapi: None, strict: false };
    let model = codegen::build_model(&config).map_err(|e| format!("{}: {e}", spec.display()))?;
    for warning in &model.warnings {
        println!("warning: {warning}");
    }
    let files = codegen::emit::emit(&model.api, &[format!("`{}`", spec.display())]).map_err(|e| e.to_string())?;
    // The crate is checked here, not its examples: the example harness is an empty one.
    let harness = "//! No examples are decoded here.\n\n/// Does nothing.\npub fn run() {}\n";
    let work = std::env::temp_dir().join("intercom-check-fixture");
    let crate_dir = work.join(format!("client-{}", label_of(spec)));
    let features = codegen::write::manifest::features_section(&model.api);
    write_crate(root, &crate_dir, &files, &features, harness)?;
    if let Some(wire) = &options.wire {
        add_wire_test(root, &crate_dir, wire)?;
    }
    let target = work.join("target");
    let run = |what: &str, args: &[&str], env: &[(&str, &str)]| -> Result<(), String> {
        let mut command = Command::new(cargo());
        command.args(args).current_dir(&crate_dir).env("CARGO_TARGET_DIR", &target);
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if output.status.success() {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let results: Vec<&str> = stdout.lines().filter(|l| l.starts_with("test result:")).collect();
            println!("ok: {what} {}", results.join(" "));
            Ok(())
        } else {
            Err(format!(
                "{}: {what} failed ({}):\n{}\n{}",
                spec.display(),
                crate_dir.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    };
    // The runtime's own unit tests need its dev-dependencies; the lib and the wire test are what is checked here.
    let mut clippy = vec!["clippy", "--quiet", "--lib"];
    if options.wire.is_some() {
        clippy.extend(["--test", "wire"]);
    }
    clippy.extend(["--", "-D", "warnings"]);
    run("clippy, every feature", &clippy, &[])?;
    run("clippy, no feature", &["clippy", "--quiet", "--lib", "--no-default-features", "--", "-D", "warnings"], &[])?;
    // Each feature alone too, where there are few enough to be quick.
    if model.api.features.len() <= MAX_FEATURES_ALONE {
        for feature in &model.api.features {
            let args = ["clippy", "--quiet", "--lib", "--no-default-features", "--features", &feature.name, "--", "-D", "warnings"];
            run(&format!("clippy, `{}` alone", feature.name), &args, &[])?;
        }
    }
    run("rustdoc", &["doc", "--quiet", "--no-deps", "--lib"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    if options.wire.is_some() {
        run("wire test", &["test", "--quiet", "--test", "wire"], &[])?;
    }
    Ok(())
}

/// Puts `wire` in the crate as `tests/wire.rs`, with the dev-dependencies such a test uses
/// (the workspace's versions of tokio, wiremock, futures and serde_json).
fn add_wire_test(root: &Path, crate_dir: &Path, wire: &Path) -> Result<(), String> {
    std::fs::create_dir_all(crate_dir.join("tests")).map_err(|e| e.to_string())?;
    std::fs::copy(wire, crate_dir.join("tests/wire.rs")).map_err(|e| format!("{}: {e}", wire.display()))?;
    let workspace: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| e.to_string())?
        .parse()
        .map_err(|e: toml::de::Error| e.to_string())?;
    let shared = workspace.get("workspace").and_then(|w| w.get("dependencies")).and_then(|d| d.as_table()).cloned().unwrap_or_default();
    let manifest_path = crate_dir.join("Cargo.toml");
    let mut manifest: toml::Table = std::fs::read_to_string(&manifest_path)
        .map_err(|e| e.to_string())?
        .parse()
        .map_err(|e: toml::de::Error| e.to_string())?;
    let mut dev = toml::Table::new();
    for name in ["tokio", "wiremock", "futures", "serde_json"] {
        let spec = shared.get(name).cloned().ok_or_else(|| format!("`{name}` is not in [workspace.dependencies]"))?;
        dev.insert(name.to_owned(), spec);
    }
    manifest.insert("dev-dependencies".to_owned(), toml::Value::Table(dev));
    std::fs::write(&manifest_path, toml::to_string(&manifest).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}
