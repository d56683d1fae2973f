//! `CommitLog`: every message of every topic appended to one log of fixed-size files (Java
//! `CommitLog`, `DefaultAppendMessageCallback`, `MessageExtEncoder`).
//!
//! Records use Java's layout (see `rmq_common::message::message_decoder`): magic v1, or v2
//! with a two-byte topic length for topics over 127 bytes. A record never spans two files: when
//! `record + 8` does not fit, an 8-byte blank header `(remaining, BLANK_MAGIC_CODE)` ends the
//! file and the record goes to the next one.
//!
//! One append lock serialises writers; inside it the store timestamp, queue offset and
//! physical offset are assigned and the record is encoded straight into the mapped file. The
//! body CRC and size checks run before the lock.

use crate::allocate_mapped_file_service::PREFAULT_STEP;
use crate::append_waker::AppendWaker;
use crate::config::MessageStoreConfig;
use crate::dispatch_request::{
    check_message_and_return_size, CheckResult, DelayLevels, DispatchRequest,
};
use crate::logfile::{MappedFile, Tail};
use crate::mapped_file_queue::MappedFileQueue;
use crate::message_ext_broker_inner::{MessageExtBatch, MessageExtBrokerInner};
use crate::put_message_result::{AppendMessageResult, AppendMessageStatus, PutMessageStatus};
use crate::store_error::StoreError;
use bytes::Bytes;
use parking_lot::Mutex;
use rmq_common::message::message_decoder::{
    calc_msg_length, decode_messages, host_v6_flags, BatchItem, RecordFields, BLANK_MAGIC_CODE,
};
use rmq_common::message::record::{RecordKind, RecordView};
use rmq_common::sys_flag::message_sys_flag;
use rmq_common::util_all::{crc32, current_millis};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

const END_FILE_MIN_BLANK_LENGTH: usize = 8;

/// State guarded by the append lock.
#[derive(Default)]
struct AppendState {
    /// Next queue offset per topic and queue id (Java `topicQueueTable`).
    topic_queue_table: HashMap<String, HashMap<i32, i64>>,
}

/// One record of a batch, prepared outside the lock.
struct BatchRecord<'a> {
    flag: i32,
    body: Bytes,
    body_crc: i32,
    properties: std::borrow::Cow<'a, [u8]>,
    len: usize,
}

/// The CommitLog.
pub(crate) struct CommitLog {
    config: Arc<MessageStoreConfig>,
    queue: Arc<MappedFileQueue>,
    append: Mutex<AppendState>,
    delay: DelayLevels,
    file_size: i64,
    /// When the current append took the lock, 0 when not appending (Java `beginTimeInLock`).
    begin_time_in_lock: AtomicI64,
    /// Wakes the reput when it sleeps on an idle log.
    pub(crate) append_waker: AppendWaker,
}

impl CommitLog {
    pub(crate) fn new(
        config: Arc<MessageStoreConfig>,
        queue: Arc<MappedFileQueue>,
        delay: DelayLevels,
    ) -> Self {
        let file_size = config.mapped_file_size_commit_log as i64;
        CommitLog {
            config,
            queue,
            append: Mutex::new(AppendState::default()),
            delay,
            file_size,
            begin_time_in_lock: AtomicI64::new(0),
            append_waker: AppendWaker::default(),
        }
    }

    pub(crate) fn mapped_file_queue(&self) -> &Arc<MappedFileQueue> {
        &self.queue
    }

    pub(crate) fn delay_levels(&self) -> &DelayLevels {
        &self.delay
    }

    pub(crate) fn begin_time_in_lock(&self) -> i64 {
        self.begin_time_in_lock.load(Ordering::Acquire)
    }

    /// Replaces the queue offset table (after recovery).
    pub(crate) fn set_topic_queue_table(&self, table: HashMap<String, HashMap<i32, i64>>) {
        self.append.lock().topic_queue_table = table;
    }

    /// Forgets the queue offsets of a topic.
    pub(crate) fn remove_topic_queue_table(&self, topic: &str) {
        self.append.lock().topic_queue_table.remove(topic);
    }

