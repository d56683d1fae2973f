//! CONSUMER_SEND_MSG_BACK (Java `SendMessageProcessor#consumerSendMsgBack`): puts a message
//! a consumer failed on back to `%RETRY%<group>` at delay level `3 + reconsumeTimes` (or
//! the requested level), or to `%DLQ%<group>` once it reached its maximum.

use super::{random_queue_id, SendMessageProcessor, DLQ_NUMS_PER_GROUP};
use crate::broker_config::BrokerConfig;
use crate::broker_error::BrokerError;
use crate::util::hook_utils;
use rmq_common::java_hash_map::JavaHashMap;
use rmq_common::message::message_const::*;
use rmq_common::message::message_decoder::{
    decode, decode_properties_string, java_properties_to_string, string_to_java_properties,
    DecodeOptions,
};
use rmq_common::message::MessageExt;
use rmq_common::sys_flag::topic_sys_flag;
use rmq_common::{mix_all, mq_version, perm_name};
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::protocol::header::broker::ConsumerSendMsgBackRequestHeader;
use rmq_remoting::RemotingCommand;
use rmq_store::{MessageExtBrokerInner, MessageStore, PutMessageStatus};

/// Where a message goes back to.
struct Destination {
    topic: String,
    queue_id: i32,
    is_dlq: bool,
}

impl SendMessageProcessor {
    /// CONSUMER_SEND_MSG_BACK.
    pub(super) async fn consumer_send_msg_back(
        &self,
        bc: &BrokerConfig,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: ConsumerSendMsgBackRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let Some(sgc) = c
            .subscription_group_manager
            .find_subscription_group_config(&header.group)
        else {
            return Err(BrokerError::SubscriptionGroupNotExist(
                mix_all::suggest_todo(&format!("subscription group not exist, {} ", header.group)),
            ));
        };
        if !perm_name::is_writeable(bc.broker_permission) {
            return Err(BrokerError::NoPermission(format!(
                "the broker[{}] sending message is forbidden",
                bc.broker_ip1
            )));
        }
        if sgc.retry_queue_nums <= 0 {
            return Ok(RemotingCommand::success());
        }
        self.check_retry_topic(&header, &sgc)?;
        let (msg_ext, mut props) = look_message(c.message_store.as_ref(), header.offset)?;
        let dest = self.route_back(request.version, &header, &sgc, &msg_ext, &mut props);
        let inner = self.back_message(dest.topic.clone(), dest.queue_id, &msg_ext, &mut props);
        let result = c.message_store.put_message(&inner).await;
        if result.status != PutMessageStatus::PutOk {
            return Err(BrokerError::SystemError(
                result.status.java_name().to_string(),
            ));
        }
        if dest.is_dlq {
            tracing::info!(
                dlq_topic = %dest.topic,
                original_topic = ?header.origin_topic,
                consumer_id = %header.group,
                "send msg to DLQ"
            );
        }
        let stats = &c.broker_stats_manager;
        if inner.topic == mix_all::RMQ_SYS_SCHEDULE_TOPIC {
            let wrote = result.append_result.as_ref().map_or(0, |a| a.wrote_bytes);
            stats.inc_topic_put_nums(&inner.topic, 1, 1);
            stats.inc_topic_put_size(&inner.topic, i64::from(wrote));
        }
        let back_topic = msg_ext
            .property(PROPERTY_RETRY_TOPIC)
            .map(str::to_string)
            .unwrap_or_else(|| msg_ext.topic().to_string());
        stats.inc_send_back_nums(&header.group, &back_topic);
        Ok(RemotingCommand::success())
    }

    /// Creates `%RETRY%<group>` if missing; NO_PERMISSION when it is not writable.
    fn check_retry_topic(
        &self,
        header: &ConsumerSendMsgBackRequestHeader,
        sgc: &SubscriptionGroupConfig,
    ) -> Result<(), BrokerError> {
        let retry_topic = mix_all::get_retry_topic(&header.group);
        let sys_flag_topic = if header.unit_mode.unwrap_or(false) {
            topic_sys_flag::build_sys_flag(false, true)
        } else {
            0
        };
        let tc = self
            .ctx
            .topic_config_manager
            .create_topic_in_send_message_back_method(
                &retry_topic,
                sgc.retry_queue_nums,
                perm_name::PERM_WRITE | perm_name::PERM_READ,
                false,
                sys_flag_topic,
            );
        if !perm_name::is_writeable(tc.perm) {
            return Err(BrokerError::NoPermission(format!(
                "the topic[{retry_topic}] sending message is forbidden"
            )));
        }
        Ok(())
    }

