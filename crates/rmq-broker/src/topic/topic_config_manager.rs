//! `TopicConfigManager`: the broker's topics, their queues and permissions, persisted in
//! `config/topics.json` (Java `broker/topic/TopicConfigManager`).
//!
//! At start the system topics are put in (`SELF_TEST_TOPIC`, `TBW102` when auto-creation is on,
//! `BenchmarkTest`, the cluster and broker name topics, `OFFSET_MOVED_EVENT`,
//! `SCHEDULE_TOPIC_XXXX`, the trace and reply topics, the 5.x revive, sync-member and
//! transaction topics); `load` then adds what the file holds. Every change bumps the
//! `DataVersion`, persists, and tells the registration hook so the name servers learn about it.

use crate::attribute_util;
use crate::broker_config::BrokerConfig;
use crate::broker_path_config_helper;
use crate::config_manager::ConfigPersister;
use parking_lot::{Mutex, RwLock};
use rmq_common::config_manager::{ConfigManager, DecodeError};
use rmq_common::{mix_all, perm_name, DataVersion, TopicConfig, TopicFilterType};
use rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use rmq_remoting::protocol::body::route::KVTable;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Queues of `SCHEDULE_TOPIC_XXXX` (one per delay level).
pub const SCHEDULE_TOPIC_QUEUE_NUM: i32 = 18;

/// Called with a changed topic and the new data version (Java
/// `BrokerController#registerIncrementBrokerData`).
pub type RegisterHook = Box<dyn Fn(Arc<TopicConfig>, DataVersion) + Send + Sync>;

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct TopicsFile {
    data_version: DataVersion,
    topic_config_table: BTreeMap<String, TopicConfig>,
}

struct Table {
    topics: HashMap<String, Arc<TopicConfig>>,
    data_version: DataVersion,
}

/// The topic table.
pub struct TopicConfigManager {
    broker_config: Arc<RwLock<BrokerConfig>>,
    file_path: PathBuf,
    table: RwLock<Table>,
    /// Serializes creations (Java `topicConfigTableLock`).
    create_lock: Mutex<()>,
    persister: ConfigPersister,
    register_hook: OnceLock<RegisterHook>,
}

impl TopicConfigManager {
    /// Builds the table with the system topics (Java `init`).
    pub fn new(
        broker_config: Arc<RwLock<BrokerConfig>>,
        store_path_root_dir: &str,
        timer_wheel_enable: bool,
        persister: ConfigPersister,
    ) -> Self {
        let mut topics = HashMap::new();
        {
            let bc = broker_config.read();
            let mut put = |tc: TopicConfig| {
                topics.insert(tc.topic_name.clone(), Arc::new(tc));
            };
            let q1 = |name: &str| TopicConfig {
                read_queue_nums: 1,
                write_queue_nums: 1,
                ..TopicConfig::new(name)
            };
            put(q1(mix_all::RMQ_SYS_SELF_TEST_TOPIC));
            if bc.auto_create_topic_enable {
                put(TopicConfig::with_queues(
                    mix_all::AUTO_CREATE_TOPIC_KEY_TOPIC,
                    bc.default_topic_queue_nums,
                    bc.default_topic_queue_nums,
                    perm_name::PERM_INHERIT | perm_name::PERM_READ | perm_name::PERM_WRITE,
                ));
            }
            put(TopicConfig::with_queues(
                mix_all::RMQ_SYS_BENCHMARK_TOPIC,
                1024,
                1024,
                perm_name::DEFAULT_PERM,
            ));
            let mut cluster = TopicConfig::new(bc.broker_cluster_name.clone());
            cluster.perm = perm_name::PERM_INHERIT;
            if bc.cluster_topic_enable {
                cluster.perm |= perm_name::PERM_READ | perm_name::PERM_WRITE;
            }
            put(cluster);
            let mut broker = q1(&bc.broker_name);
            broker.perm = perm_name::PERM_INHERIT;
            if bc.broker_topic_enable {
                broker.perm |= perm_name::PERM_READ | perm_name::PERM_WRITE;
            }
            put(broker);
            put(q1(mix_all::RMQ_SYS_OFFSET_MOVED_EVENT));
            put(TopicConfig::with_queues(
                mix_all::RMQ_SYS_SCHEDULE_TOPIC,
                SCHEDULE_TOPIC_QUEUE_NUM,
                SCHEDULE_TOPIC_QUEUE_NUM,
                perm_name::DEFAULT_PERM,
            ));
            if bc.trace_topic_enable {
                put(q1(&bc.msg_trace_topic_name));
            }
            put(q1(&mix_all::get_reply_topic(&bc.broker_cluster_name)));
            put(TopicConfig::with_queues(
                format!("{}{}", mix_all::REVIVE_LOG_PREFIX, bc.broker_cluster_name),
                bc.revive_queue_num,
                bc.revive_queue_num,
                perm_name::DEFAULT_PERM,
            ));
            let mut sync = q1(&format!(
                "{}{}",
                mix_all::SYNC_BROKER_MEMBER_GROUP_PREFIX,
                bc.broker_name
            ));
            sync.perm = perm_name::PERM_INHERIT;
            put(sync);
            put(q1(mix_all::RMQ_SYS_TRANS_HALF_TOPIC));
            put(q1(mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC));
            if timer_wheel_enable {
                put(q1(mix_all::TIMER_TOPIC));
            }
        }
        TopicConfigManager {
            broker_config,
            file_path: broker_path_config_helper::get_topic_config_path(store_path_root_dir),
            table: RwLock::new(Table {
                topics,
                data_version: DataVersion::new(),
            }),
            create_lock: Mutex::new(()),
            persister,
            register_hook: OnceLock::new(),
        }
    }

