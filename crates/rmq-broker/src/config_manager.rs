//! Loading and persisting the broker's JSON config files (Java `ConfigManager`,
//! `MixAll.string2File` / `file2String`).
//!
//! Loading falls back to `<file>.bak` when the file is missing, empty or does not decode;
//! persisting keeps the previous content in `<file>.bak` and replaces the file atomically
//! (both from `rmq_store::config_manager`).
//!
//! Managers are called from async request handlers, so they never write files themselves:
//! they hand the encoded JSON to a [`ConfigPersister`], whose thread (`ConfigPersistService`)
//! writes the latest content of each file. [`ConfigPersister::flush`] waits for every queued
//! write, e.g. at shutdown.

use parking_lot::{Condvar, Mutex};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads a config file, falling back to its `.bak` (Java `ConfigManager.load`); `decode`
/// returns false for content it rejects. Returns true when something decoded.
pub fn load_with_backup(path: &Path, mut decode: impl FnMut(&str) -> bool) -> bool {
    let loaded = rmq_store::config_manager::load_with_bak(path, |text| {
        if decode(text) {
            Ok(())
        } else {
            Err("content rejected")
        }
    });
    if loaded.is_some() {
        tracing::info!(file = %path.display(), "load config OK");
    }
    loaded.is_some()
}

/// Returns `<path>.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".bak");
    PathBuf::from(s)
}

/// Returns true when `path` or its `.bak` exists.
pub fn exists_with_backup(path: &Path) -> bool {
    path.exists() || backup_path(path).exists()
}

#[derive(Default)]
struct PersistState {
    /// Latest content per file not yet written.
    pending: HashMap<PathBuf, String>,
    /// Incremented by each `submit`.
    submitted: u64,
    /// Submissions fully written (all up to this number).
    written: u64,
    stopped: bool,
}

struct PersisterInner {
    state: Mutex<PersistState>,
    /// Wakes the writer thread.
    work: Condvar,
    /// Wakes `flush` callers.
    done: Condvar,
}

/// Writes config files on a dedicated thread, newest content per file wins.
#[derive(Clone)]
pub struct ConfigPersister {
    inner: Arc<PersisterInner>,
}

impl ConfigPersister {
    /// Starts the writer thread.
    pub fn start() -> std::io::Result<Self> {
        let inner = Arc::new(PersisterInner {
            state: Mutex::new(PersistState::default()),
            work: Condvar::new(),
            done: Condvar::new(),
        });
        let worker = inner.clone();
        std::thread::Builder::new()
            .name("ConfigPersistService".into())
            .spawn(move || run(&worker))?;
        Ok(ConfigPersister { inner })
    }

    /// Queues `content` for `path`; returns at once.
    pub fn submit(&self, path: PathBuf, content: String) {
        let mut s = self.inner.state.lock();
        s.pending.insert(path, content);
        s.submitted += 1;
        self.inner.work.notify_one();
    }

    /// Blocks until everything submitted so far is written. Call from blocking contexts only.
    pub fn flush(&self) {
        let mut s = self.inner.state.lock();
        let target = s.submitted;
        while s.written < target && !s.stopped {
            self.inner.done.wait(&mut s);
        }
    }

    /// Writes what is queued, then stops the thread.
    pub fn shutdown(&self) {
        self.flush();
        let mut s = self.inner.state.lock();
        s.stopped = true;
        self.inner.work.notify_all();
        self.inner.done.notify_all();
    }
}

fn run(inner: &PersisterInner) {
    loop {
        let (batch, upto) = {
            let mut s = inner.state.lock();
            while s.pending.is_empty() && !s.stopped {
                inner.work.wait(&mut s);
            }
            if s.pending.is_empty() && s.stopped {
                return;
            }
            (std::mem::take(&mut s.pending), s.submitted)
        };
        for (path, content) in batch {
            if let Err(e) = rmq_store::config_manager::persist_atomically(&path, &content) {
                tracing::error!(file = %path.display(), error = %e, "persist file exception");
            }
        }
        let mut s = inner.state.lock();
        s.written = s.written.max(upto);
        inner.done.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persister_writes_latest_content_with_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config").join("a.json");
        let persister = ConfigPersister::start().unwrap();
        persister.submit(p.clone(), "{\"v\":1}".into());
        persister.flush();
        for i in 2..100 {
            persister.submit(p.clone(), format!("{{\"v\":{i}}}"));
        }
        persister.flush();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"v\":99}");
        assert!(backup_path(&p).exists());
        std::fs::write(&p, "{\"v\":").unwrap();
        let mut seen = None;
        assert!(load_with_backup(&p, |t| {
            match serde_json::from_str::<serde_json::Value>(t) {
                Ok(v) => {
                    seen = v["v"].as_i64();
                    true
                }
                Err(_) => false,
            }
        }));
        assert!(seen.is_some());
        assert!(!load_with_backup(&dir.path().join("none.json"), |_| true));
        persister.shutdown();
    }
}
