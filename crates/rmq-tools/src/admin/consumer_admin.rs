//! Consumer and producer calls of `DefaultMQAdminExtImpl` with mqadmin's semantics:
//! `examineConsumeStats`, `examineConsumerConnectionInfo`, `examineProducerConnectionInfo`,
//! `messageTrackDetail`, `consumed`, `resetOffsetByTimestamp` (broker-driven, with the CPP
//! flavour), `resetOffsetByTimestampOld`, `resetOffsetByQueueId`. The per-broker calls they
//! use (`examine_consume_stats_in_broker`, `examine_consumer_connection_info_in_broker`,
//! `update_consumer_offset`, `search_offset_in_broker`, ...) are in `group_admin` and
//! `offset_admin`.

use super::DefaultMQAdminExt;
use crate::error::ToolsError;
use rmq_client::internal::{expect_success, expect_success_as_client};
use rmq_client::ClientError;
use rmq_common::{mix_all, MessageExt, MessageQueue};
use rmq_remoting::protocol::body::consume_stats::{ConsumeStats, OffsetWrapper};
use rmq_remoting::protocol::body::consumer_connection::ConsumerConnection;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::heartbeat::{ConsumeType, MessageModel};
use rmq_remoting::protocol::body::producer_connection::ProducerConnection;
use rmq_remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::protocol::header::broker::ResetOffsetRequestHeader;
use rmq_remoting::ResponseCode;
use std::collections::HashMap;
use std::fmt;

/// How a consumer group relates to a message (Java `admin/api/TrackType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackType {
    /// Consumed (`CONSUMED`).
    Consumed,
    /// Consumed but filtered out by tag (`CONSUMED_BUT_FILTERED`).
    ConsumedButFiltered,
    /// A pull consumer (`PULL`).
    Pull,
    /// Not consumed yet (`NOT_CONSUME_YET`).
    NotConsumeYet,
    /// The group is offline (`NOT_ONLINE`).
    NotOnline,
    /// A broadcasting group (`CONSUME_BROADCASTING`).
    ConsumeBroadcasting,
    /// Unknown (`UNKNOWN`).
    Unknown,
}

impl fmt::Display for TrackType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackType::Consumed => "CONSUMED",
            TrackType::ConsumedButFiltered => "CONSUMED_BUT_FILTERED",
            TrackType::Pull => "PULL",
            TrackType::NotConsumeYet => "NOT_CONSUME_YET",
            TrackType::NotOnline => "NOT_ONLINE",
            TrackType::ConsumeBroadcasting => "CONSUME_BROADCASTING",
            TrackType::Unknown => "UNKNOWN",
        })
    }
}

/// One group's relation to a message (Java `admin/api/MessageTrack`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTrack {
    /// The consumer group.
    pub consumer_group: String,
    /// Its relation to the message.
    pub track_type: TrackType,
    /// Why the relation could not be determined, if so.
    pub exception_desc: Option<String>,
}

impl fmt::Display for MessageTrack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MessageTrack [consumerGroup={}, trackType={}, exceptionDesc={}]",
            self.consumer_group,
            self.track_type,
            self.exception_desc.as_deref().unwrap_or("null")
        )
    }
}

/// One queue of an old-protocol offset reset (Java `admin/RollbackStats`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollbackStats {
    /// Broker name.
    pub broker_name: String,
    /// Queue id.
    pub queue_id: i32,
    /// The queue's max offset.
    pub broker_offset: i64,
    /// The group's offset before the reset.
    pub consumer_offset: i64,
    /// The offset found for the timestamp.
    pub timestamp_offset: i64,
    /// The offset written.
    pub rollback_offset: i64,
}

/// How `messageTrackDetail` records an error: `CODE:<code> DESC:<remark>` for a broker
/// error, else `UtilAll.exceptionSimpleDesc` (the exception's `toString()`; Java then adds its
/// first stack frame, which has no counterpart here).
fn track_desc(e: &ToolsError) -> String {
    match e {
        ToolsError::Client(c @ ClientError::MQClientException { .. }) => {
            format!("org.apache.rocketmq.client.exception.MQClientException: {c}")
        }
        ToolsError::Client(ClientError::MQBrokerException { code, remark, .. }) => {
            format!("CODE:{code} DESC:{remark}")
        }
        other => other.to_string(),
    }
}

fn response_code(e: &ToolsError) -> Option<i32> {
    match e {
        ToolsError::Client(c) => c.response_code(),
        _ => None,
    }
}

