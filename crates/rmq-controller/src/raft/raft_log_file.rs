//! `raft-log`: the durable Raft log and vote of one node, an append-only file of records
//! ([`super::record_file`]) whose payloads are the JSON of a [`LogRecord`]:
//!
//! - `Entry`: a log entry; entries follow each other with consecutive indexes;
//! - `Vote`: the vote, the last one wins;
//! - `Committed`: the last committed log id known (optional in Raft: written without fsync);
//! - `Purged`: the entries up to this id are gone (they are in the snapshot).
//!
//! Appends are fsynced before they are reported durable. Truncating or purging the log
//! rewrites the whole file (`raft-log.tmp`, fsync, rename) as vote, committed, purged, then
//! the entries left. On open, a damaged tail (a crash in the middle of an append) is cut off.

use super::record_file::{encode_record, scan_records, sync_parent_dir, write_file_atomically};
use super::types::{Entry, LogId, Vote};
use openraft::LogIdOptionExt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The log file's name in the store directory.
pub(crate) const LOG_FILE_NAME: &str = "raft-log";

/// One record of the log file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum LogRecord {
    Vote(Vote),
    Committed(Option<LogId>),
    Purged(LogId),
    Entry(Entry),
}

/// What the log file holds; also the in-memory copy the log store serves reads from.
#[derive(Debug, Clone, Default)]
pub(crate) struct LogImage {
    pub vote: Option<Vote>,
    pub committed: Option<LogId>,
    pub purged: Option<LogId>,
    pub entries: BTreeMap<u64, Entry>,
}

impl LogImage {
    /// The id of the last entry, else of the last purged one.
    pub fn last_log_id(&self) -> Option<LogId> {
        match self.entries.last_key_value() {
            Some((_, e)) => Some(e.log_id),
            None => self.purged,
        }
    }

    /// Appends `entry`, dropping any entry at or after its index first.
    pub fn append(&mut self, entry: Entry) -> Result<(), String> {
        let index = entry.log_id.index;
        let next = self.last_log_id().next_index();
        if index > next {
            return Err(format!(
                "entry {index} leaves a hole after {}",
                next.saturating_sub(1)
            ));
        }
        if let Some(purged) = self.purged.filter(|p| index <= p.index) {
            return Err(format!(
                "entry {index} is at or before the purged {}",
                purged.index
            ));
        }
        self.truncate(index);
        self.entries.insert(index, entry);
        Ok(())
    }

    /// Drops the entries from `index` on.
    pub fn truncate(&mut self, index: u64) {
        self.entries.split_off(&index);
    }

    /// Drops the entries up to `log_id` and remembers it as purged.
    pub fn purge(&mut self, log_id: LogId) {
        if self.purged.is_some_and(|p| p.index >= log_id.index) {
            return;
        }
        self.entries = self.entries.split_off(&(log_id.index + 1));
        self.purged = Some(log_id);
    }

    fn replay(&mut self, record: LogRecord) -> Result<(), String> {
        match record {
            LogRecord::Vote(v) => self.vote = Some(v),
            LogRecord::Committed(c) => self.committed = c,
            LogRecord::Purged(p) => self.purge(p),
            LogRecord::Entry(e) => self.append(e)?,
        }
        Ok(())
    }

    /// The records that rebuild this image in an empty file.
    fn records(&self) -> impl Iterator<Item = LogRecord> + '_ {
        let vote = self.vote.map(LogRecord::Vote);
        let committed = self.committed.map(|c| LogRecord::Committed(Some(c)));
        let purged = self.purged.map(LogRecord::Purged);
        let entries = self.entries.values().cloned().map(LogRecord::Entry);
        vote.into_iter()
            .chain(committed)
            .chain(purged)
            .chain(entries)
    }
}

/// Encodes `records` as one buffer of framed records.
pub(crate) fn encode_log_records<'a>(
    records: impl IntoIterator<Item = &'a LogRecord>,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for record in records {
        let json = serde_json::to_vec(record).map_err(io::Error::other)?;
        encode_record(&json, &mut out)?;
    }
    Ok(out)
}

/// The open log file; used by one thread at a time.
pub(crate) struct RaftLogFile {
    path: PathBuf,
    file: File,
}

