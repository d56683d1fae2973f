//! JSON bodies of controller mode (Java `remoting/protocol/body/SyncStateSet`,
//! `ElectMasterResponseBody`, `BrokerReplicasInfo`, `EpochEntryCache` and
//! `remoting/protocol/EpochEntry`).
//!
//! Java writes these with fastjson 1.x from the bean getters: members sorted by name, `null`
//! members left out. Optional members here are likewise skipped when `None`. Java's
//! `Set<Long>` is a JSON array; it is a `BTreeSet` here so that output is deterministic.
//! Java's `RoleChangeNotifyEntry` is never serialized and has no counterpart.

use super::route::BrokerMemberGroup;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A broker set's in-sync replicas and the epoch of that set (Java `SyncStateSet`). The body
/// of CONTROLLER_ALTER_SYNC_STATE_SET (request and response), of the responses to
/// CONTROLLER_REGISTER_BROKER and CONTROLLER_GET_REPLICA_INFO, and of
/// NOTIFY_BROKER_ROLE_CHANGED.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncStateSet {
    /// Broker ids. Java's decoder copies it into a new set and fails on a missing member, so
    /// it is always written, even empty.
    pub sync_state_set: BTreeSet<i64>,
    pub sync_state_set_epoch: i32,
}

/// Body of CONTROLLER_ELECT_MASTER's response (Java `ElectMasterResponseBody`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ElectMasterResponseBody {
    /// The broker set's members, `None` when the controller does not know the set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker_member_group: Option<BrokerMemberGroup>,
    pub sync_state_set: BTreeSet<i64>,
}

/// Body of CONTROLLER_GET_SYNC_STATE_DATA's response (Java `BrokerReplicasInfo`): the
/// replica state of each requested broker set the controller knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrokerReplicasInfo {
    /// By broker name (a `HashMap` in Java).
    pub replicas_info_table: BTreeMap<String, ReplicasInfo>,
}

/// One broker set's replicas (Java `BrokerReplicasInfo.ReplicasInfo`).
///
/// Java's fields `masterEpoch` and `syncStateSetEpoch` are `Integer`, but fastjson writes
/// them through `int` getters, so they are always present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicasInfo {
    /// `None` while the set has no master.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_broker_id: Option<i64>,
    /// `None` while the set has no master.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_address: Option<String>,
    pub master_epoch: i32,
    pub sync_state_set_epoch: i32,
    pub in_sync_replicas: Vec<ReplicaIdentity>,
    pub not_in_sync_replicas: Vec<ReplicaIdentity>,
}

impl ReplicasInfo {
    /// Returns whether the in-sync replicas hold this broker (Java `isExistInSync`, which
    /// compares name, id and address but not `alive`).
    pub fn is_exist_in_sync(
        &self,
        broker_name: &str,
        broker_id: i64,
        broker_address: &str,
    ) -> bool {
        contains(
            &self.in_sync_replicas,
            broker_name,
            broker_id,
            broker_address,
        )
    }

    /// Returns whether the not-in-sync replicas hold this broker (Java `isExistInNotSync`).
    pub fn is_exist_in_not_sync(
        &self,
        broker_name: &str,
        broker_id: i64,
        broker_address: &str,
    ) -> bool {
        contains(
            &self.not_in_sync_replicas,
            broker_name,
            broker_id,
            broker_address,
        )
    }

    /// Returns whether either list holds this broker (Java `isExistInAllReplicas`).
    pub fn is_exist_in_all_replicas(
        &self,
        broker_name: &str,
        broker_id: i64,
        broker_address: &str,
    ) -> bool {
        self.is_exist_in_sync(broker_name, broker_id, broker_address)
            || self.is_exist_in_not_sync(broker_name, broker_id, broker_address)
    }
}

fn contains(list: &[ReplicaIdentity], broker_name: &str, broker_id: i64, addr: &str) -> bool {
    list.iter().any(|r| {
        r.broker_name == broker_name && r.broker_id == broker_id && r.broker_address == addr
    })
}

/// One replica of a broker set (Java `BrokerReplicasInfo.ReplicaIdentity`). Java's members
/// are objects (`Long brokerId`, `Boolean alive`) but its controller always sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaIdentity {
    pub broker_name: String,
    pub broker_id: i64,
    pub broker_address: String,
    /// Whether the controller sees the broker's heartbeats.
    pub alive: bool,
}

