//! `MappedFileQueue`: the ordered segment files of one log (CommitLog or one ConsumeQueue)
//! in a directory, each named by its 20-digit start offset (Java `MappedFileQueue`).
//!
//! Invariants: files are contiguous (`next.start == prev.start + file_size`), all have the
//! configured size, and only the last one is written. `flushed_where` is the absolute offset up
//! to which data is on disk.

use crate::allocate_mapped_file_service::AllocateMappedFileService;
use crate::file_system::FileSystem;
use crate::logfile::{MappedFile, Reservation};
use crate::store_error::StoreError;
use parking_lot::RwLock;
use rmq_common::util_all::offset_to_file_name;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The segment files of one log.
pub(crate) struct MappedFileQueue {
    store_path: PathBuf,
    mapped_file_size: usize,
    files: RwLock<Vec<Arc<MappedFile>>>,
    flushed_where: AtomicI64,
    committed_where: AtomicI64,
    /// Store time of the last message covered by the last full flush.
    store_timestamp: AtomicI64,
    allocator: Option<Arc<AllocateMappedFileService>>,
    fs: Arc<dyn FileSystem>,
    /// How the files' disk blocks are reserved (files made by `allocator` are reserved whole).
    reservation: Reservation,
}

impl MappedFileQueue {
    pub(crate) fn new(
        store_path: PathBuf,
        mapped_file_size: usize,
        allocator: Option<Arc<AllocateMappedFileService>>,
        fs: Arc<dyn FileSystem>,
        reservation: Reservation,
    ) -> Self {
        MappedFileQueue {
            store_path,
            mapped_file_size,
            files: RwLock::new(Vec::new()),
            flushed_where: AtomicI64::new(0),
            committed_where: AtomicI64::new(0),
            store_timestamp: AtomicI64::new(0),
            allocator,
            fs,
            reservation,
        }
    }

    /// Maps every segment in the directory, assuming each is full (Java `load`); a file whose
    /// tail is a hole counts as written up to its first hole.
    ///
    /// Files a crash can leave behind are dropped when they hold no data: an empty file (the
    /// process died between `open` and `ftruncate`; Java 5.x deletes an empty last file) or a
    /// file after a gap, with every file after them. With `extend_short_last`, a short file
    /// (a torn tail; Java refuses to start) is zero-extended when only blank files follow,
    /// which are dropped. Any other size mismatch, or data after an empty file, fails naming
    /// the file.
    pub(crate) fn load(&self, extend_short_last: bool) -> Result<(), StoreError> {
        let dir = match std::fs::read_dir(&self.store_path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io(&self.store_path, e)),
        };
        let size = self.mapped_file_size as u64;
        let mut segments: Vec<(PathBuf, i64, u64)> = Vec::new();
        for entry in dir {
            let entry = entry.map_err(|e| StoreError::io(&self.store_path, e))?;
            let p = entry.path();
            if !p.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(from) = name.parse::<i64>() else {
                tracing::warn!(file = %p.display(), "skipping file that is not a segment");
                continue;
            };
            let len = std::fs::metadata(&p)
                .map_err(|e| StoreError::io(&p, e))?
                .len();
            segments.push((p, from, len));
        }
        segments.sort_by(|a, b| a.0.cmp(&b.0));

