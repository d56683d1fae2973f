//! `BrokerStatsManager`: the broker's per-topic and per-group counters served by
//! VIEW_BROKER_STATS_DATA (`mqadmin statsAll`) (Java `store/stats/BrokerStatsManager`).

use crate::stats::stats_item::{StatsItem, StatsItemSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Messages stored, by topic.
pub const TOPIC_PUT_NUMS: &str = "TOPIC_PUT_NUMS";
/// Bytes stored, by topic.
pub const TOPIC_PUT_SIZE: &str = "TOPIC_PUT_SIZE";
/// Messages pulled, by `topic@group`.
pub const GROUP_GET_NUMS: &str = "GROUP_GET_NUMS";
/// Bytes pulled, by `topic@group`.
pub const GROUP_GET_SIZE: &str = "GROUP_GET_SIZE";
/// Messages sent back, by `topic@group`.
pub const SNDBCK_PUT_NUMS: &str = "SNDBCK_PUT_NUMS";
/// Messages stored, by cluster name.
pub const BROKER_PUT_NUMS: &str = "BROKER_PUT_NUMS";
/// Messages pulled, by cluster name.
pub const BROKER_GET_NUMS: &str = "BROKER_GET_NUMS";

const NAMES: [&str; 7] = [
    TOPIC_PUT_NUMS,
    TOPIC_PUT_SIZE,
    GROUP_GET_NUMS,
    GROUP_GET_SIZE,
    SNDBCK_PUT_NUMS,
    BROKER_PUT_NUMS,
    BROKER_GET_NUMS,
];

/// Java `BrokerStatsManager#buildStatsKey`: `topic@group`.
pub fn build_stats_key(topic: &str, group: &str) -> String {
    format!("{topic}@{group}")
}

/// The broker's counters.
#[derive(Debug)]
pub struct BrokerStatsManager {
    cluster_name: String,
    sets: Vec<(&'static str, StatsItemSet)>,
    put_without_system_topic: AtomicI64,
    get_without_system_topic: AtomicI64,
}

impl BrokerStatsManager {
    /// Builds the counters of a broker of `cluster_name`.
    pub fn new(cluster_name: &str) -> Self {
        BrokerStatsManager {
            cluster_name: cluster_name.to_string(),
            sets: NAMES
                .iter()
                .map(|n| (*n, StatsItemSet::default()))
                .collect(),
            put_without_system_topic: AtomicI64::new(0),
            get_without_system_topic: AtomicI64::new(0),
        }
    }

    fn set(&self, name: &str) -> Option<&StatsItemSet> {
        self.sets.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
    }

    fn add(&self, name: &str, key: &str, value: i64, times: i64) {
        if let Some(s) = self.set(name) {
            s.add_value(key, value, times);
        }
    }

    /// Returns an item (Java `getStatsItem`); `None` for an unknown name or key.
    pub fn get_stats_item(&self, name: &str, key: &str) -> Option<Arc<StatsItem>> {
        self.set(name)?.get_stats_item(key)
    }

    /// Counts stored messages of a topic.
    pub fn inc_topic_put_nums(&self, topic: &str, num: i64, times: i64) {
        self.add(TOPIC_PUT_NUMS, topic, num, times);
    }

    /// Counts stored bytes of a topic.
    pub fn inc_topic_put_size(&self, topic: &str, size: i64) {
        self.add(TOPIC_PUT_SIZE, topic, size, 1);
    }

    /// Counts pulled messages of a group on a topic.
    pub fn inc_group_get_nums(&self, group: &str, topic: &str, num: i64) {
        self.add(GROUP_GET_NUMS, &build_stats_key(topic, group), num, 1);
    }

    /// Returns the messages a group pulled from a topic per second over the last minute
    /// (Java `tpsGroupGetNums`), 0 before the item's first sample.
    pub fn tps_group_get_nums(&self, group: &str, topic: &str) -> f64 {
        self.get_stats_item(GROUP_GET_NUMS, &build_stats_key(topic, group))
            .map_or(0.0, |i| i.stats_data_in_minute().tps)
    }

    /// Counts pulled bytes of a group on a topic.
    pub fn inc_group_get_size(&self, group: &str, topic: &str, size: i64) {
        self.add(GROUP_GET_SIZE, &build_stats_key(topic, group), size, 1);
    }

    /// Counts a message sent back by a group.
    pub fn inc_send_back_nums(&self, group: &str, topic: &str) {
        self.add(SNDBCK_PUT_NUMS, &build_stats_key(topic, group), 1, 1);
    }

    /// Counts stored messages of the broker.
    pub fn inc_broker_put_nums(&self, topic: &str, num: i64) {
        let key = self.cluster_name.clone();
        self.add(BROKER_PUT_NUMS, &key, num, 0);
        if !rmq_common::topic_validator::is_system_topic(topic) {
            self.put_without_system_topic
                .fetch_add(num, Ordering::Relaxed);
        }
    }

    /// Counts pulled messages of the broker.
    pub fn inc_broker_get_nums(&self, topic: &str, num: i64) {
        let key = self.cluster_name.clone();
        self.add(BROKER_GET_NUMS, &key, num, 0);
        if !rmq_common::topic_validator::is_system_topic(topic) {
            self.get_without_system_topic
                .fetch_add(num, Ordering::Relaxed);
        }
    }

    /// Returns the messages stored outside system topics since the start.
    pub fn broker_put_nums_without_system_topic(&self) -> i64 {
        self.put_without_system_topic.load(Ordering::Relaxed)
    }

    /// Returns the messages pulled outside system topics since the start.
    pub fn broker_get_nums_without_system_topic(&self) -> i64 {
        self.get_without_system_topic.load(Ordering::Relaxed)
    }

    /// Forgets a deleted topic (Java `onTopicDeleted`).
    pub fn on_topic_deleted(&self, topic: &str) {
        let prefix = format!("{topic}@");
        for (name, set) in &self.sets {
            match *name {
                TOPIC_PUT_NUMS | TOPIC_PUT_SIZE => set.remove_if(|k| k == topic),
                GROUP_GET_NUMS | GROUP_GET_SIZE | SNDBCK_PUT_NUMS => {
                    set.remove_if(|k| k.starts_with(&prefix))
                }
                _ => {}
            }
        }
    }

    /// Forgets a deleted group (Java `onGroupDeleted`).
    pub fn on_group_deleted(&self, group: &str) {
        let suffix = format!("@{group}");
        for (name, set) in &self.sets {
            if matches!(*name, GROUP_GET_NUMS | GROUP_GET_SIZE | SNDBCK_PUT_NUMS) {
                set.remove_if(|k| k.ends_with(&suffix));
            }
        }
    }

    /// Takes the 10-second samples.
    pub fn sampling_in_seconds(&self, now: i64) {
        self.sets
            .iter()
            .for_each(|(_, s)| s.sampling_in_seconds(now));
    }

    /// Takes the 10-minute samples.
    pub fn sampling_in_minutes(&self, now: i64) {
        self.sets
            .iter()
            .for_each(|(_, s)| s.sampling_in_minutes(now));
    }

    /// Takes the hourly samples.
    pub fn sampling_in_hour(&self, now: i64) {
        self.sets.iter().for_each(|(_, s)| s.sampling_in_hour(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_system_topics() {
        let m = BrokerStatsManager::new("DefaultCluster");
        m.inc_topic_put_nums("T", 3, 1);
        m.inc_group_get_nums("g", "T", 2);
        m.inc_broker_put_nums("T", 3);
        m.inc_broker_put_nums("SCHEDULE_TOPIC_XXXX", 1);
        assert_eq!(m.get_stats_item(TOPIC_PUT_NUMS, "T").unwrap().value(), 3);
        assert_eq!(m.get_stats_item(GROUP_GET_NUMS, "T@g").unwrap().value(), 2);
        assert_eq!(
            m.get_stats_item(BROKER_PUT_NUMS, "DefaultCluster")
                .unwrap()
                .value(),
            4
        );
        assert_eq!(m.broker_put_nums_without_system_topic(), 3);
        assert!(m.get_stats_item("NOPE", "T").is_none());
        assert_eq!(m.tps_group_get_nums("g", "T"), 0.0, "not sampled yet");
        m.sampling_in_seconds(1_000_000);
        m.inc_group_get_nums("g", "T", 18);
        m.sampling_in_seconds(1_010_000);
        // 20 messages over the 20 s since the zero snapshot put 10 s before the first sample.
        assert!((m.tps_group_get_nums("g", "T") - 1.0).abs() < 1e-9);
        assert_eq!(m.tps_group_get_nums("other", "T"), 0.0);
        m.on_topic_deleted("T");
        assert!(m.get_stats_item(GROUP_GET_NUMS, "T@g").is_none());
        assert!(m.get_stats_item(TOPIC_PUT_NUMS, "T").is_none());
    }
}
