//! `DefaultMQAdminExt`: the admin calls `mqadmin` needs — cluster and route info, topics,
//! subscription groups, offsets, statistics, connections, consumer running info and message
//! queries (Java `tools/admin/DefaultMQAdminExt`, `DefaultMQAdminExtImpl`,
//! `client/impl/MQAdminImpl`).

use crate::client_config::ClientConfig;
use crate::consumer::pull_result::PullResult;
use crate::error::ClientError;
use crate::factory::MQClientInstance;
use rmq_common::message::message_decoder;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::{mix_all, MessageExt, MessageQueue, TopicConfig};
use rmq_remoting::protocol::body::consume_message_directly_result::ConsumeMessageDirectlyResult;
use rmq_remoting::protocol::body::consume_stats::ConsumeStats;
use rmq_remoting::protocol::body::consumer_connection::ConsumerConnection;
use rmq_remoting::protocol::body::consumer_running_info::ConsumerRunningInfo;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::group_list::GroupList;
use rmq_remoting::protocol::body::producer_connection::ProducerConnection;
use rmq_remoting::protocol::body::query_consume_time_span_body::QueueTimeSpan;
use rmq_remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use rmq_remoting::protocol::body::route::{ClusterInfo, KVTable, TopicList, TopicRouteData};
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::protocol::body::topic_stats_table::TopicStatsTable;
use rmq_remoting::protocol::header::broker::*;
use rmq_remoting::{RequestCode, ResponseCode};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The admin client.
pub struct DefaultMQAdminExt {
    client_config: ClientConfig,
    instance: parking_lot::Mutex<Option<Arc<MQClientInstance>>>,
    timeout_millis: u64,
}

impl DefaultMQAdminExt {
    /// Builds an admin client for `namesrv_addr` (`ns1:9876;ns2:9876`) with a 5 s call timeout.
    pub fn new(namesrv_addr: &str) -> Self {
        let client_config = ClientConfig {
            namesrv_addr: Some(namesrv_addr.to_string()),
            ..Default::default()
        };
        Self::with_config(client_config, 5000)
    }

    /// Builds an admin client from client settings and a call timeout.
    pub fn with_config(client_config: ClientConfig, timeout_millis: u64) -> Self {
        DefaultMQAdminExt {
            client_config,
            instance: parking_lot::Mutex::new(None),
            timeout_millis,
        }
    }

    /// Connects (`start`): gets the shared client instance; no background task runs for
    /// admin-only instances until a producer or consumer joins.
    pub async fn start(&self) -> Result<(), ClientError> {
        let mut cc = self.client_config.clone();
        cc.change_instance_name_to_pid();
        let inst = MQClientInstance::get_or_create(&cc);
        inst.register_admin();
        *self.instance.lock() = Some(inst);
        Ok(())
    }

    /// Releases the client instance.
    pub async fn shutdown(&self) {
        let inst = self.instance.lock().take();
        if let Some(i) = inst {
            i.unregister_admin().await;
        }
    }

    fn inst(&self) -> Result<Arc<MQClientInstance>, ClientError> {
        self.instance
            .lock()
            .clone()
            .ok_or_else(|| ClientError::IllegalState("admin not started".into()))
    }

    /// Returns the read address (`selectBrokerAddr`) of every broker routing `topic`.
    async fn route_broker_addrs(&self, topic: &str) -> Result<Vec<String>, ClientError> {
        let route = self.examine_topic_route_info(topic).await?;
        Ok(route
            .broker_datas
            .iter()
            .filter_map(|bd| bd.select_broker_addr().map(str::to_string))
            .collect())
    }

    /// Returns brokers by name and broker names by cluster (`examineBrokerClusterInfo`).
    pub async fn examine_broker_cluster_info(&self) -> Result<ClusterInfo, ClientError> {
        self.inst()?
            .api()
            .get_broker_cluster_info(self.timeout_millis)
            .await
    }

