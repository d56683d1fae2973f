//! `StoreScheduledThread` (Java `DefaultMessageStore#scheduledExecutorService` tasks): flushes
//! the checkpoint every second and runs the cleaning services every
//! `cleanResourceInterval`, the first time 60 s after start.

use crate::clean_commit_log_service::{CleanCommitLogService, CleanConsumeQueueService};
use crate::config::MessageStoreConfig;
use crate::service_thread::{ServiceSlot, ServiceState};
use crate::store_checkpoint::StoreCheckpoint;
use rmq_common::util_all::current_millis;
use std::sync::Arc;

/// The scheduled tasks of the store and the cleaning services they run.
pub(crate) struct StoreScheduledService {
    config: Arc<MessageStoreConfig>,
    checkpoint: Arc<StoreCheckpoint>,
    pub(crate) clean_commit_log: CleanCommitLogService,
    clean_consume_queue: CleanConsumeQueueService,
    thread: ServiceSlot,
}

impl StoreScheduledService {
    pub(crate) fn new(
        config: Arc<MessageStoreConfig>,
        checkpoint: Arc<StoreCheckpoint>,
        clean_commit_log: CleanCommitLogService,
        clean_consume_queue: CleanConsumeQueueService,
    ) -> Arc<Self> {
        Arc::new(StoreScheduledService {
            config,
            checkpoint,
            clean_commit_log,
            clean_consume_queue,
            thread: ServiceSlot::default(),
        })
    }

    pub(crate) fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = self.clone();
        self.thread
            .start("StoreScheduledThread", move |s| me.run(&s))
    }

    pub(crate) fn shutdown(&self) {
        self.thread.shutdown();
    }

    /// One cleaning round: CommitLog files, then ConsumeQueue and index files (Java
    /// `cleanFilesPeriodically` + `cleanQueueFilesPeriodically`). Returns the number of
    /// CommitLog files deleted.
    pub(crate) fn clean_files_periodically(&self) -> usize {
        let deleted = self.clean_commit_log.run();
        self.clean_consume_queue.run();
        deleted
    }

    fn run(&self, s: &ServiceState) {
        let started = current_millis();
        let mut last_clean = started + 60_000 - self.config.clean_resource_interval as i64;
        while !s.is_stopped() {
            s.wait_for_running(1000);
            if s.is_stopped() {
                break;
            }
            self.checkpoint.flush();
            let now = current_millis();
            if now - last_clean >= self.config.clean_resource_interval as i64 {
                last_clean = now;
                self.clean_files_periodically();
            }
        }
    }
}
