//! Paths of the broker's JSON config files under `storePathRootDir/config` (Java
//! `BrokerPathConfigHelper`).

use std::path::{Path, PathBuf};

/// Returns `<root>/config`.
pub fn get_config_dir(root_dir: &str) -> PathBuf {
    Path::new(root_dir).join("config")
}

/// Returns `<root>/config/topics.json`.
pub fn get_topic_config_path(root_dir: &str) -> PathBuf {
    get_config_dir(root_dir).join("topics.json")
}

/// Returns `<root>/config/consumerOffset.json`.
pub fn get_consumer_offset_path(root_dir: &str) -> PathBuf {
    get_config_dir(root_dir).join("consumerOffset.json")
}

/// Returns `<root>/config/subscriptionGroup.json`.
pub fn get_subscription_group_path(root_dir: &str) -> PathBuf {
    get_config_dir(root_dir).join("subscriptionGroup.json")
}

/// Returns `<root>/config/delayOffset.json` (Java `StorePathConfigHelper.getDelayOffsetStorePath`).
pub fn get_delay_offset_store_path(root_dir: &str) -> PathBuf {
    get_config_dir(root_dir).join("delayOffset.json")
}

/// Returns `<root>/config/consumerFilter.json`.
pub fn get_consumer_filter_path(root_dir: &str) -> PathBuf {
    get_config_dir(root_dir).join("consumerFilter.json")
}
