//! `AllocateMessageQueueAveragelyByCircle` (`AVG_BY_CIRCLE`): queue `i` goes to client
//! `i % c` (Java `rebalance/AllocateMessageQueueAveragelyByCircle`).

use super::{check, AllocateMessageQueueStrategy};
use rmq_common::MessageQueue;

/// Round-robin split.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllocateMessageQueueAveragelyByCircle;

impl AllocateMessageQueueStrategy for AllocateMessageQueueAveragelyByCircle {
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
        mq_all
            .iter()
            .enumerate()
            .skip(index)
            .filter(|(i, _)| i % cid_all.len() == index)
            .map(|(_, q)| q.clone())
            .collect()
    }

    fn name(&self) -> &'static str {
        "AVG_BY_CIRCLE"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_java() {
        let s = AllocateMessageQueueAveragelyByCircle;
        let cids: Vec<String> = (0..3).map(|i| format!("c{i}")).collect();
        let all: Vec<MessageQueue> = (0..8).map(|i| MessageQueue::new("T", "b", i)).collect();
        let ids = |c: &str| -> Vec<i32> {
            s.allocate("g", c, &all, &cids)
                .iter()
                .map(|q| q.queue_id)
                .collect()
        };
        assert_eq!(ids("c0"), vec![0, 3, 6]);
        assert_eq!(ids("c1"), vec![1, 4, 7]);
        assert_eq!(ids("c2"), vec![2, 5]);
        assert_eq!(s.name(), "AVG_BY_CIRCLE");
    }
}