    fn check_sizes(
        &self,
        body_len: usize,
        props_len: usize,
        msg_len: usize,
    ) -> Result<(), PutMessageStatus> {
        if props_len > i16::MAX as usize {
            return Err(PutMessageStatus::PropertiesSizeExceeded);
        }
        let max = self.config.max_message_size.max(0) as usize;
        if body_len > max || msg_len > max + 64 * 1024 {
            return Err(PutMessageStatus::MessageIllegal);
        }
        if msg_len + END_FILE_MIN_BLANK_LENGTH > self.file_size as usize {
            return Err(PutMessageStatus::MessageIllegal);
        }
        Ok(())
    }

    /// Appends one message (Java `asyncPutMessage` up to the flush).
    pub(crate) fn append_message(
        &self,
        msg: &MessageExtBrokerInner,
    ) -> Result<AppendMessageResult, PutMessageStatus> {
        let r = self.append_one(msg);
        if r.is_ok() {
            self.append_waker.appended();
        }
        r
    }

    fn append_one(
        &self,
        msg: &MessageExtBrokerInner,
    ) -> Result<AppendMessageResult, PutMessageStatus> {
        let body_crc = crc32(&msg.body);
        let topic = msg.topic.as_bytes();
        let props = msg.properties_string.as_bytes();
        let sys_flag = (msg.sys_flag
            & !(message_sys_flag::BORNHOST_V6_FLAG | message_sys_flag::STOREHOSTADDRESS_V6_FLAG))
            | host_v6_flags(&msg.born_host, &msg.store_host);
        let msg_len = calc_msg_length(sys_flag, msg.body.len(), topic.len(), props.len());
        self.check_sizes(msg.body.len(), props.len(), msg_len)?;
        let tran_type = message_sys_flag::get_transaction_value(sys_flag);
        let assign_offset = tran_type == message_sys_flag::TRANSACTION_NOT_TYPE
            || tran_type == message_sys_flag::TRANSACTION_COMMIT_TYPE;

        let mut st = self.append.lock();
        let store_timestamp = current_millis();
        self.begin_time_in_lock
            .store(store_timestamp, Ordering::Release);
        let queue_offset = if assign_offset {
            queue_offset_slot(&mut st.topic_queue_table, &msg.topic, msg.queue_id)
        } else {
            0
        };
        let write = |file: &MappedFile| {
            let from = file.file_from_offset();
            file.append(|tail| {
                let wrote_offset = from + (file.file_size() - tail.remaining()) as i64;
                if msg_len + END_FILE_MIN_BLANK_LENGTH > tail.remaining() {
                    return Ok((write_blank(tail)?, Err(wrote_offset)));
                }
                let fields = RecordFields {
                    queue_id: msg.queue_id,
                    flag: msg.flag,
                    queue_offset,
                    physical_offset: wrote_offset,
                    sys_flag,
                    born_timestamp: msg.born_timestamp,
                    born_host: msg.born_host,
                    store_timestamp,
                    store_host: msg.store_host,
                    reconsume_times: msg.reconsume_times,
                    prepared_transaction_offset: msg.prepared_transaction_offset,
                    body: &msg.body,
                    body_crc,
                    topic,
                    properties: props,
                };
                fields.encode_size_last(tail.take(msg_len)?);
                Ok((msg_len, Ok(wrote_offset)))
            })
        };
        let wrote_offset = self.append_with_roll(&write, store_timestamp);
        self.begin_time_in_lock.store(0, Ordering::Release);
        let wrote_offset = wrote_offset?;
        if assign_offset {
            if let Some(q) = st.topic_queue_table.get_mut(msg.topic.as_str()) {
                q.insert(msg.queue_id, queue_offset + 1);
            }
        }
        drop(st);
        Ok(AppendMessageResult {
            status: AppendMessageStatus::PutOk,
            wrote_offset,
            wrote_bytes: msg_len as i32,
            store_timestamp,
            logics_offset: queue_offset,
            msg_num: 1,
            page_cache_rt: 0,
            store_host: msg.store_host,
            batch_phy_offsets: Vec::new(),
        })
    }