impl ReplicaIdentity {
    /// Returns a replica marked not alive, as Java's three-argument constructor.
    pub fn new(
        broker_name: impl Into<String>,
        broker_id: i64,
        broker_address: impl Into<String>,
    ) -> Self {
        ReplicaIdentity {
            broker_name: broker_name.into(),
            broker_id,
            broker_address: broker_address.into(),
            alive: false,
        }
    }
}

/// Body of GET_BROKER_EPOCH_CACHE's response (Java `EpochEntryCache`): a broker's epoch
/// history and the end of its commit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EpochEntryCache {
    pub cluster_name: String,
    pub broker_name: String,
    pub broker_id: i64,
    pub epoch_list: Vec<EpochEntry>,
    /// The commit log's max physical offset.
    pub max_offset: i64,
}

/// The commit log range one master epoch wrote (Java `remoting/protocol/EpochEntry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EpochEntry {
    pub epoch: i32,
    pub start_offset: i64,
    /// `i64::MAX` (Java `Long.MAX_VALUE`) while the epoch is the current one.
    pub end_offset: i64,
}

impl EpochEntry {
    /// Returns an open entry: `end_offset` is `i64::MAX`, as in Java's two-argument
    /// constructor.
    pub fn new(epoch: i32, start_offset: i64) -> Self {
        EpochEntry {
            epoch,
            start_offset,
            end_offset: i64::MAX,
        }
    }
}

impl Default for EpochEntry {
    fn default() -> Self {
        EpochEntry::new(0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};
    use serde_json::Value;

    fn keys(json: &[u8]) -> Vec<String> {
        match serde_json::from_slice::<Value>(json).unwrap() {
            Value::Object(m) => m.keys().cloned().collect(),
            other => panic!("not an object: {other}"),
        }
    }

    fn round_trip<T>(value: &T)
    where
        T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        assert_eq!(&decode::<T>(&encode(value)).unwrap(), value);
    }

    #[test]
    fn sync_state_set_as_java_writes_it() {
        // new SyncStateSet(Set.of(1L, 2L), 3).encode() on Java 5.3.3.
        let java = br#"{"syncStateSet":[2,1],"syncStateSetEpoch":3}"#;
        let s: SyncStateSet = decode(java).unwrap();
        assert_eq!(s.sync_state_set, BTreeSet::from([1, 2]));
        assert_eq!(s.sync_state_set_epoch, 3);
        assert_eq!(
            encode(&s),
            br#"{"syncStateSet":[1,2],"syncStateSetEpoch":3}"#.to_vec()
        );
        // An empty set is still written: Java's constructor would throw on a missing one.
        let empty = encode(&SyncStateSet::default());
        assert_eq!(
            empty,
            br#"{"syncStateSet":[],"syncStateSetEpoch":0}"#.to_vec()
        );
        round_trip(&s);
    }

    #[test]
    fn elect_master_response_body_as_java_writes_it() {
        let java = br#"{"brokerMemberGroup":{"brokerAddrs":{1:"127.0.0.1:30911",2:"127.0.0.1:30921"},"brokerName":"broker-a","cluster":"DefaultCluster"},"syncStateSet":[1]}"#;
        let b: ElectMasterResponseBody = decode(java).unwrap();
        let group = b.broker_member_group.clone().unwrap();
        assert_eq!(group.cluster, "DefaultCluster");
        assert_eq!(group.broker_name, "broker-a");
        assert_eq!(group.broker_addrs[&2], "127.0.0.1:30921");
        assert_eq!(b.sync_state_set, BTreeSet::from([1]));
        round_trip(&b);
        assert_eq!(keys(&encode(&b)), ["brokerMemberGroup", "syncStateSet"]);

        // A controller that does not know the set writes no group (fastjson drops null).
        let java = br#"{"syncStateSet":[]}"#;
        let b: ElectMasterResponseBody = decode(java).unwrap();
        assert_eq!(b, ElectMasterResponseBody::default());
        assert_eq!(encode(&b), java.to_vec());
    }

