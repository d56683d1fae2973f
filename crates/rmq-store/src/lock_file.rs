//! The store's `lock` file: an exclusive POSIX lock on its first byte keeps a second broker
//! (Java or rmq) off the same store directory (Java `DefaultMessageStore#lockFile`).

use crate::file_system::FileSystem;
use crate::store_error::StoreError;
use std::fs::File;
use std::path::Path;

/// A held store lock; dropping it closes the file and releases the lock.
#[derive(Debug)]
pub(crate) struct LockFile {
    _file: File,
}

impl LockFile {
    /// Opens (creating) `path` and takes the lock without waiting; `LockFailed` when another
    /// process holds it.
    pub(crate) fn acquire(path: &Path, fs: &dyn FileSystem) -> Result<LockFile, StoreError> {
        let file = fs
            .open_or_create(path)
            .map_err(|e| StoreError::io(path, e))?;
        if !fs
            .try_lock(path, &file)
            .map_err(|e| StoreError::io(path, e))?
        {
            return Err(StoreError::LockFailed {
                path: path.to_path_buf(),
            });
        }
        use std::io::Write;
        let mut f = &file;
        let _ = f.write_all(b"lock");
        let _ = file.sync_all();
        Ok(LockFile { _file: file })
    }
}
