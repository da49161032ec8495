//! The outcome of the conformance run for one description, and how it is printed: details per
//! description as it finishes, one table at the end.

use std::fmt::Write as _;
use std::time::Duration;

/// The outcome for one description.
#[derive(Default)]
pub struct Report {
    pub label: String,
    /// `openapi` or `asyncapi`.
    pub kind: &'static str,
    pub operations: usize,
    pub types: usize,
    /// AsyncAPI: channels typed as enums of their messages, and the messages in them.
    pub channels: usize,
    pub messages: usize,
    pub warnings: Vec<String>,
    pub generate: Option<Duration>,
    pub generate_error: Option<String>,
    /// `cargo clippy --lib -- -D warnings` of the generated crate (warnings are denied by its manifest too).
    pub clippy: Option<Duration>,
    /// `cargo build` of the example harness, then its run (neither when there are no examples).
    pub build: Option<Duration>,
    /// Why the description was generated but not compiled (`--max-operations`).
    pub skipped: Option<String>,
    /// The description has no examples: clippy is the whole check.
    pub no_examples: bool,
    pub run: Option<Duration>,
    /// Wall time for the description, from loading to the last example.
    pub total: Option<Duration>,
    pub check_error: Option<String>,
    pub examples_total: usize,
    pub decoded: usize,
    /// Examples that break their own schema, with the evidence.
    pub defects: Vec<String>,
    /// Defect examples that our types still decoded (informational).
    pub defects_decoded: usize,
    /// Non-defect examples that failed: the generator's fault.
    pub failures: Vec<String>,
    /// Mutated copies of the non-defect examples (unknown fields, unseen enum values): how many, how many decoded.
    pub forward_total: usize,
    pub forward_decoded: usize,
    /// Mutated copies that failed to decode: the generated code breaks on a change the API may make.
    pub forward_failures: Vec<String>,
    /// Unknown fields added and enum values replaced over all the copies.
    pub forward_mutations: (usize, usize),
    pub progenitor: Option<String>,
}

impl Report {
    /// Passed, or skipped after it generated.
    pub fn passed(&self) -> bool {
        if self.skipped.is_some() {
            return self.generate_error.is_none();
        }
        self.generate_error.is_none()
            && self.check_error.is_none()
            && (self.run.is_some() || (self.no_examples && self.clippy.is_some()))
            && self.failures.is_empty()
            && self.forward_failures.is_empty()
    }

    /// The first thing that went wrong, on one line.
    pub fn first_error(&self) -> Option<String> {
        let text = self
            .generate_error
            .clone()
            .map(|e| format!("generate: {e}"))
            .or_else(|| self.check_error.clone())
            .or_else(|| self.failures.first().map(|f| format!("decode: {f}")))
            .or_else(|| self.forward_failures.first().map(|f| format!("forward: {f}")))?;
        let line = text.lines().find(|l| l.contains("error")).or_else(|| text.lines().next()).unwrap_or_default();
        Some(line.trim().to_owned())
    }
}

fn seconds(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| format!("{:.1}s", d.as_secs_f64()))
}

pub fn print_details(report: &Report) {
    let mut out = String::new();
    let _ = writeln!(out, "\n== {} ({}) ==", report.label, report.kind);
    if let Some(err) = &report.generate_error {
        let _ = writeln!(out, "generation FAILED: {err}");
    }
    if let Some(why) = &report.skipped {
        let _ = writeln!(out, "{why}");
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
    let _ = writeln!(
        out,
        "times: generate {}, clippy {}, build {}, decode run {}, in all {}",
        seconds(report.generate),
        seconds(report.clippy),
        seconds(report.build),
        seconds(report.run),
        seconds(report.total)
    );
    print!("{out}");
}

/// The summary table; `first error` says why a description failed.
pub fn print_table(reports: &[Report]) {
    println!("\n| description | kind | operations | types | channels / messages | warnings | examples decoded / total (non-defect) | forward-compat decoded / total | spec defects (of which decoded) | generate | clippy -D warnings | build | decode run | total | progenitor | result | first error |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in reports {
        let non_defect = r.examples_total - r.defects.len();
        let first_error: String = r.first_error().unwrap_or_default().chars().take(160).collect();
        println!(
            "| {} | {} | {} | {} | {} / {} | {} | {} / {} | {} / {} | {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.label,
            r.kind,
            r.operations,
            r.types,
            r.channels,
            r.messages,
            r.warnings.len(),
            r.decoded,
            non_defect,
            r.forward_decoded,
            r.forward_total,
            r.defects.len(),
            r.defects_decoded,
            seconds(r.generate),
            if r.check_error.is_some() && r.build.is_none() { "FAILED".to_owned() } else { seconds(r.clippy) },
            if r.no_examples { "no examples".to_owned() } else { seconds(r.build) },
            if r.no_examples { "-".to_owned() } else { seconds(r.run) },
            seconds(r.total),
            r.progenitor.clone().unwrap_or_else(|| "not run (--progenitor)".to_owned()),
            match (&r.skipped, r.passed()) {
                (Some(_), true) => "generates; not compiled (--max-operations)",
                (_, true) => "pass",
                (_, false) => "FAIL",
            },
            first_error.replace('|', "/"),
        );
    }
    let total: Duration = reports.iter().filter_map(|r| r.total).sum();
    let passed = reports.iter().filter(|r| r.passed() && r.skipped.is_none()).count();
    let skipped = reports.iter().filter(|r| r.skipped.is_some()).count();
    println!(
        "\n{passed} of {} descriptions pass, {skipped} only generated (--max-operations); {:.0}s in all",
        reports.len(),
        total.as_secs_f64()
    );
}
