//! Group and client calls of `DefaultMQAdminExtImpl` on one broker or one client:
//! `createAndUpdateSubscriptionGroupConfig`, `deleteSubscriptionGroup`,
//! `getConsumerRunningInfo`, `consumeMessageDirectly`, `queryConsumeTimeSpan`, and the
//! per-broker consume statistics, connections and topic consumers that `consumer_admin` and
//! `topic_admin` merge.

use super::DefaultMQAdminExt;
use rmq_client::ClientError;
use rmq_common::message::message_decoder;
use rmq_common::mix_all;
use rmq_remoting::protocol::body::consume_message_directly_result::ConsumeMessageDirectlyResult;
use rmq_remoting::protocol::body::consume_stats::ConsumeStats;
use rmq_remoting::protocol::body::consumer_connection::ConsumerConnection;
use rmq_remoting::protocol::body::consumer_running_info::ConsumerRunningInfo;
use rmq_remoting::protocol::body::group_list::GroupList;
use rmq_remoting::protocol::body::producer_connection::ProducerConnection;
use rmq_remoting::protocol::body::query_consume_time_span_body::QueueTimeSpan;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::ResponseCode;

impl DefaultMQAdminExt {
    /// Creates or updates a subscription group on one broker
    /// (`createAndUpdateSubscriptionGroupConfig`).
    pub async fn create_and_update_subscription_group_config(
        &self,
        addr: &str,
        config: &SubscriptionGroupConfig,
    ) -> Result<(), ClientError> {
        self.instance()?
            .api()
            .create_subscription_group(addr, config, self.timeout_millis)
            .await
    }

    /// Deletes a subscription group on one broker (`deleteSubscriptionGroup`).
    pub async fn delete_subscription_group(
        &self,
        addr: &str,
        group: &str,
        clean_offset: bool,
    ) -> Result<(), ClientError> {
        self.instance()?
            .api()
            .delete_subscription_group(addr, group, clean_offset, self.timeout_millis)
            .await
    }

    /// Returns the read address of the first broker routing `%RETRY%<group>`.
    async fn group_broker_addr(&self, group: &str) -> Result<String, ClientError> {
        let route = self
            .examine_topic_route_info(&mix_all::get_retry_topic(group))
            .await?;
        route
            .broker_datas
            .iter()
            .find_map(|bd| bd.select_broker_addr().map(str::to_string))
            .ok_or_else(|| ClientError::client(-1, format!("no broker serves group {group}")))
    }

    /// Asks a consumer (through its broker) for its state (`getConsumerRunningInfo`).
    pub async fn get_consumer_running_info(
        &self,
        group: &str,
        client_id: &str,
        jstack: bool,
    ) -> Result<ConsumerRunningInfo, ClientError> {
        let addr = self.group_broker_addr(group).await?;
        self.instance()?
            .api()
            .get_consumer_running_info(&addr, group, client_id, jstack, self.timeout_millis)
            .await
    }

    /// Makes a consumer consume one message now (`consumeMessageDirectly`).
    pub async fn consume_message_directly(
        &self,
        group: &str,
        client_id: &str,
        topic: &str,
        offset_msg_id: &str,
    ) -> Result<ConsumeMessageDirectlyResult, ClientError> {
        let id = message_decoder::decode_message_id(offset_msg_id)?;
        let addr = id.address.to_string();
        self.instance()?
            .api()
            .consume_message_directly(
                &addr,
                group,
                client_id,
                topic,
                offset_msg_id,
                self.timeout_millis,
            )
            .await
    }

    /// Returns a group's progress on the queues of one broker, optionally of one topic
    /// (GET_CONSUME_STATS, `MQClientAPIImpl#getConsumeStats`).
    pub async fn examine_consume_stats_in_broker(
        &self,
        broker_addr: &str,
        group: &str,
        topic: Option<&str>,
        timeout_millis: u64,
    ) -> Result<ConsumeStats, ClientError> {
        self.instance()?
            .api()
            .get_consume_stats(broker_addr, group, topic, timeout_millis)
            .await
    }

    /// Returns the clients of a consumer group connected to one broker
    /// (`examineConsumerConnectionInfo(group, brokerAddr)`); code 206 (CONSUMER_NOT_ONLINE)
    /// when none is connected.
    pub async fn examine_consumer_connection_info_in_broker(
        &self,
        group: &str,
        broker_addr: &str,
    ) -> Result<ConsumerConnection, ClientError> {
        let cc = self
            .instance()?
            .api()
            .get_consumer_connection_list(broker_addr, group, self.timeout_millis)
            .await?;
        if cc.connection_set.is_empty() {
            return Err(ClientError::client(
                ResponseCode::CONSUMER_NOT_ONLINE.0,
                "Not found the consumer group connection",
            ));
        }
        Ok(cc)
    }

    /// Returns the clients of a producer group connected to one broker
    /// (GET_PRODUCER_CONNECTION_LIST, `MQClientAPIImpl#getProducerConnectionList`).
    pub async fn examine_producer_connection_info_in_broker(
        &self,
        group: &str,
        broker_addr: &str,
    ) -> Result<ProducerConnection, ClientError> {
        self.instance()?
            .api()
            .get_producer_connection_list(broker_addr, group, self.timeout_millis)
            .await
    }

    /// Returns the groups consuming a topic, as one broker knows them
    /// (QUERY_TOPIC_CONSUME_BY_WHO, `MQClientAPIImpl#queryTopicConsumeByWho`).
    pub async fn query_topic_consume_by_who_in_broker(
        &self,
        broker_addr: &str,
        topic: &str,
    ) -> Result<GroupList, ClientError> {
        self.instance()?
            .api()
            .query_topic_consume_by_who(broker_addr, topic, self.timeout_millis)
            .await
    }

    /// Returns per-queue time spans of a group on a topic, from every broker routing it
    /// (`queryConsumeTimeSpan`).
    pub async fn query_consume_time_span(
        &self,
        topic: &str,
        group: &str,
    ) -> Result<Vec<QueueTimeSpan>, ClientError> {
        let inst = self.instance()?;
        let route = self.examine_topic_route_info(topic).await?;
        let mut out = Vec::new();
        for addr in route
            .broker_datas
            .iter()
            .filter_map(|bd| bd.select_broker_addr())
        {
            let b = inst
                .api()
                .query_consume_time_span(addr, topic, group, self.timeout_millis)
                .await?;
            out.extend(b.consume_time_span_set);
        }
        Ok(out)
    }
}