    /// Returns every topic the name servers know (`fetchAllTopicList`).
    pub async fn fetch_all_topic_list(&self) -> Result<TopicList, ClientError> {
        self.inst()?
            .api()
            .get_topic_list_from_name_server(self.timeout_millis)
            .await
    }

    /// Returns a topic's route (`examineTopicRouteInfo`).
    pub async fn examine_topic_route_info(
        &self,
        topic: &str,
    ) -> Result<TopicRouteData, ClientError> {
        self.inst()?
            .api()
            .get_topic_route_info_from_name_server(topic, self.timeout_millis)
            .await
    }

    /// Returns the master addresses of a cluster's brokers (`CommandUtil.fetchMasterAddrByClusterName`).
    pub async fn fetch_master_addr_by_cluster_name(
        &self,
        cluster: &str,
    ) -> Result<Vec<String>, ClientError> {
        let ci = self.examine_broker_cluster_info().await?;
        let names = ci.cluster_addr_table.get(cluster).ok_or_else(|| {
            ClientError::client(
                -1,
                "Make sure the specified clusterName exists or the name server connected to is correct.",
            )
        })?;
        Ok(names
            .iter()
            .filter_map(|n| ci.broker_addr_table.get(n))
            .filter_map(|bd| bd.master_addr().map(str::to_string))
            .collect())
    }

