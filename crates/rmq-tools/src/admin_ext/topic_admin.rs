//! Topic calls of `DefaultMQAdminExtImpl` with mqadmin's semantics: `createAndUpdateTopicConfig`
//! with attribute modifications, `createOrUpdateOrderConf`, `examineTopicStats`,
//! `getTopicClusterList`, `queryTopicConsumeByWho`; the per-broker calls are rmq-client's.

use super::MQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
use rmq_common::TopicConfig;
use rmq_remoting::protocol::body::group_list::GroupList;
use rmq_remoting::protocol::body::topic_stats_table::TopicStatsTable;
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
        let attributes = Some(attributes_to_string(&tc.attributes));
        self.create_and_update_topic_config_with_attributes(broker_addr, tc, attributes)
            .await?;
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
                return Ok(Some(
                    self.query_topic_consume_by_who_in_broker(addr, topic)
                        .await?,
                ));
            }
        }
        Ok(None)
    }
}
