//! `MessageStoreConfig`: every key of Java's `store/config/MessageStoreConfig.java` (5.3.3), with
//! Java's names (camelCase in JSON and in `broker.conf`) and Java's defaults.
//!
//! Most keys only exist so that a Java `broker.conf` binds without "unknown key" warnings; the
//! store honours the ones listed in its module docs. Derived values that Java computes in getters
//! (`getMappedFileSizeConsumeQueue`, `getStorePathCommitLog`, `getDiskMaxUsedSpaceRatio`) are
//! methods here, so the fields keep the raw configured value.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How the CommitLog reaches the disk (Java `FlushDiskType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum FlushDiskType {
    /// The writer waits until GroupCommitService has flushed its record.
    #[serde(rename = "SYNC_FLUSH")]
    SyncFlush,
    /// FlushRealTimeService flushes in the background every `flushIntervalCommitLog` ms.
    #[serde(rename = "ASYNC_FLUSH")]
    #[default]
    AsyncFlush,
}

/// The broker's replication role (Java `BrokerRole`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum BrokerRole {
    #[serde(rename = "ASYNC_MASTER")]
    #[default]
    AsyncMaster,
    #[serde(rename = "SYNC_MASTER")]
    SyncMaster,
    #[serde(rename = "SLAVE")]
    Slave,
}

/// Size of one ConsumeQueue unit in bytes.
pub const CQ_STORE_UNIT_SIZE: i32 = 20;

/// Old spellings accepted for `properties::bind` (Java <= 4.3 used `maped`).
pub const MESSAGE_STORE_CONFIG_ALIASES: &[(&str, &str)] = &[
    ("mapedFileSizeCommitLog", "mappedFileSizeCommitLog"),
    ("mapedFileSizeConsumeQueue", "mappedFileSizeConsumeQueue"),
];

fn default_store_path_root_dir() -> String {
    let home = std::env::var("HOME").unwrap_or_else(|_| ".".to_string());
    format!("{home}{}store", std::path::MAIN_SEPARATOR)
}

