//! `cargo xtask conformance`: every description generates, compiles warning-free and clippy-clean,
//! and decodes its own examples. Examples that break their own schema are reported as spec
//! defects, apart from generator failures.
//!
//! Which descriptions: Intercom's published ones by default (`../shared/specs/intercom/*`),
//! `--external` the other APIs' (`../shared/specs/external/openapi/*` and `asyncapi/*`), `--all`
//! both, or `--spec PATH` / `--asyncapi PATH` one each. An AsyncAPI document is generated beside
//! an OpenAPI description with no operations. Every crate is built in one target folder
//! (`target/conformance/target`), so the client runtime's dependencies are built once.

pub(crate) mod examples;
mod report;
mod workdir;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use codegen::Config;
use serde_json::Value;

use report::Report;

const HARNESS_CHECK: &str = include_str!("check_harness.rs");

/// What kind of document a description is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    OpenApi,
    AsyncApi,
}

/// One description to run.
#[derive(Clone, Debug)]
struct Description {
    path: PathBuf,
    kind: Kind,
}

struct Options {
    descriptions: Vec<Description>,
    progenitor: bool,
    /// Descriptions whose label is listed here are left out (`--skip LABEL`).
    skip: Vec<String>,
    /// Descriptions with more operations are generated but not compiled (`--max-operations N`).
    max_operations: Option<usize>,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(root, args)?;
    let descriptions: Vec<&Description> =
        options.descriptions.iter().filter(|d| !options.skip.contains(&label_of(&d.path))).collect();
    if descriptions.is_empty() {
        return Err("conformance: no descriptions found; pass --spec PATH or put ../shared beside the checkout".to_owned());
    }
    let work = workdir::WorkDir::lock(root)?;
    let progenitor = if options.progenitor { Some(install_progenitor(root)?) } else { None };
    let mut reports = Vec::new();
    for description in descriptions {
        let started = Instant::now();
        let mut report = run_one(root, &work, description, options.max_operations);
        if let (Some(bin), Kind::OpenApi) = (&progenitor, description.kind) {
            report.progenitor = Some(run_progenitor(bin, &description.path, &work.crate_dir(&format!("progenitor-{}", report.label))));
        }
        report.total = Some(started.elapsed());
        report::print_details(&report);
        reports.push(report);
    }
    report::print_table(&reports);
    if reports.iter().all(Report::passed) {
        Ok(())
    } else {
        Err("conformance: at least one description failed (see above)".to_owned())
    }
}

fn parse(root: &Path, args: &[String]) -> Result<Options, String> {
    let mut options = Options { descriptions: Vec::new(), progenitor: false, skip: Vec::new(), max_operations: None };
    let (mut intercom, mut external) = (false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => options
                .descriptions
                .push(Description { path: PathBuf::from(args.next().ok_or("--spec needs a path")?), kind: Kind::OpenApi }),
            "--asyncapi" => options
                .descriptions
                .push(Description { path: PathBuf::from(args.next().ok_or("--asyncapi needs a path")?), kind: Kind::AsyncApi }),
            "--intercom" => intercom = true,
            "--external" => external = true,
            "--all" => (intercom, external) = (true, true),
            "--skip" => options.skip.extend(args.next().ok_or("--skip needs a label")?.split(',').map(str::to_owned)),
            "--progenitor" => options.progenitor = true,
            "--max-operations" => {
                let limit = args.next().ok_or("--max-operations needs a number")?;
                options.max_operations = Some(limit.parse().map_err(|_| format!("--max-operations: `{limit}` is not a number"))?);
            }
            other => return Err(format!("conformance: unknown option `{other}`")),
        }
    }
    if options.descriptions.is_empty() && !external {
        intercom = true;
    }
    if intercom {
        let published = published_descriptions(root).into_iter().map(|path| Description { path, kind: Kind::OpenApi });
        options.descriptions.extend(published);
    }
    if external {
        options.descriptions.extend(external_descriptions(root));
    }
    Ok(options)
}

