//! The controller-mode admin codes of [`AdminBrokerProcessor`]: NOTIFY_BROKER_ROLE_CHANGED
//! (the controller's one-way notice after an election) and GET_BROKER_EPOCH_CACHE
//! (`mqadmin getBrokerEpoch`), as Java's `AdminBrokerProcessor`.

use super::AdminBrokerProcessor;
use crate::broker_error::BrokerError;
use rmq_remoting::protocol::body::controller::{EpochEntryCache, SyncStateSet};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::controller::NotifyBrokerRoleChangedRequestHeader;
use rmq_remoting::{RemotingCommand, RequestCode, ResponseCode};

impl AdminBrokerProcessor {
    /// Serves the controller-mode codes; `None` for a code it does not know.
    pub(super) async fn process_controller_admin(
        &self,
        request: &RemotingCommand,
    ) -> Result<Option<RemotingCommand>, BrokerError> {
        Ok(Some(match request.request_code() {
            RequestCode::NOTIFY_BROKER_ROLE_CHANGED => {
                self.notify_broker_role_changed(request).await?
            }
            RequestCode::GET_BROKER_EPOCH_CACHE => self.get_broker_epoch_cache(),
            _ => return Ok(None),
        }))
    }

    /// Java `notifyBrokerRoleChanged`: SUCCESS, also on a broker not in controller mode.
    async fn notify_broker_role_changed(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: NotifyBrokerRoleChangedRequestHeader = request.decode_header()?;
        let set: SyncStateSet = decode(&request.body)?;
        tracing::info!(
            ?h,
            "Receive notifyBrokerRoleChanged request, try to change brokerRole"
        );
        if let Some(replicas) = &self.ctx.replicas {
            replicas
                .change_broker_role(
                    h.master_broker_id,
                    h.master_address.as_deref().unwrap_or_default(),
                    h.master_epoch.unwrap_or(0),
                    h.sync_state_set_epoch.unwrap_or(0),
                    &set.sync_state_set,
                )
                .await;
        }
        Ok(RemotingCommand::success())
    }

    /// Java `getBrokerEpochCache`.
    fn get_broker_epoch_cache(&self) -> RemotingCommand {
        let Some(replicas) = &self.ctx.replicas else {
            return RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "this request only for controllerMode ",
            );
        };
        let bc = self.ctx.config.load();
        let cache = EpochEntryCache {
            cluster_name: bc.broker_cluster_name.clone(),
            broker_name: bc.broker_name.clone(),
            broker_id: bc.broker_id,
            epoch_list: replicas.epoch_entries(),
            max_offset: self.ctx.message_store.get_max_phy_offset(),
        };
        RemotingCommand::success().with_body(encode(&cache))
    }
}
