//! Role changes and the SyncStateSet (Java `ReplicasManager#changeBrokerRole`,
//! `changeToMaster`, `changeToSlave`, `brokerElect`, `schedulingSyncBrokerMetadata`,
//! `checkSyncStateSetAndDoReport`, `doReportSyncStateSetChanged`, `sendHeartbeatToController`).

use super::replicas_manager::ReplicasManager;
use crate::broker_error::BrokerError;
use crate::out::controller_api::{ControllerHeartbeat, MasterInfo};
use rmq_common::mix_all::MASTER_ID;
use rmq_common::util_all::current_millis;
use rmq_remoting::ResponseCode;
use rmq_store::BrokerRole;
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

impl ReplicasManager {
    /// Acts on a controller answer that names the master (registration, election, replica
    /// info): this broker becomes the master or a slave of it.
    pub(super) async fn apply_master_info(&self, info: &MasterInfo) {
        let (Some(master_id), Some(addr)) = (
            info.master_broker_id,
            info.master_address.as_deref().filter(|a| !a.is_empty()),
        ) else {
            return;
        };
        if Some(master_id) == self.broker_controller_id() {
            self.change_to_master(
                info.master_epoch,
                info.sync_state_set_epoch,
                &info.sync_state_set,
            )
            .await;
        } else {
            self.change_to_slave(addr, info.master_epoch, master_id)
                .await;
        }
    }

    /// NOTIFY_BROKER_ROLE_CHANGED (Java `changeBrokerRole`): acts when the epoch is newer.
    pub async fn change_broker_role(
        &self,
        master_broker_id: Option<i64>,
        master_address: &str,
        master_epoch: i32,
        sync_state_set_epoch: i32,
        sync_state_set: &BTreeSet<i64>,
    ) {
        let Some(master_id) = master_broker_id else {
            return;
        };
        if master_epoch <= self.master_epoch() {
            return;
        }
        if Some(master_id) == self.broker_controller_id() {
            self.change_to_master(master_epoch, sync_state_set_epoch, sync_state_set)
                .await;
        } else {
            self.change_to_slave(master_address, master_epoch, master_id)
                .await;
        }
    }

    /// Java `changeToMaster`.
    pub(super) async fn change_to_master(
        &self,
        new_master_epoch: i32,
        sync_state_set_epoch: i32,
        sync_state_set: &BTreeSet<i64>,
    ) {
        let _serial = self.role_change.lock().await;
        let (my_id, was_master) = {
            let s = self.state.lock();
            if new_master_epoch <= s.master_epoch {
                return;
            }
            let was_master = s.master_broker_id.is_some()
                && s.master_broker_id == s.broker_controller_id
                && self.ctx.config.load().broker_id == MASTER_ID as i64;
            (s.broker_controller_id, was_master)
        };
        let Some(my_id) = my_id else { return };
        tracing::info!(
            broker = %self.ctx.config.load().broker_name,
            new_epoch = new_master_epoch,
            "Begin to change to master"
        );
        self.state.lock().master_epoch = new_master_epoch;
        self.change_sync_state_set(sync_state_set, sync_state_set_epoch);
        if was_master {
            self.ctx
                .store
                .change_to_master_when_last_role_is_master(new_master_epoch);
        } else {
            self.ctx.slave_synchronize.set_master_addr(None);
            if !self.ctx.store.change_to_master(new_master_epoch) {
                tracing::error!(
                    epoch = new_master_epoch,
                    "the store failed to change to master"
                );
            }
            self.ctx.config.update(|c| c.broker_id = MASTER_ID as i64);
            self.ctx.role.set(BrokerRole::SyncMaster);
            let mut s = self.state.lock();
            s.master_address = self.ctx.address.broker_addr();
            s.master_broker_id = Some(my_id);
        }
        self.ctx
            .topic_config_manager
            .next_data_version_with_state(i64::from(new_master_epoch));
        self.register_broker_when_role_change().await;
        self.check_sync_state_set_and_report().await;
    }