/// `../shared/specs/intercom/<version>/api.intercom.io.yaml`, oldest version first.
pub fn published_descriptions(root: &Path) -> Vec<PathBuf> {
    let dir = root.join("../shared/specs/intercom");
    let mut found: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("api.intercom.io.yaml"))
        .filter(|p| p.exists())
        .map(|p| (version_key(&label_of(&p)), p))
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// `../shared/specs/external/openapi/*` then `asyncapi/*`, each by file name.
fn external_descriptions(root: &Path) -> Vec<Description> {
    let dir = root.join("../shared/specs/external");
    let mut out = Vec::new();
    for (folder, kind) in [("openapi", Kind::OpenApi), ("asyncapi", Kind::AsyncApi)] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|path| Description { path, kind }));
    }
    out
}

fn version_key(label: &str) -> Vec<u64> {
    label.split('.').map(|part| part.parse().unwrap_or(u64::MAX)).collect()
}

/// The version folder's name, or the file's stem.
pub fn label_of(spec: &Path) -> String {
    let parent = spec.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    match parent {
        Some(p) if p.chars().next().is_some_and(|c| c.is_ascii_digit()) => p,
        _ => spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".to_owned()),
    }
}

/// An OpenAPI description with no operations, to generate an AsyncAPI document beside.
const NO_OPERATIONS: &str = "openapi: 3.0.3\ninfo:\n  title: no operations\n  version: '0'\npaths: {}\n";

fn run_one(root: &Path, work: &workdir::WorkDir, description: &Description, max_operations: Option<usize>) -> Report {
    let spec = &description.path;
    let mut report = Report {
        label: label_of(spec),
        kind: match description.kind {
            Kind::OpenApi => "openapi",
            Kind::AsyncApi => "asyncapi",
        },
        ..Report::default()
    };
    let crate_dir = work.crate_dir(&format!("client-{}", report.label));
    let config = match description.kind {
        Kind::OpenApi => Config { openapi: spec.to_path_buf(), asyncapi: None, strict: false },
        Kind::AsyncApi => {
            let openapi = work.crate_dir("no-operations.yaml");
            let written = openapi.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&openapi, NO_OPERATIONS));
            if let Err(err) = written {
                report.generate_error = Some(format!("cannot write {}: {err}", openapi.display()));
                return report;
            }
            Config { openapi, asyncapi: Some(spec.to_path_buf()), strict: false }
        }
    };
    let started = Instant::now();
    let (model, docs) = match codegen::build_model_with_documents(&config) {
        Ok(built) => built,
        Err(err) => {
            report.generate_error = Some(err.to_string());
            return report;
        }
    };
    let sources: Vec<String> = std::iter::once(&config.openapi).chain(&config.asyncapi).map(|p| format!("`{}`", p.display())).collect();
    let files = match codegen::emit::emit(&model.api, &sources) {
        Ok(files) => files,
        Err(err) => {
            report.generate_error = Some(err.to_string());
            return report;
        }
    };
    // Judge each example against its own schema first, independently of the generated types.
    let defects = examples::judge_examples(&model.api, &docs);
    // And make a copy of each sound one with what a later version may send: it must decode too.
    let (mutated, counts) = examples::forward_examples(&model.api, &docs, &defects);
    report.forward_mutations = (counts.unknown_fields, counts.unseen_values);
    let harness = match codegen::emit::conformance::harness_with_mutations(&model.api, &mutated) {
        Ok(h) => h,
        Err(err) => {
            report.generate_error = Some(err.to_string());
            return report;
        }
    };
    report.generate = Some(started.elapsed());
    report.operations = model.api.operations.len();
    let channels = model.api.webhooks.iter().flat_map(|w| &w.channels);
    report.channels = channels.clone().count();
    report.messages = channels.map(|c| c.messages.len()).sum();
    report.types = model.api.types.len();
    report.warnings = model.warnings.iter().map(ToString::to_string).collect();

    if let Some(limit) = max_operations.filter(|limit| report.operations > *limit) {
        report.skipped = Some(format!("skipped: {} operations, more than --max-operations {limit}", report.operations));
        return report;
    }
    let features = codegen::write::manifest::features_section(&model.api);
    if let Err(err) = write_crate(root, &crate_dir, &files, &features, &harness) {
        report.generate_error = Some(err);
        return report;
    }
    let responses = model.api.operations.iter().flat_map(|op| &op.responses).map(|r| r.examples.len());
    let messages = model.api.webhooks.iter().flat_map(|w| &w.channels).flat_map(|c| &c.messages).map(|m| m.examples.len());
    report.no_examples = responses.chain(messages).sum::<usize>() == 0;
    let Some(stdout) = compile_and_run(&crate_dir, &work.target(), &mut report) else { return report };
    tally(&stdout, &defects, &mut report);
    report
}

