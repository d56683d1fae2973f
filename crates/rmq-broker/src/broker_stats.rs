//! `BrokerStats`: message totals for `GET_BROKER_RUNTIME_INFO` and `clusterList -m` (Java
//! `broker/stats/BrokerStats`, `BrokerStatsManager` counters).

use std::sync::atomic::{AtomicI64, Ordering};

/// Put and get totals since the broker started, and their values at the last two midnights.
#[derive(Debug, Default)]
pub struct BrokerStats {
    msg_put_total: AtomicI64,
    msg_get_total: AtomicI64,
    msg_put_total_yesterday_morning: AtomicI64,
    msg_put_total_today_morning: AtomicI64,
    msg_get_total_yesterday_morning: AtomicI64,
    msg_get_total_today_morning: AtomicI64,
}

impl BrokerStats {
    /// Counts stored messages.
    pub fn inc_put(&self, n: i64) {
        self.msg_put_total.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts messages handed to consumers.
    pub fn inc_get(&self, n: i64) {
        self.msg_get_total.fetch_add(n, Ordering::Relaxed);
    }

    /// Shifts the morning snapshots (Java `BrokerStats#record`, run at every local midnight).
    pub fn record(&self) {
        let put_today = self.msg_put_total_today_morning.load(Ordering::Relaxed);
        let get_today = self.msg_get_total_today_morning.load(Ordering::Relaxed);
        self.msg_put_total_yesterday_morning
            .store(put_today, Ordering::Relaxed);
        self.msg_get_total_yesterday_morning
            .store(get_today, Ordering::Relaxed);
        self.msg_put_total_today_morning
            .store(self.msg_put_total_today_now(), Ordering::Relaxed);
        self.msg_get_total_today_morning
            .store(self.msg_get_total_today_now(), Ordering::Relaxed);
        tracing::info!(
            "yesterday put message total: {}",
            self.msg_put_total_today_morning() - self.msg_put_total_yesterday_morning()
        );
        tracing::info!(
            "yesterday get message total: {}",
            self.msg_get_total_today_morning() - self.msg_get_total_yesterday_morning()
        );
    }

    /// Returns the stored message count (Java `getMsgPutTotalTodayNow`).
    pub fn msg_put_total_today_now(&self) -> i64 {
        self.msg_put_total.load(Ordering::Relaxed)
    }

    /// Returns the delivered message count (Java `getMsgGetTotalTodayNow`).
    pub fn msg_get_total_today_now(&self) -> i64 {
        self.msg_get_total.load(Ordering::Relaxed)
    }

    /// Returns the stored count at the last midnight.
    pub fn msg_put_total_today_morning(&self) -> i64 {
        self.msg_put_total_today_morning.load(Ordering::Relaxed)
    }

    /// Returns the stored count at the midnight before the last one.
    pub fn msg_put_total_yesterday_morning(&self) -> i64 {
        self.msg_put_total_yesterday_morning.load(Ordering::Relaxed)
    }

    /// Returns the delivered count at the last midnight.
    pub fn msg_get_total_today_morning(&self) -> i64 {
        self.msg_get_total_today_morning.load(Ordering::Relaxed)
    }

    /// Returns the delivered count at the midnight before the last one.
    pub fn msg_get_total_yesterday_morning(&self) -> i64 {
        self.msg_get_total_yesterday_morning.load(Ordering::Relaxed)
    }
}

/// Milliseconds from now to the next local midnight (Java
/// `UtilAll.computeNextMorningTimeMillis() - System.currentTimeMillis()`).
pub fn millis_to_next_morning() -> u64 {
    use chrono::{Duration, Local};
    let now = Local::now();
    let next = (now.date_naive() + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(Local).earliest());
    match next {
        Some(t) => (t - now).num_milliseconds().max(0) as u64,
        None => 24 * 3600 * 1000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_shifts_mornings() {
        let s = BrokerStats::default();
        s.inc_put(5);
        s.inc_get(2);
        s.record();
        s.inc_put(3);
        s.record();
        assert_eq!(s.msg_put_total_yesterday_morning(), 5);
        assert_eq!(s.msg_put_total_today_morning(), 8);
        assert_eq!(s.msg_get_total_yesterday_morning(), 2);
        assert_eq!(s.msg_get_total_today_morning(), 2);
        let ms = millis_to_next_morning();
        assert!(ms <= 25 * 3600 * 1000, "{ms}");
    }
}
