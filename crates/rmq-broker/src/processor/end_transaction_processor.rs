//! `EndTransactionProcessor`: END_TRANSACTION (Java `broker/processor/EndTransactionProcessor`).
//! Transactional messages are not served yet, so the code is answered
//! REQUEST_CODE_NOT_SUPPORTED (nothing is sent for the oneway requests Java producers use).

use crate::broker_error::{answer, BrokerError};
use async_trait::async_trait;
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestProcessor};

/// The end-transaction processor.
#[derive(Debug, Default)]
pub struct EndTransactionProcessor;

impl EndTransactionProcessor {
    /// Builds the processor.
    pub fn new() -> Self {
        EndTransactionProcessor
    }
}

#[async_trait]
impl RequestProcessor for EndTransactionProcessor {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        answer(Err(BrokerError::RequestCodeNotSupported(format!(
            " request type {} not supported",
            request.code
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::{RequestCode, ResponseCode};

    #[tokio::test]
    async fn end_transaction_is_not_supported() {
        let (ch, _rx) = Channel::detached("127.0.0.1:5555".parse().unwrap());
        let r = RemotingCommand::create_request_command(
            RequestCode::END_TRANSACTION,
            &rmq_remoting::protocol::header::broker::CreateTopicListRequestHeader::default(),
        );
        let r = EndTransactionProcessor::new()
            .process_request(&ch, r)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED.0);
        assert_eq!(r.remark.as_deref(), Some(" request type 37 not supported"));
    }
}
