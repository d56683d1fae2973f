//! `MappedFile`: one fixed-size file mapped read-write with memmap2 (Java `DefaultMappedFile`).
//!
//! All of the crate's `unsafe` lives here. The invariants that make it sound:
//!
//! * Bytes below `wrote_position` are published: a writer stores them before it advances
//!   `wrote_position` with `Release`, and readers load the position with `Acquire` and only
//!   read below it. Published bytes are never written again while the store serves reads;
//!   only recovery (before any reader exists) moves the position back and overwrites.
//! * Bytes at or above `wrote_position` are touched only by the holder of `write_lock`
//!   (`append`, `with_exclusive`).
//! * Files that are read at random positions while being written (index files, the
//!   checkpoint) are only accessed through `with_exclusive`, never through `read`.
//! * The mapping lives as long as the `MappedFile`; zero-copy `Bytes` slices own an `Arc`
//!   of it, so a deleted file stays mapped until its last reader is gone. Files are never
//!   shortened while mapped (that would turn reads into SIGBUS), only unlinked.
//! * Every access through the mapping, read or write, lies below `reserved`: those bytes have
//!   their disk blocks (reserved through the [`FileSystem`] seam), so a full disk can never
//!   turn an access into SIGBUS. `wrote_position <= reserved`, and `reserved` only grows.
//!   How far ahead of the writer blocks are reserved is the file's [`Reservation`]; writers
//!   get their bytes from [`Tail::take`], which reserves first, and an existing file is
//!   mapped only up to its first hole until its writer reserves more.

use crate::config::FlushDiskType;
use crate::file_system::FileSystem;
use crate::store_error::StoreError;
use bytes::Bytes;
use memmap2::MmapRaw;
use parking_lot::Mutex;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

/// Page size Java assumes when counting dirty pages (`OS_PAGE_SIZE`).
pub(crate) const OS_PAGE_SIZE: usize = 4096;

/// First step by which a [`Reservation::Ahead`] file reserves ahead of its writer; each step
/// is as large as what is reserved already, up to [`RESERVE_MAX_STEP_BYTES`]. An idle
/// ConsumeQueue thus holds one page, as Java's sparse file does, and a busy one reserves
/// 1 MiB (52,428 units) per `fallocate`.
pub(crate) const RESERVE_MIN_STEP_BYTES: usize = OS_PAGE_SIZE;
/// Largest step of a [`Reservation::Ahead`] file.
pub(crate) const RESERVE_MAX_STEP_BYTES: usize = 1024 * 1024;

/// How the disk blocks of a file are reserved before its mapping touches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reservation {
    /// The whole file when it is opened, or the open fails (the checkpoint).
    Whole,
    /// The whole file when it is created: CommitLog files are written to their end, so
    /// nothing is reserved in vain, no put pays for an allocation, and a full disk shows when
    /// the next file is made ahead rather than in the middle of a put. An existing file that
    /// cannot be reserved whole (sparse, written by Java or an older rmq, on a full disk) is
    /// backed up to its first hole and reserves the rest with its next write.
    WholeWhenCreated,
    /// `initial_bytes` when the file is created, then ahead of the writer in steps (see
    /// [`RESERVE_MIN_STEP_BYTES`]): ConsumeQueue files, and index files whose header and slot
    /// table are the initial part. An existing file is backed up to its first hole.
    Ahead { initial_bytes: usize },
}

impl Reservation {
    /// Returns the reservation end after growing from `from` to cover `end`.
    fn next_reserved(self, from: usize, end: usize, file_size: usize) -> usize {
        match self {
            Reservation::Whole | Reservation::WholeWhenCreated => file_size,
            Reservation::Ahead { .. } => {
                let step = from.clamp(RESERVE_MIN_STEP_BYTES, RESERVE_MAX_STEP_BYTES);
                round_up_to_page((from + step).max(end)).min(file_size)
            }
        }
    }
}

fn round_up_to_page(n: usize) -> usize {
    n.div_ceil(OS_PAGE_SIZE) * OS_PAGE_SIZE
}

