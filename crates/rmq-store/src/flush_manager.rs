//! CommitLog flushing (Java `CommitLog.DefaultFlushManager`): `FlushRealTimeService` for
//! ASYNC_FLUSH, `GroupCommitService` plus `FlushDiskWatcher` for SYNC_FLUSH.
//!
//! SYNC_FLUSH: a put that waits (`WAIT` not `false`) registers its end offset; the
//! GroupCommitService thread wakes at least every 10 ms, swaps the request list, flushes until
//! the flushed offset covers each request and completes it with PUT_OK. The watcher completes a
//! request still pending after `syncFlushTimeout` with FLUSH_DISK_TIMEOUT, so a stuck `msync`
//! cannot hold a producer forever.

use crate::config::{FlushDiskType, MessageStoreConfig};
use crate::mapped_file_queue::MappedFileQueue;
use crate::put_message_result::{
    PutCompletion, PutMessageFuture, PutMessageResult, PutMessageStatus,
};
use crate::service_thread::{ServiceState, ServiceThread};
use crate::store_checkpoint::StoreCheckpoint;
use parking_lot::Mutex;
use rmq_common::util_all::current_millis;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

const RETRY_TIMES_OVER: usize = 10;

struct GroupCommitRequest {
    next_offset: i64,
    completion: Arc<PutCompletion>,
}

/// The CommitLog flush services.
pub(crate) struct FlushManager {
    flush_disk_type: FlushDiskType,
    sync_flush_timeout: Duration,
    requests: Mutex<Vec<GroupCommitRequest>>,
    watch: Mutex<VecDeque<(Instant, Arc<PutCompletion>)>>,
    flush_state: Arc<ServiceState>,
    watcher_state: Arc<ServiceState>,
    threads: Mutex<Vec<ServiceThread>>,
}

impl FlushManager {
    pub(crate) fn new(config: &MessageStoreConfig) -> Arc<Self> {
        Arc::new(FlushManager {
            flush_disk_type: config.flush_disk_type,
            sync_flush_timeout: Duration::from_millis(config.sync_flush_timeout.max(1) as u64),
            requests: Mutex::new(Vec::new()),
            watch: Mutex::new(VecDeque::new()),
            flush_state: Arc::new(ServiceState::default()),
            watcher_state: Arc::new(ServiceState::default()),
            threads: Mutex::new(Vec::new()),
        })
    }

    /// Starts GroupCommitService and FlushDiskWatcher (SYNC) or FlushRealTimeService (ASYNC).
    pub(crate) fn start(
        self: &Arc<Self>,
        queue: Arc<MappedFileQueue>,
        checkpoint: Arc<StoreCheckpoint>,
        config: Arc<MessageStoreConfig>,
    ) -> std::io::Result<()> {
        let mut threads = self.threads.lock();
        if self.flush_disk_type == FlushDiskType::SyncFlush {
            let me = self.clone();
            threads.push(ServiceThread::start(
                "GroupCommitService",
                self.flush_state.clone(),
                move |state| me.run_group_commit(&state, &queue, &checkpoint),
            )?);
            let me = self.clone();
            threads.push(ServiceThread::start(
                "FlushDiskWatcher",
                self.watcher_state.clone(),
                move |state| me.run_watcher(&state),
            )?);
        } else {
            threads.push(ServiceThread::start(
                "FlushRealTimeService",
                self.flush_state.clone(),
                move |state| run_flush_real_time(&state, &queue, &checkpoint, &config),
            )?);
        }
        Ok(())
    }

    /// Stops the services; each flushes what is left before it ends.
    pub(crate) fn shutdown(&self) {
        let threads: Vec<ServiceThread> = self.threads.lock().drain(..).collect();
        for t in threads {
            t.shutdown();
        }
    }

