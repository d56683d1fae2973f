//! Controller mode, the broker's side (Java `broker/controller`): [`ReplicasManager`]
//! registers the broker with the controllers and changes its role when they elect a new
//! master; the store's replication does what a role needs through [`ReplicaStore`].

mod register;
mod replicas_manager;
mod role;

pub use replicas_manager::{ReplicasContext, ReplicasManager};

use rmq_remoting::protocol::body::controller::EpochEntry;
use std::collections::BTreeSet;

/// A slave copies its master's metadata when this long passed since the last copy (Java
/// `handleSlaveSynchronize`: 10 s, checked every 3 s).
const SLAVE_SYNC_INTERVAL_MILLIS: i64 = 10_000;

/// What controller mode needs of the store's replication (Java `AutoSwitchHAService` and
/// the store calls `ReplicasManager` makes).
pub trait ReplicaStore: Send + Sync {
    /// The controller-assigned id, sent in the HA handshake.
    fn set_local_broker_id(&self, id: i64);
    /// Becomes the master of `epoch`: truncates what was never confirmed, starts the epoch.
    fn change_to_master(&self, epoch: i32) -> bool;
    /// A master re-elected under a new epoch.
    fn change_to_master_when_last_role_is_master(&self, epoch: i32) -> bool;
    /// Replicates from the master at `master_addr` (its broker address; the HA address
    /// comes with the name server registration answer).
    fn change_to_slave(&self, master_addr: &str, epoch: i32, local_id: i64) -> bool;
    /// The same master under a new epoch.
    fn change_to_slave_when_master_not_change(&self, master_addr: &str, epoch: i32) -> bool;
    /// True while a slave's HA client transfers data from its master.
    fn is_replicating(&self) -> bool;
    fn set_sync_state_set(&self, set: &BTreeSet<i64>);
    /// The SyncStateSet without the slaves that fell behind (`haMaxTimeSlaveNotCatchup`).
    fn maybe_shrink_sync_state_set(&self) -> BTreeSet<i64>;
    /// Calls `f` with the grown set when a slave catches up.
    fn on_sync_state_set_expanded(&self, f: Box<dyn Fn(BTreeSet<i64>) + Send + Sync>);
    fn last_epoch(&self) -> i32;
    fn epoch_entries(&self) -> Vec<EpochEntry>;
    fn max_phy_offset(&self) -> i64;
    fn confirm_offset(&self) -> i64;
    /// Refuses (or again allows) writes (Java `RunningFlags#makeFenced`).
    fn set_fenced(&self, fenced: bool);
}
