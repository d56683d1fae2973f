//! `TimerLog`: the append-only `timerlog/` segments (Java `store/timer/TimerLog`).
//!
//! Files are named by their 20-digit start offset, `mappedFileSizeTimerLog` bytes each. A
//! unit is 52 bytes, big-endian:
//!
//! | at | field |
//! |---|---|
//! | 0 | i32 size (52) |
//! | 4 | i64 prevPos: the previous unit of the same slot, -1 for the first |
//! | 12 | i32 magic: DEFAULT 1, ROLL 2, DELETE 4 (valid iff `(magic \| 0xF) == 0xF`) |
//! | 16 | i64 enqueue time (the writer's `currWriteTimeMs`) |
//! | 24 | i32 delayed time − enqueue time |
//! | 28 | i64 CommitLog offset of the timer-topic record |
//! | 36 | i32 size of that record |
//! | 40 | i32 `String.hashCode` of `REAL_TOPIC` (0 when absent) |
//! | 44 | i64 reserved, 0 |
//!
//! A unit that does not fit with 16 bytes to spare ends the file with a blank:
//! `i32 remaining, i64 0, i32 BLANK_MAGIC_CODE`, and goes to the next file.

use crate::file_system::FileSystem;
use crate::logfile::Reservation;
use crate::mapped_file_queue::MappedFileQueue;
use crate::store_error::StoreError;
use std::path::PathBuf;
use std::sync::Arc;

/// Bytes of one unit (Java `TimerLog.UNIT_SIZE`).
pub(crate) const UNIT_SIZE: usize = 52;
/// Marks the blank end of a file (Java `0xBBCCDDEE ^ (1880681586 + 8)`).
pub(crate) const BLANK_MAGIC_CODE: i32 = (0xBBCC_DDEE_u32 ^ (1_880_681_586 + 8)) as i32;
/// Bytes a file keeps free for its blank end (Java `MIN_BLANK_LEN`).
const MIN_BLANK_LEN: usize = 4 + 8 + 4;

pub(crate) const MAGIC_DEFAULT: i32 = 1;
pub(crate) const MAGIC_ROLL: i32 = 1 << 1;
pub(crate) const MAGIC_DELETE: i32 = 1 << 2;

/// Returns true for a magic a unit may carry (Java `isMagicOK`).
pub(crate) fn is_magic_ok(magic: i32) -> bool {
    (magic | 0xF) == 0xF
}

/// One decoded unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimerLogUnit {
    pub size: i32,
    pub prev_pos: i64,
    pub magic: i32,
    pub enqueue_time: i64,
    pub delayed_time: i64,
    pub offset_py: i64,
    pub size_py: i32,
    pub topic_hash: i32,
}

impl TimerLogUnit {
    /// Encodes the unit in Java's layout.
    pub(crate) fn encode(&self) -> [u8; UNIT_SIZE] {
        let mut b = [0u8; UNIT_SIZE];
        b[0..4].copy_from_slice(&(UNIT_SIZE as i32).to_be_bytes());
        b[4..12].copy_from_slice(&self.prev_pos.to_be_bytes());
        b[12..16].copy_from_slice(&self.magic.to_be_bytes());
        b[16..24].copy_from_slice(&self.enqueue_time.to_be_bytes());
        let delta = (self.delayed_time - self.enqueue_time) as i32;
        b[24..28].copy_from_slice(&delta.to_be_bytes());
        b[28..36].copy_from_slice(&self.offset_py.to_be_bytes());
        b[36..40].copy_from_slice(&self.size_py.to_be_bytes());
        b[40..44].copy_from_slice(&self.topic_hash.to_be_bytes());
        b
    }

    /// Decodes a unit from at least [`UNIT_SIZE`] bytes (no validity check).
    pub(crate) fn decode(b: &[u8]) -> Option<Self> {
        let b = b.get(..UNIT_SIZE)?;
        let i32_at = |at: usize| i32::from_be_bytes(b[at..at + 4].try_into().unwrap_or([0; 4]));
        let i64_at = |at: usize| i64::from_be_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
        let enqueue_time = i64_at(16);
        Some(TimerLogUnit {
            size: i32_at(0),
            prev_pos: i64_at(4),
            magic: i32_at(12),
            enqueue_time,
            delayed_time: enqueue_time + i64::from(i32_at(24)),
            offset_py: i64_at(28),
            size_py: i32_at(36),
            topic_hash: i32_at(40),
        })
    }
}

/// Java's `String.hashCode` (UTF-16 code units, wrapping).
pub(crate) fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The timer log.
pub(crate) struct TimerLog {
    queue: MappedFileQueue,
    file_size: usize,
}

impl TimerLog {
    /// Opens `dir` (its files are loaded by [`TimerLog::load`]).
    pub(crate) fn new(dir: PathBuf, file_size: usize, fs: Arc<dyn FileSystem>) -> Self {
        TimerLog {
            queue: MappedFileQueue::new(
                dir,
                file_size,
                None,
                fs,
                Reservation::Ahead {
                    initial_bytes: crate::logfile::RESERVE_MIN_STEP_BYTES,
                },
            ),
            file_size,
        }
    }

    /// Maps the existing files (each counted as full until recovery truncates).
    pub(crate) fn load(&self) -> Result<(), StoreError> {
        self.queue.load(true)
    }

    pub(crate) fn queue(&self) -> &MappedFileQueue {
        &self.queue
    }

    pub(crate) fn file_size(&self) -> usize {
        self.file_size
    }

    /// Appends one unit; returns its absolute position (Java `append`).
    pub(crate) fn append(&self, unit: &[u8; UNIT_SIZE]) -> Result<i64, StoreError> {
        let mut file = self.queue.last_file_or_create(0)?;
        if file.file_size() - file.wrote_position() < UNIT_SIZE + MIN_BLANK_LEN {
            let remaining = file.file_size() - file.wrote_position();
            let mut blank = vec![0u8; remaining];
            blank[0..4].copy_from_slice(&(remaining as i32).to_be_bytes());
            if remaining >= MIN_BLANK_LEN {
                blank[12..16].copy_from_slice(&BLANK_MAGIC_CODE.to_be_bytes());
            }
            file.append_bytes(&blank)?;
            file = self.queue.last_file_or_create(0)?;
        }
        let pos = file.file_from_offset() + file.wrote_position() as i64;
        file.append_bytes(unit)?;
        Ok(pos)
    }

    /// Reads the unit at absolute position `pos`, if written.
    pub(crate) fn read_unit(&self, pos: i64) -> Option<TimerLogUnit> {
        if pos < 0 {
            return None;
        }
        let file = self.queue.find_mapped_file_by_offset(pos, false)?;
        let at = (pos - file.file_from_offset()) as usize;
        TimerLogUnit::decode(file.read(at, UNIT_SIZE)?)
    }
}
