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
//! * Every page of the mapping has its disk block (reserved by `open` through the
//!   [`FileSystem`] seam), so a full disk can never turn an access into SIGBUS.

use crate::config::FlushDiskType;
use crate::file_system::FileSystem;
use crate::store_error::StoreError;
use bytes::Bytes;
use memmap2::MmapRaw;
use parking_lot::Mutex;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

/// Page size Java assumes when counting dirty pages (`OS_PAGE_SIZE`).
pub(crate) const OS_PAGE_SIZE: usize = 4096;

/// A memory-mapped segment file whose name is its start offset.
pub(crate) struct MappedFile {
    path: PathBuf,
    file_from_offset: i64,
    file_size: usize,
    _file: File,
    map: MmapRaw,
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
            .finish()
    }
}

impl MappedFile {
    /// Opens (creating if missing) `path` and maps `file_size` bytes. Every page is backed by
    /// a disk block first (a shorter file is extended), so no access through the mapping can
    /// fault for want of space; a full disk is an error here instead (Java leaves the file
    /// sparse and learns of it at page-fault time). A file this call created is removed again
    /// when that fails.
    pub(crate) fn open(
        path: &Path,
        file_size: usize,
        file_from_offset: i64,
        fs: &dyn FileSystem,
    ) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
        }
        let mut options = OpenOptions::new();
        options.read(true).write(true);
        let (file, created) = match options.clone().create_new(true).open(path) {
            Ok(f) => (f, true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => (
                options.open(path).map_err(|e| StoreError::io(path, e))?,
                false,
            ),
            Err(e) => return Err(StoreError::io(path, e)),
        };
        if let Err(e) = reserve(fs, path, &file, file_size as u64) {
            if created {
                let _ = std::fs::remove_file(path);
            }
            return Err(e);
        }
        let map = memmap2::MmapOptions::new()
            .len(file_size)
            .map_raw(&file)
            .map_err(|e| StoreError::io(path, e))?;
        Ok(MappedFile {
            path: path.to_path_buf(),
            file_from_offset,
            file_size,
            _file: file,
            map,
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

    /// Sets the wrote, committed and flushed positions (load and recovery only).
    pub(crate) fn set_positions(&self, pos: usize) {
        let pos = pos.min(self.file_size);
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

    /// Lets `f` write into the unpublished tail `[wrote_position, file_size)`; `f` returns how
    /// many bytes it wrote (published afterwards) and a value passed back to the caller.
    pub(crate) fn append<R>(&self, f: impl FnOnce(&mut [u8]) -> (usize, R)) -> R {
        let _guard = self.write_lock.lock();
        let wrote = self.wrote_position.load(Ordering::Acquire);
        let tail_len = self.file_size - wrote;
        // SAFETY: `[wrote, file_size)` is inside the mapping and, by the module invariant,
        // only touched by the holder of `write_lock`, which we hold until after publishing.
        let tail =
            unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().add(wrote), tail_len) };
        let (n, r) = f(tail);
        let n = n.min(tail_len);
        self.wrote_position.store(wrote + n, Ordering::Release);
        r
    }

    /// Appends `data` if it fits; returns false otherwise (Java `appendMessage(byte[])`).
    pub(crate) fn append_bytes(&self, data: &[u8]) -> bool {
        self.append(|tail| {
            if tail.len() < data.len() {
                return (0, false);
            }
            tail[..data.len()].copy_from_slice(data);
            (data.len(), true)
        })
    }

    /// Gives `f` the whole mapping for random-access reads and writes. Only for files with
    /// no lock-free readers (index, checkpoint) and for recovery scans.
    pub(crate) fn with_exclusive<R>(&self, f: impl FnOnce(&mut [u8]) -> R) -> R {
        let _guard = self.write_lock.lock();
        // SAFETY: the range is the whole mapping; exclusive access follows from `write_lock`
        // plus the module invariant that such files have no lock-free readers.
        let all = unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr(), self.file_size) };
        f(all)
    }

    /// Faults in `[pos, pos + len)` for writing ahead of the writer, so the kernel's page
    /// allocation and zeroing happen on the allocator thread rather than inside the append
    /// lock. Contents are unchanged. A no-op where `MADV_POPULATE_WRITE` is unsupported.
    pub(crate) fn prefault(&self, pos: usize, len: usize) {
        let pos = pos.min(self.file_size);
        let len = len.min(self.file_size - pos);
        let page = pos - pos % OS_PAGE_SIZE;
        let len = len + (pos - page);
        if len == 0 {
            return;
        }
        #[cfg(target_os = "linux")]
        // SAFETY: the range lies inside our mapping (page-aligned start, clamped length); the
        // advice only populates page tables and never changes the mapped bytes.
        unsafe {
            libc::madvise(
                self.map.as_mut_ptr().add(page) as *mut libc::c_void,
                len,
                libc::MADV_POPULATE_WRITE,
            );
        }
    }

    /// Zeroes stale bytes from `pos` on, up to the first page that is already all zeros, so
    /// data cut off by recovery can never be mistaken for valid records later (recovery only).
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
            if let Err(e) = self.map.flush_range(flushed, write - flushed) {
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
        if let Err(e) = self.map.flush() {
            tracing::error!(file = %self.path.display(), error = %e, "force failed");
        }
    }

    /// Touches every page so the file is backed by memory before use; with SYNC_FLUSH it is
    /// flushed every `pages` pages (Java `warmMappedFile`, without mlock).
    pub(crate) fn warm(&self, flush_disk_type: FlushDiskType, pages: usize) {
        let mut last_flush = 0usize;
        let mut i = 0usize;
        while i < self.file_size {
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
        match std::fs::remove_file(&self.path) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => {
                tracing::warn!(file = %self.path.display(), error = %e, "delete failed");
                false
            }
        }
    }
}

