//! Errors of the NameServer crate.

use rmq_remoting::RemotingError;
use std::path::PathBuf;

/// Everything that can go wrong starting or running the NameServer.
#[derive(Debug, thiserror::Error)]
pub enum NamesrvError {
    /// A setting has a value the NameServer cannot run with.
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    /// Reading or writing a file failed. The OS error is part of the text (not a
    /// `source()`, so a printed chain names it once).
    #[error("cannot {op} {path}: {error}")]
    Io {
        op: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    /// The listener could not be set up.
    #[error(transparent)]
    Remoting(#[from] RemotingError),
    /// A blocking task could not run to completion.
    #[error("background task failed: {0}")]
    Task(String),
}

impl NamesrvError {
    /// Builds an I/O error naming the operation and the file.
    pub fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        NamesrvError::Io {
            op,
            path: path.into(),
            error: source,
        }
    }
}
