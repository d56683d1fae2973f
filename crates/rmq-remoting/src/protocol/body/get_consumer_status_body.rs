//! Consume offsets reported by consumers (Java `body/GetConsumerStatusBody`): a client answers
//! GET_CONSUMER_STATUS_FROM_CLIENT with its `messageQueueTable`; the broker answers
//! INVOKE_BROKER_TO_GET_CONSUMER_STATUS with every client's table in `consumerTable`.

use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Offsets keyed by queue; fastjson writes the keys as raw objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct QueueOffsetTable(
    #[serde(with = "rmq_common::fastjson::object_key_map")] pub HashMap<MessageQueue, i64>,
);

/// Java `GetConsumerStatusBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct GetConsumerStatusBody {
    #[serde(with = "rmq_common::fastjson::object_key_map")]
    pub message_queue_table: HashMap<MessageQueue, i64>,
    pub consumer_table: HashMap<String, QueueOffsetTable>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn nested_object_keys_round_trip() {
        let mq = MessageQueue::new("T", "b", 1);
        let text = br#"{"consumerTable":{"c1":{{"brokerName":"b","queueId":1,"topic":"T"}:5}},"messageQueueTable":{}}"#;
        let body: GetConsumerStatusBody = decode(text).unwrap();
        assert_eq!(body.consumer_table["c1"].0[&mq], 5);
        let back: GetConsumerStatusBody = decode(&encode(&body)).unwrap();
        assert_eq!(back, body);
        assert!(String::from_utf8(encode(&body))
            .unwrap()
            .contains(r#""c1":{{"#));
    }
}