/// A memory-mapped segment file whose name is its start offset.
pub(crate) struct MappedFile {
    path: PathBuf,
    file_from_offset: i64,
    file_size: usize,
    file: File,
    map: MmapRaw,
    fs: Arc<dyn FileSystem>,
    reservation: Reservation,
    /// Bytes from the start that have their disk blocks; the mapping is touched only below.
    reserved: AtomicUsize,
    /// Serialises growing `reserved` (the writer and the allocator thread both may).
    reserve_lock: Mutex<()>,
    write_lock: Mutex<()>,
    wrote_position: AtomicUsize,
    committed_position: AtomicUsize,
    flushed_position: AtomicUsize,
    /// Store time of the last message appended (CommitLog) or indexed.
    store_timestamp: AtomicI64,
    /// First and last store time of a full ConsumeQueue file, cached for search by time.
    start_timestamp: AtomicI64,
    stop_timestamp: AtomicI64,
    first_create_in_queue: AtomicBool,
    available: AtomicBool,
}

impl std::fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappedFile")
            .field("path", &self.path)
            .field("wrote_position", &self.wrote_position())
            .field("reserved", &self.reserved())
            .finish()
    }
}

impl MappedFile {
    /// Opens (creating if missing) `path`, `file_size` bytes long, and maps it. Disk blocks
    /// are reserved as `reservation` says before any byte is touched, so no access through
    /// the mapping can fault for want of space; a full disk is an error here or at a later
    /// [`Tail::take`] instead (Java leaves the file sparse and learns of it at page-fault
    /// time). A file this call created is removed again when its reservation fails.
    pub(crate) fn open(
        path: &Path,
        file_size: usize,
        file_from_offset: i64,
        fs: Arc<dyn FileSystem>,
        reservation: Reservation,
    ) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent() {
            fs.create_dir_all(parent)
                .map_err(|e| StoreError::io(parent, e))?;
        }
        let (file, created) = match fs.create_new(path) {
            Ok(f) => (f, true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => (
                fs.open_rw(path).map_err(|e| StoreError::io(path, e))?,
                false,
            ),
            Err(e) => return Err(StoreError::io(path, e)),
        };
        let reserved =
            match reserve_at_open(fs.as_ref(), path, &file, file_size, reservation, created) {
                Ok(r) => r,
                Err(e) => {
                    if created {
                        let _ = fs.remove_file(path);
                    }
                    return Err(e);
                }
            };
        let map = memmap2::MmapOptions::new()
            .len(file_size)
            .map_raw(&file)
            .map_err(|e| StoreError::io(path, e))?;
        Ok(MappedFile {
            path: path.to_path_buf(),
            file_from_offset,
            file_size,
            file,
            map,
            fs,
            reservation,
            reserved: AtomicUsize::new(reserved),
            reserve_lock: Mutex::new(()),
            write_lock: Mutex::new(()),
            wrote_position: AtomicUsize::new(0),
            committed_position: AtomicUsize::new(0),
            flushed_position: AtomicUsize::new(0),
            store_timestamp: AtomicI64::new(0),
            start_timestamp: AtomicI64::new(-1),
            stop_timestamp: AtomicI64::new(-1),
            first_create_in_queue: AtomicBool::new(false),
            available: AtomicBool::new(true),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Returns the absolute offset of the first byte of this file.
    pub(crate) fn file_from_offset(&self) -> i64 {
        self.file_from_offset
    }

    pub(crate) fn file_size(&self) -> usize {
        self.file_size
    }

    /// Returns how many bytes are written (and readable).
    pub(crate) fn wrote_position(&self) -> usize {
        self.wrote_position.load(Ordering::Acquire)
    }

    pub(crate) fn flushed_position(&self) -> usize {
        self.flushed_position.load(Ordering::Acquire)
    }

    /// Returns how many bytes from the start have their disk blocks.
    pub(crate) fn reserved(&self) -> usize {
        self.reserved.load(Ordering::Acquire)
    }

    /// Makes sure `[0, end)` has its disk blocks, reserving ahead of `end` by the file's
    /// [`Reservation`]. On an error (ENOSPC on a full disk) nothing changes and a later call
    /// may succeed.
    pub(crate) fn reserve_to(&self, end: usize) -> Result<(), StoreError> {
        self.grow_reservation(end, true)
    }

    /// Makes sure `[0, end)` has its disk blocks, reserving nothing beyond `end` (opening an
    /// existing file, whose data needs no new blocks even on a full disk).
    pub(crate) fn reserve_exact(&self, end: usize) -> Result<(), StoreError> {
        self.grow_reservation(end, false)
    }

    fn grow_reservation(&self, end: usize, ahead: bool) -> Result<(), StoreError> {
        if end <= self.reserved() {
            return Ok(());
        }
        if end > self.file_size {
            return Err(StoreError::FileFull {
                path: self.path.clone(),
                len: end - self.file_size,
            });
        }
        let _guard = self.reserve_lock.lock();
        let from = self.reserved();
        if end <= from {
            return Ok(());
        }
        let to = if ahead {
            self.reservation
                .next_reserved(from, end, self.file_size)
                .max(end)
        } else {
            end
        };
        self.fs
            .allocate(&self.path, &self.file, from as u64, (to - from) as u64)
            .map_err(|e| StoreError::io(&self.path, e))?;
        self.reserved.store(to, Ordering::Release);
        Ok(())
    }

    /// Reads `buf.len()` bytes at `pos` with `pread` rather than through the mapping, so a
    /// hole is never faulted in (for files that could not be reserved).
    pub(crate) fn read_unmapped(&self, pos: usize, buf: &mut [u8]) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.read_exact_at(buf, pos as u64)
    }

    /// Sets the wrote, committed and flushed positions (load and recovery only); they never
    /// pass the reserved range, so a file loaded as full whose tail is a hole is readable only
    /// up to its data.
    pub(crate) fn set_positions(&self, pos: usize) {
        let pos = pos.min(self.file_size).min(self.reserved());
        let _guard = self.write_lock.lock();
        self.wrote_position.store(pos, Ordering::Release);
        self.committed_position.store(pos, Ordering::Release);
        self.flushed_position.store(pos, Ordering::Release);
    }

    /// Marks the file full, as after the blank record at its end.
    pub(crate) fn is_full(&self) -> bool {
        self.wrote_position() >= self.file_size
    }

    pub(crate) fn store_timestamp(&self) -> i64 {
        self.store_timestamp.load(Ordering::Acquire)
    }

    pub(crate) fn set_store_timestamp(&self, ts: i64) {
        self.store_timestamp.store(ts, Ordering::Release);
    }

    pub(crate) fn start_timestamp(&self) -> i64 {
        self.start_timestamp.load(Ordering::Acquire)
    }

    pub(crate) fn set_start_timestamp(&self, ts: i64) {
        self.start_timestamp.store(ts, Ordering::Release);
    }

    pub(crate) fn stop_timestamp(&self) -> i64 {
        self.stop_timestamp.load(Ordering::Acquire)
    }

    pub(crate) fn set_stop_timestamp(&self, ts: i64) {
        self.stop_timestamp.store(ts, Ordering::Release);
    }

    pub(crate) fn is_first_create_in_queue(&self) -> bool {
        self.first_create_in_queue.load(Ordering::Acquire)
    }

    pub(crate) fn set_first_create_in_queue(&self, v: bool) {
        self.first_create_in_queue.store(v, Ordering::Release);
    }

    pub(crate) fn is_available(&self) -> bool {
        self.available.load(Ordering::Acquire)
    }

    /// Returns `len` published bytes at `pos`, or `None` if they are not all written yet.
    pub(crate) fn read(&self, pos: usize, len: usize) -> Option<&[u8]> {
        let end = pos.checked_add(len)?;
        if end > self.wrote_position() {
            return None;
        }
        // SAFETY: `end <= wrote_position <= file_size`, so the range is inside the mapping,
        // and published bytes are not written while readers exist (module invariant).
        Some(unsafe { std::slice::from_raw_parts(self.map.as_ptr().add(pos), len) })
    }

    /// Returns the published bytes from `pos` to the wrote position.
    pub(crate) fn read_to_end(&self, pos: usize) -> Option<&[u8]> {
        let wrote = self.wrote_position();
        if pos > wrote {
            return None;
        }
        self.read(pos, wrote - pos)
    }

    /// Returns a zero-copy `Bytes` of `len` published bytes at `pos`; it keeps the file mapped.
    pub(crate) fn select_bytes(self: &Arc<Self>, pos: usize, len: usize) -> Option<Bytes> {
        self.read(pos, len)?;
        Some(Bytes::from_owner(MappedSlice {
            file: self.clone(),
            pos,
            len,
        }))
    }

    /// Lets `f` write into the unpublished tail `[wrote_position, file_size)` through a
    /// [`Tail`]; `f` returns how many bytes it wrote (published afterwards, at most as many as
    /// it took) and a value passed back to the caller. An error of `f` (no disk blocks for
    /// the bytes it needs) publishes nothing.
    pub(crate) fn append<R>(
        &self,
        f: impl FnOnce(&mut Tail<'_>) -> Result<(usize, R), StoreError>,
    ) -> Result<R, StoreError> {
        let _guard = self.write_lock.lock();
        let wrote = self.wrote_position.load(Ordering::Acquire);
        let mut tail = Tail {
            file: self,
            wrote,
            taken: 0,
        };
        let (n, r) = f(&mut tail)?;
        debug_assert!(n <= tail.taken, "published bytes that were not taken");
        let n = n.min(tail.taken);
        self.wrote_position.store(wrote + n, Ordering::Release);
        Ok(r)
    }

    /// Appends `data` (Java `appendMessage(byte[])`); [`StoreError::FileFull`] when it does
    /// not fit, an I/O error when its blocks cannot be reserved.
    pub(crate) fn append_bytes(&self, data: &[u8]) -> Result<(), StoreError> {
        self.append(|tail| {
            if tail.remaining() < data.len() {
                return Err(StoreError::FileFull {
                    path: self.path.clone(),
                    len: data.len(),
                });
            }
            tail.take(data.len())?.copy_from_slice(data);
            Ok((data.len(), ()))
        })
    }

    /// Gives `f` the reserved part of the mapping, `[0, reserved)`, for random-access reads
    /// and writes (call [`MappedFile::reserve_to`] first to write further). Only for files
    /// with no lock-free readers (index, checkpoint) and for recovery.
    pub(crate) fn with_exclusive<R>(&self, f: impl FnOnce(&mut [u8]) -> R) -> R {
        let _guard = self.write_lock.lock();
        let reserved = self.reserved();
        // SAFETY: `[0, reserved)` lies inside the mapping and has its blocks; exclusive
        // access follows from `write_lock` plus the module invariant that such files have no
        // lock-free readers.
        let all = unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr(), reserved) };
        f(all)
    }

    /// Faults in `[pos, pos + len)` for writing ahead of the writer, so the kernel's page
    /// allocation and zeroing happen on the allocator thread rather than inside the append
    /// lock. Contents are unchanged. A no-op where `MADV_POPULATE_WRITE` is unsupported.
    pub(crate) fn prefault(&self, pos: usize, len: usize) {
        let reserved = self.reserved();
        let pos = pos.min(reserved);
        let len = len.min(reserved - pos);
        let page = pos - pos % OS_PAGE_SIZE;
        let len = len + (pos - page);
        if len == 0 {
            return;
        }
        #[cfg(target_os = "linux")]
        // SAFETY: the range lies inside the reserved part of our mapping (page-aligned start,
        // clamped length); the advice only populates page tables and never changes the
        // mapped bytes.
        unsafe {
            libc::madvise(
                self.map.as_mut_ptr().add(page) as *mut libc::c_void,
                len,
                libc::MADV_POPULATE_WRITE,
            );
        }
    }

    /// Zeroes stale bytes from `pos` on, up to the first page that is already all zeros or the
    /// end of the reserved range (a hole follows, which reads as zeros), so data cut off by
    /// recovery can never be mistaken for valid records later (recovery only).
    pub(crate) fn zero_stale_tail(&self, pos: usize) {
        self.with_exclusive(|buf| {
            let mut at = pos.min(buf.len());
            while at < buf.len() {
                let page_end = ((at / OS_PAGE_SIZE) + 1) * OS_PAGE_SIZE;
                let end = page_end.min(buf.len());
                let chunk = &mut buf[at..end];
                if chunk.iter().all(|b| *b == 0) {
                    break;
                }
                chunk.fill(0);
                at = end;
            }
        });
    }

    /// Flushes dirty pages to disk when at least `least_pages` pages are dirty (0 = any),
    /// or the file is full; returns the flushed position (Java `flush`).
    pub(crate) fn flush(&self, least_pages: usize) -> usize {
        let flushed = self.flushed_position();
        let write = self.wrote_position();
        let able = if self.is_full() {
            true
        } else if least_pages > 0 {
            write / OS_PAGE_SIZE - flushed / OS_PAGE_SIZE >= least_pages
        } else {
            write > flushed
        };
        if able && write > flushed {
            if let Err(e) = self
                .fs
                .sync_map(&self.path, &self.map, flushed, write - flushed)
            {
                tracing::error!(file = %self.path.display(), error = %e, "flush failed");
                return flushed;
            }
            self.flushed_position.store(write, Ordering::Release);
        } else if able {
            self.flushed_position.store(write, Ordering::Release);
        }
        self.flushed_position()
    }

    /// Flushes the whole mapping (index files and the checkpoint).
    pub(crate) fn force(&self) {
        if let Err(e) = self.fs.sync_map(&self.path, &self.map, 0, self.map.len()) {
            tracing::error!(file = %self.path.display(), error = %e, "force failed");
        }
    }

    /// Touches every reserved page so the file is backed by memory before use; with
    /// SYNC_FLUSH it is flushed every `pages` pages (Java `warmMappedFile`, without mlock).
    pub(crate) fn warm(&self, flush_disk_type: FlushDiskType, pages: usize) {
        let mut last_flush = 0usize;
        let mut i = 0usize;
        let reserved = self.reserved();
        while i < reserved {
            self.with_exclusive(|buf| buf[i] = 0);
            if flush_disk_type == FlushDiskType::SyncFlush
                && (i / OS_PAGE_SIZE).saturating_sub(last_flush / OS_PAGE_SIZE) >= pages.max(1)
            {
                last_flush = i;
                self.force();
            }
            i += OS_PAGE_SIZE;
        }
        if flush_disk_type == FlushDiskType::SyncFlush {
            self.force();
        }
    }

    /// Returns the file's modification time in epoch millis (Java `getLastModifiedTimestamp`).
    pub(crate) fn last_modified_millis(&self) -> i64 {
        std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }

    /// Marks the file unusable and deletes it from disk; the mapping stays valid for readers
    /// still holding slices (Java `destroy`).
    pub(crate) fn destroy(&self) -> bool {
        self.available.store(false, Ordering::Release);
        match self.fs.remove_file(&self.path) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => {
                tracing::warn!(file = %self.path.display(), error = %e, "delete failed");
                false
            }
        }
    }
}

