//! HA figures answered to GET_BROKER_HA_STATUS (Java `HARuntimeInfo`). Fields are declared in
//! the order fastjson writes them (alphabetical), so `serde_json` output matches Java's.

use serde::{Deserialize, Serialize};

/// What the HA service of one broker knows (Java `HARuntimeInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HaRuntimeInfo {
    /// The slave side: the HA client's state (all zero on a master that replicates from no one).
    pub ha_client_runtime_info: HaClientRuntimeInfo,
    /// One entry per connected slave (master side).
    pub ha_connection_info: Vec<HaConnectionRuntimeInfo>,
    /// Slaves whose acknowledged offset is within `haMaxGapNotInSync` of the master's max.
    pub in_sync_slave_nums: i32,
    /// True unless the broker role is SLAVE.
    pub master: bool,
    /// The CommitLog max offset of this broker.
    pub master_commit_log_max_offset: i64,
}

/// One slave connection on the master (Java `HARuntimeInfo.HAConnectionRuntimeInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HaConnectionRuntimeInfo {
    /// The slave's socket address, `ip:port` (no leading `/`).
    pub addr: String,
    /// Master max offset minus the slave's acknowledged offset.
    pub diff: i64,
    pub in_sync: bool,
    /// Last offset the slave reported.
    pub slave_ack_offset: i64,
    /// Bytes sent in the last second.
    pub transferred_byte_in_second: i64,
    /// Next offset the master sends from.
    pub transfer_from_where: i64,
}

/// The slave's HA client (Java `HARuntimeInfo.HAClientRuntimeInfo`; `isActivated` has no
/// getter in Java and is not written).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HaClientRuntimeInfo {
    pub last_read_timestamp: i64,
    pub last_write_timestamp: i64,
    /// The master's HA address (`haServerAddr`).
    pub master_addr: Option<String>,
    /// The master's flushed offset as told by a controller-mode master; 0 in classic mode.
    pub master_flush_offset: i64,
    /// This (slave) broker's CommitLog max offset.
    pub max_offset: i64,
    pub transferred_byte_in_second: i64,
}
