//! Consume stats of every group on a broker (Java `body/ConsumeStatsList`), the body of
//! GET_BROKER_CONSUME_STATS.

use super::consume_stats::ConsumeStats;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Java `ConsumeStatsList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeStatsList {
    pub consume_stats_list: Vec<BTreeMap<String, Vec<ConsumeStats>>>,
    pub broker_addr: String,
    pub total_diff: i64,
    pub total_inflight_diff: i64,
}
