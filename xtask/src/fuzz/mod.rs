//! `cargo xtask fuzz`: generates random valid OpenAPI descriptions (many operations each, hostile
//! names, every construct family switchable), runs each through the generator, `cargo clippy -D
//! warnings` and a decode + re-encode of response examples, and keeps every new kind of failure
//! as a minimised fixture.

mod case;
mod describe;
mod families;
mod names;
mod pagination;
mod rng;
mod schemas;
mod shrink;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use case::{Failure, Stage};
use families::Families;

struct Options {
    minutes: f64,
    seed: u64,
    cases: Option<u64>,
    operations: usize,
    families: Families,
    shrink: bool,
    shrink_minutes: f64,
    fixtures: PathBuf,
    replay: Option<PathBuf>,
    dump: Option<PathBuf>,
    target: Option<PathBuf>,
}

fn parse(root: &Path, args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        minutes: 10.0,
        seed: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs()),
        cases: None,
        operations: 30,
        families: Families::all(),
        shrink: true,
        shrink_minutes: 5.0,
        fixtures: root.join("codegen/tests/fixtures/fuzz-found"),
        replay: None,
        dump: None,
        target: None,
    };
    let (mut only, mut without) = (None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().cloned().ok_or_else(|| format!("fuzz: {name} needs a value"));
        let number = |text: String, name: &str| text.parse::<f64>().map_err(|_| format!("fuzz: {name} takes a number, not `{text}`"));
        match arg.as_str() {
            "--minutes" => options.minutes = number(value("--minutes")?, "--minutes")?,
            "--seed" => options.seed = number(value("--seed")?, "--seed")? as u64,
            "--cases" => options.cases = Some(number(value("--cases")?, "--cases")? as u64),
            "--operations" => options.operations = number(value("--operations")?, "--operations")? as usize,
            "--only" => only = Some(value("--only")?),
            "--without" => without = Some(value("--without")?),
            "--no-shrink" => options.shrink = false,
            "--shrink-minutes" => options.shrink_minutes = number(value("--shrink-minutes")?, "--shrink-minutes")?,
            "--fixtures" => options.fixtures = PathBuf::from(value("--fixtures")?),
            "--replay" => options.replay = Some(PathBuf::from(value("--replay")?)),
            "--dump" => options.dump = Some(PathBuf::from(value("--dump")?)),
            "--target-dir" => options.target = Some(PathBuf::from(value("--target-dir")?)),
            other => return Err(format!("fuzz: unknown option `{other}`")),
        }
    }
    options.families = Families::select(only.as_deref(), without.as_deref())?;
    Ok(options)
}

