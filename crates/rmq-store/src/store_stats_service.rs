//! `StoreStatsService`: put/get counters and TPS over the last 10 s / 1 min / 10 min, sampled
//! once a second (Java `StoreStatsService`).

use parking_lot::Mutex;
use rmq_common::util_all::current_millis;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};

const MAX_RECORDS_OF_SAMPLING: usize = 600;

#[derive(Debug, Clone, Copy)]
struct CallSnapshot {
    timestamp: i64,
    calls: i64,
}

fn tps(samples: &VecDeque<CallSnapshot>, seconds: usize) -> String {
    let (Some(last), true) = (samples.back(), samples.len() > seconds) else {
        return String::new();
    };
    let before = samples[samples.len() - (seconds + 1)];
    let dt = (last.timestamp - before.timestamp).max(1);
    format!(
        "{:.2}",
        (last.calls - before.calls) as f64 * 1000.0 / dt as f64
    )
}

/// Counters for the broker's runtime info.
#[derive(Debug)]
pub(crate) struct StoreStatsService {
    boot_timestamp: i64,
    pub(crate) put_message_times_total: AtomicI64,
    pub(crate) put_message_size_total: AtomicI64,
    pub(crate) put_message_failed_times: AtomicI64,
    pub(crate) put_message_entire_time_max: AtomicI64,
    pub(crate) get_message_times_total_found: AtomicI64,
    pub(crate) get_message_times_total_miss: AtomicI64,
    pub(crate) get_message_transferred_msg_count: AtomicI64,
    pub(crate) get_message_entire_time_max: AtomicI64,
    samples: Mutex<[VecDeque<CallSnapshot>; 4]>,
}

impl StoreStatsService {
    pub(crate) fn new() -> Self {
        StoreStatsService {
            boot_timestamp: current_millis(),
            put_message_times_total: AtomicI64::new(0),
            put_message_size_total: AtomicI64::new(0),
            put_message_failed_times: AtomicI64::new(0),
            put_message_entire_time_max: AtomicI64::new(0),
            get_message_times_total_found: AtomicI64::new(0),
            get_message_times_total_miss: AtomicI64::new(0),
            get_message_transferred_msg_count: AtomicI64::new(0),
            get_message_entire_time_max: AtomicI64::new(0),
            samples: Mutex::new(Default::default()),
        }
    }

    /// Takes one snapshot of each counter (every second).
    pub(crate) fn sampling(&self) {
        let now = current_millis();
        let values = [
            self.put_message_times_total.load(Ordering::Relaxed),
            self.get_message_times_total_found.load(Ordering::Relaxed),
            self.get_message_times_total_miss.load(Ordering::Relaxed),
            self.get_message_transferred_msg_count
                .load(Ordering::Relaxed),
        ];
        let mut s = self.samples.lock();
        for (q, calls) in s.iter_mut().zip(values) {
            q.push_back(CallSnapshot {
                timestamp: now,
                calls,
            });
            if q.len() > MAX_RECORDS_OF_SAMPLING + 1 {
                q.pop_front();
            }
        }
    }

    fn tps3(&self, i: usize) -> String {
        let s = self.samples.lock();
        format!("{} {} {}", tps(&s[i], 10), tps(&s[i], 60), tps(&s[i], 600))
    }

    /// Java `StoreStatsService#getRuntimeInfo` keys.
    pub(crate) fn runtime_info(&self) -> HashMap<String, String> {
        let total = self.put_message_times_total.load(Ordering::Relaxed).max(1);
        let size = self.put_message_size_total.load(Ordering::Relaxed);
        let ms = current_millis() - self.boot_timestamp;
        let runtime = format!(
            "[ {} days, {} hours, {} minutes, {} seconds ]",
            ms / 86_400_000,
            ms % 86_400_000 / 3_600_000,
            ms % 3_600_000 / 60_000,
            ms % 60_000 / 1000
        );
        let found = self.tps3(1);
        let miss = self.tps3(2);
        let mut m = HashMap::new();
        m.insert("bootTimestamp".into(), self.boot_timestamp.to_string());
        m.insert("runtime".into(), runtime);
        m.insert(
            "putMessageEntireTimeMax".into(),
            self.put_message_entire_time_max
                .load(Ordering::Relaxed)
                .to_string(),
        );
        m.insert("putMessageTimesTotal".into(), total.to_string());
        m.insert(
            "putMessageFailedTimes".into(),
            self.put_message_failed_times
                .load(Ordering::Relaxed)
                .to_string(),
        );
        m.insert("putMessageSizeTotal".into(), size.to_string());
        m.insert(
            "putMessageAverageSize".into(),
            format!("{:.1}", size as f64 / total as f64),
        );
        m.insert(
            "getMessageEntireTimeMax".into(),
            self.get_message_entire_time_max
                .load(Ordering::Relaxed)
                .to_string(),
        );
        m.insert("putTps".into(), self.tps3(0));
        m.insert("getFoundTps".into(), found);
        m.insert("getMissTps".into(), miss);
        m.insert("getTransferredTps".into(), self.tps3(3));
        let s = self.samples.lock();
        let total_tps = |secs| {
            let f = &s[1];
            let mi = &s[2];
            let (Some(lf), Some(lm)) = (f.back(), mi.back()) else {
                return String::new();
            };
            if f.len() <= secs || mi.len() <= secs {
                return String::new();
            }
            let bf = f[f.len() - (secs + 1)];
            let bm = mi[mi.len() - (secs + 1)];
            let dt = (lf.timestamp - bf.timestamp).max(1);
            let calls = (lf.calls - bf.calls) + (lm.calls - bm.calls);
            format!("{:.2}", calls as f64 * 1000.0 / dt as f64)
        };
        m.insert(
            "getTotalTps".into(),
            format!("{} {} {}", total_tps(10), total_tps(60), total_tps(600)),
        );
        m
    }
}
