//! `TimerMessageStore`: the timer wheel's state and its threads (Java
//! `store/timer/TimerMessageStore`).
//!
//! Progress is kept in times and offsets, as Java does:
//! * `currQueueOffset`: the next entry of the `rmq_sys_wheel_timer` ConsumeQueue to enqueue;
//!   `commitQueueOffset` the one below which every entry is in the timer log.
//! * `currWriteTimeMs`: `now` floored to the precision, advanced by the enqueue thread only;
//!   a message due before it is delivered at once, later ones get a unit in their slot.
//! * `currReadTimeMs`: the next slot to deliver; a slot is delivered once
//!   `currReadTimeMs < currWriteTimeMs`, i.e. one precision after its start.
//!
//! Threads (std threads named as Java's services): `TimerEnqueueGetService` (reads the
//! timer topic and writes the timer log and wheel: Java's enqueue get + put services),
//! `TimerDequeueGetService` (masters only: reads due slots and puts their messages back:
//! Java's dequeue get + put services) and `TimerFlushService` (checkpoint, timer log and
//! wheel every `timerFlushIntervalMs`).

use super::timer_checkpoint::{
    TimerCheckpoint, LAST_READ_TIME_MS, LAST_TIMER_LOG_FLUSH_POS, LAST_TIMER_QUEUE_OFFSET,
    MASTER_TIMER_QUEUE_OFFSET,
};
use super::timer_log::{
    is_magic_ok, java_string_hash, TimerLog, TimerLogUnit, MAGIC_DEFAULT, MAGIC_DELETE, MAGIC_ROLL,
    UNIT_SIZE,
};
use super::timer_wheel::{TimerWheel, SLOTS_TOTAL};
use super::{TIMER_DEL_UNIQKEY, TIMER_DEQUEUE_MS, TIMER_ROLL_TIMES};
use crate::config::MessageStoreConfig;
use crate::file_system::{DefaultFileSystem, FileSystem};
use crate::message_ext_broker_inner::MessageExtBrokerInner;
use crate::message_store::MessageStore;
use crate::put_message_result::PutMessageStatus;
use crate::role_state::RoleState;
use crate::service_thread::{ServiceState, ServiceThread};
use crate::store_error::StoreError;
use bytes::Bytes;
use parking_lot::Mutex;
use rmq_common::message::message_const::{
    PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC, PROPERTY_TIMER_ENQUEUE_MS, PROPERTY_TIMER_OUT_MS,
    PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
};
use rmq_common::message::message_decoder::{
    decode, decode_properties_string, java_properties_to_string, string_to_java_properties,
    DecodeOptions,
};
use rmq_common::mix_all::TIMER_TOPIC;
use rmq_common::util_all::current_millis;
use rmq_common::MessageExt;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Slots kept free between the read time and a full turn of the wheel (Java
/// `TIMER_BLANK_SLOTS`).
const TIMER_BLANK_SLOTS: i64 = 60;

/// Where the timer's files live under a store root (Java `getTimerWheelPath`,
/// `getTimerLogPath`, `BrokerPathConfigHelper.getTimerCheckPath`).
pub fn timer_paths(root: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (
        root.join("timerwheel"),
        root.join("timerlog"),
        root.join("config").join("timercheck"),
    )
}

/// Progress of enqueue and dequeue (Java's volatile fields, under one lock here).
#[derive(Debug, Default, Clone, Copy)]
struct Progress {
    curr_queue_offset: i64,
    commit_queue_offset: i64,
    curr_write_time_ms: i64,
    curr_read_time_ms: i64,
    commit_read_time_ms: i64,
    last_commit_read_time_ms: i64,
    last_commit_queue_offset: i64,
}

/// What the timer was configured with.
#[derive(Debug, Clone)]
struct TimerSettings {
    precision_ms: i64,
    roll_window_slots: i64,
    flush_interval_ms: u64,
    retry_until_success: bool,
    congest_num_each_slot: i64,
}

/// The timer message store.
pub struct TimerMessageStore {
    store: Arc<dyn MessageStore>,
    /// Only a master dequeues (Java `shouldRunningDequeue`); controller mode changes it.
    role: Arc<RoleState>,
    settings: TimerSettings,
    log: TimerLog,
    wheel: TimerWheel,
    checkpoint: TimerCheckpoint,
    progress: Mutex<Progress>,
    /// Messages waiting in the wheel per real topic (Java `TimerMetrics` timing counts).
    timing_count: Mutex<HashMap<String, i64>>,
    threads: Mutex<Vec<ServiceThread>>,
    running: AtomicBool,
    /// Requests through the enqueue put and the dequeue put (Java's `ENQUEUE_PUT` and
    /// `DEQUEUE_PUT` perf counters).
    enqueue_puts: AtomicU64,
    dequeue_puts: AtomicU64,
    tps: Mutex<TpsWindow>,
}

/// The last TPS figures, refreshed by the flush thread.
#[derive(Debug, Default, Clone, Copy)]
struct TpsWindow {
    at_ms: i64,
    enqueue_puts: u64,
    dequeue_puts: u64,
    enqueue_tps: f32,
    dequeue_tps: f32,
}

impl std::fmt::Debug for TimerMessageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimerMessageStore")
            .field("progress", &*self.progress.lock())
            .finish()
    }
}

