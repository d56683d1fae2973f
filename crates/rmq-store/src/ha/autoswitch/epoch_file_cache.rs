//! `EpochFileCache`: which CommitLog offset each master epoch started at, kept in the
//! `epochFileCheckpoint` file (Java `store/ha/autoswitch/EpochFileCache` over
//! `common/utils/CheckpointFile`). Controller mode compares two brokers' caches to find the
//! last offset both wrote under the same master (`find_consistent_point`) and truncates the
//! rest.
//!
//! File format (Java's): the entry count, the CRC32 (Java `UtilAll.crc32`, 31 bits) of the
//! entry lines, then one `epoch-startOffset` line per entry, each line ended by `\n`; written
//! through `.tmp` with the previous file kept as `.bak`, read from `.bak` when the file is
//! missing, empty or damaged.

use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// One master epoch: the offsets it covers (`[start_offset, end_offset)`; the last epoch
/// ends at `i64::MAX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochEntry {
    pub epoch: i32,
    pub start_offset: i64,
    pub end_offset: i64,
}

impl EpochEntry {
    pub fn new(epoch: i32, start_offset: i64) -> Self {
        EpochEntry {
            epoch,
            start_offset,
            end_offset: i64::MAX,
        }
    }
}

/// The epoch entries of one broker, by epoch, optionally backed by a checkpoint file.
#[derive(Debug, Default)]
pub struct EpochFileCache {
    entries: RwLock<BTreeMap<i32, EpochEntry>>,
    path: Option<PathBuf>,
}

fn checkpoint_lines(entries: &BTreeMap<i32, EpochEntry>) -> String {
    entries
        .values()
        .map(|e| format!("{}-{}\n", e.epoch, e.start_offset))
        .collect()
}

/// Parses a checkpoint file's text; `Ok(None)` when it holds no entries.
fn parse_checkpoint(text: &str) -> io::Result<Vec<EpochEntry>> {
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    let mut lines = text.lines();
    let count: usize = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| bad("no entry count".into()))?;
    let crc: i32 = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| bad("no crc32".into()))?;
    let mut body = String::new();
    let mut entries = Vec::new();
    for line in lines {
        body.push_str(line);
        body.push('\n');
        let mut parts = line.split('-');
        if let (Some(e), Some(o), None) = (parts.next(), parts.next(), parts.next()) {
            let epoch = e
                .parse()
                .map_err(|_| bad(format!("bad epoch in {line:?}")))?;
            let start = o
                .parse()
                .map_err(|_| bad(format!("bad offset in {line:?}")))?;
            entries.push(EpochEntry::new(epoch, start));
        }
    }
    if entries.len() != count {
        return Err(bad(format!(
            "Expect {count} entries, only found {} entries",
            entries.len()
        )));
    }
    let truth = rmq_common::util_all::crc32(body.as_bytes());
    if crc != 0 && crc != truth {
        return Err(bad(format!(
            "Entries crc32 not match, file={crc}, truth={truth}"
        )));
    }
    Ok(entries)
}

