//! Project tasks: `cargo xtask codegen [--check] [--strict]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod codegen_task;
mod conformance;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  codegen [--check] [--strict]   regenerate generated-client/src/generated from specs/
                                 --check: change nothing, fail if the committed code is stale
                                 --strict: treat every warning as an error
  conformance [--spec PATH ...] [--progenitor]
                                 generate, compile and decode the examples of each published
                                 description (default: ../shared/specs/intercom/*); with
                                 --progenitor, also run cargo-progenitor on each";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_task::run(&workspace_root(), &args[1..]),
        Some("conformance") => conformance::run(&workspace_root(), &args[1..]),
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
