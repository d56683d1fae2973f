//! `ControllerConfig`: the controller's settings with Java's key names and defaults (Java
//! `common/.../ControllerConfig.java`).

use rmq_common::mix_all::user_home;
use rmq_remoting::not_implemented_keys::{NotImplementedKey, TOKIO_POOLS};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Java's `ControllerConfig.DLEDGER_CONTROLLER`.
pub const DLEDGER_CONTROLLER: &str = "DLedger";

/// The controller's settings. Keys are Java's field names; every field keeps Java's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ControllerConfig {
    pub rocketmq_home: String,
    /// Where UPDATE_CONTROLLER_CONFIG persists the configuration; default
    /// `~/controller/controller.properties`.
    pub config_store_path: String,
    /// `DLedger` (Java's default) or `jRaft`; rmq replicates with openraft either way.
    pub controller_type: String,
    /// Period of the scan for brokers whose heartbeat expired, in milliseconds.
    pub scan_not_active_broker_interval: i64,
    pub controller_thread_pool_nums: i32,
    pub controller_request_thread_pool_queue_capacity: i32,
    /// The Raft group's name.
    pub controller_d_leger_group: String,
    /// `n0-127.0.0.1:9878;n1-127.0.0.1:9868;…`: the controllers, by id and address.
    pub controller_d_leger_peers: String,
    /// This controller's id in `controllerDLegerPeers`.
    pub controller_d_leger_self_id: String,
    pub mapped_file_size: i32,
    /// Directory of the Raft log and snapshots; empty = `~/DledgerController` (rmq's choice:
    /// Java's DLedger then writes relative to its working directory).
    pub controller_store_path: String,
    /// How often the controller retries an election it triggered.
    pub elect_master_max_retry_count: i32,
    /// Elect a replica outside the SyncStateSet when no in-sync one is alive (may lose data).
    pub enable_elect_unclean_master: bool,
    /// Replicate read requests through the log too (linearizable reads).
    pub is_process_read_event: bool,
    /// Send NOTIFY_BROKER_ROLE_CHANGED to a broker set's members after an election.
    pub notify_broker_role_changed: bool,
    /// Period of the leader's scan for broker sets whose master is dead, in milliseconds.
    pub scan_inactive_master_interval: i64,
    pub metrics_exporter_type: String,
    pub metrics_grpc_exporter_target: String,
    pub metrics_grpc_exporter_header: String,
    pub metric_grpc_exporter_time_out_in_mills: i64,
    pub metric_grpc_exporter_interval_in_mills: i64,
    pub metric_logging_exporter_interval_in_mills: i64,
    pub metrics_prom_exporter_port: i32,
    pub metrics_prom_exporter_host: String,
    pub metrics_label: String,
    pub metrics_in_delta: bool,
    /// `;`-separated keys UPDATE_CONTROLLER_CONFIG refuses to change.
    pub config_black_list: String,
}

/// `ControllerConfig` keys the controller parses but does not act on.
pub const NOT_IMPLEMENTED_KEYS: &[NotImplementedKey] = &[
    (
        "controllerType",
        "rmq's controllers always replicate with openraft (Java: DLedger or jRaft)",
    ),
    ("controllerThreadPoolNums", TOKIO_POOLS),
    ("controllerRequestThreadPoolQueueCapacity", TOKIO_POOLS),
    (
        "mappedFileSize",
        "the Raft log is openraft's, kept in plain files",
    ),
    (
        "isProcessReadEvent",
        "reads are answered from the leader's applied state",
    ),
    ("metricsExporterType", "no controller metrics yet"),
    ("metricsGrpcExporterTarget", "no controller metrics yet"),
    ("metricsGrpcExporterHeader", "no controller metrics yet"),
    (
        "metricGrpcExporterTimeOutInMills",
        "no controller metrics yet",
    ),
    (
        "metricGrpcExporterIntervalInMills",
        "no controller metrics yet",
    ),
    (
        "metricLoggingExporterIntervalInMills",
        "no controller metrics yet",
    ),
    ("metricsPromExporterPort", "no controller metrics yet"),
    ("metricsPromExporterHost", "no controller metrics yet"),
    ("metricsLabel", "no controller metrics yet"),
    ("metricsInDelta", "no controller metrics yet"),
];

