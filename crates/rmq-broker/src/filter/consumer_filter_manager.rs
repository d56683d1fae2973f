//! `ConsumerFilterManager`: the compiled expression filters of consumer groups, by topic and
//! group (Java `broker/filter/ConsumerFilterManager`).
//!
//! Heartbeats register each group's non-TAG subscriptions ([`Self::register_group`], Java's
//! `ConsumerIdsChangeListener` REGISTER event); a subscription is recompiled only when its
//! `subVersion` grows and the expression or type changed, older versions are ignored, and an
//! expression that no longer compiles removes the group's filter, so that its pulls fail with
//! `FILTER_DATA_NOT_EXIST`. Topics a group stops subscribing, and groups whose last consumer
//! left ([`Self::unregister`]), are marked dead; dead filters still serve pulls, come back to
//! life when the group subscribes again, and are removed `filterDataCleanTimeSpan` after their
//! death, when the table is persisted (`config/consumerFilter.json`, every 10 s).
//!
//! Java also keeps a bloom filter per group to precompute, at dispatch, a bit map per message
//! in the ConsumeQueue extension (`enableCalcFilterBitMap`), which lets pulls skip CommitLog
//! reads. rmq has no ConsumeQueue extension: every candidate message is evaluated on its
//! CommitLog record's properties, which gives the same results (the bit map is only a
//! pre-filter; Java evaluates the expression on the properties as well).

use super::consumer_filter_data::ConsumerFilterData;
use crate::broker_config::BrokerConfig;
use crate::broker_path_config_helper;
use crate::config_manager::ConfigPersister;
use parking_lot::RwLock;
use rmq_common::config_manager::{ConfigManager, DecodeError};
use rmq_common::util_all::current_millis;
use rmq_filter::ExpressionType;
use rmq_remoting::protocol::body::heartbeat::SubscriptionData;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// Java `MS_24_HOUR`, the clean time span without a broker config.
const MS_24_HOUR: i64 = 24 * 3600 * 1000;

/// The filters of one topic (Java `FilterDataMapByTopic`).
#[derive(Debug, Clone, Default)]
struct FilterDataMapByTopic {
    group_filter_data: HashMap<String, Arc<ConsumerFilterData>>,
}

/// `consumerFilter.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ConsumerFilterFile {
    filter_data_by_topic: BTreeMap<String, TopicFile>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct TopicFile {
    group_filter_data: BTreeMap<String, ConsumerFilterData>,
    topic: String,
}

/// The filters of every topic and group.
pub struct ConsumerFilterManager {
    filter_data_by_topic: RwLock<HashMap<String, FilterDataMapByTopic>>,
    broker_config: Option<Arc<RwLock<BrokerConfig>>>,
    file_path: PathBuf,
    persister: Option<ConfigPersister>,
}

impl std::fmt::Debug for ConsumerFilterManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumerFilterManager")
            .field("file_path", &self.file_path)
            .finish()
    }
}

impl ConsumerFilterManager {
    /// A manager persisting to `<root>/config/consumerFilter.json` through `persister`.
    pub fn new(
        broker_config: Arc<RwLock<BrokerConfig>>,
        store_path_root_dir: &str,
        persister: ConfigPersister,
    ) -> Self {
        ConsumerFilterManager {
            filter_data_by_topic: RwLock::new(HashMap::new()),
            broker_config: Some(broker_config),
            file_path: broker_path_config_helper::get_consumer_filter_path(store_path_root_dir),
            persister: Some(persister),
        }
    }

    /// A manager that never persists, cleaning after 24 h (Java's test constructor).
    pub fn in_memory() -> Self {
        ConsumerFilterManager {
            filter_data_by_topic: RwLock::new(HashMap::new()),
            broker_config: None,
            file_path: PathBuf::new(),
            persister: None,
        }
    }

    /// Compiles a group's expression for a topic (Java `build`); `None` for TAG types and for
    /// expressions that do not compile (logged).
    pub fn build(
        topic: &str,
        consumer_group: &str,
        expression: &str,
        expression_type: &str,
        client_version: i64,
    ) -> Option<ConsumerFilterData> {
        if ExpressionType::is_tag_type(Some(expression_type)) {
            return None;
        }
        match rmq_filter::compile(expression_type, expression) {
            Ok(compiled) => Some(ConsumerFilterData {
                born_time: current_millis(),
                client_version,
                consumer_group: consumer_group.to_string(),
                dead_time: 0,
                expression: expression.to_string(),
                expression_type: expression_type.to_string(),
                topic: topic.to_string(),
                compiled_expression: Some(Arc::from(compiled)),
            }),
            Err(e) => {
                tracing::error!(expr = expression, topic, group = consumer_group, error = %e, "parse error");
                None
            }
        }
    }

