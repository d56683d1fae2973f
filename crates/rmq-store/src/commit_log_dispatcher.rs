//! `CommitLogDispatcher`: writes one CommitLog record's ConsumeQueue unit and index entries
//! (Java `CommitLogDispatcherBuildConsumeQueue` + `CommitLogDispatcherBuildIndex`, called from
//! `DefaultMessageStore#doDispatch`). Used by recovery and by the `ReputMessageService`.

use crate::config::MessageStoreConfig;
use crate::consume_queue_store::ConsumeQueueStore;
use crate::dispatch_request::DispatchRequest;
use crate::index::IndexService;
use crate::role_state::RoleState;
use crate::running_flags::RunningFlags;
use crate::store_checkpoint::StoreCheckpoint;
use crate::store_error::StoreError;
use rmq_common::sys_flag::message_sys_flag;
use std::sync::Arc;

/// Builds ConsumeQueue units and index entries from dispatch requests.
pub(crate) struct CommitLogDispatcher {
    pub(crate) config: Arc<MessageStoreConfig>,
    pub(crate) cq_store: Arc<ConsumeQueueStore>,
    pub(crate) index_service: Arc<IndexService>,
    pub(crate) checkpoint: Arc<StoreCheckpoint>,
    pub(crate) running_flags: Arc<RunningFlags>,
    pub(crate) role: Arc<RoleState>,
}

impl CommitLogDispatcher {
    /// Writes one record's ConsumeQueue unit and index entries (Java `doDispatch` with
    /// `putMessagePositionInfoWrapper`). Both steps skip what is already written, so a failed
    /// dispatch is retried as a whole.
    ///
    /// Java retries a ConsumeQueue write 30 times, then sets the logics-queue error flag and
    /// moves on, so the message never becomes consumable. Here the caller retries later at
    /// the same offset instead. Errors other than a full disk still set Java's flags (the
    /// store then refuses puts), as they do not clear by themselves.
    pub(crate) fn dispatch(&self, m: &DispatchRequest<'_>) -> Result<(), StoreError> {
        if assigns_queue_offset(m.sys_flag) {
            self.build_consume_queue(m)?;
        }
        if self.config.message_index_enable {
            if let Err(e) = self.index_service.build_index(m) {
                if !e.is_out_of_space() {
                    tracing::error!(phy_offset = m.commit_log_offset, error = %e, "build index error");
                    self.running_flags.make_index_file_error();
                }
                return Err(e);
            }
        }
        Ok(())
    }

    fn build_consume_queue(&self, m: &DispatchRequest<'_>) -> Result<(), StoreError> {
        if !self.running_flags.is_cq_writeable() {
            return Err(StoreError::NotWriteable {
                flag_bits: self.running_flags.flag_bits(),
            });
        }
        let cq = self.cq_store.find_or_create(m.topic, m.queue_id);
        if let Err(e) = cq.put_message_position_info(
            m.commit_log_offset,
            m.msg_size,
            m.tags_code,
            m.consume_queue_offset,
        ) {
            if !e.is_out_of_space() {
                tracing::error!(topic = m.topic, queue_id = m.queue_id, error = %e, "[BUG]consume queue can not write");
                self.running_flags.make_logics_queue_error();
            }
            return Err(e);
        }
        if self.role.is_slave() {
            self.checkpoint.set_physic_msg_timestamp(m.store_timestamp);
        }
        self.checkpoint.set_logics_msg_timestamp(m.store_timestamp);
        Ok(())
    }
}

/// Returns true for records that get a queue offset and a ConsumeQueue unit: normal and
/// committed transactional messages (not prepared or rolled back ones).
pub(crate) fn assigns_queue_offset(sys_flag: i32) -> bool {
    let tran = message_sys_flag::get_transaction_value(sys_flag);
    tran == message_sys_flag::TRANSACTION_NOT_TYPE
        || tran == message_sys_flag::TRANSACTION_COMMIT_TYPE
}
