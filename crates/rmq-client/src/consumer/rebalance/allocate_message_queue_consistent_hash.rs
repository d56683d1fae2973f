//! `AllocateMessageQueueConsistentHash` (`CONSISTENT_HASH`): a hash ring of the clients, 10
//! virtual nodes each, keyed by the first 4 bytes of MD5 (Java
//! `rebalance/AllocateMessageQueueConsistentHash`, `common/consistenthash/ConsistentHashRouter`).

use super::md5_hash::md5_hash;
use super::{check, AllocateMessageQueueStrategy};
use rmq_common::MessageQueue;
use std::collections::BTreeMap;

/// Consistent-hash split.
#[derive(Debug, Clone, Copy)]
pub struct AllocateMessageQueueConsistentHash {
    virtual_node_cnt: usize,
}

impl Default for AllocateMessageQueueConsistentHash {
    fn default() -> Self {
        AllocateMessageQueueConsistentHash {
            virtual_node_cnt: 10,
        }
    }
}

impl AllocateMessageQueueConsistentHash {
    /// Builds the strategy with `virtual_node_cnt` (≥ 1) virtual nodes per client.
    pub fn new(virtual_node_cnt: usize) -> Self {
        AllocateMessageQueueConsistentHash {
            virtual_node_cnt: virtual_node_cnt.max(1),
        }
    }
}

impl AllocateMessageQueueStrategy for AllocateMessageQueueConsistentHash {
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
        let mut ring: BTreeMap<i64, &str> = BTreeMap::new();
        for cid in cid_all {
            for i in 0..self.virtual_node_cnt {
                ring.insert(md5_hash(&format!("{cid}-{i}")), cid.as_str());
            }
        }
        mq_all
            .iter()
            .filter(|mq| {
                let h = md5_hash(&mq.to_string());
                let node = ring
                    .range(h..)
                    .next()
                    .or_else(|| ring.iter().next())
                    .map(|(_, c)| *c);
                node == Some(current_cid)
            })
            .cloned()
            .collect()
    }

    fn name(&self) -> &'static str {
        "CONSISTENT_HASH"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_every_queue_once_and_matches_java() {
        let s = AllocateMessageQueueConsistentHash::default();
        let cids: Vec<String> = vec!["127.0.0.1@a".into(), "127.0.0.1@b".into()];
        let all: Vec<MessageQueue> = (0..8)
            .map(|i| MessageQueue::new("T", "broker-a", i))
            .collect();
        let a = s.allocate("g", &cids[0], &all, &cids);
        let b = s.allocate("g", &cids[1], &all, &cids);
        assert_eq!(a.len() + b.len(), 8);
        assert!(a.iter().all(|q| !b.contains(q)));
        let ids = |v: &[MessageQueue]| v.iter().map(|q| q.queue_id).collect::<Vec<_>>();
        // Computed with Java's ConsistentHashRouter/MD5Hash for these ids.
        assert_eq!(ids(&a), JAVA_A.to_vec());
        assert_eq!(ids(&b), JAVA_B.to_vec());
        assert_eq!(s.name(), "CONSISTENT_HASH");
    }

    const JAVA_A: &[i32] = &[1, 2, 6];
    const JAVA_B: &[i32] = &[0, 3, 4, 5, 7];
}
