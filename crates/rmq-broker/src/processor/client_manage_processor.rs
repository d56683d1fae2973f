//! `ClientManageProcessor`: HEART_BEAT, UNREGISTER_CLIENT and CHECK_CLIENT_CONFIG (Java
//! `broker/processor/ClientManageProcessor`).
//!
//! A heartbeat registers its producer groups and consumer groups (creating the group's
//! subscription config and `%RETRY%<group>` topic; the consumer manager hands SQL92
//! subscriptions on to the `ConsumerFilterManager`, which compiles them); the answer carries
//! `IS_SUPPORT_HEART_BEAT_V2=true` and `IS_SUB_CHANGE`, which is `true` for v1 heartbeats and,
//! for v2 (non-zero fingerprint), whether a group's fingerprint changed.

use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::{answer, BrokerError};
use crate::client::client_channel_info::ClientChannelInfo;
use crate::client::consumer_manager::ConsumerManager;
use crate::client::producer_manager::ProducerManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use async_trait::async_trait;
use dashmap::DashMap;
use rmq_common::sys_flag::topic_sys_flag;
use rmq_common::{mix_all, perm_name};
use rmq_remoting::protocol::body::heartbeat::{
    CheckClientRequestBody, ConsumeType, HeartbeatData, EXPRESSION_TYPE_TAG,
};
use rmq_remoting::protocol::header::broker::UnregisterClientRequestHeader;
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use std::sync::Arc;

/// Java `MixAll.IS_SUPPORT_HEART_BEAT_V2`.
pub const IS_SUPPORT_HEART_BEAT_V2: &str = "IS_SUPPORT_HEART_BEAT_V2";
/// Java `MixAll.IS_SUB_CHANGE`.
pub const IS_SUB_CHANGE: &str = "IS_SUB_CHANGE";

/// What `ClientManageProcessor` uses.
#[derive(Clone)]
pub struct ClientManageContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The connected consumer groups.
    pub consumer_manager: Arc<ConsumerManager>,
    /// The connected producer groups.
    pub producer_manager: Arc<ProducerManager>,
    /// The topic configs.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// The subscription group configs.
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
}

/// The client management processor.
pub struct ClientManageProcessor {
    ctx: ClientManageContext,
    consumer_group_heartbeat_table: DashMap<String, i32>,
}

impl ClientManageProcessor {
    /// Builds the processor.
    pub fn new(ctx: ClientManageContext) -> Self {
        ClientManageProcessor {
            ctx,
            consumer_group_heartbeat_table: DashMap::new(),
        }
    }

    fn heart_beat(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let data: HeartbeatData = rmq_remoting::protocol::body::decode(&request.body)?;
        let info = ClientChannelInfo::new(
            channel.clone(),
            data.client_id.clone(),
            request.language,
            request.version,
        );
        let c = &self.ctx;
        let v2 = data.heartbeat_fingerprint != 0;
        let reject_pull = c.config.load().reject_pull_consumer_enable;
        let mut is_sub_change = false;
        for consumer in &data.consumer_data_set {
            if reject_pull && consumer.consume_type == ConsumeType::ConsumeActively {
                continue;
            }
            let prev = self
                .consumer_group_heartbeat_table
                .insert(consumer.group_name.clone(), data.heartbeat_fingerprint);
            if v2 && prev.is_some_and(|p| p != data.heartbeat_fingerprint) {
                is_sub_change = true;
            }
            let has_order_topic_sub = consumer
                .subscription_data_set
                .iter()
                .any(|s| c.topic_config_manager.is_order_topic(&s.topic));
            let Some(sgc) = c
                .subscription_group_manager
                .find_subscription_group_config(&consumer.group_name)
            else {
                continue;
            };
            let sys_flag = if consumer.unit_mode {
                topic_sys_flag::build_sys_flag(false, true)
            } else {
                0
            };
            c.topic_config_manager
                .create_topic_in_send_message_back_method(
                    &mix_all::get_retry_topic(&consumer.group_name),
                    sgc.retry_queue_nums,
                    perm_name::PERM_WRITE | perm_name::PERM_READ,
                    has_order_topic_sub,
                    sys_flag,
                );
            let subs = if v2 && data.without_sub {
                None
            } else {
                Some(consumer.subscription_data_set.as_slice())
            };
            let changed = c.consumer_manager.register_consumer(
                &consumer.group_name,
                info.clone(),
                consumer.consume_type,
                consumer.message_model,
                consumer.consume_from_where,
                subs,
                sgc.notify_consumer_ids_changed_enable,
            );
            if changed {
                tracing::info!(
                    sdk_address = %channel.remote_addr(),
                    group = %consumer.group_name,
                    "ClientManageProcessor: registerConsumer info changed"
                );
            }
        }
        for producer in &data.producer_data_set {
            c.producer_manager
                .register_producer(&producer.group_name, info.clone());
        }
        let mut r = RemotingCommand::success();
        r.add_ext_field(IS_SUPPORT_HEART_BEAT_V2, "true");
        r.add_ext_field(
            IS_SUB_CHANGE,
            if v2 { is_sub_change } else { true }.to_string(),
        );
        Ok(r)
    }