    /// Registers every subscription of a group from a heartbeat and marks dead the group's
    /// filters of topics it no longer subscribes (Java `register(group, subList)`).
    pub fn register_group(&self, consumer_group: &str, sub_list: &[SubscriptionData]) {
        for sd in sub_list {
            self.register(
                &sd.topic,
                consumer_group,
                &sd.sub_string,
                &sd.expression_type,
                sd.sub_version,
            );
        }
        let now = current_millis();
        let mut table = self.filter_data_by_topic.write();
        for (topic, by_topic) in table.iter_mut() {
            if sub_list.iter().any(|sd| &sd.topic == topic) {
                continue;
            }
            if let Some(data) = by_topic.group_filter_data.get_mut(consumer_group) {
                if !data.is_dead() {
                    let mut dead = (**data).clone();
                    dead.dead_time = now;
                    tracing::info!(group = consumer_group, filter = %dead, "Consumer filter changed: make illegal topic dead");
                    *data = Arc::new(dead);
                }
            }
        }
    }

    /// Registers one subscription (Java `register(topic, group, expression, type, version)`);
    /// true when the table now holds a live filter of this version.
    pub fn register(
        &self,
        topic: &str,
        consumer_group: &str,
        expression: &str,
        expression_type: &str,
        client_version: i64,
    ) -> bool {
        if ExpressionType::is_tag_type(Some(expression_type)) || expression.is_empty() {
            return false;
        }
        let mut table = self.filter_data_by_topic.write();
        let by_topic = table.entry(topic.to_string()).or_default();
        let Some(old) = by_topic.group_filter_data.get(consumer_group).cloned() else {
            let Some(data) = Self::build(
                topic,
                consumer_group,
                expression,
                expression_type,
                client_version,
            ) else {
                return false;
            };
            tracing::info!(filter = %data, "New consumer filter registered");
            by_topic
                .group_filter_data
                .insert(consumer_group.to_string(), Arc::new(data));
            return true;
        };
        if client_version <= old.client_version {
            if expression_type != old.expression_type || expression != old.expression {
                tracing::info!(
                    group = consumer_group,
                    topic,
                    client_version,
                    old_version = old.client_version,
                    old_type = %old.expression_type,
                    old_expression = %old.expression,
                    ignored_type = expression_type,
                    ignored_expression = expression,
                    "Ignore consumer filter, because of version, but maybe info changed"
                );
            }
            if client_version == old.client_version && old.is_dead() {
                by_topic
                    .group_filter_data
                    .insert(consumer_group.to_string(), Arc::new(re_alive(&old)));
                return true;
            }
            return false;
        }
        let change = old.expression != expression || old.expression_type != expression_type;
        if change {
            let Some(data) = Self::build(
                topic,
                consumer_group,
                expression,
                expression_type,
                client_version,
            ) else {
                // The new expression does not compile: drop the old one, the client reports it.
                by_topic.group_filter_data.remove(consumer_group);
                return false;
            };
            tracing::info!(old = %old, new = %data, "Consumer filter info change");
            by_topic
                .group_filter_data
                .insert(consumer_group.to_string(), Arc::new(data));
            return true;
        }
        let mut updated = if old.is_dead() {
            re_alive(&old)
        } else {
            (*old).clone()
        };
        updated.client_version = client_version;
        by_topic
            .group_filter_data
            .insert(consumer_group.to_string(), Arc::new(updated));
        true
    }

    /// Marks a group's filters dead: its last consumer left (Java `unRegister`).
    pub fn unregister(&self, consumer_group: &str) {
        let now = current_millis();
        let mut table = self.filter_data_by_topic.write();
        for by_topic in table.values_mut() {
            if let Some(data) = by_topic.group_filter_data.get_mut(consumer_group) {
                if !data.is_dead() {
                    tracing::info!(filter = %data, dead_time = now, "Unregister consumer filter");
                    let mut dead = (**data).clone();
                    dead.dead_time = now;
                    *data = Arc::new(dead);
                }
            }
        }
    }

