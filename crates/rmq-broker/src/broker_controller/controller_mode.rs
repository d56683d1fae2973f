//! Controller mode's wiring (Java `BrokerController`'s `enableControllerMode` branches): the
//! [`ReplicasManager`] with its narrow context, and the store's AutoSwitch HA service seen
//! through [`ReplicaStore`].

use super::BrokerController;
use crate::controller::{ReplicaStore, ReplicasContext, ReplicasManager};
use crate::out::registrar::BrokerRegistrar;
use rmq_remoting::protocol::body::controller::EpochEntry;
use rmq_store::{DefaultMessageStore, MessageStore};
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use tokio_util::task::TaskTracker;

impl BrokerController {
    /// Creates the replicas manager with `enableControllerMode` (fenced and isolated until
    /// it runs).
    pub(super) fn init_replicas_manager(self: &Arc<Self>) {
        if !self.broker_config.load().enable_controller_mode {
            return;
        }
        let me: Arc<dyn BrokerRegistrar + Send + Sync> = self.clone();
        let registrar: Weak<dyn BrokerRegistrar + Send + Sync> = Arc::downgrade(&me);
        drop(me);
        let identity_dir = self
            .message_store_config
            .store_path_broker_identity
            .as_deref()
            .and_then(|p| PathBuf::from(p).parent().map(|d| d.to_path_buf()))
            .unwrap_or_else(|| PathBuf::from(&self.message_store_config.store_path_root_dir));
        let ctx = ReplicasContext {
            config: self.broker_config.clone(),
            address: self.address.clone(),
            outer_api: self.broker_outer_api.clone(),
            store: Arc::new(StoreReplicas(self.message_store.clone())),
            role: self.message_store.role_state().clone(),
            topic_config_manager: self.topic_config_manager.clone(),
            slave_synchronize: self.slave_synchronize.clone(),
            registrar,
            isolated: self.isolated.clone(),
            identity_dir,
        };
        let _ = self.replicas_manager.set(ReplicasManager::new(ctx));
    }

    /// Starts the replicas manager (Java `start`'s `replicasManager.start()`).
    pub(super) fn start_controller_mode(self: &Arc<Self>, tasks: &TaskTracker) {
        if let Some(r) = self.replicas_manager.get() {
            r.start(tasks, self.shutdown.clone());
        }
    }
}

/// The store's AutoSwitch HA service as the replicas manager uses it.
struct StoreReplicas(Arc<DefaultMessageStore>);

fn to_hash(set: &BTreeSet<i64>) -> HashSet<i64> {
    set.iter().copied().collect()
}

impl ReplicaStore for StoreReplicas {
    fn set_local_broker_id(&self, id: i64) {
        if let Some(ha) = self.0.autoswitch_ha() {
            ha.set_local_broker_id(id);
        }
    }

    fn change_to_master(&self, epoch: i32) -> bool {
        let Some(ha) = self.0.autoswitch_ha() else {
            return false;
        };
        ha.change_to_master(epoch).unwrap_or_else(|e| {
            tracing::error!(epoch, error = %e, "change to master failed");
            false
        })
    }

    fn change_to_master_when_last_role_is_master(&self, epoch: i32) -> bool {
        let Some(ha) = self.0.autoswitch_ha() else {
            return false;
        };
        ha.change_to_master_when_last_role_is_master(epoch)
            .unwrap_or_else(|e| {
                tracing::error!(epoch, error = %e, "change to master failed");
                false
            })
    }

    fn change_to_slave(&self, master_addr: &str, epoch: i32, local_id: i64) -> bool {
        let Some(ha) = self.0.autoswitch_ha() else {
            return false;
        };
        ha.change_to_slave(master_addr, epoch, local_id)
            .unwrap_or_else(|e| {
                tracing::error!(epoch, error = %e, "change to slave failed");
                false
            })
    }

    fn change_to_slave_when_master_not_change(&self, master_addr: &str, epoch: i32) -> bool {
        let Some(ha) = self.0.autoswitch_ha() else {
            return false;
        };
        ha.change_to_slave_when_master_not_change(master_addr, epoch)
            .unwrap_or_else(|e| {
                tracing::error!(epoch, error = %e, "change to slave failed");
                false
            })
    }

    fn is_replicating(&self) -> bool {
        self.0.autoswitch_ha().is_some_and(|ha| {
            ha.ha_client_state() == Some(rmq_store::ha::autoswitch::HaConnectionState::Transfer)
        })
    }

    fn set_sync_state_set(&self, set: &BTreeSet<i64>) {
        if let Some(ha) = self.0.autoswitch_ha() {
            ha.set_sync_state_set(to_hash(set));
        }
    }

    fn maybe_shrink_sync_state_set(&self) -> BTreeSet<i64> {
        self.0
            .autoswitch_ha()
            .map(|ha| ha.maybe_shrink_sync_state_set().into_iter().collect())
            .unwrap_or_default()
    }

    fn on_sync_state_set_expanded(&self, f: Box<dyn Fn(BTreeSet<i64>) + Send + Sync>) {
        if let Some(ha) = self.0.autoswitch_ha() {
            ha.register_sync_state_set_changed_listener(move |set: HashSet<i64>| {
                f(set.into_iter().collect())
            });
        }
    }

    fn last_epoch(&self) -> i32 {
        self.0.autoswitch_ha().map_or(0, |ha| ha.last_epoch())
    }

    fn epoch_entries(&self) -> Vec<EpochEntry> {
        self.0
            .autoswitch_ha()
            .map(|ha| {
                ha.epoch_entries()
                    .into_iter()
                    .map(|e| EpochEntry {
                        epoch: e.epoch,
                        start_offset: e.start_offset,
                        end_offset: e.end_offset,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn max_phy_offset(&self) -> i64 {
        self.0.get_max_phy_offset()
    }

    fn confirm_offset(&self) -> i64 {
        self.0.confirm_offset()
    }

    fn set_fenced(&self, fenced: bool) {
        self.0.running_flags().make_fenced(fenced);
    }
}
