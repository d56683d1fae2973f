//! `RaftLogStore`: openraft's log storage over `raft-log` ([`super::raft_log_file`]).
//!
//! Reads are served from an in-memory copy of the log (it only holds the entries since the
//! last snapshot); writes update that copy and go to the [`RaftStoreWriter`] thread in order.
//! An append returns at once and completes openraft's `LogFlushed` after the fsync; saving the
//! vote, truncating and purging return once they are on disk.

use super::raft_log_file::LogImage;
use super::raft_store_writer::{RaftStoreWriter, WriteRequest};
use super::types::{storage_error, Entry, LogId, StorageError, TypeConfig, Vote};
use openraft::storage::{LogFlushed, RaftLogStorage};
use openraft::{ErrorSubject, ErrorVerb, LogState, RaftLogReader};
use parking_lot::RwLock;
use std::fmt::Debug;
use std::ops::RangeBounds;
use std::sync::Arc;

/// The log store openraft writes to; its reader is [`LogReader`].
pub(crate) struct RaftLogStore {
    image: Arc<RwLock<LogImage>>,
    writer: RaftStoreWriter,
}

/// Reads entries for replication; clones share the store's memory.
#[derive(Clone)]
pub(crate) struct LogReader {
    image: Arc<RwLock<LogImage>>,
}

impl RaftLogStore {
    /// Serves `image` (what the log file holds) and writes through `writer`.
    pub fn new(image: LogImage, writer: RaftStoreWriter) -> Self {
        RaftLogStore {
            image: Arc::new(RwLock::new(image)),
            writer,
        }
    }

    /// Waits for the writer to replace the log file by the current image.
    async fn rewrite(&self, verb_subject: ErrorSubject<u64>) -> Result<(), StorageError> {
        let image = self.image.read().clone();
        self.writer
            .call(|done| WriteRequest::Rewrite { image, done })
            .await
            .map_err(|e| storage_error(ErrorVerb::Write, verb_subject, e))
    }
}

fn read_range<RB: RangeBounds<u64>>(image: &RwLock<LogImage>, range: RB) -> Vec<Entry> {
    image
        .read()
        .entries
        .range(range)
        .map(|(_, e)| e.clone())
        .collect()
}

impl RaftLogReader<TypeConfig> for LogReader {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + Send>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, StorageError> {
        Ok(read_range(&self.image, range))
    }
}

impl RaftLogReader<TypeConfig> for RaftLogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + Send>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, StorageError> {
        Ok(read_range(&self.image, range))
    }
}

impl RaftLogStorage<TypeConfig> for RaftLogStore {
    type LogReader = LogReader;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError> {
        let image = self.image.read();
        Ok(LogState {
            last_purged_log_id: image.purged,
            last_log_id: image.last_log_id(),
        })
    }

    async fn get_log_reader(&mut self) -> LogReader {
        LogReader {
            image: self.image.clone(),
        }
    }

    async fn save_vote(&mut self, vote: &Vote) -> Result<(), StorageError> {
        let vote = *vote;
        self.writer
            .call(|done| WriteRequest::SaveVote { vote, done })
            .await
            .map_err(|e| storage_error(ErrorVerb::Write, ErrorSubject::Vote, e))?;
        self.image.write().vote = Some(vote);
        Ok(())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote>, StorageError> {
        Ok(self.image.read().vote)
    }

    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), StorageError> {
        self.image.write().committed = committed;
        self.writer
            .send(WriteRequest::SaveCommitted { committed })
            .map_err(|e| storage_error(ErrorVerb::Write, ErrorSubject::Store, e))
    }