/// The unpublished tail of a file, handed to the callback of [`MappedFile::append`], which
/// holds the write lock while it exists.
pub(crate) struct Tail<'a> {
    file: &'a MappedFile,
    wrote: usize,
    /// How many bytes from `wrote` on were handed out.
    taken: usize,
}

impl Tail<'_> {
    /// Returns how many bytes are left in the file.
    pub(crate) fn remaining(&self) -> usize {
        self.file.file_size - self.wrote
    }

    /// Returns the first `len` bytes of the tail for writing, after reserving their disk
    /// blocks: an error on a full disk (nothing is written then), or
    /// [`StoreError::FileFull`] when fewer than `len` bytes are left.
    pub(crate) fn take(&mut self, len: usize) -> Result<&mut [u8], StoreError> {
        if len > self.remaining() {
            return Err(StoreError::FileFull {
                path: self.file.path.clone(),
                len,
            });
        }
        self.file.reserve_to(self.wrote + len)?;
        self.taken = self.taken.max(len);
        // SAFETY: `[wrote, wrote + len)` lies inside the mapping and is reserved; by the module
        // invariant only the holder of `write_lock` touches bytes at or above the wrote
        // position, and `append` holds it while this `Tail` exists. The returned slice
        // borrows `self` mutably, so two of them never alias.
        Ok(unsafe {
            std::slice::from_raw_parts_mut(self.file.map.as_mut_ptr().add(self.wrote), len)
        })
    }
}