    /// Sets the hook told about created or changed topics; only the first call counts.
    pub fn set_register_hook(&self, hook: RegisterHook) {
        let _ = self.register_hook.set(hook);
    }

    /// Returns a topic's config.
    pub fn select_topic_config(&self, topic: &str) -> Option<Arc<TopicConfig>> {
        self.table.read().topics.get(topic).cloned()
    }

    /// Returns true when the topic exists.
    pub fn contains_topic(&self, topic: &str) -> bool {
        self.table.read().topics.contains_key(topic)
    }

    /// Returns true for an order topic.
    pub fn is_order_topic(&self, topic: &str) -> bool {
        self.select_topic_config(topic).is_some_and(|t| t.order)
    }

    /// Returns a copy of the data version.
    pub fn data_version(&self) -> DataVersion {
        self.table.read().data_version.clone()
    }

    /// Advances the data version (Java `getDataVersion().nextVersion(stateMachineVersion)`
    /// after a `brokerPermission` change), so the name servers take the next registration.
    pub fn next_data_version(&self) {
        self.table.write().data_version.next_version();
    }

    /// Advances the data version with the master epoch as its state version (Java
    /// `getDataVersion().nextVersion(newMasterEpoch)` on a role change in controller mode).
    pub fn next_data_version_with_state(&self, state_version: i64) {
        self.table
            .write()
            .data_version
            .next_version_with_state(state_version);
    }

    /// Returns every topic config.
    pub fn topic_config_table(&self) -> HashMap<String, Arc<TopicConfig>> {
        self.table.read().topics.clone()
    }

    /// Returns the topic names.
    pub fn topic_names(&self) -> Vec<String> {
        self.table.read().topics.keys().cloned().collect()
    }

    /// Returns the table and version as the registration body carries them.
    pub fn build_topic_config_serialize_wrapper(&self) -> TopicConfigSerializeWrapper {
        let t = self.table.read();
        TopicConfigSerializeWrapper {
            topic_config_table: t
                .topics
                .iter()
                .map(|(k, v)| (k.clone(), (**v).clone()))
                .collect(),
            data_version: t.data_version.clone(),
            ..Default::default()
        }
    }

