//! The broker's writer of JSON config files. The managers (topics, subscription groups,
//! consumer offsets, consumer filters, delay offsets) implement [`rmq_common::ConfigManager`];
//! loading and the `.bak` scheme are its, the writes `rmq_common::mix_all::string_to_file`.
//!
//! Managers are called from async request handlers, so they never write files themselves:
//! they hand the encoded JSON to a [`ConfigPersister`], whose thread (`ConfigPersistService`)
//! writes the latest content of each file. [`ConfigPersister::flush`] waits for every queued
//! write, e.g. at shutdown.

use parking_lot::{Condvar, Mutex};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

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
            if let Err(e) = rmq_common::mix_all::string_to_file(&content, &path) {
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
        let bak = rmq_common::mix_all::with_suffix(&p, ".bak");
        let previous = std::fs::read_to_string(bak).unwrap();
        assert!(previous.starts_with("{\"v\":"), "{previous}");
        assert_ne!(previous, "{\"v\":99}");
        persister.shutdown();
    }
}
