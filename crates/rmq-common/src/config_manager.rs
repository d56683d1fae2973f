//! `ConfigManager`: a JSON config file loaded at start and rewritten on change, with the
//! previous version kept as `<file>.bak` (Java `org.apache.rocketmq.common.ConfigManager`).
//!
//! Loading falls back to `<file>.bak` when the file is missing, empty or does not decode;
//! persisting goes through [`crate::mix_all::string_to_file`].

use crate::mix_all::{file_to_string, string_to_file, with_suffix};
use std::path::{Path, PathBuf};

/// Why [`ConfigManager::decode`] rejected a text.
pub type DecodeError = Box<dyn std::error::Error + Send + Sync>;

/// A component persisted as one JSON file (Java `ConfigManager`).
pub trait ConfigManager {
    /// Returns the file's JSON (Java `encode(prettyFormat)`).
    fn encode(&self, pretty: bool) -> String;

    /// Takes the state from `json` (Java `decode`). On error nothing may have changed.
    fn decode(&self, json: &str) -> Result<(), DecodeError>;

    /// Returns the file's path (Java `configFilePath`).
    fn config_file_path(&self) -> PathBuf;

    /// Loads the file, or its `.bak` when the file is missing, empty or does not decode (Java
    /// `load` / `loadBak`). Returns false only when a file exists and neither copy decodes;
    /// nothing to load is a success. Blocking.
    fn load(&self) -> bool {
        load_config(self)
    }

    /// Writes [`ConfigManager::encode`]`(true)` to the file, keeping the previous content as
    /// `.bak` (Java `persist`); errors are logged. Blocking.
    fn persist(&self) {
        let path = self.config_file_path();
        if let Err(e) = string_to_file(&self.encode(true), &path) {
            tracing::error!(file = %path.display(), error = %e, "persist file exception");
        }
    }
}

/// The body of [`ConfigManager::load`], for implementations that override `load` to do more
/// after it (as Java's overrides call `super.load()`).
pub fn load_config<M: ConfigManager + ?Sized>(manager: &M) -> bool {
    let path = manager.config_file_path();
    let exists = exists_with_backup(&path);
    let loaded = load_with_backup(&path, |text| manager.decode(text));
    if loaded {
        tracing::info!(file = %path.display(), "load config OK");
    }
    loaded || !exists
}

/// Returns true when `path` or `<path>.bak` exists.
pub fn exists_with_backup(path: &Path) -> bool {
    path.exists() || with_suffix(path, ".bak").exists()
}

/// Decodes the first of `path`, `<path>.bak` that is readable, not empty and accepted by
/// `decode`. Returns true when one was.
fn load_with_backup(path: &Path, mut decode: impl FnMut(&str) -> Result<(), DecodeError>) -> bool {
    let bak = with_suffix(path, ".bak");
    for (i, file) in [path, bak.as_path()].into_iter().enumerate() {
        let text = match file_to_string(file) {
            Ok(Some(t)) if !t.is_empty() => t,
            Ok(_) => continue,
            Err(e) => {
                tracing::error!(file = %file.display(), error = %e, "read config file failed");
                continue;
            }
        };
        match decode(&text) {
            Ok(()) => return true,
            Err(e) if i == 0 => {
                tracing::error!(file = %file.display(), error = %e, "load failed, trying the backup file")
            }
            Err(e) => tracing::error!(file = %file.display(), error = %e, "load backup failed"),
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    /// A manager of one JSON number.
    struct Counter {
        path: PathBuf,
        value: Mutex<i64>,
    }

    impl ConfigManager for Counter {
        fn encode(&self, pretty: bool) -> String {
            let v = *self.value.lock();
            if pretty {
                format!("{{\n\t\"v\":{v}\n}}")
            } else {
                format!("{{\"v\":{v}}}")
            }
        }
        fn decode(&self, json: &str) -> Result<(), DecodeError> {
            let v: serde_json::Value = serde_json::from_str(json)?;
            *self.value.lock() = v["v"].as_i64().ok_or("no v")?;
            Ok(())
        }
        fn config_file_path(&self) -> PathBuf {
            self.path.clone()
        }
    }

    fn counter(path: &Path) -> Counter {
        Counter {
            path: path.to_path_buf(),
            value: Mutex::new(0),
        }
    }

    #[test]
    fn persist_keeps_bak_and_load_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config").join("c.json");
        let m = counter(&p);
        assert!(m.load(), "nothing to load is a success");
        *m.value.lock() = 1;
        m.persist();
        *m.value.lock() = 2;
        m.persist();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\n\t\"v\":2\n}");
        assert_eq!(
            std::fs::read_to_string(with_suffix(&p, ".bak")).unwrap(),
            "{\n\t\"v\":1\n}"
        );
        let again = counter(&p);
        assert!(again.load());
        assert_eq!(*again.value.lock(), 2);
        // A torn main file: decode fails, the backup is used.
        std::fs::write(&p, "{\"v\":").unwrap();
        assert!(again.load());
        assert_eq!(*again.value.lock(), 1);
        // An empty main file is skipped too.
        std::fs::write(&p, "").unwrap();
        *again.value.lock() = 0;
        assert!(again.load());
        assert_eq!(*again.value.lock(), 1);
        // Neither copy decodes: load fails.
        std::fs::write(with_suffix(&p, ".bak"), "x").unwrap();
        assert!(!again.load());
        assert!(exists_with_backup(&p));
    }
}
