//! Cluster and route calls of `DefaultMQAdminExtImpl`: `examineBrokerClusterInfo`,
//! `fetchAllTopicList`, `examineTopicRouteInfo`, and `CommandUtil.fetchMasterAddrByClusterName`.

use super::DefaultMQAdminExt;
use rmq_client::ClientError;
use rmq_remoting::protocol::body::route::{ClusterInfo, TopicList, TopicRouteData};

impl DefaultMQAdminExt {
    /// Returns brokers by name and broker names by cluster (`examineBrokerClusterInfo`).
    pub async fn examine_broker_cluster_info(&self) -> Result<ClusterInfo, ClientError> {
        self.instance()?
            .api()
            .get_broker_cluster_info(self.timeout_millis)
            .await
    }

    /// Returns every topic the name servers know (`fetchAllTopicList`).
    pub async fn fetch_all_topic_list(&self) -> Result<TopicList, ClientError> {
        self.instance()?
            .api()
            .get_topic_list_from_name_server(self.timeout_millis)
            .await
    }

    /// Returns a topic's route (`examineTopicRouteInfo`).
    pub async fn examine_topic_route_info(
        &self,
        topic: &str,
    ) -> Result<TopicRouteData, ClientError> {
        self.instance()?
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
}
