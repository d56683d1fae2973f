//! `TransactionalMessageService`: the half-message bridge and the op batch (Java
//! `TransactionalMessageServiceImpl`, `TransactionalMessageBridge`, `TransactionalOpBatchService`,
//! `MessageQueueOpContext`).
//!
//! A commit or rollback marks its half message done by offering `"<halfQueueOffset>,"` to a
//! per-half-queue buffer (at most 20 000 entries; a full buffer is written at once). The
//! `TransactionalOpBatchService` task writes a buffer as one op record (tag `d`, body
//! `"o1,o2,"`) to `RMQ_SYS_TRANS_OP_HALF_TOPIC` when it holds more than
//! `transactionOpMsgMaxSize` characters or `transactionOpBatchInterval` ms passed since its
//! last write; what is still buffered is written at shutdown.

use super::transactional_message_util::{make_op_message_inner, StoredMessage};
use crate::broker_address::BrokerAddress;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use parking_lot::Mutex;
use rmq_common::mix_all;
use rmq_common::util_all::current_millis;
use rmq_store::{GetMessageResult, MessageExtBrokerInner, MessageStore, PutMessageResult};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Entries a half queue's op buffer holds (Java `MessageQueueOpContext` capacity 20000).
const OP_BUFFER_CAPACITY: usize = 20_000;

/// One half queue's pending op entries (Java `MessageQueueOpContext`).
#[derive(Debug)]
struct OpBuffer {
    entries: Vec<String>,
    total_size: usize,
    last_write_millis: i64,
}

/// The transactional message service shared by the send path, END_TRANSACTION and the check
/// service.
pub struct TransactionalMessageService {
    store: Arc<dyn MessageStore>,
    config: BrokerConfigHandle,
    address: Arc<BrokerAddress>,
    offsets: Arc<ConsumerOffsetManager>,
    stats: Arc<BrokerStatsManager>,
    op_buffers: Mutex<HashMap<i32, OpBuffer>>,
    wakeup: Notify,
}

impl TransactionalMessageService {
    /// Builds the service.
    pub fn new(
        store: Arc<dyn MessageStore>,
        config: BrokerConfigHandle,
        address: Arc<BrokerAddress>,
        offsets: Arc<ConsumerOffsetManager>,
        stats: Arc<BrokerStatsManager>,
    ) -> Self {
        TransactionalMessageService {
            store,
            config,
            address,
            offsets,
            stats,
            op_buffers: Mutex::new(HashMap::new()),
            wakeup: Notify::new(),
        }
    }

    /// Returns the message store.
    pub fn store(&self) -> &Arc<dyn MessageStore> {
        &self.store
    }

    /// Returns the broker config handle.
    pub fn config(&self) -> &BrokerConfigHandle {
        &self.config
    }

    /// Returns the half message at a CommitLog offset (Java `getHalfMessageByOffset`).
    pub fn look_half_message(&self, commit_log_offset: i64) -> Option<StoredMessage> {
        let record = self.store.select_one_message_by_offset(commit_log_offset)?;
        StoredMessage::decode(&record)
    }

    /// Appends a record and counts it in the put statistics when stored (Java
    /// `putMessageReturnResult`).
    pub async fn put_message_return_result(&self, msg: &MessageExtBrokerInner) -> PutMessageResult {
        let result = self.store.put_message(msg).await;
        if let Some(a) = result.append_result.as_ref() {
            if result.status == rmq_store::PutMessageStatus::PutOk {
                self.stats.inc_topic_put_nums(&msg.topic, 1, 1);
                self.stats
                    .inc_topic_put_size(&msg.topic, i64::from(a.wrote_bytes));
                self.stats.inc_broker_put_nums(&msg.topic, 1);
            }
        }
        result
    }

    /// Reads `nums` records of a transaction system queue for `CID_RMQ_SYS_TRANS`.
    pub fn get_message(
        &self,
        topic: &str,
        queue_id: i32,
        offset: i64,
        nums: i32,
    ) -> Option<GetMessageResult> {
        self.store.get_message(
            mix_all::CID_SYS_RMQ_TRANS,
            topic,
            queue_id,
            offset,
            nums,
            i32::MAX,
            None,
        )
    }

