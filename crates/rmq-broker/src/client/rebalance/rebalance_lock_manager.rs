//! `RebalanceLockManager`: which client holds each queue of a consumer group for ordered
//! consumption (Java `broker/client/rebalance/RebalanceLockManager`). A lock lasts
//! `rocketmq.broker.rebalance.lockMaxLiveTime` (60 s) unless renewed.

use parking_lot::Mutex;
use rmq_common::util_all::current_millis;
use rmq_common::MessageQueue;
use std::collections::{BTreeSet, HashMap};

/// Java's default `lockMaxLiveTime`.
pub const REBALANCE_LOCK_MAX_LIVE_TIME_MILLIS: i64 = 60_000;

#[derive(Debug, Clone)]
struct LockEntry {
    client_id: String,
    last_update_timestamp: i64,
}

impl LockEntry {
    fn is_expired(&self, now: i64, max_live: i64) -> bool {
        now - self.last_update_timestamp > max_live
    }
}

/// Queue locks per consumer group.
pub struct RebalanceLockManager {
    max_live_millis: i64,
    table: Mutex<HashMap<String, HashMap<MessageQueue, LockEntry>>>,
}

impl Default for RebalanceLockManager {
    fn default() -> Self {
        Self::new(lock_max_live_time_from_env())
    }
}

fn lock_max_live_time_from_env() -> i64 {
    std::env::var("rocketmq.broker.rebalance.lockMaxLiveTime")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(REBALANCE_LOCK_MAX_LIVE_TIME_MILLIS)
}

impl RebalanceLockManager {
    /// Builds a lock table whose locks expire after `max_live_millis`.
    pub fn new(max_live_millis: i64) -> Self {
        RebalanceLockManager {
            max_live_millis,
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Returns true when `client_id` holds an unexpired lock on `mq`.
    pub fn is_locked(&self, group: &str, mq: &MessageQueue, client_id: &str) -> bool {
        let now = current_millis();
        self.table
            .lock()
            .get(group)
            .and_then(|g| g.get(mq))
            .is_some_and(|e| e.client_id == client_id && !e.is_expired(now, self.max_live_millis))
    }

    /// Returns true when some client holds an unexpired lock of the group.
    pub fn has_unexpired_lock(&self, group: &str) -> bool {
        let now = current_millis();
        self.table
            .lock()
            .get(group)
            .is_some_and(|g| g.values().any(|e| !e.is_expired(now, self.max_live_millis)))
    }

    /// Locks each queue for `client_id` unless another client holds an unexpired lock;
    /// returns the queues now held (Java `tryLockBatch`).
    pub fn try_lock_batch(
        &self,
        group: &str,
        mqs: &BTreeSet<MessageQueue>,
        client_id: &str,
    ) -> BTreeSet<MessageQueue> {
        let now = current_millis();
        let mut locked = BTreeSet::new();
        let mut t = self.table.lock();
        let g = t.entry(group.to_string()).or_default();
        for mq in mqs {
            match g.get_mut(mq) {
                None => {
                    g.insert(
                        mq.clone(),
                        LockEntry {
                            client_id: client_id.to_string(),
                            last_update_timestamp: now,
                        },
                    );
                    tracing::info!(group, client_id, mq = %mq, "RebalanceLockManager#tryLockBatch: lock a message which has not been locked yet");
                    locked.insert(mq.clone());
                }
                Some(e) if e.client_id == client_id => {
                    e.last_update_timestamp = now;
                    locked.insert(mq.clone());
                }
                Some(e) if e.is_expired(now, self.max_live_millis) => {
                    tracing::warn!(group, old_client_id = %e.client_id, new_client_id = client_id, mq = %mq, "RebalanceLockManager#tryLockBatch: try to lock a expired message queue");
                    e.client_id = client_id.to_string();
                    e.last_update_timestamp = now;
                    locked.insert(mq.clone());
                }
                Some(e) => {
                    tracing::warn!(group, old_client_id = %e.client_id, new_client_id = client_id, mq = %mq, "RebalanceLockManager#tryLockBatch: message queue has been locked by other client");
                }
            }
        }
        locked
    }

    /// Releases the queues held by `client_id` (Java `unlockBatch`).
    pub fn unlock_batch(&self, group: &str, mqs: &BTreeSet<MessageQueue>, client_id: &str) {
        let mut t = self.table.lock();
        let Some(g) = t.get_mut(group) else {
            tracing::warn!(
                group,
                client_id,
                "RebalanceLockManager#unlockBatch: group not exist"
            );
            return;
        };
        for mq in mqs {
            match g.get(mq) {
                Some(e) if e.client_id == client_id => {
                    g.remove(mq);
                    tracing::info!(group, client_id, mq = %mq, "RebalanceLockManager#unlockBatch: unlock mq");
                }
                Some(e) => {
                    tracing::warn!(group, locked_by = %e.client_id, client_id, mq = %mq, "RebalanceLockManager#unlockBatch: mq locked by other client");
                }
                None => {
                    tracing::warn!(group, client_id, mq = %mq, "RebalanceLockManager#unlockBatch: mq not locked");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_rules() {
        let m = RebalanceLockManager::new(60_000);
        let mqs: BTreeSet<MessageQueue> = (0..2).map(|i| MessageQueue::new("T", "b", i)).collect();
        assert_eq!(m.try_lock_batch("g", &mqs, "c1").len(), 2);
        assert!(m.try_lock_batch("g", &mqs, "c2").is_empty());
        assert_eq!(m.try_lock_batch("g", &mqs, "c1").len(), 2);
        m.unlock_batch("g", &mqs, "c2");
        assert!(m.is_locked("g", &MessageQueue::new("T", "b", 0), "c1"));
        m.unlock_batch("g", &mqs, "c1");
        assert_eq!(m.try_lock_batch("g", &mqs, "c2").len(), 2);
        let expired = RebalanceLockManager::new(-1);
        expired.try_lock_batch("g", &mqs, "c1");
        assert_eq!(expired.try_lock_batch("g", &mqs, "c2").len(), 2);
    }
}
