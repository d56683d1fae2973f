//! A consumer group's broker-side settings (Java `SubscriptionGroupConfig`), the body of
//! UPDATE_AND_CREATE_SUBSCRIPTIONGROUP and GET_SUBSCRIPTIONGROUP_CONFIG, and the value type of
//! `subscriptionGroup.json` / GET_ALL_SUBSCRIPTIONGROUP_CONFIG (Java `SubscriptionGroupWrapper`).

use rmq_common::DataVersion;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

fn default_group_retry_policy() -> serde_json::Value {
    serde_json::json!({"type": "CUSTOMIZED"})
}

/// Java `SubscriptionGroupConfig`. `groupRetryPolicy` and `subscriptionDataSet` are kept as
/// JSON so they round-trip unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionGroupConfig {
    pub group_name: String,
    pub consume_enable: bool,
    pub consume_from_min_enable: bool,
    pub consume_broadcast_enable: bool,
    pub consume_message_orderly: bool,
    pub retry_queue_nums: i32,
    pub retry_max_times: i32,
    pub group_retry_policy: serde_json::Value,
    pub broker_id: i64,
    pub which_broker_when_consume_slowly: i64,
    pub notify_consumer_ids_changed_enable: bool,
    pub group_sys_flag: i32,
    pub consume_timeout_minute: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_data_set: Option<serde_json::Value>,
    pub attributes: BTreeMap<String, String>,
}

impl Default for SubscriptionGroupConfig {
    fn default() -> Self {
        SubscriptionGroupConfig {
            group_name: String::new(),
            consume_enable: true,
            consume_from_min_enable: true,
            consume_broadcast_enable: true,
            consume_message_orderly: false,
            retry_queue_nums: 1,
            retry_max_times: 16,
            group_retry_policy: default_group_retry_policy(),
            broker_id: 0,
            which_broker_when_consume_slowly: 1,
            notify_consumer_ids_changed_enable: true,
            group_sys_flag: 0,
            consume_timeout_minute: 15,
            subscription_data_set: None,
            attributes: BTreeMap::new(),
        }
    }
}

impl SubscriptionGroupConfig {
    /// Builds a config with Java's defaults for `group_name`.
    pub fn new(group_name: impl Into<String>) -> Self {
        SubscriptionGroupConfig {
            group_name: group_name.into(),
            ..Default::default()
        }
    }
}

impl fmt::Display for SubscriptionGroupConfig {
    /// Java's Guava `toStringHelper` form, as `mqadmin updateSubGroup` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy_type = self
            .group_retry_policy
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("CUSTOMIZED");
        let attrs: Vec<String> = self
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        write!(
            f,
            "SubscriptionGroupConfig{{groupName={}, consumeEnable={}, consumeFromMinEnable={}, \
             consumeBroadcastEnable={}, consumeMessageOrderly={}, retryQueueNums={}, \
             retryMaxTimes={}, groupRetryPolicy=GroupRetryPolicy{{type={}, \
             exponentialRetryPolicy=null, customizedRetryPolicy=null}}, brokerId={}, \
             whichBrokerWhenConsumeSlowly={}, notifyConsumerIdsChangedEnable={}, groupSysFlag={}, \
             consumeTimeoutMinute={}, subscriptionDataSet={}, attributes={{{}}}}}",
            self.group_name,
            self.consume_enable,
            self.consume_from_min_enable,
            self.consume_broadcast_enable,
            self.consume_message_orderly,
            self.retry_queue_nums,
            self.retry_max_times,
            policy_type,
            self.broker_id,
            self.which_broker_when_consume_slowly,
            self.notify_consumer_ids_changed_enable,
            self.group_sys_flag,
            self.consume_timeout_minute,
            if self.subscription_data_set.is_some() {
                "[...]"
            } else {
                "null"
            },
            attrs.join(", ")
        )
    }
}

/// Body of GET_ALL_SUBSCRIPTIONGROUP_CONFIG (Java `SubscriptionGroupWrapper`); also the shape
/// of `subscriptionGroup.json` minus `forbiddenTable`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionGroupWrapper {
    pub subscription_group_table: BTreeMap<String, SubscriptionGroupConfig>,
    pub data_version: DataVersion,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn java_json_round_trip() {
        let java = r#"{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,"consumeMessageOrderly":false,"consumeTimeoutMinute":15,"groupName":"g1","groupRetryPolicy":{"type":"CUSTOMIZED"},"groupSysFlag":0,"notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1,"attributes":{}}"#;
        let c: SubscriptionGroupConfig = decode(java.as_bytes()).unwrap();
        assert_eq!(c, SubscriptionGroupConfig::new("g1"));
        let old49: SubscriptionGroupConfig =
            decode(br#"{"groupName":"g","retryMaxTimes":3}"#).unwrap();
        assert_eq!(old49.retry_max_times, 3);
        assert!(old49.consume_enable);
        let back: SubscriptionGroupConfig = decode(&encode(&c)).unwrap();
        assert_eq!(back, c);
        assert!(c.to_string().starts_with(
            "SubscriptionGroupConfig{groupName=g1, consumeEnable=true, consumeFromMinEnable=true"
        ));
    }
}
