//! Several topics to create at once (Java `body/CreateTopicListRequestBody`), the body of
//! UPDATE_AND_CREATE_TOPIC_LIST.

use rmq_common::TopicConfig;
use serde::{Deserialize, Serialize};

/// Java `CreateTopicListRequestBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateTopicListRequestBody {
    pub topic_config_list: Vec<TopicConfig>,
}
