//! `IndexFile`: a hash index from message keys to CommitLog offsets (Java `IndexFile`,
//! `IndexHeader`).
//!
//! Layout (big-endian), `40 + slots * 4 + entries * 20` bytes (420,000,040 by default):
//!
//! ```text
//! header (40): beginTimestamp i64 | endTimestamp i64 | beginPhyOffset i64 | endPhyOffset i64
//!              | hashSlotCount i32 | indexCount i32 (starts at 1; entry 0 is unused)
//! slots:       one i32 per slot = number of the newest entry in its chain (0 = empty)
//! entries:     keyHash i32 | phyOffset i64 | timeDiff i32 (seconds since beginTimestamp)
//!              | prevIndex i32 (0 = end of chain)
//! ```
//!
//! The key is `topic#key`, hashed with Java's `String.hashCode`, made non-negative with `abs`
//! (`i32::MIN` becomes 0); slot = hash % slots. The name is the creation time,
//! `yyyyMMddHHmmssSSS`. All access goes through the mapped file's exclusive lock.
//!
//! Disk blocks: the header and the slot table (written at random positions) are reserved
//! when the file is created, ~20 MB with the defaults; the entries, appended in order, get
//! their blocks a step ahead of the writer (`Reservation::Ahead`). An existing file whose
//! header, slots and entries cannot all be backed (a sparse file from Java or an older rmq,
//! on a full disk) is opened read-only: queries read it with `pread`, which never faults a
//! hole in, and new keys go to a new file.

use crate::file_system::FileSystem;
use crate::logfile::{MappedFile, Reservation};
use crate::store_error::StoreError;
use std::path::Path;
use std::sync::atomic::{AtomicI32, AtomicI64, Ordering};
use std::sync::Arc;

pub(crate) const INDEX_HEADER_SIZE: usize = 40;
const HASH_SLOT_SIZE: usize = 4;
const INDEX_SIZE: usize = 20;

/// Continues Java's `String.hashCode` over more text (hash of a concatenation).
pub(crate) fn java_hash_continue(mut h: i32, s: &str) -> i32 {
    for unit in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(unit as i32);
    }
    h
}

/// Returns `abs(("topic#key").hashCode())`, 0 for `i32::MIN` (Java `indexKeyHashMethod`).
pub(crate) fn index_key_hash(topic: &str, key: &str) -> i32 {
    let h = java_hash_continue(java_hash_continue(java_hash_continue(0, topic), "#"), key);
    h.checked_abs().unwrap_or(0)
}

