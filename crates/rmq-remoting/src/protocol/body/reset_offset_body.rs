//! `ResetOffsetBody`: new offsets per queue, sent by the broker with
//! RESET_CONSUMER_CLIENT_OFFSET and returned by INVOKE_BROKER_TO_RESET_OFFSET (Java
//! `remoting/protocol/body/ResetOffsetBody`).

use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Offsets keyed by queue; fastjson writes the keys as raw objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ResetOffsetBody {
    #[serde(with = "rmq_common::fastjson::object_key_map")]
    pub offset_table: HashMap<MessageQueue, i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn reads_fastjson_object_keys() {
        let text = br#"{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:42}}"#;
        let body: ResetOffsetBody = decode(text).unwrap();
        assert_eq!(body.offset_table[&MessageQueue::new("T", "b", 1)], 42);
        let back: ResetOffsetBody = decode(&encode(&body)).unwrap();
        assert_eq!(back, body);
    }
}
