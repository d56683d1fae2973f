//! `ReputMessageService`: reads new CommitLog records and dispatches them to ConsumeQueues and
//! the index, then tells the message arriving listener (Java
//! `DefaultMessageStore.ReputMessageService`).
//!
//! It polls every millisecond and dispatches up to the confirm offset (flushed offset under
//! SYNC_FLUSH, written offset under ASYNC_FLUSH).
//!
//! A record whose dispatch fails (on a full disk, no ConsumeQueue or index file can be
//! created, or a file cannot reserve its next step of blocks) is not skipped, as Java does after 30 tries: the reput stops at it and retries every
//! `DISPATCH_RETRY_INTERVAL_MILLIS`, so every stored message becomes consumable once space
//! is back and ConsumeQueue units stay in CommitLog order.

use crate::config::BrokerRole;
use crate::default_message_store::DefaultMessageStore;
use crate::dispatch_request::{check_message_and_return_size, CheckResult};
use crate::service_thread::ServiceState;
use std::sync::atomic::Ordering;

/// Pause before retrying a failed dispatch.
const DISPATCH_RETRY_INTERVAL_MILLIS: u64 = 100;

impl DefaultMessageStore {
    pub(crate) fn run_reput(&self, s: &ServiceState) {
        let mut pause_millis = 1;
        while !s.is_stopped() {
            s.wait_for_running(pause_millis);
            pause_millis = if self.do_reput() {
                DISPATCH_RETRY_INTERVAL_MILLIS
            } else {
                1
            };
        }
    }

    /// Dispatches everything between the reput offset and the confirm offset; returns true
    /// when it stopped at a record it could not dispatch (to be retried).
    pub(crate) fn do_reput(&self) -> bool {
        let cl = &self.commit_log;
        let mut reput = self.reput_from_offset.load(Ordering::Acquire);
        let min = cl.min_offset();
        if min >= 0 && reput < min {
            tracing::warn!(reput, min, "reput offset is below the CommitLog min offset");
            reput = min;
        }
        let listener = self.listener.read().clone();
        'outer: while reput < self.confirm_offset() {
            let Some(data) = cl.get_data(reput) else {
                break;
            };
            let end = self.confirm_offset();
            let mut read = 0usize;
            while read < data.len() && reput < end {
                match check_message_and_return_size(&data[read..], false, cl.delay_levels()) {
                    CheckResult::Message(m) => {
                        let size = m.msg_size as usize;
                        if reput + size as i64 > end {
                            break 'outer;
                        }
                        if let Err(e) = self.do_dispatch(&m) {
                            if !self.dispatch_stalled.swap(true, Ordering::AcqRel) {
                                tracing::error!(
                                    reput,
                                    error = %e,
                                    "dispatch failed, retrying at this offset"
                                );
                            }
                            self.reput_from_offset.store(reput, Ordering::Release);
                            return true;
                        }
                        if self.dispatch_stalled.swap(false, Ordering::AcqRel) {
                            tracing::info!(reput, "dispatch resumed");
                        }
                        if let Some(l) = &listener {
                            l.arriving(
                                m.topic,
                                m.queue_id,
                                m.consume_queue_offset + 1,
                                m.tags_code,
                                m.store_timestamp,
                                m.properties,
                            );
                        }
                        reput += size as i64;
                        read += size;
                    }
                    CheckResult::EndOfFile => {
                        reput = cl.roll_next_file(reput);
                        break;
                    }
                    CheckResult::Invalid { size, reason } if size > 0 => {
                        tracing::error!(
                            reput,
                            reason,
                            "[BUG]read total count not equals msg total size"
                        );
                        reput += size as i64;
                        read += size as usize;
                    }
                    CheckResult::Invalid { reason, .. } => {
                        tracing::error!(
                            reput,
                            reason,
                            "[BUG]dispatch message to consume queue error"
                        );
                        if self.config.broker_role != BrokerRole::Slave {
                            reput += (data.len() - read) as i64;
                        }
                        self.reput_from_offset.store(reput, Ordering::Release);
                        break 'outer;
                    }
                }
            }
            self.reput_from_offset.store(reput, Ordering::Release);
        }
        self.reput_from_offset.store(reput, Ordering::Release);
        false
    }
}