/// The cluster whose route stands for `topic` when it is an LMQ or the timer topic (they
/// have no route of their own) and a cluster is given.
fn lmq_route_cluster<'a>(cluster_name: Option<&'a str>, topic: &str) -> Option<&'a str> {
    cluster_name
        .filter(|c| !c.is_empty() && (mix_all::is_lmq(topic) || topic == "rmq_sys_wheel_timer"))
}

impl DefaultMQAdminExt {
    /// Merges the group's consume statistics of every broker routing `%RETRY%<group>` (or the
    /// topic) (`examineConsumeStats(clusterName, group, topic)`). An empty result fails with
    /// `CONSUMER_NOT_ONLINE`, or `BROADCAST_CONSUMPTION` for a broadcasting group, as in Java.
    pub async fn examine_consume_stats(
        &self,
        cluster_name: Option<&str>,
        group: &str,
        topic: Option<&str>,
    ) -> Result<ConsumeStats, ToolsError> {
        let mut route_topics = vec![mix_all::get_retry_topic(group)];
        if let Some(t) = topic {
            route_topics.push(t.to_string());
            route_topics.push(format!("%RETRY%{group}_{t}"));
        }
        if let Some(c) = topic.and_then(|t| lmq_route_cluster(cluster_name, t)) {
            route_topics.push(c.to_string());
        }
        let mut route = None;
        let mut last_err = None;
        for t in &route_topics {
            match self.examine_topic_route_info(t).await {
                Ok(r) => {
                    route = Some(r);
                    break;
                }
                Err(e) => last_err = Some(e),
            }
        }
        let route = match (route, last_err) {
            (Some(r), _) => r,
            (None, Some(e)) => return Err(e.into()),
            (None, None) => return Err(ClientError::client(-1, "no route").into()),
        };
        let mut result = ConsumeStats::default();
        for bd in &route.broker_datas {
            if let Some(addr) = bd.select_broker_addr() {
                let cs = self
                    .examine_consume_stats_in_broker(addr, group, topic, self.timeout_millis() * 3)
                    .await?;
                result.offset_table.extend(cs.offset_table);
                result.consume_tps += cs.consume_tps;
            }
        }
        if result.offset_table.is_empty() {
            let connection = self.examine_consumer_connection_info(group).await.map_err(|_| {
                ClientError::client(
                    ResponseCode::CONSUMER_NOT_ONLINE.0,
                    "Not found the consumer group consume stats, because return offset table is empty, maybe the consumer not online",
                )
            })?;
            if connection.message_model == Some(MessageModel::Broadcasting) {
                return Err(ClientError::client(
                    ResponseCode::BROADCAST_CONSUMPTION.0,
                    "Not found the consumer group consume stats, because return offset table is empty, the consumer is under the broadcast mode",
                )
                .into());
            }
        }
        Ok(result)
    }

    /// GET_SUBSCRIPTIONGROUP_CONFIG on one broker (`examineSubscriptionGroupConfig`);
    /// `None` when the broker has no such group (empty body).
    pub async fn examine_subscription_group_config(
        &self,
        broker_addr: &str,
        group: &str,
    ) -> Result<Option<SubscriptionGroupConfig>, ToolsError> {
        Ok(self
            .instance()?
            .api()
            .get_subscription_group_config(broker_addr, group, self.timeout_millis())
            .await?)
    }

    /// The group's connections, asked of a broker routing `%RETRY%<group>`
    /// (`examineConsumerConnectionInfo(group)`).
    pub async fn examine_consumer_connection_info(
        &self,
        group: &str,
    ) -> Result<ConsumerConnection, ToolsError> {
        let route = self
            .examine_topic_route_info(&mix_all::get_retry_topic(group))
            .await?;
        let addr = pick_broker_addr(&route.broker_datas);
        match addr {
            Some(addr) => Ok(self
                .examine_consumer_connection_info_in_broker(group, &addr)
                .await?),
            None => Err(ClientError::client(
                ResponseCode::CONSUMER_NOT_ONLINE.0,
                "Not found the consumer group connection",
            )
            .into()),
        }
    }