    /// Returns the `CID_RMQ_SYS_TRANS` offset of a queue, or its min offset when none was
    /// committed (Java `TransactionalMessageBridge#fetchConsumeOffset`).
    pub fn fetch_consume_offset(&self, topic: &str, queue_id: i32) -> i64 {
        let o = self
            .offsets
            .query_offset(mix_all::CID_SYS_RMQ_TRANS, topic, queue_id);
        if o == -1 {
            self.store.get_min_offset_in_queue(topic, queue_id)
        } else {
            o
        }
    }

    /// Commits a `CID_RMQ_SYS_TRANS` offset (Java `updateConsumeOffset`).
    pub fn update_consume_offset(&self, topic: &str, queue_id: i32, offset: i64) {
        let host = self.address.store_host().to_string();
        self.offsets
            .commit_offset(&host, mix_all::CID_SYS_RMQ_TRANS, topic, queue_id, offset);
    }

    /// Marks a half message done (Java `deletePrepareMessage`): buffered for the op batch, or
    /// written at once when its queue's buffer is full. Returns false when that write failed.
    pub async fn delete_prepare_message(&self, half: &StoredMessage) -> bool {
        let queue_id = half.ext.queue_id;
        let data = format!("{},", half.ext.queue_offset);
        let max_size = self.config.load().transaction_op_msg_max_size.max(1) as usize;
        let overflow = {
            let mut buffers = self.op_buffers.lock();
            let b = buffers.entry(queue_id).or_insert_with(|| OpBuffer {
                entries: Vec::new(),
                total_size: 0,
                last_write_millis: current_millis(),
            });
            if b.entries.len() < OP_BUFFER_CAPACITY {
                b.total_size += data.len();
                b.entries.push(data);
                if b.total_size > max_size {
                    self.wakeup.notify_one();
                }
                None
            } else {
                self.wakeup.notify_one();
                Some(take_op_body(b, Some(data), max_size))
            }
        };
        let Some(body) = overflow else {
            return true;
        };
        let written = self.write_op(queue_id, body).await;
        if written {
            tracing::warn!(queue_id, "Force add remove op data");
        } else {
            tracing::error!(msg_id = %half.ext.msg_id, queue_id, "Transaction op message write failed");
        }
        written
    }

    /// Writes one op record (Java `TransactionalMessageBridge#writeOp`).
    async fn write_op(&self, queue_id: i32, body: String) -> bool {
        let msg = make_op_message_inner(queue_id, body, self.address.store_host());
        let r = self.put_message_return_result(&msg).await;
        r.status == rmq_store::PutMessageStatus::PutOk
    }

    /// Writes the buffers that are due; returns when to look again (Java
    /// `batchSendOpMessage`). `force` writes every non-empty buffer (shutdown).
    async fn batch_send_op_message(&self, force: bool) -> Duration {
        let bc = self.config.load();
        let interval = i64::from(bc.transaction_op_batch_interval.max(1));
        let max_size = bc.transaction_op_msg_max_size.max(1) as usize;
        let start = current_millis();
        let mut first = start;
        let mut over_size = false;
        let mut send = Vec::new();
        {
            let mut buffers = self.op_buffers.lock();
            for (queue_id, b) in buffers.iter_mut() {
                let idle = b.total_size < max_size && start - b.last_write_millis < interval;
                if b.entries.is_empty() || (idle && !force) {
                    continue;
                }
                send.push((*queue_id, take_op_body(b, None, max_size)));
                first = first.min(b.last_write_millis);
                over_size |= b.total_size >= max_size;
            }
        }
        for (queue_id, body) in send {
            if !self.write_op(queue_id, body.clone()).await {
                tracing::error!(queue_id, body, "Transaction batch op message write failed");
            }
        }
        let wakeup = first + interval;
        if !over_size && wakeup > start {
            Duration::from_millis((wakeup - start) as u64)
        } else {
            Duration::ZERO
        }
    }

