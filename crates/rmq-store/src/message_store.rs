//! `MessageStore`: the API the broker codes against (Java `MessageStore`), implemented by
//! [`DefaultMessageStore`].

use crate::config::BrokerRole;
use crate::default_message_store::DefaultMessageStore;
use crate::get_message_result::{
    BoundaryType, GetMessageResult, GetMessageStatus, MessageFilter, QueryMessageResult,
};
use crate::message_ext_broker_inner::{MessageExtBatch, MessageExtBrokerInner};
use crate::put_message_result::{PutMessageFuture, PutMessageResult, PutMessageStatus};
use crate::store_error::StoreError;
use bytes::Bytes;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_common::MessageExt;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

/// Java's `MAX_PULL_MSG_SIZE` cap on one pull (128 MiB).
const MAX_PULL_MSG_SIZE: i64 = 128 * 1024 * 1024;
/// Longest topic the store accepts (a directory name).
const MAX_TOPIC_LENGTH: usize = 255;

/// Returns the machine's physical memory in bytes (Java `StoreUtil.TOTAL_PHYSICAL_MEMORY_SIZE`).
// `c_long` is i64 here but not everywhere.
#[allow(clippy::unnecessary_cast)]
pub fn total_physical_memory_size() -> i64 {
    // SAFETY: sysconf only reads system constants.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    if pages <= 0 || page <= 0 {
        return 24 * 1024 * 1024 * 1024;
    }
    pages as i64 * page as i64
}

/// Formats bytes as Java's `MixAll.humanReadableByteCount(bytes, false)`, e.g. `12.3 GiB`.
pub fn human_readable_byte_count(bytes: i64) -> String {
    let unit = 1024f64;
    if (bytes as f64) < unit {
        return format!("{bytes} B");
    }
    let exp = ((bytes as f64).ln() / unit.ln()) as i32;
    let pre = ['K', 'M', 'G', 'T', 'P', 'E'][(exp - 1).clamp(0, 5) as usize];
    format!("{:.1} {}iB", bytes as f64 / unit.powi(exp), pre)
}

