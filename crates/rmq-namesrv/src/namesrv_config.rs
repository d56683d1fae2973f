//! `NamesrvConfig`: the NameServer's settings with Java's key names and defaults (Java
//! `common/.../namesrv/NamesrvConfig.java`), plus one rmq-specific key,
//! `brokerChannelExpiredTime`.

use crate::error::NamesrvError;
use rmq_common::mix_all::user_home;
use rmq_remoting::not_implemented_keys::{NotImplementedKey, TOKIO_POOLS};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Expiry of a broker registration whose header has no `heartbeatTimeoutMillis`
/// (Java: `RouteInfoManager.DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`, two minutes).
pub const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MILLIS: i64 = 120_000;

/// The NameServer's settings. Keys are Java's field names (`MixAll.properties2Object`); every
/// field keeps Java's default. Thread-pool keys are accepted and shown but unused: requests run
/// on tokio tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NamesrvConfig {
    /// Installation directory (Java: `-Drocketmq.home.dir` or `ROCKETMQ_HOME`); empty if unset.
    pub rocketmq_home: String,
    /// Where the KV store is persisted; default `~/namesrv/kvConfig.json`.
    pub kv_config_path: String,
    /// Where UPDATE_NAMESRV_CONFIG persists the configuration; default
    /// `~/namesrv/namesrv.properties` (`mqnamesrv -c FILE` sets it to FILE, as Java does).
    pub config_store_path: String,
    pub product_env_name: String,
    /// Java serves routes missing here from the product environment's name server; rmq
    /// accepts the key but always answers from its own tables ([`NOT_IMPLEMENTED_KEYS`]).
    pub cluster_test: bool,
    /// Adds the `ORDER_TOPIC_CONFIG` KV entry of a topic to its route as `orderTopicConf`.
    pub order_message_enable: bool,
    /// Returns the `ORDER_TOPIC_CONFIG` namespace in REGISTER_BROKER responses.
    pub return_order_topic_config_to_broker: bool,
    pub client_request_thread_pool_nums: i32,
    pub default_thread_pool_nums: i32,
    pub client_request_thread_pool_queue_capacity: i32,
    pub default_thread_pool_queue_capacity: i32,
    /// Period of `scanNotActiveBroker`, in milliseconds.
    pub scan_not_active_broker_interval: i64,
    /// Capacity of the queue of pending unregistrations (UNREGISTER_BROKER answers
    /// SYSTEM_ERROR when it is full).
    pub un_register_broker_queue_capacity: i32,
    /// Reports the lowest-id slave as master when a group lost its master.
    pub support_acting_master: bool,
    /// Serves GET_ALL_TOPIC_LIST_FROM_NAMESERVER (else SYSTEM_ERROR "disable").
    pub enable_all_topic_list: bool,
    /// Serves GET_TOPICS_BY_CLUSTER and the unit topic lists (else SYSTEM_ERROR "disable").
    pub enable_topic_list: bool,
    /// Sends NOTIFY_MIN_BROKER_ID_CHANGE to acting-master broker groups.
    pub notify_min_broker_id_changed: bool,
    /// Starts a controller beside the NameServer (mqnamesrv binds `ControllerConfig` from
    /// the same file, as Java's `NamesrvStartup`).
    pub enable_controller_in_namesrv: bool,
    /// Answers route queries with SYSTEM_ERROR "name server not ready" during the first
    /// `waitSecondsForService` seconds.
    pub need_wait_for_service: bool,
    pub wait_seconds_for_service: i32,
    /// Drops a broker's topics that are missing from its newest registration.
    pub delete_topic_with_broker_registration: bool,
    /// `;`-separated keys UPDATE_NAMESRV_CONFIG refuses to change (besides the fixed ones).
    pub config_black_list: String,
    /// rmq-specific: expiry in milliseconds of a broker whose REGISTER_BROKER header has no
    /// `heartbeatTimeoutMillis` (Java hard-codes 120000). Tests shorten it.
    pub broker_channel_expired_time: i64,
}

/// `NamesrvConfig` keys the NameServer parses but does not act on (see
/// `rmq_remoting::not_implemented_keys` for how the tables are kept).
pub const NOT_IMPLEMENTED_KEYS: &[NotImplementedKey] = &[
    ("productEnvName", "no cluster test mode (clusterTest)"),
    (
        "clusterTest",
        "routes are always served from this name server's own tables",
    ),
    ("clientRequestThreadPoolNums", TOKIO_POOLS),
    ("defaultThreadPoolNums", TOKIO_POOLS),
    ("clientRequestThreadPoolQueueCapacity", TOKIO_POOLS),
    ("defaultThreadPoolQueueCapacity", TOKIO_POOLS),
];

