//! Bodies of LOCK_BATCH_MQ and UNLOCK_BATCH_MQ (Java `LockBatchRequestBody`,
//! `LockBatchResponseBody`, `UnlockBatchRequestBody`).

use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// LOCK_BATCH_MQ request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct LockBatchRequestBody {
    pub consumer_group: String,
    pub client_id: String,
    pub only_this_broker: bool,
    pub mq_set: BTreeSet<MessageQueue>,
}

/// LOCK_BATCH_MQ response body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct LockBatchResponseBody {
    #[serde(rename = "lockOKMQSet")]
    pub lock_ok_mq_set: BTreeSet<MessageQueue>,
}

/// UNLOCK_BATCH_MQ request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct UnlockBatchRequestBody {
    pub consumer_group: String,
    pub client_id: String,
    pub only_this_broker: bool,
    pub mq_set: BTreeSet<MessageQueue>,
}
