//! `ReplyMessageProcessor`: SEND_REPLY_MESSAGE and SEND_REPLY_MESSAGE_V2, the answers of
//! request-reply calls (Java `broker/processor/ReplyMessageProcessor`).
//!
//! The reply is checked as a send is, pushed at once to the requesting producer (found by the
//! `REPLY_TO_CLIENT` property among the producer connections) with
//! PUSH_REPLY_MESSAGE_TO_CLIENT, and, with `storeReplyMessageEnable`, also stored. The
//! response tells whether the push worked.

use crate::broker_address::BrokerAddress;
use crate::broker_config::BrokerConfig;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::{answer, BrokerError};
use crate::client::net::broker2client;
use crate::client::producer_manager::ProducerManager;
use crate::processor::send_message_processor::{
    pre_send, rewrite_request_properties, SendMessageProcessor,
};
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use async_trait::async_trait;
use bytes::Bytes;
use rmq_common::message::message_const::{
    PROPERTY_MESSAGE_REPLY_TO_CLIENT, PROPERTY_PUSH_REPLY_TIME,
};
use rmq_common::message::message_decoder::{java_properties_to_string, string_to_java_properties};
use rmq_remoting::protocol::header::broker::{
    ReplyMessageRequestHeader, SendMessageRequestHeader, SendMessageResponseHeader,
};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use rmq_store::{MessageExtBrokerInner, MessageStore, PutMessageStatus};
use std::sync::Arc;

/// What `ReplyMessageProcessor` uses.
#[derive(Clone)]
pub struct ReplyMessageContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The bound address and store host.
    pub address: Arc<BrokerAddress>,
    /// The message store.
    pub message_store: Arc<dyn MessageStore>,
    /// The connected producer groups.
    pub producer_manager: Arc<ProducerManager>,
    /// The put/get counters.
    pub broker_stats_manager: Arc<BrokerStatsManager>,
    /// The topic configs (the send checks).
    pub topic_config_manager: Arc<TopicConfigManager>,
}

/// The reply processor; shares the send checks with [`SendMessageProcessor`].
pub struct ReplyMessageProcessor {
    ctx: ReplyMessageContext,
}

/// Outcome of the push to the requester (Java `PushReplyResult`).
struct PushReplyResult {
    push_ok: bool,
    remark: String,
}

impl ReplyMessageProcessor {
    /// Builds the processor.
    pub fn new(ctx: ReplyMessageContext) -> Self {
        ReplyMessageProcessor { ctx }
    }

    async fn push_reply_message(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
        body: Bytes,
    ) -> PushReplyResult {
        let c = &self.ctx;
        let born = channel.remote_addr();
        let store = c.address.store_host();
        let mut reply_header = ReplyMessageRequestHeader {
            producer_group: header.producer_group.clone(),
            topic: header.topic.clone(),
            default_topic: header.default_topic.clone(),
            default_topic_queue_nums: header.default_topic_queue_nums,
            queue_id: header.queue_id,
            sys_flag: header.sys_flag,
            born_timestamp: header.born_timestamp,
            flag: header.flag,
            properties: header.properties.clone(),
            reconsume_times: header.reconsume_times,
            unit_mode: header.unit_mode,
            born_host: format!("{}:{}", born.ip(), born.port()),
            store_host: format!("{}:{}", store.ip(), store.port()),
            store_timestamp: rmq_common::util_all::current_millis(),
        };
        let mut props = string_to_java_properties(header.properties.as_deref().unwrap_or(""));
        let Some(sender_id) = props
            .get(PROPERTY_MESSAGE_REPLY_TO_CLIENT)
            .map(str::to_string)
        else {
            tracing::warn!("{PROPERTY_MESSAGE_REPLY_TO_CLIENT} is null, can not reply message");
            return PushReplyResult {
                push_ok: false,
                remark: format!(
                    "reply message properties[{PROPERTY_MESSAGE_REPLY_TO_CLIENT}] is null"
                ),
            };
        };
        let Some(target) = c.producer_manager.find_channel(&sender_id) else {
            let remark = format!("push reply message fail, channel of <{sender_id}> not found.");
            tracing::warn!("{remark}");
            return PushReplyResult {
                push_ok: false,
                remark,
            };
        };
        props.insert(
            PROPERTY_PUSH_REPLY_TIME,
            rmq_common::util_all::current_millis().to_string(),
        );
        reply_header.properties = Some(java_properties_to_string(&props));
        let mut request = RemotingCommand::create_request_command(
            RequestCode::PUSH_REPLY_MESSAGE_TO_CLIENT,
            &reply_header,
        );
        request.body = body;
        let fail = PushReplyResult {
            push_ok: false,
            remark: format!("push reply message to {sender_id}fail."),
        };
        match broker2client::call_client(&target, request).await {
            Ok(r) if r.code == ResponseCode::SUCCESS.0 => PushReplyResult {
                push_ok: true,
                remark: String::new(),
            },
            Ok(r) => {
                tracing::warn!(
                    "push reply message to <{sender_id}> return fail, response remark: {:?}",
                    r.remark
                );
                fail
            }
            Err(e) => {
                tracing::warn!("push reply message to <{sender_id}> fail. {e}");
                fail
            }
        }
    }

