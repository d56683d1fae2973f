//! The store's file-system seam: the OS calls behind its files, so tests can inject ENOSPC or
//! EIO where the kernel would report them (after tikv/raft-engine's `FileSystem` in
//! `src/env/mod.rs`).
//!
//! Why files are reserved: the store writes (and reads) its files through `mmap`. A page of a
//! sparse file gets its disk block only when it is first touched, and a file system that has
//! none left answers with SIGBUS, which kills the broker; on tmpfs even reading a hole
//! allocates. [`FileSystem::allocate`] gives a range its blocks before the mapping touches
//! it, turning a full disk into an error the store can answer (Java's
//! `CREATE_MAPPED_FILE_FAILED`); [`FileSystem::first_hole`] tells which part of an existing
//! file (written by Java or an older rmq) already has its blocks. `MappedFile` reserves ahead
//! of its writer in steps, so a file uses blocks roughly as data arrives, as Java's sparse
//! files do.
//!
//! The other OS calls of the store go through here too: creating, opening, truncating and
//! removing its files and directories, `msync` of mappings (`sync_map`), `statvfs` for disk
//! usage, the POSIX record lock on the `lock` file and `sysconf` for the memory size (read
//! once per store). Reads of directories and metadata, and `madvise` on a mapping, do not.

use memmap2::MmapRaw;
use std::fs::File;
use std::io;
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// Space of the partition holding a path, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DiskSpace {
    pub total: u64,
    pub free: u64,
    /// What an unprivileged user may still allocate (`f_bavail`).
    pub available: u64,
}

/// The machine's memory figures (read once by the store, not per pull).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemoryInfo {
    /// Physical memory in bytes (Java `StoreUtil.TOTAL_PHYSICAL_MEMORY_SIZE`); 24 GiB when
    /// the OS does not tell.
    pub total_physical_bytes: i64,
}

/// The OS calls the store's files depend on; the default is [`DefaultFileSystem`].
pub(crate) trait FileSystem: Send + Sync {
    /// Backs every byte of `[offset, offset + len)` of `file` (opened from `path`) with a disk
    /// block and grows the file to cover the range when it is shorter. After success no page
    /// in that range can fault for want of space. A range that already has its blocks needs
    /// no free space.
    fn allocate(&self, path: &Path, file: &File, offset: u64, len: u64) -> io::Result<()>;

    /// Returns the offset of the first hole of `file` (`lseek(SEEK_HOLE)`): every block before
    /// it holds data, so it can be mapped without new blocks. Blocks that are allocated but
    /// never written count as holes on ext4 and tmpfs. A file system that cannot tell answers
    /// the file's length.
    fn first_hole(&self, file: &File) -> io::Result<u64>;

    /// Returns the space of the partition holding `path`.
    fn disk_space(&self, path: &Path) -> io::Result<DiskSpace>;

    /// Creates a directory and its parents.
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(path)
    }

    /// Creates (or empties) `path` for writing.
    fn create_truncate(&self, path: &Path) -> io::Result<File> {
        File::create(path)
    }

    /// Removes a file.
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }

    /// Creates `path` for reading and writing; fails with `AlreadyExists` when it exists.
    fn create_new(&self, path: &Path) -> io::Result<File> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
    }

    /// Opens an existing `path` for reading and writing.
    fn open_rw(&self, path: &Path) -> io::Result<File> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
    }

    /// Sets the length of `file` (opened from `path`): `ftruncate`.
    fn set_len(&self, _path: &Path, file: &File, len: u64) -> io::Result<()> {
        file.set_len(len)
    }

    /// Writes `[offset, offset + len)` of the mapping of `path` to disk: `msync`.
    fn sync_map(&self, _path: &Path, map: &MmapRaw, offset: usize, len: usize) -> io::Result<()> {
        map.flush_range(offset, len)
    }

    /// Opens `path` for reading and writing, creating it when missing (never truncating).
    fn open_or_create(&self, path: &Path) -> io::Result<File> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
    }

    /// Takes an exclusive POSIX lock on byte 0 of `file` without waiting, like Java's
    /// `FileChannel.tryLock(0, 1, false)`, so Java and rmq exclude each other. `Ok(false)`
    /// when another process holds it.
    ///
    /// The default is `fcntl(F_SETLK)`.
    fn try_lock(&self, _path: &Path, file: &File) -> io::Result<bool> {
        os_try_lock(file)
    }

    /// Returns the physical memory size (default: `sysconf` of the page count and size).
    fn memory(&self) -> MemoryInfo {
        os_memory()
    }
}

