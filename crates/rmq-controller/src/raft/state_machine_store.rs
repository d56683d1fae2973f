//! `StateMachineStore`: openraft's view of the application's [`StateMachine`], and the
//! snapshot file `raft-snapshot`.
//!
//! The state machine lives in memory only. Its durable form is the last snapshot plus the log
//! after it: on start the snapshot is restored and openraft re-applies the committed entries
//! that follow (`applied_state` reports the snapshot's last log id, so no entry is applied
//! twice). A snapshot is written to disk before openraft purges the log behind it.
//!
//! `raft-snapshot` holds two records ([`super::record_file`]): the JSON of the
//! `SnapshotMeta` (last log id, membership, id), then the bytes of [`StateMachine::snapshot`].
//! It is replaced atomically, so any damage is corruption, not a torn write.

use super::raft_store_writer::{RaftStoreWriter, WriteRequest};
use super::record_file::{encode_record, scan_records};
use super::types::{
    storage_error, CommandBatch, Entry, LogId, SnapshotMeta, StorageError, StoredMembership,
    TypeConfig,
};
use super::StateMachine;
use openraft::storage::RaftStateMachine;
use openraft::{EntryPayload, ErrorSubject, ErrorVerb, RaftSnapshotBuilder, Snapshot};
use parking_lot::{Mutex, RwLock};
use serde::Deserialize as _;
use std::io::{self, Cursor};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The snapshot file's name in the store directory.
pub(crate) const SNAPSHOT_FILE_NAME: &str = "raft-snapshot";

/// A snapshot as kept in memory and on disk.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredSnapshot {
    pub meta: SnapshotMeta,
    pub data: Vec<u8>,
}

impl StoredSnapshot {
    /// The bytes of the snapshot file.
    pub fn encode(&self) -> io::Result<Vec<u8>> {
        let meta = serde_json::to_vec(&self.meta).map_err(io::Error::other)?;
        let mut out = Vec::with_capacity(meta.len() + self.data.len() + 16);
        encode_record(&meta, &mut out)?;
        // An empty state still needs a non-empty payload: a marker byte precedes the data.
        let mut data = Vec::with_capacity(self.data.len() + 1);
        data.push(b'S');
        data.extend_from_slice(&self.data);
        encode_record(&data, &mut out)?;
        Ok(out)
    }

    /// Parses the bytes of a snapshot file.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let scan = scan_records(bytes);
        if let Some(damage) = scan.damage {
            return Err(damage);
        }
        let [meta, data] = scan.records[..] else {
            return Err(format!("{} records instead of 2", scan.records.len()));
        };
        let meta: SnapshotMeta =
            serde_json::from_slice(meta).map_err(|e| format!("bad snapshot meta: {e}"))?;
        let Some((b'S', data)) = data.split_first() else {
            return Err("bad snapshot data marker".into());
        };
        Ok(StoredSnapshot {
            meta,
            data: data.to_vec(),
        })
    }

    /// Reads `dir/raft-snapshot`; `Ok(None)` when there is none.
    pub fn load(dir: &Path) -> Result<Option<Self>, (io::Error, String)> {
        let path = dir.join(SNAPSHOT_FILE_NAME);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err((e, String::new())),
        };
        StoredSnapshot::decode(&bytes)
            .map(Some)
            .map_err(|reason| (io::Error::from(io::ErrorKind::InvalidData), reason))
    }

    fn to_snapshot(&self) -> Snapshot<TypeConfig> {
        Snapshot {
            meta: self.meta.clone(),
            snapshot: Box::new(Cursor::new(self.data.clone())),
        }
    }
}

/// The state machine as openraft drives it; runs on openraft's state machine task.
pub(crate) struct StateMachineStore<S: StateMachine> {
    state: Arc<RwLock<S>>,
    applied: Option<LogId>,
    membership: StoredMembership,
    current: Arc<Mutex<Option<Arc<StoredSnapshot>>>>,
    writer: RaftStoreWriter,
}

impl<S: StateMachine> StateMachineStore<S> {
    /// Restores `state` from `snapshot` (the one on disk), if any.
    pub fn open(
        state: Arc<RwLock<S>>,
        snapshot: Option<StoredSnapshot>,
        writer: RaftStoreWriter,
    ) -> Result<Self, String> {
        let mut store = StateMachineStore {
            state,
            applied: None,
            membership: StoredMembership::default(),
            current: Arc::new(Mutex::new(None)),
            writer,
        };
        if let Some(snapshot) = snapshot {
            store.state.write().restore(&snapshot.data)?;
            store.applied = snapshot.meta.last_log_id;
            store.membership = snapshot.meta.last_membership.clone();
            *store.current.lock() = Some(Arc::new(snapshot));
        }
        Ok(store)
    }

    /// Applies `entries` under one write lock; readers see all of them or none.
    fn apply_entries(&mut self, entries: impl Iterator<Item = Entry>) -> Vec<()> {
        let mut state = self.state.write();
        let mut responses = Vec::new();
        for entry in entries {
            match entry.payload {
                EntryPayload::Blank => {}
                EntryPayload::Normal(batch) => apply_batch(&mut *state, &batch, entry.log_id),
                EntryPayload::Membership(m) => {
                    self.membership = StoredMembership::new(Some(entry.log_id), m);
                }
            }
            self.applied = Some(entry.log_id);
            responses.push(());
        }
        responses
    }
}

