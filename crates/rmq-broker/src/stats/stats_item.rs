//! `StatsItem` and `StatsItemSet`: a counter with sampled snapshots, per key (Java
//! `common/stats/StatsItem`, `StatsItemSet`). Snapshots are taken every 10 s (the last
//! minute: 7 kept), every 10 min (the last hour: 7 kept) and every hour (the last day: 25
//! kept); a window's sum is the difference of its first and last snapshots.

use dashmap::DashMap;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// One sample (Java `CallSnapshot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CallSnapshot {
    timestamp: i64,
    times: i64,
    value: i64,
}

/// A window's figures (Java `StatsSnapshot`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StatsSnapshot {
    pub sum: i64,
    pub tps: f64,
    pub avgpt: f64,
    pub times: i64,
}

/// A counter: total value and number of additions, with sampled windows.
#[derive(Debug, Default)]
pub struct StatsItem {
    value: AtomicI64,
    times: AtomicI64,
    minute: Mutex<VecDeque<CallSnapshot>>,
    hour: Mutex<VecDeque<CallSnapshot>>,
    day: Mutex<VecDeque<CallSnapshot>>,
}

fn sample(list: &Mutex<VecDeque<CallSnapshot>>, now: i64, back: i64, keep: usize, cur: (i64, i64)) {
    let mut l = list.lock();
    if l.is_empty() {
        l.push_back(CallSnapshot {
            timestamp: now - back,
            times: 0,
            value: 0,
        });
    }
    l.push_back(CallSnapshot {
        timestamp: now,
        times: cur.0,
        value: cur.1,
    });
    if l.len() > keep {
        l.pop_front();
    }
}

fn compute(list: &Mutex<VecDeque<CallSnapshot>>) -> StatsSnapshot {
    let l = list.lock();
    let (Some(first), Some(last)) = (l.front(), l.back()) else {
        return StatsSnapshot::default();
    };
    let sum = last.value - first.value;
    let span = last.timestamp - first.timestamp;
    let tps = if span > 0 {
        sum as f64 * 1000.0 / span as f64
    } else {
        0.0
    };
    let times = last.times - first.times;
    let avgpt = if times > 0 {
        sum as f64 / times as f64
    } else {
        0.0
    };
    StatsSnapshot {
        sum,
        tps,
        avgpt,
        times,
    }
}

impl StatsItem {
    /// Adds `value` counted as `times` events.
    pub fn add(&self, value: i64, times: i64) {
        self.value.fetch_add(value, Ordering::Relaxed);
        self.times.fetch_add(times, Ordering::Relaxed);
    }

    /// Returns the total value.
    pub fn value(&self) -> i64 {
        self.value.load(Ordering::Relaxed)
    }

    fn current(&self) -> (i64, i64) {
        (
            self.times.load(Ordering::Relaxed),
            self.value.load(Ordering::Relaxed),
        )
    }

    /// Takes the 10-second sample.
    pub fn sampling_in_seconds(&self, now: i64) {
        sample(&self.minute, now, 10_000, 7, self.current());
    }

    /// Takes the 10-minute sample.
    pub fn sampling_in_minutes(&self, now: i64) {
        sample(&self.hour, now, 600_000, 7, self.current());
    }

    /// Takes the hourly sample.
    pub fn sampling_in_hour(&self, now: i64) {
        sample(&self.day, now, 3_600_000, 25, self.current());
    }

    /// Returns the last minute (Java `getStatsDataInMinute`).
    pub fn stats_data_in_minute(&self) -> StatsSnapshot {
        compute(&self.minute)
    }

    /// Returns the last hour (Java `getStatsDataInHour`).
    pub fn stats_data_in_hour(&self) -> StatsSnapshot {
        compute(&self.hour)
    }

    /// Returns the last day (Java `getStatsDataInDay`).
    pub fn stats_data_in_day(&self) -> StatsSnapshot {
        compute(&self.day)
    }
}

/// Stats items of one kind, by key (e.g. `TOPIC_PUT_NUMS` by topic).
#[derive(Debug, Default)]
pub struct StatsItemSet {
    items: DashMap<String, Arc<StatsItem>>,
}

impl StatsItemSet {
    /// Adds to the item of `key`, creating it (Java `addValue`).
    pub fn add_value(&self, key: &str, value: i64, times: i64) {
        if let Some(item) = self.items.get(key) {
            item.add(value, times);
            return;
        }
        self.items
            .entry(key.to_string())
            .or_default()
            .add(value, times);
    }

    /// Returns the item of `key`.
    pub fn get_stats_item(&self, key: &str) -> Option<Arc<StatsItem>> {
        self.items.get(key).map(|i| i.clone())
    }

    /// Drops the items whose key satisfies `f` (deleted topics or groups).
    pub fn remove_if(&self, f: impl Fn(&str) -> bool) {
        self.items.retain(|k, _| !f(k));
    }

    fn each(&self, f: impl Fn(&StatsItem)) {
        let items: Vec<Arc<StatsItem>> = self.items.iter().map(|e| e.value().clone()).collect();
        for item in items {
            f(&item);
        }
    }

    /// Samples every item every 10 s.
    pub fn sampling_in_seconds(&self, now: i64) {
        self.each(|i| i.sampling_in_seconds(now));
    }

    /// Samples every item every 10 min.
    pub fn sampling_in_minutes(&self, now: i64) {
        self.each(|i| i.sampling_in_minutes(now));
    }

    /// Samples every item every hour.
    pub fn sampling_in_hour(&self, now: i64) {
        self.each(|i| i.sampling_in_hour(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_differences_of_samples() {
        let set = StatsItemSet::default();
        set.add_value("T", 10, 1);
        let item = set.get_stats_item("T").unwrap();
        set.sampling_in_seconds(100_000);
        set.add_value("T", 30, 2);
        set.sampling_in_seconds(110_000);
        let m = item.stats_data_in_minute();
        // First sample adds a zero snapshot 10 s earlier: 40 over 20 s.
        assert_eq!(m.sum, 40);
        assert!((m.tps - 2.0).abs() < 1e-9, "{m:?}");
        assert!((m.avgpt - 40.0 / 3.0).abs() < 1e-9);
        for i in 0..10 {
            set.sampling_in_seconds(120_000 + i * 10_000);
        }
        assert_eq!(item.stats_data_in_minute().sum, 0, "old samples roll off");
        assert_eq!(item.stats_data_in_day(), StatsSnapshot::default());
        assert!(set.get_stats_item("nope").is_none());
    }
}