/// Reserves a file being opened as `reservation` says; returns how many bytes from its start
/// have their blocks. A new file gets its full length (sparse beyond the reserved part).
fn reserve_at_open(
    fs: &dyn FileSystem,
    path: &Path,
    file: &File,
    file_size: usize,
    reservation: Reservation,
    created: bool,
) -> Result<usize, StoreError> {
    let whole = || reserve_whole(fs, path, file, file_size as u64).map(|()| file_size);
    match (reservation, created) {
        (Reservation::Whole, _) | (Reservation::WholeWhenCreated, true) => whole(),
        (Reservation::WholeWhenCreated, false) => match whole() {
            Err(e) if e.is_out_of_space() => {
                let backed = reserve_leading_data(fs, path, file, file_size)?;
                tracing::warn!(
                    file = %path.display(),
                    backed,
                    error = %e,
                    "cannot reserve the whole file on a full disk; its data is backed, the \
                     rest is reserved when written"
                );
                Ok(backed)
            }
            r => r,
        },
        (Reservation::Ahead { initial_bytes }, true) => {
            fs.set_len(path, file, file_size as u64)
                .map_err(|e| StoreError::io(path, e))?;
            let initial = round_up_to_page(initial_bytes).min(file_size);
            fs.allocate(path, file, 0, initial as u64)
                .map_err(|e| StoreError::io(path, e))?;
            Ok(initial)
        }
        (Reservation::Ahead { .. }, false) => reserve_leading_data(fs, path, file, file_size),
    }
}

