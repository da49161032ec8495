//! The generator: reads OpenAPI (REST) and AsyncAPI (webhooks) descriptions, writes a typed Rust client.
//!
//! The pipeline, one module a stage: [`load`] -> [`resolve`] -> [`model`] -> [`name`] -> [`emit`] -> [`write`](mod@write).
//! Everything up to `emit` happens in memory; `write` touches the disk only when all of it succeeded.

pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod load;
pub mod model;
pub mod name;
mod parallel;
pub mod resolve;
pub mod write;

use std::path::PathBuf;

pub use diagnostics::{Error, ErrorKind, Location, Warning};
pub use emit::GeneratedFile;

use diagnostics::Diagnostics;
use load::Format;
use resolve::{Documents, FileId};

/// What to generate from.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The OpenAPI 3.0 description of the REST API.
    pub openapi: PathBuf,
    /// The AsyncAPI description of the webhooks, if any.
    pub asyncapi: Option<PathBuf>,
    /// Turn every warning into an error.
    pub strict: bool,
}

/// The model of the descriptions and the warnings met on the way.
#[derive(Debug)]
pub struct Model {
    pub api: model::Api,
    pub warnings: Vec<Warning>,
}

/// The generated files and the warnings met on the way.
#[derive(Debug)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    pub warnings: Vec<Warning>,
}

/// Runs load -> resolve -> model -> name.
pub fn build_model(config: &Config) -> Result<Model, Error> {
    let (api, warnings, docs) = lower(config)?;
    // Freeing the documents' trees takes a few milliseconds: on another thread, beside emit.
    std::thread::spawn(move || drop(docs));
    Ok(Model { api, warnings })
}

/// Like [`build_model`], also giving the loaded documents (to check examples against their schemas).
pub fn build_model_with_documents(config: &Config) -> Result<(Model, Documents), Error> {
    let (api, warnings, docs) = lower(config)?;
    Ok((Model { api, warnings }, docs))
}

/// Runs load -> resolve -> model -> name: the model, the sorted warnings and the documents.
fn lower(config: &Config) -> Result<(model::Api, Vec<Warning>, Documents), Error> {
    let mut diags = Diagnostics::new(config.strict);
    let openapi = load::load_file(&config.openapi)?;
    match openapi.format()? {
        Format::OpenApi30 => {}
        _ => {
            return Err(Error::at(ErrorKind::InvalidDocument, openapi.locate(""), "expected an OpenAPI description here"));
        }
    }
    // The check against the openapiv3 data model only validates; it runs on a second thread beside
    // the stages that need the document valid only where they read it. Its error, when there is
    // one, is the one reported, whatever the other stages made of the document.
    let openapi = std::sync::Arc::new(openapi);
    let (checked, built) = std::thread::scope(|scope| {
        let check = scope.spawn(|| {
            // Real descriptions draw a few warnings, each needing a line number: index the lines
            // here first, beside the model, rather than at the first warning on its path.
            openapi.index_lines();
            load::check_openapi(&openapi).map(drop)
        });
        // Naming needs only the model: it runs while the check may still be going.
        let built = resolve_and_lower(config, std::sync::Arc::clone(&openapi), &mut diags).map(|(mut api, docs)| {
            name::assign(&mut api);
            (api, docs)
        });
        let checked = check.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (checked, built)
    });
    checked?;
    let (api, docs) = built?;
    let mut warnings = diags.warnings;
    warnings.sort();
    Ok((api, warnings, docs))
}

/// Loads the AsyncAPI description if any, resolves every `$ref` and lowers the documents into the model.
fn resolve_and_lower(
    config: &Config,
    openapi: std::sync::Arc<load::Source>,
    diags: &mut Diagnostics,
) -> Result<(model::Api, Documents), Error> {
    let mut roots = vec![openapi];
    if let Some(path) = &config.asyncapi {
        let asyncapi = load::load_file(path)?;
        if !matches!(asyncapi.format()?, Format::AsyncApi2 | Format::AsyncApi3) {
            return Err(Error::at(ErrorKind::InvalidDocument, asyncapi.locate(""), "expected an AsyncAPI description here"));
        }
        roots.push(std::sync::Arc::new(asyncapi));
    }
    let webhooks = (roots.len() > 1).then_some(FileId(1));
    let docs = Documents::resolve(roots, diags)?;
    let api = model::build(&docs, FileId(0), webhooks, diags)?;
    Ok((api, docs))
}

/// Runs the whole pipeline in memory: the files to write, or the first error.
pub fn generate(config: &Config) -> Result<Output, Error> {
    let model = build_model(config)?;
    let files = emit::emit(&model.api, &source_names(config))?;
    Ok(Output { files, warnings: model.warnings })
}

/// The input files' names, as the generated files' header cites them.
fn source_names(config: &Config) -> Vec<String> {
    let file_name = |path: &PathBuf| {
        path.file_name().map_or_else(|| path.display().to_string(), |n| format!("`{}`", n.to_string_lossy()))
    };
    std::iter::once(&config.openapi).chain(&config.asyncapi).map(file_name).collect()
}

/// Generates and replaces the contents of `dir`, or with `check`, only reports what would change.
/// On any error nothing in `dir` is touched.
pub fn generate_into(config: &Config, dir: &std::path::Path, check: bool) -> Result<(Output, Vec<write::Change>), Error> {
    let output = generate(config)?;
    let changes = if check { write::changes(dir, &output.files)? } else { write::write(dir, &output.files)? };
    Ok((output, changes))
}

/// Generates the client crate at `crate_dir`: replaces `src/generated` and the generated features
/// section of `Cargo.toml` together, all or nothing; with `check`, only reports what would change.
/// A manifest without the section's markers is an error, and then nothing is touched.
pub fn generate_crate(config: &Config, crate_dir: &std::path::Path, check: bool) -> Result<(Output, Vec<write::Change>), Error> {
    let model = build_model(config)?;
    let files = emit::emit(&model.api, &source_names(config))?;
    let section = write::manifest::features_section(&model.api);
    let dir = crate_dir.join("src/generated");
    let manifest = write::ManifestSection { path: &crate_dir.join("Cargo.toml"), section: &section };
    let changes = if check {
        write::changes_with_manifest(&dir, &files, manifest)?
    } else {
        write::write_with_manifest(&dir, &files, manifest)?
    };
    Ok((Output { files, warnings: model.warnings }, changes))
}
