//! `ReputMessageService`: reads new CommitLog records and dispatches them to ConsumeQueues and
//! the index, then tells the message arriving listener (Java
//! `DefaultMessageStore.ReputMessageService`).
//!
//! It polls every millisecond and dispatches up to the confirm offset (flushed offset under
//! SYNC_FLUSH, written offset under ASYNC_FLUSH). After `IDLE_ROUNDS_BEFORE_PARKING` rounds
//! with nothing new it sleeps until the next CommitLog append (rmq: Java keeps polling, which
//! costs an idle broker about 2 % of a core), unless the confirm offset is the flushed one,
//! which the flush moves, not the append.
//!
//! A record whose dispatch fails (on a full disk, no ConsumeQueue or index file can be
//! created, or a file cannot reserve its next step of blocks) is not skipped, as Java does
//! after 30 tries: the reput stops at it and retries every `DISPATCH_RETRY_INTERVAL_MILLIS`,
//! so every stored message becomes consumable once space is back and ConsumeQueue units stay
//! in CommitLog order.

use crate::commit_log::CommitLog;
use crate::commit_log_dispatcher::CommitLogDispatcher;
use crate::config::{FlushDiskType, MessageStoreConfig};
use crate::dispatch_request::{check_message_and_return_size, CheckResult, DispatchRequest};
use crate::get_message_result::MessageArrivingListener;
use crate::role_state::RoleState;
use crate::service_thread::{ServiceSlot, ServiceState};
use parking_lot::RwLock;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Pause before retrying a failed dispatch.
const DISPATCH_RETRY_INTERVAL_MILLIS: u64 = 100;
/// Empty polls (of 1 ms) before the reput sleeps until an append.
const IDLE_ROUNDS_BEFORE_PARKING: u32 = 100;
/// Longest sleep while parked: a safety net, appends wake it.
const PARKED_WAIT_MILLIS: u64 = 1000;

/// What the reput did with one record.
enum Step {
    /// Dispatched; move past it.
    Next(usize),
    /// The dispatch failed: retry at the same offset later.
    Stall,
}

/// The reput service and its position.
pub(crate) struct ReputMessageService {
    config: Arc<MessageStoreConfig>,
    role: Arc<RoleState>,
    commit_log: Arc<CommitLog>,
    pub(crate) dispatcher: Arc<CommitLogDispatcher>,
    reput_from_offset: AtomicI64,
    listener: RwLock<Option<Arc<dyn MessageArrivingListener>>>,
    /// Whether the reput is waiting for a failed dispatch to succeed.
    dispatch_stalled: AtomicBool,
    thread: ServiceSlot,
    /// `PARKED_WAIT_MILLIS`; tests lengthen it to show that appends wake the reput.
    parked_wait_millis: AtomicU64,
    /// Controller mode's confirm offset (the AutoSwitch HA service's), when set.
    confirm_source: OnceLock<ConfirmSource>,
}

/// Where controller mode's confirm offset comes from (`None` once the source is gone).
pub(crate) type ConfirmSource = Box<dyn Fn() -> Option<i64> + Send + Sync>;

impl ReputMessageService {
    pub(crate) fn new(
        config: Arc<MessageStoreConfig>,
        role: Arc<RoleState>,
        commit_log: Arc<CommitLog>,
        dispatcher: Arc<CommitLogDispatcher>,
    ) -> Arc<Self> {
        let me = Arc::new(ReputMessageService {
            config,
            role,
            commit_log,
            dispatcher,
            reput_from_offset: AtomicI64::new(0),
            listener: RwLock::new(None),
            dispatch_stalled: AtomicBool::new(false),
            thread: ServiceSlot::default(),
            parked_wait_millis: AtomicU64::new(PARKED_WAIT_MILLIS),
            confirm_source: OnceLock::new(),
        });
        let weak = Arc::downgrade(&me);
        me.commit_log.append_waker.set_wake(Box::new(move || {
            if let Some(r) = weak.upgrade() {
                r.thread.wakeup();
            }
        }));
        me
    }

    /// Starts the thread, dispatching from `from`.
    pub(crate) fn start(self: &Arc<Self>, from: i64) -> std::io::Result<()> {
        self.reput_from_offset.store(from, Ordering::Release);
        let me = self.clone();
        self.thread
            .start("ReputMessageService", move |s| me.run(&s))
    }