/// The real OS calls.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DefaultFileSystem;

impl FileSystem for DefaultFileSystem {
    /// `posix_fallocate(fd, offset, len)`: glibc calls `fallocate(fd, 0, offset, len)` and, on
    /// a file system without it (EOPNOTSUPP), writes a zero byte into every block of the range
    /// that does not already hold data, so the range is never left sparse without an error.
    /// (That emulation must not race a writer of the same range: the store reserves only
    /// ranges its writer has not reached.)
    fn allocate(&self, _path: &Path, file: &File, offset: u64, len: u64) -> io::Result<()> {
        if len == 0 {
            return Ok(());
        }
        let too_large = || io::Error::new(io::ErrorKind::InvalidInput, "file too large");
        let offset = libc::off_t::try_from(offset).map_err(|_| too_large())?;
        let len = libc::off_t::try_from(len).map_err(|_| too_large())?;
        // SAFETY: the descriptor stays open for the duration of the call (borrowed from
        // `file`), and no memory is handed to the kernel.
        let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), offset, len) };
        match rc {
            0 => Ok(()),
            errno => Err(io::Error::from_raw_os_error(errno)),
        }
    }

    fn first_hole(&self, file: &File) -> io::Result<u64> {
        let len = file.metadata()?.len();
        // SAFETY: the descriptor stays open for the duration of the call; lseek only moves
        // the descriptor's offset, which the store does not use (it maps the file).
        let at = unsafe { libc::lseek(file.as_raw_fd(), 0, libc::SEEK_HOLE) };
        if at >= 0 {
            return Ok((at as u64).min(len));
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            // An empty file.
            Some(libc::ENXIO) => Ok(0),
            // No SEEK_HOLE (very old kernels): assume data everywhere; `allocate` then backs
            // the whole file, which is safe.
            Some(libc::EINVAL) => Ok(len),
            _ => Err(e),
        }
    }

    // The statvfs field types differ between platforms.
    #[allow(clippy::unnecessary_cast)]
    fn disk_space(&self, path: &Path) -> io::Result<DiskSpace> {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let mut st = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
        // SAFETY: `c` is a valid NUL-terminated path and `st` points to writable memory of the
        // right type; statvfs only writes into it.
        let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: statvfs returned 0, so it initialised the struct.
        let st = unsafe { st.assume_init() };
        let f = st.f_frsize as u64;
        Ok(DiskSpace {
            total: st.f_blocks as u64 * f,
            free: st.f_bfree as u64 * f,
            available: st.f_bavail as u64 * f,
        })
    }
}

// `c_long` is i64 here but not everywhere.
#[allow(clippy::unnecessary_cast)]
fn os_memory() -> MemoryInfo {
    // SAFETY: sysconf only reads system constants.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    let total_physical_bytes = if pages <= 0 || page <= 0 {
        24 * 1024 * 1024 * 1024
    } else {
        pages as i64 * page as i64
    };
    MemoryInfo {
        total_physical_bytes,
    }
}

fn os_try_lock(file: &File) -> io::Result<bool> {
    // SAFETY: an all-zero `flock` is a valid value; the fields are set below.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = libc::F_WRLCK as _;
    fl.l_whence = libc::SEEK_SET as _;
    fl.l_start = 0;
    fl.l_len = 1;
    // SAFETY: the descriptor is open for the duration of the call and `fl` is a valid
    // flock.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &fl) } == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
        _ => Err(e),
    }
}

/// Returns the used ratio of the partition holding `path` as Java's
/// `UtilAll.getDiskPartitionSpaceUsedPercent` computes it (rounded up to 1%), or -1.
pub fn disk_partition_space_used_percent(path: &Path) -> f64 {
    DefaultFileSystem
        .disk_space(path)
        .map(used_ratio)
        .unwrap_or(-1.0)
}

/// Java's used ratio: `used / (used + available)`, rounded up to 1%; -1 when unknown.
pub(crate) fn used_ratio(space: DiskSpace) -> f64 {
    if space.total == 0 {
        return -1.0;
    }
    let used = space.total.saturating_sub(space.free);
    let entire = used + space.available;
    if entire == 0 {
        return -1.0;
    }
    let round = u64::from(!(used * 100).is_multiple_of(entire));
    ((used * 100) / entire + round) as f64 / 100.0
}

