//! The requests a broker in controller mode sends to the controllers (Java `BrokerOuterAPI`'s
//! `getControllerMetaData`, `getNextBrokerId`, `applyBrokerId`, `registerBrokerToController`,
//! `brokerElect`, `getReplicaInfo`, `alterSyncStateSet`, `sendHeartbeatToController`), each
//! with Java's 3 s timeout; an answer other than SUCCESS is a [`BrokerError::PeerAnswer`].

use super::broker_outer_api::BrokerOuterAPI;
use crate::broker_error::BrokerError;
use rmq_remoting::protocol::body::controller::{ElectMasterResponseBody, SyncStateSet};
use rmq_remoting::protocol::header::controller::*;
use rmq_remoting::protocol::header::namesrv::BrokerHeartbeatRequestHeader;
use rmq_remoting::protocol::header::CommandCustomHeader;
use rmq_remoting::{RemotingCommand, RequestCode, ResponseCode};
use std::collections::BTreeSet;

const CONTROLLER_TIMEOUT_MILLIS: u64 = 3_000;

/// What the controller answered to a registration or an election: the master (if any),
/// its epoch and the SyncStateSet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MasterInfo {
    pub master_broker_id: Option<i64>,
    pub master_address: Option<String>,
    pub master_epoch: i32,
    pub sync_state_set_epoch: i32,
    pub sync_state_set: BTreeSet<i64>,
}

/// A BROKER_HEARTBEAT's content (Java `sendHeartbeatToController`'s arguments).
#[derive(Debug, Clone)]
pub struct ControllerHeartbeat {
    pub cluster_name: String,
    pub broker_addr: String,
    pub broker_name: String,
    pub broker_id: i64,
    pub epoch: i32,
    pub max_offset: i64,
    pub confirm_offset: i64,
    pub heartbeat_timeout_millis: i64,
    pub election_priority: i32,
}

fn peer_answer(response: RemotingCommand) -> BrokerError {
    BrokerError::PeerAnswer {
        code: response.code,
        remark: response.remark.unwrap_or_default(),
    }
}

impl BrokerOuterAPI {
    async fn controller_request(
        &self,
        addr: &str,
        request: RemotingCommand,
        also_ok: Option<ResponseCode>,
    ) -> Result<RemotingCommand, BrokerError> {
        let response = self
            .invoke(addr, request, CONTROLLER_TIMEOUT_MILLIS)
            .await?;
        if response.code == ResponseCode::SUCCESS.0 || also_ok.is_some_and(|c| c.0 == response.code)
        {
            Ok(response)
        } else {
            Err(peer_answer(response))
        }
    }

    async fn controller_header_request<H: CommandCustomHeader>(
        &self,
        addr: &str,
        code: RequestCode,
        header: &impl CommandCustomHeader,
    ) -> Result<H, BrokerError> {
        let request = RemotingCommand::create_request_command(code, header);
        let response = self.controller_request(addr, request, None).await?;
        Ok(response.decode_header()?)
    }

    /// CONTROLLER_GET_METADATA_INFO: who leads the controllers.
    pub async fn get_controller_meta_data(
        &self,
        controller_addr: &str,
    ) -> Result<GetMetaDataResponseHeader, BrokerError> {
        let request = RemotingCommand::new_request(RequestCode::CONTROLLER_GET_METADATA_INFO);
        let response = self
            .controller_request(controller_addr, request, None)
            .await?;
        Ok(response.decode_header()?)
    }

    /// CONTROLLER_GET_NEXT_BROKER_ID: the id the controller would assign next.
    pub async fn get_next_broker_id(
        &self,
        cluster_name: &str,
        broker_name: &str,
        controller_addr: &str,
    ) -> Result<Option<i64>, BrokerError> {
        let header = GetNextBrokerIdRequestHeader {
            cluster_name: Some(cluster_name.to_string()),
            broker_name: Some(broker_name.to_string()),
        };
        let r: GetNextBrokerIdResponseHeader = self
            .controller_header_request(
                controller_addr,
                RequestCode::CONTROLLER_GET_NEXT_BROKER_ID,
                &header,
            )
            .await?;
        Ok(r.next_broker_id)
    }

    /// CONTROLLER_APPLY_BROKER_ID: claims `broker_id` with the check code of the temp file.
    pub async fn apply_broker_id(
        &self,
        cluster_name: &str,
        broker_name: &str,
        broker_id: i64,
        register_check_code: &str,
        controller_addr: &str,
    ) -> Result<(), BrokerError> {
        let header = ApplyBrokerIdRequestHeader {
            cluster_name: Some(cluster_name.to_string()),
            broker_name: Some(broker_name.to_string()),
            applied_broker_id: Some(broker_id),
            register_check_code: Some(register_check_code.to_string()),
        };
        let _: ApplyBrokerIdResponseHeader = self
            .controller_header_request(
                controller_addr,
                RequestCode::CONTROLLER_APPLY_BROKER_ID,
                &header,
            )
            .await?;
        Ok(())
    }

