//! Java `AbstractSendMessageProcessor#msgCheck` and `preSend`: the checks a send (or a
//! reply) passes before it is stored, auto-creating the topic from the default topic.

use crate::broker_config::BrokerConfig;
use crate::broker_error::BrokerError;
use crate::topic::topic_config_manager::TopicConfigManager;
use rmq_common::sys_flag::topic_sys_flag;
use rmq_common::{mix_all, perm_name, topic_validator, TopicConfig};
use rmq_remoting::protocol::header::broker::SendMessageRequestHeader;
use rmq_remoting::Channel;
use std::sync::Arc;

/// Java `preSend`: the start-time gate and `msgCheck`; returns the topic config.
pub(crate) fn pre_send(
    bc: &BrokerConfig,
    topics: &TopicConfigManager,
    channel: &Channel,
    header: &SendMessageRequestHeader,
) -> Result<Arc<TopicConfig>, BrokerError> {
    let start = bc.start_accept_send_request_time_stamp;
    if rmq_common::util_all::current_millis() < start {
        return Err(BrokerError::SystemError(format!(
            "broker unable to service, until {}",
            rmq_common::util_all::time_millis_to_human_string2(start)
        )));
    }
    msg_check(bc, topics, channel, header)
}

/// Java `msgCheck`: broker and topic permission, topic name, queue id.
fn msg_check(
    bc: &BrokerConfig,
    topics: &TopicConfigManager,
    channel: &Channel,
    header: &SendMessageRequestHeader,
) -> Result<Arc<TopicConfig>, BrokerError> {
    if !perm_name::is_writeable(bc.broker_permission) && topics.is_order_topic(&header.topic) {
        return Err(BrokerError::NoPermission(format!(
            "the broker[{}] sending message is forbidden",
            bc.broker_ip1
        )));
    }
    topic_validator::validate_topic(&header.topic).map_err(BrokerError::InvalidParameter)?;
    if topic_validator::is_not_allowed_send_topic(&header.topic) {
        return Err(BrokerError::NoPermission(format!(
            "Sending message to topic[{}] is forbidden.",
            header.topic
        )));
    }
    let remote = channel.remote_addr_string();
    let topic_config = match topics.select_topic_config(&header.topic) {
        Some(tc) => tc,
        None => create_topic(topics, header, &remote)?,
    };
    // Java relies on routes (which omit non-writable queues); a direct send to a topic
    // without write permission is refused here as the send-back path refuses it.
    if !perm_name::is_writeable(topic_config.perm) {
        return Err(BrokerError::NoPermission(format!(
            "the topic[{}] sending message is forbidden",
            header.topic
        )));
    }
    let id_valid = topic_config
        .write_queue_nums
        .max(topic_config.read_queue_nums);
    if header.queue_id >= id_valid {
        let info = format!(
            "request queueId[{}] is illegal, {} Producer: {}",
            header.queue_id, topic_config, remote
        );
        tracing::warn!("{info}");
        return Err(BrokerError::InvalidParameter(info));
    }
    Ok(topic_config)
}

/// Creates a missing topic from the default topic (or, for a retry topic, as the send-back
/// path does); TOPIC_NOT_EXIST when neither applies.
fn create_topic(
    topics: &TopicConfigManager,
    header: &SendMessageRequestHeader,
    remote: &str,
) -> Result<Arc<TopicConfig>, BrokerError> {
    let mut sys_flag = 0;
    if header.unit_mode.unwrap_or(false) {
        sys_flag = if mix_all::is_retry_topic(&header.topic) {
            topic_sys_flag::build_sys_flag(false, true)
        } else {
            topic_sys_flag::build_sys_flag(true, false)
        };
    }
    tracing::warn!(topic = %header.topic, producer = %remote, "the topic not exist");
    let created = topics.create_topic_in_send_message_method(
        &header.topic,
        &header.default_topic,
        remote,
        header.default_topic_queue_nums,
        sys_flag,
    );
    let created = created.or_else(|| {
        mix_all::is_retry_topic(&header.topic).then(|| {
            topics.create_topic_in_send_message_back_method(
                &header.topic,
                1,
                perm_name::PERM_WRITE | perm_name::PERM_READ,
                false,
                sys_flag,
            )
        })
    });
    created.ok_or_else(|| {
        BrokerError::TopicNotExist(mix_all::suggest_todo(&format!(
            "topic[{}] not exist, apply first please!",
            header.topic
        )))
    })
}
