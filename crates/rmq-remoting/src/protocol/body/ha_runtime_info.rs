//! `HARuntimeInfo`, the GET_BROKER_HA_STATUS body (Java `remoting/protocol/body/HARuntimeInfo`),
//! as `mqadmin haStatus` reads it. The broker writes the store's own copy of this shape
//! (`rmq_store::ha::HaRuntimeInfo`), which does not depend on this crate.

use serde::{Deserialize, Serialize};

/// A broker's HA figures: as a master its slave connections, as a slave its HA client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HARuntimeInfo {
    pub ha_client_runtime_info: HAClientRuntimeInfo,
    pub ha_connection_info: Vec<HAConnectionRuntimeInfo>,
    pub in_sync_slave_nums: i32,
    pub master: bool,
    pub master_commit_log_max_offset: i64,
}

/// One slave connection on a master (Java `HARuntimeInfo.HAConnectionRuntimeInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HAConnectionRuntimeInfo {
    pub addr: String,
    pub diff: i64,
    pub in_sync: bool,
    pub slave_ack_offset: i64,
    pub transferred_byte_in_second: i64,
    pub transfer_from_where: i64,
}

/// A slave's HA client (Java `HARuntimeInfo.HAClientRuntimeInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HAClientRuntimeInfo {
    pub last_read_timestamp: i64,
    pub last_write_timestamp: i64,
    /// The master's HA address; absent (Java `null`) before the slave learnt it.
    pub master_addr: Option<String>,
    pub master_flush_offset: i64,
    pub max_offset: i64,
    pub transferred_byte_in_second: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::decode;

    #[test]
    fn decodes_java_fastjson_body() {
        // As a Java 5.3.3 master writes it (fastjson, members sorted, nulls left out).
        let body = br#"{"haClientRuntimeInfo":{"lastReadTimestamp":0,"lastWriteTimestamp":0,"masterFlushOffset":0,"maxOffset":0,"transferredByteInSecond":0},"haConnectionInfo":[{"addr":"127.0.0.1:51234","diff":0,"inSync":true,"slaveAckOffset":4096,"transferFromWhere":4096,"transferredByteInSecond":0}],"inSyncSlaveNums":1,"master":true,"masterCommitLogMaxOffset":4096}"#;
        let info: HARuntimeInfo = decode(body).unwrap();
        assert!(info.master);
        assert_eq!(info.master_commit_log_max_offset, 4096);
        assert_eq!(info.ha_connection_info[0].addr, "127.0.0.1:51234");
        assert!(info.ha_connection_info[0].in_sync);
        assert_eq!(info.ha_client_runtime_info.master_addr, None);
    }
}
