//! `cargo xtask diff [--wire] OLD NEW [--asyncapi-old P --asyncapi-new P] [--json | --markdown]`:
//! the change report between two descriptions, compared at the level of the intermediate model:
//! for users of the generated crate (Rust names), or with `--wire` for what goes over the wire
//! (`codegen::diff::wire`, no names at all).

use std::path::PathBuf;

use codegen::diff::ChangeReport;
use codegen::Config;

/// How to print a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// Renders a report in the chosen format.
pub fn render(report: &ChangeReport, format: Format) -> String {
    match format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json() + "\n",
        Format::Markdown => report.to_markdown(),
    }
}

/// Builds both models and compares them; errors name the side that failed.
pub fn compare(old: &Config, new: &Config) -> Result<ChangeReport, String> {
    codegen::diff::compare_configs(old, new).map_err(|e| format!("cannot compare the descriptions: {e}"))
}

pub fn run(args: &[String]) -> Result<(), String> {
    const USAGE: &str = "usage: cargo xtask diff [--wire] OLD NEW [--asyncapi-old PATH --asyncapi-new PATH] [--json | --markdown]";
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut asyncapi_old = None;
    let mut asyncapi_new = None;
    let mut format = Format::Text;
    let mut wire = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--wire" => wire = true,
            "--json" => format = Format::Json,
            "--markdown" => format = Format::Markdown,
            "--asyncapi-old" => asyncapi_old = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            "--asyncapi-new" => asyncapi_new = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if other.starts_with("--") => return Err(format!("diff: unknown option `{other}`\n{USAGE}")),
            path => paths.push(PathBuf::from(path)),
        }
    }
    let [old, new] = <[PathBuf; 2]>::try_from(paths).map_err(|_| USAGE.to_owned())?;
    let old = Config { openapi: old, asyncapi: asyncapi_old, strict: false };
    let new = Config { openapi: new, asyncapi: asyncapi_new, strict: false };
    if wire {
        let report = codegen::diff::compare_wire_configs(&old, &new).map_err(|e| format!("cannot compare the descriptions: {e}"))?;
        print!(
            "{}",
            match format {
                Format::Text => report.to_text(),
                Format::Json => report.to_json() + "\n",
                Format::Markdown => report.to_markdown(),
            }
        );
        return Ok(());
    }
    let report = compare(&old, &new)?;
    print!("{}", render(&report, format));
    Ok(())
}
