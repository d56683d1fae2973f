//! `EndTransactionProcessor`: END_TRANSACTION (Java `broker/processor/EndTransactionProcessor`).
//! A slave answers SLAVE_NOT_AVAILABLE, as Java does; on a master transactional messages are
//! not served yet, so the code is answered REQUEST_CODE_NOT_SUPPORTED (nothing is sent for the
//! oneway requests Java producers use).

use crate::broker_error::{answer, BrokerError};
use async_trait::async_trait;
use rmq_remoting::protocol::header::broker::EndTransactionRequestHeader;
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestProcessor, ResponseCode};
use rmq_store::BrokerRole;

/// The end-transaction processor.
#[derive(Debug)]
pub struct EndTransactionProcessor {
    broker_role: BrokerRole,
}

impl EndTransactionProcessor {
    /// Builds the processor for a broker of `broker_role`.
    pub fn new(broker_role: BrokerRole) -> Self {
        EndTransactionProcessor { broker_role }
    }
}

#[async_trait]
impl RequestProcessor for EndTransactionProcessor {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let _header: EndTransactionRequestHeader = request.decode_header()?;
        if self.broker_role == BrokerRole::Slave {
            tracing::warn!("Message store is slave mode, so end transaction is forbidden. ");
            return Ok(Some(RemotingCommand::create_response_command(
                ResponseCode::SLAVE_NOT_AVAILABLE,
                None,
            )));
        }
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

    fn request() -> RemotingCommand {
        let h = EndTransactionRequestHeader {
            producer_group: "pg".into(),
            msg_id: "id".into(),
            commit_or_rollback: 8,
            ..Default::default()
        };
        RemotingCommand::create_request_command(RequestCode::END_TRANSACTION, &h)
    }

    async fn call(role: BrokerRole, r: RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let (ch, _rx) = Channel::detached("127.0.0.1:5555".parse().unwrap());
        Ok(EndTransactionProcessor::new(role)
            .process_request(&ch, r)
            .await?
            .unwrap())
    }

    #[tokio::test]
    async fn end_transaction_is_not_supported_on_a_master() {
        let r = call(BrokerRole::AsyncMaster, request()).await.unwrap();
        assert_eq!(r.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED.0);
        assert_eq!(r.remark.as_deref(), Some(" request type 37 not supported"));
    }

    #[tokio::test]
    async fn a_slave_answers_slave_not_available() {
        let r = call(BrokerRole::Slave, request()).await.unwrap();
        assert_eq!(
            (r.code, r.remark),
            (ResponseCode::SLAVE_NOT_AVAILABLE.0, None)
        );
        // A header that does not decode is refused before the role check, as Java does.
        let bad = RemotingCommand::new_request(RequestCode::END_TRANSACTION);
        assert!(call(BrokerRole::Slave, bad).await.is_err());
    }
}