    /// Picks the retry topic or, past the maximum (or for a negative level), the DLQ, and
    /// sets the delay level and the retry/origin properties.
    fn route_back(
        &self,
        version: i32,
        header: &ConsumerSendMsgBackRequestHeader,
        sgc: &SubscriptionGroupConfig,
        msg_ext: &MessageExt,
        props: &mut JavaHashMap,
    ) -> Destination {
        if !props.contains_key(PROPERTY_RETRY_TOPIC) {
            props.insert(PROPERTY_RETRY_TOPIC, msg_ext.message.topic.clone());
        }
        props.insert(PROPERTY_WAIT_STORE_MSG_OK, "false");
        let mut delay_level = header.delay_level;
        let mut max_reconsume_times = sgc.retry_max_times;
        if version >= mq_version::V3_4_9 {
            if let Some(m) = header.max_reconsume_times {
                max_reconsume_times = m;
            }
        }
        let is_dlq = msg_ext.reconsume_times >= max_reconsume_times || delay_level < 0;
        let dest = if is_dlq {
            let topic = mix_all::get_dlq_topic(&header.group);
            self.ctx
                .topic_config_manager
                .create_topic_in_send_message_back_method(
                    &topic,
                    DLQ_NUMS_PER_GROUP,
                    perm_name::PERM_WRITE | perm_name::PERM_READ,
                    false,
                    0,
                );
            props.insert(PROPERTY_DELAY_TIME_LEVEL, "0");
            Destination {
                topic,
                queue_id: random_queue_id(DLQ_NUMS_PER_GROUP),
                is_dlq,
            }
        } else {
            if delay_level == 0 {
                delay_level = 3 + msg_ext.reconsume_times;
            }
            props.insert(PROPERTY_DELAY_TIME_LEVEL, delay_level.to_string());
            Destination {
                topic: mix_all::get_retry_topic(&header.group),
                queue_id: random_queue_id(sgc.retry_queue_nums),
                is_dlq,
            }
        };
        // Java `setOriginMessageId` puts it whether or not it was there.
        let origin = props
            .get(PROPERTY_ORIGIN_MESSAGE_ID)
            .filter(|v| !v.trim().is_empty())
            .map_or_else(|| msg_ext.msg_id.clone(), str::to_string);
        props.insert(PROPERTY_ORIGIN_MESSAGE_ID, origin);
        dest
    }

    /// The message to put: the original one, parked in its delay level.
    fn back_message(
        &self,
        mut topic: String,
        mut queue_id: i32,
        msg_ext: &MessageExt,
        props: &mut JavaHashMap,
    ) -> MessageExtBrokerInner {
        let c = &self.ctx;
        let max_level = c.schedule_message_service.max_delay_level();
        hook_utils::handle_schedule_message(
            msg_ext.sys_flag,
            &mut topic,
            &mut queue_id,
            props,
            max_level,
        );
        MessageExtBrokerInner {
            topic,
            queue_id,
            flag: msg_ext.message.flag,
            body: msg_ext.message.body.clone(),
            properties_string: java_properties_to_string(props),
            tags_code: 0,
            sys_flag: msg_ext.sys_flag,
            born_timestamp: msg_ext.born_timestamp,
            born_host: msg_ext.born_host,
            store_host: c.address.store_host(),
            reconsume_times: msg_ext.reconsume_times + 1,
            prepared_transaction_offset: 0,
        }
    }
}

/// Java `lookMessageByOffset`: the record decoded, its properties in a Java map.
fn look_message(
    store: &dyn MessageStore,
    offset: i64,
) -> Result<(MessageExt, JavaHashMap), BrokerError> {
    let record = store.select_one_message_by_offset(offset);
    let decoded = record.as_deref().and_then(|r| {
        let options = DecodeOptions {
            read_body: true,
            decompress_body: false,
        };
        let (msg, _) = decode(r, options).ok()?;
        let props = string_to_java_properties(&decode_properties_string(r).ok()?);
        Some((msg, props))
    });
    decoded
        .ok_or_else(|| BrokerError::SystemError(format!("look message by offset failed, {offset}")))
}