/// Store configuration (Java `MessageStoreConfig`); `Default` gives Java's defaults.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageStoreConfig {
    pub store_path_root_dir: String,
    pub store_path_commit_log: Option<String>,
    pub store_path_d_ledger_commit_log: Option<String>,
    pub store_path_epoch_file: Option<String>,
    pub store_path_broker_identity: Option<String>,
    pub read_only_commit_log_store_paths: Option<String>,
    #[serde(alias = "mapedFileSizeCommitLog")]
    pub mapped_file_size_commit_log: i32,
    pub compaction_mapped_file_size: i32,
    pub compaction_cq_mapped_file_size: i32,
    pub compaction_schedule_internal: i32,
    pub max_offset_map_size: i32,
    pub compaction_thread_num: i32,
    pub enable_compaction: bool,
    pub mapped_file_size_timer_log: i32,
    pub timer_precision_ms: i32,
    pub timer_roll_window_slot: i32,
    pub timer_flush_interval_ms: i32,
    pub timer_get_message_thread_num: i32,
    pub timer_put_message_thread_num: i32,
    pub timer_enable_disruptor: bool,
    pub timer_enable_check_metrics: bool,
    pub timer_intercept_delay_level: bool,
    pub timer_max_delay_sec: i32,
    pub timer_wheel_enable: bool,
    pub disappear_time_after_start: i32,
    pub timer_stop_enqueue: bool,
    pub timer_check_metrics_when: String,
    pub timer_skip_unknown_error: bool,
    pub timer_warm_enable: bool,
    pub timer_stop_dequeue: bool,
    pub timer_enable_retry_until_success: bool,
    pub timer_congest_num_each_slot: i32,
    pub timer_metric_small_threshold: i32,
    pub timer_progress_log_interval_ms: i32,
    pub store_type: String,
    #[serde(alias = "mapedFileSizeConsumeQueue")]
    pub mapped_file_size_consume_queue: i32,
    pub enable_consume_queue_ext: bool,
    pub mapped_file_size_consume_queue_ext: i32,
    pub mapper_file_size_batch_consume_queue: i32,
    pub bit_map_length_consume_queue_ext: i32,
    pub flush_interval_commit_log: i32,
    pub commit_interval_commit_log: i32,
    pub max_recovery_commitlog_files: i32,
    pub disk_space_warning_level_ratio: i32,
    pub disk_space_clean_forcibly_ratio: i32,
    pub use_reentrant_lock_when_put_message: bool,
    pub flush_commit_log_timed: bool,
    pub flush_interval_consume_queue: i32,
    pub clean_resource_interval: i32,
    pub delete_commit_log_files_interval: i32,
    pub delete_consume_queue_files_interval: i32,
    pub destroy_maped_file_interval_forcibly: i32,
    pub redelete_hanged_file_interval: i32,
    pub delete_when: String,
    pub disk_max_used_space_ratio: i32,
    pub file_reserved_time: i32,
    pub delete_file_batch_max: i32,
    pub put_msg_index_hight_water: i32,
    pub max_message_size: i32,
    pub max_filter_message_size: i32,
    #[serde(rename = "checkCRCOnRecover")]
    pub check_crc_on_recover: bool,
    pub flush_commit_log_least_pages: i32,
    pub commit_commit_log_least_pages: i32,
    pub flush_least_pages_when_warm_maped_file: i32,
    pub flush_consume_queue_least_pages: i32,
    pub flush_commit_log_thorough_interval: i32,
    pub commit_commit_log_thorough_interval: i32,
    pub flush_consume_queue_thorough_interval: i32,
    pub max_transfer_bytes_on_message_in_memory: i32,
    pub max_transfer_count_on_message_in_memory: i32,
    pub max_transfer_bytes_on_message_in_disk: i32,
    pub max_transfer_count_on_message_in_disk: i32,
    pub access_message_in_memory_max_ratio: i32,
    pub message_index_enable: bool,
    pub max_hash_slot_num: i32,
    pub max_index_num: i32,
    pub max_msgs_num_batch: i32,
    pub message_index_safe: bool,
    pub ha_listen_port: i32,
    pub ha_send_heartbeat_interval: i32,
    pub ha_housekeeping_interval: i32,
    pub ha_transfer_batch_size: i32,
    pub ha_master_address: Option<String>,
    pub ha_max_gap_not_in_sync: i32,
    pub broker_role: BrokerRole,
    pub flush_disk_type: FlushDiskType,
    pub sync_flush_timeout: i32,
    pub put_message_timeout: i32,
    pub slave_timeout: i32,
    pub message_delay_level: String,
    pub flush_delay_offset_interval: i64,
    pub clean_file_forcibly_enable: bool,
    pub warm_maped_file_enable: bool,
    pub offset_check_in_slave: bool,
    pub debug_lock_enable: bool,
    pub duplication_enable: bool,
    pub disk_fall_recorded: bool,
    pub os_page_cache_busy_time_out_mills: i64,
    pub default_query_max_num: i32,
    pub transient_store_pool_enable: bool,
    pub transient_store_pool_size: i32,
    pub fast_fail_if_no_buffer_in_store_pool: bool,
    pub enable_d_leger_commit_log: bool,
    pub d_leger_group: Option<String>,
    pub d_leger_peers: Option<String>,
    pub d_leger_self_id: Option<String>,
    pub preferred_leader_id: Option<String>,
    pub enable_batch_push: bool,
    pub enable_schedule_message_stats: bool,
    pub enable_lmq: bool,
    pub enable_multi_dispatch: bool,
    pub max_lmq_consume_queue_num: i32,
    pub enable_schedule_async_deliver: bool,
    pub schedule_async_deliver_max_pending_limit: i32,
    pub schedule_async_deliver_max_resend_num2_blocked: i32,
    pub max_batch_delete_files_num: i32,
    pub dispatch_cq_threads: i32,
    pub dispatch_cq_cache_num: i32,
    pub enable_async_reput: bool,
    pub recheck_reput_offset_from_cq: bool,
    pub max_topic_length: i32,
    pub auto_message_version_on_topic_len: bool,
    #[serde(rename = "enabledAppendPropCRC")]
    pub enabled_append_prop_crc: bool,
    #[serde(rename = "forceVerifyPropCRC")]
    pub force_verify_prop_crc: bool,
    pub travel_cq_file_num_when_get_message: i32,
    pub correct_logic_min_offset_sleep_interval: i32,
    pub correct_logic_min_offset_force_interval: i32,
    pub mapped_file_swap_enable: bool,
    pub commit_log_force_swap_map_interval: i64,
    pub commit_log_swap_map_interval: i64,
    pub commit_log_swap_map_reserve_file_num: i32,
    pub logic_queue_force_swap_map_interval: i64,
    pub logic_queue_swap_map_interval: i64,
    pub clean_swaped_map_interval: i64,
    pub logic_queue_swap_map_reserve_file_num: i32,
    pub search_bcq_by_cache_enable: bool,
    pub dispatch_from_sender_thread: bool,
    pub wake_commit_when_put_message: bool,
    pub wake_flush_when_put_message: bool,
    pub enable_clean_expired_offset: bool,
    pub max_async_put_message_requests: i32,
    pub pull_batch_max_message_count: i32,
    pub total_replicas: i32,
    pub in_sync_replicas: i32,
    pub min_in_sync_replicas: i32,
    pub all_ack_in_sync_state_set: bool,
    pub enable_auto_in_sync_replicas: bool,
    pub ha_flow_control_enable: bool,
    pub max_ha_transfer_byte_in_second: i64,
    pub ha_max_time_slave_not_catchup: i64,
    pub sync_master_flush_offset_when_startup: bool,
    pub max_checksum_range: i64,
    pub replicas_per_disk_partition: i32,
    pub logical_disk_space_clean_forcibly_threshold: f64,
    pub max_slave_resend_length: i64,
    pub sync_from_last_file: bool,
    pub async_learner: bool,
    pub max_consume_queue_scan: i32,
    pub sample_count_threshold: i32,
    pub cold_data_flow_control_enable: bool,
    pub cold_data_scan_enable: bool,
    pub data_read_ahead_enable: bool,
    pub timer_cold_data_check_interval_ms: i32,
    pub sample_steps: i32,
    pub access_message_in_memory_hot_ratio: i32,
    pub enable_build_consume_queue_concurrently: bool,
    pub batch_dispatch_request_thread_pool_nums: i32,
    #[serde(rename = "cleanRocksDBDirtyCQIntervalMin")]
    pub clean_rocks_db_dirty_cq_interval_min: i64,
    #[serde(rename = "statRocksDBCQIntervalSec")]
    pub stat_rocks_dbcq_interval_sec: i64,
    pub mem_table_flush_interval_ms: i64,
    #[serde(rename = "realTimePersistRocksDBConfig")]
    pub real_time_persist_rocks_db_config: bool,
    #[serde(rename = "enableRocksDBLog")]
    pub enable_rocks_db_log: bool,
    pub topic_queue_lock_num: i32,
    pub read_un_committed: bool,
    pub put_consume_queue_data_by_file_channel: bool,
    #[serde(rename = "rocksdbCQDoubleWriteEnable")]
    pub rocksdb_cq_double_write_enable: bool,
    pub bottom_most_compression_type_for_consume_queue_store: String,
    pub rocksdb_compression_type: String,
    pub rocksdb_flush_wal_frequency: i32,
    pub rocksdb_wal_file_rolling_threshold: i64,
    pub spin_lock_collision_retreat_optimal_degree: i32,
    #[serde(rename = "useABSLock")]
    pub use_abs_lock: bool,
}