/// The store as the broker sees it. All methods are synchronous and cheap enough to call from
/// async code except `put_*`'s flush wait, which is returned as a future.
pub trait MessageStore: Send + Sync {
    /// Appends one message. The future resolves at once for ASYNC_FLUSH (or `WAIT=false`),
    /// after GroupCommitService flushed it for SYNC_FLUSH, or with FLUSH_DISK_TIMEOUT.
    fn put_message(&self, msg: &MessageExtBrokerInner) -> PutMessageFuture;
    /// Appends a client batch as consecutive records.
    fn put_messages(&self, batch: &MessageExtBatch) -> PutMessageFuture;
    /// Reads up to `max_msg_nums` records from a queue as zero-copy slices (Java
    /// `getMessage`); `None` when the store is shut down or not readable.
    #[allow(clippy::too_many_arguments)]
    fn get_message(
        &self,
        group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_msg_nums: i32,
        max_total_msg_size: i32,
        filter: Option<&dyn MessageFilter>,
    ) -> Option<GetMessageResult>;
    /// Returns the next queue offset to be written (0 for an unknown queue).
    fn get_max_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64;
    /// Returns the first valid queue offset (0 for an unknown queue, as Java creates it).
    fn get_min_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64;
    /// Returns the CommitLog offset of a queue offset (0 when absent).
    fn get_commit_log_offset_in_queue(&self, topic: &str, queue_id: i32, queue_offset: i64) -> i64;
    /// Returns the queue offset for a store time, clamped to [min, max] (5.x boundaries).
    fn get_offset_in_queue_by_time(
        &self,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        boundary: BoundaryType,
    ) -> i64;
    /// Returns the store time of the message at the min offset, -1 when unknown.
    fn get_earliest_message_time(&self, topic: &str, queue_id: i32) -> i64;
    /// Returns the store time of a queue offset, -1 when unknown.
    fn get_message_store_timestamp(&self, topic: &str, queue_id: i32, queue_offset: i64) -> i64;
    /// Returns max - min offset of a queue.
    fn get_message_total_in_queue(&self, topic: &str, queue_id: i32) -> i64;
    /// Decodes the record at a CommitLog offset.
    fn look_message_by_offset(&self, phy_offset: i64) -> Option<MessageExt>;
    /// Returns the raw record at a CommitLog offset (size read from TOTALSIZE).
    fn select_one_message_by_offset(&self, phy_offset: i64) -> Option<Bytes>;
    /// Finds records by key (`UNIQ_KEY` or a `KEYS` word) stored in `[begin, end]`.
    fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> QueryMessageResult;
    /// Returns the end of written CommitLog data.
    fn get_max_phy_offset(&self) -> i64;
    /// Returns the first CommitLog offset still on disk.
    fn get_min_phy_offset(&self) -> i64;
    /// Returns the store time of the first message in the CommitLog, -1 when empty.
    fn get_earliest_message_time_of_store(&self) -> i64;
    /// Returns the current time in millis (Java `now`).
    fn now(&self) -> i64;
    /// Deletes the ConsumeQueues of the topics; returns how many existed.
    fn delete_topics(&self, topics: &[String]) -> usize;
    /// Deletes the ConsumeQueues of every non-system topic not in `keep`.
    fn clean_unused_topic(&self, keep: &HashSet<String>) -> usize;
    /// Returns CommitLog bytes from `offset` to the end of written data in its file (HA).
    fn get_commit_log_data(&self, offset: i64) -> Option<Bytes>;
    /// Appends replicated CommitLog bytes at `start_offset` (slave HA).
    fn append_to_commit_log(&self, start_offset: i64, data: &[u8]) -> Result<bool, StoreError>;
    /// Runtime figures for the broker status page (Java `getRuntimeInfo`).
    fn get_runtime_info(&self) -> HashMap<String, String>;
    /// Returns true once the store was shut down (or before `start`).
    fn is_shutdown(&self) -> bool;
    /// Returns the CommitLog offset below which every record has been dispatched (Java
    /// `ReputMessageService#getReputFromOffset`).
    fn reput_from_offset(&self) -> i64;
    /// Returns bytes written to the CommitLog but not yet dispatched (Java
    /// `dispatchBehindBytes`).
    fn dispatch_behind_bytes(&self) -> i64;
    /// Returns bytes written but not yet flushed.
    fn flush_behind_bytes(&self) -> i64;
    /// Returns when the current append took the lock (0 when idle).
    fn lock_time_mills(&self) -> i64;
    /// Returns true when an append holds the lock too long (Java `isOSPageCacheBusy`).
    fn is_os_page_cache_busy(&self) -> bool;
}

impl DefaultMessageStore {
    /// Reads and fully validates (body CRC included) the record at `phy_offset`; errors name
    /// the offset.
    pub fn read_message(&self, phy_offset: i64) -> Result<MessageExt, StoreError> {
        self.commit_log.check_record_at(phy_offset, true)?;
        let buf = self
            .commit_log
            .select_one_message(phy_offset)
            .ok_or(StoreError::MessageNotFound { phy_offset })?;
        decode(
            &buf,
            DecodeOptions {
                read_body: true,
                decompress_body: false,
            },
        )
        .map(|(m, _)| m)
        .map_err(|e| StoreError::CorruptMessage {
            phy_offset,
            reason: e.to_string(),
        })
    }

