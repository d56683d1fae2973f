//! `ScheduleMessageService`: delivers delayed messages (Java
//! `broker/schedule/ScheduleMessageService`, `DelayOffsetSerializeWrapper`).
//!
//! A message with delay level L is stored in `SCHEDULE_TOPIC_XXXX` queue L-1 (see
//! [`hook_utils`](crate::util::hook_utils)). One task per level reads its queue from the
//! offset kept in `config/delayOffset.json`; a message is due at its store time plus the
//! level's delay (a due time further away than one delay counts as due now, as Java's
//! `correctDeliverTimestamp`). Due messages are rebuilt with their real topic and queue, the
//! `DELAY` property removed and `WAIT=false`, and stored; the offset then advances. Not due:
//! retry in 100 ms; errors: in 10 s; first run 1 s after start. Offsets are persisted every
//! `flushDelayOffsetInterval` and at shutdown, so progress survives a restart.

use crate::broker_path_config_helper;
use crate::config_manager::ConfigPersister;
use parking_lot::Mutex;
use rmq_common::config_manager::{ConfigManager, DecodeError};
use rmq_common::message::message_const::*;
use rmq_common::message::message_decoder::{
    decode, decode_properties_string, java_properties_to_string, string_to_java_properties,
    DecodeOptions,
};
use rmq_common::util_all::current_millis;
use rmq_common::{mix_all, DataVersion, MessageExt};
use rmq_store::{
    GetMessageStatus, MessageExtBrokerInner, MessageStore, MessageStoreConfig, PutMessageStatus,
    RoleState,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

const FIRST_DELAY_TIME_MS: u64 = 1000;
const DELAY_FOR_A_WHILE_MS: u64 = 100;
const DELAY_FOR_A_PERIOD_MS: u64 = 10_000;
/// Group name used for the store's pull statistics.
const SCHEDULE_GROUP: &str = "SCHEDULE_MESSAGE_SERVICE";

/// `delayOffset.json` and the GET_ALL_DELAY_OFFSET body (Java `DelayOffsetSerializeWrapper`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct DelayOffsetSerializeWrapper {
    pub offset_table: BTreeMap<i32, i64>,
    pub data_version: DataVersion,
}

/// The delay level service.
pub struct ScheduleMessageService {
    delay_level_table: BTreeMap<i32, i64>,
    max_delay_level: i32,
    offset_table: Mutex<BTreeMap<i32, i64>>,
    data_version: Mutex<DataVersion>,
    version_change_counter: AtomicU64,
    delay_offset_update_version_step: u64,
    flush_delay_offset_interval_ms: u64,
    store: Arc<dyn MessageStore>,
    file_path: PathBuf,
    persister: ConfigPersister,
    /// Set by `start` (Java `BrokerController.isScheduleServiceStart`).
    started: AtomicBool,
    /// Set by `start`: the service delivers while the broker is a master.
    role: OnceLock<Arc<RoleState>>,
}

/// Parses `messageDelayLevel` ("1s 5s 10s 30s 1m ... 2h") into level → millis (Java
/// `parseDelayLevel`).
pub fn parse_delay_level(levels: &str) -> Result<BTreeMap<i32, i64>, String> {
    let mut table = BTreeMap::new();
    for (i, value) in levels.split(' ').enumerate() {
        let unit = match value.chars().last() {
            Some('s') => 1000,
            Some('m') => 60_000,
            Some('h') => 3_600_000,
            Some('d') => 86_400_000,
            _ => {
                return Err(format!(
                    "parse message delay level failed. messageDelayLevel = {levels}"
                ))
            }
        };
        let num: i64 = value[..value.len() - 1].parse().map_err(|_| {
            format!("parse message delay level failed. messageDelayLevel = {levels}")
        })?;
        table.insert(i as i32 + 1, num * unit);
    }
    Ok(table)
}

