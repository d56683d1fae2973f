//! `MessageQueueSelector` and the built-in selectors (Java `producer/MessageQueueSelector`,
//! `selector/SelectMessageQueueByHash`, `SelectMessageQueueByRandom`).

use rmq_common::{Message, MessageQueue};

/// Picks the queue a message goes to, e.g. by an order id so that related messages keep
/// their order (`MessageQueueSelector#select(mqs, msg, arg)`).
pub trait MessageQueueSelector<A: ?Sized>: Send + Sync {
    /// Returns the chosen queue, or `None` to fail the send.
    fn select(&self, mqs: &[MessageQueue], msg: &Message, arg: &A) -> Option<MessageQueue>;
}

impl<A: ?Sized, F> MessageQueueSelector<A> for F
where
    F: Fn(&[MessageQueue], &Message, &A) -> Option<MessageQueue> + Send + Sync,
{
    fn select(&self, mqs: &[MessageQueue], msg: &Message, arg: &A) -> Option<MessageQueue> {
        self(mqs, msg, arg)
    }
}

/// Chooses `abs(arg.hashCode() % n)` with Java's `String.hashCode` (`SelectMessageQueueByHash`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SelectMessageQueueByHash;

impl MessageQueueSelector<str> for SelectMessageQueueByHash {
    fn select(&self, mqs: &[MessageQueue], _msg: &Message, arg: &str) -> Option<MessageQueue> {
        if mqs.is_empty() {
            return None;
        }
        let h = rmq_common::java_hash::string_hash_code(arg);
        let idx = (h % mqs.len() as i32).unsigned_abs() as usize;
        mqs.get(idx).cloned()
    }
}

impl MessageQueueSelector<i64> for SelectMessageQueueByHash {
    fn select(&self, mqs: &[MessageQueue], _msg: &Message, arg: &i64) -> Option<MessageQueue> {
        if mqs.is_empty() {
            return None;
        }
        // Java: Long.hashCode() = (int)(value ^ (value >>> 32)).
        let h = (*arg ^ ((*arg as u64) >> 32) as i64) as i32;
        let idx = (h % mqs.len() as i32).unsigned_abs() as usize;
        mqs.get(idx).cloned()
    }
}

/// Chooses a random queue (`SelectMessageQueueByRandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SelectMessageQueueByRandom;

impl<A: ?Sized> MessageQueueSelector<A> for SelectMessageQueueByRandom {
    fn select(&self, mqs: &[MessageQueue], _msg: &Message, _arg: &A) -> Option<MessageQueue> {
        if mqs.is_empty() {
            return None;
        }
        mqs.get(rand::random_range(0..mqs.len())).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_selector_matches_java() {
        let mqs: Vec<MessageQueue> = (0..8).map(|i| MessageQueue::new("T", "b", i)).collect();
        let m = Message::new("T", "x");
        // "order-1".hashCode() = -1207111310 in Java; % 8 = -6 -> 6.
        assert_eq!(
            rmq_common::java_hash::string_hash_code("order-1"),
            -1207111310
        );
        let q = SelectMessageQueueByHash
            .select(&mqs, &m, "order-1")
            .unwrap();
        assert_eq!(q.queue_id, 6);
        let q = SelectMessageQueueByHash.select(&mqs, &m, &13i64).unwrap();
        assert_eq!(q.queue_id, 5);
        assert!(SelectMessageQueueByRandom.select(&[], &m, "a").is_none());
    }
}
