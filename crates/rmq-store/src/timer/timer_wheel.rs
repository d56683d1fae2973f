//! `TimerWheel`: the `timerwheel` file of slots (Java `store/timer/TimerWheel`, `Slot`).
//!
//! `slotsTotal × 2` slots of 32 bytes, big-endian: `i64 timeMs / precisionMs`, `i64
//! firstPos`, `i64 lastPos` (timer log positions), `i32 num`, `i32 magic` (unused). The slot
//! of a time is `(timeMs / precisionMs) % (slotsTotal × 2)`; a slot whose stored time differs
//! from the one asked for is empty. The units of a slot form a backward list from `lastPos`
//! through each unit's `prevPos`. The file must be exactly `slotsTotal × 2 × 32` bytes.

use crate::file_system::FileSystem;
use crate::logfile::{MappedFile, Reservation};
use crate::store_error::StoreError;
use std::path::Path;
use std::sync::Arc;

/// Bytes of one slot (Java `Slot.SIZE`).
pub(crate) const SLOT_SIZE: usize = 32;
/// Days the wheel covers (Java `TIMER_WHEEL_TTL_DAY`).
pub(crate) const TIMER_WHEEL_TTL_DAY: i64 = 7;
/// Slots of the wheel for any precision (Java `slotsTotal = 7 × 86400`).
pub(crate) const SLOTS_TOTAL: i64 = TIMER_WHEEL_TTL_DAY * 86_400;

/// One slot as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    /// Start of the slot in ms; -1 for an empty slot.
    pub time_ms: i64,
    pub first_pos: i64,
    pub last_pos: i64,
    pub num: i32,
    pub magic: i32,
}

impl Slot {
    const EMPTY: Slot = Slot {
        time_ms: -1,
        first_pos: -1,
        last_pos: -1,
        num: 0,
        magic: 0,
    };
}

/// The timer wheel file.
pub(crate) struct TimerWheel {
    file: MappedFile,
    slots_total: i64,
    precision_ms: i64,
}

fn get_i64(b: &[u8], at: usize) -> i64 {
    i64::from_be_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]))
}

fn get_i32(b: &[u8], at: usize) -> i32 {
    i32::from_be_bytes(b[at..at + 4].try_into().unwrap_or([0; 4]))
}

impl TimerWheel {
    /// Opens (creating) `path`; an existing file of another size is an error, as Java's
    /// startup check.
    pub(crate) fn open(
        path: &Path,
        slots_total: i64,
        precision_ms: i64,
        fs: Arc<dyn FileSystem>,
    ) -> Result<Self, StoreError> {
        let size = (slots_total * 2) as usize * SLOT_SIZE;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.len() != size as u64 {
                return Err(StoreError::io(
                    path,
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "Timer wheel length is not expected length {size}, {}",
                            meta.len()
                        ),
                    ),
                ));
            }
        }
        let file = MappedFile::open(path, size, 0, fs, Reservation::Whole)?;
        Ok(TimerWheel {
            file,
            slots_total,
            precision_ms,
        })
    }

    fn index(&self, time_ms: i64) -> usize {
        ((time_ms / self.precision_ms).rem_euclid(self.slots_total * 2)) as usize * SLOT_SIZE
    }

    /// Returns the slot as stored, whatever its time (Java `getRawSlot`).
    pub(crate) fn raw_slot(&self, time_ms: i64) -> Slot {
        let at = self.index(time_ms);
        self.file.with_exclusive(|b| Slot {
            time_ms: get_i64(b, at) * self.precision_ms,
            first_pos: get_i64(b, at + 8),
            last_pos: get_i64(b, at + 16),
            num: get_i32(b, at + 24),
            magic: get_i32(b, at + 28),
        })
    }

    /// Returns the slot of `time_ms`, or an empty one when it holds another time (Java
    /// `getSlot`).
    pub(crate) fn slot(&self, time_ms: i64) -> Slot {
        let s = self.raw_slot(time_ms);
        if s.time_ms != time_ms / self.precision_ms * self.precision_ms {
            return Slot::EMPTY;
        }
        s
    }

    /// Writes the slot of `time_ms` (Java `putSlot`).
    pub(crate) fn put_slot(&self, time_ms: i64, first: i64, last: i64, num: i32, magic: i32) {
        let at = self.index(time_ms);
        let t = time_ms / self.precision_ms;
        self.file.with_exclusive(|b| {
            b[at..at + 8].copy_from_slice(&t.to_be_bytes());
            b[at + 8..at + 16].copy_from_slice(&first.to_be_bytes());
            b[at + 16..at + 24].copy_from_slice(&last.to_be_bytes());
            b[at + 24..at + 28].copy_from_slice(&num.to_be_bytes());
            b[at + 28..at + 32].copy_from_slice(&magic.to_be_bytes());
        });
    }

    /// Recovery: makes `pos` the last unit of the slot of `time_ms`, starting the slot there
    /// when it held another time (Java `reviseSlot(time, IGNORE, pos, true)`; `num` and
    /// `magic` are kept as stored, as Java's three-field `putSlot`).
    pub(crate) fn revise_last(&self, time_ms: i64, pos: i64) {
        let at = self.index(time_ms);
        let t = time_ms / self.precision_ms;
        self.file.with_exclusive(|b| {
            if get_i64(b, at) != t {
                b[at..at + 8].copy_from_slice(&t.to_be_bytes());
                b[at + 8..at + 16].copy_from_slice(&pos.to_be_bytes());
            }
            b[at + 16..at + 24].copy_from_slice(&pos.to_be_bytes());
        });
    }

    /// Calls `f` with every non-empty slot from `time_start_ms` on, around the whole wheel,
    /// under one lock.
    fn scan(&self, time_start_ms: i64, mut f: impl FnMut(Slot)) {
        let base = time_start_ms / self.precision_ms;
        self.file.with_exclusive(|b| {
            for i in 0..self.slots_total * 2 {
                let t = base + i;
                let at = self.index(t * self.precision_ms);
                if get_i64(b, at) != t {
                    continue;
                }
                f(Slot {
                    time_ms: t * self.precision_ms,
                    first_pos: get_i64(b, at + 8),
                    last_pos: get_i64(b, at + 16),
                    num: get_i32(b, at + 24),
                    magic: get_i32(b, at + 28),
                });
            }
        });
    }

    /// Returns the smallest `firstPos` of the slots from `time_start_ms` on whose `lastPos`
    /// lies beyond `max_offset` (Java `checkPhyPos`); `i64::MAX` when none.
    pub(crate) fn check_phy_pos(&self, time_start_ms: i64, max_offset: i64) -> i64 {
        let mut min_first = i64::MAX;
        self.scan(time_start_ms, |s| {
            if s.last_pos > max_offset {
                min_first = min_first.min(s.first_pos);
            }
        });
        min_first
    }

    /// Sums `num` over the slots from `time_start_ms` on (Java `getAllNum`).
    pub(crate) fn all_num(&self, time_start_ms: i64) -> i64 {
        let mut n = 0i64;
        self.scan(time_start_ms, |s| n += i64::from(s.num));
        n
    }

    /// Forces the file to disk.
    pub(crate) fn flush(&self) {
        self.file.force();
    }
}
