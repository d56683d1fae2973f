//! Store recovery at open (Java `DefaultMessageStore#recover`, `CommitLog#recoverNormally` /
//! `recoverAbnormally`, `recoverTopicQueueTable`).
//!
//! Normally the CommitLog is scanned from the file holding the ConsumeQueues' max offset,
//! abnormally from the checkpoint time, re-dispatching every valid record; ConsumeQueues and
//! CommitLog are truncated after the last valid record and the queue offset table is rebuilt.

use crate::commit_log::CommitLog;
use crate::commit_log_dispatcher::{assigns_queue_offset, CommitLogDispatcher};
use crate::dispatch_request::DispatchRequest;
use std::collections::HashMap;

/// Next queue offsets per topic and queue id.
type QueueTable = HashMap<String, HashMap<i32, i64>>;

/// Recovers the CommitLog and ConsumeQueues through `dispatcher`.
pub(crate) struct StoreRecovery<'a> {
    pub commit_log: &'a CommitLog,
    pub dispatcher: &'a CommitLogDispatcher,
}

impl StoreRecovery<'_> {
    /// Recovers; returns the CommitLog offset of the first record that could not be
    /// dispatched (the reput starts there), or -1.
    pub(crate) fn run(&self, last_exit_ok: bool) -> i64 {
        let cq_store = &self.dispatcher.cq_store;
        cq_store.recover();
        let max_phy_cq = cq_store.max_phy_offset_in_consume_queue();
        let cl = self.commit_log;
        // Next queue offsets of records not dispatched: after the first failure nothing more
        // is dispatched (units must stay in order), and the reput starts again there.
        let mut undispatched = QueueTable::new();
        let mut failed_at = -1;
        if cl.mapped_file_queue().is_empty() {
            tracing::warn!("the commitlog files are deleted, and delete the consume queue files");
            cl.truncate_dirty_files(0);
            cq_store.destroy_all();
        } else {
            let process_offset = self.scan(last_exit_ok, max_phy_cq, &mut |m| {
                self.dispatch(m, &mut failed_at, &mut undispatched)
            });
            if max_phy_cq >= process_offset {
                tracing::warn!(max_phy_cq, process_offset, "truncate dirty logic files");
                cq_store.truncate_dirty(process_offset);
            }
            cl.truncate_dirty_files(process_offset);
            self.dispatcher
                .checkpoint
                .set_confirm_phy_offset(process_offset);
        }
        self.recover_topic_queue_table(undispatched);
        failed_at
    }

    /// Scans the valid records from where recovery starts; returns the end of the last one.
    fn scan(
        &self,
        last_exit_ok: bool,
        max_phy_cq: i64,
        dispatch: &mut dyn FnMut(&DispatchRequest<'_>),
    ) -> i64 {
        let cl = self.commit_log;
        let config = &self.dispatcher.config;
        let check_crc = config.check_crc_on_recover;
        if last_exit_ok {
            let start = cl.normal_recovery_start(max_phy_cq);
            // Java dispatches records with offset > maxPhyOffsetOfConsumeQueue; that value
            // is the end of the last dispatched record, so a record starting exactly there
            // is still undispatched and is included here (dispatch is idempotent).
            cl.scan_valid(start, check_crc, &mut |m| {
                if m.commit_log_offset >= max_phy_cq {
                    dispatch(m);
                }
            })
        } else {
            let checkpoint = &self.dispatcher.checkpoint;
            let min_ts = if config.message_index_enable && config.message_index_safe {
                checkpoint.min_timestamp_index()
            } else {
                checkpoint.min_timestamp()
            };
            let start = cl.abnormal_recovery_start(min_ts);
            cl.scan_valid(start, check_crc, dispatch)
        }
    }

    /// Dispatches one record unless an earlier one failed; records what is left undispatched.
    fn dispatch(
        &self,
        m: &DispatchRequest<'_>,
        failed_at: &mut i64,
        undispatched: &mut QueueTable,
    ) {
        if *failed_at < 0 {
            match self.dispatcher.dispatch(m) {
                Ok(()) => return,
                Err(e) => {
                    tracing::error!(
                        phy_offset = m.commit_log_offset,
                        error = %e,
                        "recovery could not dispatch, the reput will retry from here"
                    );
                    *failed_at = m.commit_log_offset;
                }
            }
        }
        if assigns_queue_offset(m.sys_flag) {
            let next = undispatched
                .entry(m.topic.to_string())
                .or_default()
                .entry(m.queue_id)
                .or_insert(0);
            *next = (*next).max(m.consume_queue_offset + 1);
        }
    }

    /// Rebuilds the queue offset table from the ConsumeQueues (Java `recoverTopicQueueTable`),
    /// raised to cover `undispatched` records, which are in the CommitLog only.
    fn recover_topic_queue_table(&self, undispatched: QueueTable) {
        let mut table = self
            .dispatcher
            .cq_store
            .recover_offset_table(self.commit_log.min_offset());
        for (topic, queues) in undispatched {
            let t = table.entry(topic).or_default();
            for (queue_id, next) in queues {
                let at = t.entry(queue_id).or_insert(0);
                *at = (*at).max(next);
            }
        }
        self.commit_log.set_topic_queue_table(table);
    }
}