/// Applies the commands of one entry. A command that does not decode (only possible between
/// controllers of different versions) is skipped on every node alike, and logged.
fn apply_batch<S: StateMachine>(state: &mut S, batch: &CommandBatch, log_id: LogId) {
    for (i, value) in batch.commands.iter().enumerate() {
        match S::Command::deserialize(value) {
            Ok(command) => state.apply(&command),
            Err(e) => {
                tracing::error!(%log_id, command = i, error = %e, "skipping a raft command that does not decode");
            }
        }
    }
}

/// Records `snapshot` as the current one unless a newer one is.
fn set_current(current: &Mutex<Option<Arc<StoredSnapshot>>>, snapshot: Arc<StoredSnapshot>) {
    let mut current = current.lock();
    let newer = current
        .as_ref()
        .is_some_and(|c| c.meta.last_log_id > snapshot.meta.last_log_id);
    if !newer {
        *current = Some(snapshot);
    }
}

/// Writes `snapshot` to disk through the writer thread.
async fn persist(
    writer: &RaftStoreWriter,
    snapshot: Arc<StoredSnapshot>,
) -> Result<(), StorageError> {
    let signature = snapshot.meta.signature();
    writer
        .call(|done| WriteRequest::SaveSnapshot { snapshot, done })
        .await
        .map(|_| ())
        .map_err(|e| storage_error(ErrorVerb::Write, ErrorSubject::Snapshot(Some(signature)), e))
}

static SNAPSHOT_SEQ: AtomicU64 = AtomicU64::new(0);

/// Builds a snapshot from a copy of the state taken between two applies.
pub(crate) struct SnapshotBuilder {
    data: Vec<u8>,
    applied: Option<LogId>,
    membership: StoredMembership,
    current: Arc<Mutex<Option<Arc<StoredSnapshot>>>>,
    writer: RaftStoreWriter,
}

impl RaftSnapshotBuilder<TypeConfig> for SnapshotBuilder {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, StorageError> {
        let snapshot_id = match self.applied {
            Some(l) => format!("{}-{}-{}", l.leader_id.term, l.index, next_seq()),
            None => format!("none-{}", next_seq()),
        };
        let snapshot = Arc::new(StoredSnapshot {
            meta: SnapshotMeta {
                last_log_id: self.applied,
                last_membership: self.membership.clone(),
                snapshot_id,
            },
            data: std::mem::take(&mut self.data),
        });
        persist(&self.writer, snapshot.clone()).await?;
        tracing::info!(last_log_id = ?snapshot.meta.last_log_id, bytes = snapshot.data.len(), "raft snapshot built");
        set_current(&self.current, snapshot.clone());
        Ok(snapshot.to_snapshot())
    }
}

fn next_seq() -> u64 {
    SNAPSHOT_SEQ.fetch_add(1, Ordering::Relaxed)
}

impl<S: StateMachine> RaftStateMachine<TypeConfig> for StateMachineStore<S> {
    type SnapshotBuilder = SnapshotBuilder;

    async fn applied_state(&mut self) -> Result<(Option<LogId>, StoredMembership), StorageError> {
        Ok((self.applied, self.membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<()>, StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        Ok(self.apply_entries(entries.into_iter()))
    }

    async fn get_snapshot_builder(&mut self) -> SnapshotBuilder {
        let data = self.state.read().snapshot();
        SnapshotBuilder {
            data,
            applied: self.applied,
            membership: self.membership.clone(),
            current: self.current.clone(),
            writer: self.writer.clone(),
        }
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, StorageError> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError> {
        let snapshot = Arc::new(StoredSnapshot {
            meta: meta.clone(),
            data: snapshot.into_inner(),
        });
        let restored = self.state.write().restore(&snapshot.data);
        restored.map_err(|e| {
            let subject = ErrorSubject::Snapshot(Some(meta.signature()));
            storage_error(
                ErrorVerb::Write,
                subject,
                format!("cannot restore the snapshot: {e}"),
            )
        })?;
        self.applied = meta.last_log_id;
        self.membership = meta.last_membership.clone();
        persist(&self.writer, snapshot.clone()).await?;
        tracing::info!(last_log_id = ?meta.last_log_id, bytes = snapshot.data.len(), "raft snapshot installed");
        set_current(&self.current, snapshot);
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot<TypeConfig>>, StorageError> {
        let current = self.current.lock().clone();
        Ok(current.map(|s| s.to_snapshot()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openraft::{CommittedLeaderId, Membership};
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn snapshot_files_round_trip_and_detect_damage() {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            0u64,
            super::super::types::PeerNode {
                id: "n0".into(),
                addr: "127.0.0.1:9878".into(),
            },
        );
        let membership = Membership::new(vec![BTreeSet::from([0u64])], nodes);
        let log_id = LogId::new(CommittedLeaderId::new(3, 0), 41);
        let snapshot = StoredSnapshot {
            meta: SnapshotMeta {
                last_log_id: Some(log_id),
                last_membership: StoredMembership::new(Some(log_id), membership),
                snapshot_id: "3-41-0".into(),
            },
            data: b"[1,2,3]".to_vec(),
        };
        let bytes = snapshot.encode().unwrap();
        assert_eq!(StoredSnapshot::decode(&bytes).unwrap(), snapshot);
        let empty = StoredSnapshot {
            data: Vec::new(),
            ..snapshot.clone()
        };
        assert_eq!(
            StoredSnapshot::decode(&empty.encode().unwrap()).unwrap(),
            empty
        );

        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(StoredSnapshot::decode(&damaged).is_err());
        assert!(StoredSnapshot::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(StoredSnapshot::decode(&[]).is_err());
    }
}
