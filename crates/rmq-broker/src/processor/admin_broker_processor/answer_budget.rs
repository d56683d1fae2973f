//! `AnswerBudget`: keeps the admin answers that list every queue (GET_TOPIC_STATS_INFO,
//! GET_CONSUME_STATS, FETCH_ALL_CONSUME_STATS, INVOKE_BROKER_TO_RESET_OFFSET,
//! QUERY_CONSUME_QUEUE) inside one frame.
//!
//! Java builds such an answer whatever its size: a topic with 200,000 queues gives a 22 MB
//! GET_TOPIC_STATS_INFO body that no client accepts (frames are capped at 16 MiB), after the
//! broker held it several times in memory. rmq refuses first: a lower bound (every entry
//! at least as long as one with zero numbers) answers SYSTEM_ERROR before anything is built;
//! otherwise each entry's encoded length is counted as it is added and the answer stops at
//! the cap. A frame-sized body is the most the broker builds.

use crate::broker_error::BrokerError;
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::remoting_command::FRAME_MAX_LENGTH;
use rmq_remoting::RemotingCommand;
use serde::Serialize;

/// Room kept for the length fields and the response header.
const HEADER_ALLOWANCE: usize = 64 * 1024;

/// The body bytes still available.
#[derive(Debug)]
pub(super) struct AnswerBudget {
    left: usize,
}

impl AnswerBudget {
    /// A budget of one frame.
    pub(super) fn frame() -> Self {
        Self::with_limit(FRAME_MAX_LENGTH - HEADER_ALLOWANCE)
    }

    pub(super) fn with_limit(limit: usize) -> Self {
        AnswerBudget { left: limit }
    }

    /// Returns the length of one `key:value,` map entry as fastjson writes it.
    pub(super) fn entry_len<K: Serialize, V: Serialize>(key: &K, value: &V) -> usize {
        encode(key).len() + encode(value).len() + 2
    }

    /// Returns false when `entries` entries of at least `min_entry_len` bytes each cannot
    /// fit in what is left; nothing is taken.
    pub(super) fn can_fit(&self, entries: usize, min_entry_len: usize) -> bool {
        entries.saturating_mul(min_entry_len) <= self.left
    }

    /// Takes `len` bytes; false (and nothing taken) when they do not fit.
    pub(super) fn take(&mut self, len: usize) -> bool {
        match self.left.checked_sub(len) {
            Some(left) => {
                self.left = left;
                true
            }
            None => false,
        }
    }

    /// Takes one map entry; false when it does not fit.
    pub(super) fn take_entry<K: Serialize, V: Serialize>(&mut self, key: &K, value: &V) -> bool {
        self.take(Self::entry_len(key, value))
    }
}

/// The answer when the body would not fit in a frame; `entries` says what it lists, e.g.
/// "200000 queues".
pub(super) fn too_large(subject: &str, entries: &str) -> RemotingCommand {
    BrokerError::SystemError(format!(
            "the answer for {subject} lists {entries} and would exceed the maximum frame length of {FRAME_MAX_LENGTH} bytes"
        )).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::MessageQueue;
    use rmq_remoting::protocol::body::topic_stats_table::{TopicOffset, TopicStatsTable};

    /// The counted entry lengths add up to the encoded map.
    #[test]
    fn entry_lengths_match_the_encoded_body() {
        let mut table = TopicStatsTable::default();
        let mut counted = 0;
        for i in 0..50 {
            let mq = MessageQueue::new("TopicX", "broker-a", i);
            let offset = TopicOffset {
                min_offset: i as i64,
                max_offset: 1000 + i as i64,
                last_update_timestamp: 1_700_000_000_000,
            };
            counted += AnswerBudget::entry_len(&mq, &offset);
            table.offset_table.insert(mq, offset);
        }
        let empty = encode(&TopicStatsTable::default()).len();
        // n entries: n ':' and n - 1 ','.
        assert_eq!(encode(&table).len(), empty + counted - 1);
    }

    #[test]
    fn takes_until_full() {
        let mut b = AnswerBudget::with_limit(10);
        assert!(b.can_fit(2, 5) && !b.can_fit(3, 4));
        assert!(b.take(6));
        assert!(!b.take(5), "over");
        assert!(b.take(4));
        assert!(!b.can_fit(1, 1));
    }
}
