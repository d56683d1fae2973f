//! `ConsumerOffsetManager`: the next offset each consumer group will consume, per topic and
//! queue, kept in memory and persisted in `config/consumerOffset.json` every
//! `flushConsumerOffsetInterval` and at shutdown (Java `broker/offset/ConsumerOffsetManager`).
//!
//! Keys are `topic@group`. A server-side reset (5.x `useServerSideResetOffset`) is kept in a
//! separate table that the next pull of that queue consumes.

use crate::broker_path_config_helper;
use crate::config_manager::ConfigPersister;
use dashmap::DashMap;
use parking_lot::Mutex;
use rmq_common::config_manager::{ConfigManager, DecodeError};
use rmq_common::DataVersion;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// Separates topic and group in the table keys.
pub const TOPIC_GROUP_SEPARATOR: &str = "@";

/// Body of GET_ALL_CONSUMER_OFFSET and shape of `consumerOffset.json` (Java
/// `ConsumerOffsetSerializeWrapper` plus 5.x's `dataVersion`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerOffsetFile {
    pub offset_table: BTreeMap<String, BTreeMap<i32, i64>>,
    pub data_version: DataVersion,
}

/// The consumer offset table.
pub struct ConsumerOffsetManager {
    file_path: PathBuf,
    offset_table: DashMap<String, HashMap<i32, i64>>,
    reset_offset_table: DashMap<String, HashMap<i32, i64>>,
    pull_offset_table: DashMap<String, HashMap<i32, i64>>,
    data_version: Mutex<DataVersion>,
    version_change_counter: AtomicU64,
    consumer_offset_update_version_step: u64,
    persister: ConfigPersister,
}

fn key_of(topic: &str, group: &str) -> String {
    format!("{topic}{TOPIC_GROUP_SEPARATOR}{group}")
}

fn split_key(key: &str) -> Option<(&str, &str)> {
    let mut it = key.split(TOPIC_GROUP_SEPARATOR);
    let (t, g) = (it.next()?, it.next()?);
    it.next().is_none().then_some((t, g))
}

impl ConsumerOffsetManager {
    /// Builds an empty table persisted under `store_path_root_dir`.
    pub fn new(
        store_path_root_dir: &str,
        consumer_offset_update_version_step: i64,
        persister: ConfigPersister,
    ) -> Self {
        ConsumerOffsetManager {
            file_path: broker_path_config_helper::get_consumer_offset_path(store_path_root_dir),
            offset_table: DashMap::new(),
            reset_offset_table: DashMap::new(),
            pull_offset_table: DashMap::new(),
            data_version: Mutex::new(DataVersion::new()),
            version_change_counter: AtomicU64::new(0),
            consumer_offset_update_version_step: consumer_offset_update_version_step.max(1) as u64,
            persister,
        }
    }

    /// Replaces the whole table (slave sync, load).
    pub fn set_offset_table(&self, table: BTreeMap<String, BTreeMap<i32, i64>>) {
        self.offset_table.clear();
        for (k, v) in table {
            self.offset_table.insert(k, v.into_iter().collect());
        }
    }

    /// Puts every `topic@group` entry of the master's table over the local one (the master's
    /// queue map replaces the local one of the same key; keys only this broker has stay),
    /// takes the master's data version and persists (Java
    /// `SlaveSynchronize#syncConsumerOffset`).
    pub fn put_all_from_master(&self, file: ConsumerOffsetFile) {
        for (k, v) in file.offset_table {
            self.offset_table.insert(k, v.into_iter().collect());
        }
        *self.data_version.lock() = file.data_version;
        self.persist();
    }

    /// Stores the next offset to consume (Java `commitOffset`).
    pub fn commit_offset(
        &self,
        client_host: &str,
        group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
    ) {
        let key = key_of(topic, group);
        let prev = self
            .offset_table
            .entry(key.clone())
            .or_default()
            .insert(queue_id, offset);
        if let Some(stored) = prev {
            if offset < stored {
                tracing::warn!(
                    client_host,
                    key,
                    queue_id,
                    request_offset = offset,
                    store_offset = stored,
                    "[NOTIFYME]update consumer offset less than store"
                );
            }
        }
        let n = self.version_change_counter.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(self.consumer_offset_update_version_step) {
            self.data_version.lock().next_version();
        }
    }

