//! `SubscriptionGroupManager`: consumer group settings persisted in
//! `config/subscriptionGroup.json` (Java `broker/subscription/SubscriptionGroupManager`).
//!
//! The built-in groups (`TOOLS_CONSUMER`, `FILTERSRV_CONSUMER`, `SELF_TEST_C_GROUP`,
//! `CID_ONS-HTTP-PROXY`, `CID_ONSAPI_PULL`, `CID_ONSAPI_PERMISSION`, `CID_ONSAPI_OWNER`,
//! `CID_RMQ_SYS_TRANS`) always exist; unknown groups are created on first use when
//! `autoCreateSubscriptionGroup` is on.

use crate::broker_config::BrokerConfig;
use crate::broker_path_config_helper;
use crate::config_manager::ConfigPersister;
use parking_lot::RwLock;
use rmq_common::config_manager::{ConfigManager, DecodeError};
use rmq_common::{mix_all, topic_validator, DataVersion};
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SubscriptionGroupFile {
    data_version: DataVersion,
    forbidden_table: BTreeMap<String, BTreeMap<String, i32>>,
    subscription_group_table: BTreeMap<String, SubscriptionGroupConfig>,
}

struct Table {
    groups: HashMap<String, Arc<SubscriptionGroupConfig>>,
    forbidden: BTreeMap<String, BTreeMap<String, i32>>,
    data_version: DataVersion,
}

/// The subscription group table.
pub struct SubscriptionGroupManager {
    broker_config: Arc<RwLock<BrokerConfig>>,
    file_path: PathBuf,
    table: RwLock<Table>,
    persister: ConfigPersister,
}

impl SubscriptionGroupManager {
    /// Builds the table with the built-in groups (Java `init`).
    pub fn new(
        broker_config: Arc<RwLock<BrokerConfig>>,
        store_path_root_dir: &str,
        persister: ConfigPersister,
    ) -> Self {
        let mut groups = HashMap::new();
        for (name, broadcast) in [
            (mix_all::TOOLS_CONSUMER_GROUP, false),
            (mix_all::FILTERSRV_CONSUMER_GROUP, false),
            (mix_all::SELF_TEST_CONSUMER_GROUP, false),
            (mix_all::ONS_HTTP_PROXY_GROUP, true),
            (mix_all::CID_ONSAPI_PULL_GROUP, true),
            (mix_all::CID_ONSAPI_PERMISSION_GROUP, true),
            (mix_all::CID_ONSAPI_OWNER_GROUP, true),
            (mix_all::CID_SYS_RMQ_TRANS, true),
        ] {
            let mut c = SubscriptionGroupConfig::new(name);
            c.consume_broadcast_enable = broadcast || c.consume_broadcast_enable;
            groups.insert(name.to_string(), Arc::new(c));
        }
        SubscriptionGroupManager {
            broker_config,
            file_path: broker_path_config_helper::get_subscription_group_path(store_path_root_dir),
            table: RwLock::new(Table {
                groups,
                forbidden: BTreeMap::new(),
                data_version: DataVersion::new(),
            }),
            persister,
        }
    }

    /// Returns the group's config, creating it with defaults when unknown and
    /// `autoCreateSubscriptionGroup` is on (Java `findSubscriptionGroupConfig`). `None` for an
    /// unknown group that may not be created, or a name that is too long or illegal.
    pub fn find_subscription_group_config(
        &self,
        group: &str,
    ) -> Option<Arc<SubscriptionGroupConfig>> {
        if let Some(c) = self.table.read().groups.get(group) {
            return Some(c.clone());
        }
        let (auto, sys) = {
            let bc = self.broker_config.read();
            (
                bc.auto_create_subscription_group,
                bc.enable_create_sys_group,
            )
        };
        let is_sys_group = sys && is_sys_consumer_group(group);
        if !(auto || is_sys_group) {
            return None;
        }
        if group.len() > topic_validator::GROUP_MAX_LENGTH
            || !topic_validator::is_topic_or_group_legal(group)
        {
            return None;
        }
        let created = {
            let mut t = self.table.write();
            let entry = t
                .groups
                .entry(group.to_string())
                .or_insert_with(|| {
                    let c = SubscriptionGroupConfig::new(group);
                    tracing::info!(group = %c, "auto create a subscription group");
                    Arc::new(c)
                })
                .clone();
            t.data_version.next_version();
            entry
        };
        self.persist();
        Some(created)
    }

