//! `RaftStoreWriter`: the one thread that writes a node's Raft store, so that every write
//! (log appends, vote, truncation, purge, snapshot) reaches the disk in the order openraft
//! asked for it, and async tasks never block on `write` or `fsync`.
//!
//! Requests queued while the thread was busy are written together and fsynced once (group
//! commit); an append is reported durable (its `LogFlushed` completed) only after the fsync.

use super::raft_log_file::{encode_log_records, LogImage, LogRecord, RaftLogFile};
use super::state_machine_store::StoredSnapshot;
use super::types::{Entry, LogId, TypeConfig, Vote};
use openraft::storage::LogFlushed;
use parking_lot::Mutex;
use std::io;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use tokio::sync::oneshot;

type Reply<T> = oneshot::Sender<io::Result<T>>;

/// A write for the thread.
pub(crate) enum WriteRequest {
    /// Append entries; `flushed` is completed once they are fsynced.
    Append {
        entries: Vec<Entry>,
        flushed: LogFlushed<TypeConfig>,
    },
    /// Save the vote, fsynced before the reply.
    SaveVote { vote: Vote, done: Reply<()> },
    /// Save the committed log id; not fsynced on its own (losing it is harmless).
    SaveCommitted { committed: Option<LogId> },
    /// Replace the log file by `image` (after a truncation or purge).
    Rewrite { image: LogImage, done: Reply<()> },
    /// Replace the snapshot file unless it holds a newer snapshot; replies whether it did.
    SaveSnapshot {
        snapshot: Arc<StoredSnapshot>,
        done: Reply<bool>,
    },
    /// Finish the queued writes and exit.
    Stop,
}

/// The handle of the writer thread; clones share it.
#[derive(Clone)]
pub(crate) struct RaftStoreWriter {
    tx: mpsc::Sender<WriteRequest>,
    thread: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

impl RaftStoreWriter {
    /// Starts the thread on an open log file. `snapshot_last` is the last log id of the
    /// snapshot already on disk.
    pub fn spawn(
        name: &str,
        log: RaftLogFile,
        snapshot_path: PathBuf,
        snapshot_last: Option<LogId>,
    ) -> io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let mut worker = Worker {
            log,
            snapshot_path,
            snapshot_last,
            pending: Pending::default(),
            failed: None,
        };
        let handle = std::thread::Builder::new()
            .name(format!("RaftStoreWriter-{name}"))
            .spawn(move || worker.run(rx))?;
        Ok(RaftStoreWriter {
            tx,
            thread: Arc::new(Mutex::new(Some(handle))),
        })
    }

    /// Queues a request; fails once the thread stopped.
    pub fn send(&self, request: WriteRequest) -> io::Result<()> {
        self.tx
            .send(request)
            .map_err(|_| io::Error::other("the raft store writer has stopped"))
    }

    /// Queues a request and waits for its reply.
    pub async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> WriteRequest) -> io::Result<T> {
        let (done, rx) = oneshot::channel();
        self.send(make(done))?;
        rx.await
            .map_err(|_| io::Error::other("the raft store writer has stopped"))?
    }

    /// Lets the thread finish what is queued, then waits for it to exit. Later requests fail.
    pub async fn stop(&self) {
        let _ = self.tx.send(WriteRequest::Stop);
        let handle = self.thread.lock().take();
        if let Some(handle) = handle {
            let joined = tokio::task::spawn_blocking(move || handle.join()).await;
            if !matches!(joined, Ok(Ok(()))) {
                tracing::error!("the raft store writer thread panicked");
            }
        }
    }
}

/// Log records written but not yet fsynced, with whom to tell once they are.
#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    flushed: Vec<LogFlushed<TypeConfig>>,
    votes: Vec<Reply<()>>,
    /// Whether something needs an fsync (an entry or a vote, not just a committed id).
    sync: bool,
}

struct Worker {
    log: RaftLogFile,
    snapshot_path: PathBuf,
    snapshot_last: Option<LogId>,
    pending: Pending,
    /// Set by the first failed write: the file's state is then unknown, so every later
    /// write fails too (openraft stops the node on the first error).
    failed: Option<String>,
}

impl Worker {
    fn run(&mut self, rx: mpsc::Receiver<WriteRequest>) {
        while let Ok(first) = rx.recv() {
            let mut next = Some(first);
            while let Some(request) = next.take() {
                if !self.handle(request) {
                    self.flush();
                    return;
                }
                next = rx.try_recv().ok();
            }
            self.flush();
        }
        self.flush();
    }

    /// Handles one request; returns false on Stop.
    fn handle(&mut self, request: WriteRequest) -> bool {
        match request {
            WriteRequest::Append { entries, flushed } => {
                let records: Vec<LogRecord> = entries.into_iter().map(LogRecord::Entry).collect();
                match self.stage(&records) {
                    Ok(()) => {
                        self.pending.flushed.push(flushed);
                        self.pending.sync = true;
                    }
                    Err(e) => flushed.log_io_completed(Err(e)),
                }
            }
            WriteRequest::SaveVote { vote, done } => match self.stage(&[LogRecord::Vote(vote)]) {
                Ok(()) => {
                    self.pending.votes.push(done);
                    self.pending.sync = true;
                }
                Err(e) => {
                    let _ = done.send(Err(e));
                }
            },
            WriteRequest::SaveCommitted { committed } => {
                let _ = self.stage(&[LogRecord::Committed(committed)]);
            }
            WriteRequest::Rewrite { image, done } => {
                self.flush();
                let result = self.check().and_then(|()| self.log.rewrite(&image));
                let _ = done.send(self.note(result));
            }
            WriteRequest::SaveSnapshot { snapshot, done } => {
                self.flush();
                let result = self.check().and_then(|()| self.save_snapshot(&snapshot));
                let _ = done.send(self.note(result));
            }
            WriteRequest::Stop => return false,
        }
        true
    }

    fn check(&self) -> io::Result<()> {
        match &self.failed {
            None => Ok(()),
            Some(reason) => Err(io::Error::other(format!(
                "the raft store failed before: {reason}"
            ))),
        }
    }

    /// Remembers a failure.
    fn note<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            tracing::error!(error = %e, "raft store write failed");
            self.failed.get_or_insert_with(|| e.to_string());
        }
        result
    }

    /// Adds records to the pending write.
    fn stage(&mut self, records: &[LogRecord]) -> io::Result<()> {
        self.check()?;
        let bytes = encode_log_records(records);
        let bytes = self.note(bytes)?;
        self.pending.bytes.extend_from_slice(&bytes);
        Ok(())
    }

    /// Writes the staged records and fsyncs them when needed, then tells their owners.
    fn flush(&mut self) {
        if self.pending.bytes.is_empty() && self.pending.flushed.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let result = self
            .check()
            .and_then(|()| self.log.append(&pending.bytes, pending.sync));
        let result = self.note(result);
        complete(pending, result);
    }

    fn save_snapshot(&mut self, snapshot: &StoredSnapshot) -> io::Result<bool> {
        let last = snapshot.meta.last_log_id;
        if last < self.snapshot_last {
            return Ok(false);
        }
        let bytes = snapshot.encode()?;
        super::record_file::write_file_atomically(&self.snapshot_path, &bytes)?;
        self.snapshot_last = last;
        Ok(true)
    }
}

fn complete(pending: Pending, result: io::Result<()>) {
    let outcome = || match &result {
        Ok(()) => Ok(()),
        Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
    };
    for flushed in pending.flushed {
        flushed.log_io_completed(outcome());
    }
    for vote in pending.votes {
        let _ = vote.send(outcome());
    }
}
