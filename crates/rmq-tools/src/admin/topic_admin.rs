//! Topic calls of `DefaultMQAdminExtImpl` with mqadmin's semantics: `createAndUpdateTopicConfig`
//! with attribute modifications, `createOrUpdateOrderConf`, `examineTopicStats`,
//! `getTopicClusterList`, `queryTopicConsumeByWho`; topic creation in a cluster, deletion
//! on brokers and name servers, per-broker topic statistics.

use super::DefaultMQAdminExt;
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

impl DefaultMQAdminExt {
    /// Creates or updates a topic on one broker (`createAndUpdateTopicConfig`), its
    /// attributes sent as `+key=value` additions.
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
        self.instance()?
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
        let inst = self.instance()?;
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
        let inst = self.instance()?;
        for addr in inst.api().remoting().name_server_address_list() {
            inst.api()
                .delete_topic_in_name_server(&addr, topic, cluster, self.timeout_millis)
                .await?;
        }
        Ok(())
    }

    /// Returns the offsets of a topic's queues on one broker (GET_TOPIC_STATS_INFO,
    /// `examineTopicStats(brokerAddr, topic)`).
    pub async fn examine_topic_stats_in_broker(
        &self,
        broker_addr: &str,
        topic: &str,
    ) -> Result<TopicStatsTable, ClientError> {
        self.instance()?
            .api()
            .get_topic_stats_info(broker_addr, topic, self.timeout_millis)
            .await
    }

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