/// Clippy with warnings denied, then the build and run of the example harness: its output, or
/// `None` with the first errors in `report`.
fn compile_and_run(crate_dir: &Path, target: &Path, report: &mut Report) -> Option<String> {
    let cargo_in_crate = |args: &[&str]| {
        Command::new(cargo()).args(args).current_dir(crate_dir).env("CARGO_TARGET_DIR", target).env("CARGO_INCREMENTAL", "0").output()
    };
    let failed = |what: &str, output: &std::process::Output| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr.lines().filter(|l| l.contains("error") || l.contains("warning")).take(15).collect();
        let first = if first.is_empty() { stderr.lines().take(15).collect() } else { first };
        format!("{what}:\n{}", first.join("\n"))
    };
    let steps: [(&str, &[&str]); 2] = [
        ("clippy", &["clippy", "--lib", "--quiet", "--message-format=short", "--", "-D", "warnings"]),
        ("build", &["build", "--quiet", "--message-format=short", "--bin", "conformance"]),
    ];
    // Without examples there is nothing to decode: clippy is the whole check.
    let steps = if report.no_examples { &steps[..1] } else { &steps[..] };
    for &(what, args) in steps {
        let started = Instant::now();
        let output = cargo_in_crate(args);
        let elapsed = Some(started.elapsed());
        match what {
            "clippy" => report.clippy = elapsed,
            _ => report.build = elapsed,
        }
        match output {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                report.check_error = Some(failed(&format!("cargo {what}"), &out));
                return None;
            }
            Err(err) => {
                report.check_error = Some(format!("cannot run cargo: {err}"));
                return None;
            }
        }
    }
    if report.no_examples {
        return Some(String::new());
    }
    let started = Instant::now();
    let output = Command::new(target.join("debug").join(format!("conformance{}", std::env::consts::EXE_SUFFIX))).output();
    report.run = Some(started.elapsed());
    match output {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => {
            report.check_error = Some(format!("the example harness failed: {}", String::from_utf8_lossy(&out.stderr)));
            None
        }
        Err(err) => {
            report.check_error = Some(format!("cannot run the example harness: {err}"));
            None
        }
    }
}

/// Counts the harness's JSON lines into `report`.
fn tally(stdout: &str, defects: &std::collections::BTreeMap<String, String>, report: &mut Report) {
    for line in stdout.lines() {
        let Ok(result) = serde_json::from_str::<Value>(line) else { continue };
        let field = |k: &str| result.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let origin = field("origin");
        let ok = field("result") == "ok";
        let what = format!(
            "{} {} `{}`: {} at `{}`: {} ({origin})",
            field("op"),
            field("status"),
            field("name"),
            field("result"),
            field("path"),
            field("error")
        );
        if field("mode") == "message" {
            // The example's payload was counted by its `check` line; this says which message it decoded as.
            if !ok && !defects.contains_key(&origin) {
                report.failures.push(what);
            }
            continue;
        }
        if field("mode") == "forward" {
            report.forward_total += 1;
            if ok {
                report.forward_decoded += 1;
            } else {
                report.forward_failures.push(what);
            }
            continue;
        }
        report.examples_total += 1;
        match defects.get(&origin) {
            Some(evidence) => {
                if ok {
                    report.defects_decoded += 1;
                }
                report.defects.push(format!("{} {} `{}`: {evidence} ({origin})", field("op"), field("status"), field("name")));
            }
            None if ok => report.decoded += 1,
            None => report.failures.push(what),
        }
    }
}


pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// A crate made of the client's hand-written runtime, the generated code and the example harness;
/// `features` is the generated features section for the same description.
pub(crate) fn write_crate(
    root: &Path,
    dir: &Path,
    files: &[codegen::GeneratedFile],
    features: &str,
    harness: &str,
) -> Result<(), String> {
    let client = root.join("generated-client");
    let src = dir.join("src");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(src.join("generated")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(src.join("bin")).map_err(|e| e.to_string())?;
    copy_runtime(&client.join("src"), &src)?;
    // The crate page `lib.rs` includes.
    std::fs::copy(client.join("README.md"), dir.join("README.md")).map_err(|e| format!("generated-client/README.md: {e}"))?;
    for file in files {
        std::fs::write(src.join("generated").join(&file.path), &file.contents).map_err(|e| e.to_string())?;
    }
    let lib = std::fs::read_to_string(src.join("lib.rs")).map_err(|e| e.to_string())?;
    let lib = format!("{lib}\n#[doc(hidden)]\npub mod conformance_check;\n#[doc(hidden)]\npub mod conformance_examples;\n");
    std::fs::write(src.join("lib.rs"), lib).map_err(|e| e.to_string())?;
    std::fs::write(src.join("conformance_check.rs"), HARNESS_CHECK).map_err(|e| e.to_string())?;
    std::fs::write(src.join("conformance_examples.rs"), harness).map_err(|e| e.to_string())?;
    std::fs::write(src.join("bin/conformance.rs"), "fn main() {\n    intercom::conformance_examples::run();\n}\n")
        .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("Cargo.toml"), manifest(root, features)?).map_err(|e| e.to_string())?;
    // The workspace's lock file keeps the same dependency versions (and their compiled artifacts).
    let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    Ok(())
}

