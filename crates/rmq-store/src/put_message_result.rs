//! Results of appending: `PutMessageStatus`, `AppendMessageStatus`, `AppendMessageResult`,
//! `PutMessageResult`, and `PutMessageFuture`, which SYNC_FLUSH completes after the flush.

use parking_lot::{Condvar, Mutex};
use rmq_common::message::message_decoder::create_message_id;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Outcome of a put, with Java's names (`PutMessageStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PutMessageStatus {
    PutOk,
    FlushDiskTimeout,
    FlushSlaveTimeout,
    SlaveNotAvailable,
    ServiceNotAvailable,
    CreateMappedFileFailed,
    MessageIllegal,
    PropertiesSizeExceeded,
    OsPageCacheBusy,
    UnknownError,
    InSyncReplicasNotEnough,
    PutToRemoteBrokerFail,
    LmqConsumeQueueNumExceeded,
    WheelTimerFlowControl,
    WheelTimerMsgIllegal,
    WheelTimerNotEnable,
}

impl PutMessageStatus {
    /// Returns Java's enum constant name, e.g. `PUT_OK`.
    pub fn java_name(&self) -> &'static str {
        use PutMessageStatus::*;
        match self {
            PutOk => "PUT_OK",
            FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
            ServiceNotAvailable => "SERVICE_NOT_AVAILABLE",
            CreateMappedFileFailed => "CREATE_MAPPED_FILE_FAILED",
            MessageIllegal => "MESSAGE_ILLEGAL",
            PropertiesSizeExceeded => "PROPERTIES_SIZE_EXCEEDED",
            OsPageCacheBusy => "OS_PAGE_CACHE_BUSY",
            UnknownError => "UNKNOWN_ERROR",
            InSyncReplicasNotEnough => "IN_SYNC_REPLICAS_NOT_ENOUGH",
            PutToRemoteBrokerFail => "PUT_TO_REMOTE_BROKER_FAIL",
            LmqConsumeQueueNumExceeded => "LMQ_CONSUME_QUEUE_NUM_EXCEEDED",
            WheelTimerFlowControl => "WHEEL_TIMER_FLOW_CONTROL",
            WheelTimerMsgIllegal => "WHEEL_TIMER_MSG_ILLEGAL",
            WheelTimerNotEnable => "WHEEL_TIMER_NOT_ENABLE",
        }
    }
}

impl std::fmt::Display for PutMessageStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.java_name())
    }
}

/// Outcome of writing into a mapped file (`AppendMessageStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppendMessageStatus {
    PutOk,
    EndOfFile,
    MessageSizeExceeded,
    PropertiesSizeExceeded,
    UnknownError,
}

/// Where and when a message (or batch) was written (Java `AppendMessageResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessageResult {
    pub status: AppendMessageStatus,
    /// CommitLog offset of the first record.
    pub wrote_offset: i64,
    /// Bytes written (all records of a batch).
    pub wrote_bytes: i32,
    pub store_timestamp: i64,
    /// Queue offset of the first record.
    pub logics_offset: i64,
    pub msg_num: i32,
    /// Time spent writing, in ms.
    pub page_cache_rt: i64,
    pub store_host: SocketAddr,
    /// CommitLog offset of each record of a batch (empty for single messages).
    pub batch_phy_offsets: Vec<i64>,
}

impl AppendMessageResult {
    /// Returns the offset message id; for a batch the ids of all records joined by `,`
    /// (Java computes it lazily through `msgIdSupplier` too).
    pub fn msg_id(&self) -> String {
        if self.batch_phy_offsets.is_empty() {
            return create_message_id(&self.store_host, self.wrote_offset);
        }
        self.batch_phy_offsets
            .iter()
            .map(|o| create_message_id(&self.store_host, *o))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn is_ok(&self) -> bool {
        self.status == AppendMessageStatus::PutOk
    }
}

/// Result of `put_message` (Java `PutMessageResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutMessageResult {
    pub status: PutMessageStatus,
    pub append_result: Option<AppendMessageResult>,
}

impl PutMessageResult {
    pub fn new(status: PutMessageStatus, append_result: Option<AppendMessageResult>) -> Self {
        PutMessageResult {
            status,
            append_result,
        }
    }

    /// Returns true when the message is stored (Java `isOk`: PUT_OK with an append result).
    pub fn is_ok(&self) -> bool {
        self.status == PutMessageStatus::PutOk
            && self.append_result.as_ref().is_some_and(|r| r.is_ok())
    }
}

#[derive(Debug)]
struct CompletionState {
    result: Option<PutMessageResult>,
    done: bool,
    waker: Option<Waker>,
}

/// Completion of a pending put: the flush service (or the timeout watcher) decides the status.
#[derive(Debug)]
pub(crate) struct PutCompletion {
    state: Mutex<CompletionState>,
    cond: Condvar,
}

