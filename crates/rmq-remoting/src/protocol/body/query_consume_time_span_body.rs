//! Store-time span and consume position per queue (Java `body/QueryConsumeTimeSpanBody`,
//! `body/QueueTimeSpan`), the body of QUERY_CONSUME_TIME_SPAN.

use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};

/// Java `QueueTimeSpan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct QueueTimeSpan {
    pub message_queue: MessageQueue,
    pub min_time_stamp: i64,
    pub max_time_stamp: i64,
    pub consume_time_stamp: i64,
    pub delay_time: i64,
}

/// Java `QueryConsumeTimeSpanBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct QueryConsumeTimeSpanBody {
    pub consume_time_span_set: Vec<QueueTimeSpan>,
}
