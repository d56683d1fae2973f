//! `StoreError`: what can go wrong opening, recovering and reading the store.

use std::path::PathBuf;

/// Errors of the message store. Variants name the file or offset they concern.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("io error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("file {path} has {actual} bytes, expected {expected}")]
    FileSizeMismatch {
        path: PathBuf,
        actual: u64,
        expected: u64,
    },
    #[error("file name {path} is not a start offset")]
    BadFileName { path: PathBuf },
    #[error("corrupt message at {phy_offset}: {reason}")]
    CorruptMessage { phy_offset: i64, reason: String },
    #[error("no message at {phy_offset}")]
    MessageNotFound { phy_offset: i64 },
    #[error("invalid store config: {0}")]
    InvalidConfig(String),
    #[error("lock failed, MQ already started: {path}")]
    LockFailed { path: PathBuf },
    #[error("message store is shut down")]
    Shutdown,
    #[error("not enough disk space for {path}: {needed} bytes needed, {available} available")]
    DiskFull {
        path: PathBuf,
        needed: u64,
        available: u64,
    },
    #[error("no room for {len} more bytes in {path}")]
    FileFull { path: PathBuf, len: usize },
    #[error("consume queues are not writeable (running flags {flag_bits:#x})")]
    NotWriteable { flag_bits: u32 },
}

impl StoreError {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }

    /// Returns true when the error means the disk has no room left: the check before creating
    /// a file, or ENOSPC/EDQUOT from the OS. Such errors clear once space is freed.
    pub fn is_out_of_space(&self) -> bool {
        match self {
            StoreError::DiskFull { .. } => true,
            StoreError::Io { source, .. } => crate::file_system::is_out_of_space(source),
            _ => false,
        }
    }
}
