//! Per broker set: its members (`BrokerReplicaInfo`) and its master and in-sync replicas
//! (`SyncStateInfo`).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The first id the controller hands out in a broker set (Java `MixAll.FIRST_BROKER_CONTROLLER_ID`).
pub const FIRST_BROKER_CONTROLLER_ID: i64 = 1;

/// A broker set's master, SyncStateSet and their epochs (Java `SyncStateInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStateInfo {
    pub cluster_name: String,
    pub broker_name: String,
    pub master_epoch: i32,
    pub sync_state_set_epoch: i32,
    pub sync_state_set: BTreeSet<i64>,
    pub master_broker_id: Option<i64>,
}

impl SyncStateInfo {
    /// A broker set without master: epochs 0, empty SyncStateSet.
    pub fn new(cluster_name: &str, broker_name: &str) -> Self {
        SyncStateInfo {
            cluster_name: cluster_name.to_string(),
            broker_name: broker_name.to_string(),
            master_epoch: 0,
            sync_state_set_epoch: 0,
            sync_state_set: BTreeSet::new(),
            master_broker_id: None,
        }
    }

    /// Records a new master (or none) and bumps the master epoch.
    pub fn update_master_info(&mut self, master: Option<i64>) {
        self.master_broker_id = master;
        self.master_epoch += 1;
    }

    /// Replaces the SyncStateSet and bumps its epoch.
    pub fn update_sync_state_set(&mut self, set: BTreeSet<i64>) {
        self.sync_state_set = set;
        self.sync_state_set_epoch += 1;
    }

    /// True until the first master was recorded.
    pub fn is_first_time_for_elect(&self) -> bool {
        self.master_epoch == 0
    }
}

/// One member of a broker set: its address and the check code it registered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerMember {
    pub address: String,
    pub register_check_code: String,
}

/// The members of a broker set by id, and the next id to hand out (Java `BrokerReplicaInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerReplicaInfo {
    pub cluster_name: String,
    pub broker_name: String,
    pub next_assign_broker_id: i64,
    pub members: BTreeMap<i64, BrokerMember>,
}

impl BrokerReplicaInfo {
    /// An empty broker set; ids start at [`FIRST_BROKER_CONTROLLER_ID`].
    pub fn new(cluster_name: &str, broker_name: &str) -> Self {
        BrokerReplicaInfo {
            cluster_name: cluster_name.to_string(),
            broker_name: broker_name.to_string(),
            next_assign_broker_id: FIRST_BROKER_CONTROLLER_ID,
            members: BTreeMap::new(),
        }
    }

    /// Adds a member; the next id to hand out moves on by one (as Java's, whatever id was taken).
    pub fn add_broker(&mut self, id: i64, address: &str, register_check_code: &str) {
        self.members.insert(
            id,
            BrokerMember {
                address: address.to_string(),
                register_check_code: register_check_code.to_string(),
            },
        );
        self.next_assign_broker_id += 1;
    }

    pub fn is_broker_exist(&self, id: i64) -> bool {
        self.members.contains_key(&id)
    }

    pub fn broker_address(&self, id: Option<i64>) -> Option<&str> {
        id.and_then(|id| self.members.get(&id))
            .map(|m| m.address.as_str())
    }

    pub fn register_check_code(&self, id: i64) -> Option<&str> {
        self.members
            .get(&id)
            .map(|m| m.register_check_code.as_str())
    }

    /// Ids to addresses (`getBrokerIdTable`).
    pub fn broker_id_table(&self) -> BTreeMap<i64, String> {
        self.members
            .iter()
            .map(|(id, m)| (*id, m.address.clone()))
            .collect()
    }

    /// Changes a known member's address.
    pub fn update_broker_address(&mut self, id: i64, address: &str) {
        if let Some(m) = self.members.get_mut(&id) {
            m.address = address.to_string();
        }
    }
}