    async fn read_committed(&mut self) -> Result<Option<LogId>, StorageError> {
        Ok(self.image.read().committed)
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: LogFlushed<TypeConfig>,
    ) -> Result<(), StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        let entries: Vec<Entry> = entries.into_iter().collect();
        {
            let mut image = self.image.write();
            for entry in &entries {
                let log_id = entry.log_id;
                image.append(entry.clone()).map_err(|reason| {
                    storage_error(ErrorVerb::Write, ErrorSubject::Log(log_id), reason)
                })?;
            }
        }
        self.writer
            .send(WriteRequest::Append {
                entries,
                flushed: callback,
            })
            .map_err(|e| storage_error(ErrorVerb::Write, ErrorSubject::Logs, e))
    }

    async fn truncate(&mut self, log_id: LogId) -> Result<(), StorageError> {
        tracing::debug!(%log_id, "truncating the raft log");
        self.image.write().truncate(log_id.index);
        self.rewrite(ErrorSubject::Log(log_id)).await
    }

    async fn purge(&mut self, log_id: LogId) -> Result<(), StorageError> {
        tracing::debug!(%log_id, "purging the raft log");
        self.image.write().purge(log_id);
        self.rewrite(ErrorSubject::Log(log_id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::raft_log_file::RaftLogFile;
    use super::super::types::CommandBatch;
    use super::*;
    use openraft::storage::RaftLogStorageExt;
    use openraft::{CommittedLeaderId, EntryPayload};

    fn log_id(term: u64, index: u64) -> LogId {
        LogId::new(CommittedLeaderId::new(term, 0), index)
    }

    fn entry(term: u64, index: u64) -> Entry {
        Entry {
            log_id: log_id(term, index),
            payload: EntryPayload::Normal(CommandBatch {
                commands: vec![serde_json::json!(index)],
            }),
        }
    }

    fn open(dir: &std::path::Path) -> (RaftLogStore, RaftStoreWriter) {
        let (file, image) = RaftLogFile::open(dir).unwrap();
        let writer = RaftStoreWriter::spawn("test", file, dir.join("raft-snapshot"), None).unwrap();
        (RaftLogStore::new(image, writer.clone()), writer)
    }

    #[tokio::test]
    async fn survives_a_restart_after_truncate_and_purge() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, writer) = open(dir.path());
        store.save_vote(&Vote::new(1, 0)).await.unwrap();
        store
            .blocking_append((0..10).map(|i| entry(1, i)))
            .await
            .unwrap();
        store.save_committed(Some(log_id(1, 5))).await.unwrap();
        store.truncate(log_id(1, 7)).await.unwrap();
        store.blocking_append([entry(2, 7)]).await.unwrap();
        store.purge(log_id(1, 3)).await.unwrap();
        store.save_vote(&Vote::new_committed(2, 1)).await.unwrap();
        let mut reader = store.get_log_reader().await;
        let read = reader.try_get_log_entries(0..100).await.unwrap();
        assert_eq!(
            read.iter().map(|e| e.log_id.index).collect::<Vec<_>>(),
            vec![4, 5, 6, 7]
        );
        writer.stop().await;
        // After stop, writes fail instead of being lost silently.
        assert!(store.save_vote(&Vote::new(3, 0)).await.is_err());

        let (mut store, writer) = open(dir.path());
        let state = store.get_log_state().await.unwrap();
        assert_eq!(state.last_purged_log_id, Some(log_id(1, 3)));
        assert_eq!(state.last_log_id, Some(log_id(2, 7)));
        assert_eq!(
            store.read_vote().await.unwrap(),
            Some(Vote::new_committed(2, 1))
        );
        assert_eq!(store.read_committed().await.unwrap(), Some(log_id(1, 5)));
        let read = store.try_get_log_entries(5..=6).await.unwrap();
        assert_eq!(read, vec![entry(1, 5), entry(1, 6)]);
        writer.stop().await;
    }

    #[tokio::test]
    async fn refuses_to_append_a_hole() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, writer) = open(dir.path());
        store.blocking_append([entry(1, 0)]).await.unwrap();
        assert!(store.blocking_append([entry(1, 2)]).await.is_err());
        writer.stop().await;
    }
}
