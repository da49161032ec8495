//! Write: takes the generated files, gives them to disk all at once, or tells which committed files are stale.
//!
//! Every file is first written beside its target under a temporary name; only when all of
//! them are written are they renamed into place, so a failure leaves the old output whole.
//! Generated files that no longer correspond to anything are removed.

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

/// What writing `files` into `dir` would change; empty when the output is up to date.
pub fn changes(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<Change>, Error> {
    let mut out = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        match fs::read(&path) {
            Ok(bytes) if bytes == file.contents.as_bytes() => {}
            Ok(_) => out.push(Change::Modified(path)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => out.push(Change::Added(path)),
            Err(err) => return Err(io_error(&path, "read", err)),
        }
    }
    for path in existing_files(dir)? {
        if !files.iter().any(|f| dir.join(&f.path) == path) {
            out.push(Change::Removed(path));
        }
    }
    Ok(out)
}

/// Replaces the contents of `dir` with `files`, all or nothing; gives what changed.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<Change>, Error> {
    let changes = changes(dir, files)?;
    if changes.is_empty() {
        return Ok(changes);
    }
    fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the output folder", e))?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for file in files {
        let target = dir.join(&file.path);
        if !changes.iter().any(|c| c.path() == target) {
            continue;
        }
        let temp = dir.join(format!(".{}.tmp", file.path));
        if let Err(err) = fs::write(&temp, &file.contents) {
            for (temp, _) in &staged {
                let _ = fs::remove_file(temp);
            }
            let _ = fs::remove_file(&temp);
            return Err(io_error(&temp, "write", err));
        }
        staged.push((temp, target));
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
