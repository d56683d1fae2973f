//! `ClientRemotingProcessor`: answers the requests brokers send to clients (Java
//! `impl/ClientRemotingProcessor`).

use crate::factory::MQClientInstance;
use async_trait::async_trait;
use rmq_common::message::message_const::PROPERTY_PRODUCER_GROUP;
use rmq_common::message::message_decoder::{self, DecodeOptions};
use rmq_remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::broker::ResetOffsetRequestHeader;
use rmq_remoting::protocol::header::client::{
    CheckTransactionStateRequestHeader, ConsumeMessageDirectlyResultRequestHeader,
    GetConsumerRunningInfoRequestHeader, NotifyConsumerIdsChangedRequestHeader,
};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use std::sync::Weak;

/// Dispatches broker-to-client requests to the instance's producers and consumers.
pub struct ClientRemotingProcessor {
    instance: Weak<MQClientInstance>,
}

impl ClientRemotingProcessor {
    /// Builds the processor of an instance.
    pub fn new(instance: Weak<MQClientInstance>) -> Self {
        ClientRemotingProcessor { instance }
    }
}

#[async_trait]
impl RequestProcessor for ClientRemotingProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let Some(inst) = self.instance.upgrade() else {
            return Ok(Some(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "client instance is shut down",
            )));
        };
        match request.request_code() {
            RequestCode::CHECK_TRANSACTION_STATE => {
                let h: CheckTransactionStateRequestHeader = request.decode_header()?;
                let (msg, _) = message_decoder::decode(&request.body, DecodeOptions::default())
                    .map_err(|e| rmq_remoting::CodecError::BadBody(e.to_string()))?;
                let group = msg.property(PROPERTY_PRODUCER_GROUP).unwrap_or_default();
                match inst.select_producer(group) {
                    Some(p) => {
                        let addr = channel.remote_addr_string();
                        tokio::spawn(async move { p.check_transaction_state(addr, msg, h).await });
                    }
                    None => {
                        tracing::debug!(
                            group,
                            "checkTransactionState, pick producer by group failed"
                        )
                    }
                }
                Ok(None)
            }
            RequestCode::NOTIFY_CONSUMER_IDS_CHANGED => {
                let h: NotifyConsumerIdsChangedRequestHeader = request.decode_header()?;
                tracing::info!(
                    client_id = inst.client_id(),
                    group = %h.consumer_group,
                    "receive broker's notification, the consumer group changed, rebalance immediately"
                );
                inst.rebalance_immediately();
                Ok(None)
            }
            RequestCode::RESET_CONSUMER_CLIENT_OFFSET => {
                let h: ResetOffsetRequestHeader = request.decode_header()?;
                let body: ResetOffsetBody = if request.body.is_empty() {
                    ResetOffsetBody::default()
                } else {
                    decode(&request.body)?
                };
                if let Some(c) = inst.select_consumer(&h.group) {
                    c.reset_offset(&h.topic, body.offset_table).await;
                }
                Ok(None)
            }
            RequestCode::GET_CONSUMER_STATUS_FROM_CLIENT => Ok(Some(
                RemotingCommand::success().with_body(&br#"{"messageQueueTable":{}}"#[..]),
            )),
            RequestCode::GET_CONSUMER_RUNNING_INFO => {
                let h: GetConsumerRunningInfoRequestHeader = request.decode_header()?;
                match inst.select_consumer(&h.consumer_group) {
                    Some(c) => {
                        let mut info = c.consumer_running_info();
                        if h.jstack_enable == Some(true) {
                            info.jstack = Some(String::new());
                        }
                        Ok(Some(RemotingCommand::success().with_body(encode(&info))))
                    }
                    None => Ok(Some(RemotingCommand::error(
                        ResponseCode::SYSTEM_ERROR,
                        format!(
                            "The Consumer Group <{}> not exist in this consumer",
                            h.consumer_group
                        ),
                    ))),
                }
            }
            RequestCode::CONSUME_MESSAGE_DIRECTLY => {
                let h: ConsumeMessageDirectlyResultRequestHeader = request.decode_header()?;
                let Some(c) = inst.select_consumer(&h.consumer_group) else {
                    return Ok(Some(RemotingCommand::error(
                        ResponseCode::SYSTEM_ERROR,
                        format!(
                            "The Consumer Group <{}> not exist in this consumer",
                            h.consumer_group
                        ),
                    )));
                };
                let (msg, _) = message_decoder::decode(&request.body, DecodeOptions::default())
                    .map_err(|e| rmq_remoting::CodecError::BadBody(e.to_string()))?;
                let r = c.consume_message_directly(msg, h.broker_name).await;
                Ok(Some(RemotingCommand::success().with_body(encode(&r))))
            }
            other => Ok(Some(RemotingCommand::error(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {} not supported", other.0),
            ))),
        }
    }
}