    /// Java `changeToSlave`.
    pub(super) async fn change_to_slave(
        &self,
        new_master_address: &str,
        new_master_epoch: i32,
        new_master_id: i64,
    ) {
        let _serial = self.role_change.lock().await;
        let (my_id, same_master) = {
            let s = self.state.lock();
            if new_master_epoch <= s.master_epoch {
                return;
            }
            (
                s.broker_controller_id,
                s.master_broker_id == Some(new_master_id),
            )
        };
        let Some(my_id) = my_id else { return };
        tracing::info!(
            broker = %self.ctx.config.load().broker_name,
            broker_id = my_id,
            new_master_id,
            new_master_address,
            new_master_epoch,
            "Begin to change to slave"
        );
        self.state.lock().master_epoch = new_master_epoch;
        if same_master {
            self.ctx
                .store
                .change_to_slave_when_master_not_change(new_master_address, new_master_epoch);
        } else {
            self.ctx.role.set(BrokerRole::Slave);
            self.ctx.config.update(|c| c.broker_id = my_id);
            {
                let mut s = self.state.lock();
                s.master_address = new_master_address.to_string();
                s.master_broker_id = Some(new_master_id);
            }
            self.ctx
                .slave_synchronize
                .set_master_addr(Some(new_master_address));
            self.last_slave_sync_ms.store(0, Ordering::Release);
            if !self
                .ctx
                .store
                .change_to_slave(new_master_address, new_master_epoch, my_id)
            {
                tracing::error!(
                    epoch = new_master_epoch,
                    "the store failed to change to slave"
                );
            }
        }
        self.ctx
            .topic_config_manager
            .next_data_version_with_state(i64::from(new_master_epoch));
        self.register_broker_when_role_change().await;
    }

    /// Registers with every name server now (Java `registerBrokerWhenRoleChange`).
    pub(super) async fn register_broker_when_role_change(&self) {
        let Some(registrar) = self.ctx.registrar.upgrade() else {
            return;
        };
        let force = self.ctx.config.load().force_register;
        tokio::spawn(async move {
            registrar.register_broker_all(true, false, force).await;
        });
    }

    /// Takes a newer SyncStateSet (Java `changeSyncStateSet`).
    pub(super) fn change_sync_state_set(&self, set: &BTreeSet<i64>, epoch: i32) {
        let mut s = self.state.lock();
        if epoch > s.sync_state_set_epoch {
            tracing::info!(from = ?s.sync_state_set, to = ?set, "SyncStateSet changed");
            s.sync_state_set_epoch = epoch;
            s.sync_state_set = set.clone();
            self.ctx.store.set_sync_state_set(set);
        }
    }

    /// CONTROLLER_ELECT_MASTER for this broker (Java `brokerElect`).
    pub(super) async fn broker_elect(&self) -> bool {
        let Some(id) = self.broker_controller_id() else {
            return false;
        };
        let bc = self.ctx.config.load();
        match self
            .ctx
            .outer_api
            .broker_elect(&self.leader(), &bc.broker_cluster_name, &bc.broker_name, id)
            .await
        {
            Ok(info) if info.master_broker_id.is_some() => {
                self.apply_master_info(&info).await;
                true
            }
            Ok(_) => {
                tracing::warn!("Now no master in broker set");
                false
            }
            Err(e) => {
                tracing::error!(error = %e, "Failed to try elect");
                false
            }
        }
    }

    /// The periodic CONTROLLER_GET_REPLICA_INFO (Java `schedulingSyncBrokerMetadata`).
    pub(super) async fn sync_broker_metadata(&self) {
        let broker_name = self.ctx.config.load().broker_name.clone();
        let info = match self
            .ctx
            .outer_api
            .get_replica_info(&self.leader(), &broker_name)
            .await
        {
            Ok(info) => info,
            Err(BrokerError::PeerAnswer { code, .. })
                if code == ResponseCode::CONTROLLER_BROKER_METADATA_NOT_EXIST.0 =>
            {
                self.register_broker_to_controller().await;
                return;
            }
            Err(e) => {
                tracing::warn!(broker = %broker_name, error = %e, "Error happen when get broker's metadata");
                return;
            }
        };
        let epoch = self.master_epoch();
        if info.master_epoch > epoch {
            let has_master = info.master_broker_id.is_some()
                && info
                    .master_address
                    .as_deref()
                    .is_some_and(|a| !a.is_empty());
            if has_master {
                self.apply_master_info(&info).await;
            } else {
                self.broker_elect().await;
            }
        } else if info.master_epoch == epoch && self.ctx.role.role() == BrokerRole::SyncMaster {
            self.change_sync_state_set(&info.sync_state_set, info.sync_state_set_epoch);
        }
    }

