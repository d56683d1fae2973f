//! `ControllerManager`: the controller's request handling on top of the replicated state —
//! decisions serialized like Java's `EventScheduler`, events committed through Raft before
//! the answer, elections triggered when a master goes away, and brokers told of a new master
//! (Java `ControllerManager`, `DLedgerController`).

use crate::config::ControllerConfig;
use crate::elect::ElectPolicy;
use crate::heartbeat::{now_millis, BrokerHeartbeatManager};
use crate::raft::{ProposeError, RaftNode};
use crate::replicas::ReplicasInfoManager;
use crate::result::ControllerResult;
use parking_lot::RwLock;
use rmq_remoting::protocol::body::controller::{ElectMasterResponseBody, SyncStateSet};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::controller::{
    ElectMasterRequestHeader, ElectMasterResponseHeader, NotifyBrokerRoleChangedRequestHeader,
};
use rmq_remoting::protocol::header::CommandCustomHeader;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use std::sync::Arc;
use std::time::Duration;

/// How long a request waits for its events to commit (Java `WAIT_TIMEOUT_OUT`, 5 s).
const WAIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one controller-triggered election may take before it is retried.
const TRIGGER_ELECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Timeout of a NOTIFY_BROKER_ROLE_CHANGED.
const NOTIFY_TIMEOUT_MILLIS: u64 = 3_000;

impl crate::raft::StateMachine for ReplicasInfoManager {
    type Command = crate::event::ControllerEvent;

    fn apply(&mut self, command: &Self::Command) {
        self.apply_event(command);
    }