    /// Returns the group's config without creating it.
    pub fn get_subscription_group_config(
        &self,
        group: &str,
    ) -> Option<Arc<SubscriptionGroupConfig>> {
        self.table.read().groups.get(group).cloned()
    }

    /// Returns true when the group exists.
    pub fn contains_subscription_group(&self, group: &str) -> bool {
        !group.trim().is_empty() && self.table.read().groups.contains_key(group)
    }

    /// Creates or replaces a group (Java `updateSubscriptionGroupConfig`).
    pub fn update_subscription_group_config(&self, config: SubscriptionGroupConfig) {
        self.update_without_persist(config);
        self.persist();
    }

    /// Creates or replaces several groups, persisting once.
    pub fn update_subscription_group_config_list(&self, list: Vec<SubscriptionGroupConfig>) {
        if list.is_empty() {
            return;
        }
        for c in list {
            self.update_without_persist(c);
        }
        self.persist();
    }

    fn update_without_persist(&self, config: SubscriptionGroupConfig) {
        let new = Arc::new(config);
        let old = {
            let mut t = self.table.write();
            let old = t.groups.insert(new.group_name.clone(), new.clone());
            t.data_version.next_version();
            old
        };
        match old {
            Some(old) => tracing::info!(old = %old, new = %new, "update subscription group config"),
            None => tracing::info!(group = %new, "create new subscription group"),
        }
    }

    /// Stops consumption of a group (Java `disableConsume`).
    pub fn disable_consume(&self, group: &str) {
        let mut t = self.table.write();
        if let Some(old) = t.groups.get(group).cloned() {
            let mut c = (*old).clone();
            c.consume_enable = false;
            t.groups.insert(group.to_string(), Arc::new(c));
            t.data_version.next_version();
        }
    }

    /// Removes a group (Java `deleteSubscriptionGroupConfig`).
    pub fn delete_subscription_group_config(&self, group: &str) -> bool {
        let removed = {
            let mut t = self.table.write();
            t.forbidden.remove(group);
            let r = t.groups.remove(group);
            if r.is_some() {
                t.data_version.next_version();
            }
            r
        };
        match removed {
            Some(old) => {
                tracing::info!(group = %old, "delete subscription group OK");
                self.persist();
                true
            }
            None => {
                tracing::warn!(
                    group,
                    "delete subscription group failed, subscription groupName not exist"
                );
                false
            }
        }
    }

    /// Replaces the whole table and its data version with the master's, then persists (Java
    /// `SlaveSynchronize#syncSubscriptionGroupConfig`; as Java's delete loop, the forbidden
    /// bits of every group held before the sync are dropped).
    pub fn replace_from_master(
        &self,
        groups: impl IntoIterator<Item = SubscriptionGroupConfig>,
        data_version: DataVersion,
    ) {
        {
            let mut t = self.table.write();
            let old: Vec<String> = t.groups.keys().cloned().collect();
            for g in &old {
                t.forbidden.remove(g);
            }
            t.groups = groups
                .into_iter()
                .map(|c| (c.group_name.clone(), Arc::new(c)))
                .collect();
            t.data_version = data_version;
        }
        self.persist();
    }

    /// Returns the forbidden bits of a group on a topic (Java `getForbidden`).
    pub fn get_forbidden(&self, group: &str, topic: &str) -> i32 {
        self.table
            .read()
            .forbidden
            .get(group)
            .and_then(|m| m.get(topic))
            .copied()
            .filter(|v| *v > 0)
            .unwrap_or(0)
    }