impl Default for NamesrvConfig {
    fn default() -> Self {
        let home = user_home();
        let under_home = |name: &str| {
            Path::new(&home)
                .join("namesrv")
                .join(name)
                .to_string_lossy()
                .into_owned()
        };
        NamesrvConfig {
            rocketmq_home: std::env::var("ROCKETMQ_HOME").unwrap_or_default(),
            kv_config_path: under_home("kvConfig.json"),
            config_store_path: under_home("namesrv.properties"),
            product_env_name: "center".into(),
            cluster_test: false,
            order_message_enable: false,
            return_order_topic_config_to_broker: true,
            client_request_thread_pool_nums: 8,
            default_thread_pool_nums: 16,
            client_request_thread_pool_queue_capacity: 50_000,
            default_thread_pool_queue_capacity: 10_000,
            scan_not_active_broker_interval: 5_000,
            un_register_broker_queue_capacity: 3_000,
            support_acting_master: false,
            enable_all_topic_list: true,
            enable_topic_list: true,
            notify_min_broker_id_changed: false,
            enable_controller_in_namesrv: false,
            need_wait_for_service: false,
            wait_seconds_for_service: 45,
            delete_topic_with_broker_registration: false,
            config_black_list: "configBlackList;configStorePath;kvConfigPath".into(),
            broker_channel_expired_time: DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MILLIS,
        }
    }
}

impl NamesrvConfig {
    /// Checks the values the NameServer cannot run with.
    pub fn validate(&self) -> Result<(), NamesrvError> {
        if self.scan_not_active_broker_interval <= 0 {
            return Err(NamesrvError::InvalidConfig(format!(
                "scanNotActiveBrokerInterval must be positive, got {}",
                self.scan_not_active_broker_interval
            )));
        }
        if self.broker_channel_expired_time <= 0 {
            return Err(NamesrvError::InvalidConfig(format!(
                "brokerChannelExpiredTime must be positive, got {}",
                self.broker_channel_expired_time
            )));
        }
        if self.un_register_broker_queue_capacity <= 0 {
            return Err(NamesrvError::InvalidConfig(format!(
                "unRegisterBrokerQueueCapacity must be positive, got {}",
                self.un_register_broker_queue_capacity
            )));
        }
        if self.kv_config_path.trim().is_empty() {
            return Err(NamesrvError::InvalidConfig(
                "kvConfigPath must not be empty".into(),
            ));
        }
        Ok(())
    }

    /// Returns the keys UPDATE_NAMESRV_CONFIG refuses: the fixed ones plus `configBlackList`
    /// (Java: `DefaultRequestProcessor#initConfigBlackList`).
    pub fn black_list_keys(&self) -> Vec<String> {
        rmq_common::configuration::black_list_keys(
            &[
                "configBlackList",
                "configStorePath",
                "kvConfigPath",
                "rocketmqHome",
            ],
            &self.config_black_list,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::properties;

    #[test]
    fn java_defaults_and_keys() {
        let c = NamesrvConfig::default();
        assert!(c.kv_config_path.ends_with("namesrv/kvConfig.json"));
        assert!(c.config_store_path.ends_with("namesrv/namesrv.properties"));
        assert_eq!(c.scan_not_active_broker_interval, 5000);
        assert!(c.return_order_topic_config_to_broker);
        assert!(!c.order_message_enable);
        let p = properties::object_to_properties(&c);
        for key in [
            "rocketmqHome",
            "kvConfigPath",
            "configStorePath",
            "productEnvName",
            "clusterTest",
            "orderMessageEnable",
            "returnOrderTopicConfigToBroker",
            "clientRequestThreadPoolNums",
            "defaultThreadPoolNums",
            "clientRequestThreadPoolQueueCapacity",
            "defaultThreadPoolQueueCapacity",
            "scanNotActiveBrokerInterval",
            "unRegisterBrokerQueueCapacity",
            "supportActingMaster",
            "enableAllTopicList",
            "enableTopicList",
            "notifyMinBrokerIdChanged",
            "enableControllerInNamesrv",
            "needWaitForService",
            "waitSecondsForService",
            "deleteTopicWithBrokerRegistration",
            "configBlackList",
            "brokerChannelExpiredTime",
        ] {
            assert!(p.contains_key(key), "missing {key}");
        }
        assert_eq!(p.len(), 23);
    }

    #[test]
    fn binds_and_validates() {
        let mut c = NamesrvConfig::default();
        let props = properties::parse(
            "scanNotActiveBrokerInterval=1000\norderMessageEnable=true\nnope=1\nwaitSecondsForService=x\n",
        );
        let r = properties::bind(&mut c, &props, &[]);
        assert_eq!(c.scan_not_active_broker_interval, 1000);
        assert!(c.order_message_enable);
        assert_eq!(r.unknown_keys, vec!["nope".to_string()]);
        assert_eq!(r.invalid_keys, vec!["waitSecondsForService".to_string()]);
        assert!(c.validate().is_ok());
        c.scan_not_active_broker_interval = 0;
        assert!(c.validate().is_err());
    }

    #[test]
    fn every_not_implemented_key_exists() {
        assert_eq!(
            rmq_remoting::not_implemented_keys::table_problems(
                NOT_IMPLEMENTED_KEYS,
                &NamesrvConfig::default()
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn black_list() {
        let c = NamesrvConfig {
            config_black_list: "configBlackList;;listenPort".into(),
            ..Default::default()
        };
        let keys = c.black_list_keys();
        assert!(keys.contains(&"rocketmqHome".to_string()));
        assert!(keys.contains(&"listenPort".to_string()));
        assert!(!keys.contains(&String::new()));
    }
}