fn get_i32(b: &[u8], at: usize) -> i32 {
    i32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn get_i64(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_be_bytes(a)
}

fn put_i32(b: &mut [u8], at: usize, v: i32) {
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn put_i64(b: &mut [u8], at: usize, v: i64) {
    b[at..at + 8].copy_from_slice(&v.to_be_bytes());
}

/// What `select_phy_offset` looks for.
struct Query {
    key_hash: i32,
    max_num: usize,
    begin: i64,
    end: i64,
}

/// One index file.
pub(crate) struct IndexFile {
    file: MappedFile,
    hash_slot_num: i32,
    index_num: i32,
    /// False for a file opened read-only because its data could not be backed: it is read
    /// with `pread` only, never through the mapping.
    mapped: bool,
    begin_timestamp: AtomicI64,
    end_timestamp: AtomicI64,
    end_phy_offset: AtomicI64,
    index_count: AtomicI32,
}

impl IndexFile {
    /// Opens or creates the file; a new file starts where the previous one ended
    /// (`end_phy_offset`, `end_timestamp`), as Java's constructor does.
    pub(crate) fn open(
        path: &Path,
        hash_slot_num: i32,
        index_num: i32,
        end_phy_offset: i64,
        end_timestamp: i64,
        fs: Arc<dyn FileSystem>,
    ) -> Result<Self, StoreError> {
        let slots_end = INDEX_HEADER_SIZE + hash_slot_num as usize * HASH_SLOT_SIZE;
        let size = slots_end + index_num as usize * INDEX_SIZE;
        let existed = path.exists();
        let file = MappedFile::open(
            path,
            size,
            0,
            fs,
            Reservation::Ahead {
                initial_bytes: slots_end,
            },
        )?;
        // The header through `pread`: an existing file may not be backed yet.
        let mut header = [0u8; INDEX_HEADER_SIZE];
        file.read_unmapped(0, &mut header)
            .map_err(|e| StoreError::io(path, e))?;
        let count = get_i32(&header, 36).clamp(1, index_num.max(1));
        let mapped = if existed {
            // Header, slots and the entries written so far must be backed to be mapped.
            match file.reserve_exact(slots_end + count as usize * INDEX_SIZE) {
                Ok(()) => true,
                Err(e) if e.is_out_of_space() => {
                    tracing::warn!(
                        file = %path.display(),
                        error = %e,
                        "index file cannot be backed on a full disk; it is read-only"
                    );
                    false
                }
                Err(e) => return Err(e),
            }
        } else {
            true
        };
        if mapped {
            file.with_exclusive(|b| {
                if end_phy_offset > 0 {
                    put_i64(b, 16, end_phy_offset);
                    put_i64(b, 24, end_phy_offset);
                }
                if end_timestamp > 0 {
                    put_i64(b, 0, end_timestamp);
                    put_i64(b, 8, end_timestamp);
                }
                header.copy_from_slice(&b[..INDEX_HEADER_SIZE]);
            });
        }
        Ok(IndexFile {
            file,
            hash_slot_num,
            index_num,
            mapped,
            begin_timestamp: AtomicI64::new(get_i64(&header, 0)),
            end_timestamp: AtomicI64::new(get_i64(&header, 8)),
            end_phy_offset: AtomicI64::new(get_i64(&header, 24)),
            // A read-only file takes no more keys.
            index_count: AtomicI32::new(if mapped { count } else { index_num }),
        })
    }

    /// Returns false for a file opened read-only because it could not be backed.
    #[cfg(test)]
    pub(crate) fn is_mapped(&self) -> bool {
        self.mapped
    }

    pub(crate) fn path(&self) -> &Path {
        self.file.path()
    }

    pub(crate) fn begin_timestamp(&self) -> i64 {
        self.begin_timestamp.load(Ordering::Acquire)
    }

    pub(crate) fn end_timestamp(&self) -> i64 {
        self.end_timestamp.load(Ordering::Acquire)
    }

    pub(crate) fn end_phy_offset(&self) -> i64 {
        self.end_phy_offset.load(Ordering::Acquire)
    }

    pub(crate) fn is_write_full(&self) -> bool {
        self.index_count.load(Ordering::Acquire) >= self.index_num
    }

    fn slots_end(&self) -> usize {
        INDEX_HEADER_SIZE + self.hash_slot_num as usize * HASH_SLOT_SIZE
    }

    /// Returns true when `entries` more keys fit, or when they would not fit even in an empty
    /// file and this one is not full (Java has no such check: see `IndexService::build_index`).
    pub(crate) fn has_room_for(&self, entries: usize) -> bool {
        // Entry numbers run from 1 to index_num - 1; `next` is the next one to use.
        let next = self.index_count.load(Ordering::Acquire).max(1) as usize;
        let index_num = self.index_num.max(1) as usize;
        next < index_num && (entries >= index_num || next + entries <= index_num)
    }

    /// Reserves the disk blocks of the next `entries` entries (as many as fit), so that
    /// adding them cannot fail half-way for want of space.
    pub(crate) fn reserve_entries(&self, entries: usize) -> Result<(), StoreError> {
        let next = self.index_count.load(Ordering::Acquire).max(1) as usize;
        let last = (next + entries).min(self.index_num.max(1) as usize);
        self.file.reserve_to(self.slots_end() + last * INDEX_SIZE)
    }

    /// Adds `topic#key` → `phy_offset`; false when the file is full (Java `putKey`), an error
    /// when the entry's disk blocks cannot be reserved (nothing is written then).
    pub(crate) fn put_key(
        &self,
        topic: &str,
        key: &str,
        phy_offset: i64,
        store_timestamp: i64,
    ) -> Result<bool, StoreError> {
        if self.is_write_full() {
            return Ok(false);
        }
        let key_hash = index_key_hash(topic, key);
        let slot_pos = (key_hash % self.hash_slot_num) as usize;
        let abs_slot_pos = INDEX_HEADER_SIZE + slot_pos * HASH_SLOT_SIZE;
        let slots_end = self.slots_end();
        let count = self.index_count.load(Ordering::Acquire).max(1);
        self.file
            .reserve_to(slots_end + (count as usize + 1) * INDEX_SIZE)?;
        let (bt, ic) = self.file.with_exclusive(|b| {
            let count = get_i32(b, 36).max(1);
            let mut begin = get_i64(b, 0);
            let mut slot_value = get_i32(b, abs_slot_pos);
            if slot_value <= 0 || slot_value > count {
                slot_value = 0;
            }
            let time_diff = if begin <= 0 {
                0
            } else {
                ((store_timestamp - begin) / 1000).clamp(0, i32::MAX as i64)
            };
            let abs_index_pos = slots_end + count as usize * INDEX_SIZE;
            put_i32(b, abs_index_pos, key_hash);
            put_i64(b, abs_index_pos + 4, phy_offset);
            put_i32(b, abs_index_pos + 12, time_diff as i32);
            put_i32(b, abs_index_pos + 16, slot_value);
            put_i32(b, abs_slot_pos, count);
            if count <= 1 {
                put_i64(b, 16, phy_offset);
                put_i64(b, 0, store_timestamp);
                begin = store_timestamp;
            }
            if slot_value == 0 {
                let c = get_i32(b, 32);
                put_i32(b, 32, c + 1);
            }
            put_i32(b, 36, count + 1);
            put_i64(b, 24, phy_offset);
            put_i64(b, 8, store_timestamp);
            (begin, count + 1)
        });
        self.begin_timestamp.store(bt, Ordering::Release);
        self.end_timestamp.store(store_timestamp, Ordering::Release);
        self.end_phy_offset.store(phy_offset, Ordering::Release);
        self.index_count.store(ic, Ordering::Release);
        Ok(true)
    }

    /// Returns true when `[begin, end]` overlaps the file's time range (Java `isTimeMatched`).
    pub(crate) fn is_time_matched(&self, begin: i64, end: i64) -> bool {
        let (b, e) = (self.begin_timestamp(), self.end_timestamp());
        (begin < b && end > e) || (begin >= b && begin <= e) || (end >= b && end <= e)
    }

    /// Collects offsets of entries for `topic#key` stored within `[begin, end]`, newest first,
    /// until `max_num` (Java `selectPhyOffset`).
    pub(crate) fn select_phy_offset(
        &self,
        out: &mut Vec<i64>,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) {
        let query = Query {
            key_hash: index_key_hash(topic, key),
            max_num,
            begin,
            end,
        };
        if self.mapped {
            // Every entry below the count is reserved, so reads stay inside the slice; one
            // that does not (a corrupt count) ends the search.
            self.file.with_exclusive(|b| {
                self.search(
                    out,
                    &query,
                    &mut |pos, dst| match b.get(pos..pos + dst.len()) {
                        Some(s) => {
                            dst.copy_from_slice(s);
                            true
                        }
                        None => false,
                    },
                )
            });
        } else {
            self.search(out, &query, &mut |pos, dst| {
                self.file.read_unmapped(pos, dst).is_ok()
            });
        }
    }

    /// Follows the hash chain of `query.key_hash`, reading bytes with `read(pos, dst)`
    /// (false: unreadable, which ends the search).
    fn search(
        &self,
        out: &mut Vec<i64>,
        query: &Query,
        read: &mut dyn FnMut(usize, &mut [u8]) -> bool,
    ) {
        let slot_pos = (query.key_hash % self.hash_slot_num) as usize;
        let abs_slot_pos = INDEX_HEADER_SIZE + slot_pos * HASH_SLOT_SIZE;
        let slots_end = self.slots_end();
        let mut header = [0u8; INDEX_HEADER_SIZE];
        let mut slot = [0u8; HASH_SLOT_SIZE];
        if !read(0, &mut header) || !read(abs_slot_pos, &mut slot) {
            return;
        }
        let count = get_i32(&header, 36).max(1);
        let begin_ts = get_i64(&header, 0);
        let slot_value = get_i32(&slot, 0);
        if slot_value <= 0 || slot_value > count || count <= 1 {
            return;
        }
        let mut next = slot_value;
        let mut entry = [0u8; INDEX_SIZE];
        // Each step moves to a strictly smaller entry number, so this ends.
        for _ in 0..count {
            if out.len() >= query.max_num {
                break;
            }
            if !read(slots_end + next as usize * INDEX_SIZE, &mut entry) {
                break;
            }
            let hash_read = get_i32(&entry, 0);
            let phy = get_i64(&entry, 4);
            let time_diff = get_i32(&entry, 12) as i64;
            let prev = get_i32(&entry, 16);
            if time_diff < 0 {
                break;
            }
            let time_read = begin_ts + time_diff * 1000;
            if hash_read == query.key_hash && time_read >= query.begin && time_read <= query.end {
                out.push(phy);
            }
            if prev <= 0 || prev > count || prev == next || time_read < query.begin {
                break;
            }
            next = prev;
        }
    }

    /// Forces the file to disk.
    pub(crate) fn flush(&self) {
        if self.mapped {
            self.file.force();
        }
    }

    pub(crate) fn destroy(&self) -> bool {
        self.file.destroy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_java() {
        assert_eq!(
            index_key_hash("TopicTest", "key-0000000000000000000000"),
            rmq_common::java_hash::string_hash_code("TopicTest#key-0000000000000000000000")
                .checked_abs()
                .unwrap_or(0)
        );
    }

    #[test]
    fn put_and_select_with_collisions() {
        let dir = tempfile::tempdir().unwrap();
        let f = IndexFile::open(
            &dir.path().join("20240101000000000"),
            4,
            10,
            0,
            0,
            Arc::new(crate::file_system::DefaultFileSystem),
        )
        .unwrap();
        assert!(f.has_room_for(9));
        for i in 0..9 {
            if i == 8 {
                assert!(f.has_room_for(1) && !f.has_room_for(2));
                // More keys than any file holds: they are spread over files.
                assert!(f.has_room_for(10));
            }
            assert!(f
                .put_key(
                    "T",
                    &format!("k{}", i % 3),
                    1000 + i,
                    1_700_000_000_000 + i * 1000
                )
                .unwrap());
        }
        assert!(f.is_write_full());
        assert!(!f.has_room_for(0) && !f.has_room_for(10));
        assert!(!f.put_key("T", "k0", 9999, 1_700_000_009_000).unwrap());
        let mut out = Vec::new();
        f.select_phy_offset(&mut out, "T", "k1", 10, 0, i64::MAX);
        assert_eq!(out, vec![1007, 1004, 1001]);
        out.clear();
        f.select_phy_offset(
            &mut out,
            "T",
            "k1",
            10,
            1_700_000_003_000,
            1_700_000_005_000,
        );
        assert_eq!(out, vec![1004]);
        assert_eq!(f.end_phy_offset(), 1008);
    }

    #[test]
    fn entry_area_gets_blocks_in_steps_as_keys_arrive() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("20240101000000000");
        // 2,000 slots (8 KB, reserved at creation) and room for 10,000 entries (200 KB).
        let f = IndexFile::open(
            &p,
            2000,
            10_000,
            0,
            0,
            Arc::new(crate::file_system::DefaultFileSystem),
        )
        .unwrap();
        let slots_end = 40 + 2000 * 4;
        assert_eq!(
            std::fs::metadata(&p).unwrap().len(),
            slots_end as u64 + 200_000
        );
        let blocks = || std::fs::metadata(&p).unwrap().blocks() * 512;
        let mut seen = vec![(0, f.file.reserved(), blocks())];
        for i in 1..10_000i64 {
            assert!(f
                .put_key("T", &format!("k{i}"), i, 1_700_000_000_000)
                .unwrap());
            if f.file.reserved() != seen.last().unwrap().1 {
                seen.push((i, f.file.reserved(), blocks()));
            }
        }
        // Reserved: the slots (rounded to a page), then steps that double with the file.
        let reserved: Vec<usize> = seen.iter().map(|s| s.1).collect();
        assert_eq!(reserved, [8192, 16384, 32768, 65536, 131072, 208040]);
        // Each step is taken by the entry that crosses the previous end, and the blocks
        // follow the reservation, not the file size.
        for w in seen.windows(2) {
            let (prev, (i, r, used)) = (w[0].1, w[1]);
            let entry_end = slots_end + (i as usize + 1) * 20;
            assert!(entry_end > prev && entry_end - 20 <= prev, "{seen:?}");
            assert!(
                used as usize >= r && (used as usize) < r + 16 * 1024,
                "{seen:?}"
            );
        }
        assert!(seen[0].2 < 16 * 1024);
        let mut out = Vec::new();
        f.select_phy_offset(&mut out, "T", "k9999", 10, 0, i64::MAX);
        assert_eq!(out, vec![9999]);
    }
}