/// A unit read back from a slot.
#[derive(Debug, Clone, Copy)]
struct TimerRequest {
    offset_py: i64,
    enqueue_time: i64,
    magic: i32,
}

impl TimerMessageStore {
    /// Opens the timer files under `config.store_path_root_dir`, recovers the wheel from the
    /// checkpoint and the timer log (Java `load` + `recover`), and returns the store, not yet
    /// started. `store` is the message store holding the timer topic, `role` its role state.
    pub fn open(
        config: &MessageStoreConfig,
        store: Arc<dyn MessageStore>,
        role: Arc<RoleState>,
    ) -> Result<Arc<Self>, StoreError> {
        Self::open_with(config, store, role, Arc::new(DefaultFileSystem))
    }

    pub(crate) fn open_with(
        config: &MessageStoreConfig,
        store: Arc<dyn MessageStore>,
        role: Arc<RoleState>,
        fs: Arc<dyn FileSystem>,
    ) -> Result<Arc<Self>, StoreError> {
        let precision_ms = i64::from(config.timer_precision_ms.max(1));
        let window = i64::from(config.timer_roll_window_slot);
        let roll_window_slots = if !(2..=SLOTS_TOTAL - TIMER_BLANK_SLOTS).contains(&window) {
            SLOTS_TOTAL - TIMER_BLANK_SLOTS
        } else {
            window
        };
        let (wheel_path, log_dir, check_path) = timer_paths(Path::new(&config.store_path_root_dir));
        let wheel = TimerWheel::open(&wheel_path, SLOTS_TOTAL, precision_ms, fs.clone())?;
        let log = TimerLog::new(
            log_dir,
            config.mapped_file_size_timer_log.max(UNIT_SIZE as i32 * 4) as usize,
            fs.clone(),
        );
        log.load()?;
        let checkpoint = TimerCheckpoint::open(&check_path, fs)?;
        let t = Arc::new(TimerMessageStore {
            store,
            role,
            settings: TimerSettings {
                precision_ms,
                roll_window_slots,
                flush_interval_ms: config.timer_flush_interval_ms.max(1) as u64,
                retry_until_success: config.timer_enable_retry_until_success,
                congest_num_each_slot: i64::from(config.timer_congest_num_each_slot),
            },
            log,
            wheel,
            checkpoint,
            progress: Mutex::new(Progress::default()),
            timing_count: Mutex::new(HashMap::new()),
            threads: Mutex::new(Vec::new()),
            running: AtomicBool::new(false),
            enqueue_puts: AtomicU64::new(0),
            dequeue_puts: AtomicU64::new(0),
            tps: Mutex::new(TpsWindow::default()),
        });
        t.recover();
        Ok(t)
    }