/// Returns (total, free, available-to-user) bytes of the partition holding `path`.
pub fn statvfs(path: &Path) -> Option<(u64, u64, u64)> {
    let s = DefaultFileSystem.disk_space(path).ok()?;
    Some((s.total, s.free, s.available))
}

/// Returns true when `e` means the file system has no room left (ENOSPC, or EDQUOT for a
/// user over quota).
pub(crate) fn is_out_of_space(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

#[cfg(any(test, feature = "fault-injection"))]
pub(crate) mod testing {
    //! A file system whose calls fail on demand, for fault-injection tests (public with the
    //! `fault-injection` feature, as `rmq_store::fault_injection`).
    //!
    //! A full disk is modelled faithfully for `allocate`: an injected fault refuses only
    //! allocations that need new blocks (the range has a hole, as `SEEK_HOLE` reports it),
    //! while a range that already holds data is allocated as the kernel would. Since blocks
    //! allocated but never written count as holes, it refuses a little more than a real full
    //! disk, never less. The other calls fail whenever a fault matches.

    use super::*;
    use parking_lot::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The call a fault hits.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Op {
        /// `allocate` of a range that needs new blocks.
        Allocate,
        /// Creating a file or directory: `create_new`, `create_truncate`, `open_or_create`,
        /// `create_dir_all`.
        Create,
        /// `try_lock`.
        Lock,
        /// `sync_map` (msync of a mapped file).
        Flush,
    }

    /// Which calls a fault hits: `op` on paths containing `path_part`.
    #[derive(Debug, Clone)]
    struct Fault {
        op: Op,
        path_part: String,
        errno: i32,
    }

    /// Delegates to the OS, except that the calls of an injected fault fail with its errno.
    #[derive(Debug, Default)]
    pub struct FaultyFileSystem {
        faults: Mutex<Vec<Fault>>,
        failures: AtomicUsize,
        memory_calls: AtomicUsize,
    }

    impl FaultyFileSystem {
        /// Makes `allocate` fail with `errno` for files whose path contains `path_part`.
        pub fn fail_allocate(&self, path_part: &str, errno: i32) {
            self.fail(Op::Allocate, path_part, errno);
        }

        /// Makes `op` fail with `errno` for paths containing `path_part` (replacing an earlier
        /// fault of the same `op`).
        pub fn fail(&self, op: Op, path_part: &str, errno: i32) {
            let mut faults = self.faults.lock();
            faults.retain(|f| f.op != op);
            faults.push(Fault {
                op,
                path_part: path_part.to_string(),
                errno,
            });
        }

        /// Clears every fault: the disk has room again.
        pub fn heal(&self) {
            self.faults.lock().clear();
        }

        /// Returns how many calls failed by injection.
        pub fn failures(&self) -> usize {
            self.failures.load(Ordering::Acquire)
        }

        /// Returns how many times `memory` was asked.
        pub fn memory_calls(&self) -> usize {
            self.memory_calls.load(Ordering::Acquire)
        }

        /// Returns the errno of a fault of `op` matching `path`, counting the failure.
        fn injected(&self, op: Op, path: &Path) -> Option<io::Error> {
            let faults = self.faults.lock();
            let f = faults
                .iter()
                .find(|f| f.op == op && path.to_string_lossy().contains(&f.path_part))?;
            self.failures.fetch_add(1, Ordering::AcqRel);
            Some(io::Error::from_raw_os_error(f.errno))
        }

        fn check(&self, op: Op, path: &Path) -> io::Result<()> {
            match self.injected(op, path) {
                Some(e) => Err(e),
                None => Ok(()),
            }
        }
    }

    /// Returns true when `[offset, offset + len)` of `file` has a hole (or lies past its end).
    fn needs_blocks(file: &File, offset: u64, len: u64) -> io::Result<bool> {
        if len == 0 {
            return Ok(false);
        }
        // SAFETY: as in `DefaultFileSystem::first_hole`.
        let at = unsafe { libc::lseek(file.as_raw_fd(), offset as libc::off_t, libc::SEEK_HOLE) };
        if at < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::ENXIO) => Ok(true),
                _ => Err(e),
            };
        }
        Ok((at as u64) < offset + len)
    }

    impl FileSystem for FaultyFileSystem {
        fn allocate(&self, path: &Path, file: &File, offset: u64, len: u64) -> io::Result<()> {
            let has_fault = self
                .faults
                .lock()
                .iter()
                .any(|f| f.op == Op::Allocate && path.to_string_lossy().contains(&f.path_part));
            if has_fault && needs_blocks(file, offset, len)? {
                self.check(Op::Allocate, path)?;
            }
            DefaultFileSystem.allocate(path, file, offset, len)
        }

        fn first_hole(&self, file: &File) -> io::Result<u64> {
            DefaultFileSystem.first_hole(file)
        }

        fn disk_space(&self, path: &Path) -> io::Result<DiskSpace> {
            DefaultFileSystem.disk_space(path)
        }

        fn create_dir_all(&self, path: &Path) -> io::Result<()> {
            self.check(Op::Create, path)?;
            std::fs::create_dir_all(path)
        }

        fn create_truncate(&self, path: &Path) -> io::Result<File> {
            self.check(Op::Create, path)?;
            File::create(path)
        }

        fn create_new(&self, path: &Path) -> io::Result<File> {
            self.check(Op::Create, path)?;
            DefaultFileSystem.create_new(path)
        }

        fn open_or_create(&self, path: &Path) -> io::Result<File> {
            self.check(Op::Create, path)?;
            DefaultFileSystem.open_or_create(path)
        }

        fn try_lock(&self, path: &Path, file: &File) -> io::Result<bool> {
            match self.injected(Op::Lock, path) {
                // As `os_try_lock` answers a lock held elsewhere.
                Some(e) if matches!(e.raw_os_error(), Some(libc::EAGAIN | libc::EACCES)) => {
                    Ok(false)
                }
                Some(e) => Err(e),
                None => DefaultFileSystem.try_lock(path, file),
            }
        }

        fn sync_map(
            &self,
            path: &Path,
            map: &MmapRaw,
            offset: usize,
            len: usize,
        ) -> io::Result<()> {
            self.check(Op::Flush, path)?;
            DefaultFileSystem.sync_map(path, map, offset, len)
        }

        fn memory(&self) -> MemoryInfo {
            self.memory_calls.fetch_add(1, Ordering::AcqRel);
            DefaultFileSystem.memory()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn allocate_backs_every_block_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"head").unwrap();
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&p)
            .unwrap();
        DefaultFileSystem.allocate(&p, &f, 0, 1 << 20).unwrap();
        let m = std::fs::metadata(&p).unwrap();
        assert_eq!(m.len(), 1 << 20);
        // st_blocks counts 512-byte units: a sparse file would have far fewer.
        assert!(m.blocks() * 512 >= 1 << 20, "{} blocks", m.blocks());
        assert_eq!(&std::fs::read(&p).unwrap()[..4], b"head");
        // A range past the end grows the file and backs only that range.
        DefaultFileSystem
            .allocate(&p, &f, 3 << 20, 1 << 20)
            .unwrap();
        let m = std::fs::metadata(&p).unwrap();
        assert_eq!(m.len(), 4 << 20);
        assert!(m.blocks() * 512 < 3 << 20, "{} blocks", m.blocks());
    }

    #[test]
    fn first_hole_is_the_end_of_leading_data() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&p)
            .unwrap();
        assert_eq!(DefaultFileSystem.first_hole(&f).unwrap(), 0);
        use std::os::unix::fs::FileExt;
        f.write_all_at(&[1u8; 5000], 0).unwrap();
        f.set_len(1 << 20).unwrap();
        let hole = DefaultFileSystem.first_hole(&f).unwrap();
        // The block holding the last data byte is data; the tail is a hole (a file system
        // without SEEK_HOLE would answer the length, which is safe, not wrong).
        assert!(hole >= 5000 && (hole <= 8192 || hole == 1 << 20), "{hole}");
    }

    #[test]
    fn disk_space_of_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let s = DefaultFileSystem.disk_space(dir.path()).unwrap();
        assert!(s.total > 0 && s.available <= s.free && s.free <= s.total);
        assert!(DefaultFileSystem
            .disk_space(&dir.path().join("missing"))
            .is_err());
    }
}
