//! Errors of the broker crate.

use std::path::PathBuf;

/// Everything that can stop the broker from starting or a config file from loading.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The message store failed to open or start.
    #[error(transparent)]
    Store(#[from] rmq_store::StoreError),
    /// A listener or client failed.
    #[error(transparent)]
    Remoting(#[from] rmq_remoting::RemotingError),
    /// The fast channel's listener (`listenPort - 2`) could not be set up; says so, since
    /// the port in the message is not the one the config names.
    #[error("fast channel (listenPort - 2): {0}")]
    FastChannel(rmq_remoting::RemotingError),
    /// A config value is unusable.
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    /// A file could not be read or written.
    /// The OS error is part of the text (not a `source()`, so a printed chain names it once).
    #[error("io error on {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl BrokerError {
    /// Builds an I/O error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BrokerError::Io {
            path: path.into(),
            error: source,
        }
    }
}
