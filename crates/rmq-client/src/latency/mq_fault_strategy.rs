//! `MQFaultStrategy`: picks the queue of a send, steering around slow or failed brokers
//! when `sendLatencyFaultEnable` is on (Java `latency/MQFaultStrategy`, 5.x tables).

use super::LatencyFaultToleranceImpl;
use crate::producer::topic_publish_info::TopicPublishInfo;
use rmq_common::MessageQueue;
use std::sync::atomic::{AtomicBool, Ordering};

/// Send latencies (ms) from which the matching pause applies (`latencyMax`, 5.x).
pub const LATENCY_MAX: [i64; 7] = [50, 100, 550, 1800, 3000, 5000, 15000];
/// Pauses (ms) matching [`LATENCY_MAX`] (`notAvailableDuration`, 5.x).
pub const NOT_AVAILABLE_DURATION: [i64; 7] = [0, 0, 2000, 5000, 6000, 10000, 30000];
/// Latency a failed send counts as (5.x).
pub const ISOLATION_LATENCY_MILLIS: i64 = 10_000;

/// Queue selection with optional latency fault tolerance.
#[derive(Debug, Default)]
pub struct MQFaultStrategy {
    send_latency_fault_enable: AtomicBool,
    fault_tolerance: LatencyFaultToleranceImpl,
}

impl MQFaultStrategy {
    /// Builds a strategy; `enabled` is `sendLatencyFaultEnable` (default false).
    pub fn new(enabled: bool) -> Self {
        MQFaultStrategy {
            send_latency_fault_enable: AtomicBool::new(enabled),
            fault_tolerance: LatencyFaultToleranceImpl::default(),
        }
    }

    /// Returns whether latency fault tolerance is on.
    pub fn is_send_latency_fault_enable(&self) -> bool {
        self.send_latency_fault_enable.load(Ordering::Relaxed)
    }

    /// Turns latency fault tolerance on or off.
    pub fn set_send_latency_fault_enable(&self, enabled: bool) {
        self.send_latency_fault_enable
            .store(enabled, Ordering::Relaxed);
    }

    /// Returns the fault table.
    pub fn fault_tolerance(&self) -> &LatencyFaultToleranceImpl {
        &self.fault_tolerance
    }

    /// Picks a queue: with fault tolerance on, the next queue whose broker is available and
    /// reachable (and not the last one tried), then one that is reachable, then any; without
    /// it, the next queue avoiding `last_broker_name` (`selectOneMessageQueue`).
    pub fn select_one_message_queue(
        &self,
        info: &TopicPublishInfo,
        last_broker_name: Option<&str>,
    ) -> Option<MessageQueue> {
        if !self.is_send_latency_fault_enable() {
            return info.select_one_message_queue_avoiding(last_broker_name);
        }
        let now = rmq_common::util_all::current_millis();
        let ft = &self.fault_tolerance;
        let not_last = |mq: &MessageQueue| last_broker_name != Some(mq.broker_name.as_str());
        info.select_filtered(|mq| {
            not_last(mq)
                && ft.is_available(&mq.broker_name, now)
                && ft.is_reachable(&mq.broker_name)
        })
        .or_else(|| info.select_filtered(|mq| not_last(mq) && ft.is_reachable(&mq.broker_name)))
        .or_else(|| info.select_one_message_queue())
    }

    /// Records the outcome of a send (`updateFaultItem`): `isolation` for a failure, which
    /// counts as [`ISOLATION_LATENCY_MILLIS`]; `reachable` false when the broker could not
    /// be reached at all.
    pub fn update_fault_item(
        &self,
        broker_name: &str,
        current_latency_millis: i64,
        isolation: bool,
        reachable: bool,
    ) {
        if !self.is_send_latency_fault_enable() {
            return;
        }
        let latency = if isolation {
            ISOLATION_LATENCY_MILLIS
        } else {
            current_latency_millis
        };
        let duration = compute_not_available_duration(latency);
        self.fault_tolerance.update_fault_item(
            broker_name,
            current_latency_millis,
            duration,
            reachable,
            rmq_common::util_all::current_millis(),
        );
    }
}

/// Returns the pause for a latency (`computeNotAvailableDuration`).
pub fn compute_not_available_duration(current_latency_millis: i64) -> i64 {
    for i in (0..LATENCY_MAX.len()).rev() {
        if current_latency_millis >= LATENCY_MAX[i] {
            return NOT_AVAILABLE_DURATION[i];
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_java_tables() {
        assert_eq!(compute_not_available_duration(10), 0);
        assert_eq!(compute_not_available_duration(100), 0);
        assert_eq!(compute_not_available_duration(550), 2000);
        assert_eq!(compute_not_available_duration(1799), 2000);
        assert_eq!(compute_not_available_duration(1800), 5000);
        assert_eq!(compute_not_available_duration(3000), 6000);
        assert_eq!(compute_not_available_duration(10_000), 10000);
        assert_eq!(compute_not_available_duration(15_000), 30000);
    }

    #[test]
    fn failed_broker_is_avoided_while_isolated() {
        let s = MQFaultStrategy::new(true);
        let info = TopicPublishInfo::with_queues(vec![
            MessageQueue::new("T", "a", 0),
            MessageQueue::new("T", "a", 1),
            MessageQueue::new("T", "b", 0),
        ]);
        s.update_fault_item("a", 0, true, true);
        let now = rmq_common::util_all::current_millis();
        assert!(!s.fault_tolerance().is_available("a", now));
        assert!(s.fault_tolerance().is_available("a", now + 10_001));
        for _ in 0..6 {
            assert_eq!(
                s.select_one_message_queue(&info, None).unwrap().broker_name,
                "b"
            );
        }
        // Every broker failed: still returns a queue.
        s.update_fault_item("b", 0, true, false);
        assert!(s.select_one_message_queue(&info, None).is_some());
        // Disabled: no records.
        let off = MQFaultStrategy::new(false);
        off.update_fault_item("a", 20_000, true, false);
        assert!(off.fault_tolerance().item("a").is_none());
    }
}
