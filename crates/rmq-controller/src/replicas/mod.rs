//! The controller's replicated state and the decisions taken on it (Java
//! `ReplicasInfoManager`). Request methods read the state and return a [`ControllerResult`]
//! whose events, once committed by Raft, are applied in order by [`ReplicasInfoManager::apply_event`]
//! on every controller. Only the leader decides; nothing here does I/O.

mod info;

pub use info::{BrokerMember, BrokerReplicaInfo, SyncStateInfo, FIRST_BROKER_CONTROLLER_ID};

use crate::elect::{BrokerLiveness, ElectPolicy};
use crate::event::ControllerEvent;
use crate::result::ControllerResult;
use rmq_remoting::protocol::body::controller::{
    BrokerReplicasInfo, ElectMasterResponseBody, ReplicaIdentity, ReplicasInfo, SyncStateSet,
};
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::body::route::BrokerMemberGroup;
use rmq_remoting::protocol::header::controller::{
    AlterSyncStateSetRequestHeader, AlterSyncStateSetResponseHeader, ApplyBrokerIdRequestHeader,
    ApplyBrokerIdResponseHeader, CleanControllerBrokerDataRequestHeader, ElectMasterRequestHeader,
    ElectMasterResponseHeader, GetNextBrokerIdRequestHeader, GetNextBrokerIdResponseHeader,
    GetReplicaInfoRequestHeader, GetReplicaInfoResponseHeader,
    RegisterBrokerToControllerRequestHeader, RegisterBrokerToControllerResponseHeader,
};
use rmq_remoting::protocol::header::EmptyHeader;
use rmq_remoting::ResponseCode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// All broker sets known to the controller, by broker name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicasInfoManager {
    replica_info_table: BTreeMap<String, BrokerReplicaInfo>,
    sync_state_set_info_table: BTreeMap<String, SyncStateInfo>,
}

fn sync_state_set_body(set: &BTreeSet<i64>, epoch: i32) -> Vec<u8> {
    encode(&SyncStateSet {
        sync_state_set: set.clone(),
        sync_state_set_epoch: epoch,
    })
}

impl ReplicasInfoManager {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    fn contains_broker(&self, broker_name: &str) -> bool {
        self.replica_info_table.contains_key(broker_name)
            && self.sync_state_set_info_table.contains_key(broker_name)
    }

    fn broker_set(&self, broker_name: &str) -> Option<(&BrokerReplicaInfo, &SyncStateInfo)> {
        Some((
            self.replica_info_table.get(broker_name)?,
            self.sync_state_set_info_table.get(broker_name)?,
        ))
    }

    /// The broker sets' names.
    pub fn broker_names(&self) -> Vec<String> {
        self.replica_info_table.keys().cloned().collect()
    }

