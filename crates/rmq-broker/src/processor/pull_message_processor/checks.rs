//! The checks a pull passes before the store is read (Java `PullMessageProcessor#processRequest`
//! up to `getMessage`): permissions, group, topic and queue, then the subscription from the
//! request or from the group's heartbeat, with its SQL92 filter data.

use super::{forbidden_type, PullMessageProcessor, INDEX_PERM_READ};
use crate::broker_config::BrokerConfig;
use crate::broker_error::BrokerError;
use crate::filter::consumer_filter_data::ConsumerFilterData;
use crate::filter::consumer_filter_manager::ConsumerFilterManager;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::{mix_all, perm_name, TopicConfig};
use rmq_remoting::protocol::body::heartbeat::{MessageModel, SubscriptionData};
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::protocol::header::broker::PullMessageRequestHeader;
use rmq_remoting::{Channel, RequestCode, ResponseCode};
use std::sync::Arc;

/// The subscription a pull filters with, and the group's compiled SQL92 filter if any.
pub(super) type Subscription = (Arc<SubscriptionData>, Option<Arc<ConsumerFilterData>>);

fn forbidden(remark: String, forbidden_type: i32) -> BrokerError {
    BrokerError::Forbidden {
        remark,
        forbidden_type,
    }
}

impl PullMessageProcessor {
    /// Broker and lite-pull permission, the group and the topic; returns their configs.
    pub(super) fn check_pull(
        &self,
        bc: &BrokerConfig,
        channel: &Channel,
        code: RequestCode,
        header: &PullMessageRequestHeader,
    ) -> Result<(Arc<SubscriptionGroupConfig>, Arc<TopicConfig>), BrokerError> {
        let c = &self.ctx;
        if !perm_name::is_readable(bc.broker_permission) {
            return Err(forbidden(
                format!("the broker[{}] pulling message is forbidden", bc.broker_ip1),
                forbidden_type::BROKER_FORBIDDEN,
            ));
        }
        if code == RequestCode::LITE_PULL_MESSAGE && !bc.lite_pull_message_enable {
            return Err(forbidden(
                format!(
                    "the broker[{}] for lite pull consumer is forbidden",
                    bc.broker_ip1
                ),
                forbidden_type::BROKER_FORBIDDEN,
            ));
        }
        let Some(sgc) = c
            .subscription_group_manager
            .find_subscription_group_config(&header.consumer_group)
        else {
            return Err(BrokerError::SubscriptionGroupNotExist(format!(
                "subscription group [{}] does not exist, {}",
                header.consumer_group,
                mix_all::suggest_todo("")
            )));
        };
        if !sgc.consume_enable {
            return Err(forbidden(
                format!(
                    "subscription group no permission, {}",
                    header.consumer_group
                ),
                forbidden_type::GROUP_FORBIDDEN,
            ));
        }
        let topic_config = self.check_topic(channel, header)?;
        Ok((sgc, topic_config))
    }

    /// The topic exists, is readable and has the queue.
    fn check_topic(
        &self,
        channel: &Channel,
        header: &PullMessageRequestHeader,
    ) -> Result<Arc<TopicConfig>, BrokerError> {
        let Some(topic_config) = self
            .ctx
            .topic_config_manager
            .select_topic_config(&header.topic)
        else {
            tracing::error!(topic = %header.topic, consumer = %channel.remote_addr(), "the topic not exist");
            return Err(BrokerError::TopicNotExist(format!(
                "topic[{}] not exist, apply first please! {}",
                header.topic,
                mix_all::suggest_todo("")
            )));
        };
        if !perm_name::is_readable(topic_config.perm) {
            return Err(forbidden(
                format!("the topic[{}] pulling message is forbidden", header.topic),
                forbidden_type::TOPIC_FORBIDDEN,
            ));
        }
        if header.queue_id < 0 || header.queue_id >= topic_config.read_queue_nums {
            let info = format!(
                "queueId[{}] is illegal, topic:[{}] topicConfig.readQueueNums:[{}] consumer:[{}]",
                header.queue_id,
                header.topic,
                topic_config.read_queue_nums,
                channel.remote_addr()
            );
            tracing::warn!("{info}");
            return Err(BrokerError::InvalidParameter(info));
        }
        Ok(topic_config)
    }

    /// The subscription from the request (subscription flag) or from the group's heartbeat;
    /// SQL92 needs `enablePropertyFilter`.
    pub(super) fn subscription(
        &self,
        bc: &BrokerConfig,
        header: &PullMessageRequestHeader,
        sgc: &SubscriptionGroupConfig,
    ) -> Result<Subscription, BrokerError> {
        let sub = if pull_sys_flag::has_subscription_flag(header.sys_flag) {
            subscription_from_request(header)?
        } else {
            self.subscription_from_group(header, sgc)?
        };
        if !sub.0.is_tag_type() && !bc.enable_property_filter {
            return Err(BrokerError::SystemError(format!(
                "The broker does not support consumer to filter message by {}",
                sub.0.expression_type
            )));
        }
        Ok(sub)
    }

