//! The controllers' replication layer: a Raft group (openraft) that orders the controller's
//! commands, stores them durably under `controllerStorePath` and applies them to every
//! controller's [`StateMachine`]. It stands where Java's `DLedgerController` uses DLedger.
//!
//! Controllers only talk Raft among themselves, so the RPCs are rmq's own: three private
//! request codes ([`RAFT_REQUEST_CODES`]) on the controller's remoting port (as Java serves
//! DLedger on its port, 9878 by default), each with the JSON of openraft's request as body
//! and the JSON of `Result<response, openraft error>` as the SUCCESS answer's body.
//!
//! ```text
//!  RaftNode::propose ──> openraft::Raft ──> RaftNetworkFactoryImpl ──RemotingClient──> peers
//!                            │   ▲                          peers ──> RaftRequestProcessor
//!              RaftLogStore  │   │ StateMachineStore<S> (S::apply, snapshots)
//!                            ▼   │
//!                      RaftStoreWriter thread: raft-log (append + fsync), raft-snapshot
//! ```
//!
//! Files under the store directory: `raft-log` (entries, vote, committed id; module
//! `raft_log_file`) and `raft-snapshot` (module `state_machine_store`); both are sequences of
//! length-prefixed, CRC-checked records (module `record_file`, which documents the bytes).

mod config;
mod error;
mod network;
mod raft_log_file;
mod raft_log_store;
mod raft_node;
mod raft_request_processor;
mod raft_store_writer;
mod record_file;
mod state_machine_store;
mod types;

pub use config::{node_id_of, parse_peers, RaftConfig};
pub use error::{ProposeError, RaftError};
pub use raft_node::{RaftNode, RaftStatus};

use rmq_remoting::RequestCode;

/// The application state replicated by Raft: every controller applies the same committed
/// commands in the same order.
pub trait StateMachine: Send + Sync + 'static {
    /// One change of the state, as written to the Raft log (JSON).
    type Command: Clone
        + std::fmt::Debug
        + serde::Serialize
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static;

    /// Applies one committed command. It must be deterministic: every node applies it to the
    /// same state and must reach the same new state.
    fn apply(&mut self, command: &Self::Command);

    /// Returns the whole state, for a snapshot.
    fn snapshot(&self) -> Vec<u8>;

    /// Replaces the whole state with a snapshot's.
    fn restore(&mut self, snapshot: &[u8]) -> Result<(), String>;
}

/// rmq-internal request code of a Raft RequestVote RPC between controllers (no Java
/// counterpart: Java's controllers speak DLedger's protocol).
pub const RAFT_VOTE: RequestCode = RequestCode(60_001);
/// rmq-internal request code of a Raft AppendEntries RPC (replication and heartbeats).
pub const RAFT_APPEND_ENTRIES: RequestCode = RequestCode(60_002);
/// rmq-internal request code of one chunk of a Raft InstallSnapshot RPC.
pub const RAFT_INSTALL_SNAPSHOT: RequestCode = RequestCode(60_003);

/// The request codes [`RaftNode::processor`] answers; register it for each of them.
pub const RAFT_REQUEST_CODES: &[RequestCode] =
    &[RAFT_VOTE, RAFT_APPEND_ENTRIES, RAFT_INSTALL_SNAPSHOT];