    /// Makes the reput stop at controller mode's confirm offset (Java
    /// `getReputEndOffset` with `enableControllerMode`).
    pub(crate) fn set_confirm_source(&self, source: ConfirmSource) {
        let _ = self.confirm_source.set(source);
    }

    /// Stops the thread without waiting for the dispatch (store truncation).
    pub(crate) fn stop(&self) {
        self.thread.shutdown();
    }

    /// Sets where a stopped reput resumes.
    pub(crate) fn set_reput_from_offset(&self, offset: i64) {
        self.reput_from_offset.store(offset, Ordering::Release);
    }

    /// Waits (up to 5 s) for the dispatch to catch up, then stops the thread.
    pub(crate) fn shutdown(&self) {
        for _ in 0..50 {
            // A stalled dispatch (full disk) will not catch up; recovery redoes it.
            if self.dispatch_behind_bytes() <= 0 || self.dispatch_stalled.load(Ordering::Acquire) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.thread.shutdown();
    }

    /// Registers the listener called after each ConsumeQueue append (long polling).
    pub(crate) fn set_listener(&self, listener: Option<Arc<dyn MessageArrivingListener>>) {
        *self.listener.write() = listener;
    }

    /// Offset up to which records may be dispatched: the flushed offset for SYNC_FLUSH, the
    /// written offset otherwise (Java `getConfirmOffset` / `getReputEndOffset`).
    pub(crate) fn confirm_offset(&self) -> i64 {
        if self.config.read_un_committed {
            return self.commit_log.max_offset();
        }
        if let Some(confirm) = self.confirm_source.get().and_then(|f| f()) {
            return confirm;
        }
        if self.config.flush_disk_type != FlushDiskType::SyncFlush {
            self.commit_log.max_offset()
        } else {
            self.commit_log.flushed_where()
        }
    }

    /// Returns the CommitLog offset below which every record has been dispatched.
    pub(crate) fn reput_from_offset(&self) -> i64 {
        self.reput_from_offset.load(Ordering::Acquire)
    }

    /// Returns bytes written to the CommitLog but not yet dispatched.
    pub(crate) fn dispatch_behind_bytes(&self) -> i64 {
        self.confirm_offset() - self.reput_from_offset()
    }

    fn run(&self, s: &ServiceState) {
        let mut pause_millis = 1;
        let mut idle_rounds = 0u32;
        while !s.is_stopped() {
            s.wait_for_running(pause_millis);
            let before = self.reput_from_offset();
            if self.do_reput() {
                pause_millis = DISPATCH_RETRY_INTERVAL_MILLIS;
                idle_rounds = 0;
                continue;
            }
            pause_millis = 1;
            if self.reput_from_offset() != before {
                idle_rounds = 0;
                continue;
            }
            idle_rounds = idle_rounds.saturating_add(1);
            if idle_rounds >= IDLE_ROUNDS_BEFORE_PARKING && self.append_moves_confirm_offset() {
                self.park(s);
                pause_millis = 0;
            }
        }
    }

    /// True when an append moves the confirm offset (not SYNC_FLUSH without
    /// `readUnCommitted`, where the flush does).
    fn append_moves_confirm_offset(&self) -> bool {
        // In controller mode slave acks move it: keep polling, as Java.
        if self.confirm_source.get().is_some() && !self.config.read_un_committed {
            return false;
        }
        self.config.read_un_committed || self.config.flush_disk_type != FlushDiskType::SyncFlush
    }

    /// Sets the longest parked sleep (tests).
    #[cfg(test)]
    pub(crate) fn set_parked_wait_millis(&self, millis: u64) {
        self.parked_wait_millis.store(millis, Ordering::Relaxed);
    }

    /// Sleeps until an append (or shutdown, or `PARKED_WAIT_MILLIS`).
    fn park(&self, s: &ServiceState) {
        let waker = &self.commit_log.append_waker;
        waker.set_parked(true);
        // An append just before parking did not wake us: look once more.
        if self.confirm_offset() <= self.reput_from_offset() {
            s.wait_for_running(self.parked_wait_millis.load(Ordering::Relaxed));
        }
        waker.set_parked(false);
    }

    /// Dispatches everything between the reput offset and the confirm offset; returns true
    /// when it stopped at a record it could not dispatch (to be retried).
    pub(crate) fn do_reput(&self) -> bool {
        let cl = &self.commit_log;
        let mut reput = self.reput_from_offset();
        let min = cl.min_offset();
        if min >= 0 && reput < min {
            tracing::warn!(reput, min, "reput offset is below the CommitLog min offset");
            reput = min;
        }
        let listener = self.listener.read().clone();
        let stalled = self.reput_loop(&mut reput, listener.as_deref());
        self.reput_from_offset.store(reput, Ordering::Release);
        stalled
    }

    /// The body of [`Self::do_reput`]: advances `reput`; true when stalled.
    fn reput_loop(&self, reput: &mut i64, listener: Option<&dyn MessageArrivingListener>) -> bool {
        let cl = &self.commit_log;
        'outer: while *reput < self.confirm_offset() {
            let Some(data) = cl.get_data(*reput) else {
                break;
            };
            let end = self.confirm_offset();
            let mut read = 0usize;
            while read < data.len() && *reput < end {
                if self.slave_tail_incomplete(&data[read..])
                    || self.beyond_controller_confirm(&data[read..], *reput, end)
                {
                    break 'outer;
                }
                let size =
                    match check_message_and_return_size(&data[read..], false, cl.delay_levels()) {
                        CheckResult::Message(m) => {
                            if *reput + m.msg_size as i64 > end {
                                break 'outer;
                            }
                            match self.dispatch_one(*reput, &m, listener) {
                                Step::Next(size) => size,
                                Step::Stall => return true,
                            }
                        }
                        CheckResult::EndOfFile => {
                            *reput = cl.roll_next_file(*reput);
                            break;
                        }
                        CheckResult::Invalid { size, reason } if size > 0 => {
                            tracing::error!(
                                reput,
                                reason,
                                "[BUG]read total count not equals msg total size"
                            );
                            size as usize
                        }
                        CheckResult::Invalid { reason, .. } => {
                            tracing::error!(
                                reput,
                                reason,
                                "[BUG]dispatch message to consume queue error"
                            );
                            if !self.role.is_slave() {
                                *reput += (data.len() - read) as i64;
                            }
                            break 'outer;
                        }
                    };
                *reput += size as i64;
                read += size;
            }
            self.reput_from_offset.store(*reput, Ordering::Release);
        }
        false
    }