    #[test]
    fn broker_replicas_info_as_java_writes_it() {
        // getSyncStateData for a set with master 1 in sync and 2 not (fastjson member order).
        let java = br#"{"replicasInfoTable":{"broker-a":{"inSyncReplicas":[{"alive":true,"brokerAddress":"127.0.0.1:30911","brokerId":1,"brokerName":"broker-a"}],"masterAddress":"127.0.0.1:30911","masterBrokerId":1,"masterEpoch":2,"notInSyncReplicas":[{"alive":false,"brokerAddress":"127.0.0.1:30921","brokerId":2,"brokerName":"broker-a"}],"syncStateSetEpoch":3}}}"#;
        let info: BrokerReplicasInfo = decode(java).unwrap();
        let a = &info.replicas_info_table["broker-a"];
        assert_eq!(a.master_broker_id, Some(1));
        assert_eq!(a.master_address.as_deref(), Some("127.0.0.1:30911"));
        assert_eq!((a.master_epoch, a.sync_state_set_epoch), (2, 3));
        assert!(a.in_sync_replicas[0].alive);
        assert!(!a.not_in_sync_replicas[0].alive);
        assert!(a.is_exist_in_sync("broker-a", 1, "127.0.0.1:30911"));
        assert!(!a.is_exist_in_sync("broker-a", 2, "127.0.0.1:30921"));
        assert!(a.is_exist_in_not_sync("broker-a", 2, "127.0.0.1:30921"));
        assert!(a.is_exist_in_all_replicas("broker-a", 2, "127.0.0.1:30921"));
        assert!(!a.is_exist_in_all_replicas("broker-a", 3, "127.0.0.1:30921"));
        // The exact bytes Java writes for this body.
        assert_eq!(encode(&info), java.to_vec());
        round_trip(&info);
    }

    #[test]
    fn replicas_info_without_master() {
        // No master: fastjson leaves out the null masterBrokerId and masterAddress.
        let java = br#"{"replicasInfoTable":{"b":{"inSyncReplicas":[],"masterEpoch":0,"notInSyncReplicas":[{"alive":false,"brokerAddress":"a:1","brokerId":1,"brokerName":"b"}],"syncStateSetEpoch":0}}}"#;
        let info: BrokerReplicasInfo = decode(java).unwrap();
        let b = &info.replicas_info_table["b"];
        assert_eq!(b.master_broker_id, None);
        assert_eq!(b.master_address, None);
        assert_eq!(
            b.not_in_sync_replicas[0],
            ReplicaIdentity::new("b", 1, "a:1")
        );
        assert_eq!(encode(&info), java.to_vec());
        // The admin tool's CONTROLLER_GET_SYNC_STATE_DATA request body is a JSON name list.
        let names: Vec<String> = decode(br#"["broker-a","broker-b"]"#).unwrap();
        assert_eq!(names, ["broker-a", "broker-b"]);
    }

    #[test]
    fn epoch_entry_cache_as_java_writes_it() {
        let java = br#"{"brokerId":1,"brokerName":"broker-a","clusterName":"DefaultCluster","epochList":[{"endOffset":1024,"epoch":1,"startOffset":0},{"endOffset":9223372036854775807,"epoch":2,"startOffset":1024}],"maxOffset":2048}"#;
        let c: EpochEntryCache = decode(java).unwrap();
        assert_eq!(c.broker_id, 1);
        assert_eq!(c.epoch_list[1], EpochEntry::new(2, 1024));
        assert_eq!(c.epoch_list[0].end_offset, 1024);
        assert_eq!(c.max_offset, 2048);
        assert_eq!(encode(&c), java.to_vec());
        round_trip(&c);
        // A missing endOffset reads as Java's initial Long.MAX_VALUE.
        let e: EpochEntry = decode(br#"{"epoch":3,"startOffset":5}"#).unwrap();
        assert_eq!(e, EpochEntry::new(3, 5));
    }

    #[test]
    fn tolerates_fastjson_leniencies() {
        // Numbers as strings and null members, as the lenient reader allows elsewhere.
        let s: SyncStateSet =
            decode(br#"{"syncStateSet":["1","2"],"syncStateSetEpoch":"4"}"#).unwrap();
        assert_eq!(s.sync_state_set, BTreeSet::from([1, 2]));
        assert_eq!(s.sync_state_set_epoch, 4);
        let b: ElectMasterResponseBody =
            decode(br#"{"brokerMemberGroup":null,"syncStateSet":null}"#).unwrap();
        assert_eq!(b, ElectMasterResponseBody::default());
    }
}