impl ScheduleMessageService {
    /// Builds the service from the store config's `messageDelayLevel`.
    pub fn new(
        store_config: &MessageStoreConfig,
        store: Arc<dyn MessageStore>,
        delay_offset_update_version_step: i64,
        persister: ConfigPersister,
    ) -> Result<Self, crate::BrokerError> {
        let delay_level_table = parse_delay_level(&store_config.message_delay_level)
            .map_err(crate::BrokerError::InvalidConfig)?;
        let max_delay_level = delay_level_table.keys().max().copied().unwrap_or(0);
        Ok(ScheduleMessageService {
            delay_level_table,
            max_delay_level,
            offset_table: Mutex::new(BTreeMap::new()),
            data_version: Mutex::new(DataVersion::new()),
            version_change_counter: AtomicU64::new(0),
            delay_offset_update_version_step: delay_offset_update_version_step.max(1) as u64,
            flush_delay_offset_interval_ms: store_config.flush_delay_offset_interval.max(100)
                as u64,
            store,
            file_path: broker_path_config_helper::get_delay_offset_store_path(
                &store_config.store_path_root_dir,
            ),
            persister,
            started: AtomicBool::new(false),
            role: OnceLock::new(),
        })
    }

    /// Returns true once the delivery tasks run (on a master only).
    pub fn is_started(&self) -> bool {
        self.started.load(Ordering::Relaxed) && !self.role.get().is_some_and(|r| r.is_slave())
    }

    /// Returns the highest delay level.
    pub fn max_delay_level(&self) -> i32 {
        self.max_delay_level
    }

    /// Returns the delay of a level in ms.
    pub fn delay_millis(&self, level: i32) -> Option<i64> {
        self.delay_level_table.get(&level).copied()
    }

    /// Clamps each loaded offset into its queue's range (Java `correctDelayOffset`).
    fn correct_delay_offset(&self) {
        let mut table = self.offset_table.lock();
        for level in self.delay_level_table.keys() {
            let Some(current) = table.get(level).copied() else {
                continue;
            };
            let qid = level - 1;
            let min = self
                .store
                .get_min_offset_in_queue(mix_all::RMQ_SYS_SCHEDULE_TOPIC, qid);
            let max = self
                .store
                .get_max_offset_in_queue(mix_all::RMQ_SYS_SCHEDULE_TOPIC, qid);
            let mut corrected = current;
            if min >= 0 && current < min {
                corrected = min;
            }
            if current > max {
                corrected = max;
            }
            if corrected != current {
                tracing::error!(
                    delay_level = level,
                    from = current,
                    to = corrected,
                    "correct delay offset"
                );
                table.insert(*level, corrected);
            }
        }
    }

    /// Returns the offsets and version (GET_ALL_DELAY_OFFSET, persistence).
    pub fn to_wrapper(&self) -> DelayOffsetSerializeWrapper {
        DelayOffsetSerializeWrapper {
            offset_table: self.offset_table.lock().clone(),
            data_version: self.data_version.lock().clone(),
        }
    }

    /// Returns `scheduleMessageOffset_<level>` → `"<delayOffset>,<maxOffset>"` (Java
    /// `buildRunningStats`).
    pub fn build_running_stats(&self) -> BTreeMap<String, String> {
        self.offset_table
            .lock()
            .iter()
            .map(|(level, offset)| {
                let max = self
                    .store
                    .get_max_offset_in_queue(mix_all::RMQ_SYS_SCHEDULE_TOPIC, level - 1);
                (
                    format!("scheduleMessageOffset_{level}"),
                    format!("{offset},{max}"),
                )
            })
            .collect()
    }

