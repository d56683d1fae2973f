//! The input and outcome of a broker registration: `BrokerRegistration` (the arguments of
//! Java's `RouteInfoManager#registerBroker`) and `RegisterBrokerResult` (Java
//! `remoting/.../namesrv/RegisterBrokerResult.java`).

use rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use rmq_remoting::Channel;

/// Outcome of a registration: for a slave, its live master's address and HA address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterBrokerResult {
    pub ha_server_addr: Option<String>,
    pub master_addr: Option<String>,
}

/// A REGISTER_BROKER request, decoded.
#[derive(Debug, Clone, Default)]
pub struct BrokerRegistration {
    pub cluster_name: String,
    pub broker_addr: String,
    pub broker_name: String,
    pub broker_id: u64,
    pub ha_server_addr: String,
    /// `__ZONE_NAME` ext field.
    pub zone_name: Option<String>,
    /// `heartbeatTimeoutMillis`; `None` means `brokerChannelExpiredTime`.
    pub timeout_millis: Option<i64>,
    /// `None` for brokers older than 5.0 (they cannot act as master).
    pub enable_acting_master: Option<bool>,
    pub topic_config_wrapper: TopicConfigSerializeWrapper,
    /// `None` leaves the broker's filter servers untouched.
    pub filter_server_list: Option<Vec<String>>,
    pub channel: Option<Channel>,
}