    /// Stores a pull offset (broadcast and lite pull bookkeeping).
    pub fn commit_pull_offset(&self, group: &str, topic: &str, queue_id: i32, offset: i64) {
        self.pull_offset_table
            .entry(key_of(topic, group))
            .or_default()
            .insert(queue_id, offset);
    }

    /// Returns the reset offset if one is pending, else the stored offset, else -1 (Java
    /// `queryOffset`).
    pub fn query_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64 {
        let key = key_of(topic, group);
        if let Some(o) = self
            .reset_offset_table
            .get(&key)
            .and_then(|m| m.get(&queue_id).copied())
        {
            return o;
        }
        self.offset_table
            .get(&key)
            .and_then(|m| m.get(&queue_id).copied())
            .unwrap_or(-1)
    }

    /// Returns the pull offset, else the consume offset (Java `queryPullOffset`).
    pub fn query_pull_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64 {
        self.pull_offset_table
            .get(&key_of(topic, group))
            .and_then(|m| m.get(&queue_id).copied())
            .unwrap_or_else(|| self.query_offset(group, topic, queue_id))
    }

    /// Returns every queue offset of a group on a topic.
    pub fn query_offset_table(&self, group: &str, topic: &str) -> Option<HashMap<i32, i64>> {
        self.offset_table
            .get(&key_of(topic, group))
            .map(|m| m.clone())
    }

    /// Returns the topics a group has offsets for (Java `whichTopicByConsumer`).
    pub fn which_topic_by_consumer(&self, group: &str) -> HashSet<String> {
        self.offset_table
            .iter()
            .filter_map(|e| {
                let (t, g) = split_key(e.key())?;
                (g == group).then(|| t.to_string())
            })
            .collect()
    }

    /// Returns the groups with offsets on a topic (Java `whichGroupByTopic`).
    pub fn which_group_by_topic(&self, topic: &str) -> HashSet<String> {
        self.offset_table
            .iter()
            .filter_map(|e| {
                let (t, g) = split_key(e.key())?;
                (t == topic).then(|| g.to_string())
            })
            .collect()
    }

    /// Copies a group's offsets on a topic to another group (Java `cloneOffset`).
    pub fn clone_offset(&self, src_group: &str, dest_group: &str, topic: &str) {
        let offsets = self
            .offset_table
            .get(&key_of(topic, src_group))
            .map(|m| m.clone());
        if let Some(o) = offsets {
            self.offset_table.insert(key_of(topic, dest_group), o);
        }
    }

    /// Removes every offset of a group (Java `removeOffset`).
    pub fn remove_offset(&self, group: &str) {
        let matches = |k: &String| split_key(k).is_some_and(|(_, g)| g == group);
        self.offset_table.retain(|k, _| !matches(k));
        self.reset_offset_table.retain(|k, _| !matches(k));
        self.pull_offset_table.retain(|k, _| !matches(k));
        tracing::info!(group, "Consumer offset manager clean group offset");
    }

    /// Removes every offset on a topic (Java `cleanOffsetByTopic`).
    pub fn clean_offset_by_topic(&self, topic: &str) {
        self.offset_table
            .retain(|k, _| split_key(k).is_none_or(|(t, _)| t != topic));
    }

    /// Records a server-side reset the next pull returns (Java `assignResetOffset`).
    pub fn assign_reset_offset(&self, topic: &str, group: &str, queue_id: i32, offset: i64) {
        if topic.is_empty() || group.is_empty() || queue_id < 0 || offset < 0 {
            tracing::warn!(
                topic,
                group,
                queue_id,
                offset,
                "Illegal arguments when assigning reset offset"
            );
            return;
        }
        let key = key_of(topic, group);
        self.reset_offset_table
            .entry(key.clone())
            .or_default()
            .insert(queue_id, offset);
        self.offset_table
            .entry(key)
            .or_default()
            .insert(queue_id, offset);
    }

    /// Returns true when a reset is pending for the queue.
    pub fn has_offset_reset(&self, topic: &str, group: &str, queue_id: i32) -> bool {
        self.reset_offset_table
            .get(&key_of(topic, group))
            .is_some_and(|m| m.contains_key(&queue_id))
    }