    /// On the master: the SyncStateSet from the slaves' progress, reported when it changed
    /// (Java `checkSyncStateSetAndDoReport`).
    pub(super) async fn check_sync_state_set_and_report(&self) {
        if self.ctx.role.role() != BrokerRole::SyncMaster {
            return;
        }
        let Some(my_id) = self.broker_controller_id() else {
            return;
        };
        let mut set = self.ctx.store.maybe_shrink_sync_state_set();
        set.insert(my_id);
        if self.state.lock().sync_state_set == set {
            return;
        }
        self.report_sync_state_set(set).await;
    }

    /// CONTROLLER_ALTER_SYNC_STATE_SET (Java `doReportSyncStateSetChanged`).
    pub(super) async fn report_sync_state_set(&self, set: BTreeSet<i64>) {
        let (my_id, master_epoch, sse) = {
            let s = self.state.lock();
            (
                s.broker_controller_id,
                s.master_epoch,
                s.sync_state_set_epoch,
            )
        };
        let Some(my_id) = my_id else { return };
        let broker_name = self.ctx.config.load().broker_name.clone();
        match self
            .ctx
            .outer_api
            .alter_sync_state_set(
                &self.leader(),
                &broker_name,
                my_id,
                master_epoch,
                set.clone(),
                sse,
            )
            .await
        {
            Ok(result) => {
                self.change_sync_state_set(&result.sync_state_set, result.sync_state_set_epoch)
            }
            Err(e) => tracing::error!(
                broker = %broker_name,
                master_epoch,
                new_sync_state_set = ?set,
                sync_state_set_epoch = sse,
                error = %e,
                "Error happen when change SyncStateSet"
            ),
        }
    }

    /// BROKER_HEARTBEAT to every controller (Java `sendHeartbeatToController`).
    pub(super) async fn send_heartbeat_to_controllers(&self) {
        let Some(id) = self.broker_controller_id() else {
            return;
        };
        let bc = self.ctx.config.load();
        let hb = ControllerHeartbeat {
            cluster_name: bc.broker_cluster_name.clone(),
            broker_addr: self.ctx.address.broker_addr(),
            broker_name: bc.broker_name.clone(),
            broker_id: id,
            epoch: self.ctx.store.last_epoch(),
            max_offset: self.ctx.store.max_phy_offset(),
            confirm_offset: self.ctx.store.confirm_offset(),
            heartbeat_timeout_millis: bc.controller_heart_beat_timeout_mills,
            election_priority: bc.broker_election_priority,
        };
        let timeout = bc.send_heartbeat_timeout_millis.max(1) as u64;
        let sends = self.controller_addresses().into_iter().map(|addr| {
            let hb = hb.clone();
            async move {
                self.ctx
                    .outer_api
                    .send_heartbeat_to_controller(&addr, &hb, timeout)
                    .await
            }
        });
        futures::future::join_all(sends).await;
    }

    /// On a slave: the master's metadata every 10 s (Java `handleSlaveSynchronize`). And,
    /// unlike Java, a slave whose HA client does not replicate registers with the name
    /// servers again: the master's HA address comes with the answer, and the registration
    /// right after a role change may have reached a name server before the new master did.
    pub(super) async fn slave_sync_if_due(&self) {
        if !self.ctx.role.is_slave() || !self.is_running() {
            return;
        }
        if !self.ctx.store.is_replicating() {
            self.register_broker_when_role_change().await;
        }
        let now = current_millis();
        if now - self.last_slave_sync_ms.load(Ordering::Acquire) > super::SLAVE_SYNC_INTERVAL_MILLIS
        {
            self.ctx.slave_synchronize.sync_all().await;
            self.last_slave_sync_ms
                .store(current_millis(), Ordering::Release);
        }
    }
}