    /// The subscription the group's heartbeat registered, and its compiled filter.
    fn subscription_from_group(
        &self,
        header: &PullMessageRequestHeader,
        sgc: &SubscriptionGroupConfig,
    ) -> Result<Subscription, BrokerError> {
        let c = &self.ctx;
        let Some(group_info) = c
            .consumer_manager
            .get_consumer_group_info(&header.consumer_group)
        else {
            tracing::warn!(group = %header.consumer_group, "the consumer's group info not exist");
            return Err(BrokerError::refused(
                ResponseCode::SUBSCRIPTION_NOT_EXIST,
                mix_all::suggest_todo("the consumer's group info not exist"),
            ));
        };
        if !sgc.consume_broadcast_enable && group_info.message_model == MessageModel::Broadcasting {
            return Err(forbidden(
                format!(
                    "the consumer group[{}] can not consume by broadcast way",
                    header.consumer_group
                ),
                forbidden_type::BROADCASTING_DISABLE_FORBIDDEN,
            ));
        }
        let forbidden_bits = c
            .subscription_group_manager
            .get_forbidden(&sgc.group_name, &header.topic);
        if forbidden_bits & (1 << INDEX_PERM_READ) != 0 {
            return Err(forbidden(
                format!(
                    "the consumer group[{}] is forbidden for topic[{}]",
                    header.consumer_group, header.topic
                ),
                forbidden_type::SUBSCRIPTION_FORBIDDEN,
            ));
        }
        let Some(sd) = group_info.subscription_table.get(&header.topic).cloned() else {
            tracing::warn!(group = %header.consumer_group, topic = %header.topic, "the consumer's subscription not exist");
            return Err(BrokerError::refused(
                ResponseCode::SUBSCRIPTION_NOT_EXIST,
                mix_all::suggest_todo("the consumer's subscription not exist"),
            ));
        };
        if sd.sub_version < header.sub_version {
            tracing::warn!(group = %header.consumer_group, sub = %sd.sub_string, "The broker's subscription is not latest");
            return Err(BrokerError::refused(
                ResponseCode::SUBSCRIPTION_NOT_LATEST,
                "the consumer's subscription not latest",
            ));
        }
        if sd.is_tag_type() {
            return Ok((sd, None));
        }
        let data = self.group_filter_data(header)?;
        Ok((sd, Some(data)))
    }

    /// The group's compiled SQL92 filter, as new as the request's `subVersion`.
    fn group_filter_data(
        &self,
        header: &PullMessageRequestHeader,
    ) -> Result<Arc<ConsumerFilterData>, BrokerError> {
        let Some(data) = self
            .ctx
            .consumer_filter_manager
            .get(&header.topic, &header.consumer_group)
        else {
            return Err(BrokerError::refused(
                ResponseCode::FILTER_DATA_NOT_EXIST,
                "The broker's consumer filter data is not exist!Your expression may be wrong!",
            ));
        };
        if data.client_version < header.sub_version {
            tracing::warn!(
                group = %header.consumer_group,
                topic = %header.topic,
                server_version = data.client_version,
                client_version = header.sub_version,
                "The broker's consumer filter data is not latest"
            );
            return Err(BrokerError::refused(
                ResponseCode::FILTER_DATA_NOT_LATEST,
                "the consumer's consumer filter data not latest",
            ));
        }
        Ok(data)
    }
}

/// The subscription the request carries; a SQL92 one is compiled here.
fn subscription_from_request(
    header: &PullMessageRequestHeader,
) -> Result<Subscription, BrokerError> {
    let expr_type = header.expression_type.as_deref().unwrap_or("TAG");
    let sub_string = header.subscription.as_deref().unwrap_or("");
    let sd = SubscriptionData::build(
        &header.topic,
        if sub_string.is_empty() {
            "*"
        } else {
            sub_string
        },
        expr_type,
    );
    if sd.is_tag_type() {
        return Ok((Arc::new(sd), None));
    }
    // Java FilterAPI.build refuses an empty expression; ConsumerFilterManager.build returns
    // null for one that does not compile (Java then only asserts).
    let data = (!sub_string.is_empty())
        .then(|| {
            ConsumerFilterManager::build(
                &header.topic,
                &header.consumer_group,
                sub_string,
                &sd.expression_type,
                header.sub_version,
            )
        })
        .flatten()
        .map(Arc::new);
    let Some(data) = data else {
        tracing::warn!(subscription = sub_string, group = %header.consumer_group, "Parse the consumer's subscription failed");
        return Err(BrokerError::refused(
            ResponseCode::SUBSCRIPTION_PARSE_FAILED,
            "parse the consumer's subscription failed",
        ));
    };
    Ok((Arc::new(sd), Some(data)))
}