    fn unregister_client(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: UnregisterClientRequestHeader = request.decode_header()?;
        let info = ClientChannelInfo::new(
            channel.clone(),
            header.client_id.clone(),
            request.language,
            request.version,
        );
        let c = &self.ctx;
        if let Some(group) = &header.producer_group {
            c.producer_manager.unregister_producer(group, &info);
        }
        if let Some(group) = &header.consumer_group {
            let notify = c
                .subscription_group_manager
                .find_subscription_group_config(group)
                .map(|g| g.notify_consumer_ids_changed_enable)
                .unwrap_or(true);
            c.consumer_manager.unregister_consumer(group, &info, notify);
        }
        Ok(RemotingCommand::success())
    }

    /// Java `checkClientConfig`: TAG subscriptions pass; other types need
    /// `enablePropertyFilter` and an expression that compiles, else SUBSCRIPTION_PARSE_FAILED
    /// with the compiler's message (Java's `MQFilterException#getMessage`).
    fn check_client_config(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let body: Option<CheckClientRequestBody> = if request.body.is_empty() {
            None
        } else {
            Some(rmq_remoting::protocol::body::decode(&request.body)?)
        };
        let Some(body) = body else {
            return Ok(RemotingCommand::success());
        };
        let Some(sd) = &body.subscription_data else {
            return Ok(RemotingCommand::success());
        };
        if sd.expression_type.is_empty() || sd.expression_type == EXPRESSION_TYPE_TAG {
            return Ok(RemotingCommand::success());
        }
        if !self.ctx.config.load().enable_property_filter {
            return Err(BrokerError::SystemError(format!(
                "The broker does not support consumer to filter message by {}",
                sd.expression_type
            )));
        }
        if let Err(e) = rmq_filter::compile(&sd.expression_type, &sd.sub_string) {
            tracing::warn!(
                client_id = %body.client_id,
                group = %body.group,
                sub = %sd.sub_string,
                error = %e,
                "Client filter message, but failed to compile expression!"
            );
            return Err(BrokerError::refused(
                ResponseCode::SUBSCRIPTION_PARSE_FAILED,
                e.to_string(),
            ));
        }
        Ok(RemotingCommand::success())
    }
}

#[async_trait]
impl RequestProcessor for ClientManageProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let r = match request.request_code() {
            RequestCode::HEART_BEAT => self.heart_beat(channel, &request),
            RequestCode::UNREGISTER_CLIENT => self.unregister_client(channel, &request),
            RequestCode::CHECK_CLIENT_CONFIG => self.check_client_config(&request),
            _ => return Ok(None),
        };
        answer(r)
    }
}

#[cfg(test)]
#[path = "client_manage_processor_tests.rs"]
mod processor_tests;