    fn format_time_ms(&self, t: i64) -> i64 {
        t / self.settings.precision_ms * self.settings.precision_ms
    }

    /// Java `recover`: replays the timer log from one file before the flushed position,
    /// re-linking the slots and cutting the log at the first bad unit; resumes the timer
    /// topic after the last logged message and the read time from the checkpoint.
    fn recover(&self) {
        let mut last_flush = self.checkpoint.get(LAST_TIMER_LOG_FLUSH_POS);
        if self.log.queue().last_file().is_some() {
            last_flush -= self.log.file_size() as i64;
        }
        let process_offset = self.recover_and_revise(last_flush.max(0), true);
        self.log.queue().set_flushed_where(process_offset);
        let mut queue_offset = match self.revise_queue_offset(process_offset) {
            Some(o) => o + 1,
            None => self.checkpoint.get(LAST_TIMER_QUEUE_OFFSET),
        };
        if !self.is_master() {
            // A slave enqueues only what its master has (Java bounds masters too, which
            // re-enqueues, and so delivers twice, what came after the last checkpoint).
            queue_offset = queue_offset.min(self.checkpoint.get(MASTER_TIMER_QUEUE_OFFSET));
        }
        let min = self.store.get_min_offset_in_queue(TIMER_TOPIC, 0);
        let max = self.store.get_max_offset_in_queue(TIMER_TOPIC, 0);
        queue_offset = queue_offset.clamp(min, max.max(min));
        let p = self.settings.precision_ms;
        let floor = self.format_time_ms(current_millis()) - SLOTS_TOTAL * p + TIMER_BLANK_SLOTS * p;
        let read_time = self.checkpoint.get(LAST_READ_TIME_MS).max(floor);
        let min_first = self.wheel.check_phy_pos(read_time, process_offset);
        if min_first < process_offset {
            tracing::warn!(
                min_first,
                process_offset,
                "Timer recheck because of minFirst"
            );
            self.recover_and_revise(min_first, false);
        }
        tracing::info!(read_time, queue_offset, process_offset, "Timer recover ok");
        {
            let mut pr = self.progress.lock();
            pr.curr_read_time_ms = read_time;
            pr.commit_read_time_ms = read_time;
            pr.curr_queue_offset = queue_offset;
            pr.commit_queue_offset = queue_offset;
        }
        self.prepare_timer_check_point();
    }

    /// Java `recoverAndRevise`: returns the offset after the last good unit.
    fn recover_and_revise(&self, begin: i64, check: bool) -> i64 {
        let files = self.log.queue().files();
        if files.is_empty() {
            return 0;
        }
        let mut index = files
            .iter()
            .rposition(|f| begin >= f.file_from_offset())
            .unwrap_or(0);
        let mut check_offset = files[index].file_from_offset();
        while index < files.len() {
            let f = &files[index];
            let end = if check {
                f.file_size()
            } else {
                f.wrote_position()
            };
            let mut pos = 0usize;
            let mut stop = false;
            while pos + UNIT_SIZE <= end {
                let Some(unit) = f.read(pos, UNIT_SIZE).and_then(TimerLogUnit::decode) else {
                    stop = true;
                    break;
                };
                if unit.magic == super::timer_log::BLANK_MAGIC_CODE {
                    break;
                }
                let ok = is_magic_ok(unit.magic) && unit.size == UNIT_SIZE as i32;
                if check && !ok {
                    stop = true;
                    break;
                }
                if ok {
                    let at = f.file_from_offset() + pos as i64;
                    self.wheel.revise_last(unit.delayed_time, at);
                }
                pos += UNIT_SIZE;
            }
            check_offset = f.file_from_offset() + pos as i64;
            if stop {
                break;
            }
            index += 1;
        }
        if check {
            self.log.queue().truncate_dirty_files(check_offset);
        }
        check_offset
    }

