//! Persisted JSON config files with a `.bak` copy (Java `ConfigManager` + `MixAll.string2File`).
//!
//! Java 5.x copies the old content to `<name>.bak` and rewrites `<name>` in place; a crash in
//! the middle leaves a truncated file, which `load` then skips in favour of the `.bak`. Here the
//! new content is written to `<name>.tmp`, fsynced and renamed over `<name>`, so `<name>` is
//! always whole; the `.bak` keeps the previous version as Java does.

use crate::store_error::StoreError;
use std::io::Write;
use std::path::{Path, PathBuf};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Returns the content of `path`, or of `path.bak` when `path` is missing or empty (Java
/// `ConfigManager.load` without decoding).
pub fn load_json_with_bak(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(s) if !s.is_empty() => Some(s),
        _ => std::fs::read_to_string(with_suffix(path, ".bak"))
            .ok()
            .filter(|s| !s.is_empty()),
    }
}

/// Loads and decodes `path`, falling back to `path.bak` when the file is missing, empty or does
/// not decode (Java `ConfigManager.load`). `None` when neither yields a value.
pub fn load_with_bak<T, E: std::fmt::Display>(
    path: &Path,
    mut decode: impl FnMut(&str) -> Result<T, E>,
) -> Option<T> {
    if let Ok(s) = std::fs::read_to_string(path) {
        if !s.is_empty() {
            match decode(&s) {
                Ok(v) => return Some(v),
                Err(e) => {
                    tracing::error!(file = %path.display(), error = %e, "load failed, trying the backup file")
                }
            }
        }
    }
    let bak = with_suffix(path, ".bak");
    let s = std::fs::read_to_string(&bak)
        .ok()
        .filter(|s| !s.is_empty())?;
    match decode(&s) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::error!(file = %bak.display(), error = %e, "load backup failed");
            None
        }
    }
}

/// Writes `text` to `path`: the previous content goes to `path.bak`, the new one to
/// `path.tmp`, which is fsynced and renamed over `path`.
pub fn persist_atomically(path: &Path, text: &str) -> Result<(), StoreError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    }
    if let Ok(prev) = std::fs::read(path) {
        let bak = with_suffix(path, ".bak");
        std::fs::write(&bak, prev).map_err(|e| StoreError::io(&bak, e))?;
    }
    let tmp = with_suffix(path, ".tmp");
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
        f.write_all(text.as_bytes())
            .map_err(|e| StoreError::io(&tmp, e))?;
        f.sync_all().map_err(|e| StoreError::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
    if let Some(parent) = path.parent() {
        if let Ok(d) = std::fs::File::open(parent) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persist_keeps_bak_and_load_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config").join("topics.json");
        assert_eq!(load_json_with_bak(&p), None);
        persist_atomically(&p, "{\"v\":1}").unwrap();
        persist_atomically(&p, "{\"v\":2}").unwrap();
        assert_eq!(load_json_with_bak(&p).as_deref(), Some("{\"v\":2}"));
        assert_eq!(
            std::fs::read_to_string(with_suffix(&p, ".bak")).unwrap(),
            "{\"v\":1}"
        );
        // A torn main file: decode fails, the backup is used.
        std::fs::write(&p, "{\"v\":").unwrap();
        let v: Option<serde_json::Value> = load_with_bak(&p, |s| serde_json::from_str(s));
        assert_eq!(v.unwrap()["v"], 1);
        std::fs::write(&p, "").unwrap();
        assert_eq!(load_json_with_bak(&p).as_deref(), Some("{\"v\":1}"));
    }
}
