//! `cargo xtask bench`: how fast the generator is, how big and how slow to compile its output is,
//! how fast the generated types decode, and the same for cargo-progenitor, on Intercom's published
//! descriptions. Prints markdown tables of medians; BENCHMARKS.md keeps a copy with the commands.
//!
//! Timings are wall-clock medians of several runs. Nothing here asserts a timing.

mod progenitor;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use codegen::diagnostics::Diagnostics;
use codegen::resolve::{Documents, FileId};
use serde_json::Value;

use crate::conformance::{self, cargo, label_of, published_descriptions, write_crate};

/// Replaces the conformance check in the decode bench crate (see the file).
const DECODE_HARNESS: &str = include_str!("bench/decode_harness.rs");

/// The package name `conformance::manifest` gives the generated crate.
const OUR_PACKAGE: &str = "intercom-conformance";
const PROGENITOR_PACKAGE: &str = "intercom-progenitor";

struct Options {
    specs: Vec<PathBuf>,
    runs: usize,
    cargo_runs: usize,
    quick: bool,
    /// Compile with `cargo check` only: no build, no one-group check, no decode bench.
    check_only: bool,
    progenitor: bool,
    criterion: bool,
    /// Measure in this build of xtask even if it is a debug build.
    dev: bool,
}

fn parse(root: &Path, args: &[String]) -> Result<Options, String> {
    let mut options = Options { specs: Vec::new(), runs: 5, cargo_runs: 3, quick: false, check_only: false, progenitor: true, criterion: true, dev: false };
    let mut args = args.iter();
    let count = |value: Option<&String>, flag: &str| -> Result<usize, String> {
        value.and_then(|v| v.parse().ok()).filter(|n| *n > 0).ok_or_else(|| format!("{flag} needs a positive number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => options.specs.push(PathBuf::from(args.next().ok_or("--spec needs a path")?)),
            "--runs" => options.runs = count(args.next(), "--runs")?,
            "--cargo-runs" => options.cargo_runs = count(args.next(), "--cargo-runs")?,
            "--quick" => options.quick = true,
            "--check-only" => options.check_only = true,
            "--no-progenitor" => options.progenitor = false,
            "--no-criterion" => options.criterion = false,
            "--dev" => options.dev = true,
            other => return Err(format!("bench: unknown option `{other}`")),
        }
    }
    if options.specs.is_empty() {
        options.specs = published_descriptions(root);
    }
    if options.specs.is_empty() {
        return Err("bench: no descriptions found; pass --spec PATH or put ../shared beside the checkout".to_owned());
    }
    Ok(options)
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(root, args)?;
    if cfg!(debug_assertions) && !options.dev {
        // `cargo xtask` builds without optimizations: time the generator as built for release.
        progress("building xtask in release for the timings (--dev measures this debug build)");
        let status = Command::new(cargo())
            .args(["run", "--release", "--quiet", "--package", "xtask", "--", "bench"])
            .args(args)
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        return if status.success() { Ok(()) } else { Err("bench: the release build of xtask failed".to_owned()) };
    }
    let started = Instant::now();
    let work = std::env::temp_dir().join("intercom-bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let mut cargo_runner = CargoRunner { target: work.join("target"), warmed: BTreeSet::new() };
    let progenitor_bin = if options.progenitor { Some(conformance::install_progenitor(root)?) } else { None };

    let mut out = String::new();
    let _ = writeln!(out, "{}", machine());
    let _ = writeln!(
        out,
        "xtask built {}. Medians of {} in-process runs and {} cargo runs{}.\n",
        if cfg!(debug_assertions) { "without optimizations (dev profile, --dev)" } else { "in release" },
        options.runs,
        options.cargo_runs,
        if options.quick { "; --quick: nothing compiled" } else { "" }
    );

    let mut versions = Vec::new();
    for spec in &options.specs {
        let label = label_of(spec);
        progress(&format!("{label}: codegen stages ({} runs)", options.runs));
        let mut version = Version { label: label.clone(), ..Version::default() };
        match time_codegen(spec, &work.join("write"), options.runs) {
            Ok(codegen) => version.codegen = Some(codegen),
            Err(err) => version.error = Some(err),
        }
        if let (Some(codegen), false) = (&version.codegen, options.quick) {
            progress(&format!("{label}: compiling the generated crate"));
            version.compile = Some(compile_ours(root, &work, &mut cargo_runner, codegen, options.cargo_runs, options.check_only));
            if !options.check_only {
                progress(&format!("{label}: decode throughput (release build)"));
                version.decode = Some(decode_throughput(root, &work, &mut cargo_runner, codegen, options.runs));
            }
        }
        if let Some(bin) = &progenitor_bin {
            progress(&format!("{label}: cargo-progenitor"));
            version.progenitor = Some(compare_progenitor(root, &work, &mut cargo_runner, bin, spec, &label, &options));
        }
        versions.push(version);
    }

    out.push_str(&targets_table(&versions));
    out.push_str(&codegen_table(&versions));
    out.push_str(&size_table(&versions));
    if !options.quick {
        out.push_str(&compile_table(&versions));
        if !options.check_only {
            out.push_str(&decode_table(&versions));
        }
    }
    if options.progenitor {
        out.push_str(&progenitor_table(&versions, options.quick));
    }
    if options.criterion && !options.quick && !options.check_only {
        progress("criterion benches of generated-client (webhook, decode) with --quick");
        out.push_str(&criterion_table(root));
    } else {
        out.push_str(
            "\nCriterion benches (webhook verify + decode, typed vs Value decode): \
             `cargo bench -p generated-client --bench webhook --bench decode`.\n",
        );
    }
    let _ = writeln!(
        out,
        "\n`cargo xtask bench` took {:.0} s; load average at the end {}.",
        started.elapsed().as_secs_f64(),
        load_average()
    );
    print!("{out}");
    Ok(())
}

fn progress(what: &str) {
    eprintln!("bench: {what}...");
}

/// What one description gave.
#[derive(Default)]
struct Version {
    label: String,
    error: Option<String>,
    codegen: Option<Codegen>,
    compile: Option<Result<Compile, String>>,
    decode: Option<Result<Decode, String>>,
    progenitor: Option<ProgenitorReport>,
}

// ---------------------------------------------------------------------------------------------
// Targets

/// Where each target stands, from the figures of the tables below.
fn targets_table(versions: &[Version]) -> String {
    let mut out = String::from("\n### Targets\n\n| target | version | figure | met |\n|---|---|---|---|\n");
    let met = |ok: bool| if ok { "yes" } else { "**no**" };
    for v in versions {
        if let Some(c) = &v.codegen {
            let ratio = c.median(|s| s.wall).as_secs_f64() / c.median(|s| s.floor).as_secs_f64().max(1e-9);
            let _ = writeln!(out, "| codegen total < 3x the YAML-parse floor | {} | {ratio:.1}x | {} |", v.label, met(ratio < 3.0));
        }
    }
    for v in versions {
        if let Some(Ok(d)) = &v.decode {
            let ratio = d.typed_mb_s / d.value_mb_s.max(1e-9);
            let _ = writeln!(
                out,
                "| decode into generated types >= into `serde_json::Value` | {} | {:.0} vs {:.0} MB/s ({ratio:.2}x) | {} |",
                v.label,
                d.typed_mb_s,
                d.value_mb_s,
                met(ratio >= 1.0)
            );
        }
    }
    for v in versions {
        let Some(Ok(compile)) = &v.compile else { continue };
        if let Some(Ok(one)) = &compile.one_tag {
            let (one, all) = (one.check.0, compile.check.0);
            let _ = writeln!(
                out,
                "| clean `cargo check`, one tag ({ONE_TAG}) < all features | {} | one tag ({ONE_TAG}) vs all: {} s vs {} s | {} |",
                v.label,
                secs(one),
                secs(all),
                met(one < all)
            );
        }
    }
    for v in versions {
        let Some(Ok(a)) = v.progenitor.as_ref().map(|p| &p.adapted) else { continue };
        if let (Some(Ok((ours, _))), Some(Ok((theirs, _)))) = (&a.ours_check, &a.check) {
            let per_op = |d: &Duration, ops: usize| d.as_secs_f64() * 1000.0 / ops.max(1) as f64;
            let (ours, theirs) = (per_op(ours, a.ours_operations), per_op(theirs, a.operations));
            let _ = writeln!(
                out,
                "| `cargo check` per operation <= progenitor's, same operations | {} | {ours:.0} vs {theirs:.0} ms | {} |",
                v.label,
                met(ours <= theirs)
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Codegen stages

/// Stage timings of one run, in the pipeline's order.
#[derive(Default, Clone, Copy)]
struct Stages {
    /// `serde_yaml::from_str::<serde_yaml::Value>` of the text: the floor.
    floor: Duration,
    /// `load::load_file` (read, YAML -> JSON tree) and `Source::format`.
    load: Duration,
    /// `load::check_openapi` (the `openapiv3` data model).
    check: Duration,
    resolve: Duration,
    model: Duration,
    name: Duration,
    emit_tokens: Duration,
    format: Duration,
    write: Duration,
    /// The whole pipeline as `cargo xtask codegen` runs it (`codegen::generate` then
    /// `write::write`): the check and the emit/format parts run on both cores.
    wall: Duration,
}

impl Stages {
    fn total(&self) -> Duration {
        self.load + self.check + self.resolve + self.model + self.name + self.emit_tokens + self.format + self.write
    }
}

/// Medians of the codegen runs and what the last run produced.
struct Codegen {
    bytes: usize,
    stages: Vec<Stages>,
    output: codegen::Output,
    api: codegen::model::Api,
}

impl Codegen {
    fn median(&self, stage: impl Fn(&Stages) -> Duration) -> Duration {
        median_duration(self.stages.iter().map(stage).collect())
    }
}

fn time_codegen(spec: &Path, write_dir: &Path, runs: usize) -> Result<Codegen, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let sources = [spec.file_name().map_or_else(|| spec.display().to_string(), |n| format!("`{}`", n.to_string_lossy()))];
    let mut stages = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let mut s = Stages::default();
        let t = Instant::now();
        let yaml = serde_yaml::from_str::<serde_yaml::Value>(&text).map_err(|e| e.to_string())?;
        s.floor = t.elapsed();
        drop(yaml);

        let t = Instant::now();
        let source = codegen::load::load_file(spec).map_err(|e| e.to_string())?;
        source.format().map_err(|e| e.to_string())?;
        s.load = t.elapsed();

        let t = Instant::now();
        let checked = codegen::load::check_openapi(&source).map_err(|e| e.to_string())?;
        s.check = t.elapsed();
        drop(checked);

        let t = Instant::now();
        let mut diags = Diagnostics::new(false);
        let docs = Documents::resolve(vec![source], &mut diags).map_err(|e| e.to_string())?;
        s.resolve = t.elapsed();

        let t = Instant::now();
        let mut api = codegen::model::build(&docs, FileId(0), None, &mut diags).map_err(|e| e.to_string())?;
        s.model = t.elapsed();

        let t = Instant::now();
        codegen::name::assign(&mut api);
        s.name = t.elapsed();

        let t = Instant::now();
        let tokens = codegen::emit::emit_tokens(&api);
        s.emit_tokens = t.elapsed();

        let t = Instant::now();
        let files = codegen::emit::format(tokens, &sources).map_err(|e| e.to_string())?;
        s.format = t.elapsed();

        let _ = std::fs::remove_dir_all(write_dir);
        let t = Instant::now();
        codegen::write::write(write_dir, &files).map_err(|e| e.to_string())?;
        s.write = t.elapsed();

        let _ = std::fs::remove_dir_all(write_dir);
        let config = codegen::Config { openapi: spec.to_path_buf(), asyncapi: None, strict: false };
        let t = Instant::now();
        let output = codegen::generate(&config).map_err(|e| e.to_string())?;
        codegen::write::write(write_dir, &output.files).map_err(|e| e.to_string())?;
        s.wall = t.elapsed();

        stages.push(s);
        last = Some((codegen::Output { files, warnings: diags.warnings }, api));
    }
    let (output, api) = last.ok_or("no run")?;
    Ok(Codegen { bytes: text.len(), stages, output, api })
}

fn codegen_table(versions: &[Version]) -> String {
    let mut out = String::from(
        "\n### Codegen time per stage (ms)\n\n\
         `floor` is `serde_yaml::from_str::<serde_yaml::Value>` of the text alone, in one thread; `load` reads \
         the file and turns the YAML into a JSON tree (a large block-style document in pieces on every core, aliases bounded); `check` is \
         `load::check_openapi` (the openapiv3 model); `emit` builds the token streams, `format` is syn + \
         prettyplease; `write` writes into an empty folder: each stage timed alone, in one thread, \
         and `sum` adds them up. `total` is the pipeline as `cargo xtask codegen` runs it \
         (`codegen::generate` + `write`), where the check runs beside resolve, model and name, and the parts of \
         the files are emitted and formatted on every core. Target: total < 3x floor.\n\n\
         | version | input | floor | load | check | resolve | model | name | emit | format | write | sum | total | total / floor |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for v in versions {
        let Some(c) = &v.codegen else {
            let _ = writeln!(out, "| {} | failed: {} |", v.label, cell(v.error.as_deref().unwrap_or("")));
            continue;
        };
        let floor = c.median(|s| s.floor);
        let total = c.median(|s| s.wall);
        let _ = writeln!(
            out,
            "| {} | {} KB | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | **{}** | **{:.1}x** |",
            v.label,
            c.bytes / 1024,
            ms(floor),
            ms(c.median(|s| s.load)),
            ms(c.median(|s| s.check)),
            ms(c.median(|s| s.resolve)),
            ms(c.median(|s| s.model)),
            ms(c.median(|s| s.name)),
            ms(c.median(|s| s.emit_tokens)),
            ms(c.median(|s| s.format)),
            ms(c.median(|s| s.write)),
            ms(c.median(Stages::total)),
            ms(total),
            total.as_secs_f64() / floor.as_secs_f64().max(1e-9),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Code size

/// Lines and items of Rust source formatted by prettyplease (one item header a line).
#[derive(Default, Clone, Copy)]
struct Size {
    lines: usize,
    structs: usize,
    enums: usize,
    fns: usize,
    impls: usize,
}

impl Size {
    fn of(text: &str) -> Size {
        let mut size = Size { lines: text.lines().count(), ..Size::default() };
        for line in text.lines() {
            let mut rest = line.trim_start();
            if rest.starts_with("//") {
                continue;
            }
            loop {
                let before = rest;
                for qualifier in ["pub(crate) ", "pub(super) ", "pub ", "async ", "const ", "unsafe ", "default "] {
                    rest = rest.strip_prefix(qualifier).unwrap_or(rest);
                }
                if rest == before {
                    break;
                }
            }
            if rest.starts_with("struct ") {
                size.structs += 1;
            } else if rest.starts_with("enum ") {
                size.enums += 1;
            } else if rest.starts_with("fn ") {
                size.fns += 1;
            } else if rest.starts_with("impl ") || rest.starts_with("impl<") {
                size.impls += 1;
            }
        }
        size
    }

    fn add(self, other: Size) -> Size {
        Size {
            lines: self.lines + other.lines,
            structs: self.structs + other.structs,
            enums: self.enums + other.enums,
            fns: self.fns + other.fns,
            impls: self.impls + other.impls,
        }
    }

    fn row(&self) -> String {
        format!("{} | {} | {} | {} | {}", self.lines, self.structs, self.enums, self.fns, self.impls)
    }
}

fn size_table(versions: &[Version]) -> String {
    let mut out = String::from(
        "\n### Generated code size\n\n\
         Ours: `src/generated/*.rs` (the hand-written runtime, about 3,300 lines, comes on top). Progenitor: \
         `src/lib.rs` of its crate, generated from the adapted description (see below).\n\n\
         | version | generator | file | lines | structs | enums | fns | impls |\n\
         |---|---|---|---:|---:|---:|---:|---:|\n",
    );
    for v in versions {
        if let Some(c) = &v.codegen {
            let mut total = Size::default();
            for file in &c.output.files {
                let size = Size::of(&file.contents);
                total = total.add(size);
                let _ = writeln!(out, "| {} | ours | {} | {} |", v.label, file.path, size.row());
            }
            let _ = writeln!(out, "| {} | ours | **all** | {} |", v.label, total.row());
        }
        if let Some(Ok(p)) = v.progenitor.as_ref().map(|p| &p.adapted) {
            let _ = writeln!(out, "| {} | progenitor | lib.rs | {} |", v.label, p.size.row());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Compiling

/// Runs cargo in generated crates with one shared target folder.
struct CargoRunner {
    target: PathBuf,
    /// (package, profile) whose dependencies are already built.
    warmed: BTreeSet<(String, String)>,
}

impl CargoRunner {
    /// Runs `cargo <args>` in `dir`; gives the time it took, or the first errors.
    fn run(&self, dir: &Path, args: &[&str]) -> Result<Duration, String> {
        let started = Instant::now();
        let output = Command::new(cargo())
            .args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let elapsed = started.elapsed();
        if output.status.success() {
            Ok(elapsed)
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).take(5).collect();
            Err(format!("`cargo {}` failed: {}", args.join(" "), first.join(" / ")))
        }
    }

    /// Median time of `cargo <args>` after `cargo clean -p package` (dependencies stay built),
    /// and after touching `touch` (an incremental rebuild).
    fn clean_and_incremental(
        &mut self,
        dir: &Path,
        package: &str,
        args: &[&str],
        touch: &Path,
        runs: usize,
    ) -> Result<(Duration, Duration), String> {
        if self.warmed.insert((package.to_owned(), args.join(" "))) {
            // The first build of a kind also builds the dependencies: not measured.
            self.run(dir, args)?;
        }
        let mut clean = Vec::new();
        let mut incremental = Vec::new();
        for _ in 0..runs {
            self.run(dir, &["clean", "--quiet", "-p", package])?;
            clean.push(self.run(dir, args)?);
            touch_file(touch)?;
            incremental.push(self.run(dir, args)?);
        }
        Ok((median_duration(clean), median_duration(incremental)))
    }
}

fn touch_file(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

const CHECK: &[&str] = &["check", "--lib", "--quiet", "--message-format=short"];
const BUILD: &[&str] = &["build", "--lib", "--quiet", "--message-format=short"];

struct Compile {
    lines: usize,
    check: (Duration, Duration),
    /// `None` under `--check-only`.
    build: Option<(Duration, Duration)>,
    /// `cargo check` with the [`ONE_TAG`] feature alone; `None` when the description has no such group.
    one_tag: Option<Result<OneTag, String>>,
}

/// The resource group whose feature is compiled alone, next to all features.
const ONE_TAG: &str = "contacts";

struct OneTag {
    operations: usize,
    /// The types the group reaches, all the feature compiles.
    types: usize,
    /// Clean and incremental.
    check: (Duration, Duration),
}

/// Writes the client crate as users get it (runtime + generated code, no harness) into `dir`.
fn write_client(root: &Path, dir: &Path, api: &codegen::model::Api, files: &[codegen::GeneratedFile]) -> Result<(), String> {
    let features = codegen::write::manifest::features_section(api);
    write_crate(root, dir, files, &features, "pub fn run() {}\n")?;
    let src = dir.join("src");
    std::fs::copy(root.join("generated-client/src/lib.rs"), src.join("lib.rs")).map_err(|e| e.to_string())?;
    for harness in ["conformance_check.rs", "conformance_examples.rs"] {
        std::fs::remove_file(src.join(harness)).map_err(|e| e.to_string())?;
    }
    std::fs::remove_dir_all(src.join("bin")).map_err(|e| e.to_string())
}

fn compile_ours(root: &Path, work: &Path, runner: &mut CargoRunner, codegen: &Codegen, runs: usize, check_only: bool) -> Result<Compile, String> {
    let (api, files) = (&codegen.api, &codegen.output.files);
    let dir = work.join("client");
    write_client(root, &dir, api, files)?;
    let touch = dir.join("src/generated/types.rs");
    let check = runner.clean_and_incremental(&dir, OUR_PACKAGE, CHECK, &touch, runs)?;
    if check_only {
        return Ok(Compile { lines: files.iter().map(|f| f.contents.lines().count()).sum(), check, build: None, one_tag: None });
    }
    let build = Some(runner.clean_and_incremental(&dir, OUR_PACKAGE, BUILD, &touch, runs)?);
    let one_tag = api.features.iter().find(|f| f.name == ONE_TAG).map(|feature| {
        let args = [CHECK, &["--no-default-features", "--features", ONE_TAG]].concat();
        let operations = match &feature.kind {
            codegen::model::FeatureKind::Group(tag) => api.operations.iter().filter(|op| &op.tag == tag).count(),
            _ => 0,
        };
        runner
            .clean_and_incremental(&dir, OUR_PACKAGE, &args, &touch, runs)
            .map(|check| OneTag { operations, types: feature.types.len(), check })
    });
    Ok(Compile { lines: files.iter().map(|f| f.contents.lines().count()).sum(), check, build, one_tag })
}

fn compile_table(versions: &[Version]) -> String {
    let mut out = String::from(
        "\n### Compiling the generated crate (s)\n\n\
         The client crate as users get it (runtime + generated code), dependencies already built: `clean` \
         after `cargo clean -p intercom-conformance`, `incremental` after touching `src/generated/types.rs`.\n\n\
         | version | operations | types | generated lines | check clean | check incremental | build clean | build incremental | check clean per operation |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for v in versions {
        let (Some(c), Some(compile)) = (&v.codegen, &v.compile) else { continue };
        let (operations, types) = (c.api.operations.len(), c.api.types.len());
        match compile {
            Ok(r) => {
                let _ = writeln!(
                    out,
                    "| {} | {operations} | {types} | {} | {} | {} | {} | {} | {:.0} ms |",
                    v.label,
                    r.lines,
                    secs(r.check.0),
                    secs(r.check.1),
                    r.build.map_or("-".to_owned(), |b| secs(b.0)),
                    r.build.map_or("-".to_owned(), |b| secs(b.1)),
                    r.check.0.as_secs_f64() * 1000.0 / operations.max(1) as f64,
                );
            }
            Err(err) => {
                let _ = writeln!(out, "| {} | {operations} | {types} | failed: {} |", v.label, cell(err));
            }
        }
    }
    out.push_str(&one_tag_table(versions));
    out
}

fn one_tag_table(versions: &[Version]) -> String {
    let mut out = format!(
        "\n### One resource group vs all features (s)\n\n\
         Every resource group is a cargo feature that compiles its operations and the types they reach \
         (`default = [\"full\"]`). `cargo check --no-default-features --features {ONE_TAG}` next to \
         `cargo check` with every feature, same crate, same measurement as above.\n\n\
         | version | features | {ONE_TAG}: operations / all | types / all | check clean, {ONE_TAG} | check clean, all | {ONE_TAG} / all | check incremental, {ONE_TAG} | check incremental, all |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for v in versions {
        let (Some(c), Some(Ok(compile))) = (&v.codegen, &v.compile) else { continue };
        let (operations, types, features) = (c.api.operations.len(), c.api.types.len(), c.api.features.len());
        match &compile.one_tag {
            Some(Ok(one)) => {
                let _ = writeln!(
                    out,
                    "| {} | {features} | {} / {operations} | {} / {types} | {} | {} | **{:.2}** | {} | {} |",
                    v.label,
                    one.operations,
                    one.types,
                    secs(one.check.0),
                    secs(compile.check.0),
                    one.check.0.as_secs_f64() / compile.check.0.as_secs_f64().max(1e-9),
                    secs(one.check.1),
                    secs(compile.check.1),
                );
            }
            Some(Err(err)) => {
                let _ = writeln!(out, "| {} | {features} | failed: {} |", v.label, cell(err));
            }
            // `--check-only` builds nothing but the crate with every feature.
            None if compile.build.is_none() => {
                let _ = writeln!(out, "| {} | {features} | not measured (`--check-only`) |", v.label);
            }
            None => {
                let _ = writeln!(out, "| {} | {features} | no `{ONE_TAG}` group in this description |", v.label);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Decoding

struct Decode {
    examples: usize,
    decoded: usize,
    bytes: usize,
    typed_mb_s: f64,
    value_mb_s: f64,
    /// (origin, bytes, typed speed / Value speed) of the examples slowest typed next to Value.
    slowest: Vec<(String, u64, f64)>,
}

/// Builds the example list of the conformance harness against the generated crate in release,
/// with a bench `check` in place of the conformance one, and runs it.
fn decode_throughput(root: &Path, work: &Path, runner: &mut CargoRunner, codegen: &Codegen, runs: usize) -> Result<Decode, String> {
    let harness = codegen::emit::conformance::harness(&codegen.api).map_err(|e| e.to_string())?;
    let dir = work.join("client");
    let features = codegen::write::manifest::features_section(&codegen.api);
    write_crate(root, &dir, &codegen.output.files, &features, &harness)?;
    let src = dir.join("src");
    std::fs::write(src.join("conformance_check.rs"), DECODE_HARNESS).map_err(|e| e.to_string())?;
    std::fs::write(src.join("bin/conformance.rs"), "fn main() {\n    intercom::conformance_check::main();\n}\n")
        .map_err(|e| e.to_string())?;
    runner.run(&dir, &["build", "--release", "--quiet", "--bin", "conformance"])?;
    let bin = runner.target.join("release/conformance");
    let output = Command::new(&bin).arg(runs.to_string()).output().map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !output.status.success() {
        return Err(format!("the decode bench failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let line: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("the decode bench printed no JSON: {e}"))?;
    let rates = |key: &str| -> f64 {
        median(line.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default())
    };
    let count = |key: &str| line.get(key).and_then(Value::as_u64).unwrap_or(0) as usize;
    Ok(Decode {
        examples: count("examples"),
        decoded: count("decoded"),
        bytes: count("bytes"),
        typed_mb_s: rates("typed_mb_s"),
        value_mb_s: rates("value_mb_s"),
        slowest: line
            .get("slowest")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| {
                let origin = s.get("origin").and_then(Value::as_str).unwrap_or_default();
                let pointer = origin.split_once('#').map_or(origin, |(_, p)| p).to_owned();
                let bytes = s.get("bytes").and_then(Value::as_u64).unwrap_or(0);
                (pointer, bytes, s.get("typed_over_value").and_then(Value::as_f64).unwrap_or(0.0))
            })
            .collect(),
    })
}

fn decode_table(versions: &[Version]) -> String {
    let mut out = String::from(
        "\n### Decoding the description's response examples (release build)\n\n\
         Every response example of the description, as compact JSON, decoded with `serde_json::from_str` into \
         its generated type and into `serde_json::Value`; only examples that decode into their type count. \
         Target: typed >= Value.\n\n\
         | version | examples decoded / all | bytes | typed MB/s | Value MB/s | typed / Value |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for v in versions {
        match &v.decode {
            Some(Ok(d)) => {
                let _ = writeln!(
                    out,
                    "| {} | {} / {} | {} KB | {:.0} | {:.0} | **{:.2}x** |",
                    v.label,
                    d.decoded,
                    d.examples,
                    d.bytes / 1024,
                    d.typed_mb_s,
                    d.value_mb_s,
                    d.typed_mb_s / d.value_mb_s.max(1e-9)
                );
            }
            Some(Err(err)) => {
                let _ = writeln!(out, "| {} | failed: {} |", v.label, cell(err));
            }
            None => {}
        }
    }
    let slowest: Vec<String> = versions
        .iter()
        .filter_map(|v| match &v.decode {
            Some(Ok(d)) => Some(d.slowest.iter().map(move |(origin, bytes, ratio)| {
                format!("| {} | `{origin}` | {bytes} | {ratio:.2}x |", v.label)
            })),
            _ => None,
        })
        .flatten()
        .collect();
    if !slowest.is_empty() {
        out.push_str(
            "\nThe examples whose typed decode is slowest next to `Value` (each timed alone, about 2 ms each way):\n\n\
             | version | example | bytes | typed / Value |\n|---|---|---:|---:|\n",
        );
        for row in slowest {
            let _ = writeln!(out, "{row}");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Progenitor

struct ProgenitorReport {
    /// cargo-progenitor on the description as published.
    published: String,
    adapted: Result<ProgenitorAdapted, String>,
}

struct ProgenitorAdapted {
    changes: Vec<String>,
    generate: Duration,
    operations: usize,
    size: Size,
    /// Ours on the same adapted description: in-process codegen total, operations, check times.
    ours_generate: Duration,
    ours_operations: usize,
    ours_lines: usize,
    check: Option<Result<(Duration, Duration), String>>,
    ours_check: Option<Result<(Duration, Duration), String>>,
}

fn compare_progenitor(
    root: &Path,
    work: &Path,
    runner: &mut CargoRunner,
    bin: &Path,
    spec: &Path,
    label: &str,
    options: &Options,
) -> ProgenitorReport {
    let published = match progenitor::generate(bin, spec, &work.join(format!("progenitor-published-{label}")), PROGENITOR_PACKAGE) {
        Ok(time) => format!("generates ({})", secs(time)),
        Err(reason) => format!("fails: {reason}"),
    };
    let adapted = adapted_progenitor(root, work, runner, bin, spec, label, options);
    ProgenitorReport { published, adapted }
}

fn adapted_progenitor(
    root: &Path,
    work: &Path,
    runner: &mut CargoRunner,
    bin: &Path,
    spec: &Path,
    label: &str,
    options: &Options,
) -> Result<ProgenitorAdapted, String> {
    let adapted_spec = work.join(format!("adapted-{label}.json"));
    let changes = progenitor::adapt(spec, &adapted_spec)?;
    let out = work.join(format!("progenitor-{label}"));
    let mut times = Vec::new();
    for _ in 0..options.runs.min(3) {
        let time = progenitor::generate(bin, &adapted_spec, &out, PROGENITOR_PACKAGE)
            .map_err(|reason| format!("still fails: {reason} (after: {})", changes.join("; ")))?;
        times.push(time);
    }
    let lib = out.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    let size = Size::of(&text);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&adapted_spec).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let operations = doc
        .get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .values()
                .map(|item| progenitor::METHODS.iter().filter(|m| item.get(**m).is_some()).count())
                .sum()
        })
        .unwrap_or(0);
    // Ours on the same adapted description, so that both cover the same operations.
    let ours = time_codegen(&adapted_spec, &work.join("write"), options.runs.min(3))?;
    let mut report = ProgenitorAdapted {
        changes,
        generate: median_duration(times),
        operations,
        size,
        ours_generate: ours.median(|s| s.wall),
        ours_operations: ours.api.operations.len(),
        ours_lines: ours.output.files.iter().map(|f| f.contents.lines().count()).sum(),
        check: None,
        ours_check: None,
    };
    if !options.quick {
        progress(&format!("{label}: compiling progenitor's crate"));
        // An empty workspace table keeps cargo from looking for a parent workspace.
        let manifest = out.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            if !text.contains("[workspace]") {
                let _ = std::fs::write(&manifest, format!("{text}\n[workspace]\n"));
            }
        }
        report.check = Some(runner.clean_and_incremental(&out, PROGENITOR_PACKAGE, CHECK, &lib, options.cargo_runs));
        progress(&format!("{label}: compiling ours from the adapted description"));
        let dir = work.join("client");
        report.ours_check = Some(
            write_client(root, &dir, &ours.api, &ours.output.files).and_then(|()| {
                runner.clean_and_incremental(&dir, OUR_PACKAGE, CHECK, &dir.join("src/generated/types.rs"), options.cargo_runs)
            }),
        );
    }
    Ok(report)
}

fn progenitor_table(versions: &[Version], quick: bool) -> String {
    let mut out = String::from(
        "\n### cargo-progenitor\n\n\
         cargo-progenitor 0.15 (`cargo-progenitor progenitor -i SPEC -o OUT -n intercom-progenitor -v 0.0.0`) \
         on each description as published, then on a copy adapted until it generates (the changes are listed); \
         ours is run on the same adapted copy, so both cover the same operations. Generation: progenitor is a \
         process (median of up to 3), ours is the in-process total from load to write. `cargo check` of \
         progenitor's crate: after `cargo clean -p intercom-progenitor`, dependencies (progenitor-client, \
         reqwest 0.13, ...) already built; ours includes its runtime. Target: ours <= progenitor in check \
         time per operation.\n\n",
    );
    out.push_str("| version | as published | adapted copy |\n|---|---|---|\n");
    for v in versions {
        let Some(p) = &v.progenitor else { continue };
        let adapted = match &p.adapted {
            Ok(a) => a.changes.join("; "),
            Err(err) => err.clone(),
        };
        let _ = writeln!(out, "| {} | {} | {} |", v.label, cell(&p.published), cell(&adapted));
    }
    out.push_str(
        "\n| version (adapted) | generator | operations | generate | lines | check clean | check incremental | check clean per operation |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for v in versions {
        let Some(Ok(a)) = v.progenitor.as_ref().map(|p| &p.adapted) else { continue };
        let rows = [
            ("progenitor", a.operations, a.generate, a.size.lines, &a.check),
            ("ours", a.ours_operations, a.ours_generate, a.ours_lines, &a.ours_check),
        ];
        for (generator, operations, generate, lines, check) in rows {
            let (clean, incremental, per_op) = match check {
                Some(Ok((clean, incremental))) => (
                    secs(*clean),
                    secs(*incremental),
                    format!("{:.0} ms", clean.as_secs_f64() * 1000.0 / operations.max(1) as f64),
                ),
                Some(Err(err)) => (format!("failed: {}", cell(err)), "-".to_owned(), "-".to_owned()),
                None if quick => ("(--quick)".to_owned(), "-".to_owned(), "-".to_owned()),
                None => ("-".to_owned(), "-".to_owned(), "-".to_owned()),
            };
            let _ = writeln!(
                out,
                "| {} | {generator} | {operations} | {} | {lines} | {clean} | {incremental} | {per_op} |",
                v.label,
                ms(generate)
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Criterion

/// (group/function, what one iteration is) of the benches in generated-client/benches.
const CRITERION: &[(&str, &str)] = &[
    ("webhook/verify", "notification"),
    ("webhook/verify_and_decode", "notification"),
    ("webhook/verify_and_decode_value", "notification"),
    ("decode_contact/typed", "contact"),
    ("decode_contact/value", "contact"),
    ("decode_conversation/typed", "conversation"),
    ("decode_conversation/value", "conversation"),
];

fn criterion_table(root: &Path) -> String {
    let command = ["bench", "-p", "generated-client", "--bench", "webhook", "--bench", "decode", "--", "--quick"];
    let mut out = format!(
        "\n### Criterion benches of the client (`cargo {}`)\n\n\
         `webhook/*`: one ~5 KB `conversation.user.replied` notification through \
         `WebhookVerifier::verify_and_decode` (HMAC-SHA1 + typed decode), through `verify` alone, and through \
         `verify` + `serde_json::Value`. `decode_*`: a realistic contact / conversation, typed vs `Value`.\n\n",
        command.join(" ")
    );
    let output = Command::new(cargo()).args(command).current_dir(root).output();
    match output {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            let _ = writeln!(out, "failed: {}", cell(&String::from_utf8_lossy(&o.stderr).lines().rev().take(5).collect::<Vec<_>>().join(" / ")));
            return out;
        }
        Err(e) => {
            let _ = writeln!(out, "cannot run cargo: {e}");
            return out;
        }
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    out.push_str("| bench | median time | per second |\n|---|---:|---:|\n");
    for (id, unit) in CRITERION {
        let estimates = target.join("criterion").join(id).join("new/estimates.json");
        let median_ns = std::fs::read_to_string(&estimates)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v.pointer("/median/point_estimate").and_then(Value::as_f64));
        match median_ns {
            Some(ns) => {
                let _ = writeln!(out, "| {id} | {:.2} µs | {:.0} {unit}s/s |", ns / 1000.0, 1e9 / ns);
            }
            None => {
                let _ = writeln!(out, "| {id} | no result in {} | |", estimates.display());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn machine() -> String {
    let command = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let cores = command("nproc", &[]).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or_else(|_| "?".to_owned(), |n| n.get().to_string())
    });
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| t.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, m)| m.trim().to_owned()))
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!(
        "Machine: {cores} cores (`nproc`), {cpu}; {}; load average at start {}.",
        command("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".to_owned()),
        load_average()
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    // The middle value, or the mean of the two middle values.
    let n = values.len();
    (values[(n - 1) / 2] + values[n / 2]) / 2.0
}

fn median_duration(values: Vec<Duration>) -> Duration {
    Duration::from_secs_f64(median(values.iter().map(Duration::as_secs_f64).collect()))
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

/// Text fit for one markdown table cell.
fn cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "/")
}
