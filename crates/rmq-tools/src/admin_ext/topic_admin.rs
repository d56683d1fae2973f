//! Topic calls of `DefaultMQAdminExtImpl`: `examineTopicStats`, `getTopicClusterList`,
//! `queryTopicConsumeByWho`.

use super::MQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
use rmq_common::{mix_all, TopicConfig};
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::group_list::GroupList;
use rmq_remoting::protocol::body::topic_stats_table::TopicStatsTable;
use rmq_remoting::protocol::header::broker::{
    CreateTopicRequestHeader, GetTopicStatsInfoRequestHeader, QueryTopicConsumeByWhoRequestHeader,
};
use rmq_remoting::protocol::header::namesrv::DeleteTopicFromNamesrvRequestHeader;
use rmq_remoting::{RemotingCommand, RequestCode};
use std::collections::{BTreeMap, BTreeSet};

/// The KV namespace of order topic configs (`NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`).
pub const NAMESPACE_ORDER_TOPIC_CONFIG: &str = "ORDER_TOPIC_CONFIG";

/// `AttributeParser.parseToString`: `key=value` entries (bare `key` for an empty value)
/// joined by `,`; keys carry their `+`/`-` marks.
pub fn attributes_to_string(attributes: &BTreeMap<String, String>) -> String {
    attributes
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl MQAdminExt {
    /// UPDATE_AND_CREATE_TOPIC with Java's attribute modifications (`+k=v`, `-k` keys as
    /// `AttributeParser.parseToMap` makes them) (`createAndUpdateTopicConfig`).
    pub async fn update_topic_config(
        &self,
        broker_addr: &str,
        tc: &TopicConfig,
    ) -> Result<(), ToolsError> {
        let h = CreateTopicRequestHeader {
            topic: tc.topic_name.clone(),
            default_topic: mix_all::AUTO_CREATE_TOPIC_KEY_TOPIC.to_string(),
            read_queue_nums: tc.read_queue_nums,
            write_queue_nums: tc.write_queue_nums,
            perm: tc.perm,
            topic_filter_type: tc.topic_filter_type.as_str().to_string(),
            topic_sys_flag: Some(tc.topic_sys_flag),
            order: tc.order,
            attributes: Some(attributes_to_string(&tc.attributes)),
            force: None,
        };
        let req = RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &h);
        self.instance()
            .api()
            .invoke_broker(broker_addr, req, self.timeout_millis())
            .await?;
        Ok(())
    }

    /// DELETE_TOPIC_IN_NAMESRV on every name server, for one cluster's brokers
    /// (`deleteTopicInNameServer(addrs, clusterName, topic)`).
    pub async fn delete_topic_in_name_server_of_cluster(
        &self,
        cluster: &str,
        topic: &str,
    ) -> Result<(), ToolsError> {
        let h = DeleteTopicFromNamesrvRequestHeader {
            topic: topic.to_string(),
            cluster_name: Some(cluster.to_string()),
        };
        for addr in self.name_server_address_list() {
            let req =
                RemotingCommand::create_request_command(RequestCode::DELETE_TOPIC_IN_NAMESRV, &h);
            self.instance()
                .api()
                .invoke_broker(&addr, req, self.timeout_millis())
                .await?;
        }
        Ok(())
    }

    /// Records a topic's order config `brokerName:queueNums[;...]` in the name servers' KV
    /// store (`createOrUpdateOrderConf`): for a cluster it replaces the value, for one broker
    /// it replaces that broker's entry in the existing value.
    pub async fn create_or_update_order_conf(
        &self,
        topic: &str,
        value: &str,
        is_cluster: bool,
    ) -> Result<(), ToolsError> {
        if is_cluster {
            self.create_and_update_kv_config(NAMESPACE_ORDER_TOPIC_CONFIG, topic, value)
                .await?;
            return Ok(());
        }
        let old = self
            .get_kv_config(NAMESPACE_ORDER_TOPIC_CONFIG, topic)
            .await
            .unwrap_or_default();
        let mut confs: BTreeMap<String, String> = BTreeMap::new();
        for conf in old.split(';').filter(|c| !c.trim().is_empty()) {
            let broker = conf.split(':').next().unwrap_or_default();
            confs.insert(broker.to_string(), conf.to_string());
        }
        let broker = value.split(':').next().unwrap_or_default();
        confs.insert(broker.to_string(), value.to_string());
        let joined = confs.into_values().collect::<Vec<_>>().join(";");
        self.create_and_update_kv_config(NAMESPACE_ORDER_TOPIC_CONFIG, topic, &joined)
            .await?;
        Ok(())
    }

    /// GET_TOPIC_STATS_INFO on one broker (`examineTopicStats(brokerAddr, topic)`).
    pub async fn examine_topic_stats_in_broker(
        &self,
        broker_addr: &str,
        topic: &str,
    ) -> Result<TopicStatsTable, ToolsError> {
        let h = GetTopicStatsInfoRequestHeader {
            topic: topic.to_string(),
        };
        let req = RemotingCommand::create_request_command(RequestCode::GET_TOPIC_STATS_INFO, &h);
        let resp = self
            .instance()
            .api()
            .invoke_broker(broker_addr, req, self.timeout_millis())
            .await?;
        Ok(decode(&resp.body)?)
    }

    /// Merges the topic statistics of every broker routing `topic` (`examineTopicStats`);
    /// fails with `Not found the topic stats info` when none has any.
    pub async fn examine_topic_stats(&self, topic: &str) -> Result<TopicStatsTable, ToolsError> {
        let route = self.examine_topic_route_info(topic).await?;
        let mut table = TopicStatsTable::default();
        for bd in &route.broker_datas {
            if let Some(addr) = bd.select_broker_addr() {
                let tst = self.examine_topic_stats_in_broker(addr, topic).await?;
                // Java merges only the offset tables: the put TPS of the merged table stays 0.
                table.offset_table.extend(tst.offset_table);
            }
        }
        if table.offset_table.is_empty() {
            return Err(ClientError::client(-1, "Not found the topic stats info").into());
        }
        Ok(table)
    }

    /// Returns the clusters of the broker holding the topic's first route entry
    /// (`getTopicClusterList`).
    pub async fn get_topic_cluster_list(
        &self,
        topic: &str,
    ) -> Result<BTreeSet<String>, ToolsError> {
        let cluster_info = self.examine_broker_cluster_info().await?;
        let route = self.examine_topic_route_info(topic).await?;
        let broker_name = route
            .broker_datas
            .first()
            .map(|bd| bd.broker_name.clone())
            .ok_or_else(|| ClientError::client(-1, format!("no broker routes topic {topic}")))?;
        Ok(cluster_info
            .cluster_addr_table
            .iter()
            .filter(|(_, names)| names.contains(&broker_name))
            .map(|(cluster, _)| cluster.clone())
            .collect())
    }

    /// Returns the consumer groups subscribed to `topic`, asked of the first broker routing it
    /// (`queryTopicConsumeByWho`); `None` when no broker routes it.
    pub async fn query_topic_consume_by_who(
        &self,
        topic: &str,
    ) -> Result<Option<GroupList>, ToolsError> {
        let route = self.examine_topic_route_info(topic).await?;
        for bd in &route.broker_datas {
            if let Some(addr) = bd.select_broker_addr() {
                let h = QueryTopicConsumeByWhoRequestHeader {
                    topic: topic.to_string(),
                };
                let req = RemotingCommand::create_request_command(
                    RequestCode::QUERY_TOPIC_CONSUME_BY_WHO,
                    &h,
                );
                let resp = self
                    .instance()
                    .api()
                    .invoke_broker(addr, req, self.timeout_millis())
                    .await?;
                return Ok(Some(decode(&resp.body)?));
            }
        }
        Ok(None)
    }
}