    /// Creates `topic` from the template `default_topic` when a producer sends to an unknown
    /// topic (Java `createTopicInSendMessageMethod`). Returns the existing or new config, or
    /// `None` when the template does not exist or does not allow inheriting.
    pub fn create_topic_in_send_message_method(
        &self,
        topic: &str,
        default_topic: &str,
        remote_address: &str,
        client_default_topic_queue_nums: i32,
        topic_sys_flag: i32,
    ) -> Option<Arc<TopicConfig>> {
        let created = {
            let _guard = self.create_lock.lock();
            if let Some(tc) = self.select_topic_config(topic) {
                return Some(tc);
            }
            let auto_create = self.broker_config.read().auto_create_topic_enable;
            let Some(default_tc) = self.select_topic_config(default_topic) else {
                tracing::warn!(
                    default_topic,
                    producer = remote_address,
                    "Create new topic failed, because the default topic not exist"
                );
                return None;
            };
            let mut default_perm = default_tc.perm;
            if default_topic == mix_all::AUTO_CREATE_TOPIC_KEY_TOPIC && !auto_create {
                // Java overwrites the template's perm in place.
                default_perm = perm_name::PERM_READ | perm_name::PERM_WRITE;
                let mut tc = (*default_tc).clone();
                tc.perm = default_perm;
                self.table
                    .write()
                    .topics
                    .insert(tc.topic_name.clone(), Arc::new(tc));
            }
            if !perm_name::is_inherited(default_perm) {
                tracing::warn!(
                    default_topic,
                    perm = default_perm,
                    producer = remote_address,
                    "Create new topic failed, because the default topic has no perm"
                );
                return None;
            }
            let queue_nums = client_default_topic_queue_nums.min(default_tc.write_queue_nums);
            if queue_nums < 1 {
                // Java creates the topic with 0 queues, which no send can use (the send is
                // then refused as an illegal queue id); rmq does not create it.
                tracing::warn!(
                    topic,
                    default_topic,
                    queue_nums,
                    producer = remote_address,
                    "Create new topic failed, because the queue nums is illegal"
                );
                return None;
            }
            let tc = TopicConfig {
                topic_name: topic.to_string(),
                read_queue_nums: queue_nums,
                write_queue_nums: queue_nums,
                perm: default_perm & !perm_name::PERM_INHERIT,
                topic_filter_type: default_tc.topic_filter_type,
                topic_sys_flag,
                ..Default::default()
            };
            tracing::info!(default_topic, topic = %tc, producer = remote_address, "Create new topic by default topic");
            self.put_and_bump(tc)
        };
        self.persist();
        self.register(&created);
        Some(created)
    }

    /// Creates a retry or DLQ topic if absent; updates the order flag of an existing one (Java
    /// `createTopicInSendMessageBackMethod`).
    pub fn create_topic_in_send_message_back_method(
        &self,
        topic: &str,
        client_default_topic_queue_nums: i32,
        perm: i32,
        is_order: bool,
        topic_sys_flag: i32,
    ) -> Arc<TopicConfig> {
        if let Some(tc) = self.select_topic_config(topic) {
            if tc.order != is_order {
                let mut updated = (*tc).clone();
                updated.order = is_order;
                self.update_topic_config(updated.clone());
                return Arc::new(updated);
            }
            return tc;
        }
        let created = {
            let _guard = self.create_lock.lock();
            if let Some(tc) = self.select_topic_config(topic) {
                return tc;
            }
            let tc = TopicConfig {
                topic_name: topic.to_string(),
                read_queue_nums: client_default_topic_queue_nums,
                write_queue_nums: client_default_topic_queue_nums,
                perm,
                topic_sys_flag,
                order: is_order,
                ..Default::default()
            };
            tracing::info!(topic = %tc, "create new topic");
            self.put_and_bump(tc)
        };
        self.persist();
        self.register(&created);
        created
    }

    /// Creates `TRANS_CHECK_MAX_TIME_TOPIC` if absent (Java `createTopicOfTranCheckMaxTime`).
    pub fn create_topic_of_tran_check_max_time(
        &self,
        client_default_topic_queue_nums: i32,
        perm: i32,
    ) -> Arc<TopicConfig> {
        self.create_topic_in_send_message_back_method(
            mix_all::RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
            client_default_topic_queue_nums,
            perm,
            false,
            0,
        )
    }

    /// Creates `tc` if its topic does not exist; returns the stored config (Java
    /// `createTopicIfAbsent`).
    pub fn create_topic_if_absent(&self, tc: TopicConfig, register: bool) -> Arc<TopicConfig> {
        let created = {
            let _guard = self.create_lock.lock();
            if let Some(existing) = self.select_topic_config(&tc.topic_name) {
                return existing;
            }
            tracing::info!(topic = %tc, "Create new topic");
            self.put_and_bump(tc)
        };
        self.persist();
        if register {
            self.register(&created);
        }
        created
    }

    /// Creates or replaces a topic config, applying its signed attribute modifications to the
    /// current attributes (Java `updateTopicConfig`). Does not register; callers do.
    pub fn update_topic_config(&self, tc: TopicConfig) {
        if let Err(e) = self.update_without_persist(tc) {
            tracing::warn!(error = %e, "update topic config rejected");
        }
        self.persist();
    }

    /// As [`Self::update_topic_config`] but returns an attribute error instead of logging it.
    pub fn try_update_topic_config(&self, tc: TopicConfig) -> Result<Arc<TopicConfig>, String> {
        let r = self.update_without_persist(tc);
        self.persist();
        r
    }

