//! Write: takes the generated files, gives them to disk all at once, or tells which committed files are stale.
//!
//! Every file is first written beside its target under a temporary name; only when all of
//! them are written are they renamed into place, so a failure leaves the old output whole.
//! Generated files that no longer correspond to anything are removed.
//!
//! The client crate's `Cargo.toml` is written the same way, together with the folder, when the
//! generator owns part of it ([`manifest`]: the cargo features).

pub mod manifest;

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Error, ErrorKind, Location};
use crate::emit::GeneratedFile;

/// How a file on disk differs from what the generator gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added(PathBuf),
    Modified(PathBuf),
    Removed(PathBuf),
}

impl Change {
    pub fn path(&self) -> &Path {
        match self {
            Change::Added(p) | Change::Modified(p) | Change::Removed(p) => p,
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added(p) => write!(f, "missing: {}", p.display()),
            Change::Modified(p) => write!(f, "stale: {}", p.display()),
            Change::Removed(p) => write!(f, "no longer generated: {}", p.display()),
        }
    }
}

fn io_error(path: &Path, action: &str, err: std::io::Error) -> Error {
    Error::at(ErrorKind::Write, Location::new(path, ""), format!("cannot {action}: {err}"))
}

/// The `.rs` files in `dir` (the generated folder is ours alone).
fn existing_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(err) => return Err(io_error(dir, "list the output folder", err)),
    };
    for entry in entries {
        let path = entry.map_err(|e| io_error(dir, "list the output folder", e))?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// The generated section of a Cargo manifest, to be written with the generated folder.
#[derive(Debug, Clone, Copy)]
pub struct ManifestSection<'a> {
    /// The `Cargo.toml` to rewrite between its markers.
    pub path: &'a Path,
    /// The section, markers included ([`manifest::features_section`]).
    pub section: &'a str,
}

/// A file to be made to hold `contents`.
struct Target {
    path: PathBuf,
    contents: String,
}

/// Every file the output consists of: the generated ones in `dir`, and the manifest with its
/// section replaced (which fails, touching nothing, when its markers are missing or garbled).
fn targets(dir: &Path, files: &[GeneratedFile], manifest: Option<ManifestSection<'_>>) -> Result<Vec<Target>, Error> {
    let mut targets: Vec<Target> =
        files.iter().map(|f| Target { path: dir.join(&f.path), contents: f.contents.clone() }).collect();
    if let Some(manifest) = manifest {
        let text = fs::read_to_string(manifest.path).map_err(|e| io_error(manifest.path, "read the manifest", e))?;
        let contents = manifest::splice(&text, manifest.section, manifest.path)?;
        targets.push(Target { path: manifest.path.to_path_buf(), contents });
    }
    Ok(targets)
}

fn changes_of(dir: &Path, targets: &[Target]) -> Result<Vec<Change>, Error> {
    let mut out = Vec::new();
    for target in targets {
        match fs::read(&target.path) {
            Ok(bytes) if bytes == target.contents.as_bytes() => {}
            Ok(_) => out.push(Change::Modified(target.path.clone())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => out.push(Change::Added(target.path.clone())),
            Err(err) => return Err(io_error(&target.path, "read", err)),
        }
    }
    for path in existing_files(dir)? {
        if !targets.iter().any(|t| t.path == path) {
            out.push(Change::Removed(path));
        }
    }
    Ok(out)
}

/// What writing `files` into `dir` would change; empty when the output is up to date.
pub fn changes(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<Change>, Error> {
    changes_of(dir, &targets(dir, files, None)?)
}

/// Like [`changes`], also comparing the generated section of a manifest.
pub fn changes_with_manifest(dir: &Path, files: &[GeneratedFile], manifest: ManifestSection<'_>) -> Result<Vec<Change>, Error> {
    changes_of(dir, &targets(dir, files, Some(manifest))?)
}

/// Replaces the contents of `dir` with `files`, all or nothing; gives what changed.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<Change>, Error> {
    write_targets(dir, &targets(dir, files, None)?)
}

/// Like [`write()`], also rewriting the generated section of a manifest in the same all-or-nothing step.
pub fn write_with_manifest(dir: &Path, files: &[GeneratedFile], manifest: ManifestSection<'_>) -> Result<Vec<Change>, Error> {
    write_targets(dir, &targets(dir, files, Some(manifest))?)
}

fn write_targets(dir: &Path, targets: &[Target]) -> Result<Vec<Change>, Error> {
    let changes = changes_of(dir, targets)?;
    if changes.is_empty() {
        return Ok(changes);
    }
    fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the output folder", e))?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for target in targets {
        if !changes.iter().any(|c| c.path() == target.path) {
            continue;
        }
        let name = target.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = target.path.with_file_name(format!(".{name}.tmp"));
        if let Err(err) = fs::write(&temp, &target.contents) {
            for (temp, _) in &staged {
                let _ = fs::remove_file(temp);
            }
            let _ = fs::remove_file(&temp);
            return Err(io_error(&temp, "write", err));
        }
        staged.push((temp, target.path.clone()));
    }
    for (index, (temp, target)) in staged.iter().enumerate() {
        if let Err(err) = fs::rename(temp, target) {
            // Leave no temporary files behind; the files already renamed are the new ones.
            for (temp, _) in &staged[index..] {
                let _ = fs::remove_file(temp);
            }
            return Err(io_error(target, "replace", err));
        }
    }
    for change in &changes {
        if let Change::Removed(path) = change {
            fs::remove_file(path).map_err(|e| io_error(path, "remove", e))?;
        }
    }
    Ok(changes)
}
