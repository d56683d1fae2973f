//! `GroupTransferService`: completes SYNC_MASTER puts once enough slaves acknowledged them, or
//! with FLUSH_SLAVE_TIMEOUT after `slaveTimeout` (Java `store/ha/GroupTransferService`).
//!
//! Java checks the pending requests every 10 ms and when a slave's report raises
//! `push2SlaveMaxOffset`. Here a report completes what it satisfied on the connection's
//! reader thread (`complete_ready`), and this thread checks every 10 ms for what is complete
//! (a slave that acknowledged before the put was queued) or past its deadline. The master
//! counts as one ack.

use crate::put_message_result::{PutCompletion, PutMessageResult, PutMessageStatus};
use crate::service_thread::{ServiceSlot, ServiceState};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One put waiting for its replicas (Java `CommitLog.GroupCommitRequest`).
struct ReplicaRequest {
    /// The offset after the message: a slave that acknowledged it has the whole message.
    next_offset: i64,
    need_acks: i32,
    deadline: Instant,
    completion: Arc<PutCompletion>,
}

/// What the service asks about the slaves.
pub(crate) trait AckSource: Send + Sync {
    /// The acknowledged offset of each connected slave.
    fn slave_ack_offsets(&self) -> Vec<i64>;

    /// Whether everything below `next_offset` has `need_acks` copies, the master's included
    /// (the AutoSwitch service also answers Java's `ALL_ACK_IN_SYNC_STATE_SET`, -1).
    fn enough_acks(&self, next_offset: i64, need_acks: i32) -> bool {
        acked(&self.slave_ack_offsets(), next_offset) >= need_acks
    }
}

/// The pending replica requests and the thread that completes them.
pub(crate) struct GroupTransferService {
    requests: Mutex<Vec<ReplicaRequest>>,
    state: Arc<ServiceState>,
    thread: ServiceSlot,
}

impl GroupTransferService {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(GroupTransferService {
            requests: Mutex::new(Vec::new()),
            state: Arc::new(ServiceState::default()),
            thread: ServiceSlot::default(),
        })
    }

    pub(crate) fn start(self: &Arc<Self>, acks: Arc<dyn AckSource>) -> std::io::Result<()> {
        let me = self.clone();
        self.thread.start("GroupTransferService", move |s| {
            while !s.is_stopped() {
                me.state.wait_for_running(10);
                me.complete_ready(acks.as_ref(), Instant::now());
            }
            // Whatever is still waiting at shutdown did not reach its slaves.
            for r in std::mem::take(&mut *me.requests.lock()) {
                r.completion.complete(PutMessageStatus::FlushSlaveTimeout);
            }
        })
    }

    pub(crate) fn shutdown(&self) {
        self.state.wakeup();
        self.thread.shutdown();
        self.state.wakeup();
    }

    /// Queues a put that needs `need_acks` copies (the master's included) of everything
    /// below `next_offset` within `timeout`; completes it at once when the slaves in `acks`
    /// already have it (checked under the queue's lock, so no report slips in between).
    pub(crate) fn put_request(
        &self,
        next_offset: i64,
        need_acks: i32,
        timeout: Duration,
        acks: &dyn AckSource,
    ) -> Arc<PutCompletion> {
        let completion = PutCompletion::new(PutMessageResult::new(PutMessageStatus::PutOk, None));
        let mut reqs = self.requests.lock();
        if acks.enough_acks(next_offset, need_acks) {
            completion.complete(PutMessageStatus::PutOk);
            return completion;
        }
        reqs.push(ReplicaRequest {
            next_offset,
            need_acks,
            deadline: Instant::now() + timeout,
            completion: completion.clone(),
        });
        completion
    }

    /// Completes every request that has its acks (PUT_OK) or passed its deadline
    /// (FLUSH_SLAVE_TIMEOUT).
    pub(crate) fn complete_ready(&self, acks: &dyn AckSource, now: Instant) {
        let mut reqs = self.requests.lock();
        if reqs.is_empty() {
            return;
        }
        reqs.retain(|r| {
            if acks.enough_acks(r.next_offset, r.need_acks) {
                r.completion.complete(PutMessageStatus::PutOk);
                false
            } else if now >= r.deadline {
                tracing::warn!(
                    offset = r.next_offset,
                    acks = r.need_acks,
                    "transfer message to slave timeout"
                );
                r.completion.complete(PutMessageStatus::FlushSlaveTimeout);
                false
            } else {
                true
            }
        });
    }
}

/// Copies of everything below `next_offset`: the master's and each slave's that reached it.
fn acked(slave_offsets: &[i64], next_offset: i64) -> i32 {
    1 + slave_offsets.iter().filter(|o| **o >= next_offset).count() as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::put_message_result::PutMessageFuture;

    struct Fixed(Mutex<Vec<i64>>);
    impl AckSource for Fixed {
        fn slave_ack_offsets(&self) -> Vec<i64> {
            self.0.lock().clone()
        }
    }

    fn status(c: Arc<PutCompletion>) -> PutMessageStatus {
        PutMessageFuture::pending(c).wait().status
    }

    #[test]
    fn completes_when_enough_slaves_acked_and_times_out_otherwise() {
        let g = GroupTransferService::new();
        let acks = Fixed(Mutex::new(vec![50, 100]));
        let now = Instant::now();
        let two = g.put_request(100, 2, Duration::from_secs(3), &acks);
        let three = g.put_request(100, 3, Duration::from_secs(3), &acks);
        let far = g.put_request(101, 2, Duration::from_secs(3), &acks);
        g.complete_ready(&acks, now);
        assert!(two.is_done());
        assert!(!three.is_done() && !far.is_done());
        *acks.0.lock() = vec![101, 101];
        g.complete_ready(&acks, now);
        assert!(three.is_done() && far.is_done());
        assert_eq!(status(two), PutMessageStatus::PutOk);
        assert_eq!(status(three), PutMessageStatus::PutOk);
        let late = g.put_request(500, 2, Duration::from_millis(0), &acks);
        g.complete_ready(&acks, now + Duration::from_secs(1));
        assert_eq!(status(late), PutMessageStatus::FlushSlaveTimeout);
    }
}