/// Backs `[0, size)` of `file` with disk blocks. Before growing a file the partition's free
/// space is checked, so a full disk fails fast without allocating part of it.
fn reserve_whole(
    fs: &dyn FileSystem,
    path: &Path,
    file: &File,
    size: u64,
) -> Result<(), StoreError> {
    let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
    if len < size {
        let dir = path.parent().unwrap_or(path);
        // Without an answer (statvfs unsupported), `allocate` decides.
        if let Ok(space) = fs.disk_space(dir) {
            let needed = size - len;
            if space.available < needed {
                return Err(StoreError::DiskFull {
                    path: path.to_path_buf(),
                    needed,
                    available: space.available,
                });
            }
        }
    }
    fs.allocate(path, file, 0, size)
        .map_err(|e| StoreError::io(path, e))
}

/// Backs an existing file up to its first hole, the part that holds data (which needs no new
/// blocks, so this works on a full disk); a short file is first extended with a hole. Returns
/// the backed length. Recovery then reads only that part: on tmpfs even a read of a hole
/// through the mapping would allocate, and SIGBUS on a full disk.
fn reserve_leading_data(
    fs: &dyn FileSystem,
    path: &Path,
    file: &File,
    file_size: usize,
) -> Result<usize, StoreError> {
    let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
    if len < file_size as u64 {
        fs.set_len(path, file, file_size as u64)
            .map_err(|e| StoreError::io(path, e))?;
    }
    let hole = fs.first_hole(file).map_err(|e| StoreError::io(path, e))?;
    let backed = usize::try_from(hole).unwrap_or(file_size).min(file_size);
    // A no-op where SEEK_HOLE works; where it does not (it answered the length), this backs
    // the whole file or fails, rather than mapping holes.
    fs.allocate(path, file, 0, backed as u64)
        .map_err(|e| StoreError::io(path, e))?;
    Ok(backed)
}

