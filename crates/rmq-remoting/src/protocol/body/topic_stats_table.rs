//! Queue offsets of a topic on one broker (Java `admin/TopicStatsTable`, `admin/TopicOffset`),
//! the body of GET_TOPIC_STATS_INFO.

use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One queue's offsets and the store time of its last message (Java `TopicOffset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicOffset {
    pub min_offset: i64,
    pub max_offset: i64,
    pub last_update_timestamp: i64,
}

/// Java `TopicStatsTable`; fastjson writes the queue keys as raw objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicStatsTable {
    #[serde(with = "rmq_common::fastjson::object_key_map")]
    pub offset_table: HashMap<MessageQueue, TopicOffset>,
    pub topic_put_tps: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn object_keys_round_trip() {
        let mut t = TopicStatsTable::default();
        t.offset_table.insert(
            MessageQueue::new("T", "b", 0),
            TopicOffset {
                min_offset: 0,
                max_offset: 5,
                last_update_timestamp: 7,
            },
        );
        let text = String::from_utf8(encode(&t)).unwrap();
        assert!(
            text.contains(r#"{"topic":"T","brokerName":"b","queueId":0}:{"#),
            "{text}"
        );
        let back: TopicStatsTable = decode(text.as_bytes()).unwrap();
        assert_eq!(back, t);
    }
}