    /// Takes the master's `delayOffset.json` text: writes it to this broker's file and loads
    /// it over the current offsets (Java `SlaveSynchronize#syncDelayOffset`, which writes the
    /// file then calls `loadWhenSyncDelayOffset`: `putAll` of the levels, the master's data
    /// version). Returns false when the text does not decode (the file is written anyway, as
    /// Java does).
    pub fn load_when_sync_delay_offset(&self, master_json: &str) -> bool {
        self.persister
            .submit(self.file_path.clone(), master_json.to_string());
        match self.decode(master_json) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "load delay offset from master failed");
                false
            }
        }
    }

    fn update_offset(&self, level: i32, offset: i64) {
        self.offset_table.lock().insert(level, offset);
        let n = self.version_change_counter.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(self.delay_offset_update_version_step) {
            self.data_version.lock().next_version();
        }
    }

    /// Starts one delivery task per level and the periodic persistence (Java `start`). They
    /// deliver while `role` is a master and idle while it is a slave (Java starts and stops
    /// the service in `changeSpecialServiceStatus`); a level resumes from the offset table,
    /// which a slave takes from its master, when the broker becomes the master.
    pub fn start(
        self: &Arc<Self>,
        tasks: &TaskTracker,
        shutdown: CancellationToken,
        role: Arc<RoleState>,
    ) {
        let _ = self.role.set(role.clone());
        self.started.store(true, Ordering::Relaxed);
        for level in self.delay_level_table.keys().copied() {
            let svc = self.clone();
            let shutdown = shutdown.clone();
            let role = role.clone();
            tasks.spawn(async move {
                let mut offset = None;
                let mut delay = FIRST_DELAY_TIME_MS;
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(delay)) => {}
                        _ = shutdown.cancelled() => break,
                    }
                    if role.is_slave() {
                        offset = None;
                        delay = FIRST_DELAY_TIME_MS;
                        continue;
                    }
                    let o = offset.get_or_insert_with(|| {
                        svc.offset_table.lock().get(&level).copied().unwrap_or(0)
                    });
                    delay = svc.execute_on_time_up(level, o).await;
                }
            });
        }
        let svc = self.clone();
        tasks.spawn(async move {
            let period = Duration::from_millis(svc.flush_delay_offset_interval_ms);
            let mut interval =
                tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                tokio::select! {
                    _ = interval.tick() => svc.persist(),
                    _ = shutdown.cancelled() => break,
                }
            }
        });
    }

    /// Delivers what is due in one level's queue from `offset`; returns the delay before the
    /// next run (Java `DeliverDelayedMessageTimerTask#executeOnTimeUp`).
    async fn execute_on_time_up(&self, level: i32, offset: &mut i64) -> u64 {
        let Some(delay_ms) = self.delay_millis(level) else {
            return DELAY_FOR_A_PERIOD_MS;
        };
        let qid = level - 1;
        let Some(result) = self.store.get_message(
            SCHEDULE_GROUP,
            mix_all::RMQ_SYS_SCHEDULE_TOPIC,
            qid,
            *offset,
            32,
            i32::MAX,
            None,
        ) else {
            return DELAY_FOR_A_PERIOD_MS;
        };
        match result.status {
            GetMessageStatus::Found => {}
            GetMessageStatus::NoMessageInQueue | GetMessageStatus::OffsetOverflowOne => {
                return DELAY_FOR_A_WHILE_MS
            }
            _ => {
                if result.next_begin_offset != *offset {
                    tracing::error!(
                        offset = *offset,
                        reset_to = result.next_begin_offset,
                        queue_id = qid,
                        "schedule CQ offset invalid"
                    );
                    *offset = result.next_begin_offset;
                    self.update_offset(level, *offset);
                }
                return DELAY_FOR_A_WHILE_MS;
            }
        }
        for (record, queue_offset) in result
            .message_buffers
            .iter()
            .zip(result.message_queue_offsets.iter().copied())
        {
            let msg = match decode(
                record,
                DecodeOptions {
                    read_body: true,
                    decompress_body: false,
                },
            ) {
                Ok((m, _)) => m,
                Err(e) => {
                    tracing::error!(offset = queue_offset, error = %e, "ScheduleMessageService, messageTimeUp execute error");
                    *offset = queue_offset + 1;
                    continue;
                }
            };
            let now = current_millis();
            let mut deliver = msg.store_timestamp + delay_ms;
            if deliver > now + delay_ms {
                deliver = now;
            }
            if deliver > now {
                *offset = queue_offset;
                self.update_offset(level, queue_offset);
                return DELAY_FOR_A_WHILE_MS;
            }
            let stored_properties = decode_properties_string(record).unwrap_or_default();
            let Some(inner) = message_time_up(msg, &stored_properties) else {
                *offset = queue_offset + 1;
                self.update_offset(level, *offset);
                continue;
            };
            let put = self.store.put_message(&inner).await;
            if put.status != PutMessageStatus::PutOk {
                tracing::error!(topic = %inner.topic, status = %put.status, "ScheduleMessageService, a message time up, but reput it failed");
                *offset = queue_offset;
                self.update_offset(level, queue_offset);
                return DELAY_FOR_A_WHILE_MS;
            }
            *offset = queue_offset + 1;
            self.update_offset(level, *offset);
        }
        if result.next_begin_offset > *offset {
            *offset = result.next_begin_offset;
            self.update_offset(level, *offset);
        }
        DELAY_FOR_A_WHILE_MS
    }
}

