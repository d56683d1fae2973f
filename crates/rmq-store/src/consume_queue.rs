//! `ConsumeQueue`: the per-(topic, queue) index of CommitLog records (Java `ConsumeQueue`).
//!
//! Files live in `consumequeue/<topic>/<queueId>/`, each `mappedFileSizeConsumeQueue` bytes
//! (300,000 units by default), named by the byte offset of their first unit. A unit is 20
//! bytes, big-endian:
//!
//! ```text
//! | CommitLog offset i64 | record size i32 | tags code i64 |
//! ```
//!
//! Queue offset `n` is at byte `n * 20`. A queue whose first file starts past 0 is padded
//! with `(0, i32::MAX, 0)` units. Units are only appended, by the dispatcher, in CommitLog
//! order; a unit whose record ends at or below `max_physic_offset` is skipped, which makes
//! re-dispatching after a crash idempotent.

use crate::commit_log::CommitLog;
use crate::config::CQ_STORE_UNIT_SIZE;
use crate::file_system::FileSystem;
use crate::get_message_result::BoundaryType;
use crate::logfile::{MappedFile, Reservation, RESERVE_MIN_STEP_BYTES};
use crate::mapped_file_queue::MappedFileQueue;
use crate::store_error::StoreError;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

const UNIT: usize = CQ_STORE_UNIT_SIZE as usize;

/// One ConsumeQueue unit (Java `CqUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CqUnit {
    pub queue_offset: i64,
    pub pos: i64,
    pub size: i32,
    pub tags_code: i64,
}

/// Decodes the unit at the start of `b` (at least 20 bytes).
pub(crate) fn read_unit(b: &[u8]) -> (i64, i32, i64) {
    let mut o = [0u8; 8];
    o.copy_from_slice(&b[0..8]);
    let mut t = [0u8; 8];
    t.copy_from_slice(&b[12..20]);
    (
        i64::from_be_bytes(o),
        i32::from_be_bytes([b[8], b[9], b[10], b[11]]),
        i64::from_be_bytes(t),
    )
}

fn encode_unit(offset: i64, size: i32, tags_code: i64) -> [u8; UNIT] {
    let mut u = [0u8; UNIT];
    u[0..8].copy_from_slice(&offset.to_be_bytes());
    u[8..12].copy_from_slice(&size.to_be_bytes());
    u[12..20].copy_from_slice(&tags_code.to_be_bytes());
    u
}

/// The logical queue of one topic and queue id.
pub(crate) struct ConsumeQueue {
    topic: String,
    queue_id: i32,
    queue: MappedFileQueue,
    file_size: usize,
    max_physic_offset: AtomicI64,
    /// Byte offset of the first valid unit.
    min_logic_offset: AtomicI64,
}

impl ConsumeQueue {
    pub(crate) fn new(
        root: &Path,
        topic: &str,
        queue_id: i32,
        file_size: usize,
        fs: Arc<dyn FileSystem>,
    ) -> Self {
        let dir = root.join(topic).join(queue_id.to_string());
        ConsumeQueue {
            topic: topic.to_string(),
            queue_id,
            // Units arrive one by one: blocks are reserved a step ahead of them, so a queue
            // that holds little uses little disk, as Java's sparse files do.
            queue: MappedFileQueue::new(
                dir,
                file_size,
                None,
                fs,
                Reservation::Ahead {
                    initial_bytes: RESERVE_MIN_STEP_BYTES,
                },
            ),
            file_size,
            max_physic_offset: AtomicI64::new(-1),
            min_logic_offset: AtomicI64::new(0),
        }
    }

    pub(crate) fn topic(&self) -> &str {
        &self.topic
    }

    pub(crate) fn queue_id(&self) -> i32 {
        self.queue_id
    }

    pub(crate) fn load(&self) -> Result<(), StoreError> {
        self.queue.load(false)
    }