    /// CONTROLLER_ALTER_SYNC_STATE_SET: a master reports its new SyncStateSet.
    pub fn alter_sync_state_set(
        &self,
        request: &AlterSyncStateSetRequestHeader,
        sync_state_set: &SyncStateSet,
        alive: &dyn BrokerLiveness,
    ) -> ControllerResult<AlterSyncStateSetResponseHeader> {
        let mut result = ControllerResult::new(AlterSyncStateSetResponseHeader::default());
        let broker_name = request.broker_name.as_deref().unwrap_or_default();
        let Some((replicas, state)) = self.broker_set(broker_name) else {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_ALTER_SYNC_STATE_SET_FAILED,
                "Broker metadata is not existed",
            );
            return result;
        };
        let new_set = &sync_state_set.sync_state_set;
        if *new_set == state.sync_state_set {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_ALTER_SYNC_STATE_SET_FAILED,
                "The newSyncStateSet is equal with oldSyncStateSet, no needed to update syncStateSet",
            );
            return result;
        }
        if state.master_broker_id.is_none() || state.master_broker_id != request.master_broker_id {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_INVALID_MASTER,
                format!(
                    "Rejecting alter syncStateSet request because the current leader is:{{{}}}, not {{{}}}",
                    java_long(state.master_broker_id),
                    java_long(request.master_broker_id)
                ),
            );
            return result;
        }
        if request.master_epoch != Some(state.master_epoch) {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_FENCED_MASTER_EPOCH,
                format!(
                    "Rejecting alter syncStateSet request because the current master epoch is:{{{}}}, not {{{}}}",
                    state.master_epoch,
                    java_int(request.master_epoch)
                ),
            );
            return result;
        }
        if sync_state_set.sync_state_set_epoch != state.sync_state_set_epoch {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH,
                format!(
                    "Rejecting alter syncStateSet request because the current syncStateSet epoch is:{{{}}}, not {{{}}}",
                    state.sync_state_set_epoch, sync_state_set.sync_state_set_epoch
                ),
            );
            return result;
        }
        for &replica in new_set {
            if !replicas.is_broker_exist(replica) {
                result.set_code_and_remark(
                    ResponseCode::CONTROLLER_INVALID_REPLICAS,
                    format!("Rejecting alter syncStateSet request because the replicas {{{replica}}} don't exist"),
                );
                return result;
            }
            if !alive.is_active(&replicas.cluster_name, &replicas.broker_name, replica) {
                result.set_code_and_remark(
                    ResponseCode::CONTROLLER_BROKER_NOT_ALIVE,
                    format!("Rejecting alter syncStateSet request because the replicas {{{replica}}} don't alive"),
                );
                return result;
            }
        }
        let master = state.master_broker_id.unwrap_or(-1);
        if !new_set.contains(&master) {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_ALTER_SYNC_STATE_SET_FAILED,
                format!("Rejecting alter syncStateSet request because the newSyncStateSet don't contains origin leader {{{master}}}"),
            );
            return result;
        }
        let epoch = state.sync_state_set_epoch + 1;
        result.response.new_sync_state_set_epoch = epoch;
        result.body = Some(sync_state_set_body(new_set, epoch));
        result.events.push(ControllerEvent::AlterSyncStateSet {
            broker_name: broker_name.to_string(),
            new_sync_state_set: new_set.clone(),
        });
        result
    }

    /// CONTROLLER_ELECT_MASTER, from a broker, an administrator or the controller itself
    /// (broker id -1 or absent). With `elect_unclean` (Java `enableElectUncleanMaster`) a
    /// replica outside the SyncStateSet may be elected when no in-sync one is alive.
    pub fn elect_master(
        &self,
        request: &ElectMasterRequestHeader,
        policy: &ElectPolicy<'_>,
        elect_unclean: bool,
    ) -> ControllerResult<ElectMasterResponseHeader> {
        let mut result = ControllerResult::new(ElectMasterResponseHeader::default());
        let broker_name = request.broker_name.as_str();
        let Some((replicas, state)) = self.broker_set(broker_name) else {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_BROKER_NEED_TO_BE_REGISTERED,
                "Broker hasn't been registered",
            );
            return result;
        };
        let old_master = state.master_broker_id;
        let all_replicas: Option<BTreeSet<i64>> =
            elect_unclean.then(|| replicas.members.keys().copied().collect());
        let mut new_master = None;
        if state.is_first_time_for_elect() {
            new_master = Some(request.broker_id);
        }
        if new_master.is_none() || new_master == Some(-1) {
            let designated = request.designate_elect.then_some(request.broker_id);
            new_master = policy.elect(
                &replicas.cluster_name,
                &replicas.broker_name,
                Some(&state.sync_state_set),
                all_replicas.as_ref(),
                old_master,
                designated,
            );
        }
        if new_master.is_some() && new_master == old_master {
            let response = &mut result.response;
            response.master_epoch = Some(state.master_epoch);
            response.sync_state_set_epoch = Some(state.sync_state_set_epoch);
            response.master_broker_id = old_master;
            response.master_address = replicas.broker_address(old_master).map(str::to_string);
            result.body = Some(encode(&ElectMasterResponseBody {
                broker_member_group: None,
                sync_state_set: state.sync_state_set.clone(),
            }));
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_MASTER_STILL_EXIST,
                format!(
                    "The old master {} is still alive, not need to elect new master for broker {}",
                    java_long(old_master),
                    replicas.broker_name
                ),
            );
            return result;
        }
        if let Some(master) = new_master {
            let response = &mut result.response;
            response.master_broker_id = Some(master);
            response.master_address = replicas.broker_address(Some(master)).map(str::to_string);
            response.master_epoch = Some(state.master_epoch + 1);
            response.sync_state_set_epoch = Some(state.sync_state_set_epoch + 1);
            result.body = Some(encode(&ElectMasterResponseBody {
                broker_member_group: Some(member_group(replicas)),
                sync_state_set: [master].into_iter().collect(),
            }));
            result.events.push(ControllerEvent::ElectMaster {
                broker_name: broker_name.to_string(),
                new_master_broker_id: Some(master),
            });
            tracing::info!(broker_name, new_master = master, "elect new master");
            return result;
        }
        if request.broker_id == -1 {
            result.events.push(ControllerEvent::ElectMaster {
                broker_name: broker_name.to_string(),
                new_master_broker_id: None,
            });
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_MASTER_NOT_AVAILABLE,
                "Old master has down and failed to elect a new broker master",
            );
        } else {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_ELECT_MASTER_FAILED,
                "Failed to elect a new master",
            );
        }
        tracing::warn!(broker_name, "failed to elect a new master");
        result
    }

    /// CONTROLLER_GET_NEXT_BROKER_ID.
    pub fn get_next_broker_id(
        &self,
        request: &GetNextBrokerIdRequestHeader,
    ) -> ControllerResult<GetNextBrokerIdResponseHeader> {
        let next = self
            .replica_info_table
            .get(request.broker_name.as_deref().unwrap_or_default())
            .map_or(FIRST_BROKER_CONTROLLER_ID, |r| r.next_assign_broker_id);
        ControllerResult::new(GetNextBrokerIdResponseHeader {
            cluster_name: request.cluster_name.clone(),
            broker_name: request.broker_name.clone(),
            next_broker_id: Some(next),
        })
    }

    /// CONTROLLER_APPLY_BROKER_ID: a broker takes the id it was told (or had stored).
    pub fn apply_broker_id(
        &self,
        request: &ApplyBrokerIdRequestHeader,
    ) -> ControllerResult<ApplyBrokerIdResponseHeader> {
        let mut result = ControllerResult::new(ApplyBrokerIdResponseHeader {
            cluster_name: request.cluster_name.clone(),
            broker_name: request.broker_name.clone(),
        });
        let id = request.applied_broker_id.unwrap_or(-1);
        let cluster_name = request.cluster_name.clone().unwrap_or_default();
        let broker_name = request.broker_name.clone().unwrap_or_default();
        let check_code = request.register_check_code.as_deref().unwrap_or_default();
        let address = check_code.split(';').next().unwrap_or_default();
        let event = ControllerEvent::ApplyBrokerId {
            cluster_name,
            broker_name: broker_name.clone(),
            broker_address: address.to_string(),
            new_broker_id: id,
            register_check_code: check_code.to_string(),
        };
        match self.replica_info_table.get(&broker_name) {
            None if id == FIRST_BROKER_CONTROLLER_ID => result.events.push(event),
            None => result.set_code_and_remark(
                ResponseCode::CONTROLLER_BROKER_ID_INVALID,
                format!(
                    "Broker-set: {} hasn't been registered in controller, but broker try to apply brokerId: {}",
                    broker_name, id
                ),
            ),
            Some(replicas)
                if !replicas.is_broker_exist(id)
                    || replicas.register_check_code(id) == Some(check_code) =>
            {
                result.events.push(event)
            }
            Some(_) => result.set_code_and_remark(
                ResponseCode::CONTROLLER_BROKER_ID_INVALID,
                format!(
                    "Fail to apply brokerId: {} in broker-set: {}",
                    id, broker_name
                ),
            ),
        }
        result
    }

    /// CONTROLLER_REGISTER_BROKER: a broker with an id asks who is master.
    pub fn register_broker(
        &self,
        request: &RegisterBrokerToControllerRequestHeader,
        alive: &dyn BrokerLiveness,
    ) -> ControllerResult<RegisterBrokerToControllerResponseHeader> {
        let mut result = ControllerResult::new(RegisterBrokerToControllerResponseHeader {
            cluster_name: request.cluster_name.clone(),
            broker_name: request.broker_name.clone(),
            ..Default::default()
        });
        let cluster_name = request.cluster_name.as_deref().unwrap_or_default();
        let broker_name = request.broker_name.as_deref().unwrap_or_default();
        let broker_address = request.broker_address.as_deref().unwrap_or_default();
        let Some((replicas, state)) = self.broker_set(broker_name) else {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_BROKER_NEED_TO_BE_REGISTERED,
                format!("Broker-set: {broker_name} hasn't been registered in controller"),
            );
            return result;
        };
        let id = request.broker_id.unwrap_or(-1);
        if !replicas.is_broker_exist(id) {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_BROKER_NEED_TO_BE_REGISTERED,
                format!("BrokerId: {id} hasn't been registered in broker-set: {broker_name}"),
            );
            return result;
        }
        if let Some(master) = state.master_broker_id {
            if alive.is_active(cluster_name, broker_name, master) {
                let response = &mut result.response;
                response.master_broker_id = Some(master);
                response.master_address = replicas.broker_address(Some(master)).map(str::to_string);
                response.master_epoch = Some(state.master_epoch);
                response.sync_state_set_epoch = Some(state.sync_state_set_epoch);
            }
        }
        result.body = Some(sync_state_set_body(
            &state.sync_state_set,
            state.sync_state_set_epoch,
        ));
        if replicas.broker_address(Some(id)) != Some(broker_address) {
            result.events.push(ControllerEvent::UpdateBrokerAddress {
                cluster_name: cluster_name.to_string(),
                broker_name: broker_name.to_string(),
                broker_address: broker_address.to_string(),
                broker_id: id,
            });
        }
        result
    }

    /// CONTROLLER_GET_REPLICA_INFO.
    pub fn get_replica_info(
        &self,
        request: &GetReplicaInfoRequestHeader,
    ) -> ControllerResult<GetReplicaInfoResponseHeader> {
        let mut result = ControllerResult::new(GetReplicaInfoResponseHeader::default());
        let Some((replicas, state)) =
            self.broker_set(request.broker_name.as_deref().unwrap_or_default())
        else {
            result.set_code_and_remark(
                ResponseCode::CONTROLLER_BROKER_METADATA_NOT_EXIST,
                "Broker metadata is not existed",
            );
            return result;
        };
        let response = &mut result.response;
        response.master_broker_id = state.master_broker_id;
        response.master_address = replicas
            .broker_address(state.master_broker_id)
            .map(str::to_string);
        response.master_epoch = Some(state.master_epoch);
        result.body = Some(sync_state_set_body(
            &state.sync_state_set,
            state.sync_state_set_epoch,
        ));
        result
    }

    /// CONTROLLER_GET_SYNC_STATE_DATA: the replicas of the named broker sets, in sync or not.
    pub fn get_sync_state_data(
        &self,
        broker_names: &[String],
        alive: &dyn BrokerLiveness,
    ) -> ControllerResult<EmptyHeader> {
        let mut result = ControllerResult::new(EmptyHeader);
        let mut table = BTreeMap::new();
        for broker_name in broker_names {
            let Some((replicas, state)) = self.broker_set(broker_name) else {
                continue;
            };
            let mut in_sync = Vec::new();
            let mut not_in_sync = Vec::new();
            for (&id, member) in &replicas.members {
                let identity = ReplicaIdentity {
                    broker_name: broker_name.clone(),
                    broker_id: id,
                    broker_address: member.address.clone(),
                    alive: alive.is_active(&replicas.cluster_name, broker_name, id),
                };
                if state.sync_state_set.contains(&id) {
                    in_sync.push(identity);
                } else {
                    not_in_sync.push(identity);
                }
            }
            table.insert(
                broker_name.clone(),
                ReplicasInfo {
                    master_broker_id: state.master_broker_id,
                    master_address: replicas
                        .broker_address(state.master_broker_id)
                        .map(str::to_string),
                    master_epoch: state.master_epoch,
                    sync_state_set_epoch: state.sync_state_set_epoch,
                    in_sync_replicas: in_sync,
                    not_in_sync_replicas: not_in_sync,
                },
            );
        }
        result.body = Some(encode(&BrokerReplicasInfo {
            replicas_info_table: table,
        }));
        result
    }

    /// CLEAN_BROKER_DATA: forget a broker set, or some of its ids.
    pub fn clean_broker_data(
        &self,
        request: &CleanControllerBrokerDataRequestHeader,
        alive: &dyn BrokerLiveness,
    ) -> ControllerResult<EmptyHeader> {
        let mut result = ControllerResult::new(EmptyHeader);
        let broker_name = request.broker_name.as_str();
        let ids_text = request
            .broker_controller_ids_to_clean
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let mut ids = None;
        if !request.is_clean_living_broker {
            let state = self.sync_state_set_info_table.get(broker_name);
            if ids_text.is_none() && state.is_some_and(|s| s.master_broker_id.is_some()) {
                result.set_code_and_remark(
                    ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA,
                    format!("Broker {broker_name} is still alive, clean up failure"),
                );
                return result;
            }
            if let Some(text) = ids_text {
                let parsed: Result<BTreeSet<i64>, _> =
                    text.split(';').map(|s| s.parse::<i64>()).collect();
                let set = match parsed {
                    Ok(set) => set,
                    Err(e) => {
                        result.set_code_and_remark(
                            ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA,
                            format!("Please set the option <brokerControllerIdsToClean> according to the format, exception: java.lang.NumberFormatException: {e}"),
                        );
                        return result;
                    }
                };
                if let Some(id) = set.iter().find(|&&id| {
                    alive.is_active(
                        request.cluster_name.as_deref().unwrap_or_default(),
                        broker_name,
                        id,
                    )
                }) {
                    result.set_code_and_remark(
                        ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA,
                        format!("Broker [{broker_name},  {id}] is still alive, clean up failure"),
                    );
                    return result;
                }
                ids = Some(set);
            }
        }
        if self.contains_broker(broker_name) {
            result.events.push(ControllerEvent::CleanBrokerData {
                broker_name: broker_name.to_string(),
                broker_ids_to_clean: ids,
            });
            return result;
        }
        result.set_code_and_remark(
            ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA,
            format!("Broker {broker_name} is not existed,clean broker data failure."),
        );
        result
    }

    /// The broker sets whose master is dead while another member is alive: the leader
    /// elects anew for them (`scanNeedReelectBrokerSets`).
    pub fn scan_need_reelect_broker_sets(&self, alive: &dyn BrokerLiveness) -> Vec<String> {
        let mut names = Vec::new();
        for (name, state) in &self.sync_state_set_info_table {
            let Some(master) = state.master_broker_id else {
                continue;
            };
            if alive.is_active(&state.cluster_name, name, master) {
                continue;
            }
            let any_alive = self.replica_info_table.get(name).is_some_and(|r| {
                r.members
                    .keys()
                    .any(|&id| alive.is_active(&state.cluster_name, name, id))
            });
            if any_alive {
                names.push(name.clone());
            }
        }
        names
    }

    /// The master of a broker set, if any (the controller checks it when a broker goes away).
    pub fn master_of(&self, broker_name: &str) -> Option<i64> {
        self.sync_state_set_info_table
            .get(broker_name)
            .and_then(|s| s.master_broker_id)
    }

    /// Applies a committed event (`applyEvent`).
    pub fn apply_event(&mut self, event: &ControllerEvent) {
        match event {
            ControllerEvent::AlterSyncStateSet {
                broker_name,
                new_sync_state_set,
            } => {
                if self.contains_broker(broker_name) {
                    if let Some(state) = self.sync_state_set_info_table.get_mut(broker_name) {
                        state.update_sync_state_set(new_sync_state_set.clone());
                    }
                }
            }
            ControllerEvent::ApplyBrokerId {
                cluster_name,
                broker_name,
                broker_address,
                new_broker_id,
                register_check_code,
            } => self.apply_broker_id_event(
                cluster_name,
                broker_name,
                broker_address,
                *new_broker_id,
                register_check_code,
            ),
            ControllerEvent::ElectMaster {
                broker_name,
                new_master_broker_id,
            } => self.apply_elect_master(broker_name, *new_master_broker_id),
            ControllerEvent::CleanBrokerData {
                broker_name,
                broker_ids_to_clean,
            } => self.apply_clean_broker_data(broker_name, broker_ids_to_clean.as_ref()),
            ControllerEvent::UpdateBrokerAddress {
                broker_name,
                broker_address,
                broker_id,
                ..
            } => {
                if let Some(replicas) = self.replica_info_table.get_mut(broker_name) {
                    replicas.update_broker_address(*broker_id, broker_address);
                }
            }
        }
    }

    fn apply_broker_id_event(
        &mut self,
        cluster_name: &str,
        broker_name: &str,
        address: &str,
        id: i64,
        check_code: &str,
    ) {
        if self.contains_broker(broker_name) {
            if let Some(replicas) = self.replica_info_table.get_mut(broker_name) {
                if !replicas.is_broker_exist(id) {
                    replicas.add_broker(id, address, check_code);
                }
            }
            return;
        }
        let mut replicas = BrokerReplicaInfo::new(cluster_name, broker_name);
        replicas.add_broker(id, address, check_code);
        self.replica_info_table
            .insert(broker_name.to_string(), replicas);
        self.sync_state_set_info_table.insert(
            broker_name.to_string(),
            SyncStateInfo::new(cluster_name, broker_name),
        );
    }

    fn apply_elect_master(&mut self, broker_name: &str, new_master: Option<i64>) {
        if !self.contains_broker(broker_name) {
            tracing::error!(
                broker_name,
                "an ElectMasterEvent names a broker set that is not registered"
            );
            return;
        }
        if let Some(state) = self.sync_state_set_info_table.get_mut(broker_name) {
            state.update_master_info(new_master);
            if let Some(master) = new_master {
                state.update_sync_state_set([master].into_iter().collect());
            }
        }
    }

    fn apply_clean_broker_data(&mut self, broker_name: &str, ids: Option<&BTreeSet<i64>>) {
        let Some(ids) = ids.filter(|ids| !ids.is_empty()) else {
            self.replica_info_table.remove(broker_name);
            self.sync_state_set_info_table.remove(broker_name);
            return;
        };
        if !self.contains_broker(broker_name) {
            return;
        }
        let mut members_empty = false;
        if let Some(replicas) = self.replica_info_table.get_mut(broker_name) {
            for id in ids {
                replicas.members.remove(id);
            }
            members_empty = replicas.members.is_empty();
        }
        let mut set_empty = false;
        if let Some(state) = self.sync_state_set_info_table.get_mut(broker_name) {
            for id in ids {
                state.sync_state_set.remove(id);
            }
            set_empty = state.sync_state_set.is_empty();
        }
        if members_empty {
            self.replica_info_table.remove(broker_name);
        }
        if set_empty {
            self.sync_state_set_info_table.remove(broker_name);
        }
    }
}

fn member_group(replicas: &BrokerReplicaInfo) -> BrokerMemberGroup {
    BrokerMemberGroup {
        cluster: replicas.cluster_name.clone(),
        broker_name: replicas.broker_name.clone(),
        broker_addrs: replicas
            .broker_id_table()
            .into_iter()
            .filter_map(|(id, addr)| u64::try_from(id).ok().map(|id| (id, addr)))
            .collect(),
    }
}

/// A `Long` as Java's `String.format("%s")` prints it (`null` when absent).
fn java_long(v: Option<i64>) -> String {
    v.map_or_else(|| "null".to_string(), |v| v.to_string())
}

fn java_int(v: Option<i32>) -> String {
    v.map_or_else(|| "null".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests;
