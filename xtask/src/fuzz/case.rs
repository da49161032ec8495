//! One fuzz case: a description through the generator (twice: no panic, same output), its crate
//! through `cargo clippy -D warnings`, and the decode + re-encode harness over its examples.
//! Gives every failure found, each with a class that names the kind of problem.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::conformance;

/// How far a case goes: a failure of an earlier stage is found without running the later ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Generate,
    Clippy,
    RoundTrip,
}

#[derive(Debug, Clone)]
pub struct Failure {
    /// What kind of problem, without the names of this description (to group and to shrink by).
    pub class: String,
    /// The evidence: the first error lines.
    pub detail: String,
}

impl Failure {
    fn new(stage: &str, what: &str, detail: impl Into<String>) -> Failure {
        Failure::coded(stage, "", what, detail)
    }

    /// A failure whose class starts with a diagnostic code (`E0428`, `clippy::too_many_arguments`).
    fn coded(stage: &str, code: &str, what: &str, detail: impl Into<String>) -> Failure {
        let code = if code.is_empty() { String::new() } else { format!("{code} ") };
        Failure { class: format!("{stage}: {code}{}", normalise(what)), detail: detail.into() }
    }

    pub fn stage(&self) -> Stage {
        if self.class.starts_with("clippy") {
            Stage::Clippy
        } else if self.class.starts_with("roundtrip") {
            Stage::RoundTrip
        } else {
            Stage::Generate
        }
    }
}

/// Runs the case in `work` (a folder of its own; `target` is the cargo target folder shared by
/// every case). `feature_configs`: clippy also without features and with one group alone.
pub fn run(root: &Path, work: &Path, target: &Path, doc: &Value, until: Stage, feature_configs: bool) -> Vec<Failure> {
    let failures = run_in(root, work, target, doc, until, feature_configs);
    // Each case's crate builds to some 300 MB of its own in the shared folder, never reused by the
    // next case (its path differs): an hour of cases would fill the disk. The dependencies stay.
    let manifest = work.join("crate/Cargo.toml");
    if until != Stage::Generate && manifest.is_file() {
        let _ = Command::new(conformance::cargo())
            .args(["clean", "--quiet", "-p", "intercom-conformance", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", target)
            .output();
    }
    failures
}

fn run_in(root: &Path, work: &Path, target: &Path, doc: &Value, until: Stage, feature_configs: bool) -> Vec<Failure> {
    let spec = work.join("description.yaml");
    let text = serde_yaml::to_string(doc).unwrap_or_default();
    if let Err(err) = std::fs::create_dir_all(work).and_then(|()| std::fs::write(&spec, text)) {
        return vec![Failure::new("harness", "cannot write the description", err.to_string())];
    }
    let first = generate_guarded(&spec);
    let second = generate_guarded(&spec);
    let generated = match (first, second) {
        (Err(failure), _) | (_, Err(failure)) => return vec![failure],
        (Ok(a), Ok(b)) if a != b => {
            return vec![Failure::new("generate", "output differs between two runs", "two runs on the same description differ")]
        }
        (Ok(a), Ok(_)) => a,
    };
    if until == Stage::Generate {
        return Vec::new();
    }
    let crate_dir = work.join("crate");
    if let Err(err) = conformance::write_crate(root, &crate_dir, &generated.files, &generated.section, &generated.harness) {
        return vec![Failure::new("harness", "cannot write the crate", err)];
    }
    // Every feature (the default), none, and the first resource group alone.
    let mut configurations = vec![("clippy", Vec::new()), ("clippy (no features)", vec!["--no-default-features".to_owned()])];
    if !feature_configs {
        configurations.truncate(1);
    } else if let Some(group) = generated.features.first() {
        configurations.push(("clippy (one group alone)", vec!["--no-default-features".to_owned(), "--features".to_owned(), group.clone()]));
    }
    // The example harness names types of every group: the other configurations go without it.
    let harness_file = crate_dir.join("src/conformance_examples.rs");
    for (label, args) in configurations {
        if !args.is_empty() {
            let _ = std::fs::write(&harness_file, "//! Left out: it needs every feature.\npub fn run() {}\n");
        }
        let failures = clippy(&crate_dir, target, label, &args);
        if !failures.is_empty() {
            return failures;
        }
    }
    if let Err(err) = std::fs::write(&harness_file, &generated.harness) {
        return vec![Failure::new("harness", "cannot write the harness", err.to_string())];
    }
    if until == Stage::Clippy {
        return Vec::new();
    }
    round_trip(&crate_dir, target)
}

/// What one generator run gives (compared between two runs), as `conformance::write_crate` takes it.
struct GeneratedFiles {
    files: Vec<codegen::GeneratedFile>,
    /// The generated `[features]` section.
    section: String,
    /// The resource groups' features.
    features: Vec<String>,
    harness: String,
}

impl PartialEq for GeneratedFiles {
    fn eq(&self, other: &Self) -> bool {
        let files = |g: &GeneratedFiles| g.files.iter().map(|f| (f.path.clone(), f.contents.clone())).collect::<Vec<_>>();
        files(self) == files(other) && self.section == other.section && self.harness == other.harness
    }
}

fn generate_guarded(spec: &Path) -> Result<GeneratedFiles, Failure> {
    let message = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&message);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        // The first panic is the cause: a scoped thread's panic is raised again in its parent.
        if let Ok(mut m) = sink.lock() {
            if m.is_empty() {
                *m = format!("{text} at {place}");
            }
        }
    }));
    let result = catch_unwind(AssertUnwindSafe(|| generate(spec)));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(files)) => Ok(files),
        Ok(Err(err)) => {
            let kind = format!("{:?}", err.kind);
            Err(Failure::new("generate", &format!("error {kind}"), err.to_string()))
        }
        Err(_) => {
            let text = message.lock().map(|m| m.clone()).unwrap_or_default();
            let place = text.rsplit(" at ").next().unwrap_or_default().to_owned();
            Err(Failure::new("panic", &place, text))
        }
    }
}