    /// Takes a pending reset (Java `queryThenEraseResetOffset`).
    pub fn query_then_erase_reset_offset(
        &self,
        topic: &str,
        group: &str,
        queue_id: i32,
    ) -> Option<i64> {
        self.reset_offset_table
            .get_mut(&key_of(topic, group))
            .and_then(|mut m| m.remove(&queue_id))
    }

    /// Returns the smallest committed offset per queue over all groups of a topic (Java
    /// `queryMinOffsetInAllGroup`, without the store-min filter).
    pub fn offsets_of_topic(&self, topic: &str) -> Vec<(String, HashMap<i32, i64>)> {
        self.offset_table
            .iter()
            .filter_map(|e| {
                let (t, g) = split_key(e.key())?;
                (t == topic).then(|| (g.to_string(), e.value().clone()))
            })
            .collect()
    }

    /// Returns the whole table, sorted (GET_ALL_CONSUMER_OFFSET body, persistence).
    pub fn to_file(&self) -> ConsumerOffsetFile {
        ConsumerOffsetFile {
            offset_table: self
                .offset_table
                .iter()
                .map(|e| {
                    (
                        e.key().clone(),
                        e.value().iter().map(|(q, o)| (*q, *o)).collect(),
                    )
                })
                .collect(),
            data_version: self.data_version.lock().clone(),
        }
    }

    /// Returns the data version.
    pub fn data_version(&self) -> DataVersion {
        self.data_version.lock().clone()
    }
}

/// `config/consumerOffset.json` (Java `ConsumerOffsetManager` as a `ConfigManager`).
impl ConfigManager for ConsumerOffsetManager {
    /// Returns the JSON of `consumerOffset.json`.
    fn encode(&self, pretty: bool) -> String {
        let file = self.to_file();
        let bytes = if pretty {
            rmq_common::fastjson::to_vec_pretty(&file)
        } else {
            rmq_common::fastjson::to_vec(&file)
        };
        String::from_utf8(bytes).unwrap_or_default()
    }

    fn decode(&self, json: &str) -> Result<(), DecodeError> {
        let file = rmq_common::fastjson::from_str::<ConsumerOffsetFile>(json)?;
        self.set_offset_table(file.offset_table);
        *self.data_version.lock() = file.data_version;
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.file_path.clone()
    }

    /// Queues a write of `consumerOffset.json` on the persister thread.
    fn persist(&self) {
        self.persister
            .submit(self.file_path.clone(), self.encode(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_query_persist_reload() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_str().unwrap();
        let p = ConfigPersister::start().unwrap();
        let m = ConsumerOffsetManager::new(root, 500, p.clone());
        assert_eq!(m.query_offset("g", "T", 0), -1);
        m.commit_offset("x", "g", "T", 0, 250);
        m.commit_offset("x", "g", "T", 1, 248);
        m.commit_offset("x", "g2", "T", 0, 7);
        assert_eq!(m.query_offset("g", "T", 1), 248);
        assert_eq!(m.which_group_by_topic("T").len(), 2);
        assert!(m.which_topic_by_consumer("g").contains("T"));
        m.assign_reset_offset("T", "g", 0, 3);
        assert_eq!(m.query_offset("g", "T", 0), 3);
        assert_eq!(m.query_then_erase_reset_offset("T", "g", 0), Some(3));
        assert_eq!(m.query_offset("g", "T", 0), 3);
        m.persist();
        p.flush();
        let text = std::fs::read_to_string(m.config_file_path()).unwrap();
        assert!(text.contains("\"T@g\""), "{text}");
        let m2 = ConsumerOffsetManager::new(root, 500, p.clone());
        assert!(m2.load());
        assert_eq!(m2.query_offset("g", "T", 1), 248);
        m2.remove_offset("g");
        assert_eq!(m2.query_offset("g", "T", 1), -1);
        assert_eq!(m2.query_offset("g2", "T", 0), 7);
        let java: ConsumerOffsetFile =
            rmq_common::fastjson::from_str(r#"{"offsetTable":{"T@g":{0:250,1:248}}}"#).unwrap();
        assert_eq!(java.offset_table["T@g"][&1], 248);
    }
}
