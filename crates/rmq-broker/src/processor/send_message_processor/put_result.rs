//! Java `SendMessageProcessor#handlePutMessageResult`: the store's put status as the send's
//! answer.

use crate::broker_error::BrokerError;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use rmq_remoting::ResponseCode;
use rmq_store::{MessageStoreConfig, PutMessageResult, PutMessageStatus};

/// Returns the response code of a stored message (SUCCESS, or the flush/slave timeouts that
/// still stored it), or the error a failed put is answered with.
pub(super) fn put_status_answer(
    status: PutMessageStatus,
    store_config: &MessageStoreConfig,
) -> Result<ResponseCode, BrokerError> {
    match status {
        PutMessageStatus::PutOk => Ok(ResponseCode::SUCCESS),
        PutMessageStatus::FlushDiskTimeout => Ok(ResponseCode::FLUSH_DISK_TIMEOUT),
        PutMessageStatus::FlushSlaveTimeout => Ok(ResponseCode::FLUSH_SLAVE_TIMEOUT),
        PutMessageStatus::SlaveNotAvailable => Ok(ResponseCode::SLAVE_NOT_AVAILABLE),
        PutMessageStatus::InSyncReplicasNotEnough => Err(BrokerError::SystemError(
            "in-sync replicas not enough".into(),
        )),
        PutMessageStatus::CreateMappedFileFailed => Err(BrokerError::SystemError(
            "create mapped file failed, server is busy or broken.".into(),
        )),
        PutMessageStatus::MessageIllegal | PutMessageStatus::PropertiesSizeExceeded => {
            Err(BrokerError::MessageIllegal(format!(
                "the message is illegal, maybe msg body or properties length not matched. msg body length limit {}B, msg properties length limit 32KB.",
                store_config.max_message_size
            )))
        }
        PutMessageStatus::ServiceNotAvailable => Err(BrokerError::ServiceNotAvailable(format!(
            "service not available now. It may be caused by one of the following reasons: the broker's disk is full [{}], messages are put to the slave, message store has been shut down, etc.",
            disk_util(store_config)
        ))),
        PutMessageStatus::OsPageCacheBusy => Err(BrokerError::SystemBusy(
            "[PC_SYNCHRONIZED]broker busy, start flow control for a while".into(),
        )),
        PutMessageStatus::UnknownError => Err(BrokerError::SystemError("UNKNOWN_ERROR".into())),
        _ => Err(BrokerError::SystemError("UNKNOWN_ERROR DEFAULT".into())),
    }
}

/// Counts a stored message in the topic and broker put statistics.
pub(super) fn count_put(stats: &BrokerStatsManager, topic: &str, result: &PutMessageResult) {
    if let Some(a) = result.append_result.as_ref() {
        stats.inc_topic_put_nums(topic, i64::from(a.msg_num), 1);
        stats.inc_topic_put_size(topic, i64::from(a.wrote_bytes));
        stats.inc_broker_put_nums(topic, i64::from(a.msg_num));
    }
}

fn disk_util(cfg: &MessageStoreConfig) -> String {
    let ratio = |p: std::path::PathBuf| rmq_store::disk_partition_space_used_percent(&p);
    format!(
        "CL: {:5.2} CQ: {:5.2} INDEX: {:5.2}",
        ratio(cfg.commit_log_store_path()),
        ratio(cfg.consume_queue_store_path()),
        ratio(cfg.index_store_path())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_statuses_answer_their_code_and_failures_their_error() {
        let cfg = MessageStoreConfig::default();
        for (status, code) in [
            (PutMessageStatus::PutOk, ResponseCode::SUCCESS),
            (
                PutMessageStatus::FlushDiskTimeout,
                ResponseCode::FLUSH_DISK_TIMEOUT,
            ),
            (
                PutMessageStatus::FlushSlaveTimeout,
                ResponseCode::FLUSH_SLAVE_TIMEOUT,
            ),
            (
                PutMessageStatus::SlaveNotAvailable,
                ResponseCode::SLAVE_NOT_AVAILABLE,
            ),
        ] {
            assert_eq!(put_status_answer(status, &cfg).ok(), Some(code));
        }
        let err = |s| {
            put_status_answer(s, &cfg)
                .err()
                .map(|e| e.code_and_remark())
        };
        assert_eq!(
            err(PutMessageStatus::OsPageCacheBusy),
            Some((
                ResponseCode::SYSTEM_BUSY,
                Some("[PC_SYNCHRONIZED]broker busy, start flow control for a while".into())
            ))
        );
        assert_eq!(
            err(PutMessageStatus::UnknownError),
            Some((ResponseCode::SYSTEM_ERROR, Some("UNKNOWN_ERROR".into())))
        );
        let illegal = err(PutMessageStatus::PropertiesSizeExceeded);
        assert_eq!(
            illegal.as_ref().map(|e| e.0),
            Some(ResponseCode::MESSAGE_ILLEGAL)
        );
        let unavailable = err(PutMessageStatus::ServiceNotAvailable);
        assert_eq!(
            unavailable.map(|e| e.0),
            Some(ResponseCode::SERVICE_NOT_AVAILABLE)
        );
    }
}
