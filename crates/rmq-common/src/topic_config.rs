//! `TopicConfig`: a topic's queues, permission and flags on one broker.

use crate::perm_name;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How a topic's messages are tagged (`TopicFilterType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
pub enum TopicFilterType {
    #[default]
    #[serde(rename = "SINGLE_TAG")]
    SingleTag,
    #[serde(rename = "MULTI_TAG")]
    MultiTag,
}

impl TopicFilterType {
    /// Returns Java's enum name.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicFilterType::SingleTag => "SINGLE_TAG",
            TopicFilterType::MultiTag => "MULTI_TAG",
        }
    }

    /// Parses Java's enum name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "SINGLE_TAG" => Some(TopicFilterType::SingleTag),
            "MULTI_TAG" => Some(TopicFilterType::MultiTag),
            _ => None,
        }
    }
}

/// Java's `TopicConfig`, as stored in `topics.json` and registered with name servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicConfig {
    pub topic_name: String,
    pub read_queue_nums: i32,
    pub write_queue_nums: i32,
    pub perm: i32,
    pub topic_filter_type: TopicFilterType,
    pub topic_sys_flag: i32,
    pub order: bool,
    pub attributes: BTreeMap<String, String>,
}

/// Default queue count of a new topic config (`TopicConfig.defaultReadQueueNums`).
pub const DEFAULT_READ_QUEUE_NUMS: i32 = 16;
/// Default write queue count (`TopicConfig.defaultWriteQueueNums`).
pub const DEFAULT_WRITE_QUEUE_NUMS: i32 = 16;

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            topic_name: String::new(),
            read_queue_nums: DEFAULT_READ_QUEUE_NUMS,
            write_queue_nums: DEFAULT_WRITE_QUEUE_NUMS,
            perm: perm_name::DEFAULT_PERM,
            topic_filter_type: TopicFilterType::SingleTag,
            topic_sys_flag: 0,
            order: false,
            attributes: BTreeMap::new(),
        }
    }
}

impl TopicConfig {
    /// Builds a config with the given name and Java's defaults.
    pub fn new(topic_name: impl Into<String>) -> Self {
        TopicConfig {
            topic_name: topic_name.into(),
            ..Default::default()
        }
    }

    /// Builds a config with queue counts and permission.
    pub fn with_queues(topic_name: impl Into<String>, read: i32, write: i32, perm: i32) -> Self {
        TopicConfig {
            topic_name: topic_name.into(),
            read_queue_nums: read,
            write_queue_nums: write,
            perm,
            ..Default::default()
        }
    }

    /// Encodes the space-separated text form used in compressed registrations
    /// (`TopicConfig#encode`): `name read write perm filterType attributesJson`.
    pub fn encode(&self) -> String {
        let attrs = serde_json::to_string(&self.attributes).unwrap_or_else(|_| "{}".into());
        format!(
            "{} {} {} {} {} {}",
            self.topic_name,
            self.read_queue_nums,
            self.write_queue_nums,
            self.perm,
            self.topic_filter_type.as_str(),
            attrs
        )
    }

    /// Decodes the text form; `None` if it has fewer than five fields or bad numbers.
    pub fn decode(s: &str) -> Option<Self> {
        let parts: Vec<&str> = s.splitn(6, ' ').collect();
        if parts.len() < 5 {
            return None;
        }
        let mut tc = TopicConfig::new(parts[0]);
        tc.read_queue_nums = parts[1].parse().ok()?;
        tc.write_queue_nums = parts[2].parse().ok()?;
        tc.perm = parts[3].parse().ok()?;
        tc.topic_filter_type = TopicFilterType::parse(parts[4])?;
        if let Some(attrs) = parts.get(5) {
            tc.attributes = crate::fastjson::from_str(attrs).unwrap_or_default();
        }
        Some(tc)
    }
}

impl fmt::Display for TopicConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attrs: Vec<String> = self
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        write!(
            f,
            "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, topicFilterType={}, topicSysFlag={}, order={}, attributes={{{}}}]",
            self.topic_name,
            self.read_queue_nums,
            self.write_queue_nums,
            perm_name::perm_to_string(self.perm),
            self.topic_filter_type.as_str(),
            self.topic_sys_flag,
            self.order,
            attrs.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trip() {
        let mut tc = TopicConfig::with_queues("T", 8, 4, 6);
        tc.attributes
            .insert("+message.type".into(), "NORMAL".into());
        let s = tc.encode();
        assert_eq!(s, r#"T 8 4 6 SINGLE_TAG {"+message.type":"NORMAL"}"#);
        assert_eq!(TopicConfig::decode(&s), Some(tc));
        assert_eq!(TopicConfig::decode("T 1 1 6"), None);
    }

    #[test]
    fn json_and_display() {
        let tc: TopicConfig = serde_json::from_str(
            r#"{"topicName":"T","readQueueNums":8,"writeQueueNums":8,"perm":6,"topicFilterType":"SINGLE_TAG","topicSysFlag":0,"order":false}"#,
        )
        .unwrap();
        assert_eq!(
            tc.to_string(),
            "TopicConfig [topicName=T, readQueueNums=8, writeQueueNums=8, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={}]"
        );
    }
}