    /// Runs `write` on the current file; on end of file, on the next one (the blank record is
    /// already written). Returns the record's offset. A file whose blocks cannot be reserved
    /// (only an existing sparse file on a full disk is not reserved whole) answers like one
    /// that cannot be created: CREATE_MAPPED_FILE_FAILED, nothing written.
    fn append_with_roll(
        &self,
        write: &RecordWriter<'_>,
        store_timestamp: i64,
    ) -> Result<i64, PutMessageStatus> {
        for _ in 0..2 {
            let file = self.queue.last_file_or_create(0).map_err(|e| {
                tracing::error!(error = %e, "create mapped file error");
                PutMessageStatus::CreateMappedFileFailed
            })?;
            let before = file.wrote_position();
            let written = write(&file).map_err(|e| {
                tracing::error!(error = %e, "cannot reserve disk space in the mapped file");
                PutMessageStatus::CreateMappedFileFailed
            })?;
            match written {
                Ok(off) => {
                    file.set_store_timestamp(store_timestamp);
                    let after = file.wrote_position();
                    if after / PREFAULT_STEP != before / PREFAULT_STEP {
                        if let Some(a) = self.queue.allocator() {
                            a.request_prefault(
                                &file,
                                after - after % PREFAULT_STEP + PREFAULT_STEP,
                            );
                        }
                    }
                    return Ok(off);
                }
                Err(_) => continue,
            }
        }
        Err(PutMessageStatus::UnknownError)
    }