        let leftover = (0..segments.len()).find(|&i| {
            segments[i].2 == 0 || (i > 0 && segments[i].1 != segments[i - 1].1 + size as i64)
        });
        if let Some(i) = leftover {
            if all_blank(&segments[i..])? {
                drop_segments(
                    self.fs.as_ref(),
                    segments.drain(i..),
                    "left by an interrupted create",
                )?;
            } else if segments[i].2 == 0 {
                return Err(StoreError::FileSizeMismatch {
                    path: segments[i].0.clone(),
                    actual: 0,
                    expected: size,
                });
            } else {
                tracing::warn!(file = %segments[i].0.display(), "segments are not contiguous");
            }
        }
        if extend_short_last {
            if let Some(i) = segments.iter().position(|s| s.2 < size) {
                if i + 1 < segments.len() && all_blank(&segments[i + 1..])? {
                    drop_segments(
                        self.fs.as_ref(),
                        segments.drain(i + 1..),
                        "after a torn tail",
                    )?;
                }
            }
        }
        let count = segments.len();
        let mut files = Vec::with_capacity(count);
        for (i, (p, from, len)) in segments.into_iter().enumerate() {
            if len != self.mapped_file_size as u64 {
                let last = i + 1 == count;
                if !(last && extend_short_last && len < self.mapped_file_size as u64) {
                    return Err(StoreError::FileSizeMismatch {
                        path: p,
                        actual: len,
                        expected: self.mapped_file_size as u64,
                    });
                }
                tracing::warn!(file = %p.display(), len, "last segment is short, zero-extending");
            }
            let f = MappedFile::open(
                &p,
                self.mapped_file_size,
                from,
                self.fs.clone(),
                self.reservation,
            )?;
            f.set_positions(self.mapped_file_size);
            files.push(Arc::new(f));
        }
        *self.files.write() = files;
        Ok(())
    }

    /// Returns a snapshot of the files.
    pub(crate) fn files(&self) -> Vec<Arc<MappedFile>> {
        self.files.read().clone()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.files.read().is_empty()
    }

    pub(crate) fn first_file(&self) -> Option<Arc<MappedFile>> {
        self.files.read().first().cloned()
    }

    pub(crate) fn last_file(&self) -> Option<Arc<MappedFile>> {
        self.files.read().last().cloned()
    }

    /// Returns the last file, creating the next one when there is none or the last is full
    /// (Java `getLastMappedFile(startOffset, true)`).
    pub(crate) fn last_file_or_create(
        &self,
        start_offset: i64,
    ) -> Result<Arc<MappedFile>, StoreError> {
        let create_offset = {
            let files = self.files.read();
            match files.last() {
                None => start_offset - start_offset % self.mapped_file_size as i64,
                Some(last) if last.is_full() => {
                    last.file_from_offset() + self.mapped_file_size as i64
                }
                Some(last) => return Ok(last.clone()),
            }
        };
        self.create_file(create_offset)
    }

    fn create_file(&self, create_offset: i64) -> Result<Arc<MappedFile>, StoreError> {
        let path = self.store_path.join(offset_to_file_name(create_offset));
        let file = match &self.allocator {
            Some(a) => {
                let next_next = self.store_path.join(offset_to_file_name(
                    create_offset + self.mapped_file_size as i64,
                ));
                a.take_or_create(&path, &next_next, self.mapped_file_size, create_offset)?
            }
            None => Arc::new(MappedFile::open(
                &path,
                self.mapped_file_size,
                create_offset,
                self.fs.clone(),
                self.reservation,
            )?),
        };
        let mut files = self.files.write();
        if files.is_empty() {
            file.set_first_create_in_queue(true);
        }
        files.push(file.clone());
        Ok(file)
    }

    /// Returns the allocator of the next file, if this queue has one.
    pub(crate) fn allocator(&self) -> Option<&Arc<AllocateMappedFileService>> {
        self.allocator.as_ref()
    }

    /// Returns the end of written data (Java `getMaxOffset`).
    pub(crate) fn max_offset(&self) -> i64 {
        self.last_file()
            .map(|f| f.file_from_offset() + f.wrote_position() as i64)
            .unwrap_or(0)
    }

    pub(crate) fn flushed_where(&self) -> i64 {
        self.flushed_where.load(Ordering::Acquire)
    }

    pub(crate) fn set_flushed_where(&self, v: i64) {
        self.flushed_where.store(v, Ordering::Release);
    }

    pub(crate) fn set_committed_where(&self, v: i64) {
        self.committed_where.store(v, Ordering::Release);
    }

    pub(crate) fn store_timestamp(&self) -> i64 {
        self.store_timestamp.load(Ordering::Acquire)
    }

    /// Returns how many written bytes are not flushed yet.
    pub(crate) fn remain_how_many_data_to_flush(&self) -> i64 {
        self.max_offset() - self.flushed_where()
    }

    /// Returns the file containing `offset`; with `return_first_on_not_found` the first file
    /// when none does (Java `findMappedFileByOffset`).
    pub(crate) fn find_mapped_file_by_offset(
        &self,
        offset: i64,
        return_first_on_not_found: bool,
    ) -> Option<Arc<MappedFile>> {
        let files = self.files.read();
        let first = files.first()?;
        let last = files.last()?;
        let size = self.mapped_file_size as i64;
        if offset >= first.file_from_offset() && offset < last.file_from_offset() + size {
            let index = (offset / size - first.file_from_offset() / size) as usize;
            if let Some(f) = files.get(index) {
                if offset >= f.file_from_offset() && offset < f.file_from_offset() + size {
                    return Some(f.clone());
                }
            }
            if let Some(f) = files
                .iter()
                .find(|f| offset >= f.file_from_offset() && offset < f.file_from_offset() + size)
            {
                return Some(f.clone());
            }
        }
        return_first_on_not_found.then(|| first.clone())
    }

    /// Flushes the file holding `flushed_where`; returns true when nothing moved (Java `flush`).
    pub(crate) fn flush(&self, least_pages: usize) -> bool {
        let where_ = self.flushed_where();
        let Some(file) = self.find_mapped_file_by_offset(where_, where_ == 0) else {
            return true;
        };
        let ts = file.store_timestamp();
        let offset = file.flush(least_pages);
        let new_where = file.file_from_offset() + offset as i64;
        let unchanged = new_where == where_;
        self.set_flushed_where(new_where);
        if least_pages == 0 {
            self.store_timestamp.store(ts, Ordering::Release);
        }
        unchanged
    }

    /// Sets positions at `offset` and deletes every file after it (Java `truncateDirtyFiles`).
    pub(crate) fn truncate_dirty_files(&self, offset: i64) {
        let size = self.mapped_file_size as i64;
        let mut files = self.files.write();
        files.retain(|f| {
            let tail = f.file_from_offset() + size;
            if tail > offset {
                if offset >= f.file_from_offset() {
                    f.set_positions((offset % size) as usize);
                    f.zero_stale_tail((offset % size) as usize);
                    true
                } else {
                    f.destroy();
                    false
                }
            } else {
                true
            }
        });
    }

    /// Deletes the last file (ConsumeQueue truncation).
    pub(crate) fn delete_last_file(&self) {
        if let Some(f) = self.files.write().pop() {
            f.destroy();
        }
    }

    /// Removes the given files from the queue (they are already destroyed).
    pub(crate) fn remove_files(&self, victims: &[Arc<MappedFile>]) {
        self.files
            .write()
            .retain(|f| !victims.iter().any(|v| Arc::ptr_eq(f, v)));
    }

    /// Deletes files older than `expired_millis` (or all when `clean_immediately`), oldest
    /// first, never the last one, stopping at the first that is kept (Java
    /// `deleteExpiredFileByTime`). Returns how many were deleted.
    pub(crate) fn delete_expired_file_by_time(
        &self,
        expired_millis: i64,
        delete_files_interval_millis: u64,
        clean_immediately: bool,
        delete_file_batch_max: usize,
        now_millis: i64,
    ) -> usize {
        let files = self.files();
        let mut deleted = Vec::new();
        let candidates = files.len().saturating_sub(1);
        for (i, f) in files.iter().take(candidates).enumerate() {
            let live_max = f.last_modified_millis() + expired_millis;
            if now_millis >= live_max || clean_immediately {
                if !f.destroy() {
                    break;
                }
                tracing::info!(file = %f.path().display(), "deleted expired file");
                deleted.push(f.clone());
                if deleted.len() >= delete_file_batch_max.max(1) {
                    break;
                }
                if delete_files_interval_millis > 0 && i + 1 < candidates {
                    std::thread::sleep(std::time::Duration::from_millis(
                        delete_files_interval_millis,
                    ));
                }
            } else {
                break;
            }
        }
        self.remove_files(&deleted);
        deleted.len()
    }

    /// Deletes every file.
    pub(crate) fn destroy(&self) {
        let mut files = self.files.write();
        for f in files.drain(..) {
            f.destroy();
        }
        self.set_flushed_where(0);
        self.set_committed_where(0);
        let _ = std::fs::remove_dir(&self.store_path);
    }
}

/// Whether no segment holds data: each is empty or its first bytes are all zero (no
/// CommitLog message or ConsumeQueue unit was ever written at its start).
fn all_blank(segments: &[(PathBuf, i64, u64)]) -> Result<bool, StoreError> {
    use std::io::Read;
    for (path, _, len) in segments {
        if *len == 0 {
            continue;
        }
        let f = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
        let mut head = Vec::with_capacity(64);
        f.take(64)
            .read_to_end(&mut head)
            .map_err(|e| StoreError::io(path, e))?;
        if head.iter().any(|b| *b != 0) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn drop_segments(
    fs: &dyn FileSystem,
    segments: impl Iterator<Item = (PathBuf, i64, u64)>,
    why: &str,
) -> Result<(), StoreError> {
    for (p, _, len) in segments {
        tracing::warn!(file = %p.display(), len, "deleting a segment without data {why}");
        fs.remove_file(&p).map_err(|e| StoreError::io(&p, e))?;
    }
    Ok(())
}