    /// Returns the future for an appended message (Java `handleDiskFlush`): pending until
    /// flushed for SYNC_FLUSH when the producer waits, ready otherwise.
    pub(crate) fn handle_disk_flush(
        &self,
        result: PutMessageResult,
        wait: bool,
    ) -> PutMessageFuture {
        if self.flush_disk_type != FlushDiskType::SyncFlush {
            return PutMessageFuture::ready(result);
        }
        if !wait {
            self.flush_state.wakeup();
            return PutMessageFuture::ready(result);
        }
        let next_offset = result
            .append_result
            .as_ref()
            .map(|r| r.wrote_offset + r.wrote_bytes as i64)
            .unwrap_or(0);
        let completion = PutCompletion::new(result);
        self.watch
            .lock()
            .push_back((Instant::now() + self.sync_flush_timeout, completion.clone()));
        self.watcher_state.wakeup();
        self.requests.lock().push(GroupCommitRequest {
            next_offset,
            completion: completion.clone(),
        });
        self.flush_state.wakeup();
        PutMessageFuture::pending(completion)
    }

    fn run_group_commit(
        &self,
        state: &ServiceState,
        queue: &MappedFileQueue,
        checkpoint: &StoreCheckpoint,
    ) {
        while !state.is_stopped() {
            state.wait_for_running(10);
            let reqs = std::mem::take(&mut *self.requests.lock());
            do_commit(reqs, queue, checkpoint);
        }
        std::thread::sleep(Duration::from_millis(10));
        let reqs = std::mem::take(&mut *self.requests.lock());
        do_commit(reqs, queue, checkpoint);
    }

    fn run_watcher(&self, state: &ServiceState) {
        while !state.is_stopped() {
            let front = self.watch.lock().pop_front();
            let Some((deadline, completion)) = front else {
                state.wait_for_running(10);
                continue;
            };
            while !completion.is_done() {
                let now = Instant::now();
                if now >= deadline {
                    completion.complete(PutMessageStatus::FlushDiskTimeout);
                    break;
                }
                if state.is_stopped() {
                    break;
                }
                std::thread::sleep((deadline - now).min(Duration::from_millis(10)));
            }
        }
    }
}

fn do_commit(reqs: Vec<GroupCommitRequest>, queue: &MappedFileQueue, checkpoint: &StoreCheckpoint) {
    if reqs.is_empty() {
        queue.flush(0);
        return;
    }
    for r in reqs {
        let mut ok = queue.flushed_where() >= r.next_offset;
        for _ in 0..1000 {
            if ok {
                break;
            }
            queue.flush(0);
            ok = queue.flushed_where() >= r.next_offset;
            if !ok {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        r.completion.complete(if ok {
            PutMessageStatus::PutOk
        } else {
            PutMessageStatus::FlushDiskTimeout
        });
    }
    let ts = queue.store_timestamp();
    if ts > 0 {
        checkpoint.set_physic_msg_timestamp(ts);
    }
}

fn run_flush_real_time(
    state: &ServiceState,
    queue: &MappedFileQueue,
    checkpoint: &StoreCheckpoint,
    config: &MessageStoreConfig,
) {
    let mut last_flush_timestamp = 0i64;
    while !state.is_stopped() {
        let mut least_pages = config.flush_commit_log_least_pages.max(0) as usize;
        let now = current_millis();
        if now >= last_flush_timestamp + config.flush_commit_log_thorough_interval as i64 {
            last_flush_timestamp = now;
            least_pages = 0;
        }
        state.wait_for_running(config.flush_interval_commit_log.max(1) as u64);
        queue.flush(least_pages);
        let ts = queue.store_timestamp();
        if ts > 0 {
            checkpoint.set_physic_msg_timestamp(ts);
        }
    }
    for _ in 0..RETRY_TIMES_OVER {
        if queue.flush(0) {
            break;
        }
    }
    let ts = queue.store_timestamp();
    if ts > 0 {
        checkpoint.set_physic_msg_timestamp(ts);
    }
}