    /// Builds the records of a batch outside the lock: each item's properties with the
    /// batch's appended, sizes checked; returns them and their total length.
    fn prepare_batch<'a>(
        &self,
        batch: &MessageExtBatch,
        items: &'a [BatchItem],
        sys_flag: i32,
    ) -> Result<(Vec<BatchRecord<'a>>, usize), PutMessageStatus> {
        let batch_props = batch.properties_string.as_bytes();
        if batch_props.len() > i16::MAX as usize {
            return Err(PutMessageStatus::PropertiesSizeExceeded);
        }
        let topic = batch.topic.as_bytes();
        let mut records = Vec::with_capacity(items.len());
        let mut total_len = 0usize;
        for item in items {
            let inner = item.properties.as_bytes();
            let properties = if batch_props.is_empty() {
                std::borrow::Cow::Borrowed(inner)
            } else {
                let mut v = Vec::with_capacity(inner.len() + 1 + batch_props.len());
                v.extend_from_slice(inner);
                if !inner.is_empty() && inner.last() != Some(&2u8) {
                    v.push(2u8);
                }
                v.extend_from_slice(batch_props);
                std::borrow::Cow::Owned(v)
            };
            let len = calc_msg_length(sys_flag, item.body.len(), topic.len(), properties.len());
            self.check_sizes(item.body.len(), properties.len(), len)?;
            total_len += len;
            records.push(BatchRecord {
                flag: item.flag,
                body_crc: crc32(&item.body),
                body: item.body.clone(),
                properties,
                len,
            });
        }
        if total_len + END_FILE_MIN_BLANK_LENGTH > self.file_size as usize {
            return Err(PutMessageStatus::MessageIllegal);
        }
        Ok((records, total_len))
    }

    /// Appends a client batch, one record per inner message with consecutive queue offsets
    /// (Java `asyncPutMessages`).
    pub(crate) fn append_messages(
        &self,
        batch: &MessageExtBatch,
    ) -> Result<AppendMessageResult, PutMessageStatus> {
        let r = self.append_batch(batch);
        if r.is_ok() {
            self.append_waker.appended();
        }
        r
    }

    fn append_batch(
        &self,
        batch: &MessageExtBatch,
    ) -> Result<AppendMessageResult, PutMessageStatus> {
        if message_sys_flag::get_transaction_value(batch.sys_flag)
            != message_sys_flag::TRANSACTION_NOT_TYPE
            || batch.delay_time_level() > 0
        {
            return Err(PutMessageStatus::MessageIllegal);
        }
        if batch.body.len() > self.config.max_message_size.max(0) as usize {
            return Err(PutMessageStatus::MessageIllegal);
        }
        let items = decode_messages(&batch.body).map_err(|_| PutMessageStatus::MessageIllegal)?;
        if items.is_empty() {
            return Err(PutMessageStatus::MessageIllegal);
        }
        let sys_flag = (batch.sys_flag
            & !(message_sys_flag::BORNHOST_V6_FLAG | message_sys_flag::STOREHOSTADDRESS_V6_FLAG))
            | host_v6_flags(&batch.born_host, &batch.store_host);
        let (records, total_len) = self.prepare_batch(batch, &items, sys_flag)?;
        let topic = batch.topic.as_bytes();

        let mut st = self.append.lock();
        let store_timestamp = current_millis();
        self.begin_time_in_lock
            .store(store_timestamp, Ordering::Release);
        let begin_queue_offset =
            queue_offset_slot(&mut st.topic_queue_table, &batch.topic, batch.queue_id);
        let phy_offsets = Mutex::new(Vec::with_capacity(records.len()));
        let write = |file: &MappedFile| {
            let from = file.file_from_offset();
            file.append(|tail| {
                let wrote_offset = from + (file.file_size() - tail.remaining()) as i64;
                if total_len + END_FILE_MIN_BLANK_LENGTH > tail.remaining() {
                    return Ok((write_blank(tail)?, Err(wrote_offset)));
                }
                let buf = tail.take(total_len)?;
                let mut phys = phy_offsets.lock();
                phys.clear();
                let mut pos = 0usize;
                for (i, r) in records.iter().enumerate() {
                    let fields = RecordFields {
                        queue_id: batch.queue_id,
                        flag: r.flag,
                        queue_offset: begin_queue_offset + i as i64,
                        physical_offset: wrote_offset + pos as i64,
                        sys_flag,
                        born_timestamp: batch.born_timestamp,
                        born_host: batch.born_host,
                        store_timestamp,
                        store_host: batch.store_host,
                        reconsume_times: batch.reconsume_times,
                        prepared_transaction_offset: 0,
                        body: &r.body,
                        body_crc: r.body_crc,
                        topic,
                        properties: &r.properties,
                    };
                    phys.push(wrote_offset + pos as i64);
                    fields.encode_size_last(&mut buf[pos..]);
                    pos += r.len;
                }
                Ok((total_len, Ok(wrote_offset)))
            })
        };
        let wrote_offset = self.append_with_roll(&write, store_timestamp);
        self.begin_time_in_lock.store(0, Ordering::Release);
        let wrote_offset = wrote_offset?;
        if let Some(q) = st.topic_queue_table.get_mut(batch.topic.as_str()) {
            q.insert(batch.queue_id, begin_queue_offset + records.len() as i64);
        }
        drop(st);
        Ok(AppendMessageResult {
            status: AppendMessageStatus::PutOk,
            wrote_offset,
            wrote_bytes: total_len as i32,
            store_timestamp,
            logics_offset: begin_queue_offset,
            msg_num: records.len() as i32,
            page_cache_rt: 0,
            store_host: batch.store_host,
            batch_phy_offsets: phy_offsets.into_inner(),
        })
    }

    /// Appends raw CommitLog bytes replicated from a master at `start_offset` (Java
    /// `appendData`); false when the offset does not continue the log, the data does not fit
    /// or its disk blocks cannot be reserved.
    pub(crate) fn append_data(&self, start_offset: i64, data: &[u8]) -> bool {
        let ok = self.append_replicated(start_offset, data);
        if ok {
            self.append_waker.appended();
        }
        ok
    }

    fn append_replicated(&self, start_offset: i64, data: &[u8]) -> bool {
        let _st = self.append.lock();
        if start_offset != self.max_offset()
            && !(self.queue.is_empty() && start_offset % self.file_size == 0)
        {
            return false;
        }
        match self
            .queue
            .last_file_or_create(start_offset)
            .and_then(|f| f.append_bytes(data))
        {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, start_offset, "append data failed");
                false
            }
        }
    }

    /// Returns the end of written data.
    pub(crate) fn max_offset(&self) -> i64 {
        self.queue.max_offset()
    }

    /// Returns the first offset still on disk, or -1 (Java `getMinOffset`).
    pub(crate) fn min_offset(&self) -> i64 {
        match self.queue.first_file() {
            Some(f) if f.is_available() => f.file_from_offset(),
            Some(f) => self.roll_next_file(f.file_from_offset()),
            None => -1,
        }
    }

    pub(crate) fn flushed_where(&self) -> i64 {
        self.queue.flushed_where()
    }

    /// Returns the start of the file after the one holding `offset`.
    pub(crate) fn roll_next_file(&self, offset: i64) -> i64 {
        offset + self.file_size - offset % self.file_size
    }

    /// Returns the file holding `offset` and the position in it. Unlike Java, offset 0 does
    /// not fall back to the first file when that file starts later (it would read another
    /// record).
    fn locate(&self, offset: i64) -> Option<(Arc<MappedFile>, usize)> {
        if offset < 0 {
            return None;
        }
        let f = self.queue.find_mapped_file_by_offset(offset, false)?;
        Some((f, (offset % self.file_size) as usize))
    }

    /// Returns `size` bytes at `offset` as a zero-copy slice (Java `getMessage`).
    pub(crate) fn get_message(&self, offset: i64, size: i32) -> Option<Bytes> {
        if size <= 0 {
            return None;
        }
        let (f, pos) = self.locate(offset)?;
        f.select_bytes(pos, size as usize)
    }

    /// Returns the bytes from `offset` to the end of written data in its file (Java `getData`).
    pub(crate) fn get_data(&self, offset: i64) -> Option<Bytes> {
        let (f, pos) = self.locate(offset)?;
        let len = f.wrote_position().checked_sub(pos)?;
        f.select_bytes(pos, len)
    }

    /// Returns the record at `offset` by reading its TOTALSIZE (Java
    /// `selectOneMessageByOffset`).
    pub(crate) fn select_one_message(&self, offset: i64) -> Option<Bytes> {
        let (f, pos) = self.locate(offset)?;
        let size = RecordView::new(f.read(pos, 4)?).total_size().ok()?;
        if size <= 0 {
            return None;
        }
        f.select_bytes(pos, size as usize)
    }

    /// Reads the store timestamp of the record at `offset` (Java `pickupStoreTimestamp`), -1
    /// when unreadable.
    pub(crate) fn pickup_store_timestamp(&self, offset: i64, size: i32) -> i64 {
        if offset < self.min_offset() || offset + size as i64 > self.max_offset() || size < 64 {
            return -1;
        }
        let Some((f, pos)) = self.locate(offset) else {
            return -1;
        };
        let Some(b) = f.read(pos, size as usize) else {
            return -1;
        };
        RecordView::new(b).store_timestamp().unwrap_or(-1)
    }

    /// Validates and parses the record at `offset`; errors name the offset.
    pub(crate) fn check_record_at(&self, offset: i64, check_crc: bool) -> Result<i32, StoreError> {
        let (f, pos) = self
            .locate(offset)
            .ok_or(StoreError::MessageNotFound { phy_offset: offset })?;
        let data = f
            .read_to_end(pos)
            .ok_or(StoreError::MessageNotFound { phy_offset: offset })?;
        match check_message_and_return_size(data, check_crc, &self.delay) {
            CheckResult::Message(m) => Ok(m.msg_size),
            CheckResult::EndOfFile => Err(StoreError::CorruptMessage {
                phy_offset: offset,
                reason: "blank record".into(),
            }),
            CheckResult::Invalid { reason, .. } => Err(StoreError::CorruptMessage {
                phy_offset: offset,
                reason,
            }),
        }
    }

    /// Scans records forward from file `index` calling `on_record` for each valid one, until
    /// the first invalid record; returns the offset after the last valid record (the body of
    /// Java's `recoverNormally` / `recoverAbnormally`).
    pub(crate) fn scan_valid(
        &self,
        mut index: usize,
        check_crc: bool,
        on_record: &mut dyn FnMut(&DispatchRequest<'_>),
    ) -> i64 {
        let files = self.queue.files();
        let Some(mut file) = files.get(index).cloned() else {
            return 0;
        };
        let mut process_offset = file.file_from_offset();
        let mut pos = 0usize;
        loop {
            let data = file.read_to_end(pos).unwrap_or(&[]);
            match check_message_and_return_size(data, check_crc, &self.delay) {
                CheckResult::Message(m) => {
                    on_record(&m);
                    pos += m.msg_size as usize;
                }
                CheckResult::EndOfFile => {
                    index += 1;
                    match files.get(index) {
                        Some(f) => {
                            file = f.clone();
                            process_offset = file.file_from_offset();
                            pos = 0;
                        }
                        None => break,
                    }
                }
                CheckResult::Invalid { reason, .. } => {
                    let at = process_offset + pos as i64;
                    if pos < file.file_size() && !data.iter().take(8).all(|b| *b == 0) {
                        tracing::warn!(
                            phy_offset = at,
                            reason,
                            "found a half message, it will be truncated"
                        );
                    }
                    break;
                }
            }
        }
        process_offset + pos as i64
    }

    /// Index of the file normal recovery starts from: the last one starting at or below the
    /// ConsumeQueues' max phy offset (5.x `recoverNormally`).
    pub(crate) fn normal_recovery_start(&self, max_phy_offset_of_cq: i64) -> usize {
        let files = self.queue.files();
        let mut index = files.len().saturating_sub(1);
        while index > 0 {
            if files[index].file_from_offset() <= max_phy_offset_of_cq {
                break;
            }
            index -= 1;
        }
        index
    }

    /// Index of the file abnormal recovery starts from: the last whose first record was stored
    /// at or before `min_timestamp` (Java `isMappedFileMatchedRecover`), else 0.
    pub(crate) fn abnormal_recovery_start(&self, min_timestamp: i64) -> usize {
        let files = self.queue.files();
        for (i, f) in files.iter().enumerate().rev() {
            let Some(head) = f.read(0, 64) else {
                continue;
            };
            if !matches!(
                RecordView::new(head).kind(),
                Ok(RecordKind::V1 | RecordKind::V2)
            ) {
                continue;
            }
            let ts = store_timestamp_at_start(f);
            if ts != 0 && ts <= min_timestamp {
                return i;
            }
        }
        0
    }

    /// Sets flushed/committed positions to `offset` and drops everything after it.
    pub(crate) fn truncate_dirty_files(&self, offset: i64) {
        self.queue.set_flushed_where(offset);
        self.queue.set_committed_where(offset);
        self.queue.truncate_dirty_files(offset);
    }

    /// Deletes expired files (Java `deleteExpiredFile`).
    pub(crate) fn delete_expired_file(
        &self,
        expired_millis: i64,
        delete_files_interval_millis: u64,
        clean_immediately: bool,
        delete_file_batch_max: usize,
    ) -> usize {
        self.queue.delete_expired_file_by_time(
            expired_millis,
            delete_files_interval_millis,
            clean_immediately,
            delete_file_batch_max,
            current_millis(),
        )
    }
}