    fn snapshot(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    fn restore(&mut self, snapshot: &[u8]) -> Result<(), String> {
        *self = serde_json::from_slice(snapshot).map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// The controller's shared state; the request processor and the background jobs hold it.
pub struct ControllerManager {
    config: Arc<RwLock<ControllerConfig>>,
    state: Arc<RwLock<ReplicasInfoManager>>,
    raft: RaftNode<ReplicasInfoManager>,
    heartbeat: Arc<BrokerHeartbeatManager>,
    /// One decision at a time, as Java's single event thread.
    scheduler: tokio::sync::Mutex<()>,
    client: RemotingClient,
}

impl ControllerManager {
    pub fn new(
        config: Arc<RwLock<ControllerConfig>>,
        state: Arc<RwLock<ReplicasInfoManager>>,
        raft: RaftNode<ReplicasInfoManager>,
        heartbeat: Arc<BrokerHeartbeatManager>,
        client: RemotingClient,
    ) -> Self {
        ControllerManager {
            config,
            state,
            raft,
            heartbeat,
            scheduler: tokio::sync::Mutex::new(()),
            client,
        }
    }

    pub fn config(&self) -> &Arc<RwLock<ControllerConfig>> {
        &self.config
    }

    pub fn raft(&self) -> &RaftNode<ReplicasInfoManager> {
        &self.raft
    }

    pub fn heartbeat(&self) -> &Arc<BrokerHeartbeatManager> {
        &self.heartbeat
    }

    /// A copy of the replicated state (for tests and tools).
    pub fn state_snapshot(&self) -> ReplicasInfoManager {
        self.state.read().clone()
    }

    /// Decides on the current state and, for a write, commits the events before answering
    /// (`EventScheduler.appendEvent` + `ControllerEventHandler.run`). Only the leader decides.
    pub async fn run_event<H: CommandCustomHeader>(
        &self,
        name: &str,
        write: bool,
        decide: impl FnOnce(&ReplicasInfoManager, &BrokerHeartbeatManager) -> ControllerResult<H>,
    ) -> RemotingCommand {
        if !self.raft.is_leader() {
            return RemotingCommand::error(
                ResponseCode::CONTROLLER_NOT_LEADER,
                "The controller is not in leader state",
            );
        }
        let _one_at_a_time = self.scheduler.lock().await;
        let result = decide(&self.state.read(), &self.heartbeat);
        tracing::info!(event = name, code = result.code.0, remark = ?result.remark, events = result.events.len(), "controller event");
        if write && !result.events.is_empty() {
            let events = result.events.clone();
            match tokio::time::timeout(WAIT_TIMEOUT, self.raft.propose(events)).await {
                Ok(Ok(())) => {}
                Ok(Err(ProposeError::NotLeader { .. })) => {
                    return RemotingCommand::error(
                        ResponseCode::CONTROLLER_NOT_LEADER,
                        "The controller is not in leader state",
                    );
                }
                Ok(Err(e)) => {
                    tracing::error!(event = name, error = %e, "failed to replicate controller events");
                    return RemotingCommand::error(
                        ResponseCode::SYSTEM_ERROR,
                        format!("Failed to append event to the controller log: {e}"),
                    );
                }
                Err(_) => {
                    return RemotingCommand::error(
                        ResponseCode::SYSTEM_ERROR,
                        format!(
                            "java.util.concurrent.TimeoutException: {name} not committed in 5 s"
                        ),
                    );
                }
            }
        }
        result.to_command()
    }

    /// CONTROLLER_ELECT_MASTER, and the brokers told of the outcome.
    pub async fn elect_master(&self, request: &ElectMasterRequestHeader) -> RemotingCommand {
        let unclean = self.config.read().enable_elect_unclean_master;
        let response = self
            .run_event("electMaster", true, |state, live| {
                state.elect_master(request, &ElectPolicy::new(live), unclean)
            })
            .await;
        if response.response_code() == ResponseCode::SUCCESS
            && self.config.read().notify_broker_role_changed
        {
            self.notify_broker_role_changed(&response);
        }
        response
    }

    /// A broker stopped heartbeating or its connection closed (`onBrokerInactive`): if it was
    /// its set's master (or `broker_id` is None: a set found masterless), elect anew.
    pub async fn on_broker_inactive(&self, broker_name: &str, broker_id: Option<i64>) {
        if !self.raft.is_leader() {
            tracing::warn!(
                broker_name,
                ?broker_id,
                "broker inactive (not the leader: nothing to do)"
            );
            return;
        }
        if let Some(id) = broker_id {
            if self.state.read().master_of(broker_name) != Some(id) {
                tracing::warn!(
                    broker_name,
                    id,
                    "a broker that is not master has been inactive"
                );
                return;
            }
        }
        self.trigger_elect_master(broker_name).await;
    }

    async fn trigger_elect_master(&self, broker_name: &str) {
        let retries = self.config.read().elect_master_max_retry_count.max(1);
        let request = ElectMasterRequestHeader::of_controller_trigger(broker_name);
        for attempt in 0..retries {
            match tokio::time::timeout(TRIGGER_ELECT_TIMEOUT, self.elect_master(&request)).await {
                Ok(response) if response.response_code() == ResponseCode::SUCCESS => {
                    tracing::info!(broker_name, "elect a new master done");
                    return;
                }
                Ok(response) => {
                    tracing::error!(broker_name, attempt, code = response.response_code().0, remark = ?response.remark, "failed to trigger elect-master");
                }
                Err(_) => tracing::warn!(broker_name, attempt, "elect-master timed out"),
            }
        }
    }

    /// Sends NOTIFY_BROKER_ROLE_CHANGED to every active member of the elected master's set
    /// (`notifyBrokerRoleChanged`), oneway, in the background.
    fn notify_broker_role_changed(&self, response: &RemotingCommand) {
        let Ok(header) = response.decode_header::<ElectMasterResponseHeader>() else {
            return;
        };
        let Ok(body) = decode::<ElectMasterResponseBody>(&response.body) else {
            return;
        };
        let Some(group) = body.broker_member_group else {
            return;
        };
        let Some(master_id) = header.master_broker_id else {
            tracing::warn!("notify broker role change failed: no new master id");
            return;
        };
        let notify = NotifyBrokerRoleChangedRequestHeader {
            master_address: header.master_address.clone(),
            master_epoch: header.master_epoch,
            sync_state_set_epoch: header.sync_state_set_epoch,
            master_broker_id: Some(master_id),
        };
        let body = encode(&SyncStateSet {
            sync_state_set: body.sync_state_set,
            sync_state_set_epoch: header.sync_state_set_epoch.unwrap_or_default(),
        });
        let now = now_millis();
        for (id, addr) in group.broker_addrs {
            let Ok(id) = i64::try_from(id) else { continue };
            if !self
                .heartbeat
                .is_active_at(&group.cluster, &group.broker_name, id, now)
            {
                continue;
            }
            let request = RemotingCommand::create_request_command(
                RequestCode::NOTIFY_BROKER_ROLE_CHANGED,
                &notify,
            )
            .with_body(body.clone());
            let client = self.client.clone();
            tokio::spawn(async move {
                tracing::info!(broker = %addr, "notify broker that its role changed");
                if let Err(e) = client
                    .invoke_oneway(&addr, request, NOTIFY_TIMEOUT_MILLIS)
                    .await
                {
                    tracing::error!(broker = %addr, error = %e, "failed to notify broker that role changed");
                }
            });
        }
    }

    /// Leader job: the broker sets whose master is dead while a member is alive get an
    /// election (`scanInactiveMasterAndTriggerReelect`).
    pub async fn scan_inactive_masters(&self) {
        if !self.raft.is_leader() {
            return;
        }
        let names = self
            .state
            .read()
            .scan_need_reelect_broker_sets(self.heartbeat.as_ref());
        for name in names {
            self.on_broker_inactive(&name, None).await;
        }
    }

    /// Every controller's job: brokers whose heartbeat expired are dropped (and their master
    /// role re-elected by the leader).
    pub async fn scan_not_active_brokers(&self) {
        for (_cluster, name, id) in self.heartbeat.scan_not_active(now_millis()) {
            self.on_broker_inactive(&name, Some(id)).await;
        }
    }
}
