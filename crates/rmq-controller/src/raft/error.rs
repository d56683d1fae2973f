//! Errors of the Raft layer: starting a node ([`RaftError`]) and proposing ([`ProposeError`]).

use std::path::PathBuf;

/// Starting a node failed.
#[derive(Debug, thiserror::Error)]
pub enum RaftError {
    /// `controllerDLegerPeers` does not parse.
    #[error("invalid controllerDLegerPeers {input:?}: {reason}")]
    InvalidPeers { input: String, reason: String },
    /// The config is inconsistent (timing, ids, self id not among the peers).
    #[error("invalid raft config: {0}")]
    InvalidConfig(String),
    /// Reading or writing the store failed.
    #[error("raft store {path}: {error}")]
    Store {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A store file holds something that is not a torn write from a crash.
    #[error("corrupt raft store {path}: {reason}")]
    CorruptStore { path: PathBuf, reason: String },
    /// openraft refused to start or to initialize the group.
    #[error("raft: {0}")]
    Raft(String),
}

/// A proposal was not committed and applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposeError {
    /// This node is not the leader; `leader` is the (id, address) of the one it knows, if any.
    #[error("not the raft leader; the leader is {}", leader_text(.leader))]
    NotLeader { leader: Option<(String, String)> },
    /// The entry was not applied in time; it may still be committed later.
    #[error("proposal not applied within {timeout_millis} ms")]
    Timeout { timeout_millis: u64 },
    /// A command does not encode to JSON.
    #[error("cannot encode command: {0}")]
    Encode(String),
    /// The node stopped (shut down, or a storage error).
    #[error("raft node stopped: {0}")]
    Fatal(String),
}

fn leader_text(leader: &Option<(String, String)>) -> String {
    match leader {
        Some((id, addr)) => format!("{id} at {addr}"),
        None => "unknown".into(),
    }
}