    /// Updates several topics, then persists once (Java `updateTopicConfigList`).
    pub fn update_topic_config_list(&self, list: Vec<TopicConfig>) -> Result<(), String> {
        let mut first_err = None;
        for tc in list {
            if let Err(e) = self.update_without_persist(tc) {
                first_err.get_or_insert(e);
            }
        }
        self.persist();
        first_err.map_or(Ok(()), Err)
    }

    fn update_without_persist(&self, mut tc: TopicConfig) -> Result<Arc<TopicConfig>, String> {
        let current = self.select_topic_config(&tc.topic_name);
        // Attributes in a request carry signs ("+k"); stored ones do not.
        let signed = tc
            .attributes
            .keys()
            .any(|k| k.starts_with('+') || k.starts_with('-'));
        if signed || current.is_none() {
            let base = current
                .as_ref()
                .map(|c| c.attributes.clone())
                .unwrap_or_default();
            let modification: BTreeMap<String, String> = if signed {
                tc.attributes.clone()
            } else {
                tc.attributes
                    .iter()
                    .map(|(k, v)| (format!("+{k}"), v.clone()))
                    .collect()
            };
            tc.attributes = attribute_util::alter_current_topic_attributes(
                current.is_none(),
                &base,
                &modification,
            )?;
        }
        let new = Arc::new(tc);
        let old = {
            let mut t = self.table.write();
            let old = t.topics.insert(new.topic_name.clone(), new.clone());
            t.data_version.next_version();
            old
        };
        match old {
            Some(old) => tracing::info!(old = %old, new = %new, "update topic config"),
            None => tracing::info!(topic = %new, "create new topic"),
        }
        Ok(new)
    }

    /// Sets the order flag of the topics the name server lists as order topics (Java
    /// `updateOrderTopicConfig`).
    pub fn update_order_topic_config(&self, order_kv_table_from_ns: &KVTable) {
        let mut changed = false;
        {
            let mut t = self.table.write();
            for topic in order_kv_table_from_ns.table.keys() {
                if let Some(tc) = t.topics.get(topic) {
                    if !tc.order {
                        let mut u = (**tc).clone();
                        u.order = true;
                        t.topics.insert(topic.clone(), Arc::new(u));
                        tracing::info!(topic, "update order topic config, order=true");
                        changed = true;
                    }
                }
            }
            if changed {
                t.data_version.next_version();
            }
        }
        if changed {
            self.persist();
        }
    }

    /// Sets or clears the unit flags of a topic (Java `updateTopicUnitFlag` /
    /// `updateTopicUnitSubFlag`).
    pub fn update_topic_sys_flag(&self, topic: &str, set: i32, clear: i32) {
        let Some(tc) = self.select_topic_config(topic) else {
            return;
        };
        let mut u = (*tc).clone();
        u.topic_sys_flag = (u.topic_sys_flag | set) & !clear;
        let new = self.put_and_bump(u);
        self.persist();
        self.register(&new);
    }

    /// Removes a topic (Java `deleteTopicConfig`); returns true if it existed.
    pub fn delete_topic_config(&self, topic: &str) -> bool {
        let removed = {
            let mut t = self.table.write();
            let r = t.topics.remove(topic);
            if r.is_some() {
                t.data_version.next_version();
            }
            r
        };
        match removed {
            Some(old) => {
                tracing::info!(topic = %old, "delete topic config OK");
                self.persist();
                true
            }
            None => {
                tracing::warn!(topic, "delete topic config failed, topic not exists");
                false
            }
        }
    }

    /// Replaces the whole table and its data version with the master's, then persists (Java
    /// `SlaveSynchronize#syncTopicConfig`: topics the master lacks are deleted, the others
    /// put as the master has them). Nothing is registered: a slave announces its topics in
    /// its next periodic registration.
    pub fn replace_from_master(
        &self,
        topics: impl IntoIterator<Item = TopicConfig>,
        data_version: DataVersion,
    ) {
        {
            let mut t = self.table.write();
            t.topics = topics
                .into_iter()
                .map(|tc| (tc.topic_name.clone(), Arc::new(tc)))
                .collect();
            t.data_version = data_version;
        }
        self.persist();
    }

    /// Replaces the filter type of topics created from a template whose filter type is
    /// unknown; kept for API parity (`TopicFilterType` is fixed per topic).
    pub fn topic_filter_type(&self, topic: &str) -> TopicFilterType {
        self.select_topic_config(topic)
            .map(|t| t.topic_filter_type)
            .unwrap_or_default()
    }