    /// Java `reviseQueueOffset`: the timer-topic queue offset of the message the last unit
    /// before `process_offset` points at.
    fn revise_queue_offset(&self, process_offset: i64) -> Option<i64> {
        let unit_at = process_offset - UNIT_SIZE as i64;
        let unit = self.log.read_unit(unit_at)?;
        let msg = self.message_at(unit.offset_py)?.0;
        let mut off = msg.queue_offset;
        for _ in 0..20_000 {
            if off < 0 {
                break;
            }
            if self.store.get_max_offset_in_queue(TIMER_TOPIC, 0) > off
                && self
                    .store
                    .get_commit_log_offset_in_queue(TIMER_TOPIC, 0, off)
                    == unit.offset_py
            {
                return Some(off);
            }
            off -= 1;
        }
        Some(msg.queue_offset)
    }

    /// Reads the record at a CommitLog offset: the decoded message, its properties string
    /// and its raw size.
    fn message_at(&self, offset_py: i64) -> Option<(MessageExt, String, i32)> {
        let raw: Bytes = self.store.select_one_message_by_offset(offset_py)?;
        let opts = DecodeOptions {
            read_body: true,
            decompress_body: false,
        };
        let (msg, size) = decode(&raw, opts).ok()?;
        let props = decode_properties_string(&raw).ok()?.into_owned();
        Some((msg, props, size as i32))
    }

    /// Java `prepareTimerCheckPoint`.
    fn prepare_timer_check_point(&self) {
        let cp = &self.checkpoint;
        cp.set(LAST_TIMER_LOG_FLUSH_POS, self.log.queue().flushed_where());
        let mut pr = self.progress.lock();
        cp.set(LAST_READ_TIME_MS, pr.commit_read_time_ms);
        if self.is_master() {
            cp.set(MASTER_TIMER_QUEUE_OFFSET, pr.commit_queue_offset);
            if pr.commit_read_time_ms != pr.last_commit_read_time_ms
                || pr.commit_queue_offset != pr.last_commit_queue_offset
            {
                cp.update_data_version(current_millis());
                pr.last_commit_read_time_ms = pr.commit_read_time_ms;
                pr.last_commit_queue_offset = pr.commit_queue_offset;
            }
        }
        cp.set(
            LAST_TIMER_QUEUE_OFFSET,
            pr.commit_queue_offset
                .min(cp.get(MASTER_TIMER_QUEUE_OFFSET)),
        );
    }
}

/// What a put back into the store came to (Java `doPut`'s 0/1/2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PutOutcome {
    Ok,
    NeedRetry,
    NoRetry,
}

impl TimerMessageStore {
    fn maybe_move_write_time(&self) {
        let now = self.format_time_ms(current_millis());
        let mut pr = self.progress.lock();
        if pr.curr_write_time_ms < now {
            pr.curr_write_time_ms = now;
        }
    }

    fn add_metric(&self, props: &rmq_common::java_hash_map::JavaHashMap, value: i64) {
        let Some(topic) = props.get(PROPERTY_REAL_TOPIC) else {
            return;
        };
        if props.get(PROPERTY_TIMER_ENQUEUE_MS) == Some(&i64::MAX.to_string()) {
            return;
        }
        *self
            .timing_count
            .lock()
            .entry(topic.to_string())
            .or_insert(0) += value;
    }

