//! The conformance run's working folder, `target/conformance` of this checkout: the generated
//! crates and the one target folder they all build in, held under a lock for the whole run.
//!
//! Two runs in one checkout take turns (the second waits for the lock) instead of overwriting
//! each other's crates; runs in different checkouts use different folders. The crates keep the
//! same paths from run to run, so cargo reuses the dependencies' builds and the folder does not
//! grow with every run.

use std::fs::File;
use std::path::{Path, PathBuf};

pub struct WorkDir {
    dir: PathBuf,
    /// Held until the run ends; the lock goes with it.
    _lock: File,
}

impl WorkDir {
    pub fn lock(root: &Path) -> Result<WorkDir, String> {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        let dir = target.join("conformance");
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let lock_path = dir.join(".lock");
        let lock = File::create(&lock_path).map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("waiting for another conformance run in {} to finish ...", dir.display());
                lock.lock().map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(format!("cannot lock {}: {e}", lock_path.display())),
        }
        Ok(WorkDir { dir, _lock: lock })
    }

    /// Where the crate (or file) named `name` goes.
    pub fn crate_dir(&self, name: &str) -> PathBuf {
        let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
        self.dir.join("crates").join(name)
    }

    /// The target folder every crate builds in.
    pub fn target(&self) -> PathBuf {
        self.dir.join("target")
    }
}