/// Owner of a zero-copy slice: keeps the mapped file alive while the `Bytes` exists.
struct MappedSlice {
    file: Arc<MappedFile>,
    pos: usize,
    len: usize,
}

impl AsRef<[u8]> for MappedSlice {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `select_bytes` checked that `[pos, pos + len)` was published; published bytes
        // stay in the mapping, which lives as long as `file`.
        unsafe { std::slice::from_raw_parts(self.file.map.as_ptr().add(self.pos), self.len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file_system::testing::FaultyFileSystem;
    use crate::file_system::DefaultFileSystem;
    use std::os::unix::fs::MetadataExt;

    fn os() -> Arc<dyn FileSystem> {
        Arc::new(DefaultFileSystem)
    }

    /// Returns the bytes of disk blocks `p` uses.
    fn blocks_bytes(p: &Path) -> u64 {
        std::fs::metadata(p).unwrap().blocks() * 512
    }

    #[test]
    fn append_read_and_zero_copy_slices() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("00000000000000000000");
        let f = Arc::new(MappedFile::open(&p, 8192, 0, os(), Reservation::Whole).unwrap());
        assert!(f.read(0, 1).is_none());
        f.append_bytes(b"hello").unwrap();
        assert_eq!(f.read(0, 5).unwrap(), b"hello");
        let b = f.select_bytes(1, 3).unwrap();
        f.append_bytes(&[7u8; 8187]).unwrap();
        assert!(f.is_full());
        assert!(matches!(
            f.append_bytes(b"x"),
            Err(StoreError::FileFull { .. })
        ));
        assert_eq!(&b[..], b"ell");
        f.flush(0);
        assert_eq!(f.flushed_position(), 8192);
        assert!(f.destroy());
        // The slice still reads after the file is gone.
        assert_eq!(&b[..], b"ell");
        assert_eq!(std::fs::metadata(&p).ok().map(|m| m.len()), None);
    }

    /// Claims the disk is full; allocation itself would succeed.
    struct NoFreeSpace;

    impl FileSystem for NoFreeSpace {
        fn allocate(&self, path: &Path, file: &File, offset: u64, len: u64) -> std::io::Result<()> {
            DefaultFileSystem.allocate(path, file, offset, len)
        }
        fn first_hole(&self, file: &File) -> std::io::Result<u64> {
            DefaultFileSystem.first_hole(file)
        }
        fn disk_space(&self, _: &Path) -> std::io::Result<crate::file_system::DiskSpace> {
            Ok(crate::file_system::DiskSpace {
                total: 1 << 30,
                free: 4096,
                available: 4096,
            })
        }
    }

    #[test]
    fn open_without_free_space_fails_before_creating_anything() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("00000000000000000000");
        let fs: Arc<dyn FileSystem> = Arc::new(NoFreeSpace);
        let err = MappedFile::open(&p, 1 << 20, 0, fs.clone(), Reservation::WholeWhenCreated)
            .unwrap_err();
        assert!(err.is_out_of_space(), "{err}");
        assert!(!p.exists(), "a file that could not be reserved is removed");
        // An existing file at full size needs no new space: it is opened (and reserved).
        std::fs::File::create(&p).unwrap().set_len(1 << 20).unwrap();
        let f = MappedFile::open(&p, 1 << 20, 0, fs, Reservation::WholeWhenCreated).unwrap();
        assert_eq!(f.reserved(), 1 << 20);
    }

