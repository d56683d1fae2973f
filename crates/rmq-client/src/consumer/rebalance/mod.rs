//! Queue allocation strategies (Java `consumer/rebalance` and
//! `consumer/AllocateMessageQueueStrategy`). Every client sorts the queues and the client
//! ids the same way and computes its own share.

pub mod allocate_message_queue_averagely;
pub mod allocate_message_queue_averagely_by_circle;
pub mod allocate_message_queue_consistent_hash;
mod md5_hash;

pub use allocate_message_queue_averagely::AllocateMessageQueueAveragely;
pub use allocate_message_queue_averagely_by_circle::AllocateMessageQueueAveragelyByCircle;
pub use allocate_message_queue_consistent_hash::AllocateMessageQueueConsistentHash;

use rmq_common::MessageQueue;

/// Splits a topic's queues among the clients of a group (`AllocateMessageQueueStrategy`).
pub trait AllocateMessageQueueStrategy: Send + Sync {
    /// Returns `current_cid`'s queues; `mq_all` and `cid_all` are sorted. A client that is
    /// not in `cid_all` gets nothing.
    fn allocate(
        &self,
        consumer_group: &str,
        current_cid: &str,
        mq_all: &[MessageQueue],
        cid_all: &[String],
    ) -> Vec<MessageQueue>;

    /// Returns Java's strategy name (`AVG`, `AVG_BY_CIRCLE`, `CONSISTENT_HASH`).
    fn name(&self) -> &'static str;
}

/// Java's `AbstractAllocateMessageQueueStrategy#check`: false (and a log line) when the
/// arguments allow no allocation.
pub(crate) fn check(
    consumer_group: &str,
    current_cid: &str,
    mq_all: &[MessageQueue],
    cid_all: &[String],
) -> bool {
    if current_cid.is_empty() || mq_all.is_empty() || cid_all.is_empty() {
        return false;
    }
    if !cid_all.iter().any(|c| c == current_cid) {
        tracing::info!(
            consumer_group,
            current_cid,
            "[BUG] ConsumerGroup: {consumer_group} The consumerId: {current_cid} not in cidAll: {cid_all:?}"
        );
        return false;
    }
    true
}
