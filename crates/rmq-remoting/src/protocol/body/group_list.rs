//! A set of consumer group names (Java `body/GroupList`), the body of
//! QUERY_TOPIC_CONSUME_BY_WHO.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Java `GroupList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupList {
    pub group_list: BTreeSet<String>,
}
