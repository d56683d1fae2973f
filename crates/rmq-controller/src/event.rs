//! The changes the controller replicates (Java `controller/impl/event/*`). Every change of
//! the replica metadata is one of these, decided by the leader from a request and applied in
//! log order by every controller.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One replicated change of the replica metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControllerEvent {
    /// A master changed the SyncStateSet of its broker set (`AlterSyncStateSetEvent`).
    AlterSyncStateSet {
        broker_name: String,
        new_sync_state_set: BTreeSet<i64>,
    },
    /// A broker took an id in its broker set (`ApplyBrokerIdEvent`).
    ApplyBrokerId {
        cluster_name: String,
        broker_name: String,
        broker_address: String,
        new_broker_id: i64,
        register_check_code: String,
    },
    /// A master was elected, or (`new_master_broker_id` None) the old one is gone and none
    /// could be elected (`ElectMasterEvent`).
    ElectMaster {
        broker_name: String,
        new_master_broker_id: Option<i64>,
    },
    /// An administrator removed a broker set, or some of its ids (`CleanBrokerDataEvent`).
    CleanBrokerData {
        broker_name: String,
        broker_ids_to_clean: Option<BTreeSet<i64>>,
    },
    /// A registered broker came back with another address (`UpdateBrokerAddressEvent`).
    UpdateBrokerAddress {
        cluster_name: String,
        broker_name: String,
        broker_address: String,
        broker_id: i64,
    },
}

impl ControllerEvent {
    /// Java's `EventType` name of the event, for logs.
    pub fn type_name(&self) -> &'static str {
        match self {
            ControllerEvent::AlterSyncStateSet { .. } => "ALTER_SYNC_STATE_SET_EVENT",
            ControllerEvent::ApplyBrokerId { .. } => "APPLY_BROKER_ID_EVENT",
            ControllerEvent::ElectMaster { .. } => "ELECT_MASTER_EVENT",
            ControllerEvent::CleanBrokerData { .. } => "CLEAN_BROKER_DATA_EVENT",
            ControllerEvent::UpdateBrokerAddress { .. } => "UPDATE_BROKER_ADDRESS",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn events_survive_a_json_round_trip() {
        let events = vec![
            ControllerEvent::AlterSyncStateSet {
                broker_name: "b".into(),
                new_sync_state_set: [1, 2].into_iter().collect(),
            },
            ControllerEvent::ElectMaster {
                broker_name: "b".into(),
                new_master_broker_id: None,
            },
            ControllerEvent::CleanBrokerData {
                broker_name: "b".into(),
                broker_ids_to_clean: Some([3].into_iter().collect()),
            },
        ];
        let json = serde_json::to_string(&events).unwrap();
        assert!(json.contains("\"type\":\"ALTER_SYNC_STATE_SET\""), "{json}");
        let back: Vec<ControllerEvent> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, events);
    }
}