    /// Returns a group's filter of a topic (Java `get(topic, group)`), dead or alive.
    pub fn get(&self, topic: &str, consumer_group: &str) -> Option<Arc<ConsumerFilterData>> {
        self.filter_data_by_topic
            .read()
            .get(topic)?
            .group_filter_data
            .get(consumer_group)
            .cloned()
    }

    /// Returns a group's filters of every topic (Java `getByGroup`).
    pub fn get_by_group(&self, consumer_group: &str) -> Vec<Arc<ConsumerFilterData>> {
        self.filter_data_by_topic
            .read()
            .values()
            .filter_map(|t| t.group_filter_data.get(consumer_group).cloned())
            .collect()
    }

    /// Returns every group's filter of a topic (Java `get(topic)`); empty when none.
    pub fn get_by_topic(&self, topic: &str) -> Vec<Arc<ConsumerFilterData>> {
        self.filter_data_by_topic
            .read()
            .get(topic)
            .map(|t| t.group_filter_data.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Removes filters dead for `filterDataCleanTimeSpan` and topics left without filters
    /// (Java `clean`).
    pub fn clean(&self) {
        let span = self
            .broker_config
            .as_ref()
            .map_or(MS_24_HOUR, |bc| bc.read().filter_data_clean_time_span);
        let mut table = self.filter_data_by_topic.write();
        table.retain(|topic, by_topic| {
            by_topic.group_filter_data.retain(|_, data| {
                let remove = data.how_long_after_death() >= span;
                if remove {
                    tracing::info!(filter = %data, "Remove filter consumer, died too long!");
                }
                !remove
            });
            if by_topic.group_filter_data.is_empty() {
                tracing::info!(topic = %topic, "Topic has no consumer, remove it!");
                return false;
            }
            true
        });
    }
}

/// Java `reAlive`.
fn re_alive(data: &ConsumerFilterData) -> ConsumerFilterData {
    tracing::info!(filter = %data, old_dead_time = data.dead_time, "Re alive consumer filter");
    let mut alive = data.clone();
    alive.dead_time = 0;
    alive
}

/// `config/consumerFilter.json` (Java `ConsumerFilterManager` as a `ConfigManager`); the
/// in-memory manager neither loads nor persists.
impl ConfigManager for ConsumerFilterManager {
    /// Returns the JSON of `consumerFilter.json` after cleaning (Java `encode`).
    fn encode(&self, pretty: bool) -> String {
        self.clean();
        let file = {
            let table = self.filter_data_by_topic.read();
            ConsumerFilterFile {
                filter_data_by_topic: table
                    .iter()
                    .map(|(topic, by_topic)| {
                        let groups = by_topic
                            .group_filter_data
                            .iter()
                            .map(|(g, d)| (g.clone(), (**d).clone()))
                            .collect();
                        (
                            topic.clone(),
                            TopicFile {
                                group_filter_data: groups,
                                topic: topic.clone(),
                            },
                        )
                    })
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

    /// Loads a persisted table (Java `decode`): expressions are recompiled (one that fails is
    /// kept uncompiled and lets every message through, as in Java) and every filter is taken
    /// for dead until its group's next heartbeat. Fails when the text does not decode.
    fn decode(&self, json: &str) -> Result<(), DecodeError> {
        let file: ConsumerFilterFile = rmq_common::fastjson::from_str(json)?;
        let now = current_millis();
        let mut loaded = HashMap::new();
        for (topic, topic_file) in file.filter_data_by_topic {
            let mut by_topic = FilterDataMapByTopic::default();
            for (group, mut data) in topic_file.group_filter_data {
                match rmq_filter::compile(&data.expression_type, &data.expression) {
                    Ok(c) => data.compiled_expression = Some(Arc::from(c)),
                    Err(e) => tracing::error!(filter = %data, error = %e, "load filter data error"),
                }
                tracing::info!(filter = %data, "load exist consumer filter data");
                if data.dead_time == 0 {
                    // Consumers are taken for dead until they heartbeat again.
                    data.dead_time = (now - 30 * 1000).max(data.born_time);
                }
                by_topic.group_filter_data.insert(group, Arc::new(data));
            }
            loaded.insert(topic, by_topic);
        }
        *self.filter_data_by_topic.write() = loaded;
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.file_path.clone()
    }

    /// Loads `consumerFilter.json` or its `.bak`; false only when a file exists and neither
    /// copy decodes. Blocking.
    fn load(&self) -> bool {
        self.persister.is_none() || rmq_common::config_manager::load_config(self)
    }

    /// Queues a write of `consumerFilter.json` on the persister thread (Java `persist`).
    fn persist(&self) {
        if let Some(p) = &self.persister {
            p.submit(self.file_path.clone(), self.encode(true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(topic: &str, expr: &str, version: i64) -> SubscriptionData {
        let mut sd = SubscriptionData::build(topic, expr, "SQL92");
        sd.sub_version = version;
        sd
    }

    #[test]
    fn register_versions_and_death() {
        let m = ConsumerFilterManager::in_memory();
        assert!(!m.register("T", "G", "*", "TAG", 1));
        assert!(!m.register("T", "G", "", "SQL92", 1));
        assert!(m.register("T", "G", "a > 1", "SQL92", 10));
        let d = m.get("T", "G").unwrap();
        assert_eq!((d.client_version, d.expression.as_str()), (10, "a > 1"));
        assert!(d.compiled_expression.is_some() && !d.is_dead());
        // An older or equal version is ignored.
        assert!(!m.register("T", "G", "a > 2", "SQL92", 9));
        assert!(!m.register("T", "G", "a > 2", "SQL92", 10));
        assert_eq!(m.get("T", "G").unwrap().expression, "a > 1");
        // A newer version recompiles.
        assert!(m.register("T", "G", "a > 2", "SQL92", 11));
        assert_eq!(m.get("T", "G").unwrap().expression, "a > 2");
        // The same expression only moves the version.
        assert!(m.register("T", "G", "a > 2", "SQL92", 12));
        assert_eq!(m.get("T", "G").unwrap().client_version, 12);
        // A newer version that does not compile removes the filter.
        assert!(!m.register("T", "G", "a >", "SQL92", 13));
        assert!(m.get("T", "G").is_none());
        // A first expression that does not compile is not registered.
        assert!(!m.register("T2", "G", "a = = 1", "SQL92", 1));
        assert!(m.get("T2", "G").is_none());
    }

    #[test]
    fn group_registration_marks_dead_and_revives() {
        let m = ConsumerFilterManager::in_memory();
        m.register_group("G", &[sql("A", "a > 1", 5), sql("B", "b = 'x'", 5)]);
        assert_eq!(m.get_by_group("G").len(), 2);
        m.register_group("G", &[sql("A", "a > 1", 5)]);
        assert!(m.get("B", "G").unwrap().is_dead());
        assert!(!m.get("A", "G").unwrap().is_dead());
        m.unregister("G");
        assert!(m.get("A", "G").unwrap().is_dead());
        // The same version again brings it back.
        m.register_group("G", &[sql("A", "a > 1", 5)]);
        assert!(!m.get("A", "G").unwrap().is_dead());
        assert_eq!(m.get_by_topic("A").len(), 1);
        assert!(m.get_by_topic("C").is_empty());
    }

    #[test]
    fn encode_decode_and_clean() {
        let m = ConsumerFilterManager::in_memory();
        m.register_group("G", &[sql("A", "a > 1", 5)]);
        let json = m.encode(true);
        assert!(json.contains("\"filterDataByTopic\""), "{json}");
        assert!(json.contains("\"groupFilterData\""), "{json}");
        assert!(
            json.contains("\"expressionType\":\"SQL92\"")
                || json.contains("\"expressionType\" : \"SQL92\""),
            "{json}"
        );
        let loaded = ConsumerFilterManager::in_memory();
        assert!(loaded.decode(&json).is_ok());
        let d = loaded.get("A", "G").unwrap();
        assert!(d.is_dead(), "loaded filters wait for a heartbeat");
        assert!(d.compiled_expression.is_some());
        loaded.register_group("G", &[sql("A", "a > 1", 5)]);
        assert!(!loaded.get("A", "G").unwrap().is_dead());
        // Dead long enough: cleaned.
        let mut old = (*loaded.get("A", "G").unwrap()).clone();
        old.dead_time = current_millis() - MS_24_HOUR - 1;
        old.born_time = old.dead_time - 1;
        loaded
            .filter_data_by_topic
            .write()
            .get_mut("A")
            .unwrap()
            .group_filter_data
            .insert("G".into(), Arc::new(old));
        loaded.clean();
        assert!(loaded.get("A", "G").is_none());
        assert!(loaded.get_by_topic("A").is_empty());
        assert!(loaded.decode("{").is_err());
    }
}
