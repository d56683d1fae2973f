//! The topic, subscription group and consumer/producer admin calls of [`MQClientAPIImpl`]
//! (Java `MQClientAPIImpl#createTopic`, `deleteTopicInBroker`, `getConsumeStats`,
//! `getConsumerConnectionList`, ...), used by `rmq_tools::admin::DefaultMQAdminExt`. Each
//! request is built here only.

use super::mq_client_api_impl::MQClientAPIImpl;
use crate::error::ClientError;
use rmq_common::{mix_all, TopicConfig};
use rmq_remoting::protocol::body::consume_message_directly_result::ConsumeMessageDirectlyResult;
use rmq_remoting::protocol::body::consume_stats::ConsumeStats;
use rmq_remoting::protocol::body::consumer_connection::ConsumerConnection;
use rmq_remoting::protocol::body::consumer_running_info::ConsumerRunningInfo;
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::body::group_list::GroupList;
use rmq_remoting::protocol::body::producer_connection::ProducerConnection;
use rmq_remoting::protocol::body::query_consume_time_span_body::QueryConsumeTimeSpanBody;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::protocol::body::topic_stats_table::TopicStatsTable;
use rmq_remoting::protocol::header::broker::*;
use rmq_remoting::protocol::header::client::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumerRunningInfoRequestHeader,
};
use rmq_remoting::protocol::header::namesrv::{
    DeleteTopicFromNamesrvRequestHeader, GetKVConfigRequestHeader, PutKVConfigRequestHeader,
};
use rmq_remoting::protocol::header::CommandCustomHeader;
use rmq_remoting::{RemotingCommand, RequestCode};
use serde::de::DeserializeOwned;

impl MQClientAPIImpl {
    /// Sends `header` with `code` to a broker, checks for SUCCESS and decodes the JSON body.
    async fn broker_header_body<H: CommandCustomHeader, T: DeserializeOwned>(
        &self,
        addr: &str,
        code: RequestCode,
        header: &H,
        timeout_millis: u64,
    ) -> Result<T, ClientError> {
        let req = RemotingCommand::create_request_command(code, header);
        self.invoke_broker_body(addr, req, timeout_millis).await
    }

    /// Sends `header` with `code` to a broker and checks for SUCCESS.
    async fn broker_header_call<H: CommandCustomHeader>(
        &self,
        addr: &str,
        code: RequestCode,
        header: &H,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let req = RemotingCommand::create_request_command(code, header);
        self.invoke_broker(addr, req, timeout_millis).await?;
        Ok(())
    }

    /// UPDATE_AND_CREATE_TOPIC on one broker with `attributes` sent unchanged
    /// (`createTopic`).
    pub async fn create_topic(
        &self,
        addr: &str,
        config: &TopicConfig,
        attributes: Option<String>,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = CreateTopicRequestHeader {
            topic: config.topic_name.clone(),
            default_topic: mix_all::AUTO_CREATE_TOPIC_KEY_TOPIC.to_string(),
            read_queue_nums: config.read_queue_nums,
            write_queue_nums: config.write_queue_nums,
            perm: config.perm,
            topic_filter_type: config.topic_filter_type.as_str().to_string(),
            topic_sys_flag: Some(config.topic_sys_flag),
            order: config.order,
            attributes,
            force: None,
        };
        self.broker_header_call(
            addr,
            RequestCode::UPDATE_AND_CREATE_TOPIC,
            &h,
            timeout_millis,
        )
        .await
    }

    /// DELETE_TOPIC_IN_BROKER (`deleteTopicInBroker`).
    pub async fn delete_topic_in_broker(
        &self,
        addr: &str,
        topic: &str,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = DeleteTopicRequestHeader {
            topic: topic.to_string(),
        };
        self.broker_header_call(
            addr,
            RequestCode::DELETE_TOPIC_IN_BROKER,
            &h,
            timeout_millis,
        )
        .await
    }

    /// DELETE_TOPIC_IN_NAMESRV on one name server, for one cluster's brokers or all
    /// (`deleteTopicInNameServer`).
    pub async fn delete_topic_in_name_server(
        &self,
        namesrv_addr: &str,
        topic: &str,
        cluster: Option<&str>,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = DeleteTopicFromNamesrvRequestHeader {
            topic: topic.to_string(),
            cluster_name: cluster.map(str::to_string),
        };
        self.broker_header_call(
            namesrv_addr,
            RequestCode::DELETE_TOPIC_IN_NAMESRV,
            &h,
            timeout_millis,
        )
        .await
    }

