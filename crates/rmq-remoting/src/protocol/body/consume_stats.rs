//! A consumer group's progress on one broker (Java `admin/ConsumeStats`,
//! `admin/OffsetWrapper`), the body of GET_CONSUME_STATS.

use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One queue's broker offset, committed offset and pulled offset (Java `OffsetWrapper`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct OffsetWrapper {
    pub broker_offset: i64,
    pub consumer_offset: i64,
    pub pull_offset: i64,
    pub last_timestamp: i64,
}

/// Java `ConsumeStats`; fastjson writes the queue keys as raw objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeStats {
    #[serde(with = "rmq_common::fastjson::object_key_map")]
    pub offset_table: HashMap<MessageQueue, OffsetWrapper>,
    pub consume_tps: f64,
}

impl ConsumeStats {
    /// Returns the sum of `brokerOffset - consumerOffset` (Java `computeTotalDiff`).
    pub fn compute_total_diff(&self) -> i64 {
        self.offset_table
            .values()
            .map(|o| o.broker_offset - o.consumer_offset)
            .sum()
    }

    /// Returns the sum of `pullOffset - consumerOffset` (Java `computeInflightTotalDiff`).
    pub fn compute_inflight_total_diff(&self) -> i64 {
        self.offset_table
            .values()
            .map(|o| o.pull_offset - o.consumer_offset)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn reads_java_body() {
        let java = br#"{"consumeTps":1.5,"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:{"brokerOffset":10,"consumerOffset":4,"lastTimestamp":0,"pullOffset":6}}}"#;
        let s: ConsumeStats = decode(java).unwrap();
        assert_eq!(s.compute_total_diff(), 6);
        assert_eq!(s.compute_inflight_total_diff(), 2);
        let back: ConsumeStats = decode(&encode(&s)).unwrap();
        assert_eq!(back, s);
    }
}
