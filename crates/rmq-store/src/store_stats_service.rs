//! `StoreStatsService`: put/get counters and TPS over the last 10 s / 1 min / 10 min, sampled
//! once a second, and the put latency of the last full minute (Java `StoreStatsService`).
//!
//! Put latencies (milliseconds from the put call to its append result) are counted twice, as
//! in Java: in 13 coarse ranges printed as `putMessageDistributeTime`, and in 76 fine buckets
//! (1 ms steps to 20 ms, 2 ms to 50, 5 ms to 100, 10 ms to 200, 50 ms to 500, 100 ms to 1 s,
//! 1 s to 10 s, then the rest) from which `putLatency99` and `putLatency999` are
//! interpolated. Both are swapped out every minute; the runtime info shows the last complete
//! minute (`null` and `0.00` before the first one, as Java).

use crate::service_thread::ServiceSlot;
use parking_lot::Mutex;
use rmq_common::java_format::{double_to_string, format_fixed};
use rmq_common::util_all::current_millis;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, LazyLock};

const MAX_RECORDS_OF_SAMPLING: usize = 600;

/// Seconds between two latency windows (Java `printTPSInterval`).
const PRINT_TPS_INTERVAL_SECONDS: i64 = 60;

/// Labels of the coarse latency ranges (Java `PUT_MESSAGE_ENTIRE_TIME_MAX_DESC`).
const PUT_MESSAGE_ENTIRE_TIME_MAX_DESC: [&str; 13] = [
    "[<=0ms]",
    "[0~10ms]",
    "[10~50ms]",
    "[50~100ms]",
    "[100~200ms]",
    "[200~500ms]",
    "[500ms~1s]",
    "[1~2s]",
    "[2~3s]",
    "[3~4s]",
    "[4~5s]",
    "[5~10s]",
    "[10s~]",
];

/// Upper bounds of the coarse ranges but the last (exclusive; the first is `<= 0`).
const DISTRIBUTE_UPPER_BOUNDS: [i64; 12] = [
    0, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10_000,
];

/// Upper bounds (inclusive) of the fine buckets (Java `PUT_MESSAGE_ENTIRE_TIME_BUCKETS`:
/// step size and count per band), ending with `i64::MAX`.
static LATENCY_BUCKET_BOUNDS: LazyLock<Vec<i64>> = LazyLock::new(|| {
    let mut bounds = Vec::new();
    let mut at = 0i64;
    for (step, times) in [
        (1, 20),
        (2, 15),
        (5, 10),
        (10, 10),
        (50, 6),
        (100, 5),
        (1000, 9),
    ] {
        for _ in 0..times {
            at += step;
            bounds.push(at);
        }
    }
    bounds.push(i64::MAX);
    bounds
});

#[derive(Debug, Clone, Copy)]
struct CallSnapshot {
    timestamp: i64,
    calls: i64,
}

/// Java `CallSnapshot.getTPS`: calls per millisecond, times 1000.
fn call_tps(begin: &CallSnapshot, end: &CallSnapshot) -> f64 {
    let total = end.calls - begin.calls;
    let time = (end.timestamp - begin.timestamp) as f64;
    (total as f64 / time) * 1000.0
}

/// The rate over the last `seconds` samples, `None` until there are that many.
fn tps(samples: &VecDeque<CallSnapshot>, seconds: usize) -> Option<f64> {
    let last = samples.back()?;
    if samples.len() <= seconds {
        return None;
    }
    let before = samples.get(samples.len() - (seconds + 1))?;
    Some(call_tps(before, last))
}

/// Counters of the current latency window.
#[derive(Debug)]
struct LatencyWindow {
    distribution: [AtomicI64; 13],
    buckets: Vec<AtomicI64>,
}

impl LatencyWindow {
    fn new() -> Self {
        LatencyWindow {
            distribution: Default::default(),
            buckets: LATENCY_BUCKET_BOUNDS
                .iter()
                .map(|_| AtomicI64::new(0))
                .collect(),
        }
    }