/// Implements `Default` from a table of `field: Java default` lines.
macro_rules! java_defaults {
    ($($field:ident: $value:expr),* $(,)?) => {
        impl Default for MessageStoreConfig {
            fn default() -> Self {
                MessageStoreConfig { $($field: $value),* }
            }
        }
    };
}

// Java's defaults (`MessageStoreConfig.java` 5.3.3 field initialisers), in its order.
java_defaults! {
    store_path_root_dir: default_store_path_root_dir(),
    store_path_commit_log: None,
    store_path_d_ledger_commit_log: None,
    store_path_epoch_file: None,
    store_path_broker_identity: None,
    read_only_commit_log_store_paths: None,
    mapped_file_size_commit_log: 1_073_741_824,
    compaction_mapped_file_size: 104_857_600,
    compaction_cq_mapped_file_size: 10_485_760,
    compaction_schedule_internal: 900_000,
    max_offset_map_size: 104_857_600,
    compaction_thread_num: 6,
    enable_compaction: true,
    mapped_file_size_timer_log: 104_857_600,
    timer_precision_ms: 1000,
    timer_roll_window_slot: 172_800,
    timer_flush_interval_ms: 1000,
    timer_get_message_thread_num: 3,
    timer_put_message_thread_num: 3,
    timer_enable_disruptor: false,
    timer_enable_check_metrics: true,
    timer_intercept_delay_level: false,
    timer_max_delay_sec: 259_200,
    timer_wheel_enable: true,
    disappear_time_after_start: -1,
    timer_stop_enqueue: false,
    timer_check_metrics_when: "05".to_string(),
    timer_skip_unknown_error: false,
    timer_warm_enable: false,
    timer_stop_dequeue: false,
    timer_enable_retry_until_success: false,
    timer_congest_num_each_slot: 2_147_483_647,
    timer_metric_small_threshold: 1_000_000,
    timer_progress_log_interval_ms: 10_000,
    store_type: "default".to_string(),
    mapped_file_size_consume_queue: 6_000_000,
    enable_consume_queue_ext: false,
    mapped_file_size_consume_queue_ext: 50_331_648,
    mapper_file_size_batch_consume_queue: 13_800_000,
    bit_map_length_consume_queue_ext: 64,
    flush_interval_commit_log: 500,
    commit_interval_commit_log: 200,
    max_recovery_commitlog_files: 30,
    disk_space_warning_level_ratio: 90,
    disk_space_clean_forcibly_ratio: 85,
    use_reentrant_lock_when_put_message: true,
    flush_commit_log_timed: true,
    flush_interval_consume_queue: 1000,
    clean_resource_interval: 10_000,
    delete_commit_log_files_interval: 100,
    delete_consume_queue_files_interval: 100,
    destroy_maped_file_interval_forcibly: 120_000,
    redelete_hanged_file_interval: 120_000,
    delete_when: "04".to_string(),
    disk_max_used_space_ratio: 75,
    file_reserved_time: 72,
    delete_file_batch_max: 10,
    put_msg_index_hight_water: 600_000,
    max_message_size: 4_194_304,
    max_filter_message_size: 16_000,
    check_crc_on_recover: true,
    flush_commit_log_least_pages: 4,
    commit_commit_log_least_pages: 4,
    flush_least_pages_when_warm_maped_file: 4096,
    flush_consume_queue_least_pages: 2,
    flush_commit_log_thorough_interval: 10_000,
    commit_commit_log_thorough_interval: 200,
    flush_consume_queue_thorough_interval: 60_000,
    max_transfer_bytes_on_message_in_memory: 262_144,
    max_transfer_count_on_message_in_memory: 32,
    max_transfer_bytes_on_message_in_disk: 65_536,
    max_transfer_count_on_message_in_disk: 8,
    access_message_in_memory_max_ratio: 40,
    message_index_enable: true,
    max_hash_slot_num: 5_000_000,
    max_index_num: 20_000_000,
    max_msgs_num_batch: 64,
    message_index_safe: false,
    ha_listen_port: 10_912,
    ha_send_heartbeat_interval: 5000,
    ha_housekeeping_interval: 20_000,
    ha_transfer_batch_size: 32_768,
    ha_master_address: None,
    ha_max_gap_not_in_sync: 268_435_456,
    broker_role: BrokerRole::AsyncMaster,
    flush_disk_type: FlushDiskType::AsyncFlush,
    sync_flush_timeout: 5000,
    put_message_timeout: 8000,
    slave_timeout: 3000,
    message_delay_level: "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"
        .to_string(),
    flush_delay_offset_interval: 10_000,
    clean_file_forcibly_enable: true,
    warm_maped_file_enable: false,
    offset_check_in_slave: false,
    debug_lock_enable: false,
    duplication_enable: false,
    disk_fall_recorded: true,
    os_page_cache_busy_time_out_mills: 1000,
    default_query_max_num: 32,
    transient_store_pool_enable: false,
    transient_store_pool_size: 5,
    fast_fail_if_no_buffer_in_store_pool: false,
    enable_d_leger_commit_log: false,
    d_leger_group: None,
    d_leger_peers: None,
    d_leger_self_id: None,
    preferred_leader_id: None,
    enable_batch_push: false,
    enable_schedule_message_stats: true,
    enable_lmq: false,
    enable_multi_dispatch: false,
    max_lmq_consume_queue_num: 20_000,
    enable_schedule_async_deliver: false,
    schedule_async_deliver_max_pending_limit: 2000,
    schedule_async_deliver_max_resend_num2_blocked: 3,
    max_batch_delete_files_num: 50,
    dispatch_cq_threads: 10,
    dispatch_cq_cache_num: 4096,
    enable_async_reput: true,
    recheck_reput_offset_from_cq: false,
    max_topic_length: 127,
    auto_message_version_on_topic_len: true,
    enabled_append_prop_crc: false,
    force_verify_prop_crc: false,
    travel_cq_file_num_when_get_message: 1,
    correct_logic_min_offset_sleep_interval: 1,
    correct_logic_min_offset_force_interval: 300_000,
    mapped_file_swap_enable: true,
    commit_log_force_swap_map_interval: 43_200_000,
    commit_log_swap_map_interval: 3_600_000,
    commit_log_swap_map_reserve_file_num: 100,
    logic_queue_force_swap_map_interval: 43_200_000,
    logic_queue_swap_map_interval: 3_600_000,
    clean_swaped_map_interval: 300_000,
    logic_queue_swap_map_reserve_file_num: 20,
    search_bcq_by_cache_enable: true,
    dispatch_from_sender_thread: false,
    wake_commit_when_put_message: true,
    wake_flush_when_put_message: false,
    enable_clean_expired_offset: false,
    max_async_put_message_requests: 5000,
    pull_batch_max_message_count: 160,
    total_replicas: 1,
    in_sync_replicas: 1,
    min_in_sync_replicas: 1,
    all_ack_in_sync_state_set: false,
    enable_auto_in_sync_replicas: false,
    ha_flow_control_enable: false,
    max_ha_transfer_byte_in_second: 104_857_600,
    ha_max_time_slave_not_catchup: 15_000,
    sync_master_flush_offset_when_startup: false,
    max_checksum_range: 1_073_741_824,
    replicas_per_disk_partition: 1,
    logical_disk_space_clean_forcibly_threshold: 0.8,
    max_slave_resend_length: 268_435_456,
    sync_from_last_file: false,
    async_learner: false,
    max_consume_queue_scan: 20_000,
    sample_count_threshold: 5000,
    cold_data_flow_control_enable: false,
    cold_data_scan_enable: false,
    data_read_ahead_enable: true,
    timer_cold_data_check_interval_ms: 60_000,
    sample_steps: 32,
    access_message_in_memory_hot_ratio: 26,
    enable_build_consume_queue_concurrently: false,
    batch_dispatch_request_thread_pool_nums: 16,
    clean_rocks_db_dirty_cq_interval_min: 60,
    stat_rocks_dbcq_interval_sec: 10,
    mem_table_flush_interval_ms: 3_600_000,
    real_time_persist_rocks_db_config: true,
    enable_rocks_db_log: false,
    topic_queue_lock_num: 32,
    read_un_committed: false,
    put_consume_queue_data_by_file_channel: true,
    rocksdb_cq_double_write_enable: false,
    bottom_most_compression_type_for_consume_queue_store: "zstd".to_string(),
    rocksdb_compression_type: "lz4".to_string(),
    rocksdb_flush_wal_frequency: 1024,
    rocksdb_wal_file_rolling_threshold: 1_073_741_824,
    spin_lock_collision_retreat_optimal_degree: 1000,
    use_abs_lock: false,
}