    /// Java `enqueue(0)` + the enqueue put service: moves the timer topic's new entries into
    /// the wheel (or delivers those already due). Returns true when it took any.
    fn enqueue(&self, stop: &ServiceState) -> bool {
        let mut max = self.store.get_max_offset_in_queue(TIMER_TOPIC, 0);
        if !self.is_master() {
            // A slave enqueues only what its master has enqueued (Java `isRunningEnqueue`);
            // rmq's slave does not fetch the master's timer checkpoint, so it stays put.
            max = max.min(self.checkpoint.get(MASTER_TIMER_QUEUE_OFFSET));
        }
        let min = self.store.get_min_offset_in_queue(TIMER_TOPIC, 0);
        let mut offset = {
            let mut pr = self.progress.lock();
            pr.curr_queue_offset = pr.curr_queue_offset.max(min);
            pr.curr_queue_offset
        };
        let taken = offset < max;
        while offset < max && !stop.is_stopped() {
            let phy = self
                .store
                .get_commit_log_offset_in_queue(TIMER_TOPIC, 0, offset);
            if let Some((msg, props, size)) = self.message_at(phy) {
                let props = string_to_java_properties(&props);
                match props
                    .get(PROPERTY_TIMER_OUT_MS)
                    .and_then(|v| v.parse::<i64>().ok())
                {
                    Some(delayed) => {
                        while !self.enqueue_one(phy, size, delayed, &msg, &props) {
                            if stop.is_stopped() {
                                return taken;
                            }
                            stop.wait_for_running(3000);
                        }
                    }
                    None => tracing::warn!(offset, "timer message without TIMER_OUT_MS"),
                }
            } else {
                tracing::warn!(offset, phy, "Fail to read msg from commitLog");
            }
            offset += 1;
            let mut pr = self.progress.lock();
            pr.curr_queue_offset = offset;
            pr.commit_queue_offset = offset;
        }
        self.maybe_move_write_time();
        taken
    }

