//! Registration with the controller (Java `ReplicasManager#register` and its steps): the
//! broker id from `brokerIdentity`, or a new one claimed through `brokerIdentity-temp`.

use super::replicas_manager::ReplicasManager;
use rmq_common::util_all::current_millis;
use rmq_store::ha::autoswitch::{broker_metadata_path, temp_broker_metadata_path, BrokerMetadata};
use std::sync::atomic::Ordering;

/// Where registration stands after reading the identity files (Java `RegisterState`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum RegisterState {
    Initial,
    TempFileDone(BrokerMetadata),
    FileDone(BrokerMetadata),
}

impl ReplicasManager {
    /// Java `confirmNowRegisteringState` + `checkMetadataValid`: `None` when a file names
    /// another cluster or broker name.
    fn registering_state(&self) -> Option<RegisterState> {
        let dir = &self.ctx.identity_dir;
        let read = |path: std::path::PathBuf, with_code: bool| {
            BrokerMetadata::read_from(&path, with_code).unwrap_or_else(|e| {
                tracing::error!(file = %path.display(), error = %e, "Read metadata file failed");
                None
            })
        };
        let state = if let Some(m) = read(broker_metadata_path(dir), false) {
            RegisterState::FileDone(m)
        } else if let Some(m) = read(temp_broker_metadata_path(dir), true) {
            RegisterState::TempFileDone(m)
        } else {
            RegisterState::Initial
        };
        let bc = self.ctx.config.load();
        if let RegisterState::FileDone(m) | RegisterState::TempFileDone(m) = &state {
            if m.cluster_name != bc.broker_cluster_name || m.broker_name != bc.broker_name {
                tracing::error!(
                    metadata_cluster = %m.cluster_name,
                    metadata_broker = %m.broker_name,
                    cluster = %bc.broker_cluster_name,
                    broker = %bc.broker_name,
                    "Check and find that metadata/tempMetadata invalid, you can modify the broker config to make them valid"
                );
                return None;
            }
        }
        Some(state)
    }

    /// Java `register`: one pass through the registration steps.
    pub(super) async fn register(&self) -> bool {
        let Some(mut state) = self.registering_state() else {
            return false;
        };
        let leader = self.leader();
        let bc = self.ctx.config.load();
        let dir = self.ctx.identity_dir.clone();
        if state == RegisterState::Initial {
            let next = match self
                .ctx
                .outer_api
                .get_next_broker_id(&bc.broker_cluster_name, &bc.broker_name, &leader)
                .await
            {
                Ok(Some(id)) => id,
                Ok(None) => return false,
                Err(e) => {
                    tracing::error!(error = %e, "fail to get next broker id from controller");
                    return false;
                }
            };
            let temp = BrokerMetadata {
                cluster_name: bc.broker_cluster_name.clone(),
                broker_name: bc.broker_name.clone(),
                broker_id: next,
                register_check_code: Some(format!(
                    "{};{}",
                    self.ctx.address.broker_addr(),
                    current_millis()
                )),
            };
            if let Err(e) = temp.write_to(&temp_broker_metadata_path(&dir)) {
                tracing::error!(error = %e, "update and persist temp broker metadata file failed");
                return false;
            }
            state = RegisterState::TempFileDone(temp);
        }
        if let RegisterState::TempFileDone(temp) = &state {
            let code = temp.register_check_code.clone().unwrap_or_default();
            if let Err(e) = self
                .ctx
                .outer_api
                .apply_broker_id(
                    &bc.broker_cluster_name,
                    &bc.broker_name,
                    temp.broker_id,
                    &code,
                    &leader,
                )
                .await
            {
                // The id is taken: start over with a new one.
                tracing::error!(broker_id = temp.broker_id, error = %e, "fail to apply broker id");
                let _ = std::fs::remove_file(temp_broker_metadata_path(&dir));
                return false;
            }
            let meta = BrokerMetadata {
                register_check_code: None,
                ..temp.clone()
            };
            if let Err(e) = meta.write_to(&broker_metadata_path(&dir)) {
                tracing::error!(error = %e, "fail to create metadata file");
                return false;
            }
            let _ = std::fs::remove_file(temp_broker_metadata_path(&dir));
            state = RegisterState::FileDone(meta);
        }
        let RegisterState::FileDone(meta) = state else {
            return false;
        };
        self.state.lock().broker_controller_id = Some(meta.broker_id);
        self.ctx.store.set_local_broker_id(meta.broker_id);
        if !self.register_broker_to_controller().await {
            tracing::error!("Failed to register broker to controller");
            return false;
        }
        self.registered.store(true, Ordering::Release);
        true
    }

    /// CONTROLLER_REGISTER_BROKER, then the role its answer implies (Java
    /// `registerBrokerToController`).
    pub(super) async fn register_broker_to_controller(&self) -> bool {
        let Some(id) = self.broker_controller_id() else {
            return false;
        };
        let bc = self.ctx.config.load();
        let answer = self
            .ctx
            .outer_api
            .register_broker_to_controller(
                &bc.broker_cluster_name,
                &bc.broker_name,
                id,
                &self.ctx.address.broker_addr(),
                &self.leader(),
            )
            .await;
        match answer {
            Ok(info) => {
                self.apply_master_info(&info).await;
                true
            }
            Err(e) => {
                tracing::error!(error = %e, "fail to send registerBrokerToController request to controller");
                false
            }
        }
    }
}