    /// The producer group's connections, asked of a broker routing `topic`
    /// (`examineProducerConnectionInfo`).
    pub async fn examine_producer_connection_info(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<ProducerConnection, ToolsError> {
        let route = self.examine_topic_route_info(topic).await?;
        let mut result = ProducerConnection::default();
        if let Some(addr) = pick_broker_addr(&route.broker_datas) {
            result = self
                .examine_producer_connection_info_in_broker(group, &addr)
                .await?;
        }
        if result.connection_set.is_empty() {
            return Err(ClientError::client(-1, "Not found the producer group connection").into());
        }
        Ok(result)
    }

    /// Whether `group` has consumed `msg` (`consumed`): its offset of the message's queue on
    /// the message's store host is past the message.
    pub async fn consumed(&self, msg: &MessageExt, group: &str) -> Result<bool, ToolsError> {
        let stats = self.examine_consume_stats(None, group, None).await?;
        let cluster_info = self.examine_broker_cluster_info().await?;
        let store_host = crate::to_string::socket_addr_addr(&msg.store_host);
        for (mq, ow) in &stats.offset_table {
            if mq.topic == msg.message.topic && mq.queue_id == msg.queue_id {
                if let Some(bd) = cluster_info.broker_addr_table.get(&mq.broker_name) {
                    if bd.master_addr() == Some(store_host.as_str())
                        && ow.consumer_offset > msg.queue_offset
                    {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }

    /// Each consumer group's relation to `msg` (`messageTrackDetail`).
    pub async fn message_track_detail(
        &self,
        msg: &MessageExt,
    ) -> Result<Vec<MessageTrack>, ToolsError> {
        let mut result = Vec::new();
        let groups = self
            .query_topic_consume_by_who(&msg.message.topic)
            .await?
            .map(|g| g.group_list)
            .unwrap_or_default();
        for group in groups {
            let mut mt = MessageTrack {
                consumer_group: group.clone(),
                track_type: TrackType::Unknown,
                exception_desc: None,
            };
            let cc = match self.examine_consumer_connection_info(&group).await {
                Ok(cc) => cc,
                Err(e) => {
                    if response_code(&e) == Some(ResponseCode::CONSUMER_NOT_ONLINE.0) {
                        mt.track_type = TrackType::NotOnline;
                    }
                    mt.exception_desc = Some(track_desc(&e));
                    result.push(mt);
                    continue;
                }
            };
            match cc.consume_type {
                Some(ConsumeType::ConsumeActively) => mt.track_type = TrackType::Pull,
                Some(ConsumeType::ConsumePassively) => match self.consumed(msg, &group).await {
                    Ok(true) => {
                        mt.track_type = TrackType::Consumed;
                        if let Some(sd) = cc.subscription_table.get(&msg.message.topic) {
                            let tags = msg.tags().unwrap_or_default();
                            let matched = sd.tags_set.is_empty()
                                || sd.tags_set.contains("*")
                                || sd.tags_set.contains(tags);
                            if !matched {
                                mt.track_type = TrackType::ConsumedButFiltered;
                            }
                        }
                    }
                    Ok(false) => mt.track_type = TrackType::NotConsumeYet,
                    Err(e) => {
                        match response_code(&e) {
                            Some(c) if c == ResponseCode::CONSUMER_NOT_ONLINE.0 => {
                                mt.track_type = TrackType::NotOnline;
                                mt.exception_desc = Some(track_desc(&e));
                            }
                            Some(c) if c == ResponseCode::BROADCAST_CONSUMPTION.0 => {
                                mt.track_type = TrackType::ConsumeBroadcasting;
                            }
                            _ => mt.exception_desc = Some(e.to_string()),
                        }
                        result.push(mt);
                        continue;
                    }
                },
                _ => {}
            }
            result.push(mt);
        }
        Ok(result)
    }

    /// Asks every broker routing `topic` to move `group`'s offsets to `timestamp` and to tell
    /// the group's clients (`resetOffsetByTimestamp(clusterName, topic, group, ts, force, isC)`).
    /// Fails with the broker's code (for example `CONSUMER_NOT_ONLINE`) as `MQClientException`.
    pub async fn reset_offset_by_timestamp_in_cluster(
        &self,
        cluster_name: Option<&str>,
        topic: &str,
        group: &str,
        timestamp: i64,
        is_force: bool,
        is_c: bool,
    ) -> Result<HashMap<MessageQueue, i64>, ToolsError> {
        let route_topic = lmq_route_cluster(cluster_name, topic).unwrap_or(topic);
        let route = self.examine_topic_route_info(route_topic).await?;
        let mut all = HashMap::new();
        for bd in &route.broker_datas {
            let Some(addr) = bd.select_broker_addr() else {
                continue;
            };
            let h = ResetOffsetRequestHeader {
                group: group.to_string(),
                topic: topic.to_string(),
                queue_id: None,
                offset: Some(-1),
                timestamp,
                is_force,
            };
            let resp = self
                .instance()?
                .api()
                .invoke_broker_to_reset_offset(addr, &h, is_c, self.timeout_millis())
                .await?;
            let resp = expect_success_as_client(resp)?;
            if resp.body.is_empty() {
                return Err(ClientError::client(resp.code, resp.remark.unwrap_or_default()).into());
            }
            let body: ResetOffsetBody = decode(&resp.body)?;
            all.extend(body.offset_table);
        }
        Ok(all)
    }

    /// Writes one queue's offset and asks the broker to reset the clients' offset of it
    /// (`resetOffsetByQueueId`).
    pub async fn reset_offset_by_queue_id(
        &self,
        broker_addr: &str,
        group: &str,
        topic: &str,
        queue_id: i32,
        reset_offset: i64,
    ) -> Result<(), ToolsError> {
        let mq = MessageQueue::new(topic, "", queue_id);
        self.update_consumer_offset(broker_addr, group, &mq, reset_offset)
            .await?;
        let h = ResetOffsetRequestHeader {
            group: group.to_string(),
            topic: topic.to_string(),
            queue_id: Some(queue_id),
            offset: Some(reset_offset),
            timestamp: 0,
            is_force: false,
        };
        let resp = self
            .instance()?
            .api()
            .invoke_broker_to_reset_offset(broker_addr, &h, false, self.timeout_millis())
            .await?;
        expect_success(resp, broker_addr)?;
        Ok(())
    }

    /// Moves offsets back by writing them directly, for groups without online clients
    /// (`resetOffsetByTimestampOld`).
    pub async fn reset_offset_by_timestamp_old(
        &self,
        cluster_name: Option<&str>,
        group: &str,
        topic: &str,
        timestamp: i64,
        force: bool,
    ) -> Result<Vec<RollbackStats>, ToolsError> {
        let route_topic = lmq_route_cluster(cluster_name, topic).unwrap_or(topic);
        let route = self.examine_topic_route_info(route_topic).await?;
        let mut stats = Vec::new();
        for bd in &route.broker_datas {
            let Some(addr) = bd.select_broker_addr() else {
                continue;
            };
            let cs = self
                .examine_consume_stats_in_broker(addr, group, None, self.timeout_millis())
                .await?;
            let mut has_consumed = false;
            let mut entries: Vec<(&MessageQueue, &OffsetWrapper)> =
                cs.offset_table.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (mq, ow) in entries {
                if mq.topic == topic {
                    has_consumed = true;
                    stats.push(
                        self.reset_offset_consume_offset(addr, group, mq, ow, timestamp, force)
                            .await?,
                    );
                }
            }
            if !has_consumed {
                let Some(qd) = route
                    .queue_datas
                    .iter()
                    .find(|q| q.broker_name == bd.broker_name)
                else {
                    continue;
                };
                let topic_stats = self.examine_topic_stats_in_broker(addr, topic).await?;
                for i in 0..qd.read_queue_nums {
                    let mq = MessageQueue::new(topic, qd.broker_name.clone(), i);
                    let to = topic_stats
                        .offset_table
                        .get(&mq)
                        .cloned()
                        .unwrap_or_default();
                    let ow = OffsetWrapper {
                        broker_offset: to.max_offset,
                        consumer_offset: to.min_offset,
                        ..Default::default()
                    };
                    stats.push(
                        self.reset_offset_consume_offset(addr, group, &mq, &ow, timestamp, force)
                            .await?,
                    );
                }
            }
        }
        Ok(stats)
    }

    async fn reset_offset_consume_offset(
        &self,
        broker_addr: &str,
        group: &str,
        mq: &MessageQueue,
        ow: &OffsetWrapper,
        timestamp: i64,
        force: bool,
    ) -> Result<RollbackStats, ToolsError> {
        let reset_offset = if timestamp == -1 {
            self.instance()?
                .api()
                .get_max_offset(broker_addr, mq, self.timeout_millis())
                .await?
        } else {
            self.instance()?
                .api()
                .search_offset(broker_addr, mq, timestamp, self.timeout_millis())
                .await?
        };
        let mut rs = RollbackStats {
            broker_name: mq.broker_name.clone(),
            queue_id: mq.queue_id,
            broker_offset: ow.broker_offset,
            consumer_offset: ow.consumer_offset,
            timestamp_offset: reset_offset,
            rollback_offset: ow.consumer_offset,
        };
        if force || reset_offset <= ow.consumer_offset {
            rs.rollback_offset = reset_offset;
            self.update_consumer_offset(broker_addr, group, mq, reset_offset)
                .await?;
        }
        Ok(rs)
    }
}

/// Java picks a random broker of the route and uses its `selectBrokerAddr`; the first one
/// with an address is as good for the single-answer calls here.
fn pick_broker_addr(brokers: &[rmq_remoting::protocol::body::route::BrokerData]) -> Option<String> {
    use rand::seq::IndexedRandom;
    let candidates: Vec<&str> = brokers
        .iter()
        .filter_map(|b| b.select_broker_addr())
        .collect();
    candidates.choose(&mut rand::rng()).map(|s| s.to_string())
}
