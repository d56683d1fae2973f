//! The types openraft is instantiated with: numeric node ids, members that carry the
//! controller's textual id and address, and log entries holding a batch of JSON commands.

use serde::{Deserialize, Serialize};

/// openraft's node id (see [`super::node_id_of`]).
pub(crate) type NodeId = u64;

openraft::declare_raft_types!(
    /// The Raft type configuration of the controllers' group.
    pub(crate) TypeConfig:
        D = CommandBatch,
        R = (),
        NodeId = NodeId,
        Node = PeerNode,
        Entry = openraft::Entry<TypeConfig>,
        SnapshotData = std::io::Cursor<Vec<u8>>,
        AsyncRuntime = openraft::TokioRuntime,
);

pub(crate) type Entry = openraft::Entry<TypeConfig>;
pub(crate) type LogId = openraft::LogId<NodeId>;
pub(crate) type Vote = openraft::Vote<NodeId>;
pub(crate) type SnapshotMeta = openraft::SnapshotMeta<NodeId, PeerNode>;
pub(crate) type StoredMembership = openraft::StoredMembership<NodeId, PeerNode>;
pub(crate) type StorageError = openraft::StorageError<NodeId>;

/// A member as stored in the membership log entry: the controller's id and address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PeerNode {
    pub id: String,
    pub addr: String,
}

/// The payload of one proposal: the commands, each as the JSON of a
/// [`StateMachine::Command`](super::StateMachine::Command), applied in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CommandBatch {
    pub commands: Vec<serde_json::Value>,
}

/// Builds a storage error for openraft from an I/O or encoding failure.
pub(crate) fn storage_error(
    verb: openraft::ErrorVerb,
    subject: openraft::ErrorSubject<NodeId>,
    reason: impl std::fmt::Display,
) -> StorageError {
    let error = openraft::AnyError::error(reason.to_string());
    openraft::StorageIOError::new(subject, verb, error).into()
}