/// Rebuilds a due message for its real topic and queue (Java `messageTimeUp`); `None` when the
/// real topic is missing or is the transaction half topic.
///
/// Java encodes the properties string before it clears `DELAY` and the timer properties and
/// sets `WAIT=false` on the map, so the delivered record keeps the stored properties (with
/// `DELAY`, `REAL_TOPIC` and `REAL_QID`), re-encoded from a Java `HashMap`.
fn message_time_up(msg: MessageExt, stored_properties: &str) -> Option<MessageExtBrokerInner> {
    let stored = string_to_java_properties(stored_properties);
    let properties_string = java_properties_to_string(&stored);
    let topic = stored.get(PROPERTY_REAL_TOPIC)?.to_string();
    if topic == mix_all::RMQ_SYS_TRANS_HALF_TOPIC {
        tracing::error!(
            topic,
            "[BUG] the real topic of schedule msg is the half topic, discard the msg"
        );
        return None;
    }
    let queue_id: i32 = stored
        .get(PROPERTY_REAL_QUEUE_ID)
        .and_then(|q| q.parse().ok())
        .unwrap_or(0);
    Some(MessageExtBrokerInner {
        topic,
        queue_id,
        flag: msg.message.flag,
        body: msg.message.body,
        properties_string,
        tags_code: 0,
        sys_flag: msg.sys_flag,
        born_timestamp: msg.born_timestamp,
        born_host: msg.born_host,
        store_host: msg.store_host,
        reconsume_times: msg.reconsume_times,
        prepared_transaction_offset: 0,
    })
}

/// `config/delayOffset.json` (Java `ScheduleMessageService` as a `ConfigManager`).
impl ConfigManager for ScheduleMessageService {
    /// Returns the JSON of `delayOffset.json`.
    fn encode(&self, pretty: bool) -> String {
        let w = self.to_wrapper();
        let bytes = if pretty {
            rmq_common::fastjson::to_vec_pretty(&w)
        } else {
            rmq_common::fastjson::to_vec(&w)
        };
        String::from_utf8(bytes).unwrap_or_default()
    }

    fn decode(&self, json: &str) -> Result<(), DecodeError> {
        let w = rmq_common::fastjson::from_str::<DelayOffsetSerializeWrapper>(json)?;
        self.offset_table.lock().extend(w.offset_table);
        *self.data_version.lock() = w.data_version;
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.file_path.clone()
    }

    /// Loads `delayOffset.json` and clamps each offset into its queue's range (Java `load` +
    /// `correctDelayOffset`). Blocking.
    fn load(&self) -> bool {
        if !rmq_common::config_manager::load_config(self) {
            return false;
        }
        self.correct_delay_offset();
        true
    }

    /// Queues a write of `delayOffset.json` on the persister thread.
    fn persist(&self) {
        self.persister
            .submit(self.file_path.clone(), self.encode(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Java's `messageTimeUp` re-encodes the stored properties from a `HashMap` before it
    /// clears anything (golden strings from Java's `MessageDecoder`, see
    /// `tests/properties_order_it.rs`).
    #[test]
    fn time_up_keeps_the_stored_properties_in_java_order() {
        let golden: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../tests/data/java_properties_golden.json"))
                .unwrap();
        for case in &golden {
            let stored = case["send"].as_str().unwrap();
            let expected = case["time_up"].as_str().unwrap();
            assert_eq!(
                java_properties_to_string(&string_to_java_properties(stored)),
                expected,
                "{}",
                case["name"]
            );
            if case["name"] == "delay" {
                let inner = message_time_up(MessageExt::default(), stored).unwrap();
                assert_eq!(inner.properties_string, expected);
                assert_eq!((inner.topic.as_str(), inner.queue_id), ("TopicA", 3));
                assert!(inner.properties_string.contains("DELAY\u{1}18\u{2}"));
            }
        }
    }

    #[test]
    fn parses_java_default_levels() {
        let t = parse_delay_level("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h")
            .unwrap();
        assert_eq!(t.len(), 18);
        assert_eq!(t[&2], 5000);
        assert_eq!(t[&18], 7_200_000);
        assert!(parse_delay_level("1x").is_err());
        let w: DelayOffsetSerializeWrapper =
            rmq_common::fastjson::from_str(r#"{"offsetTable":{1:35,2:0,3:12}}"#).unwrap();
        assert_eq!(w.offset_table[&3], 12);
    }
}
