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