    /// Creates or updates a topic on one broker (`createAndUpdateTopicConfig`).
    pub async fn create_and_update_topic_config(
        &self,
        addr: &str,
        config: &TopicConfig,
    ) -> Result<(), ClientError> {
        let attrs = if config.attributes.is_empty() {
            None
        } else {
            Some(
                config
                    .attributes
                    .iter()
                    .map(|(k, v)| format!("+{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(","),
            )
        };
        self.create_and_update_topic_config_with_attributes(addr, config, attrs)
            .await
    }

    /// Creates or updates a topic on one broker, sending `attributes` as the request's
    /// `attributes` text unchanged (`AttributeParser.parseToString` form: `+key=value` adds,
    /// `-key` deletes).
    pub async fn create_and_update_topic_config_with_attributes(
        &self,
        addr: &str,
        config: &TopicConfig,
        attributes: Option<String>,
    ) -> Result<(), ClientError> {
        self.inst()?
            .api()
            .create_topic(addr, config, attributes, self.timeout_millis)
            .await
    }

    /// Creates a topic with `queue_num` queues on every master of `cluster`, then waits until
    /// the name servers route it.
    pub async fn create_topic_in_cluster(
        &self,
        cluster: &str,
        topic: &str,
        queue_num: i32,
    ) -> Result<(), ClientError> {
        let addrs = self.fetch_master_addr_by_cluster_name(cluster).await?;
        let config = TopicConfig::with_queues(topic, queue_num, queue_num, 6);
        for addr in &addrs {
            self.create_and_update_topic_config(addr, &config).await?;
        }
        for _ in 0..100 {
            if let Ok(r) = self.examine_topic_route_info(topic).await {
                let n: i32 = r.queue_datas.iter().map(|q| q.write_queue_nums).sum();
                if r.queue_datas.len() >= addrs.len() && n >= queue_num {
                    return Ok(());
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Err(ClientError::client(
            -1,
            format!("topic {topic} created but not routed by the name server"),
        ))
    }

    /// Deletes a topic on brokers (`deleteTopicInBroker`).
    pub async fn delete_topic_in_broker(
        &self,
        addrs: &[String],
        topic: &str,
    ) -> Result<(), ClientError> {
        let inst = self.inst()?;
        for addr in addrs {
            inst.api()
                .delete_topic_in_broker(addr, topic, self.timeout_millis)
                .await?;
        }
        Ok(())
    }

    /// Deletes a topic's route on the name servers (`deleteTopicInNameServer`).
    pub async fn delete_topic_in_name_server(&self, topic: &str) -> Result<(), ClientError> {
        self.delete_topic_in_name_servers(topic, None).await
    }

    /// Deletes a topic's route for the brokers of one cluster on every name server
    /// (`deleteTopicInNameServer(addrs, clusterName, topic)`).
    pub async fn delete_topic_in_name_server_of_cluster(
        &self,
        cluster: &str,
        topic: &str,
    ) -> Result<(), ClientError> {
        self.delete_topic_in_name_servers(topic, Some(cluster))
            .await
    }

    async fn delete_topic_in_name_servers(
        &self,
        topic: &str,
        cluster: Option<&str>,
    ) -> Result<(), ClientError> {
        let inst = self.inst()?;
        for addr in inst.api().remoting().name_server_address_list() {
            inst.api()
                .delete_topic_in_name_server(&addr, topic, cluster, self.timeout_millis)
                .await?;
        }
        Ok(())
    }

    /// Creates or updates a subscription group on one broker
    /// (`createAndUpdateSubscriptionGroupConfig`).
    pub async fn create_and_update_subscription_group_config(
        &self,
        addr: &str,
        config: &SubscriptionGroupConfig,
    ) -> Result<(), ClientError> {
        self.inst()?
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
        self.inst()?
            .api()
            .delete_subscription_group(addr, group, clean_offset, self.timeout_millis)
            .await
    }

    async fn addr_of(&self, mq: &MessageQueue) -> Result<String, ClientError> {
        self.inst()?.broker_addr_for_queue(mq).await
    }

    /// Returns the next offset to be written in a queue (`maxOffset`).
    pub async fn max_offset(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.inst()?
            .api()
            .get_max_offset(&addr, mq, self.timeout_millis)
            .await
    }

    /// Returns the smallest offset of a queue (`minOffset`).
    pub async fn min_offset(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.inst()?
            .api()
            .get_min_offset(&addr, mq, self.timeout_millis)
            .await
    }

    /// Returns the offset of the first message stored at or after `timestamp` (`searchOffset`).
    pub async fn search_offset(
        &self,
        mq: &MessageQueue,
        timestamp: i64,
    ) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.inst()?
            .api()
            .search_offset(&addr, mq, timestamp, self.timeout_millis)
            .await
    }

    /// Returns the offset of the first message stored at or after `timestamp` in a queue of one
    /// broker, with boundary `LOWER` (`searchOffset(brokerAddr, topic, queueId, timestamp,
    /// timeoutMillis)`).
    pub async fn search_offset_in_broker(
        &self,
        broker_addr: &str,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        let mq = MessageQueue::new(topic, "", queue_id);
        self.inst()?
            .api()
            .search_offset_with_boundary(broker_addr, &mq, timestamp, Some("LOWER"), timeout_millis)
            .await
    }

    /// Writes a consumer group's offset of a queue on one broker (`updateConsumeOffset`).
    pub async fn update_consumer_offset(
        &self,
        broker_addr: &str,
        group: &str,
        mq: &MessageQueue,
        offset: i64,
    ) -> Result<(), ClientError> {
        let h = UpdateConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            commit_offset: offset,
        };
        self.inst()?
            .api()
            .update_consumer_offset(broker_addr, h, &mq.broker_name, false, self.timeout_millis)
            .await
    }

    /// Returns the store time of a queue's first message (`earliestMsgStoreTime`).
    pub async fn earliest_msg_store_time(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.inst()?
            .api()
            .get_earliest_msg_storetime(&addr, mq, self.timeout_millis)
            .await
    }

    /// Returns the consumer group's committed offset of a queue; -1 if none.
    pub async fn query_consumer_offset(
        &self,
        group: &str,
        mq: &MessageQueue,
    ) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        let h = QueryConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            set_zero_if_not_found: Some(false),
        };
        match self
            .inst()?
            .api()
            .query_consumer_offset(&addr, h, self.timeout_millis)
            .await
        {
            Ok(o) => Ok(o),
            Err(ClientError::MQBrokerException { code: 22, .. }) => Ok(-1),
            Err(e) => Err(e),
        }
    }

    /// Returns the message with an offset message id (`viewMessage(offsetMsgId)`).
    pub async fn view_message(&self, offset_msg_id: &str) -> Result<MessageExt, ClientError> {
        let id = message_decoder::decode_message_id(offset_msg_id)?;
        self.inst()?
            .api()
            .view_message(&id.address.to_string(), id.offset, self.timeout_millis)
            .await
    }

    async fn query(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
        uniq: bool,
    ) -> Result<Vec<MessageExt>, ClientError> {
        let inst = self.inst()?;
        let route = self.examine_topic_route_info(topic).await?;
        let mut out = Vec::new();
        for bd in &route.broker_datas {
            let Some(addr) = bd.select_broker_addr() else {
                continue;
            };
            let h = QueryMessageRequestHeader {
                topic: topic.to_string(),
                key: key.to_string(),
                max_num,
                begin_timestamp: begin,
                end_timestamp: end,
            };
            let mut msgs = inst
                .api()
                .query_message(addr, h, uniq, self.timeout_millis)
                .await?;
            for m in &mut msgs {
                m.broker_name = bd.broker_name.clone();
            }
            out.extend(msgs.into_iter().filter(|m| {
                if uniq {
                    m.client_msg_id() == key
                } else {
                    m.keys()
                        .is_some_and(|k| message_decoder::split_keys(k).any(|x| x == key))
                }
            }));
        }
        Ok(out)
    }

    /// Returns messages of `topic` with `key` stored between `begin` and `end` ms
    /// (`queryMessage`).
    pub async fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        self.query(topic, key, max_num, begin, end, false).await
    }

