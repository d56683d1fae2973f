//! `Broker2Client`: requests the broker sends to clients on their own connections (Java
//! `broker/client/net/Broker2Client`): NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE
//! (both oneway), RESET_CONSUMER_CLIENT_OFFSET, GET_CONSUMER_STATUS_FROM_CLIENT and
//! synchronous calls relayed for admin tools.

use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::BrokerError;
use crate::client::client_channel_info::ClientChannelInfo;
use crate::client::consumer_manager::ConsumerManager;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use bytes::Bytes;
use rmq_common::{mq_version, MessageQueue};
use rmq_remoting::protocol::body::get_consumer_status_body::{
    GetConsumerStatusBody, QueueOffsetTable,
};
use rmq_remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use rmq_remoting::protocol::body::reset_offset_body_for_c::{
    MessageQueueForC, ResetOffsetBodyForC,
};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::broker::ResetOffsetRequestHeader;
use rmq_remoting::protocol::header::client::{
    GetConsumerStatusRequestHeader, NotifyConsumerIdsChangedRequestHeader,
};
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestCode, ResponseCode};
use rmq_store::{BoundaryType, MessageStore};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Timeout of calls relayed to a client (Java `callClient`: 10 s).
pub const CALL_CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// What `reset_offset` and `get_consume_status` use (Java `Broker2Client`'s controller).
#[derive(Clone)]
pub struct Broker2ClientContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The message store.
    pub message_store: Arc<dyn MessageStore>,
    /// The topic configs.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// The committed consumer offsets.
    pub consumer_offset_manager: Arc<ConsumerOffsetManager>,
    /// The connected consumer groups.
    pub consumer_manager: Arc<ConsumerManager>,
}

/// Sends NOTIFY_CONSUMER_IDS_CHANGED oneway; errors are logged.
pub async fn notify_consumer_ids_changed(channel: &Channel, consumer_group: &str) {
    let header = NotifyConsumerIdsChangedRequestHeader {
        consumer_group: consumer_group.to_string(),
    };
    let request =
        RemotingCommand::create_request_command(RequestCode::NOTIFY_CONSUMER_IDS_CHANGED, &header);
    if let Err(e) = channel.invoke_oneway(request).await {
        tracing::error!(group = consumer_group, error = %e, "notifyConsumerIdsChanged exception");
    }
}

/// Sends `request` to a client and waits up to 10 s for its answer (Java `callClient`).
pub async fn call_client(
    channel: &Channel,
    request: RemotingCommand,
) -> Result<RemotingCommand, RemotingError> {
    channel.invoke(request, CALL_CLIENT_TIMEOUT).await
}

/// Sends `request` to a client oneway.
pub async fn invoke_oneway(
    channel: &Channel,
    request: RemotingCommand,
) -> Result<(), RemotingError> {
    channel.invoke_oneway(request).await
}

/// Computes new offsets of `group` on `topic` (by `timestamp`, -1 = the end; an offset only
/// moves back unless `is_force`) and tells every online consumer of the group with
/// RESET_CONSUMER_CLIENT_OFFSET, oneway (Java `Broker2Client#resetOffset`, used when
/// `useServerSideResetOffset` is off). `is_c` selects the C++ body.
pub async fn reset_offset(
    ctx: &Broker2ClientContext,
    topic: &str,
    group: &str,
    timestamp: i64,
    is_force: bool,
    is_c: bool,
) -> RemotingCommand {
    let reset = async {
        let offset_table = reset_offsets(ctx, topic, group, timestamp, is_force)?;
        let request = reset_request(topic, group, timestamp, is_c, &offset_table);
        notify_reset(ctx, topic, group, timestamp, request).await?;
        Ok::<_, BrokerError>(offset_table)
    };
    match reset.await {
        Ok(offset_table) => {
            RemotingCommand::success().with_body(encode(&ResetOffsetBody { offset_table }))
        }
        Err(e) => e.into_response(),
    }
}