/// Ends the file with a blank record over the rest of it; returns its length. The whole rest
/// is taken (reserved) since readers may read all of it (HA transfers it).
/// Writes a record into a file: `Ok(offset)` of the record, or `Err(offset)` of the blank
/// record that ended the file instead; the outer error when its blocks cannot be reserved.
type RecordWriter<'a> = dyn Fn(&MappedFile) -> Result<Result<i64, i64>, StoreError> + 'a;

fn write_blank(tail: &mut Tail<'_>) -> Result<usize, StoreError> {
    let len = tail.remaining();
    let blank = tail.take(len)?;
    if len >= END_FILE_MIN_BLANK_LENGTH {
        blank[0..4].copy_from_slice(&(len as i32).to_be_bytes());
        blank[4..8].copy_from_slice(&BLANK_MAGIC_CODE.to_be_bytes());
    }
    Ok(len)
}

/// Reads the store timestamp of the record at the start of `f` (its first 80 bytes hold it
/// for any host layout), 0 when unreadable.
fn store_timestamp_at_start(f: &MappedFile) -> i64 {
    f.read(0, 80)
        .and_then(|b| RecordView::new(b).store_timestamp().ok())
        .unwrap_or(0)
}

/// Returns the next queue offset of a topic queue, creating the entry at 0.
fn queue_offset_slot(
    table: &mut HashMap<String, HashMap<i32, i64>>,
    topic: &str,
    queue_id: i32,
) -> i64 {
    if let Some(q) = table.get_mut(topic) {
        return *q.entry(queue_id).or_insert(0);
    }
    table.insert(topic.to_string(), HashMap::from([(queue_id, 0)]));
    0
}
