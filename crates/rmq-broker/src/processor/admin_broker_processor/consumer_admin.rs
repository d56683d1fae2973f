//! The consumer-side admin codes of [`AdminBrokerProcessor`]: subscription groups, client
//! connections, consume stats, offset reset and clone, and calls relayed to consumers.

use super::answer_budget::{too_large, AnswerBudget};
use super::AdminBrokerProcessor;
use crate::broker_error::BrokerError;
use crate::client::net::broker2client;
use rmq_common::message::message_decoder::decode_message_id;
use rmq_common::{mq_version, ConfigManager, MessageQueue};
use rmq_remoting::protocol::body::connection::Connection;
use rmq_remoting::protocol::body::consume_stats::{ConsumeStats, OffsetWrapper};
use rmq_remoting::protocol::body::consume_stats_list::ConsumeStatsList;
use rmq_remoting::protocol::body::consumer_connection::ConsumerConnection;
use rmq_remoting::protocol::body::group_list::GroupList;
use rmq_remoting::protocol::body::heartbeat::SubscriptionData;
use rmq_remoting::protocol::body::producer_connection::ProducerConnection;
use rmq_remoting::protocol::body::producer_table_info::{ProducerInfo, ProducerTableInfo};
use rmq_remoting::protocol::body::query_consume_time_span_body::{
    QueryConsumeTimeSpanBody, QueueTimeSpan,
};
use rmq_remoting::protocol::body::query_correction_offset_body::QueryCorrectionOffsetBody;
use rmq_remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use rmq_remoting::protocol::body::route::TopicList;
use rmq_remoting::protocol::body::subscription_group_config::{
    SubscriptionGroupConfig, SubscriptionGroupWrapper,
};
use rmq_remoting::protocol::body::subscription_group_list::SubscriptionGroupList;
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::broker::{
    CloneGroupOffsetRequestHeader, DeleteSubscriptionGroupRequestHeader,
    GetConsumeStatsInBrokerHeader, GetConsumeStatsRequestHeader,
    GetConsumerConnectionListRequestHeader, GetProducerConnectionListRequestHeader,
    GetSubscriptionGroupConfigRequestHeader, QueryConsumeTimeSpanRequestHeader,
    QueryCorrectionOffsetHeader, QuerySubscriptionByConsumerRequestHeader,
    QueryTopicConsumeByWhoRequestHeader, QueryTopicsByConsumerRequestHeader,
    ResetOffsetRequestHeader, UpdateGroupForbiddenRequestHeader,
};
use rmq_remoting::protocol::header::client::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumerRunningInfoRequestHeader,
    GetConsumerStatusRequestHeader,
};
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestCode, ResponseCode};
use rmq_store::BoundaryType;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Java `PermName.INDEX_PERM_READ`.
const INDEX_PERM_READ: u32 = 2;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QuerySubscriptionResponseBody<'a> {
    subscription_data: Option<&'a SubscriptionData>,
    group: &'a str,
    topic: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupForbidden<'a> {
    topic: &'a str,
    group: &'a str,
    readable: bool,
}

