//! `ProcessQueue`: the messages pulled from one queue and not yet consumed, ordered by
//! offset, with the state of pulling, consuming and the broker lock (Java
//! `impl/consumer/ProcessQueue`).

use parking_lot::Mutex;
use rmq_common::MessageExt;
use rmq_remoting::protocol::body::process_queue_info::ProcessQueueInfo;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// A client-side lock is trusted this long (`rocketmq.client.rebalance.lockMaxLiveTime`).
pub const REBALANCE_LOCK_MAX_LIVE_TIME_MILLIS: i64 = 30_000;
/// Locks are renewed this often (`rocketmq.client.rebalance.lockInterval`).
pub const REBALANCE_LOCK_INTERVAL_MILLIS: u64 = 20_000;
/// A queue not pulled for this long is dropped (`rocketmq.client.pull.pullMaxIdleTime`).
pub const PULL_MAX_IDLE_TIME_MILLIS: i64 = 120_000;

#[derive(Default)]
struct Inner {
    msg_tree_map: BTreeMap<i64, MessageExt>,
    consuming_msg_orderly_tree_map: BTreeMap<i64, MessageExt>,
    msg_size: usize,
    queue_offset_max: i64,
    consuming: bool,
}

/// Cached messages of one queue.
pub struct ProcessQueue {
    inner: Mutex<Inner>,
    dropped: AtomicBool,
    locked: AtomicBool,
    last_lock_timestamp: AtomicI64,
    last_pull_timestamp: AtomicI64,
    last_consume_timestamp: AtomicI64,
    try_unlock_times: AtomicI64,
    /// Held while an orderly consume of this queue runs (`getConsumeLock`).
    pub consume_lock: tokio::sync::Mutex<()>,
}

impl Default for ProcessQueue {
    fn default() -> Self {
        let now = rmq_common::util_all::current_millis();
        ProcessQueue {
            inner: Mutex::new(Inner::default()),
            dropped: AtomicBool::new(false),
            locked: AtomicBool::new(false),
            last_lock_timestamp: AtomicI64::new(now),
            last_pull_timestamp: AtomicI64::new(now),
            last_consume_timestamp: AtomicI64::new(now),
            try_unlock_times: AtomicI64::new(0),
            consume_lock: tokio::sync::Mutex::new(()),
        }
    }
}

impl ProcessQueue {
    /// Adds pulled messages; returns true when an orderly consume should be started
    /// (`putMessage`'s `dispatchToConsume`).
    pub fn put_message(&self, msgs: &[MessageExt]) -> bool {
        let mut g = self.inner.lock();
        for m in msgs {
            if g.msg_tree_map.insert(m.queue_offset, m.clone()).is_none() {
                g.msg_size += m.body().len();
                g.queue_offset_max = m.queue_offset;
            }
        }
        if !g.msg_tree_map.is_empty() && !g.consuming {
            g.consuming = true;
            return true;
        }
        false
    }

    /// Removes consumed messages and returns the offset that can be committed: the smallest
    /// still cached, or the largest seen + 1 when none is left; -1 when nothing was cached
    /// (`removeMessage`).
    pub fn remove_message(&self, msgs: &[MessageExt]) -> i64 {
        let mut g = self.inner.lock();
        self.last_consume_timestamp
            .store(rmq_common::util_all::current_millis(), Ordering::Relaxed);
        if g.msg_tree_map.is_empty() {
            return -1;
        }
        let mut result = g.queue_offset_max + 1;
        for m in msgs {
            if let Some(prev) = g.msg_tree_map.remove(&m.queue_offset) {
                g.msg_size = g.msg_size.saturating_sub(prev.body().len());
            }
        }
        if let Some((first, _)) = g.msg_tree_map.first_key_value() {
            result = *first;
        }
        result
    }

    /// Returns the number of cached messages.
    pub fn msg_count(&self) -> usize {
        self.inner.lock().msg_tree_map.len()
    }

    /// Returns the cached body bytes.
    pub fn msg_size(&self) -> usize {
        self.inner.lock().msg_size
    }