    /// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP with the config as body
    /// (`createSubscriptionGroup`).
    pub async fn create_subscription_group(
        &self,
        addr: &str,
        config: &SubscriptionGroupConfig,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let req = RemotingCommand::new_request(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
            .with_body(encode(config));
        self.invoke_broker(addr, req, timeout_millis).await?;
        Ok(())
    }

    /// DELETE_SUBSCRIPTIONGROUP (`deleteSubscriptionGroup`).
    pub async fn delete_subscription_group(
        &self,
        addr: &str,
        group: &str,
        clean_offset: bool,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = DeleteSubscriptionGroupRequestHeader {
            group_name: group.to_string(),
            clean_offset: Some(clean_offset),
        };
        self.broker_header_call(
            addr,
            RequestCode::DELETE_SUBSCRIPTIONGROUP,
            &h,
            timeout_millis,
        )
        .await
    }

    /// GET_CONSUMER_RUNNING_INFO, relayed by the broker to the client (`getConsumerRunningInfo`).
    pub async fn get_consumer_running_info(
        &self,
        addr: &str,
        group: &str,
        client_id: &str,
        jstack: bool,
        timeout_millis: u64,
    ) -> Result<ConsumerRunningInfo, ClientError> {
        let h = GetConsumerRunningInfoRequestHeader {
            consumer_group: group.to_string(),
            client_id: client_id.to_string(),
            jstack_enable: Some(jstack),
        };
        self.broker_header_body(
            addr,
            RequestCode::GET_CONSUMER_RUNNING_INFO,
            &h,
            timeout_millis,
        )
        .await
    }

    /// CONSUME_MESSAGE_DIRECTLY, relayed by the broker to the client
    /// (`consumeMessageDirectly`).
    pub async fn consume_message_directly(
        &self,
        addr: &str,
        group: &str,
        client_id: &str,
        topic: &str,
        offset_msg_id: &str,
        timeout_millis: u64,
    ) -> Result<ConsumeMessageDirectlyResult, ClientError> {
        let h = ConsumeMessageDirectlyResultRequestHeader {
            consumer_group: group.to_string(),
            client_id: Some(client_id.to_string()),
            msg_id: Some(offset_msg_id.to_string()),
            topic: Some(topic.to_string()),
            ..Default::default()
        };
        self.broker_header_body(
            addr,
            RequestCode::CONSUME_MESSAGE_DIRECTLY,
            &h,
            timeout_millis,
        )
        .await
    }

    /// GET_KV_CONFIG from the name servers; empty when the answer has no value
    /// (`getKVConfigValue`).
    pub async fn get_kv_config_value(
        &self,
        namespace: &str,
        key: &str,
        timeout_millis: u64,
    ) -> Result<String, ClientError> {
        let h = GetKVConfigRequestHeader {
            namespace: namespace.to_string(),
            key: key.to_string(),
        };
        let req = RemotingCommand::create_request_command(RequestCode::GET_KV_CONFIG, &h);
        let resp = self.invoke_namesrv(req, timeout_millis).await?;
        Ok(resp.ext_field("value").unwrap_or_default().to_string())
    }

    /// PUT_KV_CONFIG on one name server (`putKVConfigValue`).
    pub async fn put_kv_config_value(
        &self,
        namesrv_addr: &str,
        namespace: &str,
        key: &str,
        value: &str,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = PutKVConfigRequestHeader {
            namespace: namespace.to_string(),
            key: key.to_string(),
            value: value.to_string(),
        };
        self.broker_header_call(namesrv_addr, RequestCode::PUT_KV_CONFIG, &h, timeout_millis)
            .await
    }

    /// GET_TOPIC_STATS_INFO (`getTopicStatsInfo`).
    pub async fn get_topic_stats_info(
        &self,
        addr: &str,
        topic: &str,
        timeout_millis: u64,
    ) -> Result<TopicStatsTable, ClientError> {
        let h = GetTopicStatsInfoRequestHeader {
            topic: topic.to_string(),
        };
        self.broker_header_body(addr, RequestCode::GET_TOPIC_STATS_INFO, &h, timeout_millis)
            .await
    }

    /// GET_CONSUME_STATS, optionally of one topic (`getConsumeStats`).
    pub async fn get_consume_stats(
        &self,
        addr: &str,
        group: &str,
        topic: Option<&str>,
        timeout_millis: u64,
    ) -> Result<ConsumeStats, ClientError> {
        let h = GetConsumeStatsRequestHeader {
            consumer_group: group.to_string(),
            topic: topic.map(str::to_string),
            topic_list: None,
        };
        self.broker_header_body(addr, RequestCode::GET_CONSUME_STATS, &h, timeout_millis)
            .await
    }

    /// GET_CONSUMER_CONNECTION_LIST (`getConsumerConnectionList`).
    pub async fn get_consumer_connection_list(
        &self,
        addr: &str,
        group: &str,
        timeout_millis: u64,
    ) -> Result<ConsumerConnection, ClientError> {
        let h = GetConsumerConnectionListRequestHeader {
            consumer_group: group.to_string(),
        };
        let code = RequestCode::GET_CONSUMER_CONNECTION_LIST;
        self.broker_header_body(addr, code, &h, timeout_millis)
            .await
    }

    /// GET_PRODUCER_CONNECTION_LIST (`getProducerConnectionList`).
    pub async fn get_producer_connection_list(
        &self,
        addr: &str,
        group: &str,
        timeout_millis: u64,
    ) -> Result<ProducerConnection, ClientError> {
        let h = GetProducerConnectionListRequestHeader {
            producer_group: group.to_string(),
        };
        let code = RequestCode::GET_PRODUCER_CONNECTION_LIST;
        self.broker_header_body(addr, code, &h, timeout_millis)
            .await
    }

    /// QUERY_TOPIC_CONSUME_BY_WHO (`queryTopicConsumeByWho`).
    pub async fn query_topic_consume_by_who(
        &self,
        addr: &str,
        topic: &str,
        timeout_millis: u64,
    ) -> Result<GroupList, ClientError> {
        let h = QueryTopicConsumeByWhoRequestHeader {
            topic: topic.to_string(),
        };
        let code = RequestCode::QUERY_TOPIC_CONSUME_BY_WHO;
        self.broker_header_body(addr, code, &h, timeout_millis)
            .await
    }

    /// QUERY_CONSUME_TIME_SPAN (`queryConsumeTimeSpan`).
    pub async fn query_consume_time_span(
        &self,
        addr: &str,
        topic: &str,
        group: &str,
        timeout_millis: u64,
    ) -> Result<QueryConsumeTimeSpanBody, ClientError> {
        let h = QueryConsumeTimeSpanRequestHeader {
            topic: topic.to_string(),
            group: group.to_string(),
        };
        let code = RequestCode::QUERY_CONSUME_TIME_SPAN;
        self.broker_header_body(addr, code, &h, timeout_millis)
            .await
    }
}