/// Why a log file could not be opened.
#[derive(Debug)]
pub(crate) enum OpenLogError {
    Io(io::Error),
    /// An undamaged record that does not decode or breaks the log's order.
    Corrupt(String),
}

impl From<io::Error> for OpenLogError {
    fn from(e: io::Error) -> Self {
        OpenLogError::Io(e)
    }
}

impl RaftLogFile {
    /// Opens (or creates) `dir/raft-log`, cuts off a damaged tail and returns what it holds.
    pub fn open(dir: &Path) -> Result<(RaftLogFile, LogImage), OpenLogError> {
        let path = dir.join(LOG_FILE_NAME);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let scan = scan_records(&bytes);
        let mut image = LogImage::default();
        for (i, payload) in scan.records.iter().enumerate() {
            let record: LogRecord = serde_json::from_slice(payload)
                .map_err(|e| OpenLogError::Corrupt(format!("record {i} does not decode: {e}")))?;
            image
                .replay(record)
                .map_err(|e| OpenLogError::Corrupt(format!("record {i}: {e}")))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        if let Some(damage) = &scan.damage {
            tracing::warn!(path = %path.display(), damage, valid_len = scan.valid_len,
                file_len = bytes.len(), "cutting off the damaged tail of the raft log");
            file.set_len(scan.valid_len as u64)?;
            file.sync_all()?;
        }
        sync_parent_dir(&path)?;
        let mut log = RaftLogFile { path, file };
        log.seek_to_end()?;
        Ok((log, image))
    }

    fn seek_to_end(&mut self) -> io::Result<()> {
        use std::io::Seek;
        self.file.seek(io::SeekFrom::End(0)).map(|_| ())
    }

    /// Appends already framed records; with `sync`, fsyncs them before returning.
    pub fn append(&mut self, framed: &[u8], sync: bool) -> io::Result<()> {
        self.file.write_all(framed)?;
        if sync {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// Replaces the file by one holding exactly `image`.
    pub fn rewrite(&mut self, image: &LogImage) -> io::Result<()> {
        let records: Vec<LogRecord> = image.records().collect();
        let bytes = encode_log_records(&records)?;
        write_file_atomically(&self.path, &bytes)?;
        self.file = OpenOptions::new().write(true).open(&self.path)?;
        self.seek_to_end()
    }

    /// The path of the temporary file a rewrite uses.
    #[cfg(test)]
    pub fn tmp_path(&self) -> PathBuf {
        super::record_file::tmp_path(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::super::types::{CommandBatch, TypeConfig};
    use super::*;
    use openraft::{CommittedLeaderId, EntryPayload};

    fn log_id(term: u64, index: u64) -> LogId {
        LogId::new(CommittedLeaderId::new(term, 0), index)
    }

    fn entry(term: u64, index: u64) -> Entry {
        let batch = CommandBatch {
            commands: vec![serde_json::json!(index)],
        };
        Entry {
            log_id: log_id(term, index),
            payload: EntryPayload::<TypeConfig>::Normal(batch),
        }
    }

    fn append(log: &mut RaftLogFile, records: &[LogRecord]) {
        log.append(&encode_log_records(records).unwrap(), true)
            .unwrap();
    }

    fn indexes(image: &LogImage) -> Vec<u64> {
        image.entries.keys().copied().collect()
    }

    #[test]
    fn recovers_what_was_appended() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, image) = RaftLogFile::open(dir.path()).unwrap();
        assert!(image.entries.is_empty() && image.vote.is_none());
        append(&mut log, &[LogRecord::Vote(Vote::new(1, 2))]);
        append(
            &mut log,
            &[LogRecord::Entry(entry(1, 0)), LogRecord::Entry(entry(1, 1))],
        );
        append(&mut log, &[LogRecord::Committed(Some(log_id(1, 1)))]);
        append(&mut log, &[LogRecord::Vote(Vote::new_committed(2, 1))]);
        append(&mut log, &[LogRecord::Entry(entry(2, 2))]);
        drop(log);
        let (_, image) = RaftLogFile::open(dir.path()).unwrap();
        assert_eq!(indexes(&image), vec![0, 1, 2]);
        assert_eq!(image.vote, Some(Vote::new_committed(2, 1)));
        assert_eq!(image.committed, Some(log_id(1, 1)));
        assert_eq!(image.last_log_id(), Some(log_id(2, 2)));
        assert_eq!(image.entries[&2], entry(2, 2));
    }

    #[test]
    fn drops_a_torn_last_record_and_keeps_appending() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, _) = RaftLogFile::open(dir.path()).unwrap();
        append(
            &mut log,
            &[LogRecord::Entry(entry(1, 0)), LogRecord::Entry(entry(1, 1))],
        );
        let good_len = std::fs::metadata(dir.path().join(LOG_FILE_NAME))
            .unwrap()
            .len();
        let torn = encode_log_records(&[LogRecord::Entry(entry(1, 2))]).unwrap();
        log.append(&torn[..torn.len() - 3], true).unwrap();
        drop(log);

        let (mut log, image) = RaftLogFile::open(dir.path()).unwrap();
        assert_eq!(indexes(&image), vec![0, 1]);
        let len = std::fs::metadata(dir.path().join(LOG_FILE_NAME))
            .unwrap()
            .len();
        assert_eq!(len, good_len, "the torn tail is cut off");
        append(&mut log, &[LogRecord::Entry(entry(1, 2))]);
        drop(log);
        let (_, image) = RaftLogFile::open(dir.path()).unwrap();
        assert_eq!(indexes(&image), vec![0, 1, 2]);
    }

    #[test]
    fn drops_a_record_with_a_flipped_byte() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, _) = RaftLogFile::open(dir.path()).unwrap();
        append(
            &mut log,
            &[LogRecord::Entry(entry(1, 0)), LogRecord::Entry(entry(1, 1))],
        );
        drop(log);
        let path = dir.path().join(LOG_FILE_NAME);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        let (_, image) = RaftLogFile::open(dir.path()).unwrap();
        assert_eq!(indexes(&image), vec![0]);
    }

    #[test]
    fn refuses_an_undamaged_hole() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, _) = RaftLogFile::open(dir.path()).unwrap();
        append(
            &mut log,
            &[LogRecord::Entry(entry(1, 0)), LogRecord::Entry(entry(1, 2))],
        );
        drop(log);
        match RaftLogFile::open(dir.path()) {
            Err(OpenLogError::Corrupt(reason)) => assert!(reason.contains("hole"), "{reason}"),
            other => panic!("expected a corrupt log, got {:?}", other.map(|(_, i)| i)),
        }
    }

    #[test]
    fn truncates_and_purges_by_rewriting() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, mut image) = RaftLogFile::open(dir.path()).unwrap();
        let records: Vec<LogRecord> = (0..10).map(|i| LogRecord::Entry(entry(1, i))).collect();
        append(&mut log, &records);
        for r in records {
            image.replay(r).unwrap();
        }
        image.vote = Some(Vote::new_committed(1, 0));
        image.committed = Some(log_id(1, 6));

        image.truncate(8);
        log.rewrite(&image).unwrap();
        image.purge(log_id(1, 4));
        log.rewrite(&image).unwrap();
        assert!(!log.tmp_path().exists());
        // Appending after a rewrite continues the new file.
        append(&mut log, &[LogRecord::Entry(entry(2, 8))]);
        drop(log);

        let (_, image) = RaftLogFile::open(dir.path()).unwrap();
        assert_eq!(indexes(&image), vec![5, 6, 7, 8]);
        assert_eq!(image.purged, Some(log_id(1, 4)));
        assert_eq!(image.vote, Some(Vote::new_committed(1, 0)));
        assert_eq!(image.committed, Some(log_id(1, 6)));
        assert_eq!(image.entries[&8].log_id, log_id(2, 8));
    }

    #[test]
    fn purging_past_the_last_entry_keeps_the_purged_id() {
        let mut image = LogImage::default();
        image.append(entry(1, 0)).unwrap();
        image.purge(log_id(3, 20));
        assert!(image.entries.is_empty());
        assert_eq!(image.last_log_id(), Some(log_id(3, 20)));
        assert!(image.append(entry(3, 20)).is_err());
        assert!(image.append(entry(3, 22)).is_err());
        image.append(entry(3, 21)).unwrap();
        // An older purge does not move the purged id back.
        image.purge(log_id(1, 5));
        assert_eq!(image.purged, Some(log_id(3, 20)));
    }
}
