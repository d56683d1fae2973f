//! The offset table the broker sends C++ clients with RESET_CONSUMER_CLIENT_OFFSET (Java
//! `body/ResetOffsetBodyForC`, a list of `MessageQueueForC`).

use serde::{Deserialize, Serialize};

/// Java `MessageQueueForC`: a queue and its new offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageQueueForC {
    pub broker_name: String,
    pub offset: i64,
    pub queue_id: i32,
    pub topic: String,
}

/// Java `ResetOffsetBodyForC`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ResetOffsetBodyForC {
    pub offset_table: Vec<MessageQueueForC>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape() {
        let body = ResetOffsetBodyForC {
            offset_table: vec![MessageQueueForC {
                broker_name: "b".into(),
                offset: 7,
                queue_id: 1,
                topic: "T".into(),
            }],
        };
        assert_eq!(
            crate::protocol::body::encode(&body),
            br#"{"offsetTable":[{"brokerName":"b","offset":7,"queueId":1,"topic":"T"}]}"#
        );
    }
}
