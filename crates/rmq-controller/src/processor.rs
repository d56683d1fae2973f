//! `ControllerRequestProcessor`: the controller's request codes (Java
//! `controller/processor/ControllerRequestProcessor`).

use crate::manager::ControllerManager;
use async_trait::async_trait;
use parking_lot::Mutex;
use rmq_common::properties;
use rmq_remoting::protocol::body::controller::SyncStateSet;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::header::controller::{
    AlterSyncStateSetRequestHeader, ApplyBrokerIdRequestHeader,
    CleanControllerBrokerDataRequestHeader, ElectMasterRequestHeader, GetMetaDataResponseHeader,
    GetNextBrokerIdRequestHeader, GetReplicaInfoRequestHeader,
    RegisterBrokerToControllerRequestHeader,
};
use rmq_remoting::protocol::header::namesrv::BrokerHeartbeatRequestHeader;
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use std::sync::Arc;

/// The request codes the controller serves (Java `ControllerManager.registerProcessor`).
pub const CONTROLLER_REQUEST_CODES: &[RequestCode] = &[
    RequestCode::CONTROLLER_ALTER_SYNC_STATE_SET,
    RequestCode::CONTROLLER_ELECT_MASTER,
    RequestCode::CONTROLLER_REGISTER_BROKER,
    RequestCode::CONTROLLER_GET_REPLICA_INFO,
    RequestCode::CONTROLLER_GET_METADATA_INFO,
    RequestCode::CONTROLLER_GET_SYNC_STATE_DATA,
    RequestCode::BROKER_HEARTBEAT,
    RequestCode::UPDATE_CONTROLLER_CONFIG,
    RequestCode::GET_CONTROLLER_CONFIG,
    RequestCode::CLEAN_BROKER_DATA,
    RequestCode::CONTROLLER_GET_NEXT_BROKER_ID,
    RequestCode::CONTROLLER_APPLY_BROKER_ID,
];

/// Serves [`CONTROLLER_REQUEST_CODES`].
pub struct ControllerRequestProcessor {
    manager: Arc<ControllerManager>,
    configuration: Arc<rmq_common::Configuration>,
    /// Keys UPDATE_CONTROLLER_CONFIG refuses, fixed at start-up as in Java.
    config_black_list: Vec<String>,
    persist_lock: Mutex<()>,
}

impl ControllerRequestProcessor {
    pub fn new(
        manager: Arc<ControllerManager>,
        configuration: Arc<rmq_common::Configuration>,
    ) -> Self {
        let config_black_list = manager.config().read().black_list_keys();
        ControllerRequestProcessor {
            manager,
            configuration,
            config_black_list,
            persist_lock: Mutex::new(()),
        }
    }

    async fn alter_sync_state_set(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: AlterSyncStateSetRequestHeader = request.decode_header()?;
        let set: SyncStateSet = decode(&request.body)?;
        Ok(self
            .manager
            .run_event("alterSyncStateSet", true, |state, live| {
                state.alter_sync_state_set(&header, &set, live)
            })
            .await)
    }

    fn metadata(&self) -> RemotingCommand {
        let raft = self.manager.raft();
        let leader = raft.leader();
        let peers: String = raft
            .peers()
            .iter()
            .map(|(id, addr)| format!("{id}:{addr};"))
            .collect();
        let header = GetMetaDataResponseHeader {
            group: Some(raft.group().to_string()),
            controller_leader_id: leader.as_ref().map(|(id, _)| id.clone()),
            controller_leader_address: leader.as_ref().map(|(_, addr)| addr.clone()),
            is_leader: leader.as_ref().is_some_and(|(id, _)| id == raft.self_id()),
            peers: Some(peers),
        };
        RemotingCommand::response_with_header(ResponseCode::SUCCESS, &header)
    }

    fn heartbeat(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: BrokerHeartbeatRequestHeader = request.decode_header()?;
        if header.broker_id.is_none() {
            return Ok(RemotingCommand::error(
                ResponseCode::CONTROLLER_INVALID_REQUEST,
                "Heart beat with empty brokerId",
            ));
        }
        self.manager.heartbeat().on_broker_heartbeat(
            &header,
            Some(channel.clone()),
            crate::heartbeat::now_millis(),
        );
        Ok(RemotingCommand::create_response_command(
            ResponseCode::SUCCESS,
            Some("Heart beat success".into()),
        ))
    }

