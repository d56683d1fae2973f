//! `LatencyFaultToleranceImpl`: per-broker "not available until" marks (Java
//! `latency/LatencyFaultToleranceImpl`, `FaultItem`).

use parking_lot::Mutex;
use std::collections::HashMap;

/// One broker's fault record (`FaultItem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultItem {
    /// The broker name.
    pub name: String,
    /// Latency of the last send, in ms.
    pub current_latency_millis: i64,
    /// Milliseconds since the epoch from which the broker is available again.
    pub start_timestamp_millis: i64,
    /// False after a failure that suggests the broker cannot be reached.
    pub reachable: bool,
}

/// The fault table.
#[derive(Debug, Default)]
pub struct LatencyFaultToleranceImpl {
    items: Mutex<HashMap<String, FaultItem>>,
}

impl LatencyFaultToleranceImpl {
    /// Records a send to `name` that took `current_latency_millis` and makes the broker
    /// unavailable for `not_available_duration_millis` (`updateFaultItem`).
    pub fn update_fault_item(
        &self,
        name: &str,
        current_latency_millis: i64,
        not_available_duration_millis: i64,
        reachable: bool,
        now_millis: i64,
    ) {
        let mut items = self.items.lock();
        let item = items.entry(name.to_string()).or_insert_with(|| FaultItem {
            name: name.to_string(),
            current_latency_millis: 0,
            start_timestamp_millis: 0,
            reachable: true,
        });
        item.current_latency_millis = current_latency_millis;
        item.start_timestamp_millis = now_millis + not_available_duration_millis;
        item.reachable = reachable;
    }

    /// Returns true when the broker has no fault or its pause is over (`isAvailable`).
    pub fn is_available(&self, name: &str, now_millis: i64) -> bool {
        self.items
            .lock()
            .get(name)
            .is_none_or(|i| now_millis >= i.start_timestamp_millis)
    }

    /// Returns true unless the last failure marked the broker unreachable (`isReachable`).
    pub fn is_reachable(&self, name: &str) -> bool {
        self.items.lock().get(name).is_none_or(|i| i.reachable)
    }

    /// Forgets a broker (`remove`).
    pub fn remove(&self, name: &str) {
        self.items.lock().remove(name);
    }

    /// Returns a copy of a broker's record.
    pub fn item(&self, name: &str) -> Option<FaultItem> {
        self.items.lock().get(name).cloned()
    }
}