impl MessageStoreConfig {
    /// Returns the CommitLog directory (`getStorePathCommitLog`): `storePathCommitLog` or
    /// `<root>/commitlog`. Only the first of several `,`-separated paths is used.
    pub fn commit_log_store_path(&self) -> PathBuf {
        match &self.store_path_commit_log {
            Some(p) if !p.trim().is_empty() => {
                PathBuf::from(p.split(',').next().unwrap_or(p).trim())
            }
            _ => Path::new(&self.store_path_root_dir).join("commitlog"),
        }
    }

    /// Returns the ConsumeQueue directory `<root>/consumequeue`.
    pub fn consume_queue_store_path(&self) -> PathBuf {
        Path::new(&self.store_path_root_dir).join("consumequeue")
    }

    /// Returns the index directory `<root>/index`.
    pub fn index_store_path(&self) -> PathBuf {
        Path::new(&self.store_path_root_dir).join("index")
    }

    /// Returns the `checkpoint` file path.
    pub fn checkpoint_path(&self) -> PathBuf {
        Path::new(&self.store_path_root_dir).join("checkpoint")
    }

    /// Returns the `abort` file path.
    pub fn abort_file_path(&self) -> PathBuf {
        Path::new(&self.store_path_root_dir).join("abort")
    }

    /// Returns the `lock` file path.
    pub fn lock_file_path(&self) -> PathBuf {
        Path::new(&self.store_path_root_dir).join("lock")
    }

