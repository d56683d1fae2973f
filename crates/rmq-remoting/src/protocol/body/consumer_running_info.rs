//! `ConsumerRunningInfo` and `ConsumeStatus`: what a consumer reports to GET_CONSUMER_RUNNING_INFO
//! (Java `remoting/protocol/body/ConsumerRunningInfo`, `ConsumeStatus`).

use super::heartbeat::SubscriptionData;
use super::process_queue_info::ProcessQueueInfo;
use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Property key: name server addresses.
pub const PROP_NAMESERVER_ADDR: &str = "PROP_NAMESERVER_ADDR";
/// Property key: consume concurrency.
pub const PROP_THREADPOOL_CORE_SIZE: &str = "PROP_THREADPOOL_CORE_SIZE";
/// Property key: orderly or not (Java's value spells `PROP_CONSUMEORDERLY`).
pub const PROP_CONSUME_ORDERLY: &str = "PROP_CONSUMEORDERLY";
/// Property key: PUSH/PULL.
pub const PROP_CONSUME_TYPE: &str = "PROP_CONSUME_TYPE";
/// Property key: client version.
pub const PROP_CLIENT_VERSION: &str = "PROP_CLIENT_VERSION";
/// Property key: start time in ms.
pub const PROP_CONSUMER_START_TIMESTAMP: &str = "PROP_CONSUMER_START_TIMESTAMP";

/// Per-topic consume rates (`ConsumeStatus`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeStatus {
    #[serde(rename = "pullRT")]
    pub pull_rt: f64,
    #[serde(rename = "pullTPS")]
    pub pull_tps: f64,
    #[serde(rename = "consumeRT")]
    pub consume_rt: f64,
    #[serde(rename = "consumeOKTPS")]
    pub consume_ok_tps: f64,
    #[serde(rename = "consumeFailedTPS")]
    pub consume_failed_tps: f64,
    pub consume_failed_msgs: i64,
}

/// A consumer's configuration and state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerRunningInfo {
    pub properties: BTreeMap<String, String>,
    pub subscription_set: Vec<SubscriptionData>,
    #[serde(with = "rmq_common::fastjson::object_key_map")]
    pub mq_table: HashMap<MessageQueue, ProcessQueueInfo>,
    pub status_table: BTreeMap<String, ConsumeStatus>,
    pub user_consumer_info: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jstack: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn round_trip() {
        let mut info = ConsumerRunningInfo::default();
        info.properties
            .insert(PROP_CONSUME_TYPE.into(), "CONSUME_PASSIVELY".into());
        info.subscription_set
            .push(SubscriptionData::build_tag("T", "TagA || TagB"));
        info.mq_table.insert(
            MessageQueue::new("T", "b", 0),
            ProcessQueueInfo {
                commit_offset: 7,
                ..Default::default()
            },
        );
        info.status_table
            .insert("T".into(), ConsumeStatus::default());
        let text = String::from_utf8(encode(&info)).unwrap();
        assert!(
            text.contains(r#"{"topic":"T","brokerName":"b","queueId":0}:{"#),
            "{text}"
        );
        assert!(text.contains(r#""cachedMsgSizeInMiB":0"#));
        let back: ConsumerRunningInfo = decode(text.as_bytes()).unwrap();
        assert_eq!(back, info);
    }
}
