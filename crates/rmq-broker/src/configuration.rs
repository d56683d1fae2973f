//! The broker's view of all its config objects (Java `org.apache.rocketmq.remoting.Configuration`
//! as `BrokerController` builds it): `GET_BROKER_CONFIG` prints every key, sorted;
//! `UPDATE_BROKER_CONFIG` binds the new values, bumps the data version and rewrites the config
//! file (`brokerConfigPath`, i.e. the `-c` file, else `~/store/config/broker.properties`).
//!
//! `BrokerConfig` is live: an update changes the running broker. The other objects
//! (`NettyServerConfig`, `NettyClientConfig`, `MessageStoreConfig`) are fixed once the broker
//! runs in rmq, so an update of their keys is shown by `GET_BROKER_CONFIG` and persisted to the
//! file, taking effect at the next start.

use crate::broker_config::BrokerConfig;
use parking_lot::RwLock;
use rmq_common::configuration::SharedConfig;
use rmq_common::properties::Properties;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Java `BrokerPathConfigHelper.brokerConfigPath`'s default: `~/store/config/broker.properties`.
pub fn default_broker_config_path() -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_default();
    Path::new(&home)
        .join("store")
        .join("config")
        .join("broker.properties")
}

/// All config objects of a broker, printable and updatable as one properties set: an
/// [`rmq_common::Configuration`] with `BrokerConfig` registered live and the other objects'
/// properties registered as plain properties, plus the broker's key spellings.
pub struct Configuration {
    inner: rmq_common::Configuration,
}

impl Configuration {
    /// Builds the view; `fixed` holds the properties of the non-live objects.
    pub fn new(
        broker_config: Arc<RwLock<BrokerConfig>>,
        fixed: Properties,
        store_path: PathBuf,
    ) -> Self {
        let inner = rmq_common::Configuration::new(store_path)
            .register_properties(fixed)
            .register_config(SharedConfig::new(
                broker_config,
                crate::broker_config::BROKER_CONFIG_ALIASES,
            ));
        Configuration { inner }
    }

    /// Returns the file `update` rewrites.
    pub fn store_path(&self) -> PathBuf {
        self.inner.store_path()
    }

    /// Returns every key and value (Java `getAllConfigs` after a reload from the objects).
    pub fn all_configs(&self) -> Properties {
        self.inner.all_configs()
    }

    /// Returns Java's `getAllConfigsFormatString`: `key=value` lines, sorted.
    pub fn all_configs_format_string(&self) -> String {
        self.inner.all_configs_format_string()
    }

    /// Returns the data version as JSON (`getDataVersionJson`).
    pub fn data_version_json(&self) -> String {
        self.inner.data_version_json()
    }

    /// Applies `props` (Java `update`: only keys that exist are taken, each object binds the
    /// keys it knows) and returns the text to persist with [`Configuration::persist`].
    pub fn update(&self, props: &Properties) -> String {
        self.inner.update(&normalize(props));
        self.inner.all_configs_format_string()
    }

    /// Writes `text` to the config file, keeping the previous one as `.bak` (Java `persist`,
    /// `MixAll.string2File`); blocking.
    pub fn persist(&self, text: &str) {
        if let Err(e) = rmq_common::mix_all::string_to_file(text, &self.inner.store_path()) {
            tracing::error!("persist string2File error, {e}");
        }
    }
}

/// Renames setter spellings (`scanAvailableNameSrv`) to the printed field names
/// (`isScanAvailableNameSrv`), as Java's reload from the objects shows them, and keeps pinned
/// keys at their pinned value (with a warning when another was asked for).
fn normalize(props: &Properties) -> Properties {
    props
        .iter()
        .map(|(k, v)| {
            let k = rmq_remoting::NETTY_CLIENT_CONFIG_ALIASES
                .iter()
                .chain(rmq_store::config::MESSAGE_STORE_CONFIG_ALIASES)
                .find(|(alias, _)| alias == k)
                .map_or(k.as_str(), |(_, field)| field);
            let v = match crate::not_implemented_keys::PINNED
                .iter()
                .find(|(key, _)| *key == k)
            {
                Some((_, pinned)) => {
                    if v != pinned {
                        tracing::warn!(
                            "{}; it stays {pinned}",
                            rmq_remoting::not_implemented_keys::warning(k, "not implemented")
                        );
                    }
                    pinned.to_string()
                }
                None => v.clone(),
            };
            (k.to_string(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::properties;

    #[test]
    fn update_binds_live_keys_keeps_fixed_ones_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broker.conf");
        std::fs::write(&path, "brokerName=old\n").unwrap();
        let bc = Arc::new(RwLock::new(BrokerConfig::default()));
        let fixed = properties::parse("listenPort=10911\nflushDiskType=ASYNC_FLUSH\n");
        let c = Configuration::new(bc.clone(), fixed, path.clone());
        let v0 = c.data_version_json();
        let text = c.update(&properties::parse(
            "autoCreateTopicEnable=false\nflushDiskType=SYNC_FLUSH\nnoSuchKey=1\n",
        ));
        assert!(!bc.read().auto_create_topic_enable);
        assert_ne!(c.data_version_json(), v0);
        let all = c.all_configs();
        assert_eq!(all["flushDiskType"], "SYNC_FLUSH");
        assert_eq!(all["autoCreateTopicEnable"], "false");
        assert!(!all.contains_key("noSuchKey"));
        c.persist(&text);
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.contains("autoCreateTopicEnable=false\n"));
        assert!(written.contains("flushDiskType=SYNC_FLUSH\n"));
        let bak = std::fs::read_to_string(dir.path().join("broker.conf.bak")).unwrap();
        assert_eq!(bak, "brokerName=old\n");
    }

    #[test]
    fn setter_spellings_update_the_printed_field_names() {
        let bc = Arc::new(RwLock::new(BrokerConfig::default()));
        let fixed = properties::parse("isScanAvailableNameSrv=true\nlistenPort=10911\n");
        let c = Configuration::new(bc.clone(), fixed, "/nonexistent/broker.conf".into());
        c.update(&properties::parse(
            "inBrokerContainer=true\nscanAvailableNameSrv=false\n",
        ));
        assert!(bc.read().in_broker_container);
        let all = c.all_configs();
        assert_eq!(all["isInBrokerContainer"], "true");
        assert_eq!(all["isScanAvailableNameSrv"], "false");
        assert!(
            !all.contains_key("inBrokerContainer") && !all.contains_key("scanAvailableNameSrv")
        );
    }

    #[test]
    fn timer_wheel_enable_is_not_pinned() {
        let bc = Arc::new(RwLock::new(BrokerConfig::default()));
        let fixed = properties::parse("timerWheelEnable=true\n");
        let c = Configuration::new(bc, fixed, "/nonexistent/broker.conf".into());
        let text = c.update(&properties::parse("timerWheelEnable=false\n"));
        assert_eq!(c.all_configs()["timerWheelEnable"], "false");
        assert!(text.contains("timerWheelEnable=false\n"));
    }
}