    /// Returns the distance between the largest and smallest cached offsets (`getMaxSpan`).
    pub fn max_span(&self) -> i64 {
        let g = self.inner.lock();
        match (
            g.msg_tree_map.first_key_value(),
            g.msg_tree_map.last_key_value(),
        ) {
            (Some((a, _)), Some((b, _))) => b - a,
            _ => 0,
        }
    }

    /// Takes up to `batch_size` messages in offset order for an orderly consume
    /// (`takeMessages`); none left marks the queue as not consuming.
    pub fn take_messages(&self, batch_size: usize) -> Vec<MessageExt> {
        let mut g = self.inner.lock();
        let now = rmq_common::util_all::current_millis();
        self.last_consume_timestamp.store(now, Ordering::Relaxed);
        let mut out = Vec::new();
        while out.len() < batch_size {
            let Some((off, m)) = g.msg_tree_map.pop_first() else {
                break;
            };
            g.consuming_msg_orderly_tree_map.insert(off, m.clone());
            out.push(m);
        }
        if out.is_empty() {
            g.consuming = false;
        }
        out
    }

    /// Forgets the messages taken and returns the offset after them, -1 if none
    /// (`commit`).
    pub fn commit(&self) -> i64 {
        let mut g = self.inner.lock();
        let next = g
            .consuming_msg_orderly_tree_map
            .last_key_value()
            .map(|(k, _)| k + 1);
        let freed: usize = g
            .consuming_msg_orderly_tree_map
            .values()
            .map(|m| m.body().len())
            .sum();
        g.msg_size = g.msg_size.saturating_sub(freed);
        g.consuming_msg_orderly_tree_map.clear();
        next.unwrap_or(-1)
    }

    /// Puts taken messages back to be consumed again (`makeMessageToConsumeAgain`).
    pub fn make_message_to_consume_again(&self, msgs: &[MessageExt]) {
        let mut g = self.inner.lock();
        for m in msgs {
            g.consuming_msg_orderly_tree_map.remove(&m.queue_offset);
            g.msg_tree_map.insert(m.queue_offset, m.clone());
        }
    }

    /// Puts every taken message back (`rollback`).
    pub fn rollback(&self) {
        let mut g = self.inner.lock();
        let taken = std::mem::take(&mut g.consuming_msg_orderly_tree_map);
        g.msg_tree_map.extend(taken);
    }

    /// Drops every cached message (`clear`).
    pub fn clear(&self) {
        let mut g = self.inner.lock();
        g.msg_tree_map.clear();
        g.consuming_msg_orderly_tree_map.clear();
        g.msg_size = 0;
        g.queue_offset_max = 0;
    }

    /// Returns true once the queue was taken away from this client.
    pub fn is_dropped(&self) -> bool {
        self.dropped.load(Ordering::Acquire)
    }

    /// Marks the queue dropped (or not).
    pub fn set_dropped(&self, dropped: bool) {
        self.dropped.store(dropped, Ordering::Release)
    }