/// Backs `[0, size)` of `file` with disk blocks. Before growing a file the partition's free
/// space is checked, so a full disk fails fast without allocating part of it.
fn reserve(fs: &dyn FileSystem, path: &Path, file: &File, size: u64) -> Result<(), StoreError> {
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
    fs.allocate(path, file, size)
        .map_err(|e| StoreError::io(path, e))
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
    use crate::file_system::DefaultFileSystem;

    #[test]
    fn append_read_and_zero_copy_slices() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("00000000000000000000");
        let f = Arc::new(MappedFile::open(&p, 8192, 0, &DefaultFileSystem).unwrap());
        assert!(f.read(0, 1).is_none());
        assert!(f.append_bytes(b"hello"));
        assert_eq!(f.read(0, 5).unwrap(), b"hello");
        let b = f.select_bytes(1, 3).unwrap();
        assert!(f.append_bytes(&[7u8; 8187]));
        assert!(f.is_full());
        assert!(!f.append_bytes(b"x"));
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
        fn allocate(&self, path: &Path, file: &File, len: u64) -> std::io::Result<()> {
            DefaultFileSystem.allocate(path, file, len)
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
        let err = MappedFile::open(&p, 1 << 20, 0, &NoFreeSpace).unwrap_err();
        assert!(err.is_out_of_space(), "{err}");
        assert!(!p.exists(), "a file that could not be reserved is removed");
        // An existing file at full size needs no new space: it is opened (and reserved).
        std::fs::File::create(&p).unwrap().set_len(1 << 20).unwrap();
        assert!(MappedFile::open(&p, 1 << 20, 0, &NoFreeSpace).is_ok());
    }

    #[test]
    fn open_backs_a_sparse_file_left_by_an_older_writer() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("00000000000000000000");
        // A sparse file with data at its start, as Java (`RandomAccessFile.setLength`) leaves.
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(1 << 20).unwrap();
        drop(f);
        let mut data = std::fs::read(&p).unwrap();
        data[..5].copy_from_slice(b"hello");
        std::fs::write(&p, &data[..4096]).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(1 << 20)
            .unwrap();
        assert!(std::fs::metadata(&p).unwrap().blocks() * 512 < 1 << 20);
        let m = MappedFile::open(&p, 1 << 20, 0, &DefaultFileSystem).unwrap();
        assert!(std::fs::metadata(&p).unwrap().blocks() * 512 >= 1 << 20);
        m.set_positions(5);
        assert_eq!(m.read(0, 5).unwrap(), b"hello");
    }
}