    /// In controller mode a slave's confirm offset may end inside a record (the master's
    /// confirm bounded by the bytes received): a record reaching past it is waited for
    /// (Java `preCheckMessageAndReturnSize`), not reported as damaged.
    fn beyond_controller_confirm(&self, rest: &[u8], reput: i64, end: i64) -> bool {
        if self.confirm_source.get().is_none() {
            return false;
        }
        match rest.get(..4) {
            None => true,
            Some(b) => {
                let total = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                total > 0 && (reput + total as i64 > end || (rest.len() as i64) < total as i64)
            }
        }
    }

    /// On a slave, replicated chunks may end inside a record: the rest arrives with the next
    /// chunk, so a record longer than the bytes present is waited for, not reported.
    fn slave_tail_incomplete(&self, rest: &[u8]) -> bool {
        if !self.role.is_slave() {
            return false;
        }
        match rest.get(..4) {
            None => true,
            Some(b) => {
                let total = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                total > 0 && (rest.len() as i64) < total as i64
            }
        }
    }

    /// Dispatches the record at `reput` and tells the listener.
    fn dispatch_one(
        &self,
        reput: i64,
        m: &DispatchRequest<'_>,
        listener: Option<&dyn MessageArrivingListener>,
    ) -> Step {
        if let Err(e) = self.dispatcher.dispatch(m) {
            if !self.dispatch_stalled.swap(true, Ordering::AcqRel) {
                tracing::error!(reput, error = %e, "dispatch failed, retrying at this offset");
            }
            return Step::Stall;
        }
        if self.dispatch_stalled.swap(false, Ordering::AcqRel) {
            tracing::info!(reput, "dispatch resumed");
        }
        if let Some(l) = listener {
            l.arriving(
                m.topic,
                m.queue_id,
                m.consume_queue_offset + 1,
                m.tags_code,
                m.store_timestamp,
                m.properties,
            );
        }
        Step::Next(m.msg_size as usize)
    }
}