    fn check_store_status(&self) -> Option<PutMessageStatus> {
        if self.is_shutdown() {
            tracing::warn!("message store has shutdown, so putMessage is forbidden");
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.config.broker_role == BrokerRole::Slave && !self.config.duplication_enable {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if !self.running_flags.is_writeable() {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.is_os_page_cache_busy() {
            return Some(PutMessageStatus::OsPageCacheBusy);
        }
        None
    }

    fn check_topic(&self, topic: &str) -> Option<PutMessageStatus> {
        let len = topic.len();
        if len == 0
            || len > MAX_TOPIC_LENGTH
            || (len > 127 && !self.config.auto_message_version_on_topic_len)
        {
            return Some(PutMessageStatus::MessageIllegal);
        }
        None
    }

    fn finish_put(
        &self,
        r: Result<crate::AppendMessageResult, PutMessageStatus>,
        wait: bool,
        begin: i64,
    ) -> PutMessageFuture {
        let elapsed = rmq_common::util_all::current_millis() - begin;
        self.stats.set_put_message_entire_time_max(elapsed);
        match r {
            Ok(a) => {
                self.stats
                    .put_message_times_total
                    .fetch_add(a.msg_num as i64, Ordering::Relaxed);
                self.stats
                    .put_message_size_total
                    .fetch_add(a.wrote_bytes as i64, Ordering::Relaxed);
                self.flush_manager().handle_disk_flush(
                    PutMessageResult::new(PutMessageStatus::PutOk, Some(a)),
                    wait,
                )
            }
            Err(status) => {
                self.stats
                    .put_message_failed_times
                    .fetch_add(1, Ordering::Relaxed);
                PutMessageFuture::ready(PutMessageResult::new(status, None))
            }
        }
    }

    fn queue_by_time_clamped(
        &self,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        boundary: BoundaryType,
    ) -> i64 {
        let Some(cq) = self.cq_store.find(topic, queue_id) else {
            return 0;
        };
        let off = cq.offset_in_queue_by_time(timestamp, boundary, &self.commit_log);
        off.max(cq.min_offset_in_queue())
            .min(cq.max_offset_in_queue())
    }

    fn next_offset_correction(&self, old: i64, new: i64) -> i64 {
        if self.config.broker_role != BrokerRole::Slave || self.config.offset_check_in_slave {
            new
        } else {
            old
        }
    }

    fn is_the_batch_full(
        &self,
        size_py: i32,
        max_msg_nums: i32,
        max_msg_size: i64,
        buffer_total: i32,
        message_total: i32,
        in_mem: bool,
    ) -> bool {
        if buffer_total == 0 || message_total == 0 {
            return false;
        }
        if message_total + 1 > max_msg_nums {
            return true;
        }
        if (buffer_total + size_py) as i64 > max_msg_size {
            return true;
        }
        let c = &self.config;
        if in_mem {
            if buffer_total + size_py > c.max_transfer_bytes_on_message_in_memory {
                return true;
            }
            message_total > c.max_transfer_count_on_message_in_memory - 1
        } else {
            if buffer_total + size_py > c.max_transfer_bytes_on_message_in_disk {
                return true;
            }
            message_total > c.max_transfer_count_on_message_in_disk - 1
        }
    }
}

impl MessageStore for DefaultMessageStore {
    fn put_message(&self, msg: &MessageExtBrokerInner) -> PutMessageFuture {
        if let Some(s) = self
            .check_store_status()
            .or_else(|| self.check_topic(&msg.topic))
        {
            return PutMessageFuture::ready(PutMessageResult::new(s, None));
        }
        let begin = rmq_common::util_all::current_millis();
        let r = self.commit_log.append_message(msg);
        self.finish_put(r, msg.is_wait_store_msg_ok(), begin)
    }

    fn put_messages(&self, batch: &MessageExtBatch) -> PutMessageFuture {
        if let Some(s) = self
            .check_store_status()
            .or_else(|| self.check_topic(&batch.topic))
        {
            return PutMessageFuture::ready(PutMessageResult::new(s, None));
        }
        let begin = rmq_common::util_all::current_millis();
        let r = self.commit_log.append_messages(batch);
        self.finish_put(r, batch.is_wait_store_msg_ok(), begin)
    }

    fn get_message(
        &self,
        _group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_msg_nums: i32,
        max_total_msg_size: i32,
        filter: Option<&dyn MessageFilter>,
    ) -> Option<GetMessageResult> {
        if self.is_shutdown() && self.started() || !self.running_flags.is_readable() {
            return None;
        }
        let begin = rmq_common::util_all::current_millis();
        let mut result = GetMessageResult::new(GetMessageStatus::NoMessageInQueue);
        let mut status;
        let mut next_begin_offset = offset;
        let (mut min_offset, mut max_offset) = (0, 0);
        let max_offset_py = self.commit_log.max_offset();
        let memory = total_physical_memory_size() as f64
            * (self.config.access_message_in_memory_max_ratio as f64 / 100.0);
        match self.cq_store.find(topic, queue_id) {
            None => {
                status = GetMessageStatus::NoMatchedLogicQueue;
                next_begin_offset = self.next_offset_correction(offset, 0);
            }
            Some(cq) => {
                min_offset = cq.min_offset_in_queue();
                max_offset = cq.max_offset_in_queue();
                if max_offset == 0 {
                    status = GetMessageStatus::NoMessageInQueue;
                    next_begin_offset = self.next_offset_correction(offset, 0);
                } else if offset < min_offset {
                    status = GetMessageStatus::OffsetTooSmall;
                    next_begin_offset = self.next_offset_correction(offset, min_offset);
                } else if offset == max_offset {
                    status = GetMessageStatus::OffsetOverflowOne;
                    next_begin_offset = self.next_offset_correction(offset, offset);
                } else if offset > max_offset {
                    status = GetMessageStatus::OffsetOverflowBadly;
                    next_begin_offset = self.next_offset_correction(offset, max_offset);
                } else {
                    let max_filter_message_size =
                        (self.config.max_filter_message_size as i64).max(max_msg_nums as i64 * 20);
                    let max_pull_size = (max_total_msg_size as i64).clamp(100, MAX_PULL_MSG_SIZE);
                    status = GetMessageStatus::NoMatchedMessage;
                    let mut max_phy_offset_pulling = 0i64;
                    let mut cq_file_num = 0;
                    while result.buffer_total_size <= 0
                        && next_begin_offset < max_offset
                        && cq_file_num < self.config.travel_cq_file_num_when_get_message
                    {
                        cq_file_num += 1;
                        let Some((file, pos)) = cq.index_buffer(next_begin_offset) else {
                            status = GetMessageStatus::OffsetFoundNull;
                            next_begin_offset = self.next_offset_correction(
                                next_begin_offset,
                                cq.roll_next_file(next_begin_offset),
                            );
                            tracing::warn!(
                                topic,
                                queue_id,
                                offset,
                                min_offset,
                                max_offset,
                                "access logic queue failed"
                            );
                            break;
                        };
                        let units = file.read_to_end(pos).unwrap_or(&[]);
                        let first_index = (file.file_from_offset() + pos as i64) / 20;
                        let mut next_phy_file_start_offset = i64::MIN;
                        for (i, chunk) in units.chunks_exact(20).enumerate() {
                            if next_begin_offset >= max_offset {
                                break;
                            }
                            let queue_offset = first_index + i as i64;
                            let (offset_py, size_py, tags_code) =
                                crate::consume_queue::read_unit(chunk);
                            let in_mem = (max_offset_py - offset_py) as f64 <= memory;
                            if (queue_offset - offset) * 20 >= max_filter_message_size {
                                break;
                            }
                            if self.is_the_batch_full(
                                size_py,
                                max_msg_nums,
                                max_pull_size,
                                result.buffer_total_size,
                                result.msg_count,
                                in_mem,
                            ) {
                                break;
                            }
                            if result.buffer_total_size as i64 >= max_pull_size {
                                break;
                            }
                            max_phy_offset_pulling = offset_py;
                            next_begin_offset = queue_offset + 1;
                            if next_phy_file_start_offset != i64::MIN
                                && offset_py < next_phy_file_start_offset
                            {
                                continue;
                            }
                            if let Some(f) = filter {
                                if !f.is_matched_by_consume_queue(Some(tags_code)) {
                                    if result.buffer_total_size == 0 {
                                        status = GetMessageStatus::NoMatchedMessage;
                                    }
                                    continue;
                                }
                            }
                            let Some(buf) = self.commit_log.get_message(offset_py, size_py) else {
                                if result.buffer_total_size == 0 {
                                    status = GetMessageStatus::MessageWasRemoving;
                                }
                                next_phy_file_start_offset =
                                    self.commit_log.roll_next_file(offset_py);
                                continue;
                            };
                            if let Some(f) = filter {
                                if !f.is_matched_by_commit_log(&buf) {
                                    if result.buffer_total_size == 0 {
                                        status = GetMessageStatus::NoMatchedMessage;
                                    }
                                    result.filter_message_count += 1;
                                    continue;
                                }
                            }
                            self.stats
                                .get_message_transferred_msg_count
                                .fetch_add(1, Ordering::Relaxed);
                            result.add_message(buf, queue_offset);
                            status = GetMessageStatus::Found;
                            next_phy_file_start_offset = i64::MIN;
                        }
                    }
                    let diff = max_offset_py - max_phy_offset_pulling;
                    result.suggest_pulling_from_slave = diff as f64 > memory;
                }
            }
        }
        if status == GetMessageStatus::Found {
            self.stats
                .get_message_times_total_found
                .fetch_add(1, Ordering::Relaxed);
        } else {
            self.stats
                .get_message_times_total_miss
                .fetch_add(1, Ordering::Relaxed);
        }
        let elapsed = rmq_common::util_all::current_millis() - begin;
        self.stats
            .get_message_entire_time_max
            .fetch_max(elapsed, Ordering::Relaxed);
        result.status = status;
        result.next_begin_offset = next_begin_offset;
        result.max_offset = max_offset;
        result.min_offset = min_offset;
        Some(result)
    }

    fn get_max_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .map(|q| q.max_offset_in_queue())
            .unwrap_or(0)
    }

    fn get_min_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        // Java creates the queue on lookup, so a queue never written to reports 0.
        self.cq_store
            .find(topic, queue_id)
            .map(|q| q.min_offset_in_queue())
            .unwrap_or(0)
    }

    fn get_commit_log_offset_in_queue(&self, topic: &str, queue_id: i32, queue_offset: i64) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .and_then(|q| q.get(queue_offset))
            .map(|u| u.pos)
            .unwrap_or(0)
    }