    /// Returns the ConsumeQueue file size rounded up to whole units
    /// (`getMappedFileSizeConsumeQueue`).
    pub fn consume_queue_file_size(&self) -> i32 {
        let units = (self.mapped_file_size_consume_queue.max(1) + CQ_STORE_UNIT_SIZE - 1)
            / CQ_STORE_UNIT_SIZE;
        units * CQ_STORE_UNIT_SIZE
    }

    /// Returns `diskMaxUsedSpaceRatio` clamped to [10, 95] as Java's getter does.
    pub fn disk_max_used_space_ratio_clamped(&self) -> i32 {
        self.disk_max_used_space_ratio.clamp(10, 95)
    }

    /// Returns the delay level table (`DefaultMessageStore#parseDelayLevel`): level `i + 1`
    /// waits `table[i]` milliseconds.
    pub fn parse_delay_levels(&self) -> Result<Vec<i64>, String> {
        self.message_delay_level
            .split(' ')
            .map(|v| {
                let unit = match v.chars().last() {
                    Some('s') => 1000,
                    Some('m') => 60_000,
                    Some('h') => 3_600_000,
                    Some('d') => 86_400_000,
                    _ => return Err(format!("bad delay level {v:?}")),
                };
                let n: i64 = v[..v.len() - 1]
                    .parse()
                    .map_err(|_| format!("bad delay level {v:?}"))?;
                Ok(n * unit)
            })
            .collect()
    }

