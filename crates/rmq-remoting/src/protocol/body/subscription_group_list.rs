//! Several subscription groups at once (Java `body/SubscriptionGroupList`), the body of
//! UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST.

use super::subscription_group_config::SubscriptionGroupConfig;
use serde::{Deserialize, Serialize};

/// Java `SubscriptionGroupList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionGroupList {
    pub group_config_list: Vec<SubscriptionGroupConfig>,
}