    /// Returns the message with a unique id (`UNIQ_KEY`) (`queryMessageByUniqKey`,
    /// `viewMessage(topic, msgId)`).
    pub async fn query_message_by_uniq_key(
        &self,
        topic: &str,
        uniq_key: &str,
    ) -> Result<MessageExt, ClientError> {
        let msgs = self
            .query_message_by_uniq_key_list(topic, uniq_key, 32, 0, i64::MAX)
            .await?;
        msgs.into_iter().next().ok_or_else(|| {
            ClientError::client(208, "query message by key finished, but no message.")
        })
    }

    /// Returns every message of `topic` whose unique key (`UNIQ_KEY`) is `key`, from every
    /// broker routing the topic, sorted by store time (`queryMessageByUniqKey` returning the
    /// whole `QueryResult`).
    pub async fn query_message_by_uniq_key_list(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        let mut msgs = self.query(topic, key, max_num, begin, end, true).await?;
        msgs.sort_by_key(|m| m.store_timestamp);
        Ok(msgs)
    }

    /// Returns the message at a queue offset (`queryMsgByOffset`), pulled as `TOOLS_CONSUMER`.
    pub async fn query_message_by_offset(
        &self,
        mq: &MessageQueue,
        offset: i64,
    ) -> Result<MessageExt, ClientError> {
        let addr = self.addr_of(mq).await?;
        let h = PullMessageRequestHeader {
            consumer_group: mix_all::TOOLS_CONSUMER_GROUP.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            queue_offset: offset,
            max_msg_nums: 1,
            sys_flag: pull_sys_flag::build_sys_flag(false, false, true, false),
            commit_offset: 0,
            suspend_timeout_millis: 0,
            subscription: Some("*".into()),
            sub_version: 0,
            expression_type: Some("TAG".into()),
            ..Default::default()
        };
        let r: PullResult = self
            .inst()?
            .api()
            .pull_message_with_bname(&addr, h, &mq.broker_name, self.timeout_millis)
            .await?;
        let mut m = r.msg_found_list.into_iter().next().ok_or_else(|| {
            ClientError::client(-1, format!("no message at offset {offset} of {mq}"))
        })?;
        m.broker_name = mq.broker_name.clone();
        Ok(m)
    }

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
        self.inst()?
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
        self.inst()?
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