    fn record(&self, millis: i64) {
        let range = DISTRIBUTE_UPPER_BOUNDS
            .iter()
            .enumerate()
            .position(|(i, &bound)| {
                if i == 0 {
                    millis <= bound
                } else {
                    millis < bound
                }
            })
            .unwrap_or(DISTRIBUTE_UPPER_BOUNDS.len());
        if let Some(c) = self.distribution.get(range) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        // Java `TreeMap#ceilingEntry`: the first bucket whose bound is >= the latency.
        let bucket = LATENCY_BUCKET_BOUNDS.partition_point(|&bound| bound < millis);
        if let Some(c) = self.buckets.get(bucket) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Reads and zeroes the window.
    fn take(&self) -> ([i64; 13], Vec<i64>) {
        let mut distribution = [0i64; 13];
        for (out, c) in distribution.iter_mut().zip(&self.distribution) {
            *out = c.swap(0, Ordering::Relaxed);
        }
        let buckets = self
            .buckets
            .iter()
            .map(|c| c.swap(0, Ordering::Relaxed))
            .collect();
        (distribution, buckets)
    }
}

/// The last complete latency window.
#[derive(Debug, Default)]
struct LastLatencyWindow {
    /// Coarse ranges; `None` before the first window closed.
    distribution: Option<[i64; 13]>,
    /// Fine buckets; empty before the first window closed.
    buckets: Vec<i64>,
    closed_at: i64,
}

/// Java `findPutMessageEntireTimePX`: the latency below which a fraction `px` of the window's
/// puts fell, interpolated inside its bucket.
fn latency_percentile(buckets: &[i64], px: f64) -> f64 {
    let total: i64 = buckets.iter().sum();
    let px_index = (total as f64 * px) as i64;
    let mut pass_count = 0i64;
    for (i, (&count, &bound)) in buckets.iter().zip(LATENCY_BUCKET_BOUNDS.iter()).enumerate() {
        if px_index <= pass_count + count {
            let relative = px_index - pass_count;
            if count == 0 {
                return if i == 0 {
                    0.0
                } else {
                    LATENCY_BUCKET_BOUNDS[i - 1] as f64
                };
            }
            return if i == 0 {
                bound.wrapping_mul(relative) as f64 / count as f64
            } else {
                let lower = LATENCY_BUCKET_BOUNDS[i - 1];
                lower as f64
                    + (bound.wrapping_sub(lower)).wrapping_mul(relative) as f64 / count as f64
            };
        }
        pass_count += count;
    }
    0.0
}

/// Counters for the broker's runtime info.
#[derive(Debug)]
pub(crate) struct StoreStatsService {
    boot_timestamp: i64,
    pub(crate) put_message_times_total: AtomicI64,
    pub(crate) put_message_size_total: AtomicI64,
    pub(crate) put_message_failed_times: AtomicI64,
    put_message_entire_time_max: AtomicI64,
    pub(crate) get_message_times_total_found: AtomicI64,
    pub(crate) get_message_times_total_miss: AtomicI64,
    pub(crate) get_message_transferred_msg_count: AtomicI64,
    pub(crate) get_message_entire_time_max: AtomicI64,
    samples: Mutex<[VecDeque<CallSnapshot>; 4]>,
    latency: LatencyWindow,
    last_latency: Mutex<LastLatencyWindow>,
    thread: ServiceSlot,
}

impl StoreStatsService {
    pub(crate) fn new() -> Self {
        let now = current_millis();
        StoreStatsService {
            boot_timestamp: now,
            put_message_times_total: AtomicI64::new(0),
            put_message_size_total: AtomicI64::new(0),
            put_message_failed_times: AtomicI64::new(0),
            put_message_entire_time_max: AtomicI64::new(0),
            get_message_times_total_found: AtomicI64::new(0),
            get_message_times_total_miss: AtomicI64::new(0),
            get_message_transferred_msg_count: AtomicI64::new(0),
            get_message_entire_time_max: AtomicI64::new(0),
            samples: Mutex::new(Default::default()),
            latency: LatencyWindow::new(),
            last_latency: Mutex::new(LastLatencyWindow {
                closed_at: now,
                ..Default::default()
            }),
            thread: ServiceSlot::default(),
        }
    }

