//! `StoreCheckpoint`: the 4 KiB `checkpoint` file (Java `StoreCheckpoint`).
//!
//! Layout (big-endian i64): @0 physicMsgTimestamp (store time of the last flushed CommitLog
//! message), @8 logicsMsgTimestamp (last message written to a ConsumeQueue), @16
//! indexMsgTimestamp (end time of the last full, flushed index file), @24 masterFlushedOffset,
//! @32 confirmPhyOffset. Values live in atomics and reach the file on `flush`.

use crate::file_system::{DefaultFileSystem, FileSystem};
use crate::logfile::{MappedFile, Reservation};
use crate::store_error::StoreError;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

const CHECKPOINT_FILE_SIZE: usize = 4096;

/// The store checkpoint.
pub struct StoreCheckpoint {
    file: MappedFile,
    physic_msg_timestamp: AtomicI64,
    logics_msg_timestamp: AtomicI64,
    index_msg_timestamp: AtomicI64,
    master_flushed_offset: AtomicI64,
    confirm_phy_offset: AtomicI64,
}

fn get_i64(buf: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&buf[at..at + 8]);
    i64::from_be_bytes(a)
}

impl StoreCheckpoint {
    /// Opens `path`, reading the values when the file exists.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, Arc::new(DefaultFileSystem))
    }

    /// Opens `path` through `fs`, reading the values when the file exists.
    pub(crate) fn open_with(path: &Path, fs: Arc<dyn FileSystem>) -> Result<Self, StoreError> {
        let existed = path.exists();
        let file = MappedFile::open(path, CHECKPOINT_FILE_SIZE, 0, fs, Reservation::Whole)?;
        let vals = if existed {
            file.with_exclusive(|b| [0, 8, 16, 24, 32].map(|at| get_i64(b, at)))
        } else {
            [0; 5]
        };
        Ok(StoreCheckpoint {
            file,
            physic_msg_timestamp: AtomicI64::new(vals[0]),
            logics_msg_timestamp: AtomicI64::new(vals[1]),
            index_msg_timestamp: AtomicI64::new(vals[2]),
            master_flushed_offset: AtomicI64::new(vals[3]),
            confirm_phy_offset: AtomicI64::new(vals[4]),
        })
    }

    /// Writes the values and forces the file to disk.
    pub fn flush(&self) {
        let vals = [
            self.physic_msg_timestamp(),
            self.logics_msg_timestamp(),
            self.index_msg_timestamp(),
            self.master_flushed_offset.load(Ordering::Acquire),
            self.confirm_phy_offset(),
        ];
        self.file.with_exclusive(|b| {
            for (i, v) in vals.iter().enumerate() {
                b[i * 8..i * 8 + 8].copy_from_slice(&v.to_be_bytes());
            }
        });
        self.file.force();
    }

    pub fn physic_msg_timestamp(&self) -> i64 {
        self.physic_msg_timestamp.load(Ordering::Acquire)
    }
    pub fn set_physic_msg_timestamp(&self, v: i64) {
        self.physic_msg_timestamp.store(v, Ordering::Release);
    }
    pub fn logics_msg_timestamp(&self) -> i64 {
        self.logics_msg_timestamp.load(Ordering::Acquire)
    }
    pub fn set_logics_msg_timestamp(&self, v: i64) {
        self.logics_msg_timestamp.store(v, Ordering::Release);
    }
    pub fn index_msg_timestamp(&self) -> i64 {
        self.index_msg_timestamp.load(Ordering::Acquire)
    }
    pub fn set_index_msg_timestamp(&self, v: i64) {
        self.index_msg_timestamp.store(v, Ordering::Release);
    }
    pub fn confirm_phy_offset(&self) -> i64 {
        self.confirm_phy_offset.load(Ordering::Acquire)
    }
    pub fn set_confirm_phy_offset(&self, v: i64) {
        self.confirm_phy_offset.store(v, Ordering::Release);
    }

    /// `max(0, min(physic, logics) - 3000)`: messages stored before this are surely in the
    /// ConsumeQueues (Java `getMinTimestamp`).
    pub fn min_timestamp(&self) -> i64 {
        (self.physic_msg_timestamp().min(self.logics_msg_timestamp()) - 3000).max(0)
    }

    /// `min(min_timestamp, index)` (Java `getMinTimestampIndex`).
    pub fn min_timestamp_index(&self) -> i64 {
        self.min_timestamp().min(self.index_msg_timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_layout() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("checkpoint");
        let c = StoreCheckpoint::open(&p).unwrap();
        c.set_physic_msg_timestamp(10_000);
        c.set_logics_msg_timestamp(20_000);
        c.set_index_msg_timestamp(5);
        c.flush();
        drop(c);
        let raw = std::fs::read(&p).unwrap();
        assert_eq!(raw.len(), 4096);
        assert_eq!(&raw[0..8], &10_000i64.to_be_bytes());
        assert_eq!(&raw[8..16], &20_000i64.to_be_bytes());
        let c = StoreCheckpoint::open(&p).unwrap();
        assert_eq!(c.min_timestamp(), 7_000);
        assert_eq!(c.min_timestamp_index(), 5);
    }
}
