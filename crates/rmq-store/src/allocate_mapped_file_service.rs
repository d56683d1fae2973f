//! `AllocateMappedFileService`: creates (and optionally warms) the next CommitLog file ahead of
//! time so the writer rarely pays for `open` + `ftruncate` + `mmap` (Java
//! `AllocateMappedFileService`).
//!
//! When the writer needs file N it takes the pre-made one (or creates it itself if the service
//! has not got to it), and queues N+1 for the background thread. Pre-made files that were
//! never used are deleted at shutdown, as Java does.

use crate::config::FlushDiskType;
use crate::file_system::FileSystem;
use crate::logfile::{MappedFile, Reservation};
use crate::service_thread::{ServiceState, ServiceThread};
use crate::store_error::StoreError;
use parking_lot::{Condvar, Mutex};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bytes faulted in ahead of the writer.
pub(crate) const PREFAULT_AHEAD: usize = 8 * 1024 * 1024;
/// The writer asks for more prefaulting each time it crosses a multiple of this.
pub(crate) const PREFAULT_STEP: usize = 2 * 1024 * 1024;

#[derive(Default)]
struct Table {
    queue: VecDeque<(PathBuf, usize, i64)>,
    in_flight: Option<PathBuf>,
    ready: HashMap<PathBuf, Arc<MappedFile>>,
    prefault: Option<(Arc<MappedFile>, usize)>,
}

/// Background allocator of the next mapped file.
pub(crate) struct AllocateMappedFileService {
    table: Mutex<Table>,
    done: Condvar,
    warm: Option<(FlushDiskType, usize)>,
    thread: Mutex<Option<ServiceThread>>,
    state: Mutex<Option<Arc<ServiceState>>>,
    fs: Arc<dyn FileSystem>,
}

impl AllocateMappedFileService {
    /// Creates the service; `warm` enables page warm-up (`warmMapedFileEnable`).
    pub(crate) fn new(warm: Option<(FlushDiskType, usize)>, fs: Arc<dyn FileSystem>) -> Arc<Self> {
        Arc::new(AllocateMappedFileService {
            table: Mutex::new(Table::default()),
            done: Condvar::new(),
            warm,
            thread: Mutex::new(None),
            state: Mutex::new(None),
            fs,
        })
    }

    /// Starts the `AllocateMappedFileService` thread.
    pub(crate) fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = self.clone();
        let state = Arc::new(ServiceState::default());
        *self.state.lock() = Some(state.clone());
        let t = ServiceThread::start("AllocateMappedFileService", state, move |state| {
            me.run(state)
        })?;
        *self.thread.lock() = Some(t);
        Ok(())
    }

    fn run(&self, state: Arc<ServiceState>) {
        while !state.is_stopped() {
            let prefault = self.table.lock().prefault.take();
            if let Some((f, from)) = prefault {
                f.prefault(from, PREFAULT_AHEAD);
            }
            let next = {
                let mut t = self.table.lock();
                let n = t.queue.pop_front();
                if let Some((p, _, _)) = &n {
                    t.in_flight = Some(p.clone());
                }
                n
            };
            let Some((path, size, from)) = next else {
                state.wait_for_running(1000);
                continue;
            };
            let made = MappedFile::open(
                &path,
                size,
                from,
                self.fs.clone(),
                Reservation::WholeWhenCreated,
            )
            .map(|f| {
                match self.warm {
                    Some((t, pages)) => f.warm(t, pages),
                    None => f.prefault(0, PREFAULT_AHEAD),
                }
                Arc::new(f)
            });
            let mut t = self.table.lock();
            t.in_flight = None;
            match made {
                Ok(f) => {
                    t.ready.insert(path, f);
                }
                Err(e) => tracing::error!(error = %e, "pre-allocating mapped file failed"),
            }
            self.done.notify_all();
        }
    }

    /// Returns the file at `path` (pre-made or created now) and queues `next_path`.
    ///
    /// `next_path` is queued only once `path` exists at full size, so a crash never leaves a
    /// pre-made file after a missing or empty one.
    pub(crate) fn take_or_create(
        &self,
        path: &Path,
        next_path: &Path,
        size: usize,
        file_from_offset: i64,
    ) -> Result<Arc<MappedFile>, StoreError> {
        let running = self.thread.lock().is_some();
        let pre = {
            let mut t = self.table.lock();
            while t.in_flight.as_deref() == Some(path) {
                self.done.wait(&mut t);
            }
            t.queue.retain(|(p, _, _)| p != path);
            t.ready.remove(path)
        };
        let file = match pre {
            Some(f) => f,
            None => Arc::new(MappedFile::open(
                path,
                size,
                file_from_offset,
                self.fs.clone(),
                Reservation::WholeWhenCreated,
            )?),
        };
        if running {
            let mut t = self.table.lock();
            if !t.ready.contains_key(next_path)
                && t.in_flight.as_deref() != Some(next_path)
                && !t.queue.iter().any(|(p, _, _)| p == next_path)
            {
                t.queue.push_back((
                    next_path.to_path_buf(),
                    size,
                    file_from_offset + size as i64,
                ));
            }
            drop(t);
            if let Some(th) = self.thread.lock().as_ref() {
                th.state.wakeup();
            }
        }
        Ok(file)
    }

    /// Asks the thread to fault in the part of `file` after `from` (called by the writer
    /// every `PREFAULT_STEP` bytes).
    pub(crate) fn request_prefault(&self, file: &Arc<MappedFile>, from: usize) {
        self.table.lock().prefault = Some((file.clone(), from));
        if let Some(s) = self.state.lock().as_ref() {
            s.wakeup();
        }
    }

    /// Stops the thread and deletes pre-made files nobody took.
    pub(crate) fn shutdown(&self) {
        if let Some(t) = self.thread.lock().take() {
            t.shutdown();
        }
        let mut t = self.table.lock();
        t.queue.clear();
        for (_, f) in t.ready.drain() {
            f.destroy();
        }
    }
}
