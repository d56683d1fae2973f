//! `ReputMessageService`: reads new CommitLog records and dispatches them to ConsumeQueues and
//! the index, then tells the message arriving listener (Java
//! `DefaultMessageStore.ReputMessageService`).
//!
//! It polls every millisecond and dispatches up to the confirm offset (flushed offset under
//! SYNC_FLUSH, written offset under ASYNC_FLUSH).

use crate::config::BrokerRole;
use crate::default_message_store::DefaultMessageStore;
use crate::dispatch_request::{check_message_and_return_size, CheckResult};
use crate::service_thread::ServiceState;
use std::sync::atomic::Ordering;

impl DefaultMessageStore {
    pub(crate) fn run_reput(&self, s: &ServiceState) {
        while !s.is_stopped() {
            s.wait_for_running(1);
            self.do_reput();
        }
    }

    /// Dispatches everything between the reput offset and the confirm offset.
    pub(crate) fn do_reput(&self) {
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
                        self.do_dispatch(&m);
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
    }
}
