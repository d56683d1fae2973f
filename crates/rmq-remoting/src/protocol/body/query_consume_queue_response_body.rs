//! Consume queue units of one queue for `mqadmin queryCq` (Java
//! `body/QueryConsumeQueueResponseBody` and `body/ConsumeQueueData`), the body of
//! QUERY_CONSUME_QUEUE.

use crate::protocol::body::heartbeat::SubscriptionData;
use serde::{Deserialize, Serialize};

/// Java `ConsumeQueueData`: one consume queue unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeQueueData {
    pub physic_offset: i64,
    pub physic_size: i32,
    pub tags_code: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extend_data_json: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bit_map: Option<String>,
    pub eval: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
}

/// Java `QueryConsumeQueueResponseBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct QueryConsumeQueueResponseBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_data: Option<SubscriptionData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_data: Option<Vec<ConsumeQueueData>>,
    pub max_queue_index: i64,
    pub min_queue_index: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn json_shape() {
        let body = QueryConsumeQueueResponseBody {
            queue_data: Some(vec![ConsumeQueueData {
                physic_offset: 10,
                physic_size: 200,
                tags_code: 7,
                ..Default::default()
            }]),
            max_queue_index: 3,
            ..Default::default()
        };
        let text = String::from_utf8(encode(&body)).unwrap();
        assert_eq!(
            text,
            r#"{"maxQueueIndex":3,"minQueueIndex":0,"queueData":[{"eval":false,"physicOffset":10,"physicSize":200,"tagsCode":7}]}"#
        );
        assert_eq!(
            decode::<QueryConsumeQueueResponseBody>(text.as_bytes()).unwrap(),
            body
        );
    }
}
