//! `BrokerStats`: message totals for `GET_BROKER_RUNTIME_INFO` and `clusterList -m` (Java
//! `broker/stats/BrokerStats`, `BrokerStatsManager` counters).

use std::sync::atomic::{AtomicI64, Ordering};

/// Put and get totals since the broker started.
#[derive(Debug, Default)]
pub struct BrokerStats {
    msg_put_total: AtomicI64,
    msg_get_total: AtomicI64,
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

    /// Returns the stored message count (Java `getMsgPutTotalTodayNow`).
    pub fn msg_put_total_today_now(&self) -> i64 {
        self.msg_put_total.load(Ordering::Relaxed)
    }

    /// Returns the delivered message count (Java `getMsgGetTotalTodayNow`).
    pub fn msg_get_total_today_now(&self) -> i64 {
        self.msg_get_total.load(Ordering::Relaxed)
    }
}
