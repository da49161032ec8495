//! Project tasks: codegen, conformance, coverage, diff, bump, bench, fuzz (`cargo xtask help`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The generator allocates many small strings and token trees: mimalloc takes about a quarter
/// off the time of `cargo xtask codegen` against the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bump;
mod check_fixture;
mod codegen_task;
mod conformance;
mod coverage;
mod diff;
mod fuzz;
mod prism_published;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  codegen [--check] [--strict]   regenerate generated-client/src/generated from specs/
                                 --check: change nothing, fail if the committed code is stale
                                 --strict: treat every warning as an error
  conformance [--intercom] [--external] [--all] [--spec PATH ...] [--asyncapi PATH ...]
              [--skip LABEL,...] [--max-operations N] [--progenitor]
                                 generate, compile (warnings denied, clippy) and decode the
                                 examples of each description: Intercom's published ones
                                 (../shared/specs/intercom/*, the default), --external the other
                                 APIs' (../shared/specs/external/openapi/* and asyncapi/*), --all
                                 both; --spec an OpenAPI, --asyncapi an AsyncAPI description;
                                 --skip leaves descriptions out by label (version or file stem);
                                 --max-operations N only generates the bigger ones (CI's bound);
                                 with --progenitor, also run cargo-progenitor on each
  check-fixture --spec PATH [--wire FILE]
                                 generate a crate from one small description; clippy it with
                                 -D warnings (every feature, and none), rustdoc it with
                                 -D warnings; with --wire, run FILE as its integration test
  fuzz [--minutes N] [--seed S] [--cases K] [--operations N] [--only F,..] [--without F,..]
       [--no-shrink] [--shrink-minutes M] [--fixtures DIR] [--replay FILE] [--dump DIR]
       [--target-dir DIR]
                                 random valid descriptions (N operations each, hostile names,
                                 construct families switchable: see xtask/src/fuzz/families.rs)
                                 through the generator (twice: no panic, same output), cargo clippy
                                 -D warnings and a decode + re-encode of their response examples;
                                 each new failure class is kept, minimised, in
                                 codegen/tests/fixtures/fuzz-found/ (--replay runs one;
                                 --dump writes the descriptions and runs nothing;
                                 --target-dir: the cargo target folder every case shares)
  coverage [PUBLISHED] [--ours PATH] [--table]
                                 the operations (method + path) of a published description
                                 (default ../shared/specs/intercom/2.15) that specs/openapi.yaml
                                 lacks, and `N of M operations covered`; fails if any is missing;
                                 --table: operation counts per group, as a markdown table
  diff [--wire] OLD NEW [--asyncapi-old PATH --asyncapi-new PATH] [--json | --markdown]
                                 the change report between two descriptions: what was added,
                                 removed or changed, breaking or not, and the semver bump
                                 (operations by operationId, else by method + path);
                                 --wire: only what differs on the wire, whatever the types are
                                 named (operations by method + path, schemas walked side by
                                 side), each difference located (`GET /x 200 .data[].id`)
  bump --spec PATH [--asyncapi PATH] [--json | --markdown]
                                 replace the vendored description(s), regenerate, run the
                                 snapshot and workspace tests, print the change report;
                                 everything is restored if a step fails
  prism-published --mock-url URL [--spec PATH]
                                 call a sample of operations, through a client generated from
                                 a published description (default ../shared/specs/intercom/2.14),
                                 against a Prism mock of it (scripts/validate-specs starts one)
  bench [--quick | --check-only] [--runs N] [--cargo-runs N] [--spec PATH ...] [--no-progenitor] [--no-criterion] [--dev]
                                 markdown tables (medians) for each published description: codegen
                                 time per stage against the YAML-parse floor, generated code size,
                                 cargo check/build time of the generated crate, decode throughput of
                                 the examples (typed vs serde_json::Value), cargo-progenitor on the
                                 same descriptions, the criterion benches of generated-client;
                                 --runs: in-process runs (5), --cargo-runs: cargo runs (3),
                                 --quick: compile nothing (codegen, sizes, progenitor generation);
                                 --check-only: of the compile figures, `cargo check` of all features only;
                                 runs a release build of xtask unless --dev";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_task::run(&workspace_root(), &args[1..]),
        Some("conformance") => conformance::run(&workspace_root(), &args[1..]),
        Some("check-fixture") => check_fixture::run(&workspace_root(), &args[1..]),
        Some("coverage") => coverage::run(&workspace_root(), &args[1..]),
        Some("diff") => diff::run(&args[1..]),
        Some("bump") => bump::run(&workspace_root(), &args[1..]),
        Some("prism-published") => prism_published::run(&workspace_root(), &args[1..]),
        Some("bench") => bench::run(&workspace_root(), &args[1..]),
        Some("fuzz") => fuzz::run(&workspace_root(), &args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