    /// CONTROLLER_REGISTER_BROKER: registers the broker's address under its id; the answer
    /// names the master, if there is one.
    pub async fn register_broker_to_controller(
        &self,
        cluster_name: &str,
        broker_name: &str,
        broker_id: i64,
        broker_addr: &str,
        controller_addr: &str,
    ) -> Result<MasterInfo, BrokerError> {
        let header = RegisterBrokerToControllerRequestHeader::new(
            cluster_name,
            broker_name,
            broker_id,
            broker_addr,
        );
        let request = RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_REGISTER_BROKER,
            &header,
        );
        let response = self
            .controller_request(controller_addr, request, None)
            .await?;
        let h: RegisterBrokerToControllerResponseHeader = response.decode_header()?;
        let set: SyncStateSet = rmq_remoting::protocol::body::decode(&response.body)?;
        Ok(MasterInfo {
            master_broker_id: h.master_broker_id,
            master_address: h.master_address,
            master_epoch: h.master_epoch.unwrap_or(0),
            sync_state_set_epoch: h.sync_state_set_epoch.unwrap_or(0),
            sync_state_set: set.sync_state_set,
        })
    }

    /// CONTROLLER_ELECT_MASTER from a broker (Java `brokerElect`): SUCCESS and
    /// CONTROLLER_MASTER_STILL_EXIST both name the master.
    pub async fn broker_elect(
        &self,
        controller_addr: &str,
        cluster_name: &str,
        broker_name: &str,
        broker_id: i64,
    ) -> Result<MasterInfo, BrokerError> {
        let header =
            ElectMasterRequestHeader::of_broker_trigger(cluster_name, broker_name, broker_id);
        let request =
            RemotingCommand::create_request_command(RequestCode::CONTROLLER_ELECT_MASTER, &header);
        let response = self
            .controller_request(
                controller_addr,
                request,
                Some(ResponseCode::CONTROLLER_MASTER_STILL_EXIST),
            )
            .await?;
        let h: ElectMasterResponseHeader = response.decode_header()?;
        let body: ElectMasterResponseBody = rmq_remoting::protocol::body::decode(&response.body)?;
        Ok(MasterInfo {
            master_broker_id: h.master_broker_id,
            master_address: h.master_address,
            master_epoch: h.master_epoch.unwrap_or(0),
            sync_state_set_epoch: h.sync_state_set_epoch.unwrap_or(0),
            sync_state_set: body.sync_state_set,
        })
    }

    /// CONTROLLER_GET_REPLICA_INFO: the broker set's master and SyncStateSet.
    pub async fn get_replica_info(
        &self,
        controller_addr: &str,
        broker_name: &str,
    ) -> Result<MasterInfo, BrokerError> {
        let header = GetReplicaInfoRequestHeader {
            broker_name: Some(broker_name.to_string()),
        };
        let request = RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_GET_REPLICA_INFO,
            &header,
        );
        let response = self
            .controller_request(controller_addr, request, None)
            .await?;
        let h: GetReplicaInfoResponseHeader = response.decode_header()?;
        let set: SyncStateSet = rmq_remoting::protocol::body::decode(&response.body)?;
        Ok(MasterInfo {
            master_broker_id: h.master_broker_id,
            master_address: h.master_address,
            master_epoch: h.master_epoch.unwrap_or(0),
            sync_state_set_epoch: set.sync_state_set_epoch,
            sync_state_set: set.sync_state_set,
        })
    }

    /// CONTROLLER_ALTER_SYNC_STATE_SET from the master; returns the set the controller keeps.
    pub async fn alter_sync_state_set(
        &self,
        controller_addr: &str,
        broker_name: &str,
        master_broker_id: i64,
        master_epoch: i32,
        new_set: BTreeSet<i64>,
        sync_state_set_epoch: i32,
    ) -> Result<SyncStateSet, BrokerError> {
        let header =
            AlterSyncStateSetRequestHeader::new(broker_name, master_broker_id, master_epoch);
        let body = SyncStateSet {
            sync_state_set: new_set,
            sync_state_set_epoch,
        };
        let request = RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_ALTER_SYNC_STATE_SET,
            &header,
        )
        .with_body(rmq_remoting::protocol::body::encode(&body));
        let response = self
            .controller_request(controller_addr, request, None)
            .await?;
        Ok(rmq_remoting::protocol::body::decode(&response.body)?)
    }

    /// BROKER_HEARTBEAT, one-way, to one controller; a failure is logged.
    pub async fn send_heartbeat_to_controller(
        &self,
        controller_addr: &str,
        hb: &ControllerHeartbeat,
        timeout_millis: u64,
    ) {
        let header = BrokerHeartbeatRequestHeader {
            cluster_name: hb.cluster_name.clone(),
            broker_addr: hb.broker_addr.clone(),
            broker_name: hb.broker_name.clone(),
            broker_id: Some(hb.broker_id),
            epoch: Some(hb.epoch),
            max_offset: Some(hb.max_offset),
            confirm_offset: Some(hb.confirm_offset),
            heartbeat_timeout_mills: Some(hb.heartbeat_timeout_millis),
            election_priority: Some(hb.election_priority),
        };
        let request =
            RemotingCommand::create_request_command(RequestCode::BROKER_HEARTBEAT, &header);
        if let Err(e) = self
            .invoke_oneway(controller_addr, request, timeout_millis)
            .await
        {
            tracing::error!(controller = controller_addr, error = %e, "Error happen when send heartbeat to controller");
        }
    }
}