    /// One request of the enqueue put service: delivered at once when already due on a
    /// master, else appended to the wheel (Java `putMessageToTimerWheel`).
    fn enqueue_one(
        &self,
        phy: i64,
        size: i32,
        delayed: i64,
        msg: &MessageExt,
        props: &rmq_common::java_hash_map::JavaHashMap,
    ) -> bool {
        self.enqueue_puts.fetch_add(1, Ordering::Relaxed);
        let write_time = self.progress.lock().curr_write_time_ms;
        if self.is_master() && delayed < write_time {
            let req = TimerRequest {
                offset_py: phy,
                enqueue_time: i64::MAX,
                magic: MAGIC_DEFAULT,
            };
            self.deliver(&req, msg, props.clone());
            return true;
        }
        match self.do_enqueue(phy, size, delayed, props) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "Timer enqueue failed");
                false
            }
        }
    }

    /// Java `doEnqueue`: appends a unit to the slot of `delayed` (or of the roll target).
    fn do_enqueue(
        &self,
        phy: i64,
        size: i32,
        mut delayed: i64,
        props: &rmq_common::java_hash_map::JavaHashMap,
    ) -> Result<(), StoreError> {
        let write_time = self.progress.lock().curr_write_time_ms;
        let p = self.settings.precision_ms;
        let window = self.settings.roll_window_slots;
        let mut magic = MAGIC_DEFAULT;
        if delayed - write_time >= window * p {
            magic |= MAGIC_ROLL;
            delayed = if delayed - write_time - window * p < window / 3 * p {
                write_time + window / 2 * p
            } else {
                write_time + window * p
            };
        }
        let is_delete = props.get(TIMER_DEL_UNIQKEY).is_some();
        if is_delete {
            magic |= MAGIC_DELETE;
        }
        let slot = self.wheel.slot(delayed);
        let unit = TimerLogUnit {
            size: UNIT_SIZE as i32,
            prev_pos: slot.last_pos,
            magic,
            enqueue_time: write_time,
            delayed_time: delayed,
            offset_py: phy,
            size_py: size,
            topic_hash: props.get(PROPERTY_REAL_TOPIC).map_or(0, java_string_hash),
        };
        let pos = self.log.append(&unit.encode())?;
        let first = if slot.first_pos == -1 {
            pos
        } else {
            slot.first_pos
        };
        let num = if is_delete {
            slot.num - 1
        } else {
            slot.num + 1
        };
        self.wheel.put_slot(delayed, first, pos, num, slot.magic);
        self.add_metric(props, if is_delete { -1 } else { 1 });
        Ok(())
    }

    /// Java `dequeue`: delivers the slot at the read time once it is due. Returns -1 when
    /// nothing is due, 0 for an empty slot, 1 after delivering one.
    fn dequeue(&self, stop: &ServiceState) -> i32 {
        let read_time = {
            let pr = self.progress.lock();
            if pr.curr_read_time_ms >= pr.curr_write_time_ms {
                return -1;
            }
            pr.curr_read_time_ms
        };
        let slot = self.wheel.slot(read_time);
        if slot.time_ms != -1 {
            let mut normal = Vec::new();
            let mut deletes = Vec::new();
            let mut pos = slot.last_pos;
            while pos != -1 {
                let Some(u) = self.log.read_unit(pos) else {
                    break;
                };
                let req = TimerRequest {
                    offset_py: u.offset_py,
                    enqueue_time: u.enqueue_time,
                    magic: u.magic,
                };
                if u.magic & MAGIC_DELETE != 0 && u.magic & MAGIC_ROLL == 0 {
                    deletes.push(req);
                } else {
                    normal.push(req);
                }
                pos = u.prev_pos;
            }
            normal.reverse();
            if !self.deliver_slot(&deletes, &normal, stop) {
                return -1;
            }
        }
        let mut pr = self.progress.lock();
        pr.curr_read_time_ms = read_time + self.settings.precision_ms;
        pr.commit_read_time_ms = pr.curr_read_time_ms;
        if slot.time_ms == -1 {
            0
        } else {
            1
        }
    }

    /// Delivers one slot's units: delete markers first (collecting their keys), then the
    /// rest in the order they were logged, dropping recalled ones. False when stopped.
    fn deliver_slot(
        &self,
        deletes: &[TimerRequest],
        normal: &[TimerRequest],
        stop: &ServiceState,
    ) -> bool {
        let mut delete_keys = HashSet::new();
        for d in deletes {
            if let Some((_, props, _)) = self.message_at(d.offset_py) {
                let props = string_to_java_properties(&props);
                if let Some(k) = props.get(TIMER_DEL_UNIQKEY) {
                    delete_keys.insert(k.to_string());
                }
            }
        }
        for r in normal {
            if stop.is_stopped() {
                return false;
            }
            let Some((msg, props, _)) = self.message_at(r.offset_py) else {
                tracing::warn!(offset_py = r.offset_py, "Fail to read msg from commitLog");
                continue;
            };
            let props = string_to_java_properties(&props);
            if !delete_keys.is_empty() {
                let real = props.get(PROPERTY_REAL_TOPIC).unwrap_or_default();
                if let Some(uniq) = props.get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) {
                    if delete_keys.contains(&format!("{real}+{uniq}")) {
                        self.add_metric(&props, -1);
                        continue;
                    }
                }
            }
            self.deliver(r, &msg, props);
        }
        true
    }

    /// The dequeue put service for one message (Java `TimerDequeuePutMessageService` +
    /// `convert` + `doPut`): back into the timer topic for a roll, else to its real topic.
    fn deliver(
        &self,
        req: &TimerRequest,
        msg: &MessageExt,
        mut props: rmq_common::java_hash_map::JavaHashMap,
    ) {
        self.dequeue_puts.fetch_add(1, Ordering::Relaxed);
        let roll = req.magic & MAGIC_ROLL != 0;
        if req.enqueue_time == i64::MAX {
            props.insert(PROPERTY_TIMER_ENQUEUE_MS, i64::MAX.to_string());
        }
        self.add_metric(&props, -1);
        if !roll && props.get(TIMER_DEL_UNIQKEY).is_some() {
            tracing::warn!("Trying do put delete timer msg");
            return;
        }
        let Some(inner) = convert(msg, props, req.enqueue_time, roll) else {
            return;
        };
        let mut retries = 0;
        loop {
            match self.do_put(&inner) {
                PutOutcome::Ok | PutOutcome::NoRetry => return,
                PutOutcome::NeedRetry => {
                    retries += 1;
                    if !self.settings.retry_until_success && retries >= 3 {
                        tracing::error!(topic = %inner.topic, "Timer put failed 3 times, message dropped");
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(
                        (500 * self.settings.precision_ms / 1000) as u64,
                    ));
                }
            }
        }
    }

    fn do_put(&self, inner: &MessageExtBrokerInner) -> PutOutcome {
        use PutMessageStatus::*;
        match self.store.put_message(inner).wait().status {
            PutOk => PutOutcome::Ok,
            MessageIllegal
            | PropertiesSizeExceeded
            | WheelTimerNotEnable
            | WheelTimerMsgIllegal => PutOutcome::NoRetry,
            _ => PutOutcome::NeedRetry,
        }
    }
}