/// The offset each queue of `topic` moves to for `group`.
fn reset_offsets(
    ctx: &Broker2ClientContext,
    topic: &str,
    group: &str,
    timestamp: i64,
    is_force: bool,
) -> Result<HashMap<MessageQueue, i64>, BrokerError> {
    let Some(topic_config) = ctx.topic_config_manager.select_topic_config(topic) else {
        tracing::error!(
            "[reset-offset] reset offset failed, no topic in this broker. topic={topic}"
        );
        return Err(BrokerError::TopicNotExist(format!(
            "[reset-offset] reset offset failed, no topic in this broker. topic={topic}"
        )));
    };
    let broker_name = ctx.config.load().broker_name.clone();
    let store = &ctx.message_store;
    let mut offset_table = HashMap::new();
    for i in 0..topic_config.write_queue_nums {
        let consumer_offset = ctx.consumer_offset_manager.query_offset(group, topic, i);
        if consumer_offset == -1 {
            return Err(BrokerError::SystemError(format!(
                "THe consumer group <{group}> not exist"
            )));
        }
        let mut ts_offset = if timestamp == -1 {
            store.get_max_offset_in_queue(topic, i)
        } else {
            store.get_offset_in_queue_by_time(topic, i, timestamp, BoundaryType::Lower)
        };
        if ts_offset < 0 {
            tracing::warn!(
                "reset offset is invalid. topic={topic}, queueId={i}, timeStampOffset={ts_offset}"
            );
            ts_offset = 0;
        }
        let offset = if is_force || ts_offset < consumer_offset {
            ts_offset
        } else {
            consumer_offset
        };
        offset_table.insert(MessageQueue::new(topic, broker_name.clone(), i), offset);
    }
    Ok(offset_table)
}

/// RESET_CONSUMER_CLIENT_OFFSET with the Java or the C++ body.
fn reset_request(
    topic: &str,
    group: &str,
    timestamp: i64,
    is_c: bool,
    offset_table: &HashMap<MessageQueue, i64>,
) -> RemotingCommand {
    let header = ResetOffsetRequestHeader {
        group: group.to_string(),
        topic: topic.to_string(),
        queue_id: Some(-1),
        offset: None,
        timestamp,
        is_force: false,
    };
    let mut request =
        RemotingCommand::create_request_command(RequestCode::RESET_CONSUMER_CLIENT_OFFSET, &header);
    request.body = if is_c {
        let mut list: Vec<MessageQueueForC> = offset_table
            .iter()
            .map(|(mq, offset)| MessageQueueForC {
                broker_name: mq.broker_name.clone(),
                offset: *offset,
                queue_id: mq.queue_id,
                topic: mq.topic.clone(),
            })
            .collect();
        list.sort_by_key(|q| q.queue_id);
        Bytes::from(encode(&ResetOffsetBodyForC { offset_table: list }))
    } else {
        Bytes::from(encode(&ResetOffsetBody {
            offset_table: offset_table.clone(),
        }))
    };
    request
}

/// Sends the reset to every online consumer of the group, oneway.
async fn notify_reset(
    ctx: &Broker2ClientContext,
    topic: &str,
    group: &str,
    timestamp: i64,
    request: RemotingCommand,
) -> Result<(), BrokerError> {
    let channels: Vec<ClientChannelInfo> = ctx
        .consumer_manager
        .get_consumer_group_info(group)
        .map(|g| g.channel_info_table.into_values().collect())
        .unwrap_or_default();
    if channels.is_empty() {
        let info = format!(
            "Consumer not online, so can not reset offset, Group: {group} Topic: {topic} Timestamp: {timestamp}"
        );
        tracing::error!("{info}");
        return Err(BrokerError::ConsumerNotOnline(info));
    }
    let min_version = mq_version::version_ordinal("V3_0_7_SNAPSHOT").unwrap_or(0);
    for info in channels {
        if info.version < min_version {
            let desc = mq_version::get_version_desc(info.version);
            tracing::warn!(
                "[reset-offset] the client does not support this feature. channel={}, version={desc}",
                info.channel.remote_addr()
            );
            return Err(BrokerError::SystemError(format!(
                "the client does not support this feature. version={desc}"
            )));
        }
        match invoke_oneway(&info.channel, request.clone()).await {
            Ok(()) => tracing::info!(
                "[reset-offset] reset offset success. topic={topic}, group={group}, clientId={}",
                info.client_id
            ),
            Err(e) => tracing::error!(
                "[reset-offset] reset offset exception. topic={topic}, group={group} ,error={e}"
            ),
        }
    }
    Ok(())
}