    /// Sets or clears one forbidden bit (Java `updateForbidden`).
    pub fn update_forbidden(&self, group: &str, topic: &str, index: u32, set: bool) {
        let bit = 1i32.checked_shl(index).unwrap_or(0);
        {
            let mut t = self.table.write();
            let cur = t
                .forbidden
                .get(group)
                .and_then(|m| m.get(topic))
                .copied()
                .unwrap_or(0);
            let new = if set { cur | bit } else { cur & !bit };
            if new <= 0 {
                t.forbidden.remove(group);
            } else {
                t.forbidden
                    .entry(group.to_string())
                    .or_default()
                    .insert(topic.to_string(), new);
            }
            t.data_version.next_version();
        }
        self.persist();
    }

    /// Returns a copy of every group.
    pub fn subscription_group_table(&self) -> BTreeMap<String, SubscriptionGroupConfig> {
        self.table
            .read()
            .groups
            .iter()
            .map(|(k, v)| (k.clone(), (**v).clone()))
            .collect()
    }

    /// Returns a copy of the data version.
    pub fn data_version(&self) -> DataVersion {
        self.table.read().data_version.clone()
    }
}

/// Java `MixAll.isSysConsumerGroup`: `CID_RMQ_SYS_` prefixed groups.
fn is_sys_consumer_group(group: &str) -> bool {
    group.starts_with("CID_RMQ_SYS_")
}

/// `config/subscriptionGroup.json` (Java `SubscriptionGroupManager` as a `ConfigManager`).
impl ConfigManager for SubscriptionGroupManager {
    /// Returns the JSON of `subscriptionGroup.json`.
    fn encode(&self, pretty: bool) -> String {
        let file = {
            let t = self.table.read();
            SubscriptionGroupFile {
                data_version: t.data_version.clone(),
                forbidden_table: t.forbidden.clone(),
                subscription_group_table: t
                    .groups
                    .iter()
                    .map(|(k, v)| (k.clone(), (**v).clone()))
                    .collect(),
            }
        };
        let bytes = if pretty {
            rmq_common::fastjson::to_vec_pretty(&file)
        } else {
            rmq_common::fastjson::to_vec(&file)
        };
        String::from_utf8(bytes).unwrap_or_default()
    }

    fn decode(&self, json: &str) -> Result<(), DecodeError> {
        let file = rmq_common::fastjson::from_str::<SubscriptionGroupFile>(json)?;
        let mut t = self.table.write();
        for (name, c) in file.subscription_group_table {
            tracing::info!(group = %c, "load exist subscription group");
            t.groups.insert(name, Arc::new(c));
        }
        t.forbidden.extend(file.forbidden_table);
        t.data_version = file.data_version;
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.file_path.clone()
    }

    /// Queues a write of `subscriptionGroup.json` on the persister thread.
    fn persist(&self) {
        self.persister
            .submit(self.file_path.clone(), self.encode(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager(dir: &std::path::Path, auto: bool) -> SubscriptionGroupManager {
        let bc = BrokerConfig {
            auto_create_subscription_group: auto,
            ..Default::default()
        };
        SubscriptionGroupManager::new(
            Arc::new(RwLock::new(bc)),
            dir.to_str().unwrap(),
            ConfigPersister::start().unwrap(),
        )
    }

    #[test]
    fn builtin_auto_create_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path(), true);
        assert!(m.contains_subscription_group("TOOLS_CONSUMER"));
        assert!(
            m.get_subscription_group_config("CID_ONSAPI_PULL")
                .unwrap()
                .consume_broadcast_enable
        );
        assert!(m.find_subscription_group_config("bad group").is_none());
        let g = m.find_subscription_group_config("g1").unwrap();
        assert_eq!(g.retry_max_times, 16);
        let mut c = SubscriptionGroupConfig::new("g2");
        c.retry_max_times = 3;
        m.update_subscription_group_config(c);
        m.update_forbidden("g2", "T", 1, true);
        assert_eq!(m.get_forbidden("g2", "T"), 2);
        m.persister.flush();
        let m2 = manager(dir.path(), false);
        assert!(m2.load());
        assert_eq!(
            m2.find_subscription_group_config("g2")
                .unwrap()
                .retry_max_times,
            3
        );
        assert!(m2.contains_subscription_group("g1"));
        assert!(m2.find_subscription_group_config("unknown").is_none());
        assert_eq!(m2.get_forbidden("g2", "T"), 2);
        assert!(m2.delete_subscription_group_config("g2"));
    }
}
