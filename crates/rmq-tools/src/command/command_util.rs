//! `CommandUtil` (Java `tools/command/CommandUtil`): broker addresses of a cluster or of a
//! broker name, as the subcommands that take `-c`/`-b` resolve them.

use crate::admin::DefaultMQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
use rmq_remoting::protocol::body::route::BrokerData;
use std::collections::{BTreeMap, BTreeSet};

/// Java's error text for an unknown cluster.
pub const ERROR_MESSAGE: &str =
    "Make sure the specified clusterName exists or the name server connected to is correct.";

/// Placeholder for a broker name without master (`NO_MASTER_PLACEHOLDER`).
pub const NO_MASTER_PLACEHOLDER: &str = "NO_MASTER";

/// The brokers of `cluster`, in broker name order; an unknown cluster fails with
/// [`ERROR_MESSAGE`].
async fn cluster_brokers(
    admin: &DefaultMQAdminExt,
    cluster: &str,
) -> Result<Vec<BrokerData>, ToolsError> {
    let ci = admin.examine_broker_cluster_info().await?;
    let names = ci
        .cluster_addr_table
        .get(cluster)
        .ok_or_else(|| ClientError::client(-1, ERROR_MESSAGE))?;
    Ok(names
        .iter()
        .filter_map(|n| ci.broker_addr_table.get(n))
        .cloned()
        .collect())
}

/// The master addresses of `cluster` (`fetchMasterAddrByClusterName`); Java prints
/// `[error] ...` and returns none for an unknown cluster, this returns the error.
pub async fn fetch_master_addr_by_cluster_name(
    admin: &DefaultMQAdminExt,
    cluster: &str,
) -> Result<BTreeSet<String>, ToolsError> {
    Ok(admin
        .fetch_master_addr_by_cluster_name(cluster)
        .await?
        .into_iter()
        .collect())
}

/// Every broker address, masters and slaves, of `cluster`
/// (`fetchMasterAndSlaveAddrByClusterName`).
pub async fn fetch_master_and_slave_addr_by_cluster_name(
    admin: &DefaultMQAdminExt,
    cluster: &str,
) -> Result<BTreeSet<String>, ToolsError> {
    Ok(cluster_brokers(admin, cluster)
        .await?
        .into_iter()
        .flat_map(|bd| bd.broker_addrs.into_values())
        .collect())
}

/// Every broker address, master and slaves, of a broker name; none for an unknown name
/// (`fetchMasterAndSlaveAddrByBrokerName`).
pub async fn fetch_master_and_slave_addr_by_broker_name(
    admin: &DefaultMQAdminExt,
    broker_name: &str,
) -> Result<BTreeSet<String>, ToolsError> {
    let mut ci = admin.examine_broker_cluster_info().await?;
    Ok(ci
        .broker_addr_table
        .remove(broker_name)
        .map(|bd| bd.broker_addrs.into_values().collect())
        .unwrap_or_default())
}

/// Masters of `cluster` with their slaves (`fetchMasterAndSlaveDistinguish`); a broker name
/// without master is listed under [`NO_MASTER_PLACEHOLDER`].
pub async fn fetch_master_and_slave_distinguish(
    admin: &DefaultMQAdminExt,
    cluster: &str,
) -> Result<BTreeMap<String, Vec<String>>, ToolsError> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for bd in cluster_brokers(admin, cluster).await? {
        let master = bd
            .master_addr()
            .map_or_else(|| NO_MASTER_PLACEHOLDER.to_string(), str::to_string);
        let entry = map.entry(master).or_default();
        for (id, addr) in &bd.broker_addrs {
            if *id != rmq_common::mix_all::MASTER_ID {
                entry.push(addr.clone());
            }
        }
    }
    Ok(map)
}

/// The broker names of `cluster` (`fetchBrokerNameByClusterName`).
pub async fn fetch_broker_name_by_cluster_name(
    admin: &DefaultMQAdminExt,
    cluster: &str,
) -> Result<BTreeSet<String>, ToolsError> {
    let ci = admin.examine_broker_cluster_info().await?;
    match ci.cluster_addr_table.get(cluster) {
        Some(names) if !names.is_empty() => Ok(names.clone()),
        _ => Err(ClientError::client(-1, ERROR_MESSAGE).into()),
    }
}

/// The broker name serving `addr` (`fetchBrokerNameByAddr`).
pub async fn fetch_broker_name_by_addr(
    admin: &DefaultMQAdminExt,
    addr: &str,
) -> Result<String, ToolsError> {
    let ci = admin.examine_broker_cluster_info().await?;
    ci.broker_addr_table
        .iter()
        .find(|(_, bd)| bd.broker_addrs.values().any(|a| a == addr))
        .map(|(name, _)| name.clone())
        .ok_or_else(|| ClientError::client(-1, ERROR_MESSAGE).into())
}

/// The master address of a broker name (`fetchMasterAddrByBrokerName`).
pub async fn fetch_master_addr_by_broker_name(
    admin: &DefaultMQAdminExt,
    broker_name: &str,
) -> Result<String, ToolsError> {
    let ci = admin.examine_broker_cluster_info().await?;
    ci.broker_addr_table
        .get(broker_name)
        .and_then(|bd| bd.master_addr().map(str::to_string))
        .ok_or_else(|| {
            ClientError::client(
                -1,
                format!("No broker address for broker name {broker_name}."),
            )
            .into()
        })
}