fn read_checkpoint(path: &Path) -> io::Result<Vec<EpochEntry>> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_checkpoint(&text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

impl EpochFileCache {
    /// A cache without a file (a peer's entries received over the network).
    pub fn new() -> Self {
        Self::default()
    }

    /// A cache persisted to `path` (`{storePathRootDir}/epochFileCheckpoint`); call
    /// [`EpochFileCache::init_from_file`] to load it.
    pub fn with_file(path: impl Into<PathBuf>) -> Self {
        EpochFileCache {
            entries: RwLock::new(BTreeMap::new()),
            path: Some(path.into()),
        }
    }

    /// Loads the file, falling back to `.bak` when the file is missing, empty or damaged
    /// (`initCacheFromFile`).
    pub fn init_from_file(&self) -> io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let bak = rmq_common::mix_all::with_suffix(path, ".bak");
        let entries = match read_checkpoint(path) {
            Ok(e) if !e.is_empty() => e,
            Ok(_) => read_checkpoint(&bak)?,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "epoch file damaged, reading its .bak");
                read_checkpoint(&bak)?
            }
        };
        self.init_entries(&entries);
        Ok(())
    }

    /// Replaces the entries (a peer's list) and persists them (`initCacheFromEntries`).
    pub fn init_from_entries(&self, entries: &[EpochEntry]) -> io::Result<()> {
        self.init_entries(entries);
        self.flush()
    }

    fn init_entries(&self, entries: &[EpochEntry]) {
        let mut map = self.entries.write();
        map.clear();
        let mut previous: Option<i32> = None;
        for e in entries {
            if let Some(p) = previous.and_then(|p| map.get_mut(&p)) {
                p.end_offset = e.start_offset;
            }
            map.insert(e.epoch, *e);
            previous = Some(e.epoch);
        }
    }

    pub fn entry_count(&self) -> usize {
        self.entries.read().len()
    }

    /// Appends a new epoch; refused (false) unless both its epoch and start offset are
    /// above the last entry's (`appendEntry`).
    pub fn append_entry(&self, entry: EpochEntry) -> io::Result<bool> {
        {
            let mut map = self.entries.write();
            if let Some(last) = map.values_mut().next_back() {
                if last.epoch >= entry.epoch || last.start_offset >= entry.start_offset {
                    tracing::error!(
                        ?entry,
                        ?last,
                        "epoch entry not above the last one, append refused"
                    );
                    return Ok(false);
                }
                last.end_offset = entry.start_offset;
            }
            map.insert(entry.epoch, entry);
        }
        self.flush()?;
        Ok(true)
    }

    /// Sets the last entry's end offset, if not below its start (`setLastEpochEntryEndOffset`).
    pub fn set_last_entry_end_offset(&self, end_offset: i64) {
        if let Some(last) = self.entries.write().values_mut().next_back() {
            if last.start_offset <= end_offset {
                last.end_offset = end_offset;
            }
        }
    }

    pub fn first_entry(&self) -> Option<EpochEntry> {
        self.entries.read().values().next().copied()
    }

    pub fn last_entry(&self) -> Option<EpochEntry> {
        self.entries.read().values().next_back().copied()
    }

    /// The last epoch, -1 when there is none (`lastEpoch`).
    pub fn last_epoch(&self) -> i32 {
        self.last_entry().map_or(-1, |e| e.epoch)
    }

    pub fn entry(&self, epoch: i32) -> Option<EpochEntry> {
        self.entries.read().get(&epoch).copied()
    }

    /// The entry whose range holds `offset` (`findEpochEntryByOffset`).
    pub fn find_by_offset(&self, offset: i64) -> Option<EpochEntry> {
        self.entries
            .read()
            .values()
            .find(|e| e.start_offset <= offset && e.end_offset > offset)
            .copied()
    }

    /// The first entry after `epoch` (`nextEntry`).
    pub fn next_entry(&self, epoch: i32) -> Option<EpochEntry> {
        self.entries
            .read()
            .range(epoch.saturating_add(1)..)
            .next()
            .map(|(_, e)| *e)
    }

    pub fn all_entries(&self) -> Vec<EpochEntry> {
        self.entries.read().values().copied().collect()
    }

    /// The highest offset up to which this cache and `other` agree: the end of the newest
    /// epoch both have with the same start offset (the smaller of the two ends), -1 if none
    /// (`findConsistentPoint`).
    pub fn find_consistent_point(&self, other: &EpochFileCache) -> i64 {
        let local = self.all_entries();
        for mine in local.iter().rev() {
            if let Some(theirs) = other.entry(mine.epoch) {
                if theirs.start_offset == mine.start_offset {
                    return mine.end_offset.min(theirs.end_offset);
                }
            }
        }
        -1
    }

    /// Drops the entries of epoch `>= epoch`; the new last one ends at `i64::MAX`.
    pub fn truncate_suffix_by_epoch(&self, epoch: i32) -> io::Result<()> {
        self.truncate_suffix(|e| e.epoch >= epoch)
    }

    /// Drops the entries starting at or after `offset`; the new last one ends at `i64::MAX`.
    pub fn truncate_suffix_by_offset(&self, offset: i64) -> io::Result<()> {
        self.truncate_suffix(|e| e.start_offset >= offset)
    }

    fn truncate_suffix(&self, drop: impl Fn(&EpochEntry) -> bool) -> io::Result<()> {
        {
            let mut map = self.entries.write();
            map.retain(|_, e| !drop(e));
            if let Some(last) = map.values_mut().next_back() {
                last.end_offset = i64::MAX;
            }
        }
        self.flush()
    }

    /// Drops the entries that end at or before `offset` (files deleted from the CommitLog's
    /// head) (`truncatePrefixByOffset`).
    pub fn truncate_prefix_by_offset(&self, offset: i64) -> io::Result<()> {
        self.entries.write().retain(|_, e| e.end_offset > offset);
        self.flush()
    }

    /// Writes the file (nothing when there is no file or no entry, as Java's).
    fn flush(&self) -> io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let map = self.entries.read();
        if map.is_empty() {
            return Ok(());
        }
        let body = checkpoint_lines(&map);
        let content = format!(
            "{}\n{}\n{}",
            map.len(),
            rmq_common::util_all::crc32(body.as_bytes()),
            body
        );
        rmq_common::mix_all::string_to_file(&content, path)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cache(entries: &[(i32, i64)]) -> EpochFileCache {
        let c = EpochFileCache::new();
        for &(e, o) in entries {
            assert!(c.append_entry(EpochEntry::new(e, o)).unwrap());
        }
        c
    }

    #[test]
    fn the_file_is_javas_format_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("epochFileCheckpoint");
        let c = EpochFileCache::with_file(&path);
        c.append_entry(EpochEntry::new(7, 7000)).unwrap();
        c.append_entry(EpochEntry::new(8, 8000)).unwrap();
        // the example in Java's CheckpointFile javadoc
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "2\n773307083\n7-7000\n8-8000\n"
        );
        let back = EpochFileCache::with_file(&path);
        back.init_from_file().unwrap();
        assert_eq!(
            back.all_entries(),
            vec![
                EpochEntry {
                    epoch: 7,
                    start_offset: 7000,
                    end_offset: 8000
                },
                EpochEntry::new(8, 8000)
            ]
        );
    }

    #[test]
    fn a_damaged_file_falls_back_to_its_bak() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("epochFileCheckpoint");
        let c = EpochFileCache::with_file(&path);
        c.append_entry(EpochEntry::new(1, 0)).unwrap();
        c.append_entry(EpochEntry::new(2, 100)).unwrap(); // .bak holds epoch 1 only
        std::fs::write(&path, "2\n12345\n1-0\n2-100\n").unwrap();
        let back = EpochFileCache::with_file(&path);
        back.init_from_file().unwrap();
        assert_eq!(back.last_epoch(), 1);
        std::fs::write(&path, "3\n0\n1-0\n2-100\n").unwrap();
        assert!(parse_checkpoint("3\n0\n1-0\n2-100\n").is_err());
        assert_eq!(
            parse_checkpoint("2\n0\n1-0\n2-100\n").unwrap().len(),
            2,
            "crc 0 is not checked"
        );
    }

    #[test]
    fn appends_must_move_forward() {
        let c = cache(&[(1, 0), (2, 100)]);
        assert!(!c.append_entry(EpochEntry::new(2, 200)).unwrap());
        assert!(!c.append_entry(EpochEntry::new(3, 100)).unwrap());
        assert_eq!(c.find_by_offset(99).map(|e| e.epoch), Some(1));
        assert_eq!(c.find_by_offset(100).map(|e| e.epoch), Some(2));
        assert_eq!(c.next_entry(1).map(|e| e.epoch), Some(2));
        assert_eq!(c.next_entry(2), None);
    }

    #[test]
    fn the_consistent_point_is_the_end_of_the_newest_shared_epoch() {
        // both wrote epochs 1 and 2 from the same offsets; the old master went on in epoch 3
        // while the new master started epoch 3 elsewhere
        let old = cache(&[(1, 0), (2, 100), (3, 300)]);
        old.set_last_entry_end_offset(500);
        let new = cache(&[(1, 0), (2, 100), (3, 250)]);
        assert_eq!(old.find_consistent_point(&new), 250);
        let unrelated = cache(&[(5, 0)]);
        assert_eq!(old.find_consistent_point(&unrelated), -1);
        old.truncate_suffix_by_offset(250).unwrap();
        assert_eq!(old.last_entry(), Some(EpochEntry::new(2, 100)));
        old.truncate_suffix_by_epoch(2).unwrap();
        assert_eq!(old.last_epoch(), 1);
        let c = cache(&[(1, 0), (2, 100), (3, 300)]);
        c.truncate_prefix_by_offset(100).unwrap();
        assert_eq!(c.first_entry().map(|e| e.epoch), Some(2));
    }
}