    /// Scans from the third-last file to the first bad unit and truncates there (Java
    /// `recover`).
    pub(crate) fn recover(&self) {
        let files = self.queue.files();
        if files.is_empty() {
            return;
        }
        let mut index = files.len().saturating_sub(3);
        let mut process_offset;
        let mut file_offset;
        loop {
            let f = &files[index];
            process_offset = f.file_from_offset();
            file_offset = 0usize;
            let data = f.read_to_end(0).unwrap_or(&[]);
            for chunk in data.chunks_exact(UNIT) {
                let (offset, size, _) = read_unit(chunk);
                if offset >= 0 && size > 0 {
                    file_offset += UNIT;
                    self.max_physic_offset
                        .store(offset + size as i64, Ordering::Release);
                } else {
                    break;
                }
            }
            if file_offset == self.file_size && index + 1 < files.len() {
                index += 1;
            } else {
                break;
            }
        }
        process_offset += file_offset as i64;
        self.queue.set_flushed_where(process_offset);
        self.queue.set_committed_where(process_offset);
        self.queue.truncate_dirty_files(process_offset);
    }

    /// Appends the unit for queue offset `cq_offset` (Java `putMessagePositionInfo`). A unit
    /// already written (its record ends at or below the max physical offset) is skipped, so a
    /// dispatch that failed (no file could be created, or no blocks reserved for the unit) can
    /// simply be repeated.
    pub(crate) fn put_message_position_info(
        &self,
        offset: i64,
        size: i32,
        tags_code: i64,
        cq_offset: i64,
    ) -> Result<(), StoreError> {
        if offset + size as i64 <= self.max_physic_offset() {
            return Ok(());
        }
        let expect = cq_offset * CQ_STORE_UNIT_SIZE as i64;
        let file = self.queue.last_file_or_create(expect)?;
        if file.is_first_create_in_queue() && cq_offset != 0 {
            if file.wrote_position() == 0 {
                self.min_logic_offset.store(expect, Ordering::Release);
                self.queue.set_flushed_where(expect);
                self.queue.set_committed_where(expect);
            }
            // Also when a padding that failed half-way (a full disk) is retried.
            if self.min_logic_offset() == expect {
                self.fill_pre_blank(&file, expect)?;
            }
        }
        if cq_offset != 0 {
            let current = file.wrote_position() as i64 + file.file_from_offset();
            if expect < current {
                tracing::warn!(topic = %self.topic, queue_id = self.queue_id, expect, current, "build consume queue repeatedly");
                return Ok(());
            }
            if expect != current {
                tracing::warn!(topic = %self.topic, queue_id = self.queue_id, expect, current, "[BUG]logic queue order maybe wrong");
            }
        }
        file.append_bytes(&encode_unit(offset, size, tags_code))?;
        // Only once the unit is written: a failed append must not make its retry a no-op.
        self.max_physic_offset
            .store(offset + size as i64, Ordering::Release);
        Ok(())
    }

    /// Pads a new file with blank units up to `until_where`; on an error the padding goes on
    /// from where it stopped when the unit is dispatched again.
    fn fill_pre_blank(&self, file: &MappedFile, until_where: i64) -> Result<(), StoreError> {
        let blank = encode_unit(0, i32::MAX, 0);
        let until = (until_where % self.file_size as i64) as usize;
        while file.wrote_position() < until {
            file.append_bytes(&blank)?;
        }
        Ok(())
    }

    pub(crate) fn max_physic_offset(&self) -> i64 {
        self.max_physic_offset.load(Ordering::Acquire)
    }

    pub(crate) fn min_logic_offset(&self) -> i64 {
        self.min_logic_offset.load(Ordering::Acquire)
    }

    /// Returns the next queue offset to be written.
    pub(crate) fn max_offset_in_queue(&self) -> i64 {
        self.queue.max_offset() / CQ_STORE_UNIT_SIZE as i64
    }

    pub(crate) fn min_offset_in_queue(&self) -> i64 {
        self.min_logic_offset() / CQ_STORE_UNIT_SIZE as i64
    }

    /// Returns the file and in-file position of queue offset `start_index`, if it is at or
    /// above the min offset and its file exists (Java `getIndexBuffer`).
    pub(crate) fn index_buffer(&self, start_index: i64) -> Option<(Arc<MappedFile>, usize)> {
        let offset = start_index.checked_mul(CQ_STORE_UNIT_SIZE as i64)?;
        if offset < self.min_logic_offset() || offset < 0 {
            return None;
        }
        let f = self.queue.find_mapped_file_by_offset(offset, false)?;
        let pos = (offset % self.file_size as i64) as usize;
        (pos <= f.wrote_position()).then_some((f, pos))
    }