/// Java `convert` + `convertMessage`: adds `TIMER_ENQUEUE_MS` (unless -1), `TIMER_ROLL_TIMES`
/// on a roll and `TIMER_DEQUEUE_MS`; the properties string is built from all of them, so,
/// as in Java, the delivered record still carries `REAL_TOPIC` and `REAL_QID` while its topic
/// and queue are restored from them.
fn convert(
    msg: &MessageExt,
    mut props: rmq_common::java_hash_map::JavaHashMap,
    enqueue_time: i64,
    roll: bool,
) -> Option<MessageExtBrokerInner> {
    if enqueue_time != -1 {
        props.insert(PROPERTY_TIMER_ENQUEUE_MS, enqueue_time.to_string());
    }
    if roll {
        let n = props
            .get(TIMER_ROLL_TIMES)
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0);
        props.insert(TIMER_ROLL_TIMES, (n + 1).to_string());
    }
    props.insert(TIMER_DEQUEUE_MS, current_millis().to_string());
    let (topic, queue_id) = if roll {
        (msg.topic().to_string(), msg.queue_id)
    } else {
        let topic = props.get(PROPERTY_REAL_TOPIC)?.to_string();
        let qid = props.get(PROPERTY_REAL_QUEUE_ID)?.parse().ok()?;
        (topic, qid)
    };
    Some(MessageExtBrokerInner {
        topic,
        queue_id,
        flag: msg.message.flag,
        body: msg.message.body.clone(),
        properties_string: java_properties_to_string(&props),
        tags_code: 0,
        sys_flag: msg.sys_flag,
        born_timestamp: msg.born_timestamp,
        born_host: msg.born_host,
        store_host: msg.store_host,
        reconsume_times: msg.reconsume_times,
        prepared_transaction_offset: 0,
    })
}