    async fn process_reply_message_request(
        &self,
        bc: &BrokerConfig,
        channel: &Channel,
        request: &RemotingCommand,
        mut header: SendMessageRequestHeader,
    ) -> Result<RemotingCommand, BrokerError> {
        // Java `buildMsgContext`: the pushed and stored properties carry the broker's region
        // and trace switch, in Java's order.
        header.properties = Some(rewrite_request_properties(
            header.properties.as_deref(),
            &bc.region_id,
            bc.trace_on,
        ));
        let topic_config = pre_send(bc, &self.ctx.topic_config_manager, channel, &header)?;
        let mut queue_id = header.queue_id;
        if queue_id < 0 {
            let n = topic_config.write_queue_nums.max(1);
            queue_id = (rand::random::<u32>() % 99_999_999) as i32 % n;
        }
        let push = self
            .push_reply_message(channel, &header, request.body.clone())
            .await;
        let mut response = SendMessageProcessor::new_send_response(bc);
        let mut response_header: Option<SendMessageResponseHeader> = None;
        if push.push_ok {
            // "0" keeps clients from failing to decode the id.
            response_header = Some(SendMessageResponseHeader {
                msg_id: "0".into(),
                queue_id,
                queue_offset: 0,
                transaction_id: None,
                batch_uniq_id: None,
                recall_handle: None,
            });
        } else {
            response = BrokerError::SystemError(push.remark).apply_to(response);
        }
        if bc.store_reply_message_enable {
            if let Some(h) = self.store_reply(channel, request, &header, queue_id).await {
                response_header = Some(h);
            }
        }
        if let Some(h) = response_header {
            response.set_header(&h);
        }
        Ok(response)
    }

    /// Stores the reply (`storeReplyMessageEnable`); returns the header of a stored one.
    async fn store_reply(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
        header: &SendMessageRequestHeader,
        queue_id: i32,
    ) -> Option<SendMessageResponseHeader> {
        let c = &self.ctx;
        let msg = MessageExtBrokerInner {
            topic: header.topic.clone(),
            queue_id,
            flag: header.flag,
            body: request.body.clone(),
            properties_string: header.properties.clone().unwrap_or_default(),
            tags_code: 0,
            sys_flag: header.sys_flag,
            born_timestamp: header.born_timestamp,
            born_host: channel.remote_addr(),
            store_host: c.address.store_host(),
            reconsume_times: header.reconsume_times.unwrap_or(0),
            prepared_transaction_offset: 0,
        };
        let result = c.message_store.put_message(&msg).await;
        let put_ok = matches!(
            result.status,
            PutMessageStatus::PutOk
                | PutMessageStatus::FlushDiskTimeout
                | PutMessageStatus::FlushSlaveTimeout
                | PutMessageStatus::SlaveNotAvailable
        );
        match (put_ok, result.append_result.as_ref()) {
            (true, Some(a)) => {
                let stats = &c.broker_stats_manager;
                stats.inc_topic_put_nums(&msg.topic, i64::from(a.msg_num), 1);
                stats.inc_topic_put_size(&msg.topic, i64::from(a.wrote_bytes));
                stats.inc_broker_put_nums(&msg.topic, i64::from(a.msg_num));
                Some(SendMessageResponseHeader {
                    msg_id: a.msg_id(),
                    queue_id,
                    queue_offset: a.logics_offset,
                    transaction_id: None,
                    batch_uniq_id: None,
                    recall_handle: None,
                })
            }
            _ => {
                tracing::warn!(
                    status = result.status.java_name(),
                    "process reply message, store putMessage failed"
                );
                None
            }
        }
    }
}

#[async_trait]
impl RequestProcessor for ReplyMessageProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let header = SendMessageProcessor::parse_request_header(&request)?;
        // One config snapshot for the whole request.
        let bc = self.ctx.config.load();
        let sent = self
            .process_reply_message_request(&bc, channel, &request, header)
            .await;
        answer(sent.or_else(|e| match e {
            BrokerError::Remoting(e) => Err(BrokerError::Remoting(e)),
            e => Ok(e.apply_to(SendMessageProcessor::new_send_response(&bc))),
        }))
    }
}

#[cfg(test)]
#[path = "reply_message_processor_tests.rs"]
mod processor_tests;
