//! `TimerCheckpoint`: the 4 KiB `config/timercheck` file (Java `store/timer/TimerCheckpoint`).
//!
//! Big-endian i64 at: 0 `lastReadTimeMs` (the next slot to deliver), 8
//! `lastTimerLogFlushPos`, 16 `lastTimerQueueOffset` (next timer-topic queue offset to
//! enqueue), 24 `masterTimerQueueOffset`, 32/40/48 DataVersion stateVersion, timestamp,
//! counter. Values live in atomics and reach the file on `flush`.

use crate::file_system::FileSystem;
use crate::logfile::{MappedFile, Reservation};
use crate::store_error::StoreError;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

const FILE_SIZE: usize = 4096;
const FIELDS: usize = 7;

/// The timer checkpoint.
pub(crate) struct TimerCheckpoint {
    file: MappedFile,
    /// lastReadTimeMs, lastTimerLogFlushPos, lastTimerQueueOffset, masterTimerQueueOffset,
    /// stateVersion, timestamp, counter.
    vals: [AtomicI64; FIELDS],
}

pub(crate) const LAST_READ_TIME_MS: usize = 0;
pub(crate) const LAST_TIMER_LOG_FLUSH_POS: usize = 1;
pub(crate) const LAST_TIMER_QUEUE_OFFSET: usize = 2;
pub(crate) const MASTER_TIMER_QUEUE_OFFSET: usize = 3;
const TIMESTAMP: usize = 5;
const COUNTER: usize = 6;

impl TimerCheckpoint {
    /// Opens `path`, reading the values when the file exists.
    pub(crate) fn open(path: &Path, fs: Arc<dyn FileSystem>) -> Result<Self, StoreError> {
        let existed = path.exists();
        let file = MappedFile::open(path, FILE_SIZE, 0, fs, Reservation::Whole)?;
        let read = if existed {
            file.with_exclusive(|b| {
                std::array::from_fn(|i| {
                    i64::from_be_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]))
                })
            })
        } else {
            [0i64; FIELDS]
        };
        Ok(TimerCheckpoint {
            file,
            vals: read.map(AtomicI64::new),
        })
    }

    pub(crate) fn get(&self, field: usize) -> i64 {
        self.vals[field].load(Ordering::Acquire)
    }

    pub(crate) fn set(&self, field: usize, v: i64) {
        self.vals[field].store(v, Ordering::Release);
    }

    /// Advances the DataVersion (Java `updateDateVersion(stateVersion)`; the state version
    /// is the store's state machine version, 0 outside controller mode, so it stays as read).
    pub(crate) fn update_data_version(&self, now_ms: i64) {
        self.set(TIMESTAMP, now_ms);
        self.vals[COUNTER].fetch_add(1, Ordering::AcqRel);
    }

    /// Returns the 56 bytes GET_TIMER_CHECK_POINT answers (Java `encode`).
    pub(crate) fn encode(&self) -> Vec<u8> {
        (0..FIELDS)
            .flat_map(|i| self.get(i).to_be_bytes())
            .collect()
    }

    /// Writes the values and forces the file to disk.
    pub(crate) fn flush(&self) {
        let vals: [i64; FIELDS] = std::array::from_fn(|i| self.get(i));
        self.file.with_exclusive(|b| {
            for (i, v) in vals.iter().enumerate() {
                b[i * 8..i * 8 + 8].copy_from_slice(&v.to_be_bytes());
            }
        });
        self.file.force();
    }
}
