//! HDR histograms of response times, in microseconds: one per report period and one for the
//! whole run, for the p50/p99/p999 that rmq adds to Java's report lines.

use hdrhistogram::Histogram;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Highest latency tracked (one hour); longer ones are clamped.
const MAX_MICROS: u64 = 3_600_000_000;

/// Records latencies from many tasks.
pub struct LatencyRecorder {
    inner: Mutex<(Histogram<u64>, Histogram<u64>)>,
}

/// Percentiles of a histogram, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Percentiles {
    /// Number of samples.
    pub count: u64,
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Percentiles {
        if h.is_empty() {
            return Percentiles::default();
        }
        let ms = |v: u64| v as f64 / 1000.0;
        Percentiles {
            count: h.len(),
            p50: ms(h.value_at_quantile(0.50)),
            p99: ms(h.value_at_quantile(0.99)),
            p999: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            mean: h.mean() / 1000.0,
        }
    }

    /// ` | RT p50/p99/p999(ms): a/b/c`, the suffix of periodic lines (`label` names the
    /// latency, `RT` for sends).
    pub fn suffix(&self, label: &str) -> String {
        format!(
            " | {label} p50/p99/p999(ms): {:.3}/{:.3}/{:.3}",
            self.p50, self.p99, self.p999
        )
    }
}

impl Default for LatencyRecorder {
    fn default() -> Self {
        Self::new()
    }
}

fn new_histogram() -> Histogram<u64> {
    // Three significant digits over 1 µs..1 h: constant, valid bounds.
    #[allow(clippy::expect_used)]
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("constant histogram bounds are valid")
}

impl LatencyRecorder {
    /// Creates empty histograms.
    pub fn new() -> Self {
        LatencyRecorder {
            inner: Mutex::new((new_histogram(), new_histogram())),
        }
    }

    /// Records one latency.
    pub fn record(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros())
            .unwrap_or(MAX_MICROS)
            .clamp(1, MAX_MICROS);
        let mut g = self.inner.lock();
        let _ = g.0.record(micros);
        let _ = g.1.record(micros);
    }

    /// Records a send's latency here and in a tool's Java counters: adds its milliseconds to
    /// `total_millis` and raises `max_millis` to them.
    pub fn record_rt(&self, latency: Duration, total_millis: &AtomicU64, max_millis: &AtomicU64) {
        self.record(latency);
        let rt = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        total_millis.fetch_add(rt, Ordering::Relaxed);
        max_millis.fetch_max(rt, Ordering::Relaxed);
    }

    /// Records a latency given in milliseconds (born/store to consume times).
    pub fn record_millis(&self, millis: i64) {
        self.record(Duration::from_millis(
            u64::try_from(millis.max(0)).unwrap_or(0),
        ));
    }

    /// Returns the percentiles since the last call and starts a new period.
    pub fn take_period(&self) -> Percentiles {
        let mut g = self.inner.lock();
        let p = Percentiles::of(&g.0);
        g.0.reset();
        p
    }

    /// Returns the percentiles of the whole run.
    pub fn total(&self) -> Percentiles {
        Percentiles::of(&self.inner.lock().1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let r = LatencyRecorder::new();
        for ms in 1..=1000u64 {
            r.record(Duration::from_millis(ms));
        }
        let p = r.take_period();
        assert_eq!(p.count, 1000);
        assert!((p.p50 - 500.0).abs() < 1.0, "{p:?}");
        assert!((p.p99 - 990.0).abs() < 1.5, "{p:?}");
        assert!((p.p999 - 999.0).abs() < 1.5, "{p:?}");
        assert_eq!(r.take_period().count, 0);
        assert_eq!(r.total().count, 1000);
        assert_eq!(
            Percentiles {
                p50: 1.0,
                p99: 2.5,
                p999: 3.25,
                ..Default::default()
            }
            .suffix("RT"),
            " | RT p50/p99/p999(ms): 1.000/2.500/3.250"
        );
    }
}