impl AdminBrokerProcessor {
    /// Serves the consumer-side codes; `None` for a code it does not know.
    pub(super) async fn process_consumer_admin(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<Option<RemotingCommand>, BrokerError> {
        if let Some(r) = self.process_group_admin(channel, request)? {
            return Ok(Some(r));
        }
        if let Some(r) = self.process_offset_admin(request)? {
            return Ok(Some(r));
        }
        self.process_client_admin(channel, request).await
    }

    /// The subscription group codes.
    fn process_group_admin(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<Option<RemotingCommand>, BrokerError> {
        let r = match request.request_code() {
            RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP => {
                let config: SubscriptionGroupConfig = decode(&request.body)?;
                tracing::info!(caller = %channel.remote_addr(), group = %config.group_name, "AdminBrokerProcessor#updateAndCreateSubscriptionGroup called");
                self.ctx
                    .subscription_group_manager
                    .update_subscription_group_config(config);
                RemotingCommand::success()
            }
            RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST => {
                let list: SubscriptionGroupList = decode(&request.body)?;
                self.ctx
                    .subscription_group_manager
                    .update_subscription_group_config_list(list.group_config_list);
                RemotingCommand::success()
            }
            RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG => {
                let m = &self.ctx.subscription_group_manager;
                let body = SubscriptionGroupWrapper {
                    subscription_group_table: m.subscription_group_table(),
                    data_version: m.data_version(),
                };
                RemotingCommand::success().with_body(encode(&body))
            }
            RequestCode::DELETE_SUBSCRIPTIONGROUP => {
                let h: DeleteSubscriptionGroupRequestHeader = request.decode_header()?;
                tracing::info!(caller = %channel.remote_addr(), group = %h.group_name, "AdminBrokerProcessor#deleteSubscriptionGroup");
                self.ctx
                    .subscription_group_manager
                    .delete_subscription_group_config(&h.group_name);
                if h.clean_offset.unwrap_or(false) {
                    self.ctx
                        .consumer_offset_manager
                        .remove_offset(&h.group_name);
                }
                if self.ctx.config.load().auto_delete_unused_stats {
                    self.ctx
                        .broker_stats_manager
                        .on_group_deleted(&h.group_name);
                }
                RemotingCommand::success()
            }
            RequestCode::GET_SUBSCRIPTIONGROUP_CONFIG => {
                let h: GetSubscriptionGroupConfigRequestHeader = request.decode_header()?;
                match self
                    .ctx
                    .subscription_group_manager
                    .find_subscription_group_config(&h.group)
                {
                    Some(g) => RemotingCommand::success().with_body(encode(&*g)),
                    None => {
                        BrokerError::SubscriptionGroupNotExist("No group in this broker".into())
                            .into_response()
                    }
                }
            }
            RequestCode::UPDATE_AND_GET_GROUP_FORBIDDEN => {
                let h: UpdateGroupForbiddenRequestHeader = request.decode_header()?;
                let m = &self.ctx.subscription_group_manager;
                if let Some(readable) = h.readable {
                    m.update_forbidden(&h.group, &h.topic, INDEX_PERM_READ, !readable);
                }
                let readable = m.get_forbidden(&h.group, &h.topic) & (1 << INDEX_PERM_READ) == 0;
                let body = GroupForbidden {
                    topic: &h.topic,
                    group: &h.group,
                    readable,
                };
                RemotingCommand::success()
                    .with_remark("")
                    .with_body(encode(&body))
            }
            _ => return Ok(None),
        };
        Ok(Some(r))
    }

    /// The connection, consume statistics and offset codes.
    fn process_offset_admin(
        &self,
        request: &RemotingCommand,
    ) -> Result<Option<RemotingCommand>, BrokerError> {
        let r = match request.request_code() {
            RequestCode::GET_CONSUMER_CONNECTION_LIST => {
                self.get_consumer_connection_list(request)?
            }
            RequestCode::GET_PRODUCER_CONNECTION_LIST => {
                self.get_producer_connection_list(request)?
            }
            RequestCode::GET_ALL_PRODUCER_INFO => self.get_all_producer_info(),
            RequestCode::GET_CONSUME_STATS => self.get_consume_stats(request)?,
            RequestCode::GET_BROKER_CONSUME_STATS => {
                self.fetch_all_consume_stats_in_broker(request)?
            }
            RequestCode::GET_ALL_CONSUMER_OFFSET => {
                let body = self.ctx.consumer_offset_manager.encode(false);
                RemotingCommand::success().with_body(body.into_bytes())
            }
            RequestCode::GET_ALL_DELAY_OFFSET => {
                let body = self.ctx.schedule_message_service.encode(false);
                RemotingCommand::success().with_body(body.into_bytes())
            }
            RequestCode::QUERY_TOPIC_CONSUME_BY_WHO => {
                let h: QueryTopicConsumeByWhoRequestHeader = request.decode_header()?;
                let mut groups: BTreeSet<String> = self
                    .ctx
                    .consumer_manager
                    .query_topic_consume_by_who(&h.topic)
                    .into_iter()
                    .collect();
                groups.extend(
                    self.ctx
                        .consumer_offset_manager
                        .which_group_by_topic(&h.topic),
                );
                RemotingCommand::success().with_body(encode(&GroupList { group_list: groups }))
            }
            RequestCode::QUERY_TOPICS_BY_CONSUMER => {
                let h: QueryTopicsByConsumerRequestHeader = request.decode_header()?;
                let topics = self
                    .ctx
                    .consumer_offset_manager
                    .which_topic_by_consumer(&h.group);
                let body = TopicList {
                    topic_list: topics.into_iter().collect(),
                    broker_addr: Some(self.ctx.address.broker_addr()),
                };
                RemotingCommand::success().with_body(encode(&body))
            }
            RequestCode::QUERY_SUBSCRIPTION_BY_CONSUMER => {
                let h: QuerySubscriptionByConsumerRequestHeader = request.decode_header()?;
                let topic = h.topic.clone().unwrap_or_default();
                let sd = self
                    .ctx
                    .consumer_manager
                    .find_subscription_data(&h.group, &topic);
                let body = QuerySubscriptionResponseBody {
                    subscription_data: sd.as_deref(),
                    group: &h.group,
                    topic: &topic,
                };
                RemotingCommand::success().with_body(encode(&body))
            }
            RequestCode::QUERY_CONSUME_TIME_SPAN => self.query_consume_time_span(request)?,
            RequestCode::QUERY_CORRECTION_OFFSET => self.query_correction_offset(request)?,
            RequestCode::CLONE_GROUP_OFFSET => self.clone_group_offset(request)?,
            _ => return Ok(None),
        };
        Ok(Some(r))
    }

    /// The codes relayed to the clients of a group.
    async fn process_client_admin(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<Option<RemotingCommand>, BrokerError> {
        let r = match request.request_code() {
            RequestCode::INVOKE_BROKER_TO_GET_CONSUMER_STATUS => {
                let h: GetConsumerStatusRequestHeader = request.decode_header()?;
                tracing::info!(
                    "[get-consumer-status] get consumer status by {}. topic={}, group={}",
                    channel.remote_addr(),
                    h.topic,
                    h.group
                );
                broker2client::get_consume_status(
                    &self.ctx.broker2client,
                    &h.topic,
                    &h.group,
                    h.client_addr.as_deref(),
                )
                .await
            }
            RequestCode::INVOKE_BROKER_TO_RESET_OFFSET => {
                let server_side = self.ctx.config.load().use_server_side_reset_offset;
                if server_side {
                    self.reset_offset(channel, request)?
                } else {
                    let h: ResetOffsetRequestHeader = request.decode_header()?;
                    tracing::info!(caller = %channel.remote_addr(), topic = %h.topic, group = %h.group, timestamp = h.timestamp, is_force = h.is_force, "[reset-offset] reset offset started");
                    let is_c = request.language == rmq_remoting::LanguageCode::CPP;
                    broker2client::reset_offset(
                        &self.ctx.broker2client,
                        &h.topic,
                        &h.group,
                        h.timestamp,
                        h.is_force,
                        is_c,
                    )
                    .await
                }
            }
            RequestCode::GET_CONSUMER_RUNNING_INFO => {
                let h: GetConsumerRunningInfoRequestHeader = request.decode_header()?;
                self.call_consumer(
                    RequestCode::GET_CONSUMER_RUNNING_INFO,
                    request,
                    &h.consumer_group,
                    &h.client_id,
                )
                .await
            }
            RequestCode::CONSUME_MESSAGE_DIRECTLY => self.consume_message_directly(request).await?,
            _ => return Ok(None),
        };
        Ok(Some(r))
    }

    fn connection_of(info: &crate::client::client_channel_info::ClientChannelInfo) -> Connection {
        Connection {
            client_id: info.client_id.clone(),
            client_addr: info.channel.remote_addr_string(),
            language: info.language.name().to_string(),
            version: info.version,
        }
    }

    fn get_consumer_connection_list(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: GetConsumerConnectionListRequestHeader = request.decode_header()?;
        let Some(info) = self
            .ctx
            .consumer_manager
            .get_consumer_group_info(&h.consumer_group)
        else {
            return Err(BrokerError::ConsumerNotOnline(format!(
                "the consumer group[{}] not online",
                h.consumer_group
            )));
        };
        let body = ConsumerConnection {
            connection_set: info
                .channel_info_table
                .values()
                .map(Self::connection_of)
                .collect(),
            subscription_table: info
                .subscription_table
                .iter()
                .map(|(k, v)| (k.clone(), (**v).clone()))
                .collect(),
            consume_type: Some(info.consume_type),
            message_model: Some(info.message_model),
            consume_from_where: Some(info.consume_from_where),
        };
        Ok(RemotingCommand::success().with_body(encode(&body)))
    }

    fn get_producer_connection_list(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: GetProducerConnectionListRequestHeader = request.decode_header()?;
        let members = self.ctx.producer_manager.group_channels(&h.producer_group);
        if members.is_empty() {
            return Err(BrokerError::SystemError(format!(
                "the producer group[{}] not exist",
                h.producer_group
            )));
        }
        let body = ProducerConnection {
            connection_set: members.iter().map(Self::connection_of).collect(),
        };
        Ok(RemotingCommand::success().with_body(encode(&body)))
    }

    fn get_all_producer_info(&self) -> RemotingCommand {
        let data = self
            .ctx
            .producer_manager
            .producer_table()
            .into_iter()
            .map(|(group, members)| {
                let infos = members
                    .iter()
                    .map(|m| ProducerInfo {
                        client_id: m.client_id.clone(),
                        remote_ip: format!("/{}", m.channel.remote_addr()),
                        language: m.language.name().to_string(),
                        version: m.version,
                        last_update_timestamp: m.last_update_timestamp(),
                    })
                    .collect();
                (group, infos)
            })
            .collect();
        RemotingCommand::success().with_body(encode(&ProducerTableInfo { data }))
    }

    /// Java `getTopicsForCollectingConsumeStats`.
    fn topics_for_consume_stats(&self, h: &GetConsumeStatsRequestHeader) -> BTreeSet<String> {
        let c = &self.ctx;
        let list: Vec<String> = h
            .topic_list
            .as_deref()
            .unwrap_or("")
            .split(';')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        if !list.is_empty() {
            return list.into_iter().collect();
        }
        let mut topics: BTreeSet<String> = match h.topic.as_deref().filter(|t| !t.trim().is_empty())
        {
            Some(t) => [t.to_string()].into(),
            None => c
                .consumer_offset_manager
                .which_topic_by_consumer(&h.consumer_group)
                .into_iter()
                .collect(),
        };
        let count = c
            .consumer_manager
            .find_subscription_data_count(&h.consumer_group);
        topics.retain(|t| {
            count == 0
                || c.consumer_manager
                    .find_subscription_data(&h.consumer_group, t)
                    .is_some()
        });
        topics
    }

    fn offset_wrapper(
        &self,
        group: &str,
        topic: &str,
        queue_id: i32,
        with_pull: bool,
    ) -> OffsetWrapper {
        let c = &self.ctx;
        let store = &c.message_store;
        let broker_offset = store.get_max_offset_in_queue(topic, queue_id).max(0);
        let consumer_offset = c
            .consumer_offset_manager
            .query_offset(group, topic, queue_id)
            .max(0);
        let pull_offset = if with_pull {
            consumer_offset.max(
                c.consumer_offset_manager
                    .query_pull_offset(group, topic, queue_id),
            )
        } else {
            0
        };
        let mut last_timestamp = 0;
        if consumer_offset > 0 {
            let ts = store.get_message_store_timestamp(topic, queue_id, consumer_offset - 1);
            if ts > 0 {
                last_timestamp = ts;
            }
        }
        OffsetWrapper {
            broker_offset,
            consumer_offset,
            pull_offset,
            last_timestamp,
        }
    }

    /// Adds the offsets of a group's queues `0..queues` of a topic within `budget`; false
    /// when they do not fit (see [`AnswerBudget`]).
    fn add_queue_offsets(
        &self,
        stats: &mut ConsumeStats,
        budget: &mut AnswerBudget,
        group: &str,
        topic: &str,
        queues: i32,
        with_pull: bool,
    ) -> bool {
        let broker_name = self.ctx.config.load().broker_name.clone();
        let smallest = AnswerBudget::entry_len(
            &MessageQueue::new(topic, broker_name.clone(), 0),
            &OffsetWrapper::default(),
        );
        if !budget.can_fit(queues.max(0) as usize, smallest) {
            return false;
        }
        for i in 0..queues {
            let mq = MessageQueue::new(topic, broker_name.clone(), i);
            let offsets = self.offset_wrapper(group, topic, i, with_pull);
            if !budget.take_entry(&mq, &offsets) {
                return false;
            }
            stats.offset_table.insert(mq, offsets);
        }
        true
    }

    fn get_consume_stats(&self, request: &RemotingCommand) -> Result<RemotingCommand, BrokerError> {
        let h: GetConsumeStatsRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let mut stats = ConsumeStats::default();
        let mut budget = AnswerBudget::frame();
        for topic in self.topics_for_consume_stats(&h) {
            let Some(tc) = c.topic_config_manager.select_topic_config(&topic) else {
                tracing::warn!(
                    topic,
                    "AdminBrokerProcessor#getConsumeStats: topic config does not exist"
                );
                continue;
            };
            if !self.add_queue_offsets(
                &mut stats,
                &mut budget,
                &h.consumer_group,
                &topic,
                tc.read_queue_nums,
                true,
            ) {
                let subject = format!("consumer group[{}] on topic[{topic}]", h.consumer_group);
                let queues = format!("{} queues", tc.read_queue_nums);
                return Ok(too_large(&subject, &queues));
            }
            stats.consume_tps += c
                .broker_stats_manager
                .tps_group_get_nums(&h.consumer_group, &topic);
        }
        Ok(RemotingCommand::success().with_body(encode(&stats)))
    }

    fn fetch_all_consume_stats_in_broker(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: GetConsumeStatsInBrokerHeader = request.decode_header()?;
        let c = &self.ctx;
        let mut budget = AnswerBudget::frame();
        let mut list = ConsumeStatsList {
            broker_addr: c.address.broker_addr(),
            ..Default::default()
        };
        for group in c
            .subscription_group_manager
            .subscription_group_table()
            .into_keys()
        {
            let mut per_group = Vec::new();
            for topic in c.consumer_offset_manager.which_topic_by_consumer(&group) {
                let Some(tc) = c.topic_config_manager.select_topic_config(&topic) else {
                    continue;
                };
                if h.is_order && !tc.order {
                    continue;
                }
                if c.consumer_manager
                    .find_subscription_data(&group, &topic)
                    .is_none()
                    && c.consumer_manager.find_subscription_data_count(&group) > 0
                {
                    continue;
                }
                let mut stats = ConsumeStats::default();
                if !self.add_queue_offsets(
                    &mut stats,
                    &mut budget,
                    &group,
                    &topic,
                    tc.write_queue_nums,
                    false,
                ) {
                    let subject = format!("the consume stats of group[{group}]");
                    let queues = format!("{} queues", tc.write_queue_nums);
                    return Ok(too_large(&subject, &queues));
                }
                stats.consume_tps += c.broker_stats_manager.tps_group_get_nums(&group, &topic);
                list.total_diff += stats.compute_total_diff();
                list.total_inflight_diff += stats.compute_inflight_total_diff();
                per_group.push(stats);
            }
            list.consume_stats_list
                .push(BTreeMap::from([(group, per_group)]));
        }
        Ok(RemotingCommand::success().with_body(encode(&list)))
    }

    /// INVOKE_BROKER_TO_RESET_OFFSET with Java's server-side reset (5.x
    /// `useServerSideResetOffset`, default on): the next pull of each queue answers
    /// PULL_OFFSET_MOVED with the new offset.
    fn reset_offset(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: ResetOffsetRequestHeader = request.decode_header()?;
        tracing::info!(caller = %channel.remote_addr(), topic = %h.topic, group = %h.group, timestamp = h.timestamp, is_force = h.is_force, "[reset-offset] reset offset started");
        let c = &self.ctx;
        if c.role.is_slave() {
            return Err(BrokerError::SystemError(
                "Can not reset offset in slave broker".into(),
            ));
        }
        let Some(tc) = c.topic_config_manager.select_topic_config(&h.topic) else {
            return Err(BrokerError::TopicNotExist(format!(
                "Topic {} does not exist",
                h.topic
            )));
        };
        if !c
            .subscription_group_manager
            .contains_subscription_group(&h.group)
        {
            return Err(BrokerError::SubscriptionGroupNotExist(format!(
                "Group {} does not exist",
                h.group
            )));
        }
        let store = &c.message_store;
        let search = |qid: i32| {
            if h.timestamp < 0 {
                store.get_max_offset_in_queue(&h.topic, qid)
            } else {
                store.get_offset_in_queue_by_time(&h.topic, qid, h.timestamp, BoundaryType::Lower)
            }
        };
        let mut queue_offsets = BTreeMap::new();
        let queue_id = h.queue_id.unwrap_or(-1);
        if queue_id >= 0 {
            let offset = match h.offset.filter(|o| *o != -1) {
                Some(o) => {
                    let min = store.get_min_offset_in_queue(&h.topic, queue_id);
                    let max = store.get_max_offset_in_queue(&h.topic, queue_id);
                    if (min >= 0 && o < min) || o > max + 1 {
                        return Err(BrokerError::SystemError(format!(
                            "Target offset {o} not in consume queue range [{min}-{max}]"
                        )));
                    }
                    o
                }
                None => search(queue_id),
            };
            queue_offsets.insert(queue_id, offset);
        } else {
            let smallest = AnswerBudget::entry_len(&MessageQueue::new(&*h.topic, "", 0), &0i64);
            if !AnswerBudget::frame().can_fit(tc.read_queue_nums.max(0) as usize, smallest) {
                let subject = format!("the offset reset of topic[{}]", h.topic);
                let queues = format!("{} queues", tc.read_queue_nums);
                return Ok(too_large(&subject, &queues));
            }
            for i in 0..tc.read_queue_nums {
                queue_offsets.insert(i, search(i));
            }
        }
        if queue_offsets.is_empty() {
            return Err(BrokerError::SystemError("No queues to reset.".into()));
        }
        let broker_name = c.config.load().broker_name.clone();
        // The answer lists every queue: it must fit before any offset is reset.
        let mut budget = AnswerBudget::frame();
        let mut body = ResetOffsetBody::default();
        for (&qid, &offset) in &queue_offsets {
            let mq = MessageQueue::new(h.topic.clone(), broker_name.clone(), qid);
            if !budget.take_entry(&mq, &offset) {
                let subject = format!("the offset reset of topic[{}]", h.topic);
                let queues = format!("{} queues", queue_offsets.len());
                return Ok(too_large(&subject, &queues));
            }
            body.offset_table.insert(mq, offset);
        }
        for (qid, offset) in queue_offsets {
            c.consumer_offset_manager
                .assign_reset_offset(&h.topic, &h.group, qid, offset);
        }
        Ok(RemotingCommand::success().with_body(encode(&body)))
    }

    fn query_consume_time_span(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: QueryConsumeTimeSpanRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let Some(tc) = c.topic_config_manager.select_topic_config(&h.topic) else {
            return Err(BrokerError::TopicNotExist(format!(
                "topic[{}] not exist",
                h.topic
            )));
        };
        let store = &c.message_store;
        let broker_name = c.config.load().broker_name.clone();
        let mut body = QueryConsumeTimeSpanBody::default();
        let mut budget = AnswerBudget::frame();
        let subject = format!("the consume time span of topic[{}]", h.topic);
        let queues = format!("{} queues", tc.write_queue_nums);
        let smallest = encode(&QueueTimeSpan {
            message_queue: MessageQueue::new(&*h.topic, broker_name.clone(), 0),
            ..Default::default()
        })
        .len();
        if !budget.can_fit(tc.write_queue_nums.max(0) as usize, smallest) {
            return Ok(too_large(&subject, &queues));
        }
        for i in 0..tc.write_queue_nums {
            let min_time = store.get_earliest_message_time(&h.topic, i);
            let max = store.get_max_offset_in_queue(&h.topic, i);
            let max_time = store.get_message_store_timestamp(&h.topic, i, max - 1);
            let consumer_offset = c
                .consumer_offset_manager
                .query_offset(&h.group, &h.topic, i);
            let consume_time = if consumer_offset > 0 {
                store.get_message_store_timestamp(&h.topic, i, consumer_offset - 1)
            } else {
                min_time
            };
            let delay_time = if consumer_offset < max {
                rmq_common::util_all::current_millis()
                    - store.get_message_store_timestamp(&h.topic, i, consumer_offset)
            } else {
                0
            };
            let span = QueueTimeSpan {
                message_queue: MessageQueue::new(h.topic.clone(), broker_name.clone(), i),
                min_time_stamp: min_time,
                max_time_stamp: max_time,
                consume_time_stamp: consume_time,
                delay_time,
            };
            if !budget.take(encode(&span).len() + 1) {
                return Ok(too_large(&subject, &queues));
            }
            body.consume_time_span_set.push(span);
        }
        Ok(RemotingCommand::success().with_body(encode(&body)))
    }

    fn query_correction_offset(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: QueryCorrectionOffsetHeader = request.decode_header()?;
        let c = &self.ctx;
        let filter: HashSet<&str> = h
            .filter_groups
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|g| !g.trim().is_empty())
            .collect();
        let store = &c.message_store;
        let mut correction: BTreeMap<i32, i64> = BTreeMap::new();
        for (group, offsets) in c.consumer_offset_manager.offsets_of_topic(&h.topic) {
            if filter.contains(group.as_str()) {
                continue;
            }
            for (qid, offset) in offsets {
                if offset >= store.get_min_offset_in_queue(&h.topic, qid) {
                    let e = correction.entry(qid).or_insert(i64::MAX);
                    *e = (*e).min(offset);
                }
            }
        }
        if let Some(compare) = c
            .consumer_offset_manager
            .query_offset_table(&h.compare_group, &h.topic)
        {
            for (qid, offset) in compare {
                let cur = correction.get(&qid).copied().unwrap_or(i64::MAX);
                correction.insert(qid, if cur > offset { i64::MAX } else { cur });
            }
        }
        let body = QueryCorrectionOffsetBody {
            correction_offsets: correction,
        };
        Ok(RemotingCommand::success().with_body(encode(&body)))
    }

    fn clone_group_offset(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: CloneGroupOffsetRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let topics: BTreeSet<String> = match h.topic.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => [t.to_string()].into(),
            None => c
                .consumer_offset_manager
                .which_topic_by_consumer(&h.src_group)
                .into_iter()
                .collect(),
        };
        for topic in topics {
            if c.topic_config_manager.select_topic_config(&topic).is_none() {
                continue;
            }
            if !h.offline.unwrap_or(false)
                && c.consumer_manager
                    .find_subscription_data_count(&h.src_group)
                    > 0
                && c.consumer_manager
                    .find_subscription_data(&h.src_group, &topic)
                    .is_none()
            {
                tracing::warn!(topic, group = %h.src_group, "AdminBrokerProcessor#cloneGroupOffset: topic does not exist in consumer group's subscription");
                continue;
            }
            c.consumer_offset_manager
                .clone_offset(&h.src_group, &h.dest_group, &topic);
        }
        Ok(RemotingCommand::success())
    }

    async fn consume_message_directly(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: ConsumeMessageDirectlyResultRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let mut req = request.clone();
        req.add_ext_field("brokerName", c.config.load().broker_name.clone());
        if let Some(topic) = h.topic.as_deref().filter(|t| !t.is_empty()) {
            if let Some(tc) = c.topic_config_manager.select_topic_config(topic) {
                req.add_ext_field("topicSysFlag", tc.topic_sys_flag.to_string());
            }
        }
        if !h.consumer_group.is_empty() {
            if let Some(g) = c
                .subscription_group_manager
                .find_subscription_group_config(&h.consumer_group)
            {
                req.add_ext_field("groupSysFlag", g.group_sys_flag.to_string());
            }
        }
        if let Some(id) = h.msg_id.as_deref().and_then(|m| decode_message_id(m).ok()) {
            if let Some(record) = c.message_store.select_one_message_by_offset(id.offset) {
                req.body = record;
            }
        }
        Ok(self
            .call_consumer(
                RequestCode::CONSUME_MESSAGE_DIRECTLY,
                &req,
                &h.consumer_group,
                h.client_id.as_deref().unwrap_or_default(),
            )
            .await)
    }

    /// Relays a request to one consumer and returns its answer (Java `callConsumer`).
    async fn call_consumer(
        &self,
        code: RequestCode,
        request: &RemotingCommand,
        group: &str,
        client_id: &str,
    ) -> RemotingCommand {
        let Some(info) = self.ctx.consumer_manager.find_channel(group, client_id) else {
            return BrokerError::SystemError(format!(
                "The Consumer <{group}> <{client_id}> not online"
            ))
            .into_response();
        };
        if info.version < 62 {
            return BrokerError::SystemError(format!(
                    "The Consumer <{client_id}> Version <{}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT",
                    mq_version::get_version_desc(info.version)
                )).into_response();
        }
        let mut new_request = RemotingCommand::new_request(code);
        new_request.ext_fields = request.ext_fields.clone();
        new_request.body = request.body.clone();
        match broker2client::call_client(&info.channel, new_request).await {
            Ok(r) => r,
            Err(e @ RemotingError::Timeout { .. }) => BrokerError::refused(
                ResponseCode::CONSUME_MSG_TIMEOUT,
                format!("consumer <{group}> <{client_id}> Timeout: {e}"),
            )
            .into_response(),
            Err(e) => BrokerError::SystemError(format!(
                "invoke consumer <{group}> <{client_id}> Exception: {e}"
            ))
            .into_response(),
        }
    }
}