    /// Moves a group's offsets of a topic to `timestamp` on every broker
    /// (`resetOffsetByTimestamp`); returns the new offsets.
    pub async fn reset_offset_by_timestamp(
        &self,
        topic: &str,
        group: &str,
        timestamp: i64,
        is_force: bool,
    ) -> Result<HashMap<MessageQueue, i64>, ClientError> {
        let route = self.examine_topic_route_info(topic).await?;
        let mut out = HashMap::new();
        for bd in &route.broker_datas {
            let Some(addr) = bd.master_addr() else {
                continue;
            };
            let h = ResetOffsetRequestHeader {
                group: group.to_string(),
                topic: topic.to_string(),
                queue_id: Some(-1),
                offset: Some(-1),
                timestamp,
                is_force,
            };
            let resp = self
                .inst()?
                .api()
                .invoke_broker_to_reset_offset(addr, &h, false, self.timeout_millis)
                .await?;
            let resp = crate::internal::expect_success(resp, addr)?;
            if !resp.body.is_empty() {
                let b: ResetOffsetBody = decode(&resp.body)?;
                out.extend(b.offset_table);
            }
        }
        Ok(out)
    }

    /// Returns a broker's runtime statistics (`fetchBrokerRuntimeStats`).
    pub async fn fetch_broker_runtime_stats(&self, addr: &str) -> Result<KVTable, ClientError> {
        let body = self
            .inst()?
            .api()
            .broker_body_request(
                addr,
                RequestCode::GET_BROKER_RUNTIME_INFO,
                self.timeout_millis,
            )
            .await?;
        Ok(decode(&body)?)
    }

    /// Returns a broker's configuration (`getBrokerConfig`), parsed from Java properties.
    pub async fn get_broker_config(
        &self,
        addr: &str,
    ) -> Result<BTreeMap<String, String>, ClientError> {
        let body = self
            .inst()?
            .api()
            .broker_body_request(addr, RequestCode::GET_BROKER_CONFIG, self.timeout_millis)
            .await?;
        let text = String::from_utf8_lossy(&body);
        Ok(rmq_common::properties::parse(&text).into_iter().collect())
    }

    /// Reads a KV config entry from the name servers (`getKVConfig`).
    pub async fn get_kv_config(&self, namespace: &str, key: &str) -> Result<String, ClientError> {
        self.inst()?
            .api()
            .get_kv_config_value(namespace, key, self.timeout_millis)
            .await
    }

    /// Writes a KV config entry on every name server (`createAndUpdateKvConfig`).
    pub async fn create_and_update_kv_config(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
    ) -> Result<(), ClientError> {
        let inst = self.inst()?;
        for addr in inst.api().remoting().name_server_address_list() {
            inst.api()
                .put_kv_config_value(&addr, namespace, key, value, self.timeout_millis)
                .await?;
        }
        Ok(())
    }

    /// Returns the offsets of every queue of a topic on every broker (`examineTopicStats`).
    pub async fn examine_topic_stats(&self, topic: &str) -> Result<TopicStatsTable, ClientError> {
        let mut out = TopicStatsTable::default();
        for addr in self.route_broker_addrs(topic).await? {
            let t = self.examine_topic_stats_in_broker(&addr, topic).await?;
            out.offset_table.extend(t.offset_table);
            out.topic_put_tps += t.topic_put_tps;
        }
        Ok(out)
    }

    /// Returns the offsets of a topic's queues on one broker (GET_TOPIC_STATS_INFO,
    /// `examineTopicStats(brokerAddr, topic)`).
    pub async fn examine_topic_stats_in_broker(
        &self,
        broker_addr: &str,
        topic: &str,
    ) -> Result<TopicStatsTable, ClientError> {
        self.inst()?
            .api()
            .get_topic_stats_info(broker_addr, topic, self.timeout_millis)
            .await
    }