impl PutCompletion {
    pub(crate) fn new(pending: PutMessageResult) -> Arc<Self> {
        Arc::new(PutCompletion {
            state: Mutex::new(CompletionState {
                result: Some(pending),
                done: false,
                waker: None,
            }),
            cond: Condvar::new(),
        })
    }

    /// Completes with `status` (PUT_OK keeps the result as is); the first call wins.
    pub(crate) fn complete(&self, status: PutMessageStatus) {
        let mut s = self.state.lock();
        if s.done {
            return;
        }
        s.done = true;
        if status != PutMessageStatus::PutOk {
            if let Some(r) = s.result.as_mut() {
                r.status = status;
            }
        }
        if let Some(w) = s.waker.take() {
            w.wake();
        }
        self.cond.notify_all();
    }

    pub(crate) fn is_done(&self) -> bool {
        self.state.lock().done
    }
}

/// A put that may still be waiting for its flush and, on a SYNC_MASTER, for its slaves. `.await`
/// it from async code, or call [`PutMessageFuture::wait`] from a thread that may block. Ready
/// at once for ASYNC_FLUSH on a master that does not wait for slaves.
#[derive(Debug)]
pub struct PutMessageFuture {
    ready: Option<PutMessageResult>,
    pending: Option<Arc<PutCompletion>>,
    /// The replication wait (Java `handleHA`); its status replaces a PUT_OK flush status.
    replica: Option<Arc<PutCompletion>>,
}

impl PutMessageFuture {
    /// A put whose result is known (also for stores outside this crate, e.g. test fakes).
    pub fn ready(result: PutMessageResult) -> Self {
        PutMessageFuture {
            ready: Some(result),
            pending: None,
            replica: None,
        }
    }

    pub(crate) fn pending(completion: Arc<PutCompletion>) -> Self {
        PutMessageFuture {
            ready: None,
            pending: Some(completion),
            replica: None,
        }
    }

    /// Adds the replication wait: the result is the flush result, with the replica status
    /// when that is not PUT_OK (Java `handleDiskFlushAndHA`'s `thenCombine`).
    pub(crate) fn with_replica(mut self, replica: Arc<PutCompletion>) -> Self {
        self.replica = Some(replica);
        self
    }

    /// Returns true when the result is available without waiting.
    pub fn is_ready(&self) -> bool {
        (self.ready.is_some() || self.pending.as_ref().is_some_and(|c| c.is_done()))
            && self.replica.as_ref().is_none_or(|c| c.is_done())
    }

    /// Blocks the calling thread until the result is known.
    pub fn wait(mut self) -> PutMessageResult {
        let mut r = match (self.ready.take(), self.pending.take()) {
            (Some(r), _) => r,
            (None, Some(c)) => c.wait_result(),
            (None, None) => PutMessageResult::new(PutMessageStatus::UnknownError, None),
        };
        if let Some(rep) = self.replica.take() {
            combine_replica(&mut r, rep.wait_result().status);
        }
        r
    }
}

/// Applies a replication status to a flushed result.
fn combine_replica(r: &mut PutMessageResult, replica: PutMessageStatus) {
    if replica != PutMessageStatus::PutOk {
        r.status = replica;
    }
}

impl PutCompletion {
    /// Blocks until completed and takes the result.
    fn wait_result(&self) -> PutMessageResult {
        let mut s = self.state.lock();
        while !s.done {
            self.cond.wait(&mut s);
        }
        s.result
            .take()
            .unwrap_or_else(|| PutMessageResult::new(PutMessageStatus::UnknownError, None))
    }

    /// Takes the result when completed, else registers `cx`'s waker.
    fn poll_result(&self, cx: &mut Context<'_>) -> Option<PutMessageResult> {
        let mut s = self.state.lock();
        if s.done {
            return Some(
                s.result
                    .take()
                    .unwrap_or_else(|| PutMessageResult::new(PutMessageStatus::UnknownError, None)),
            );
        }
        s.waker = Some(cx.waker().clone());
        None
    }
}

impl Future for PutMessageFuture {
    type Output = PutMessageResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<PutMessageResult> {
        if let Some(c) = self.pending.clone() {
            match c.poll_result(cx) {
                Some(r) => {
                    self.pending = None;
                    self.ready = Some(r);
                }
                None => return Poll::Pending,
            }
        }
        let mut r = self
            .ready
            .take()
            .unwrap_or_else(|| PutMessageResult::new(PutMessageStatus::UnknownError, None));
        if let Some(rep) = self.replica.clone() {
            match rep.poll_result(cx) {
                Some(rr) => {
                    self.replica = None;
                    combine_replica(&mut r, rr.status);
                }
                None => {
                    self.ready = Some(r);
                    return Poll::Pending;
                }
            }
        }
        Poll::Ready(r)
    }
}