    /// Returns the unit at `index`.
    pub(crate) fn get(&self, index: i64) -> Option<CqUnit> {
        let (f, pos) = self.index_buffer(index)?;
        let b = f.read(pos, UNIT)?;
        let (p, s, t) = read_unit(b);
        Some(CqUnit {
            queue_offset: index,
            pos: p,
            size: s,
            tags_code: t,
        })
    }

    /// Returns the queue offset after the last unit of the file holding `index`.
    pub(crate) fn roll_next_file(&self, index: i64) -> i64 {
        let units = (self.file_size / UNIT) as i64;
        index + units - index % units
    }

    /// Drops every unit whose record starts at or beyond `phy_offset` (Java
    /// `truncateDirtyLogicFiles`); recovery only.
    pub(crate) fn truncate_dirty_logic_files(&self, phy_offset: i64) {
        self.max_physic_offset.store(phy_offset, Ordering::Release);
        while let Some(f) = self.queue.last_file() {
            let data = f.read_to_end(0).unwrap_or(&[]);
            let mut keep = 0usize;
            let mut delete_file = false;
            for (i, chunk) in data.chunks_exact(UNIT).enumerate() {
                let (offset, size, _) = read_unit(chunk);
                if i == 0 && offset >= phy_offset {
                    delete_file = true;
                    break;
                }
                if i > 0 && !(offset >= 0 && size > 0) {
                    break;
                }
                if offset >= phy_offset {
                    break;
                }
                keep = (i + 1) * UNIT;
                self.max_physic_offset
                    .store(offset + size as i64, Ordering::Release);
            }
            if delete_file {
                self.queue.delete_last_file();
                continue;
            }
            f.set_positions(keep);
            // Java leaves the cut units in place; a later crash could then resurrect them
            // ahead of new units. Zero them.
            f.zero_stale_tail(keep);
            return;
        }
    }

