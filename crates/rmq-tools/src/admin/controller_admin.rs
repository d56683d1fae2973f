//! Controller calls of `DefaultMQAdminExtImpl` (all sent by Java's `MQClientAPIImpl`):
//! `getControllerMetaData`, `getInSyncStateData`, `electMaster`, `cleanControllerBrokerData`,
//! `getControllerConfig`, `updateControllerConfig`, and the broker's `getBrokerEpochCache`.
//!
//! Java reports a controller's or broker's error code here as `MQBrokerException(code,
//! remark)` without address, whose text (`CODE: c  DESC: remark`) is that of
//! [`ClientError::MQClientException`].

use super::DefaultMQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
use rmq_remoting::protocol::body::controller::{BrokerReplicasInfo, EpochEntryCache};
use rmq_remoting::protocol::body::route::BrokerMemberGroup;
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::controller::{
    CleanControllerBrokerDataRequestHeader, ElectMasterRequestHeader, ElectMasterResponseHeader,
    GetMetaDataResponseHeader,
};
use rmq_remoting::{RemotingCommand, RequestCode};

/// Timeout of Java's controller calls (`invokeSync(..., 3000)`).
pub const CONTROLLER_TIMEOUT_MILLIS: u64 = 3000;

impl DefaultMQAdminExt {
    /// Sends `request` to `addr` and checks for SUCCESS, reporting another code as Java's
    /// `MQBrokerException(code, remark)`.
    async fn invoke_controller(
        &self,
        addr: &str,
        request: RemotingCommand,
    ) -> Result<RemotingCommand, ClientError> {
        self.instance()?
            .api()
            .invoke_with_client_exception(addr, request, CONTROLLER_TIMEOUT_MILLIS)
            .await
    }

    /// CONTROLLER_GET_METADATA_INFO: the controller group, its leader and peers
    /// (`getControllerMetaData`).
    pub async fn get_controller_meta_data(
        &self,
        controller_addr: &str,
    ) -> Result<GetMetaDataResponseHeader, ClientError> {
        let request = RemotingCommand::new_request(RequestCode::CONTROLLER_GET_METADATA_INFO);
        let resp = self.invoke_controller(controller_addr, request).await?;
        Ok(resp.decode_header()?)
    }

    /// Returns the leader's address as the controller at `controller_addr` reports it; Java
    /// only asserts it is set, then fails to connect to `null`.
    async fn controller_leader_addr(&self, controller_addr: &str) -> Result<String, ClientError> {
        let meta = self.get_controller_meta_data(controller_addr).await?;
        meta.controller_leader_address.ok_or_else(|| {
            rmq_remoting::RemotingError::ConnectFailed {
                addr: "null".into(),
                reason: "the controller knows no leader".into(),
            }
            .into()
        })
    }

    /// CONTROLLER_GET_SYNC_STATE_DATA of `broker_names`, sent to the leader of the controller
    /// group `controller_addr` belongs to (`getInSyncStateData`).
    pub async fn get_in_sync_state_data(
        &self,
        controller_addr: &str,
        broker_names: &[String],
    ) -> Result<BrokerReplicasInfo, ClientError> {
        let leader = self.controller_leader_addr(controller_addr).await?;
        let request = RemotingCommand::new_request(RequestCode::CONTROLLER_GET_SYNC_STATE_DATA)
            .with_body(encode(&broker_names));
        let resp = self.invoke_controller(&leader, request).await?;
        Ok(decode(&resp.body)?)
    }

    /// GET_BROKER_EPOCH_CACHE of one broker (`getBrokerEpochCache`).
    pub async fn get_broker_epoch_cache(
        &self,
        broker_addr: &str,
    ) -> Result<EpochEntryCache, ClientError> {
        let request = RemotingCommand::new_request(RequestCode::GET_BROKER_EPOCH_CACHE);
        let resp = self.invoke_controller(broker_addr, request).await?;
        Ok(decode(&resp.body)?)
    }

    /// CONTROLLER_ELECT_MASTER making `broker_id` the master, sent to the controller leader
    /// (`electMaster`). Java decodes the body, an `ElectMasterResponseBody`, as a
    /// `BrokerMemberGroup`: its members are not at the top level, so the group comes back
    /// empty; this does the same.
    pub async fn elect_master(
        &self,
        controller_addr: &str,
        cluster_name: &str,
        broker_name: &str,
        broker_id: i64,
    ) -> Result<(ElectMasterResponseHeader, Option<BrokerMemberGroup>), ClientError> {
        let leader = self.controller_leader_addr(controller_addr).await?;
        let header =
            ElectMasterRequestHeader::of_admin_trigger(cluster_name, broker_name, broker_id);
        let request =
            RemotingCommand::create_request_command(RequestCode::CONTROLLER_ELECT_MASTER, &header);
        let resp = self.invoke_controller(&leader, request).await?;
        let group = if resp.body.is_empty() {
            None
        } else {
            Some(decode::<BrokerMemberGroup>(&resp.body)?)
        };
        Ok((resp.decode_header()?, group))
    }

    /// CLEAN_BROKER_DATA on the controller leader (`cleanControllerBrokerData`).
    pub async fn clean_controller_broker_data(
        &self,
        controller_addr: &str,
        header: &CleanControllerBrokerDataRequestHeader,
    ) -> Result<(), ClientError> {
        let leader = self.controller_leader_addr(controller_addr).await?;
        let request =
            RemotingCommand::create_request_command(RequestCode::CLEAN_BROKER_DATA, header);
        self.invoke_controller(&leader, request).await?;
        Ok(())
    }

    /// GET_CONTROLLER_CONFIG of each controller (the given ones, else the name servers), in
    /// the order of the `HashMap` Java returns (`getControllerConfig`).
    pub async fn get_controller_config(
        &self,
        controllers: Option<&[String]>,
    ) -> Result<Vec<(String, Vec<(String, String)>)>, ToolsError> {
        self.get_server_configs(RequestCode::GET_CONTROLLER_CONFIG, controllers)
            .await
    }

    /// UPDATE_CONTROLLER_CONFIG on each given controller; nothing is sent without any
    /// (`updateControllerConfig`).
    pub async fn update_controller_config(
        &self,
        properties: &[(String, String)],
        controllers: &[String],
    ) -> Result<(), ToolsError> {
        if controllers.is_empty() {
            return Ok(());
        }
        self.update_server_configs(
            RequestCode::UPDATE_CONTROLLER_CONFIG,
            properties,
            Some(controllers),
        )
        .await
    }
}