    /// Checks the values the store relies on; the store trusts the config after this.
    pub fn validate(&self) -> Result<(), String> {
        if self.store_path_root_dir.trim().is_empty() {
            return Err("storePathRootDir is empty".into());
        }
        if self.mapped_file_size_commit_log < 4096 {
            return Err(format!(
                "mappedFileSizeCommitLog {} is below 4096",
                self.mapped_file_size_commit_log
            ));
        }
        if self.mapped_file_size_consume_queue < CQ_STORE_UNIT_SIZE {
            return Err(format!(
                "mappedFileSizeConsumeQueue {} is below one unit",
                self.mapped_file_size_consume_queue
            ));
        }
        if self.max_hash_slot_num <= 0 || self.max_index_num <= 0 {
            return Err("maxHashSlotNum and maxIndexNum must be positive".into());
        }
        let index_size = 40i64 + self.max_hash_slot_num as i64 * 4 + self.max_index_num as i64 * 20;
        if index_size > i32::MAX as i64 {
            return Err(format!("index file size {index_size} exceeds 2 GiB"));
        }
        if self.max_message_size <= 0 {
            return Err("maxMessageSize must be positive".into());
        }
        for (name, v) in [
            ("flushIntervalCommitLog", self.flush_interval_commit_log),
            (
                "flushIntervalConsumeQueue",
                self.flush_interval_consume_queue,
            ),
            (
                "flushCommitLogThoroughInterval",
                self.flush_commit_log_thorough_interval,
            ),
            ("syncFlushTimeout", self.sync_flush_timeout),
            ("cleanResourceInterval", self.clean_resource_interval),
        ] {
            if v <= 0 {
                return Err(format!("{name} must be positive, got {v}"));
            }
        }
        for hour in self.delete_when.split(';') {
            hour.trim()
                .parse::<u32>()
                .map_err(|_| format!("deleteWhen {:?} is not a list of hours", self.delete_when))?;
        }
        self.parse_delay_levels()?;
        Ok(())
    }
}

