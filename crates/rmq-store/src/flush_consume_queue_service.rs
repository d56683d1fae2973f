//! `FlushConsumeQueueService`: flushes the ConsumeQueues every `flushIntervalConsumeQueue`
//! and, every `flushConsumeQueueThoroughInterval`, everything plus the checkpoint (Java
//! `DefaultMessageStore.FlushConsumeQueueService`).

use crate::config::MessageStoreConfig;
use crate::consume_queue_store::ConsumeQueueStore;
use crate::service_thread::{ServiceSlot, ServiceState};
use crate::store_checkpoint::StoreCheckpoint;
use rmq_common::util_all::current_millis;
use std::sync::Arc;

/// The ConsumeQueue flush service.
pub(crate) struct FlushConsumeQueueService {
    config: Arc<MessageStoreConfig>,
    cq_store: Arc<ConsumeQueueStore>,
    checkpoint: Arc<StoreCheckpoint>,
    thread: ServiceSlot,
}

impl FlushConsumeQueueService {
    pub(crate) fn new(
        config: Arc<MessageStoreConfig>,
        cq_store: Arc<ConsumeQueueStore>,
        checkpoint: Arc<StoreCheckpoint>,
    ) -> Arc<Self> {
        Arc::new(FlushConsumeQueueService {
            config,
            cq_store,
            checkpoint,
            thread: ServiceSlot::default(),
        })
    }

    pub(crate) fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = self.clone();
        self.thread
            .start("FlushConsumeQueueService", move |s| me.run(&s))
    }

    /// Stops the thread after a last thorough flush.
    pub(crate) fn shutdown(&self) {
        self.thread.shutdown();
    }

    fn run(&self, s: &ServiceState) {
        let mut last_flush = 0i64;
        while !s.is_stopped() {
            s.wait_for_running(self.config.flush_interval_consume_queue.max(1) as u64);
            self.do_flush(1, &mut last_flush);
        }
        self.do_flush(3, &mut last_flush);
    }

    fn do_flush(&self, retry_times: usize, last_flush: &mut i64) {
        let mut least_pages = if retry_times == 3 {
            0
        } else {
            self.config.flush_consume_queue_least_pages.max(0) as usize
        };
        let mut logics_ts = 0;
        let now = current_millis();
        if now >= *last_flush + self.config.flush_consume_queue_thorough_interval as i64 {
            *last_flush = now;
            least_pages = 0;
            logics_ts = self.checkpoint.logics_msg_timestamp();
        }
        for cq in self.cq_store.all() {
            for _ in 0..retry_times {
                if cq.flush(least_pages) {
                    break;
                }
            }
        }
        if least_pages == 0 {
            if logics_ts > 0 {
                self.checkpoint.set_logics_msg_timestamp(logics_ts);
            }
            self.checkpoint.flush();
        }
    }
}