/// Copies the hand-written runtime: every file of `src/` except the generated folder.
fn copy_runtime(from: &Path, to: &Path) -> Result<(), String> {
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())?.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "generated" {
            continue;
        }
        if path.is_dir() {
            std::fs::create_dir_all(to.join(&name)).map_err(|e| e.to_string())?;
            copy_runtime(&path, &to.join(&name))?;
        } else {
            std::fs::copy(&path, to.join(&name)).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The client's manifest with workspace inheritance spelled out, warnings denied, and `features`
/// (the generated section for the description the crate is generated from) in place of the
/// client's own generated features; the hand-written features are kept.
pub fn manifest(root: &Path, features: &str) -> Result<String, String> {
    let read = |p: PathBuf| -> Result<String, String> { std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display())) };
    let parse = |p: PathBuf, text: &str| -> Result<toml::Table, String> {
        text.parse::<toml::Table>().map_err(|e| format!("{}: {e}", p.display()))
    };
    let workspace = parse(root.join("Cargo.toml"), &read(root.join("Cargo.toml"))?)?;
    let client_path = root.join("generated-client/Cargo.toml");
    let client_text =
        codegen::write::manifest::splice(&read(client_path.clone())?, features, &client_path).map_err(|e| e.to_string())?;
    let client = parse(client_path, &client_text)?;
    let shared = workspace.get("workspace").and_then(|w| w.get("dependencies")).and_then(|d| d.as_table()).cloned().unwrap_or_default();
    let mut deps = toml::Table::new();
    for (name, spec) in client.get("dependencies").and_then(|d| d.as_table()).cloned().unwrap_or_default() {
        let mut resolved = spec.clone();
        if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
            let mut base = match shared.get(&name) {
                Some(toml::Value::String(version)) => {
                    let mut t = toml::Table::new();
                    t.insert("version".into(), toml::Value::String(version.clone()));
                    t
                }
                Some(toml::Value::Table(t)) => t.clone(),
                _ => return Err(format!("dependency `{name}` is not in [workspace.dependencies]")),
            };
            if let Some(toml::Value::Table(own)) = Some(spec) {
                for (k, v) in own {
                    if k == "workspace" {
                        continue;
                    }
                    if k == "features" {
                        let mut features = base.get("features").and_then(|f| f.as_array()).cloned().unwrap_or_default();
                        features.extend(v.as_array().cloned().unwrap_or_default());
                        base.insert(k, toml::Value::Array(features));
                    } else {
                        base.insert(k, v);
                    }
                }
            }
            resolved = toml::Value::Table(base);
        }
        deps.insert(name, resolved);
    }
    deps.insert("serde_path_to_error".into(), toml::Value::String("0.1".into()));
    let mut manifest = toml::Table::new();
    let mut package = toml::Table::new();
    package.insert("name".into(), "intercom-conformance".into());
    package.insert("version".into(), "0.0.0".into());
    package.insert("edition".into(), "2021".into());
    package.insert("publish".into(), false.into());
    manifest.insert("package".into(), toml::Value::Table(package));
    let mut lib = toml::Table::new();
    lib.insert("name".into(), "intercom".into());
    manifest.insert("lib".into(), toml::Value::Table(lib));
    manifest.insert("dependencies".into(), toml::Value::Table(deps));
    if let Some(features) = client.get("features") {
        manifest.insert("features".into(), features.clone());
    }
    let mut rust_lints = toml::Table::new();
    rust_lints.insert("warnings".into(), "deny".into());
    let mut lints = toml::Table::new();
    lints.insert("rust".into(), toml::Value::Table(rust_lints));
    manifest.insert("lints".into(), toml::Value::Table(lints));
    // An empty workspace table keeps cargo from looking for a parent workspace.
    manifest.insert("workspace".into(), toml::Value::Table(toml::Table::new()));
    toml::to_string(&manifest).map_err(|e| e.to_string())
}

/// Installs cargo-progenitor from the crate registry into `target/tools` (rebuildable, not committed).
pub(crate) fn install_progenitor(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/tools");
    let bin = tools.join("bin/cargo-progenitor");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("installing cargo-progenitor into {} (once)...", tools.display());
    let status = Command::new(cargo())
        .args(["install", "--quiet", "--locked", "cargo-progenitor", "--root"])
        .arg(&tools)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err("cargo install cargo-progenitor failed".to_owned());
    }
    Ok(bin)
}

/// Whether progenitor generates a crate from the description, and how long it takes.
fn run_progenitor(bin: &Path, spec: &Path, out: &Path) -> String {
    let _ = std::fs::remove_dir_all(out);
    let started = Instant::now();
    let output = Command::new(bin)
        .arg("progenitor")
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(["-n", "intercom-progenitor", "-v", "0.0.0"])
        .output();
    let elapsed = started.elapsed();
    match output {
        Ok(o) if o.status.success() => format!("generates ({:.1}s)", elapsed.as_secs_f64()),
        Ok(o) => {
            let text = format!("{}{}", String::from_utf8_lossy(&o.stderr), String::from_utf8_lossy(&o.stdout));
            let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            // A panic's message is the line after "panicked at"; otherwise the first line says it.
            let reason = match lines.iter().position(|l| l.contains("panicked at")) {
                Some(i) => format!("panics: {}", lines.get(i + 1).copied().unwrap_or("")),
                None => lines.iter().find(|l| l.contains("gen fail")).or(lines.first()).copied().unwrap_or("no output").to_owned(),
            };
            let reason: String = reason.chars().take(100).collect();
            format!("fails: {}", reason.replace('|', "/"))
        }
        Err(e) => format!("cannot run: {e}"),
    }
}

