//! `BrokerStats`: message totals for `GET_BROKER_RUNTIME_INFO` and `clusterList -m` (Java
//! `broker/stats/BrokerStats`): the [`BrokerStatsManager`] totals outside system topics, and
//! their values at the last two midnights.

use crate::stats::broker_stats_manager::BrokerStatsManager;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Put and get totals since the broker started, and their values at the last two midnights.
#[derive(Debug)]
pub struct BrokerStats {
    manager: Arc<BrokerStatsManager>,
    msg_put_total_yesterday_morning: AtomicI64,
    msg_put_total_today_morning: AtomicI64,
    msg_get_total_yesterday_morning: AtomicI64,
    msg_get_total_today_morning: AtomicI64,
}

impl BrokerStats {
    /// Reads its totals from `manager`.
    pub fn new(manager: Arc<BrokerStatsManager>) -> Self {
        BrokerStats {
            manager,
            msg_put_total_yesterday_morning: AtomicI64::new(0),
            msg_put_total_today_morning: AtomicI64::new(0),
            msg_get_total_yesterday_morning: AtomicI64::new(0),
            msg_get_total_today_morning: AtomicI64::new(0),
        }
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
        self.manager.broker_put_nums_without_system_topic()
    }

    /// Returns the delivered message count (Java `getMsgGetTotalTodayNow`).
    pub fn msg_get_total_today_now(&self) -> i64 {
        self.manager.broker_get_nums_without_system_topic()
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
        let m = Arc::new(BrokerStatsManager::new("C"));
        let s = BrokerStats::new(m.clone());
        m.inc_broker_put_nums("T", 5);
        m.inc_broker_get_nums("T", 2);
        s.record();
        m.inc_broker_put_nums("T", 3);
        m.inc_broker_put_nums("SCHEDULE_TOPIC_XXXX", 7);
        s.record();
        assert_eq!(s.msg_put_total_yesterday_morning(), 5);
        assert_eq!(s.msg_put_total_today_morning(), 8);
        assert_eq!(s.msg_get_total_yesterday_morning(), 2);
        assert_eq!(s.msg_get_total_today_morning(), 2);
        let ms = millis_to_next_morning();
        assert!(ms <= 25 * 3600 * 1000, "{ms}");
    }
}