    /// Moves the min offset to the first unit whose record is at or after
    /// `min_commit_log_offset` (Java `correctMinOffset`).
    pub(crate) fn correct_min_offset(&self, min_commit_log_offset: i64) {
        if self.min_logic_offset() >= self.queue.max_offset() {
            return;
        }
        let Some(last) = self.queue.last_file() else {
            return;
        };
        let wrote = last.wrote_position();
        if wrote >= UNIT {
            if let Some((o, _, _)) = last.read(wrote - UNIT, UNIT).map(read_unit) {
                if o < min_commit_log_offset {
                    self.min_logic_offset
                        .store(last.file_from_offset() + wrote as i64, Ordering::Release);
                    return;
                }
            }
        }
        for f in self.queue.files() {
            let start = (self.min_logic_offset() - f.file_from_offset()).max(0) as usize;
            let Some(data) = f.read_to_end(start) else {
                continue;
            };
            let units = data.len() / UNIT;
            // Binary search for the first unit at or after the min CommitLog offset.
            let (mut lo, mut hi) = (0usize, units);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if read_unit(&data[mid * UNIT..mid * UNIT + UNIT]).0 >= min_commit_log_offset {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            if lo < units {
                self.min_logic_offset.store(
                    f.file_from_offset() + (start + lo * UNIT) as i64,
                    Ordering::Release,
                );
                return;
            }
        }
    }

    /// Deletes files whose last unit is below `min_commit_log_offset`, never the last file,
    /// then corrects the min offset (Java `deleteExpiredFile`).
    pub(crate) fn delete_expired_file(&self, min_commit_log_offset: i64) -> usize {
        let files = self.queue.files();
        let mut victims = Vec::new();
        for f in files.iter().take(files.len().saturating_sub(1)) {
            let last = f.read(self.file_size - UNIT, UNIT).map(read_unit);
            match last {
                Some((o, _, _)) if o < min_commit_log_offset => {
                    f.destroy();
                    victims.push(f.clone());
                }
                _ => break,
            }
        }
        self.queue.remove_files(&victims);
        self.correct_min_offset(min_commit_log_offset);
        victims.len()
    }

    pub(crate) fn flush(&self, least_pages: usize) -> bool {
        self.queue.flush(least_pages)
    }

    pub(crate) fn destroy(&self) {
        self.max_physic_offset.store(-1, Ordering::Release);
        self.min_logic_offset.store(0, Ordering::Release);
        self.queue.destroy();
    }

    /// Returns the queue offset for a store time (Java `getOffsetInQueueByTime`): LOWER = the
    /// first message stored at or after `timestamp`, UPPER = the last stored at or before it.
    pub(crate) fn offset_in_queue_by_time(
        &self,
        timestamp: i64,
        boundary: BoundaryType,
        commit_log: &CommitLog,
    ) -> i64 {
        let Some(f) = self.file_by_time(timestamp, boundary, commit_log) else {
            return 0;
        };
        let Some(data) = f.read_to_end(0) else {
            return 0;
        };
        let units = data.len() / UNIT;
        if units == 0 {
            return 0;
        }
        let from = f.file_from_offset();
        let unit_at = |i: usize| read_unit(&data[i * UNIT..i * UNIT + UNIT]);
        let time_at = |i: usize| {
            let (p, s, _) = unit_at(i);
            commit_log.pickup_store_timestamp(p, s)
        };
        let floor = if self.min_logic_offset() > from {
            ((self.min_logic_offset() - from) as usize / UNIT).min(units - 1)
        } else {
            0
        };
        let ceiling = units - 1;
        if time_at(ceiling) < timestamp {
            return match boundary {
                BoundaryType::Lower => (from + ((ceiling + 1) * UNIT) as i64) / UNIT as i64,
                BoundaryType::Upper => (from + (ceiling * UNIT) as i64) / UNIT as i64,
            };
        }
        if time_at(floor) > timestamp {
            return match boundary {
                BoundaryType::Lower => from / UNIT as i64,
                BoundaryType::Upper => 0,
            };
        }
        let min_phy = commit_log.min_offset();
        let (mut low, mut high) = (floor as i64, ceiling as i64);
        let (mut target, mut left, mut right) = (-1i64, -1i64, -1i64);
        while high >= low {
            let mid = (low + high) / 2;
            let (p, s, _) = unit_at(mid as usize);
            if p < min_phy {
                low = mid + 1;
                left = mid;
                continue;
            }
            let t = commit_log.pickup_store_timestamp(p, s);
            if t < 0 {
                return 0;
            } else if t == timestamp {
                target = mid;
                break;
            } else if t > timestamp {
                high = mid - 1;
                right = mid;
            } else {
                low = mid + 1;
                left = mid;
            }
        }
        let idx = if target != -1 {
            let mut at = target;
            match boundary {
                BoundaryType::Lower => {
                    while at > floor as i64 && time_at((at - 1) as usize) == timestamp {
                        at -= 1;
                    }
                }
                BoundaryType::Upper => {
                    while at < ceiling as i64 && time_at((at + 1) as usize) == timestamp {
                        at += 1;
                    }
                }
            }
            at
        } else {
            match boundary {
                BoundaryType::Lower => right,
                BoundaryType::Upper => left,
            }
        };
        (from + idx * UNIT as i64) / UNIT as i64
    }

    /// Picks the file to search by time (Java `getConsumeQueueMappedFileByTime`).
    fn file_by_time(
        &self,
        timestamp: i64,
        boundary: BoundaryType,
        commit_log: &CommitLog,
    ) -> Option<Arc<MappedFile>> {
        let files = self.queue.files();
        let n = files.len();
        for (i, f) in files.iter().enumerate().rev() {
            if f.start_timestamp() < 0 {
                if let Some((p, s, _)) = f.read(0, UNIT).map(read_unit) {
                    let t = commit_log.pickup_store_timestamp(p, s);
                    if t > 0 {
                        f.set_start_timestamp(t);
                    }
                }
            }
            if i + 1 < n && f.stop_timestamp() < 0 {
                if let Some((p, s, _)) = f.read(self.file_size - UNIT, UNIT).map(read_unit) {
                    let t = commit_log.pickup_store_timestamp(p, s);
                    if t > 0 {
                        f.set_stop_timestamp(t);
                    }
                }
            }
        }
        match boundary {
            BoundaryType::Lower => files
                .iter()
                .enumerate()
                .find(|(i, f)| i + 1 == n || f.stop_timestamp() >= timestamp)
                .map(|(_, f)| f.clone()),
            BoundaryType::Upper => files
                .iter()
                .rev()
                .find(|f| f.start_timestamp() <= timestamp)
                .cloned(),
        }
    }
}