    /// Starts the `StoreStatsService` thread, sampling every second.
    pub(crate) fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = self.clone();
        self.thread.start("StoreStatsService", move |s| {
            while !s.is_stopped() {
                s.wait_for_running(1000);
                me.sampling();
            }
        })
    }

    pub(crate) fn shutdown(&self) {
        self.thread.shutdown();
    }

    /// Records the latency of one put in milliseconds (Java `setPutMessageEntireTimeMax`).
    pub(crate) fn set_put_message_entire_time_max(&self, millis: i64) {
        self.latency.record(millis);
        self.put_message_entire_time_max
            .fetch_max(millis, Ordering::Relaxed);
    }

    /// Takes one snapshot of each counter (every second), and closes the latency window once
    /// a minute (Java `sampling` and `printTps`).
    pub(crate) fn sampling(&self) {
        self.sampling_at(current_millis());
    }

    fn sampling_at(&self, now: i64) {
        let values = [
            self.put_message_times_total.load(Ordering::Relaxed),
            self.get_message_times_total_found.load(Ordering::Relaxed),
            self.get_message_times_total_miss.load(Ordering::Relaxed),
            self.get_message_transferred_msg_count
                .load(Ordering::Relaxed),
        ];
        {
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
        let mut last = self.last_latency.lock();
        if now > last.closed_at + PRINT_TPS_INTERVAL_SECONDS * 1000 {
            let (distribution, buckets) = self.latency.take();
            *last = LastLatencyWindow {
                distribution: Some(distribution),
                buckets,
                closed_at: now,
            };
        }
    }

    /// `"<10 s> <1 min> <10 min>"`, a window left empty until sampled long enough (Java
    /// `getPutTps()` and its siblings).
    fn tps3(&self, i: usize) -> String {
        let s = self.samples.lock();
        let one = |secs| tps(&s[i], secs).map(double_to_string).unwrap_or_default();
        format!("{} {} {}", one(10), one(60), one(600))
    }

    /// Java `getGetTotalTps()`: found plus miss rates, each 0 until sampled long enough.
    fn get_total_tps(&self) -> String {
        let s = self.samples.lock();
        let one = |secs| {
            let found = tps(&s[1], secs).unwrap_or(0.0);
            let miss = tps(&s[2], secs).unwrap_or(0.0);
            double_to_string(found + miss)
        };
        format!("{} {} {}", one(10), one(60), one(600))
    }

    /// Java `putMessageDistributeTimeToString` of the last complete minute, `null` before.
    fn put_message_distribute_time(&self) -> String {
        match self.last_latency.lock().distribution {
            Some(d) => PUT_MESSAGE_ENTIRE_TIME_MAX_DESC
                .iter()
                .zip(d)
                .map(|(desc, n)| format!("{desc}:{n} "))
                .collect(),
            None => "null".into(),
        }
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
        let (p99, p999) = {
            let last = self.last_latency.lock();
            (
                latency_percentile(&last.buckets, 0.99),
                latency_percentile(&last.buckets, 0.999),
            )
        };
        let load = |c: &AtomicI64| c.load(Ordering::Relaxed).to_string();
        let mut m = HashMap::new();
        m.insert("bootTimestamp".into(), self.boot_timestamp.to_string());
        m.insert("runtime".into(), runtime);
        m.insert(
            "putMessageEntireTimeMax".into(),
            load(&self.put_message_entire_time_max),
        );
        m.insert("putMessageTimesTotal".into(), total.to_string());
        m.insert(
            "putMessageFailedTimes".into(),
            load(&self.put_message_failed_times),
        );
        m.insert("putMessageSizeTotal".into(), size.to_string());
        m.insert(
            "putMessageDistributeTime".into(),
            self.put_message_distribute_time(),
        );
        m.insert(
            "putMessageAverageSize".into(),
            double_to_string(size as f64 / total as f64),
        );
        // Java declares `setDispatchMaxBuffer` but nothing calls it (5.3.3 and 5.5), so the
        // key always reads 0 there; rmq has no dispatch buffer to measure either.
        m.insert("dispatchMaxBuffer".into(), "0".into());
        m.insert(
            "getMessageEntireTimeMax".into(),
            load(&self.get_message_entire_time_max),
        );
        m.insert("putTps".into(), self.tps3(0));
        m.insert("getFoundTps".into(), self.tps3(1));
        m.insert("getMissTps".into(), self.tps3(2));
        m.insert("getTotalTps".into(), self.get_total_tps());
        m.insert("getTransferredTps".into(), self.tps3(3));
        m.insert("putLatency99".into(), format_fixed(p99, 2));
        m.insert("putLatency999".into(), format_fixed(p999, 2));
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_are_javas() {
        let b = &*LATENCY_BUCKET_BOUNDS;
        assert_eq!(b.len(), 76);
        assert_eq!(&b[..3], &[1, 2, 3]);
        assert_eq!(b[19], 20);
        assert_eq!(b[20], 22);
        assert_eq!(b[34], 50);
        assert_eq!(b[44], 100);
        assert_eq!(b[54], 200);
        assert_eq!(b[60], 500);
        assert_eq!(b[65], 1000);
        assert_eq!(b[74], 10_000);
        assert_eq!(b[75], i64::MAX);
    }

    #[test]
    fn before_the_first_minute_java_prints_null_and_zero() {
        let s = StoreStatsService::new();
        s.set_put_message_entire_time_max(3);
        s.sampling_at(s.boot_timestamp + 1000);
        let info = s.runtime_info();
        assert_eq!(info["putMessageDistributeTime"], "null");
        assert_eq!(info["putLatency99"], "0.00");
        assert_eq!(info["putLatency999"], "0.00");
        assert_eq!(info["dispatchMaxBuffer"], "0");
        assert_eq!(info["putMessageEntireTimeMax"], "3");
        // One sample: no window is complete; the total rate still prints three zeros.
        assert_eq!(info["getTotalTps"], "0.0 0.0 0.0");
        assert_eq!(info["putTps"], "  ");
    }

    #[test]
    fn the_last_minute_gives_distribution_and_percentiles() {
        let s = StoreStatsService::new();
        // 1000 puts: 990 of 0 ms, 9 of 7 ms, 1 of 1500 ms.
        for _ in 0..990 {
            s.set_put_message_entire_time_max(0);
        }
        for _ in 0..9 {
            s.set_put_message_entire_time_max(7);
        }
        s.set_put_message_entire_time_max(1500);
        s.sampling_at(s.boot_timestamp + 60_001);
        // Puts after the window closed count in the next one.
        s.set_put_message_entire_time_max(4000);
        let info = s.runtime_info();
        assert_eq!(
            info["putMessageDistributeTime"],
            "[<=0ms]:990 [0~10ms]:9 [10~50ms]:0 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 \
             [500ms~1s]:0 [1~2s]:1 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:0 "
        );
        // Java: pxIndex 990 falls in the first bucket (bound 1, 990 puts): 1 * 990 / 990.
        assert_eq!(info["putLatency99"], "1.00");
        // pxIndex 999 falls in bucket (6, 7] holding 9 puts: 6 + 1 * 9 / 9.
        assert_eq!(info["putLatency999"], "7.00");
        assert_eq!(info["putMessageEntireTimeMax"], "4000");
    }

    #[test]
    fn tps_are_java_doubles() {
        let s = StoreStatsService::new();
        let t0 = s.boot_timestamp;
        for i in 0..=10 {
            s.put_message_times_total.store(i * 3, Ordering::Relaxed);
            s.get_message_times_total_found.store(i, Ordering::Relaxed);
            s.sampling_at(t0 + i * 1000);
        }
        let info = s.runtime_info();
        assert_eq!(info["putTps"], "3.0  ");
        assert_eq!(info["getFoundTps"], "1.0  ");
        assert_eq!(info["getTotalTps"], "1.0 0.0 0.0");
        s.put_message_size_total.store(10, Ordering::Relaxed);
        s.put_message_times_total.store(4, Ordering::Relaxed);
        assert_eq!(s.runtime_info()["putMessageAverageSize"], "2.5");
    }
}
