//! `QueryMessageProcessor`: QUERY_MESSAGE (by key or unique key, through the index) and
//! VIEW_MESSAGE_BY_ID (one raw record at a CommitLog offset) (Java
//! `broker/processor/QueryMessageProcessor`).

use crate::broker_error::{answer, BrokerError};
use async_trait::async_trait;
use rmq_remoting::protocol::header::broker::{
    QueryMessageRequestHeader, QueryMessageResponseHeader, ViewMessageRequestHeader,
};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use rmq_store::MessageStore;
use rmq_store::MessageStoreConfig;
use std::sync::Arc;

/// Java `MixAll.UNIQUE_MSG_QUERY_FLAG`.
pub const UNIQUE_MSG_QUERY_FLAG: &str = "_UNIQUE_KEY_QUERY";

/// What `QueryMessageProcessor` uses.
#[derive(Clone)]
pub struct QueryMessageContext {
    /// The message store.
    pub message_store: Arc<dyn MessageStore>,
    /// The store config the broker started with.
    pub message_store_config: Arc<MessageStoreConfig>,
}

/// The query processor.
pub struct QueryMessageProcessor {
    ctx: QueryMessageContext,
}

impl QueryMessageProcessor {
    /// Builds the processor.
    pub fn new(ctx: QueryMessageContext) -> Self {
        QueryMessageProcessor { ctx }
    }

    fn query_message(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let mut header: QueryMessageRequestHeader = request.decode_header()?;
        if request.ext_field(UNIQUE_MSG_QUERY_FLAG) == Some("true") {
            header.max_num = self.ctx.message_store_config.default_query_max_num;
        }
        let result = self.ctx.message_store.query_message(
            &header.topic,
            &header.key,
            header.max_num,
            header.begin_timestamp,
            header.end_timestamp,
        );
        let response_header = QueryMessageResponseHeader {
            index_last_update_timestamp: result.index_last_update_timestamp,
            index_last_update_phyoffset: result.index_last_update_phyoffset,
        };
        if result.buffer_total_size > 0 {
            // The records' mapped-file slices, written without copying (Java hands them to
            // Netty as a `QueryMessageTransfer`).
            return Ok(RemotingCommand::response_with_header(
                ResponseCode::SUCCESS,
                &response_header,
            )
            .with_body_chunks(result.message_buffers));
        }
        let mut r =
            RemotingCommand::response_with_header(ResponseCode::QUERY_NOT_FOUND, &response_header);
        r.remark = Some("can not find message, maybe time range not correct".into());
        Ok(r)
    }

    fn view_message_by_id(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: ViewMessageRequestHeader = request.decode_header()?;
        match self
            .ctx
            .message_store
            .select_one_message_by_offset(header.offset)
        {
            Some(record) => Ok(RemotingCommand::success().with_body(record)),
            None => Err(BrokerError::SystemError(format!(
                "can not find message by the offset, {}",
                header.offset
            ))),
        }
    }
}

#[async_trait]
impl RequestProcessor for QueryMessageProcessor {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        match request.request_code() {
            RequestCode::QUERY_MESSAGE => self.query_message(&request).map(Some),
            RequestCode::VIEW_MESSAGE_BY_ID => answer(self.view_message_by_id(&request)),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
#[path = "query_message_processor_tests.rs"]
mod processor_tests;
