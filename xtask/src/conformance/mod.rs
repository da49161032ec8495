//! `cargo xtask conformance`: every published description generates, compiles warning-free, and
//! decodes its own response examples. Examples that break their own schema are reported as spec
//! defects, apart from generator failures.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::check;
use codegen::model::openapi::json_media;
use codegen::resolve::{Documents, FileId, Node};
use codegen::Config;
use serde_json::Value;

const HARNESS_CHECK: &str = include_str!("check_harness.rs");

struct Options {
    specs: Vec<PathBuf>,
    progenitor: bool,
    /// An integration test (`tests/wire.rs`) run against each generated crate with `cargo test`.
    wire_test: Option<PathBuf>,
}

/// The outcome for one description.
#[derive(Default)]
struct Report {
    label: String,
    operations: usize,
    types: usize,
    warnings: Vec<String>,
    generate: Option<Duration>,
    generate_error: Option<String>,
    check: Option<Duration>,
    check_error: Option<String>,
    examples_time: Option<Duration>,
    examples_total: usize,
    decoded: usize,
    /// Examples that break their own schema, with the evidence.
    defects: Vec<String>,
    /// Defect examples that our types still decoded (informational).
    defects_decoded: usize,
    /// Non-defect examples that failed: the generator's fault.
    failures: Vec<String>,
    /// Mutated copies of the non-defect examples (unknown fields, unseen enum values): how many, how many decoded.
    forward_total: usize,
    forward_decoded: usize,
    /// Mutated copies that failed to decode: the generated code breaks on a change Intercom may make.
    forward_failures: Vec<String>,
    /// Unknown fields added and enum values replaced over all the copies.
    forward_mutations: (usize, usize),
    progenitor: Option<String>,
    /// The wire test's outcome: `Ok(summary)` or `Err(output)`.
    wire: Option<Result<String, String>>,
}

impl Report {
    fn passed(&self) -> bool {
        self.generate_error.is_none()
            && self.check_error.is_none()
            && !matches!(self.wire, Some(Err(_)))
            && self.check.is_some()
            && self.failures.is_empty()
            && self.forward_failures.is_empty()
    }
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(root, args)?;
    if options.specs.is_empty() {
        return Err("conformance: no descriptions found; pass --spec PATH or put ../shared beside the checkout".to_owned());
    }
    let work = std::env::temp_dir().join("intercom-conformance");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let progenitor = if options.progenitor { Some(install_progenitor(root)?) } else { None };
    let mut reports = Vec::new();
    for spec in &options.specs {
        let mut report = run_one(root, &work, spec);
        if let (Some(test), true) = (&options.wire_test, report.check.is_some() && report.check_error.is_none()) {
            report.wire = Some(run_wire_test(&work.join(format!("client-{}", report.label)), &work.join("target"), test));
        }
        if let Some(bin) = &progenitor {
            report.progenitor = Some(run_progenitor(bin, spec, &work.join(format!("progenitor-{}", report.label))));
        }
        print_details(&report);
        reports.push(report);
    }
    print_table(&reports);
    if reports.iter().all(Report::passed) {
        Ok(())
    } else {
        Err("conformance: at least one description failed (see above)".to_owned())
    }
}

