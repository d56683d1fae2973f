//! `EndTransactionProcessor`: END_TRANSACTION (Java `broker/processor/EndTransactionProcessor`).
//!
//! A slave answers SLAVE_NOT_AVAILABLE; type 0 (unknown) does nothing and answers nothing.
//! Commit and rollback look the half message up at `commitLogOffset`, refuse a request that
//! is not from a check and came after the message's CHECK_IMMUNITY_TIME_IN_SECONDS (604),
//! check producer group, queue offset and CommitLog offset, then commit stores the real
//! message (COMMIT bits, `preparedTransactionOffset` = the half's offset) and both queue an op
//! record ending the half message. Java producers send the request oneway, so the answer
//! mostly goes nowhere.

use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::{answer, BrokerError};
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::transaction::transactional_message_service::TransactionalMessageService;
use crate::transaction::transactional_message_util::{
    end_immunity_time_millis, end_message_transaction, StoredMessage,
};
use async_trait::async_trait;
use rmq_common::message::message_const::*;
use rmq_common::sys_flag::message_sys_flag::{
    TRANSACTION_COMMIT_TYPE, TRANSACTION_NOT_TYPE, TRANSACTION_ROLLBACK_TYPE,
};
use rmq_common::util_all::current_millis;
use rmq_remoting::protocol::header::broker::EndTransactionRequestHeader;
use rmq_remoting::{
    Channel, CodecError, RemotingCommand, RemotingError, RequestProcessor, ResponseCode,
};
use rmq_store::{MessageStoreConfig, PutMessageStatus};
use std::sync::Arc;

/// What `EndTransactionProcessor` uses.
#[derive(Clone)]
pub struct EndTransactionContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The store config the broker started with (its role).
    pub message_store_config: Arc<MessageStoreConfig>,
    /// The broker's role now (controller mode changes it at run time).
    pub role: Arc<rmq_store::RoleState>,
    /// The half-message bridge and op batch.
    pub transactional_message_service: Arc<TransactionalMessageService>,
    /// The put counters.
    pub broker_stats_manager: Arc<BrokerStatsManager>,
}

/// The end-transaction processor.
pub struct EndTransactionProcessor {
    ctx: EndTransactionContext,
}

impl EndTransactionProcessor {
    /// Builds the processor.
    pub fn new(ctx: EndTransactionContext) -> Self {
        EndTransactionProcessor { ctx }
    }