/// Asks the consumers of `group` (or only `origin_client_id`) for their consume offsets with
/// GET_CONSUMER_STATUS_FROM_CLIENT, 5 s each, and returns every answer keyed by client id
/// (Java `Broker2Client#getConsumeStatus`).
pub async fn get_consume_status(
    ctx: &Broker2ClientContext,
    topic: &str,
    group: &str,
    origin_client_id: Option<&str>,
) -> RemotingCommand {
    let header = GetConsumerStatusRequestHeader {
        topic: topic.to_string(),
        group: group.to_string(),
        client_addr: None,
    };
    let request = RemotingCommand::create_request_command(
        RequestCode::GET_CONSUMER_STATUS_FROM_CLIENT,
        &header,
    );
    let channels: Vec<ClientChannelInfo> = ctx
        .consumer_manager
        .get_consumer_group_info(group)
        .map(|g| g.channel_info_table.into_values().collect())
        .unwrap_or_default();
    if channels.is_empty() {
        return BrokerError::SystemError(format!(
            "No Any Consumer online in the consumer group: [{group}]"
        ))
        .into_response();
    }
    let origin = origin_client_id.filter(|c| !c.trim().is_empty());
    let min_version = mq_version::version_ordinal("V3_0_7_SNAPSHOT").unwrap_or(0);
    let mut consumer_table = HashMap::new();
    for info in channels {
        if info.version < min_version {
            let desc = mq_version::get_version_desc(info.version);
            tracing::warn!(
                "[get-consumer-status] the client does not support this feature. channel={}, version={desc}",
                info.channel.remote_addr()
            );
            return BrokerError::SystemError(format!(
                "the client does not support this feature. version={desc}"
            ))
            .into_response();
        }
        if origin.is_some_and(|o| o != info.client_id) {
            continue;
        }
        match info
            .channel
            .invoke(request.clone(), Duration::from_secs(5))
            .await
        {
            Ok(r) if r.code == ResponseCode::SUCCESS.0 && !r.body.is_empty() => {
                match decode::<GetConsumerStatusBody>(&r.body) {
                    Ok(body) => {
                        consumer_table.insert(
                            info.client_id.clone(),
                            QueueOffsetTable(body.message_queue_table),
                        );
                        tracing::info!(
                            "[get-consumer-status] get consumer status success. topic={topic}, group={group}, channelRemoteAddr={}",
                            info.client_id
                        );
                    }
                    Err(e) => tracing::error!(
                        "[get-consumer-status] get consumer status exception. topic={topic}, group={group}, error={e}"
                    ),
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(
                "[get-consumer-status] get consumer status exception. topic={topic}, group={group}, error={e}"
            ),
        }
        if origin.is_some() {
            break;
        }
    }
    let body = GetConsumerStatusBody {
        message_queue_table: HashMap::new(),
        consumer_table,
    };
    RemotingCommand::success().with_body(encode(&body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{code_remark, TestParts};
    use rmq_common::TopicConfig;

    #[tokio::test]
    async fn reset_offset_refusals() {
        let t = TestParts::new();
        let ctx = t.broker2client_context();
        let r = reset_offset(&ctx, "NoTopic", "g", -1, false, false).await;
        assert_eq!(
            code_remark(&r),
            (
                ResponseCode::TOPIC_NOT_EXIST.0,
                Some("[reset-offset] reset offset failed, no topic in this broker. topic=NoTopic")
            )
        );
        t.topics
            .update_topic_config(TopicConfig::with_queues("RT", 1, 1, 6));
        let r = reset_offset(&ctx, "RT", "g", -1, false, false).await;
        assert_eq!(
            code_remark(&r),
            (
                ResponseCode::SYSTEM_ERROR.0,
                Some("THe consumer group <g> not exist")
            )
        );
        t.offsets.commit_offset("127.0.0.1:5555", "g", "RT", 0, 3);
        let r = reset_offset(&ctx, "RT", "g", 0, true, false).await;
        assert_eq!(r.code, ResponseCode::CONSUMER_NOT_ONLINE.0);
        assert!(r
            .remark
            .as_deref()
            .is_some_and(|m| m.starts_with("Consumer not online, so can not reset offset")));
    }

    #[tokio::test]
    async fn consume_status_needs_an_online_consumer() {
        let t = TestParts::new();
        let r = get_consume_status(&t.broker2client_context(), "T", "g", None).await;
        assert_eq!(
            code_remark(&r),
            (
                ResponseCode::SYSTEM_ERROR.0,
                Some("No Any Consumer online in the consumer group: [g]")
            )
        );
    }

    /// Builds the context of the calls to clients from the shared parts.
    impl crate::test_support::TestParts {
        /// What the calls to clients use.
        pub(crate) fn broker2client_context(&self) -> super::Broker2ClientContext {
            super::Broker2ClientContext {
                config: self.config.clone(),
                message_store: self.dyn_store(),
                topic_config_manager: self.topics.clone(),
                consumer_offset_manager: self.offsets.clone(),
                consumer_manager: self.consumers.clone(),
            }
        }
    }
}
