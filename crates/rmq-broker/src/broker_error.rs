//! Errors of the broker crate.

use std::path::PathBuf;

/// Everything that can stop the broker from starting or a config file from loading.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The message store failed to open or start.
    #[error("message store: {0}")]
    Store(#[from] rmq_store::StoreError),
    /// A listener or client failed.
    #[error("remoting: {0}")]
    Remoting(#[from] rmq_remoting::RemotingError),
    /// A config value is unusable.
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    /// A file could not be read or written.
    #[error("io error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl BrokerError {
    /// Builds an I/O error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BrokerError::Io {
            path: path.into(),
            source,
        }
    }
}
