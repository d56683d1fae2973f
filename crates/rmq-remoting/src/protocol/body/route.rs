//! Route and cluster bodies served by the NameServer (Java `TopicRouteData`, `QueueData`,
//! `BrokerData`, `ClusterInfo`, `TopicList`, `KVTable`, `BrokerMemberGroup`).

use rmq_common::mix_all::MASTER_ID;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A topic's queues on one broker (`QueueData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase", default)]
pub struct QueueData {
    pub broker_name: String,
    pub read_queue_nums: i32,
    pub write_queue_nums: i32,
    pub perm: i32,
    /// Spelled `topicSynFlag` before 4.9.0; both are read.
    #[serde(alias = "topicSynFlag")]
    pub topic_sys_flag: i32,
}

/// A broker group: its name, cluster and addresses by broker id (`BrokerData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BrokerData {
    pub cluster: String,
    pub broker_name: String,
    pub broker_addrs: BTreeMap<u64, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_name: Option<String>,
    pub enable_acting_master: bool,
}

impl BrokerData {
    /// Builds a broker group.
    pub fn new(cluster: &str, broker_name: &str) -> Self {
        BrokerData {
            cluster: cluster.to_string(),
            broker_name: broker_name.to_string(),
            ..Default::default()
        }
    }

    /// Returns the master's address, else the address with the lowest id
    /// (`BrokerData#selectBrokerAddr` without randomness).
    pub fn select_broker_addr(&self) -> Option<&str> {
        self.broker_addrs
            .get(&MASTER_ID)
            .or_else(|| self.broker_addrs.values().next())
            .map(String::as_str)
    }

    /// Returns the master's address.
    pub fn master_addr(&self) -> Option<&str> {
        self.broker_addrs.get(&MASTER_ID).map(String::as_str)
    }
}

/// A topic's route (`TopicRouteData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicRouteData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_topic_conf: Option<String>,
    pub queue_datas: Vec<QueueData>,
    pub broker_datas: Vec<BrokerData>,
    pub filter_server_table: HashMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_queue_mapping_by_broker: Option<HashMap<String, serde_json::Value>>,
}

/// Brokers by name and broker names by cluster (`ClusterInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterInfo {
    pub broker_addr_table: BTreeMap<String, BrokerData>,
    pub cluster_addr_table: BTreeMap<String, BTreeSet<String>>,
}

/// A list of topics (`TopicList`); `brokerAddr` only for GET_SYSTEM_TOPIC_LIST_FROM_NS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicList {
    pub topic_list: BTreeSet<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker_addr: Option<String>,
}

/// Key-value pairs (`KVTable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct KVTable {
    pub table: BTreeMap<String, String>,
}

/// A broker group's members (`BrokerMemberGroup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct BrokerMemberGroup {
    pub cluster: String,
    pub broker_name: String,
    pub broker_addrs: BTreeMap<u64, String>,
}

/// Body of GET_BROKER_MEMBER_GROUP's response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct GetBrokerMemberGroupResponseBody {
    pub broker_member_group: BrokerMemberGroup,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn reads_fastjson_cluster_info() {
        let text = r#"{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}"#;
        let ci: ClusterInfo = decode(text.as_bytes()).unwrap();
        let bd = &ci.broker_addr_table["broker-a"];
        assert_eq!(bd.master_addr(), Some("10.0.0.1:10911"));
        assert_eq!(bd.broker_addrs[&1], "10.0.0.2:10911");
        assert!(ci.cluster_addr_table["DefaultCluster"].contains("broker-a"));
    }

    #[test]
    fn route_standard_json() {
        let mut bd = BrokerData::new("DefaultCluster", "broker-a");
        bd.broker_addrs.insert(0, "10.0.0.1:10911".into());
        let route = TopicRouteData {
            queue_datas: vec![QueueData {
                broker_name: "broker-a".into(),
                read_queue_nums: 4,
                write_queue_nums: 4,
                perm: 6,
                topic_sys_flag: 0,
            }],
            broker_datas: vec![bd],
            ..Default::default()
        };
        let text = String::from_utf8(encode(&route)).unwrap();
        assert!(
            text.contains(r#""brokerAddrs":{"0":"10.0.0.1:10911"}"#),
            "{text}"
        );
        assert!(text.contains(r#""filterServerTable":{}"#));
        assert!(!text.contains("orderTopicConf"));
        let back: TopicRouteData = decode(text.as_bytes()).unwrap();
        assert_eq!(back, route);
        let old: QueueData = decode(br#"{"brokerName":"b","topicSynFlag":3}"#).unwrap();
        assert_eq!(old.topic_sys_flag, 3);
    }
}