    /// Writes `data` at the start of a sparse file of `len` bytes, as Java
    /// (`RandomAccessFile.setLength`, then writes through the mapping) leaves it.
    fn sparse_file(p: &Path, data: &[u8], len: u64) {
        use std::os::unix::fs::FileExt;
        let f = std::fs::File::create(p).unwrap();
        f.set_len(len).unwrap();
        f.write_all_at(data, 0).unwrap();
        assert!(blocks_bytes(p) < len);
    }

    #[test]
    fn open_backs_a_sparse_file_left_by_an_older_writer() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("00000000000000000000");
        sparse_file(&p, b"hello", 1 << 20);
        let m = MappedFile::open(&p, 1 << 20, 0, os(), Reservation::WholeWhenCreated).unwrap();
        assert!(blocks_bytes(&p) >= 1 << 20);
        m.set_positions(5);
        assert_eq!(m.read(0, 5).unwrap(), b"hello");
    }

    #[test]
    fn ahead_reservation_grows_in_steps_with_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("00000000000000000000");
        let size = 8 << 20;
        let f =
            MappedFile::open(&p, size, 0, os(), Reservation::Ahead { initial_bytes: 1 }).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().len(), size as u64);
        assert_eq!(f.reserved(), OS_PAGE_SIZE);
        assert!(blocks_bytes(&p) <= OS_PAGE_SIZE as u64);
        // Steps double while the file is small...
        let mut expect = Vec::new();
        for _ in 0..4 {
            f.append_bytes(&[1u8; 3000]).unwrap();
            expect.push(f.reserved());
        }
        assert_eq!(expect, [4096, 8192, 16384, 16384]);
        // ...up to RESERVE_MAX_STEP_BYTES.
        f.append_bytes(&vec![2u8; 3 << 20]).unwrap();
        let reserved = f.reserved();
        assert!(reserved >= (3 << 20) + 12000);
        f.append_bytes(&vec![3u8; reserved - f.wrote_position() + 1])
            .unwrap();
        assert_eq!(f.reserved(), reserved + RESERVE_MAX_STEP_BYTES);
        assert!(blocks_bytes(&p) <= f.reserved() as u64 + 64 * 1024);
        assert!(f.with_exclusive(|b| b.len()) == f.reserved());
    }

    #[test]
    fn full_disk_at_a_step_is_an_error_of_that_write_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("00000000000000000000");
        let fs = Arc::new(FaultyFileSystem::default());
        let f = MappedFile::open(
            &p,
            1 << 20,
            0,
            fs.clone(),
            Reservation::Ahead {
                initial_bytes: OS_PAGE_SIZE,
            },
        )
        .unwrap();
        f.append_bytes(&[1u8; 4000]).unwrap();
        fs.fail_allocate("000000", libc::ENOSPC);
        // What is reserved is still writable; the write that needs the next step fails and
        // publishes nothing.
        f.append_bytes(&[2u8; 96]).unwrap();
        let err = f.append_bytes(&[3u8; 10]).unwrap_err();
        assert!(err.is_out_of_space(), "{err}");
        assert_eq!(f.wrote_position(), 4096);
        assert_eq!(f.reserved(), 4096);
        fs.heal();
        f.append_bytes(&[3u8; 10]).unwrap();
        assert_eq!(f.read(4096, 10).unwrap(), &[3u8; 10]);
    }

    #[test]
    fn existing_sparse_file_on_a_full_disk_maps_its_data_only() {
        let dir = tempfile::tempdir().unwrap();
        let fs = Arc::new(FaultyFileSystem::default());
        fs.fail_allocate("", libc::ENOSPC);
        let data = vec![9u8; 5000];
        for reservation in [
            Reservation::WholeWhenCreated,
            Reservation::Ahead { initial_bytes: 0 },
        ] {
            let p = dir.path().join(format!("{reservation:?}"));
            sparse_file(&p, &data, 1 << 20);
            let f = MappedFile::open(&p, 1 << 20, 0, fs.clone(), reservation).unwrap();
            // Blocks hold 5000 bytes of data; the rest is a hole no access may fault in.
            let backed = f.reserved();
            assert!((5000..1 << 20).contains(&backed), "{backed}");
            f.set_positions(1 << 20);
            assert_eq!(f.wrote_position(), backed);
            assert_eq!(f.read(0, 5000).unwrap(), &data[..]);
            assert!(f.read(0, backed + 1).is_none());
            f.set_positions(5000);
            f.zero_stale_tail(5000);
            // Writing into the hole needs blocks the disk does not have.
            let err = f.append_bytes(&vec![1u8; backed]).unwrap_err();
            assert!(err.is_out_of_space(), "{reservation:?}: {err}");
            assert_eq!(f.wrote_position(), 5000);
            let mut buf = [0u8; 4];
            f.read_unmapped((1 << 20) - 4, &mut buf).unwrap();
            assert_eq!(buf, [0; 4]);
        }
        // With an older rmq's Whole files (allocated, never written past the data) the same.
        let p = dir.path().join("whole");
        assert!(MappedFile::open(&p, 1 << 20, 0, fs.clone(), Reservation::Whole).is_err());
        assert!(!p.exists());
    }
}
