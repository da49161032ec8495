//! `cargo xtask bump --spec PATH [--asyncapi PATH] [--json | --markdown]`: moves the project to a new
//! description of the API, all or nothing.
//!
//! 1. Builds the models of the vendored description and of the new one (a new description that does
//!    not load stops here with the generator's located error; nothing is touched).
//! 2. Backs up `specs/openapi.yaml`, `specs/webhooks.asyncapi.yaml`, `generated-client/Cargo.toml`
//!    (its generated features) and `generated-client/src/generated` into a temporary folder.
//! 3. Copies the new description(s) over the vendored ones and regenerates the client.
//! 4. Runs `cargo test -p codegen --test snapshots` and `cargo test -p tests`.
//! 5. Prints the change report (vendored -> new).
//!
//! If any step of 3-4 fails, every backed-up file is put back (and files that did not exist before
//! are removed), so the working tree is as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::Config;

use crate::codegen_task::{ASYNCAPI, CLIENT, OPENAPI, OUTPUT};
use crate::diff::Format;

const USAGE: &str = "usage: cargo xtask bump --spec PATH [--asyncapi PATH] [--json | --markdown]";

/// The test commands run on the regenerated client, as `cargo` arguments.
const TESTS: &[&[&str]] = &[&["test", "-p", "codegen", "--test", "snapshots"], &["test", "-p", "tests"]];

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut spec = None;
    let mut asyncapi = None;
    let mut format = Format::Text;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            "--asyncapi" => asyncapi = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            "--json" => format = Format::Json,
            "--markdown" => format = Format::Markdown,
            other => return Err(format!("bump: unknown argument `{other}`\n{USAGE}")),
        }
    }
    let spec = spec.ok_or(USAGE)?;

    let vendored_openapi = root.join(OPENAPI);
    let vendored_asyncapi = root.join(ASYNCAPI);
    let output = root.join(OUTPUT);

    // 1. Both models, before anything is touched.
    let new_config = Config {
        openapi: spec.clone(),
        asyncapi: asyncapi.clone().or_else(|| vendored_asyncapi.exists().then(|| vendored_asyncapi.clone())),
        strict: false,
    };
    let report = if vendored_openapi.exists() {
        let old_config = Config {
            openapi: vendored_openapi.clone(),
            asyncapi: vendored_asyncapi.exists().then(|| vendored_asyncapi.clone()),
            strict: false,
        };
        crate::diff::compare(&old_config, &new_config)?
    } else {
        eprintln!("bump: no vendored {OPENAPI} yet; the report lists everything as added");
        let new = codegen::build_model(&new_config).map_err(|e| format!("bump: the new description does not load: {e}"))?;
        codegen::diff::compare(&codegen::model::Api::default(), &new.api)
    };

    // 2. Backup.
    let mut replaced: Vec<(PathBuf, PathBuf)> = vec![(spec, vendored_openapi.clone())];
    if let Some(path) = asyncapi {
        replaced.push((path, vendored_asyncapi.clone()));
    }
    let manifest = root.join(CLIENT).join("Cargo.toml");
    let backup = Backup::take(root, &[vendored_openapi.as_path(), vendored_asyncapi.as_path(), manifest.as_path()], &output)?;

    // 3-4, undone on any failure.
    let result = replace_and_check(root, &replaced);
    match result {
        Ok(()) => {
            backup.discard();
            println!();
            print!("{}", crate::diff::render(&report, format));
            Ok(())
        }
        Err(message) => match backup.restore() {
            Ok(()) => Err(format!("bump: {message}\nbump: restored the previous descriptions and generated code; nothing changed")),
            Err(restore) => {
                Err(format!("bump: {message}\nbump: RESTORING FAILED: {restore}\nbump: the backup is kept in {}", backup.dir.display()))
            }
        },
    }
}

fn replace_and_check(root: &Path, replaced: &[(PathBuf, PathBuf)]) -> Result<(), String> {
    for (from, to) in replaced {
        if same_file(from, to) {
            continue;
        }
        // Read first: `fs::copy` onto the same file would truncate it.
        let bytes = fs::read(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(to, bytes).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        println!("bump: {} -> {}", from.display(), to.display());
    }
    let vendored_asyncapi = root.join(ASYNCAPI);
    let config = Config { openapi: root.join(OPENAPI), asyncapi: vendored_asyncapi.exists().then_some(vendored_asyncapi), strict: false };
    let (generated, changes) =
        codegen::generate_crate(&config, &root.join(CLIENT), false).map_err(|e| format!("regeneration failed: {e}"))?;
    println!("bump: regenerated {} ({} files, {} changed)", OUTPUT, generated.files.len(), changes.len());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    for args in TESTS {
        println!("bump: cargo {}", args.join(" "));
        let status =
            Command::new(&cargo).args(*args).current_dir(root).status().map_err(|e| format!("cannot run cargo {}: {e}", args.join(" ")))?;
        if !status.success() {
            return Err(format!("`cargo {}` failed ({status})", args.join(" ")));
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Copies of the files and the folder a bump replaces.
struct Backup {
    dir: PathBuf,
    /// Each file, and whether it existed (a file that did not is removed on restore).
    files: Vec<(PathBuf, bool)>,
    folder: PathBuf,
    folder_existed: bool,
}

impl Backup {
    fn take(root: &Path, files: &[&Path], folder: &Path) -> Result<Backup, String> {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("xtask-bump-{}-{stamp}", std::process::id()));
        let mut backup = Backup { dir, files: Vec::new(), folder: folder.to_path_buf(), folder_existed: folder.exists() };
        let saved = (|| {
            fs::create_dir_all(&backup.dir).map_err(|e| format!("cannot create {}: {e}", backup.dir.display()))?;
            for (index, file) in files.iter().enumerate() {
                let existed = file.exists();
                if existed {
                    let copy = backup.dir.join(format!("file{index}"));
                    fs::copy(file, &copy).map_err(|e| format!("cannot back up {}: {e}", file.display()))?;
                }
                backup.files.push((file.to_path_buf(), existed));
            }
            if backup.folder_existed {
                copy_tree(folder, &backup.dir.join("folder"))?;
            }
            Ok::<(), String>(())
        })();
        match saved {
            Ok(()) => {
                println!("bump: backed up {} files and {} into {}", files.len(), relative(root, folder), backup.dir.display());
                Ok(backup)
            }
            Err(e) => {
                backup.discard();
                Err(format!("bump: {e} (nothing was changed)"))
            }
        }
    }

    fn restore(&self) -> Result<(), String> {
        let mut errors = Vec::new();
        for (index, (file, existed)) in self.files.iter().enumerate() {
            let result = if *existed {
                fs::copy(self.dir.join(format!("file{index}")), file).map(|_| ())
            } else if file.exists() {
                fs::remove_file(file)
            } else {
                Ok(())
            };
            if let Err(e) = result {
                errors.push(format!("{}: {e}", file.display()));
            }
        }
        if self.folder.exists() {
            if let Err(e) = fs::remove_dir_all(&self.folder) {
                errors.push(format!("{}: {e}", self.folder.display()));
            }
        }
        if self.folder_existed {
            if let Err(e) = copy_tree(&self.dir.join("folder"), &self.folder) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            self.discard();
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    fn discard(&self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", from.display()))?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| format!("{}: {e}", path.display()))?;
        if kind.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            fs::copy(&path, &target).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