    /// Java `processRequest`; `Ok(None)` for the types that get no answer.
    async fn end_transaction(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<Option<RemotingCommand>, BrokerError> {
        let h: EndTransactionRequestHeader = request.decode_header()?;
        if ![
            TRANSACTION_NOT_TYPE,
            TRANSACTION_COMMIT_TYPE,
            TRANSACTION_ROLLBACK_TYPE,
        ]
        .contains(&h.commit_or_rollback)
        {
            // Java's `EndTransactionRequestHeader#checkFields` refuses the header.
            return Err(CodecError::BadFrame("commitOrRollback field wrong".into()).into());
        }
        if self.ctx.role.is_slave() {
            tracing::warn!("Message store is slave mode, so end transaction is forbidden. ");
            return Ok(Some(RemotingCommand::create_response_command(
                ResponseCode::SLAVE_NOT_AVAILABLE,
                None,
            )));
        }
        let from_check = h.from_transaction_check.unwrap_or(false);
        log_end(channel, &h, from_check);
        if h.commit_or_rollback == TRANSACTION_NOT_TYPE {
            return Ok(None);
        }
        let svc = &self.ctx.transactional_message_service;
        let Some(half) = svc.look_half_message(h.commit_log_offset) else {
            return Err(BrokerError::SystemError(
                "Find prepared transaction message failed".into(),
            ));
        };
        if self.reject_commit_or_rollback(&h, &half) {
            tracing::warn!(msg_id = %h.msg_id, commit_log_offset = h.commit_log_offset, "Message commit/rollback fail [producer end]. currentTimeMillis - bornTime > checkImmunityTime, wait check");
            return Err(BrokerError::Refused {
                code: ResponseCode::ILLEGAL_OPERATION,
                remark: None,
            });
        }
        check_prepare_message(&half, &h)?;
        if h.commit_or_rollback == TRANSACTION_COMMIT_TYPE {
            self.send_final_message(&half, &h).await?;
        }
        svc.delete_prepare_message(&half).await;
        Ok(Some(RemotingCommand::success()))
    }

    /// Java `rejectCommitOrRollback`: a request not from a check, for a message with
    /// CHECK_IMMUNITY_TIME_IN_SECONDS, after that time (at least `transactionTimeOut`).
    fn reject_commit_or_rollback(
        &self,
        h: &EndTransactionRequestHeader,
        half: &StoredMessage,
    ) -> bool {
        if h.from_transaction_check.unwrap_or(false) {
            return false;
        }
        let Some(v) = half
            .property(PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS)
            .filter(|v| !v.is_empty())
        else {
            return false;
        };
        let timeout = self.ctx.config.load().transaction_time_out;
        current_millis() - half.ext.born_timestamp > end_immunity_time_millis(v, timeout)
    }

    /// Stores the committed message (Java `endMessageTransaction` + `sendFinalMessage`).
    async fn send_final_message(
        &self,
        half: &StoredMessage,
        h: &EndTransactionRequestHeader,
    ) -> Result<(), BrokerError> {
        let Some(inner) = end_message_transaction(half, h.commit_or_rollback, h.commit_log_offset)
        else {
            return Err(BrokerError::SystemError(format!(
                "For input string: \"{}\"",
                half.property(PROPERTY_REAL_QUEUE_ID).unwrap_or("null")
            )));
        };
        let store = self.ctx.transactional_message_service.store();
        let result = store.put_message(&inner).await;
        if let (PutMessageStatus::PutOk, Some(a)) = (result.status, result.append_result.as_ref()) {
            let stats = &self.ctx.broker_stats_manager;
            stats.inc_topic_put_nums(&inner.topic, i64::from(a.msg_num), 1);
            stats.inc_topic_put_size(&inner.topic, i64::from(a.wrote_bytes));
            stats.inc_broker_put_nums(&inner.topic, i64::from(a.msg_num));
        }
        final_put_answer(result.status, &self.ctx.message_store_config)
    }
}

/// Java `checkPrepareMessage`: the request must name the half message exactly.
fn check_prepare_message(
    half: &StoredMessage,
    h: &EndTransactionRequestHeader,
) -> Result<(), BrokerError> {
    let wrong = |s: &str| Err(BrokerError::SystemError(s.into()));
    if half.property(PROPERTY_PRODUCER_GROUP) != Some(h.producer_group.as_str()) {
        return wrong("The producer group wrong");
    }
    if half.ext.queue_offset != h.tran_state_table_offset {
        return wrong("The transaction state table offset wrong");
    }
    if half.ext.commit_log_offset != h.commit_log_offset {
        return wrong("The commit log offset wrong");
    }
    Ok(())
}

/// Java `sendFinalMessage`'s answer to each put status.
fn final_put_answer(
    status: PutMessageStatus,
    store_config: &MessageStoreConfig,
) -> Result<(), BrokerError> {
    use PutMessageStatus::*;
    let system = |s: &str| Err(BrokerError::SystemError(s.into()));
    match status {
        PutOk | FlushDiskTimeout | FlushSlaveTimeout | SlaveNotAvailable => Ok(()),
        CreateMappedFileFailed => system("Create mapped file failed."),
        MessageIllegal | PropertiesSizeExceeded => Err(BrokerError::MessageIllegal(format!(
            "The message is illegal, maybe msg body or properties length not matched. msg body length limit {}B, msg properties length limit 32KB.",
            store_config.max_message_size
        ))),
        ServiceNotAvailable => Err(BrokerError::ServiceNotAvailable(
            "Service not available now.".into(),
        )),
        OsPageCacheBusy => system("OS page cache busy, please try another machine"),
        UnknownError => system("UNKNOWN_ERROR"),
        InSyncReplicasNotEnough => system("in-sync replicas not enough"),
        PutToRemoteBrokerFail => system("put to remote broker fail"),
        _ => system("UNKNOWN_ERROR DEFAULT"),
    }
}

/// The warnings Java logs for each kind of end.
fn log_end(channel: &Channel, h: &EndTransactionRequestHeader, from_check: bool) {
    let producer = channel.remote_addr_string();
    let what = match (from_check, h.commit_or_rollback) {
        (true, TRANSACTION_NOT_TYPE) => {
            "Check producer transaction state, but it's pending status."
        }
        (true, TRANSACTION_COMMIT_TYPE) => {
            "Check producer transaction state, the producer commit the message."
        }
        (true, _) => "Check producer transaction state, the producer rollback the message.",
        (false, TRANSACTION_NOT_TYPE) => {
            "The producer end transaction in sending message, and it's pending status."
        }
        (false, TRANSACTION_COMMIT_TYPE) => return,
        (false, _) => "The producer end transaction in sending message, rollback the message.",
    };
    tracing::warn!(producer, msg_id = %h.msg_id, commit_log_offset = h.commit_log_offset, "{what}");
}

#[async_trait]
impl RequestProcessor for EndTransactionProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        match self.end_transaction(channel, &request).await {
            Ok(r) => Ok(r),
            Err(e) => answer(Err(e)),
        }
    }
}

#[cfg(test)]
#[path = "end_transaction_processor_tests.rs"]
mod tests;
