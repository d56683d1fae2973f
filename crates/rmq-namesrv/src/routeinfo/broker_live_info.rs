//! `BrokerLiveInfo`: what the NameServer keeps about a live broker (Java: package-private
//! class in `RouteInfoManager.java`).

use rmq_common::DataVersion;
use rmq_remoting::Channel;

/// What the NameServer knows about a live broker (Java `BrokerLiveInfo`).
#[derive(Debug, Clone)]
pub struct BrokerLiveInfo {
    /// Last REGISTER_BROKER, QUERY_DATA_VERSION or BROKER_HEARTBEAT, epoch milliseconds.
    pub last_update_timestamp: i64,
    /// The broker expires when now > last update + this.
    pub heartbeat_timeout_millis: i64,
    /// DataVersion of the broker's topic table at its last registration.
    pub data_version: DataVersion,
    /// The connection the registration came over; closing it unregisters the broker.
    pub channel: Option<Channel>,
    pub ha_server_addr: String,
}