/// Returns true when the current hour is one of the `;`-separated hours of `when`
/// (`UtilAll.isItTimeToDo`).
pub fn is_it_time_to_do(when: &str, current_hour: u32) -> bool {
    when.split(';')
        .filter_map(|w| w.trim().parse::<u32>().ok())
        .any(|h| h == current_hour)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::properties;

    #[test]
    fn defaults_match_java() {
        let c = MessageStoreConfig::default();
        assert_eq!(c.mapped_file_size_commit_log, 1_073_741_824);
        assert_eq!(c.mapped_file_size_consume_queue, 6_000_000);
        assert_eq!(c.flush_disk_type, FlushDiskType::AsyncFlush);
        assert_eq!(c.broker_role, BrokerRole::AsyncMaster);
        assert_eq!(c.max_message_size, 4 * 1024 * 1024);
        assert_eq!(c.max_index_num, 20_000_000);
        assert_eq!(c.delete_when, "04");
        assert!(c.check_crc_on_recover);
        assert!(c.store_path_root_dir.ends_with("store"));
        assert!(c.validate().is_ok());
        assert_eq!(c.parse_delay_levels().unwrap().len(), 18);
    }

    #[test]
    fn json_and_properties_use_java_names() {
        let c = MessageStoreConfig::default();
        let v = serde_json::to_value(&c).unwrap();
        assert!(v.get("checkCRCOnRecover").is_some());
        assert_eq!(v["flushDiskType"], "ASYNC_FLUSH");
        let parsed: MessageStoreConfig = serde_json::from_str(
            r#"{"mapedFileSizeCommitLog":65536,"flushDiskType":"SYNC_FLUSH","unknown":1}"#,
        )
        .unwrap();
        assert_eq!(parsed.mapped_file_size_commit_log, 65536);
        assert_eq!(parsed.flush_disk_type, FlushDiskType::SyncFlush);

        let mut c = MessageStoreConfig::default();
        let p = properties::parse(
            "mapedFileSizeCommitLog=8192\nbrokerRole=SLAVE\ncheckCRCOnRecover=false\n",
        );
        let r = properties::bind(&mut c, &p, MESSAGE_STORE_CONFIG_ALIASES);
        assert!(
            r.unknown_keys.is_empty() && r.invalid_keys.is_empty(),
            "{r:?}"
        );
        assert_eq!(c.mapped_file_size_commit_log, 8192);
        assert_eq!(c.broker_role, BrokerRole::Slave);
        assert!(!c.check_crc_on_recover);
    }

    #[test]
    fn derived_values() {
        let mut c = MessageStoreConfig {
            store_path_root_dir: "/r".into(),
            mapped_file_size_consume_queue: 41,
            disk_max_used_space_ratio: 99,
            ..Default::default()
        };
        assert_eq!(c.consume_queue_file_size(), 60);
        assert_eq!(c.disk_max_used_space_ratio_clamped(), 95);
        assert_eq!(c.commit_log_store_path(), PathBuf::from("/r/commitlog"));
        c.store_path_commit_log = Some("/a,/b".into());
        assert_eq!(c.commit_log_store_path(), PathBuf::from("/a"));
        c.delete_when = "x".into();
        assert!(c.validate().is_err());
        assert!(is_it_time_to_do("04;05", 5));
        assert!(!is_it_time_to_do("04", 5));
    }
}