impl TimerMessageStore {
    /// Starts the services (Java `start`): enqueue always, dequeue on a master only (Java
    /// `shouldRunningDequeue`), flush.
    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        self.maybe_move_write_time();
        self.running.store(true, Ordering::Release);
        let idle_ms = (100 * self.settings.precision_ms / 1000).max(1) as u64;
        let mut threads = self.threads.lock();
        let me = self.clone();
        threads.push(ServiceThread::start(
            "TimerEnqueueGetService",
            Arc::new(ServiceState::default()),
            move |st| {
                while !st.is_stopped() {
                    if !me.enqueue(&st) {
                        st.wait_for_running(idle_ms);
                    }
                }
            },
        )?);
        // Runs on every broker and dequeues only while it is the master.
        let me = self.clone();
        threads.push(ServiceThread::start(
            "TimerDequeueGetService",
            Arc::new(ServiceState::default()),
            move |st| {
                while !st.is_stopped() {
                    if !me.is_master() || me.dequeue(&st) == -1 {
                        st.wait_for_running(idle_ms);
                    }
                }
            },
        )?);
        let me = self.clone();
        let every = self.settings.flush_interval_ms;
        threads.push(ServiceThread::start(
            "TimerFlushService",
            Arc::new(ServiceState::default()),
            move |st| {
                while !st.is_stopped() {
                    me.flush();
                    st.wait_for_running(every);
                }
            },
        )?);
        Ok(())
    }

    fn is_master(&self) -> bool {
        !self.role.is_slave()
    }

    /// Writes the checkpoint after the timer log and the wheel (Java `TimerFlushService`).
    pub fn flush(&self) {
        self.update_tps();
        self.prepare_timer_check_point();
        self.log.queue().flush(0);
        self.wheel.flush();
        self.checkpoint.flush();
    }

    fn update_tps(&self) {
        let now = current_millis();
        let enq = self.enqueue_puts.load(Ordering::Relaxed);
        let deq = self.dequeue_puts.load(Ordering::Relaxed);
        let mut w = self.tps.lock();
        let elapsed = now - w.at_ms;
        if w.at_ms > 0 && elapsed > 0 {
            w.enqueue_tps = (enq - w.enqueue_puts) as f32 * 1000.0 / elapsed as f32;
            w.dequeue_tps = (deq - w.dequeue_puts) as f32 * 1000.0 / elapsed as f32;
        }
        *w = TpsWindow {
            at_ms: now,
            enqueue_puts: enq,
            dequeue_puts: deq,
            ..*w
        };
    }

    /// Enqueue puts per second over the last flush interval (Java `getEnqueueTps`).
    pub fn enqueue_tps(&self) -> f32 {
        self.tps.lock().enqueue_tps
    }

    /// Dequeue puts per second over the last flush interval (Java `getDequeueTps`).
    pub fn dequeue_tps(&self) -> f32 {
        self.tps.lock().dequeue_tps
    }

    /// Stops the services and flushes once more (Java `shutdown`).
    pub fn shutdown(&self) {
        if !self.running.swap(false, Ordering::AcqRel) {
            return;
        }
        let threads = std::mem::take(&mut *self.threads.lock());
        for t in &threads {
            t.shutdown();
        }
        self.flush();
    }

    /// Returns true when a slot holds too many messages to take one more (Java `isReject`,
    /// `timerCongestNumEachSlot`; between one and two times the limit it rejects at random).
    pub fn is_reject(&self, deliver_ms: i64) -> bool {
        let congest = i64::from(self.wheel.slot(deliver_ms).num);
        let limit = self.settings.congest_num_each_slot;
        if congest <= limit {
            return false;
        }
        if congest >= limit * 2 {
            return true;
        }
        let r = i64::from(rand_below_1000());
        (r as f64) > 1000.0 * (congest - limit) as f64 / (limit as f64 + 0.1)
    }

    /// Seconds the delivery lags behind now (Java `getDequeueBehind`).
    pub fn dequeue_behind(&self) -> i64 {
        (current_millis() - self.progress.lock().curr_read_time_ms) / 1000
    }

    /// Timer-topic entries not yet enqueued (Java `getEnqueueBehindMessages`).
    pub fn enqueue_behind_messages(&self) -> i64 {
        let curr = self.progress.lock().curr_queue_offset;
        self.store.get_max_offset_in_queue(TIMER_TOPIC, 0) - curr
    }

    /// Messages waiting in the wheel from the read time on (Java `getAllCongestNum`).
    pub fn all_congest_num(&self) -> i64 {
        let read = self.progress.lock().curr_read_time_ms;
        self.wheel.all_num(read)
    }

    /// The 56 bytes of GET_TIMER_CHECK_POINT (Java `TimerCheckpoint.encode`).
    pub fn encode_checkpoint(&self) -> Vec<u8> {
        self.checkpoint.encode()
    }

    /// Messages waiting per real topic (Java `TimerMetrics` timing counts, in memory only).
    pub fn timing_counts(&self) -> HashMap<String, i64> {
        self.timing_count.lock().clone()
    }
}

/// A number in `[0, 1000)` for the random flow control.
fn rand_below_1000() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    nanos % 1000
}

#[cfg(test)]
impl TimerMessageStore {
    /// Stops the threads without the final flush, as `kill -9` would leave the files.
    pub(crate) fn halt(&self) {
        self.running.store(false, Ordering::Release);
        let threads = std::mem::take(&mut *self.threads.lock());
        for t in &threads {
            t.shutdown();
        }
    }

    pub(crate) fn checkpoint_value(&self, field: usize) -> i64 {
        self.checkpoint.get(field)
    }
}