/// Everything a run found.
#[derive(Default)]
struct Summary {
    cases: u64,
    operations: usize,
    failing_cases: u64,
    /// Class -> (cases showing it, first seed, fixture written for it).
    classes: BTreeMap<String, (u64, u64, Option<PathBuf>)>,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(root, args)?;
    // The cargo target folder is shared by every case and run (the runtime's dependencies build
    // once); each run writes its crates in a folder of its own.
    let shared = std::env::temp_dir().join("intercom-fuzz");
    let target = options.target.clone().unwrap_or_else(|| shared.join("target"));
    let work = shared.join(format!("run-{}", std::process::id()));
    if let Some(path) = &options.replay {
        let result = replay(root, &work, &target, path);
        let _ = std::fs::remove_dir_all(&work);
        return result;
    }
    println!(
        "fuzz: seeds from {}, {} operations a description, families {}, {} minutes{}",
        options.seed,
        options.operations,
        options.families.list(),
        options.minutes,
        options.cases.map(|c| format!(" or {c} cases")).unwrap_or_default()
    );
    let started = Instant::now();
    let mut summary = Summary::default();
    for index in 0.. {
        if options.cases.is_some_and(|c| index >= c) || started.elapsed() > Duration::from_secs_f64(options.minutes * 60.0) {
            break;
        }
        let seed = options.seed.wrapping_add(index);
        let doc = describe::generate(seed, &options.families, options.operations);
        if let Some(dir) = &options.dump {
            let path = dir.join(format!("fuzz-{seed}.json"));
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            std::fs::write(&path, serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", path.display());
            continue;
        }
        let case_started = Instant::now();
        let failures = case::run(root, &work.join("case"), &target, &doc, Stage::RoundTrip, true);
        summary.cases += 1;
        summary.operations += count_operations(&doc);
        let classes: Vec<&str> = failures.iter().map(|f| f.class.as_str()).collect();
        println!(
            "case {} (seed {seed}): {} in {:.0}s{}",
            index + 1,
            if failures.is_empty() { "pass" } else { "FAIL" },
            case_started.elapsed().as_secs_f64(),
            if classes.is_empty() { String::new() } else { format!(": {}", classes.join(" | ")) }
        );
        if failures.is_empty() {
            continue;
        }
        summary.failing_cases += 1;
        for failure in &failures {
            let entry = summary.classes.entry(failure.class.clone()).or_insert((0, seed, None));
            entry.0 += 1;
        }
        if options.shrink {
            // Shrinking after the run's time is up gets one more shrink budget in all.
            let hard_end = started + Duration::from_secs_f64((options.minutes + options.shrink_minutes) * 60.0);
            keep_fixtures(root, &work, &target, &options, (seed, hard_end), &doc, &failures, &mut summary);
        }
    }
    print_summary(&summary, started.elapsed());
    let _ = std::fs::remove_dir_all(&work);
    if summary.failing_cases == 0 {
        Ok(())
    } else {
        Err(format!("fuzz: {} of {} descriptions failed (see above)", summary.failing_cases, summary.cases))
    }
}

/// For each class of `failures` without a fixture yet: shrinks `doc` while the class persists and writes the fixture.
#[allow(clippy::too_many_arguments)]
fn keep_fixtures(
    root: &Path,
    work: &Path,
    target: &Path,
    options: &Options,
    (seed, hard_end): (u64, Instant),
    doc: &Value,
    failures: &[Failure],
    summary: &mut Summary,
) {
    for failure in failures {
        let path = options.fixtures.join(format!("{}.yaml", slug(&failure.class)));
        if path.exists() {
            continue;
        }
        let started = Instant::now();
        let deadline = (started + Duration::from_secs_f64(options.shrink_minutes * 60.0)).min(hard_end);
        // Only the clippy configuration the failure is in (the default one needs no others).
        let configs = failure.class.starts_with("clippy (");
        let mut still_fails = |candidate: &Value| {
            case::run(root, &work.join("shrink"), target, candidate, failure.stage(), configs).iter().any(|f| f.class == failure.class)
        };
        let mut shrinker = shrink::Shrinker::new(seed, deadline, &mut still_fails);
        let small = shrinker.shrink(doc);
        let attempts = shrinker.attempts;
        // The evidence from the minimised description itself.
        let detail = case::run(root, &work.join("shrink"), target, &small, failure.stage(), configs)
            .into_iter()
            .find(|f| f.class == failure.class)
            .map_or_else(|| failure.detail.clone(), |f| f.detail);
        match write_fixture(&path, &failure.class, &detail, seed, options, &small) {
            Ok(()) => {
                println!(
                    "  kept {} ({} operations, {attempts} shrink attempts, {:.0}s)",
                    path.display(),
                    count_operations(&small),
                    started.elapsed().as_secs_f64()
                );
                if let Some(entry) = summary.classes.get_mut(&failure.class) {
                    entry.2 = Some(path);
                }
            }
            Err(err) => eprintln!("  cannot write {}: {err}", path.display()),
        }
    }
}

fn write_fixture(path: &Path, class: &str, detail: &str, seed: u64, options: &Options, doc: &Value) -> Result<(), String> {
    let mut text = String::from("# Found by `cargo xtask fuzz`, minimised; fails until the generator is fixed (not run in CI).\n");
    text.push_str(&format!("# seed: {seed} ({} operations a description; families: {})\n", options.operations, options.families.list()));
    text.push_str(&format!("# failure: {class}\n"));
    for line in detail.lines().take(14) {
        text.push_str(&format!("#   {line}\n"));
    }
    text.push_str(&format!("# replay: cargo xtask fuzz --replay {}\n", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
    text.push_str(&serde_yaml::to_string(doc).map_err(|e| e.to_string())?);
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| e.to_string())
}

/// Runs one description (a kept fixture) through every stage and prints what fails.
fn replay(root: &Path, work: &Path, target: &Path, path: &Path) -> Result<(), String> {
    let fixtures = root.join("codegen/tests/fixtures/fuzz-found");
    let path = if path.exists() { path.to_path_buf() } else { fixtures.join(path) };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Value = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let failures = case::run(root, &work.join("case"), target, &doc, Stage::RoundTrip, true);
    if failures.is_empty() {
        println!("{}: passes", path.display());
        return Ok(());
    }
    for failure in &failures {
        println!("{}\n{}\n", failure.class, failure.detail);
    }
    Err(format!("{}: {} failure classes", path.display(), failures.len()))
}

fn count_operations(doc: &Value) -> usize {
    doc.get("paths").and_then(Value::as_object).map_or(0, |paths| paths.values().filter_map(Value::as_object).map(|i| i.len()).sum())
}

/// A file name for a failure class.
fn slug(class: &str) -> String {
    let mut out = String::new();
    for c in class.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(80).collect::<String>().trim_end_matches('-').to_owned()
}

fn print_summary(summary: &Summary, elapsed: Duration) {
    println!(
        "\nfuzz summary: {} descriptions, {} operations, {} failing, in {:.1} min",
        summary.cases,
        summary.operations,
        summary.failing_cases,
        elapsed.as_secs_f64() / 60.0
    );
    if summary.classes.is_empty() {
        return;
    }
    println!("| failure class | descriptions | first seed | fixture |\n|---|---|---|---|");
    for (class, (count, seed, fixture)) in &summary.classes {
        let fixture = fixture.as_ref().and_then(|p| p.file_name()).map_or_else(|| "-".to_owned(), |n| n.to_string_lossy().into_owned());
        println!("| {} | {count} | {seed} | {fixture} |", class.replace('|', "/"));
    }
}

#[cfg(test)]
mod tests;
