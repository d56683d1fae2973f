//! Controller mode's replication (Java `store/ha/autoswitch`): the epoch checkpoint, the broker
//! identity files and the AutoSwitch HA service.
//!
//! What is implemented, after Java 5.3.3:
//! * [`AutoSwitchHaService`] (`service`): the role set by `change_to_master` /
//!   `change_to_slave` (and the `..._when_last_role_is_master` / `..._when_master_not_change`
//!   variants), the SyncStateSet with its "synchronizing" proposal, `maybe_expand_in_sync_state_set`
//!   (listeners registered with `register_sync_state_set_changed_listener` hear of it),
//!   `maybe_shrink_sync_state_set`, the last caught-up time of each slave, the confirm offset
//!   (`computeConfirmOffset`, `getConfirmOffset`), `in_sync_replicas_nums`, the epoch list,
//!   `truncate_invalid_msg`, the runtime info, and the waits of SYNC_MASTER puts including
//!   `allAckInSyncStateSet` (the shared [`crate::ha`] `GroupTransferService`).
//! * the master's connections (`connection`): Java's states (HANDSHAKE → TRANSFER), the
//!   handshake with the epoch list, CommitLog chunks with the 36-byte transfer header that
//!   never span two epochs, heartbeats, flow control, housekeeping.
//! * the slave client (`client`): handshake, consistent point, store truncation
//!   (`DefaultMessageStore::truncate_files`), epoch entries appended as new epochs arrive,
//!   the master's confirm offset.
//!
//! The wire format is Java's byte for byte (see `connection` for the layouts).
//!
//! Not implemented or different:
//! * `isSyncFromLastFile` and `isAsyncLearner` are sent (from `syncFromLastFile` /
//!   `asyncLearner`) and honoured by the master (start of the last file; a learner never
//!   joins the SyncStateSet), but nothing else of the learner role exists.
//! * the transient store pool (`waitingForAllCommit`, `setRealCommit`), the fenced running
//!   flag, `setStateMachineVersion` and the `HAConnectionStateNotificationService` (waiting
//!   for a slave's connection state) are not implemented.
//! * the slave reports its offset right after the handshake instead of at the next
//!   heartbeat; `change_to_master` waits at most 60 s for the dispatch to catch up (Java
//!   waits forever).
//! * recovery at open is not controller-aware: Java only dispatches records below the
//!   stored confirm offset when recovering a controller-mode store; rmq recovers as in
//!   classic mode and the confirm offset starts from the checkpoint's.

mod broker_metadata;
pub(crate) mod client;
pub(crate) mod connection;
mod epoch_file_cache;
mod service;
#[cfg(test)]
mod tests;

pub use broker_metadata::{broker_metadata_path, temp_broker_metadata_path, BrokerMetadata};
pub use client::{encode_slave_ack, encode_slave_handshake, parse_master_frame, MasterFrame};
pub use connection::{encode_master_handshake, parse_slave_frame, put_transfer_header, SlaveFrame};
pub use epoch_file_cache::{EpochEntry, EpochFileCache};
pub use service::{
    epoch_file_path, AutoSwitchHaService, AutoSwitchRole, SyncStateSetListener,
    ALL_ACK_IN_SYNC_STATE_SET,
};

/// What the AutoSwitch HA service asks of the store it replicates (the store implements it;
/// the service holds it weakly, the store owns the service).
pub(crate) trait ReplicatedStore: Send + Sync {
    fn is_shutdown(&self) -> bool;
    fn dispatch_behind_bytes(&self) -> i64;
    fn reput_from_offset(&self) -> i64;
    /// Rebuilds the queue offsets after a truncation (Java `recoverTopicQueueTable`).
    fn recover_topic_queue_table(&self);
    /// Cuts the CommitLog and ConsumeQueues above `offset` (no alignment check).
    fn truncate_dirty_files(&self, offset: i64);
    /// Java `truncateFiles`: false when `offset` is not a record start.
    fn truncate_files(&self, offset: i64) -> bool;
}

/// Java `HAConnectionState`; the ordinal is what goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum HaConnectionState {
    /// Ready to start a connection.
    Ready = 0,
    /// Handshake with the master (epoch list, truncation).
    Handshake = 1,
    /// Transferring data.
    Transfer = 2,
    /// Temporarily stopped.
    Suspend = 3,
    /// Closed.
    Shutdown = 4,
}

impl HaConnectionState {
    pub fn from_ordinal(o: i32) -> Option<Self> {
        Some(match o {
            0 => Self::Ready,
            1 => Self::Handshake,
            2 => Self::Transfer,
            3 => Self::Suspend,
            4 => Self::Shutdown,
            _ => return None,
        })
    }
}

/// Big-endian `i16` at `at` (the caller checked the length).
pub(crate) fn be_i16(b: &[u8], at: usize) -> i16 {
    let mut a = [0u8; 2];
    a.copy_from_slice(&b[at..at + 2]);
    i16::from_be_bytes(a)
}

/// Big-endian `i32` at `at` (the caller checked the length).
pub(crate) fn be_i32(b: &[u8], at: usize) -> i32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    i32::from_be_bytes(a)
}

/// Big-endian `i64` at `at` (the caller checked the length).
pub(crate) fn be_i64(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_be_bytes(a)
}