    /// Starts `TransactionalOpBatchService`; the buffers are written once more at shutdown.
    pub fn start_op_batch_service(
        self: &Arc<Self>,
        tasks: &TaskTracker,
        shutdown: CancellationToken,
    ) {
        let svc = self.clone();
        tasks.spawn(async move {
            let interval = svc.config.load().transaction_op_batch_interval.max(1) as u64;
            let mut wait = Duration::from_millis(interval);
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = svc.wakeup.notified() => {}
                    _ = shutdown.cancelled() => break,
                }
                wait = svc.batch_send_op_message(false).await;
                if wait.is_zero() {
                    tokio::task::yield_now().await;
                }
            }
            svc.batch_send_op_message(true).await;
        });
    }
}

#[cfg(test)]
impl TransactionalMessageService {
    /// Writes every buffered op entry now.
    pub(crate) async fn flush_op_buffers_for_test(&self) {
        self.batch_send_op_message(true).await;
    }
}

/// Takes entries (after `more`) until the body reaches `max_size` characters (Java
/// `getOpMessage`); resets the buffer's write time.
fn take_op_body(b: &mut OpBuffer, more: Option<String>, max_size: usize) -> String {
    let mut body = more.unwrap_or_default();
    let from_more = body.len();
    let mut taken = 0;
    while taken < b.entries.len() && body.len() < max_size {
        body.push_str(&b.entries[taken]);
        taken += 1;
    }
    b.entries.drain(..taken);
    b.total_size = b.total_size.saturating_sub(body.len() - from_more);
    b.last_write_millis = current_millis();
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TestParts;
    use rmq_common::MessageExt;

    fn service(p: &TestParts) -> Arc<TransactionalMessageService> {
        Arc::new(TransactionalMessageService::new(
            p.dyn_store(),
            p.config.clone(),
            p.address.clone(),
            p.offsets.clone(),
            p.stats.clone(),
        ))
    }

    fn half(queue_offset: i64) -> StoredMessage {
        let ext = MessageExt {
            queue_offset,
            ..MessageExt::default()
        };
        StoredMessage {
            ext,
            props: Default::default(),
        }
    }

    fn op_bodies(p: &TestParts) -> Vec<String> {
        p.store
            .queue(mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC, 0)
            .into_iter()
            .map(|phy| {
                let m = StoredMessage::decode(&p.store.record(phy).unwrap()).unwrap();
                assert_eq!(m.property("TAGS"), Some("d"));
                String::from_utf8(m.ext.message.body.to_vec()).unwrap()
            })
            .collect()
    }

    #[tokio::test]
    async fn ops_are_batched_until_the_interval_or_the_size() {
        let p = TestParts::with_config(|bc| {
            bc.transaction_op_msg_max_size = 6;
            bc.transaction_op_batch_interval = 3_600_000;
        });
        let s = service(&p);
        assert!(s.delete_prepare_message(&half(1)).await);
        assert!(!s.batch_send_op_message(false).await.is_zero());
        assert!(op_bodies(&p).is_empty(), "below size and interval");
        assert!(s.delete_prepare_message(&half(22)).await);
        s.batch_send_op_message(false).await;
        assert!(op_bodies(&p).is_empty(), "5 chars, not over 6");
        assert!(s.delete_prepare_message(&half(333)).await);
        s.batch_send_op_message(false).await;
        assert_eq!(op_bodies(&p), vec!["1,22,333,"]);
        assert!(s.delete_prepare_message(&half(4)).await);
        s.batch_send_op_message(false).await;
        assert_eq!(op_bodies(&p).len(), 1, "just written");
        s.batch_send_op_message(true).await;
        assert_eq!(op_bodies(&p), vec!["1,22,333,", "4,"]);
    }

    #[tokio::test]
    async fn offsets_default_to_the_queue_min_and_commit_for_the_trans_group() {
        let p = TestParts::new();
        let s = service(&p);
        assert_eq!(s.fetch_consume_offset("RMQ_SYS_TRANS_HALF_TOPIC", 0), 0);
        s.update_consume_offset("RMQ_SYS_TRANS_HALF_TOPIC", 0, 7);
        assert_eq!(s.fetch_consume_offset("RMQ_SYS_TRANS_HALF_TOPIC", 0), 7);
        assert_eq!(
            p.offsets
                .query_offset("CID_RMQ_SYS_TRANS", "RMQ_SYS_TRANS_HALF_TOPIC", 0),
            7
        );
    }
}
