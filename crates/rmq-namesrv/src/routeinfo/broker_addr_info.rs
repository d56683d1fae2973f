//! `BrokerAddrInfo`: the key of a live broker — (cluster, address) in 5.x, where 4.9 used the
//! address alone (Java: package-private class in `RouteInfoManager.java`).

use std::fmt;

/// Liveness key of a broker: (cluster, address) (Java `BrokerAddrInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BrokerAddrInfo {
    pub cluster_name: String,
    pub broker_addr: String,
}

impl BrokerAddrInfo {
    /// Builds the key.
    pub fn new(cluster_name: &str, broker_addr: &str) -> Self {
        BrokerAddrInfo {
            cluster_name: cluster_name.to_string(),
            broker_addr: broker_addr.to_string(),
        }
    }
}

impl fmt::Display for BrokerAddrInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BrokerIdentityInfo [clusterName={}, brokerAddr={}]",
            self.cluster_name, self.broker_addr
        )
    }
}
