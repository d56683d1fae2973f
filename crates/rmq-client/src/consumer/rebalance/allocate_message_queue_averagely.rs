//! `AllocateMessageQueueAveragely` (`AVG`): contiguous blocks; the first `n % c` clients get
//! one queue more (Java `rebalance/AllocateMessageQueueAveragely`).

use super::{check, AllocateMessageQueueStrategy};
use rmq_common::MessageQueue;

/// Contiguous, even split.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllocateMessageQueueAveragely;

impl AllocateMessageQueueStrategy for AllocateMessageQueueAveragely {
    fn allocate(
        &self,
        consumer_group: &str,
        current_cid: &str,
        mq_all: &[MessageQueue],
        cid_all: &[String],
    ) -> Vec<MessageQueue> {
        if !check(consumer_group, current_cid, mq_all, cid_all) {
            return Vec::new();
        }
        let Some(index) = cid_all.iter().position(|c| c == current_cid) else {
            return Vec::new();
        };
        let (n, c) = (mq_all.len(), cid_all.len());
        let m = n % c;
        let average = if n <= c {
            1
        } else if m > 0 && index < m {
            n / c + 1
        } else {
            n / c
        };
        let start = if m > 0 && index < m {
            index * average
        } else {
            index * average + m
        };
        let range = average.min(n.saturating_sub(start));
        (0..range)
            .filter_map(|i| mq_all.get((start + i) % n).cloned())
            .collect()
    }

    fn name(&self) -> &'static str {
        "AVG"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn mqs(n: i32) -> Vec<MessageQueue> {
        (0..n).map(|i| MessageQueue::new("T", "b", i)).collect()
    }

    fn ids(r: &[MessageQueue]) -> Vec<i32> {
        r.iter().map(|q| q.queue_id).collect()
    }

    #[test]
    fn matches_java() {
        let s = AllocateMessageQueueAveragely;
        let cids: Vec<String> = (0..3).map(|i| format!("c{i}")).collect();
        let all = mqs(8);
        assert_eq!(ids(&s.allocate("g", "c0", &all, &cids)), vec![0, 1, 2]);
        assert_eq!(ids(&s.allocate("g", "c1", &all, &cids)), vec![3, 4, 5]);
        assert_eq!(ids(&s.allocate("g", "c2", &all, &cids)), vec![6, 7]);
        // More clients than queues: the last ones get nothing.
        let all = mqs(2);
        assert_eq!(ids(&s.allocate("g", "c0", &all, &cids)), vec![0]);
        assert_eq!(ids(&s.allocate("g", "c1", &all, &cids)), vec![1]);
        assert!(s.allocate("g", "c2", &all, &cids).is_empty());
        assert!(s.allocate("g", "cX", &all, &cids).is_empty());
        assert_eq!(s.name(), "AVG");
    }
}