    async fn sync_state_data(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let names: Vec<String> = if request.body.is_empty() {
            Vec::new()
        } else {
            decode(&request.body)?
        };
        if names.is_empty() {
            return Ok(RemotingCommand::success());
        }
        Ok(self
            .manager
            .run_event("getSyncStateData", false, |state, live| {
                state.get_sync_state_data(&names, live)
            })
            .await)
    }

    fn update_config(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        tracing::info!("updateConfig called by {}", channel.remote_addr_string());
        if request.body.is_empty() {
            return RemotingCommand::success();
        }
        let props = properties::parse(&String::from_utf8_lossy(&request.body));
        if self.config_black_list.iter().any(|k| props.contains_key(k)) {
            return RemotingCommand::error(
                ResponseCode::NO_PERMISSION,
                "Can not update config in black list.",
            );
        }
        let _serialized = self.persist_lock.lock();
        let report = self.configuration.update(&props);
        if !report.invalid_keys.is_empty() {
            tracing::warn!(keys = ?report.invalid_keys, "updateConfig ignored values that do not parse");
        }
        if let Err(e) = self.configuration.persist() {
            tracing::error!(error = %e, path = %self.configuration.store_path().display(), "persist controller config failed");
        }
        RemotingCommand::success()
    }

    fn get_config(&self) -> RemotingCommand {
        let content = self.configuration.all_configs_format_string();
        let response = RemotingCommand::success();
        if content.is_empty() {
            response
        } else {
            response.with_body(content.into_bytes())
        }
    }
}

#[async_trait]
impl RequestProcessor for ControllerRequestProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let m = &self.manager;
        let response = match request.request_code() {
            RequestCode::CONTROLLER_ALTER_SYNC_STATE_SET => {
                self.alter_sync_state_set(&request).await?
            }
            RequestCode::CONTROLLER_ELECT_MASTER => {
                let header: ElectMasterRequestHeader = request.decode_header()?;
                m.elect_master(&header).await
            }
            RequestCode::CONTROLLER_GET_REPLICA_INFO => {
                let header: GetReplicaInfoRequestHeader = request.decode_header()?;
                m.run_event("getReplicaInfo", false, |s, _| s.get_replica_info(&header))
                    .await
            }
            RequestCode::CONTROLLER_GET_METADATA_INFO => self.metadata(),
            RequestCode::BROKER_HEARTBEAT => self.heartbeat(channel, &request)?,
            RequestCode::CONTROLLER_GET_SYNC_STATE_DATA => self.sync_state_data(&request).await?,
            RequestCode::UPDATE_CONTROLLER_CONFIG => self.update_config(channel, &request),
            RequestCode::GET_CONTROLLER_CONFIG => self.get_config(),
            RequestCode::CLEAN_BROKER_DATA => {
                let header: CleanControllerBrokerDataRequestHeader = request.decode_header()?;
                m.run_event("cleanBrokerData", true, |s, live| {
                    s.clean_broker_data(&header, live)
                })
                .await
            }
            RequestCode::CONTROLLER_GET_NEXT_BROKER_ID => {
                let header: GetNextBrokerIdRequestHeader = request.decode_header()?;
                m.run_event("getNextBrokerId", false, |s, _| {
                    s.get_next_broker_id(&header)
                })
                .await
            }
            RequestCode::CONTROLLER_APPLY_BROKER_ID => {
                let header: ApplyBrokerIdRequestHeader = request.decode_header()?;
                m.run_event("applyBrokerId", true, |s, _| s.apply_broker_id(&header))
                    .await
            }
            RequestCode::CONTROLLER_REGISTER_BROKER => {
                let header: RegisterBrokerToControllerRequestHeader = request.decode_header()?;
                m.run_event("registerSuccess", true, |s, live| {
                    s.register_broker(&header, live)
                })
                .await
            }
            code => RemotingCommand::error(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {} not supported", code.0),
            ),
        };
        Ok(Some(response))
    }
}