impl Default for ControllerConfig {
    fn default() -> Self {
        let home = user_home();
        ControllerConfig {
            rocketmq_home: std::env::var("ROCKETMQ_HOME").unwrap_or_default(),
            config_store_path: Path::new(&home)
                .join("controller")
                .join("controller.properties")
                .to_string_lossy()
                .into_owned(),
            controller_type: DLEDGER_CONTROLLER.into(),
            scan_not_active_broker_interval: 5_000,
            controller_thread_pool_nums: 16,
            controller_request_thread_pool_queue_capacity: 50_000,
            controller_d_leger_group: String::new(),
            controller_d_leger_peers: String::new(),
            controller_d_leger_self_id: String::new(),
            mapped_file_size: 1024 * 1024 * 1024,
            controller_store_path: String::new(),
            elect_master_max_retry_count: 3,
            enable_elect_unclean_master: false,
            is_process_read_event: false,
            notify_broker_role_changed: true,
            scan_inactive_master_interval: 5_000,
            metrics_exporter_type: "DISABLE".into(),
            metrics_grpc_exporter_target: String::new(),
            metrics_grpc_exporter_header: String::new(),
            metric_grpc_exporter_time_out_in_mills: 3_000,
            metric_grpc_exporter_interval_in_mills: 60_000,
            metric_logging_exporter_interval_in_mills: 10_000,
            metrics_prom_exporter_port: 5557,
            metrics_prom_exporter_host: String::new(),
            metrics_label: String::new(),
            metrics_in_delta: false,
            config_black_list: "configBlackList;configStorePath".into(),
        }
    }
}

impl ControllerConfig {
    /// The Raft store directory (`controllerStorePath`, or `~/DledgerController`).
    pub fn store_dir(&self) -> std::path::PathBuf {
        if self.controller_store_path.trim().is_empty() {
            Path::new(&user_home()).join("DledgerController")
        } else {
            Path::new(self.controller_store_path.trim()).to_path_buf()
        }
    }

    /// Checks what the controller cannot run without (Java throws the same at initialize).
    pub fn validate(&self) -> Result<(), String> {
        if self.controller_d_leger_peers.trim().is_empty() {
            return Err(
                "Attribute value controllerDLegerPeers of ControllerConfig is null or empty".into(),
            );
        }
        if self.controller_d_leger_self_id.trim().is_empty() {
            return Err(
                "Attribute value controllerDLegerSelfId of ControllerConfig is null or empty"
                    .into(),
            );
        }
        if self.scan_not_active_broker_interval <= 0 || self.scan_inactive_master_interval <= 0 {
            return Err(
                "scanNotActiveBrokerInterval and scanInactiveMasterInterval must be positive"
                    .into(),
            );
        }
        Ok(())
    }

    /// The keys UPDATE_CONTROLLER_CONFIG refuses (Java `initConfigBlackList`).
    pub fn black_list_keys(&self) -> Vec<String> {
        rmq_common::configuration::black_list_keys(
            &["configBlackList", "configStorePath", "rocketmqHome"],
            &self.config_black_list,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::properties;

    #[test]
    fn java_keys_and_defaults() {
        let c = ControllerConfig::default();
        let p = properties::object_to_properties(&c);
        for key in [
            "controllerDLegerGroup",
            "controllerDLegerPeers",
            "controllerDLegerSelfId",
            "controllerStorePath",
            "enableElectUncleanMaster",
            "isProcessReadEvent",
            "notifyBrokerRoleChanged",
            "scanInactiveMasterInterval",
            "scanNotActiveBrokerInterval",
            "electMasterMaxRetryCount",
            "configBlackList",
        ] {
            assert!(p.contains_key(key), "missing {key}");
        }
        assert_eq!(
            p.get("notifyBrokerRoleChanged").map(String::as_str),
            Some("true")
        );
        assert!(c.validate().is_err());
    }

    #[test]
    fn a_quick_start_file_binds() {
        let mut c = ControllerConfig::default();
        let props = properties::parse(
            "controllerDLegerGroup = group1\ncontrollerDLegerPeers = n0-127.0.0.1:9878\ncontrollerDLegerSelfId = n0\n",
        );
        let report = properties::bind(&mut c, &props, &[]);
        assert!(
            report.unknown_keys.is_empty() && report.invalid_keys.is_empty(),
            "{report:?}"
        );
        assert_eq!(c.controller_d_leger_peers, "n0-127.0.0.1:9878");
        assert!(c.validate().is_ok());
        assert!(c.store_dir().ends_with("DledgerController"));
    }

    #[test]
    fn every_not_implemented_key_exists() {
        let problems = rmq_remoting::not_implemented_keys::table_problems(
            NOT_IMPLEMENTED_KEYS,
            &ControllerConfig::default(),
        );
        assert!(problems.is_empty(), "{problems:?}");
    }
}