    /// Returns true while this client holds the broker lock of the queue.
    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::Acquire)
    }

    /// Records whether the broker lock is held.
    pub fn set_locked(&self, locked: bool) {
        self.locked.store(locked, Ordering::Release)
    }

    /// Records a successful lock now.
    pub fn touch_lock(&self) {
        self.last_lock_timestamp
            .store(rmq_common::util_all::current_millis(), Ordering::Relaxed);
    }

    /// Returns true when the lock was not renewed for 30 s (`isLockExpired`).
    pub fn is_lock_expired(&self) -> bool {
        rmq_common::util_all::current_millis() - self.last_lock_timestamp.load(Ordering::Relaxed)
            > REBALANCE_LOCK_MAX_LIVE_TIME_MILLIS
    }

    /// Records a pull now.
    pub fn touch_pull(&self) {
        self.last_pull_timestamp
            .store(rmq_common::util_all::current_millis(), Ordering::Relaxed);
    }

    /// Returns true when the queue was not pulled for 120 s (`isPullExpired`).
    pub fn is_pull_expired(&self) -> bool {
        rmq_common::util_all::current_millis() - self.last_pull_timestamp.load(Ordering::Relaxed)
            > PULL_MAX_IDLE_TIME_MILLIS
    }

    /// Counts an unlock attempt (`incTryUnlockTimes`).
    pub fn inc_try_unlock_times(&self) {
        self.try_unlock_times.fetch_add(1, Ordering::Relaxed);
    }

    /// Returns true while messages are cached (`hasTempMessage`).
    pub fn has_temp_message(&self) -> bool {
        !self.inner.lock().msg_tree_map.is_empty()
    }

    /// Fills the running-info snapshot (`fillProcessQueueInfo`).
    pub fn fill_process_queue_info(&self, commit_offset: i64) -> ProcessQueueInfo {
        let g = self.inner.lock();
        ProcessQueueInfo {
            commit_offset,
            cached_msg_min_offset: g.msg_tree_map.keys().next().copied().unwrap_or(0),
            cached_msg_max_offset: g.msg_tree_map.keys().next_back().copied().unwrap_or(0),
            cached_msg_count: g.msg_tree_map.len() as i32,
            cached_msg_size_in_mib: (g.msg_size / (1024 * 1024)) as i32,
            locked: self.is_locked(),
            try_unlock_times: self.try_unlock_times.load(Ordering::Relaxed),
            last_lock_timestamp: self.last_lock_timestamp.load(Ordering::Relaxed),
            droped: self.is_dropped(),
            last_pull_timestamp: self.last_pull_timestamp.load(Ordering::Relaxed),
            last_consume_timestamp: self.last_consume_timestamp.load(Ordering::Relaxed),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(off: i64, len: usize) -> MessageExt {
        let mut m = MessageExt {
            queue_offset: off,
            ..Default::default()
        };
        m.message.body = bytes::Bytes::from(vec![b'x'; len]);
        m
    }

    #[test]
    fn remove_returns_the_committable_offset() {
        let pq = ProcessQueue::default();
        assert_eq!(pq.remove_message(&[msg(1, 1)]), -1);
        let msgs: Vec<_> = (10..15).map(|o| msg(o, 10)).collect();
        assert!(pq.put_message(&msgs));
        assert_eq!(pq.msg_count(), 5);
        assert_eq!(pq.msg_size(), 50);
        assert_eq!(pq.max_span(), 4);
        // Out of order completion: the smallest in flight stays the commit point.
        assert_eq!(pq.remove_message(&[msgs[1].clone(), msgs[2].clone()]), 10);
        assert_eq!(pq.remove_message(&[msgs[0].clone()]), 13);
        assert_eq!(pq.remove_message(&[msgs[3].clone(), msgs[4].clone()]), 15);
        assert_eq!(pq.msg_size(), 0);
        // A duplicate put is not counted twice.
        pq.put_message(&[msg(20, 5)]);
        pq.put_message(&[msg(20, 5)]);
        assert_eq!(pq.msg_size(), 5);
    }

    #[test]
    fn orderly_take_commit_and_retry() {
        let pq = ProcessQueue::default();
        let msgs: Vec<_> = (0..5).map(|o| msg(o, 1)).collect();
        assert!(pq.put_message(&msgs));
        // Already consuming: no second dispatch.
        assert!(!pq.put_message(&[msg(5, 1)]));
        let taken = pq.take_messages(2);
        assert_eq!(
            taken.iter().map(|m| m.queue_offset).collect::<Vec<_>>(),
            vec![0, 1]
        );
        pq.make_message_to_consume_again(&taken);
        let taken = pq.take_messages(3);
        assert_eq!(taken[0].queue_offset, 0);
        assert_eq!(pq.commit(), 3);
        assert_eq!(pq.take_messages(10).len(), 3);
        assert_eq!(pq.commit(), 6);
        assert!(pq.take_messages(10).is_empty());
        // Not consuming any more: the next put dispatches again.
        assert!(pq.put_message(&[msg(6, 1)]));
        assert_eq!(pq.commit(), -1);
    }

    #[test]
    fn lock_and_pull_expiry() {
        let pq = ProcessQueue::default();
        assert!(!pq.is_lock_expired());
        pq.last_lock_timestamp.store(0, Ordering::Relaxed);
        assert!(pq.is_lock_expired());
        pq.touch_lock();
        assert!(!pq.is_lock_expired());
        pq.last_pull_timestamp.store(0, Ordering::Relaxed);
        assert!(pq.is_pull_expired());
        let info = pq.fill_process_queue_info(3);
        assert_eq!(info.commit_offset, 3);
    }
}