    /// Returns a group's progress on every queue, optionally of one topic
    /// (`examineConsumeStats`).
    pub async fn examine_consume_stats(
        &self,
        group: &str,
        topic: Option<&str>,
    ) -> Result<ConsumeStats, ClientError> {
        let route = self
            .examine_topic_route_info(&mix_all::get_retry_topic(group))
            .await?;
        let mut out = ConsumeStats::default();
        for bd in &route.broker_datas {
            let Some(addr) = bd.master_addr() else {
                continue;
            };
            let cs = self
                .examine_consume_stats_in_broker(addr, group, topic, self.timeout_millis)
                .await?;
            out.offset_table.extend(cs.offset_table);
            out.consume_tps += cs.consume_tps;
        }
        Ok(out)
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
        self.inst()?
            .api()
            .get_consume_stats(broker_addr, group, topic, timeout_millis)
            .await
    }

    /// Returns the clients of a consumer group (`examineConsumerConnectionInfo`); code 206
    /// (CONSUMER_NOT_ONLINE) when none is connected.
    pub async fn examine_consumer_connection_info(
        &self,
        group: &str,
    ) -> Result<ConsumerConnection, ClientError> {
        let addr = self.group_broker_addr(group).await?;
        self.examine_consumer_connection_info_in_broker(group, &addr)
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
            .inst()?
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

    /// Returns the clients of a producer group that sent to `topic`
    /// (`examineProducerConnectionInfo`).
    pub async fn examine_producer_connection_info(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<ProducerConnection, ClientError> {
        let mut out = ProducerConnection::default();
        for addr in self.route_broker_addrs(topic).await? {
            let pc = self
                .examine_producer_connection_info_in_broker(group, &addr)
                .await?;
            out.connection_set.extend(pc.connection_set);
        }
        Ok(out)
    }

    /// Returns the clients of a producer group connected to one broker
    /// (GET_PRODUCER_CONNECTION_LIST, `MQClientAPIImpl#getProducerConnectionList`).
    pub async fn examine_producer_connection_info_in_broker(
        &self,
        group: &str,
        broker_addr: &str,
    ) -> Result<ProducerConnection, ClientError> {
        self.inst()?
            .api()
            .get_producer_connection_list(broker_addr, group, self.timeout_millis)
            .await
    }

    /// Returns the groups consuming a topic (`queryTopicConsumeByWho`).
    pub async fn query_topic_consume_by_who(&self, topic: &str) -> Result<GroupList, ClientError> {
        let mut out = GroupList::default();
        for addr in self.route_broker_addrs(topic).await? {
            let gl = self
                .query_topic_consume_by_who_in_broker(&addr, topic)
                .await?;
            out.group_list.extend(gl.group_list);
        }
        Ok(out)
    }

    /// Returns the groups consuming a topic, as one broker knows them
    /// (QUERY_TOPIC_CONSUME_BY_WHO, `MQClientAPIImpl#queryTopicConsumeByWho`).
    pub async fn query_topic_consume_by_who_in_broker(
        &self,
        broker_addr: &str,
        topic: &str,
    ) -> Result<GroupList, ClientError> {
        self.inst()?
            .api()
            .query_topic_consume_by_who(broker_addr, topic, self.timeout_millis)
            .await
    }

    /// Returns per-queue time spans of a group on a topic (`queryConsumeTimeSpan`).
    pub async fn query_consume_time_span(
        &self,
        topic: &str,
        group: &str,
    ) -> Result<Vec<QueueTimeSpan>, ClientError> {
        let mut out = Vec::new();
        let inst = self.inst()?;
        for addr in self.route_broker_addrs(topic).await? {
            let b = inst
                .api()
                .query_consume_time_span(&addr, topic, group, self.timeout_millis)
                .await?;
            out.extend(b.consume_time_span_set);
        }
        Ok(out)
    }
}