    fn put_and_bump(&self, tc: TopicConfig) -> Arc<TopicConfig> {
        let tc = Arc::new(tc);
        let mut t = self.table.write();
        t.topics.insert(tc.topic_name.clone(), tc.clone());
        t.data_version.next_version();
        tc
    }

    fn register(&self, tc: &Arc<TopicConfig>) {
        if let Some(hook) = self.register_hook.get() {
            hook(tc.clone(), self.data_version());
        }
    }
}

/// `config/topics.json`, loaded over the built-in topics (Java `TopicConfigManager` as a
/// `ConfigManager`).
impl ConfigManager for TopicConfigManager {
    /// Returns the JSON of `topics.json` (Java `encode(prettyFormat)`).
    fn encode(&self, pretty: bool) -> String {
        let t = self.table.read();
        let file = TopicsFile {
            data_version: t.data_version.clone(),
            topic_config_table: t
                .topics
                .iter()
                .map(|(k, v)| (k.clone(), (**v).clone()))
                .collect(),
        };
        let bytes = if pretty {
            rmq_common::fastjson::to_vec_pretty(&file)
        } else {
            rmq_common::fastjson::to_vec(&file)
        };
        String::from_utf8(bytes).unwrap_or_default()
    }

    fn decode(&self, json: &str) -> Result<(), DecodeError> {
        let file = rmq_common::fastjson::from_str::<TopicsFile>(json)?;
        let mut t = self.table.write();
        for (name, tc) in file.topic_config_table {
            tracing::info!(topic = %tc, "load exist local topic");
            t.topics.insert(name, Arc::new(tc));
        }
        t.data_version = file.data_version;
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.file_path.clone()
    }

    /// Queues a write of `topics.json` on the persister thread.
    fn persist(&self) {
        self.persister
            .submit(self.file_path.clone(), self.encode(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager(dir: &std::path::Path, auto: bool) -> TopicConfigManager {
        let bc = BrokerConfig {
            broker_name: "broker-a".into(),
            auto_create_topic_enable: auto,
            ..Default::default()
        };
        TopicConfigManager::new(
            Arc::new(RwLock::new(bc)),
            dir.to_str().unwrap(),
            false,
            ConfigPersister::start().unwrap(),
        )
    }

    #[test]
    fn system_topics_and_auto_create() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path(), true);
        let tbw = m.select_topic_config("TBW102").unwrap();
        assert_eq!((tbw.read_queue_nums, tbw.perm), (8, 7));
        assert_eq!(
            m.select_topic_config("SCHEDULE_TOPIC_XXXX")
                .unwrap()
                .read_queue_nums,
            18
        );
        assert_eq!(m.select_topic_config("broker-a").unwrap().perm, 7);
        assert!(m.contains_topic("DefaultCluster_REPLY_TOPIC"));
        let v0 = m.data_version().counter;
        let tc = m
            .create_topic_in_send_message_method("NewTopic", "TBW102", "1.2.3.4:5", 4, 0)
            .unwrap();
        assert_eq!(
            (tc.read_queue_nums, tc.write_queue_nums, tc.perm),
            (4, 4, 6)
        );
        assert_eq!(m.data_version().counter, v0 + 1);
        let big = m
            .create_topic_in_send_message_method("Big", "TBW102", "x", 100, 0)
            .unwrap();
        assert_eq!(big.write_queue_nums, 8);
        assert!(m
            .create_topic_in_send_message_method("X", "NoSuchTemplate", "x", 4, 0)
            .is_none());
    }

    #[test]
    fn persists_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path(), true);
        m.create_topic_in_send_message_back_method("%RETRY%g", 1, 6, false, 0);
        m.update_topic_config(TopicConfig::with_queues("Mine", 3, 5, 6));
        m.persister.flush();
        let text = std::fs::read_to_string(m.config_file_path()).unwrap();
        assert!(text.contains("\"topicConfigTable\""), "{text}");
        let m2 = manager(dir.path(), false);
        assert!(m2.load());
        let mine = m2.select_topic_config("Mine").unwrap();
        assert_eq!((mine.read_queue_nums, mine.write_queue_nums), (3, 5));
        assert!(m2.contains_topic("%RETRY%g"));
        assert_eq!(m2.data_version(), m.data_version());
        assert!(m2.delete_topic_config("Mine"));
        assert!(!m2.delete_topic_config("Mine"));
    }

    #[test]
    fn disabled_auto_create_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path(), false);
        assert!(!m.contains_topic("TBW102"));
        assert!(m
            .create_topic_in_send_message_method("T", "TBW102", "x", 4, 0)
            .is_none());
    }
}