    fn get_offset_in_queue_by_time(
        &self,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        boundary: BoundaryType,
    ) -> i64 {
        self.queue_by_time_clamped(topic, queue_id, timestamp, boundary)
    }

    fn get_earliest_message_time(&self, topic: &str, queue_id: i32) -> i64 {
        let Some(cq) = self.cq_store.find(topic, queue_id) else {
            return -1;
        };
        cq.get(cq.min_offset_in_queue())
            .map(|u| self.commit_log.pickup_store_timestamp(u.pos, u.size))
            .unwrap_or(-1)
    }

    fn get_message_store_timestamp(&self, topic: &str, queue_id: i32, queue_offset: i64) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .and_then(|q| q.get(queue_offset))
            .map(|u| self.commit_log.pickup_store_timestamp(u.pos, u.size))
            .unwrap_or(-1)
    }

    fn get_message_total_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .map(|q| q.max_offset_in_queue() - q.min_offset_in_queue())
            .unwrap_or(0)
    }

    fn look_message_by_offset(&self, phy_offset: i64) -> Option<MessageExt> {
        let buf = self.commit_log.select_one_message(phy_offset)?;
        match decode(
            &buf,
            DecodeOptions {
                read_body: true,
                decompress_body: false,
            },
        ) {
            Ok((m, _)) => Some(m),
            Err(e) => {
                tracing::warn!(phy_offset, error = %e, "corrupt message");
                None
            }
        }
    }

    fn select_one_message_by_offset(&self, phy_offset: i64) -> Option<Bytes> {
        self.commit_log.select_one_message(phy_offset)
    }

    fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> QueryMessageResult {
        let mut result = QueryMessageResult::default();
        let mut last_query_msg_time = end;
        let max_phy = self.commit_log.max_offset();
        for _ in 0..3 {
            let (mut offsets, last_ts, last_phy) = self.index_service.query_offset(
                topic,
                key,
                max_num.max(0) as usize,
                begin,
                last_query_msg_time,
            );
            if offsets.is_empty() {
                break;
            }
            offsets.sort_unstable();
            result.index_last_update_phyoffset = last_phy;
            result.index_last_update_timestamp = last_ts;
            for (m, off) in offsets.iter().enumerate() {
                // Entries may outlive a truncated CommitLog tail: only return records that exist.
                if *off >= max_phy {
                    continue;
                }
                let Some(buf) = self.commit_log.select_one_message(*off) else {
                    continue;
                };
                if m == 0 {
                    last_query_msg_time = self
                        .commit_log
                        .pickup_store_timestamp(*off, buf.len() as i32);
                }
                result.buffer_total_size += buf.len() as i32;
                result.message_buffers.push(buf);
            }
            if result.buffer_total_size > 0 || last_query_msg_time < begin {
                break;
            }
        }
        result
    }

    fn get_max_phy_offset(&self) -> i64 {
        self.commit_log.max_offset()
    }

    fn get_min_phy_offset(&self) -> i64 {
        self.commit_log.min_offset()
    }

    fn get_earliest_message_time_of_store(&self) -> i64 {
        let min = self.commit_log.min_offset();
        match self.commit_log.select_one_message(min) {
            Some(b) => self.commit_log.pickup_store_timestamp(min, b.len() as i32),
            None => -1,
        }
    }

    fn now(&self) -> i64 {
        rmq_common::util_all::current_millis()
    }

    fn delete_topics(&self, topics: &[String]) -> usize {
        let mut n = 0;
        for t in topics {
            if self.cq_store.delete_topic(t) {
                self.commit_log.remove_topic_queue_table(t);
                tracing::info!(topic = %t, "DeleteTopic: topic has been destroyed");
                n += 1;
            }
        }
        n
    }

    fn clean_unused_topic(&self, keep: &HashSet<String>) -> usize {
        let victims: Vec<String> = self
            .cq_store
            .topics()
            .into_iter()
            .filter(|t| !keep.contains(t) && !is_system_topic(t))
            .collect();
        self.delete_topics(&victims)
    }

    fn get_commit_log_data(&self, offset: i64) -> Option<Bytes> {
        if self.is_shutdown() && self.started() {
            return None;
        }
        self.commit_log.get_data(offset)
    }

    fn append_to_commit_log(&self, start_offset: i64, data: &[u8]) -> Result<bool, StoreError> {
        if self.is_shutdown() && self.started() {
            return Err(StoreError::Shutdown);
        }
        Ok(self.commit_log.append_data(start_offset, data))
    }

    fn get_runtime_info(&self) -> HashMap<String, String> {
        let mut m = self.stats.runtime_info();
        let cl_path = self.config.commit_log_store_path();
        let physic = crate::clean_commit_log_service::disk_partition_space_used_percent(&cl_path);
        m.insert(
            format!("commitLogDiskRatio_{}", cl_path.display()),
            physic.to_string(),
        );
        m.insert("commitLogDiskRatio".into(), physic.to_string());
        let logics = crate::clean_commit_log_service::disk_partition_space_used_percent(
            &self.config.consume_queue_store_path(),
        );
        m.insert("consumeQueueDiskRatio".into(), logics.to_string());
        m.insert(
            "commitLogMinOffset".into(),
            self.commit_log.min_offset().to_string(),
        );
        m.insert(
            "commitLogMaxOffset".into(),
            self.commit_log.max_offset().to_string(),
        );
        // Java: `File(storePathRootDir)` total and free (not usable) space.
        let root = std::path::Path::new(&self.config.store_path_root_dir);
        if let Ok(space) = self.fs.disk_space(root) {
            m.insert(
                "commitLogDirCapacity".into(),
                format!(
                    "Total : {}, Free : {}.",
                    human_readable_byte_count(space.total as i64),
                    human_readable_byte_count(space.free as i64)
                ),
            );
        }
        m.insert(
            "dispatchBehindBytes".into(),
            self.dispatch_behind_bytes().to_string(),
        );
        m.insert(
            "pageCacheLockTimeMills".into(),
            self.lock_time_mills().to_string(),
        );
        m
    }

    fn is_shutdown(&self) -> bool {
        DefaultMessageStore::is_shutdown(self)
    }

    fn reput_from_offset(&self) -> i64 {
        DefaultMessageStore::reput_from_offset(self)
    }

    fn dispatch_behind_bytes(&self) -> i64 {
        DefaultMessageStore::dispatch_behind_bytes(self)
    }

    fn flush_behind_bytes(&self) -> i64 {
        DefaultMessageStore::flush_behind_bytes(self)
    }

    fn lock_time_mills(&self) -> i64 {
        DefaultMessageStore::lock_time_mills(self)
    }

    fn is_os_page_cache_busy(&self) -> bool {
        DefaultMessageStore::is_os_page_cache_busy(self)
    }
}

/// System topics that `clean_unused_topic` keeps (subset of Java `TopicValidator`).
fn is_system_topic(t: &str) -> bool {
    t.starts_with("rmq_sys_")
        || matches!(
            t,
            "SCHEDULE_TOPIC_XXXX"
                | "TBW102"
                | "BenchmarkTest"
                | "OFFSET_MOVED_EVENT"
                | "RMQ_SYS_TRANS_HALF_TOPIC"
                | "RMQ_SYS_TRACE_TOPIC"
                | "RMQ_SYS_TRANS_OP_HALF_TOPIC"
                | "TRANS_CHECK_MAX_TIME_TOPIC"
                | "SELF_TEST_TOPIC"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_readable() {
        assert_eq!(human_readable_byte_count(512), "512 B");
        assert_eq!(human_readable_byte_count(1536), "1.5 KiB");
        assert_eq!(
            human_readable_byte_count(10 * 1024 * 1024 * 1024),
            "10.0 GiB"
        );
    }
}
