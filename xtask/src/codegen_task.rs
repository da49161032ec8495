//! `cargo xtask codegen`: regenerates the client from the vendored descriptions.

use std::path::Path;

use codegen::Config;

/// The vendored descriptions and the folder the generated code lives in, relative to the workspace root.
pub const OPENAPI: &str = "specs/openapi.yaml";
pub const ASYNCAPI: &str = "specs/webhooks.asyncapi.yaml";
pub const OUTPUT: &str = "generated-client/src/generated";
/// The client crate: `OUTPUT` is its `src/generated`, and its `Cargo.toml` holds the generated features.
pub const CLIENT: &str = "generated-client";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut strict = false;
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            "--strict" => strict = true,
            other => return Err(format!("codegen: unknown option `{other}`")),
        }
    }
    let asyncapi = root.join(ASYNCAPI);
    let config = Config {
        openapi: root.join(OPENAPI),
        asyncapi: asyncapi.exists().then_some(asyncapi),
        strict,
    };
    let (output, changes) = codegen::generate_crate(&config, &root.join(CLIENT), check).map_err(|e| e.to_string())?;
    for warning in &output.warnings {
        eprintln!("{warning}");
    }
    if changes.is_empty() {
        println!("generated code is up to date ({} files)", output.files.len());
        return Ok(());
    }
    if check {
        let list: Vec<String> = changes.iter().map(|c| format!("  {c}")).collect();
        return Err(format!(
            "the committed generated code is stale; run `cargo xtask codegen` and commit the result:\n{}",
            list.join("\n")
        ));
    }
    for change in &changes {
        match change {
            codegen::write::Change::Removed(path) => println!("removed {}", path.display()),
            other => println!("wrote {}", other.path().display()),
        }
    }
    Ok(())
}