fn generate(spec: &Path) -> Result<GeneratedFiles, codegen::Error> {
    let config = codegen::Config { openapi: spec.to_path_buf(), asyncapi: None, strict: false };
    let model = codegen::build_model(&config)?;
    let files = codegen::emit::emit(&model.api, &["`description.yaml`".to_owned()])?;
    let harness = codegen::emit::conformance::harness(&model.api)?;
    let section = codegen::write::manifest::features_section(&model.api);
    let features = model
        .api
        .features
        .iter()
        .filter(|f| matches!(f.kind, codegen::model::FeatureKind::Group(_)))
        .map(|f| f.name.clone())
        .collect();
    Ok(GeneratedFiles { files, section, features, harness })
}

/// `cargo clippy --lib <args> -- -D warnings`: one failure per distinct diagnostic class, classed under `label`.
fn clippy(crate_dir: &Path, target: &Path, label: &str, args: &[String]) -> Vec<Failure> {
    let output = Command::new(conformance::cargo())
        .args(["clippy", "--lib", "--quiet", "--message-format=json"])
        .args(args)
        .args(["--", "-D", "warnings"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(err) => return vec![Failure::new("harness", "cannot run cargo clippy", err.to_string())],
    };
    let mut failures: Vec<Failure> = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else { continue };
        if message.get("reason").and_then(Value::as_str) != Some("compiler-message") {
            continue;
        }
        let message = &message["message"];
        let text = message.get("message").and_then(Value::as_str).unwrap_or_default();
        if !matches!(message.get("level").and_then(Value::as_str), Some("error" | "warning")) || text.starts_with("aborting due to") {
            continue;
        }
        let code = message.pointer("/code/code").and_then(Value::as_str).unwrap_or("");
        let rendered = message.get("rendered").and_then(Value::as_str).unwrap_or(text);
        let failure = Failure::coded(label, code, text, rendered.lines().take(12).collect::<Vec<_>>().join("\n"));
        if !failures.iter().any(|f| f.class == failure.class) {
            failures.push(failure);
        }
    }
    if failures.is_empty() && !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        failures.push(Failure::new(label, "failed without a diagnostic", stderr.lines().take(12).collect::<Vec<_>>().join("\n")));
    }
    failures
}

/// Builds and runs the harness: every example decodes and re-encodes to the same JSON, modulo
/// the normalisations of `conformance_check.rs` (an absent key and `null` are the same; numbers
/// compare as numbers, so `1.0` and `1` are equal).
fn round_trip(crate_dir: &Path, target: &Path) -> Vec<Failure> {
    let output = Command::new(conformance::cargo())
        .args(["run", "--quiet", "--bin", "conformance"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return vec![Failure::new("roundtrip", "the harness failed", stderr.lines().take(12).collect::<Vec<_>>().join("\n"))];
        }
        Err(err) => return vec![Failure::new("harness", "cannot run the harness", err.to_string())],
    };
    let mut failures: Vec<Failure> = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(result) = serde_json::from_str::<Value>(line) else { continue };
        let field = |k: &str| result.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let outcome = field("result");
        if outcome == "ok" {
            continue;
        }
        let what = match outcome.as_str() {
            "roundtrip" if field("error").contains("appeared") => "roundtrip a value appeared".to_owned(),
            "roundtrip" => "roundtrip a value changed".to_owned(),
            other => format!("{other} {}", field("error")),
        };
        let detail = format!("{} {}: {} at `{}`: {}", field("op"), field("status"), outcome, field("path"), field("error"));
        let failure = Failure::new("roundtrip", &what, detail);
        if !failures.iter().any(|f| f.class == failure.class) {
            failures.push(failure);
        }
    }
    failures
}

/// The class of a message: quoted names, numbers and line/column places taken out.
fn normalise(text: &str) -> String {
    let mut out = String::new();
    let mut in_ticks = false;
    let mut last_digit = false;
    for c in text.chars() {
        if c == '`' {
            if in_ticks {
                out.push_str("`_`");
            }
            in_ticks = !in_ticks;
            last_digit = false;
            continue;
        }
        if in_ticks {
            continue;
        }
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('N');
            }
            last_digit = true;
            continue;
        }
        last_digit = false;
        out.push(c);
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.chars().take(100).collect()
}