fn parse(root: &Path, args: &[String]) -> Result<Options, String> {
    let mut options = Options { specs: Vec::new(), progenitor: false, wire_test: None };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => options.specs.push(PathBuf::from(args.next().ok_or("--spec needs a path")?)),
            "--progenitor" => options.progenitor = true,
            "--wire-test" => options.wire_test = Some(PathBuf::from(args.next().ok_or("--wire-test needs a path")?)),
            other => return Err(format!("conformance: unknown option `{other}`")),
        }
    }
    if options.specs.is_empty() {
        options.specs = published_descriptions(root);
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

fn run_one(root: &Path, work: &Path, spec: &Path) -> Report {
    let mut report = Report { label: label_of(spec), ..Report::default() };
    let started = Instant::now();
    let config = Config { openapi: spec.to_path_buf(), asyncapi: None, strict: false };
    let (model, docs) = match codegen::build_model_with_documents(&config) {
        Ok(built) => built,
        Err(err) => {
            report.generate_error = Some(err.to_string());
            return report;
        }
    };
    let files = match codegen::emit::emit(&model.api, &[format!("`{}`", spec.display())]) {
        Ok(files) => files,
        Err(err) => {
            report.generate_error = Some(err.to_string());
            return report;
        }
    };
    // Judge each example against its own schema first, independently of the generated types.
    let defects = judge_examples(&model.api, &docs);
    // And make a copy of each sound one with what a later Intercom may send: it must decode too.
    let (mutated, counts) = forward_examples(&model.api, &docs, &defects);
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
    report.types = model.api.types.len();
    report.warnings = model.warnings.iter().map(ToString::to_string).collect();

    let crate_dir = work.join(format!("client-{}", report.label));
    let features = codegen::write::manifest::features_section(&model.api);
    if let Err(err) = write_crate(root, &crate_dir, &files, &features, &harness) {
        report.generate_error = Some(err);
        return report;
    }
    let target = work.join("target");
    let started = Instant::now();
    let output = Command::new(cargo())
        .args(["check", "--lib", "--quiet", "--message-format=short"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .output();
    report.check = Some(started.elapsed());
    match output {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first: Vec<&str> = stderr.lines().filter(|l| l.contains("error") || l.contains("warning")).take(15).collect();
            report.check_error = Some(first.join("\n"));
            return report;
        }
        Err(err) => {
            report.check_error = Some(format!("cannot run cargo: {err}"));
            return report;
        }
    }

    let started = Instant::now();
    let output = Command::new(cargo())
        .args(["run", "--quiet", "--bin", "conformance"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .output();
    report.examples_time = Some(started.elapsed());
    let stdout = match output {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        Ok(out) => {
            report.check_error = Some(format!("the example harness failed: {}", String::from_utf8_lossy(&out.stderr)));
            return report;
        }
        Err(err) => {
            report.check_error = Some(format!("cannot run the example harness: {err}"));
            return report;
        }
    };
    for line in stdout.lines() {
        let Ok(result) = serde_json::from_str::<Value>(line) else { continue };
        let field = |k: &str| result.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let origin = field("origin");
        let ok = field("result") == "ok";
        if field("mode") == "forward" {
            report.forward_total += 1;
            if ok {
                report.forward_decoded += 1;
            } else {
                report.forward_failures.push(format!(
                    "{} {} `{}`: {} at `{}`: {} ({origin})",
                    field("op"),
                    field("status"),
                    field("name"),
                    field("result"),
                    field("path"),
                    field("error")
                ));
            }
            continue;
        }
        report.examples_total += 1;
        let what = format!(
            "{} {} `{}`: {} at `{}`: {} ({origin})",
            field("op"),
            field("status"),
            field("name"),
            field("result"),
            field("path"),
            field("error")
        );
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
    report
}

/// Examples that break their own schema, by origin, with the first violations as evidence.
fn judge_examples(api: &codegen::model::Api, docs: &Documents) -> BTreeMap<String, String> {
    let mut defects = BTreeMap::new();
    for op in &api.operations {
        let Some((_, pointer)) = op.origin.split_once('#') else { continue };
        let op_node = Node { file: FileId(0), pointer: pointer.to_owned() };
        for response in &op.responses {
            let Some(response_node) = docs.deref(&op_node.child("responses").child(&response.status)) else { continue };
            let Some(media) = json_media(docs.get(&response_node).and_then(|r| r.get("content"))) else { continue };
            let schema = response_node.child("content").child(&media).child("schema");
            for example in &response.examples {
                let violations = check::check(docs, &schema, &example.value);
                if !violations.is_empty() {
                    let evidence: Vec<String> = violations.iter().take(3).map(ToString::to_string).collect();
                    defects.insert(example.origin.clone(), evidence.join("; "));
                }
            }
        }
    }
    defects
}

/// The key every object of a mutated example gets, and the value every enum string becomes.
const UNKNOWN_FIELD: &str = "x_unknown_field_9f";
const UNSEEN_VALUE: &str = "unseen_value_9f";

/// For every example that is not a spec defect, a copy with what a later version of the API may
/// send, guided by the example's schema: every object gets an unknown field, and every string
/// whose schema lists string values (`enum`, `const`) becomes one not listed. Tags of tagged
/// unions are such strings too: the generated unions decode an unknown tag into their
/// catch-all. Keyed by the example's origin.
fn forward_examples(
    api: &codegen::model::Api,
    docs: &Documents,
    defects: &BTreeMap<String, String>,
) -> (BTreeMap<String, Value>, Mutations) {
    let mut out = BTreeMap::new();
    let mut counts = Mutations::default();
    for op in &api.operations {
        let Some((_, pointer)) = op.origin.split_once('#') else { continue };
        let op_node = Node { file: FileId(0), pointer: pointer.to_owned() };
        for response in &op.responses {
            let Some(response_node) = docs.deref(&op_node.child("responses").child(&response.status)) else { continue };
            let Some(media) = json_media(docs.get(&response_node).and_then(|r| r.get("content"))) else { continue };
            let schema = response_node.child("content").child(&media).child("schema");
            for example in &response.examples {
                if defects.contains_key(&example.origin) {
                    continue;
                }
                if out.contains_key(&example.origin) {
                    continue;
                }
                let mut copy = example.value.clone();
                mutate_forward(docs, &schema, &mut copy, 0, &mut counts);
                out.insert(example.origin.clone(), copy);
            }
        }
    }
    (out, counts)
}

/// How much the mutated copies differ from the examples.
#[derive(Default)]
struct Mutations {
    unknown_fields: usize,
    unseen_values: usize,
}

/// Mutates `value` as [`forward_examples`] says, following the schema at `schema`.
fn mutate_forward(docs: &Documents, schema: &Node, value: &mut Value, depth: usize, counts: &mut Mutations) {
    if depth > 64 {
        return;
    }
    let Some(schema) = docs.deref(schema) else { return };
    let Some(Value::Object(s)) = docs.get(&schema) else { return };
    if let Some(Value::Array(parts)) = s.get("allOf") {
        for i in 0..parts.len() {
            mutate_forward(docs, &schema.child("allOf").child(&i.to_string()), value, depth + 1, counts);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = s.get(key) {
            // The variant the example is an instance of.
            let matching = (0..variants.len())
                .map(|i| schema.child(key).child(&i.to_string()))
                .find(|variant| check::check(docs, variant, value).is_empty());
            if let Some(variant) = matching {
                mutate_forward(docs, &variant, value, depth + 1, counts);
            }
        }
    }
    match value {
        Value::String(text) => {
            let listed = match (s.get("enum"), s.get("const")) {
                (Some(Value::Array(values)), _) => {
                    let strings: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
                    !strings.is_empty() && strings.iter().all(|v| v.is_string())
                }
                (None, Some(Value::String(_))) => true,
                _ => false,
            };
            let declared = s.get("type").and_then(Value::as_str);
            if listed && matches!(declared, Some("string") | None) && text != UNSEEN_VALUE {
                *text = UNSEEN_VALUE.to_owned();
                counts.unseen_values += 1;
            }
        }
        Value::Object(map) => {
            let properties = s.get("properties").and_then(Value::as_object);
            let additional = match s.get("additionalProperties") {
                Some(Value::Object(a)) => Some(a),
                _ => None,
            };
            for (key, child) in map.iter_mut() {
                if properties.is_some_and(|p| p.contains_key(key)) {
                    mutate_forward(docs, &schema.child("properties").child(key), child, depth + 1, counts);
                } else if additional.is_some() {
                    mutate_forward(docs, &schema.child("additionalProperties"), child, depth + 1, counts);
                }
            }
            // A map whose values have a type of their own takes no key of another type.
            let typed_map = additional.is_some_and(|a| !a.is_empty());
            if !typed_map && !map.contains_key(UNKNOWN_FIELD) {
                map.insert(UNKNOWN_FIELD.to_owned(), serde_json::json!({"nested": [1, "two"]}));
                counts.unknown_fields += 1;
            }
        }
        Value::Array(items) if s.contains_key("items") => {
            for item in items {
                mutate_forward(docs, &schema.child("items"), item, depth + 1, counts);
            }
        }
        _ => {}
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
    // For a wire test (`--wire-test`): a server on 127.0.0.1 and an async runtime.
    let mut dev = toml::Table::new();
    for name in ["tokio", "wiremock", "serde_json"] {
        let spec = shared.get(name).cloned().ok_or_else(|| format!("`{name}` is not in [workspace.dependencies]"))?;
        dev.insert(name.into(), spec);
    }
    manifest.insert("dev-dependencies".into(), toml::Value::Table(dev));
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

fn seconds(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| format!("{:.2}s", d.as_secs_f64()))
}

/// Copies `test` into the generated crate at `crate_dir` as `tests/wire.rs` and runs it.
fn run_wire_test(crate_dir: &Path, target: &Path, test: &Path) -> Result<String, String> {
    let tests = crate_dir.join("tests");
    std::fs::create_dir_all(&tests).map_err(|e| e.to_string())?;
    std::fs::copy(test, tests.join("wire.rs")).map_err(|e| format!("{}: {e}", test.display()))?;
    let output = Command::new(cargo())
        .args(["test", "--quiet", "--test", "wire"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.success() {
        Ok(stdout.lines().filter(|l| l.starts_with("test result")).collect::<Vec<_>>().join("; "))
    } else {
        Err(format!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)))
    }
}

fn print_details(report: &Report) {
    let mut out = String::new();
    let _ = writeln!(out, "\n== {} ==", report.label);
    match &report.wire {
        Some(Ok(summary)) => {
            let _ = writeln!(out, "wire test passed: {summary}");
        }
        Some(Err(output)) => {
            let _ = writeln!(out, "wire test FAILED:\n{output}");
        }
        None => {}
    }
    if let Some(err) = &report.generate_error {
        let _ = writeln!(out, "generation FAILED: {err}");
    }
    if let Some(err) = &report.check_error {
        let _ = writeln!(out, "compilation FAILED:\n{err}");
    }
    let _ = writeln!(out, "warnings ({}):", report.warnings.len());
    for w in &report.warnings {
        let _ = writeln!(out, "  {w}");
    }
    let _ = writeln!(out, "spec defects: examples that break their own schema ({}):", report.defects.len());
    for d in &report.defects {
        let _ = writeln!(out, "  {d}");
    }
    let _ = writeln!(out, "generator failures ({}):", report.failures.len());
    for f in &report.failures {
        let _ = writeln!(out, "  {f}");
    }
    let _ = writeln!(
        out,
        "forward compatibility: {} of {} copies decoded, with {} unknown fields and {} unseen enum values in all",
        report.forward_decoded, report.forward_total, report.forward_mutations.0, report.forward_mutations.1
    );
    let _ = writeln!(
        out,
        "forward-compatibility failures: copies with unknown fields and enum values that did not decode ({}):",
        report.forward_failures.len()
    );
    for f in &report.forward_failures {
        let _ = writeln!(out, "  {f}");
    }
    print!("{out}");
}

fn print_table(reports: &[Report]) {
    println!("\n| version | operations | types | warnings | examples decoded / total (non-defect) | forward-compat decoded / total | spec defects (of which decoded) | generate | cargo check -D warnings | decode run | progenitor | result |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in reports {
        let non_defect = r.examples_total - r.defects.len();
        println!(
            "| {} | {} | {} | {} | {} / {} | {} / {} | {} ({}) | {} | {} | {} | {} | {} |",
            r.label,
            r.operations,
            r.types,
            r.warnings.len(),
            r.decoded,
            non_defect,
            r.forward_decoded,
            r.forward_total,
            r.defects.len(),
            r.defects_decoded,
            seconds(r.generate),
            if r.check_error.is_some() { "FAILED".to_owned() } else { seconds(r.check) },
            seconds(r.examples_time),
            r.progenitor.clone().unwrap_or_else(|| "not run (--progenitor)".to_owned()),
            if r.passed() { "pass" } else { "FAIL" },
        );
    }
}
