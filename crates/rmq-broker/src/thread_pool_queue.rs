//! `ThreadPoolQueue`: the requests waiting for a slot of a bounded executor, standing in for
//! the `LinkedBlockingQueue<Runnable>` in front of Java's send thread pool
//! (`BrokerController#sendThreadPoolQueue`). GET_BROKER_RUNTIME_INFO reports its size and how
//! long its head has waited (Java `headSlowTimeMills`).

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// The requests waiting, by arrival order, with their arrival time in millis.
#[derive(Debug, Default)]
pub struct ThreadPoolQueue {
    next_id: AtomicU64,
    waiting: Mutex<BTreeMap<u64, i64>>,
}

/// A request's place in the queue; dropping it (slot granted, or the request abandoned)
/// leaves the queue.
#[derive(Debug)]
pub struct QueuedRequest<'a> {
    queue: &'a ThreadPoolQueue,
    id: u64,
}

impl Drop for QueuedRequest<'_> {
    fn drop(&mut self) {
        self.queue.waiting.lock().remove(&self.id);
    }
}

impl ThreadPoolQueue {
    /// Enters the queue at `now_millis`, or returns `None` when `capacity` requests already
    /// wait (Java's `RejectedExecutionException`, answered `[OVERLOAD]`).
    pub fn try_enter(&self, capacity: usize, now_millis: i64) -> Option<QueuedRequest<'_>> {
        let mut waiting = self.waiting.lock();
        if waiting.len() >= capacity {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        waiting.insert(id, now_millis);
        Some(QueuedRequest { queue: self, id })
    }

    /// Returns how many requests wait.
    pub fn size(&self) -> usize {
        self.waiting.lock().len()
    }

    /// Returns how long the oldest waiting request has waited, 0 when none waits (Java
    /// `BrokerController#headSlowTimeMills`).
    pub fn head_slow_time_millis(&self, now_millis: i64) -> i64 {
        self.waiting
            .lock()
            .values()
            .next()
            .map_or(0, |arrived| (now_millis - arrived).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_head_and_capacity() {
        let q = ThreadPoolQueue::default();
        assert_eq!((q.size(), q.head_slow_time_millis(1000)), (0, 0));
        let a = q.try_enter(2, 100).unwrap();
        let b = q.try_enter(2, 300).unwrap();
        assert!(q.try_enter(2, 400).is_none(), "full");
        assert_eq!((q.size(), q.head_slow_time_millis(1000)), (2, 900));
        drop(a);
        assert_eq!((q.size(), q.head_slow_time_millis(1000)), (1, 700));
        drop(b);
        assert_eq!((q.size(), q.head_slow_time_millis(1000)), (0, 0));
    }
}
