//! The pull path: reads a queue's ConsumeQueue units and returns the CommitLog records they
//! point to as zero-copy slices (Java `DefaultMessageStore#getMessage`).

use crate::commit_log::CommitLog;
use crate::config::MessageStoreConfig;
use crate::consume_queue::{read_unit, ConsumeQueue};
use crate::consume_queue_store::ConsumeQueueStore;
use crate::get_message_result::{GetMessageResult, GetMessageStatus, MessageFilter};
use crate::role_state::RoleState;
use crate::store_stats_service::StoreStatsService;
use rmq_common::util_all::current_millis;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Java's `MAX_PULL_MSG_SIZE` cap on one pull (128 MiB).
const MAX_PULL_MSG_SIZE: i64 = 128 * 1024 * 1024;
/// Bytes of one ConsumeQueue unit.
const CQ_UNIT_SIZE: usize = 20;

/// One pull request (the arguments of Java `getMessage`).
pub(crate) struct GetRequest<'a> {
    pub topic: &'a str,
    pub queue_id: i32,
    pub offset: i64,
    pub max_msg_nums: i32,
    pub max_total_msg_size: i32,
    pub filter: Option<&'a dyn MessageFilter>,
}

/// Progress of one pull over the units of a queue.
struct Scan<'r> {
    req: &'r GetRequest<'r>,
    max_offset: i64,
    max_offset_py: i64,
    max_filter_message_size: i64,
    max_pull_size: i64,
    status: GetMessageStatus,
    next_begin_offset: i64,
    max_phy_offset_pulling: i64,
}

/// Serves pulls from the ConsumeQueues and the CommitLog.
pub(crate) struct GetMessageService {
    config: Arc<MessageStoreConfig>,
    commit_log: Arc<CommitLog>,
    cq_store: Arc<ConsumeQueueStore>,
    stats: Arc<StoreStatsService>,
    role: Arc<RoleState>,
    /// Bytes behind the CommitLog end still considered in memory (physical memory times
    /// `accessMessageInMemoryMaxRatio`), read once.
    memory: f64,
}

impl GetMessageService {
    pub(crate) fn new(
        config: Arc<MessageStoreConfig>,
        commit_log: Arc<CommitLog>,
        cq_store: Arc<ConsumeQueueStore>,
        stats: Arc<StoreStatsService>,
        role: Arc<RoleState>,
        total_physical_memory: i64,
    ) -> Self {
        let memory = total_physical_memory as f64
            * (config.access_message_in_memory_max_ratio as f64 / 100.0);
        GetMessageService {
            config,
            commit_log,
            cq_store,
            stats,
            role,
            memory,
        }
    }

    /// Reads up to `max_msg_nums` records of a queue (Java `getMessage` after its state
    /// checks).
    pub(crate) fn get_message(&self, req: &GetRequest<'_>) -> GetMessageResult {
        let begin = current_millis();
        let mut result = GetMessageResult::new(GetMessageStatus::NoMessageInQueue);
        let (status, next_begin_offset, min_offset, max_offset) =
            match self.cq_store.find(req.topic, req.queue_id) {
                None => (
                    GetMessageStatus::NoMatchedLogicQueue,
                    self.next_offset_correction(req.offset, 0),
                    0,
                    0,
                ),
                Some(cq) => self.read_queue(&cq, req, &mut result),
            };
        let counter = if status == GetMessageStatus::Found {
            &self.stats.get_message_times_total_found
        } else {
            &self.stats.get_message_times_total_miss
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let elapsed = current_millis() - begin;
        self.stats
            .get_message_entire_time_max
            .fetch_max(elapsed, Ordering::Relaxed);
        result.status = status;
        result.next_begin_offset = next_begin_offset;
        result.max_offset = max_offset;
        result.min_offset = min_offset;
        result
    }

    /// Returns (status, next begin offset, min offset, max offset) of a pull from `cq`.
    fn read_queue(
        &self,
        cq: &ConsumeQueue,
        req: &GetRequest<'_>,
        result: &mut GetMessageResult,
    ) -> (GetMessageStatus, i64, i64, i64) {
        let offset = req.offset;
        let min_offset = cq.min_offset_in_queue();
        let max_offset = cq.max_offset_in_queue();
        let (status, next) = if max_offset == 0 {
            (
                GetMessageStatus::NoMessageInQueue,
                self.next_offset_correction(offset, 0),
            )
        } else if offset < min_offset {
            (
                GetMessageStatus::OffsetTooSmall,
                self.next_offset_correction(offset, min_offset),
            )
        } else if offset == max_offset {
            (
                GetMessageStatus::OffsetOverflowOne,
                self.next_offset_correction(offset, offset),
            )
        } else if offset > max_offset {
            (
                GetMessageStatus::OffsetOverflowBadly,
                self.next_offset_correction(offset, max_offset),
            )
        } else {
            let mut scan = Scan {
                req,
                max_offset,
                max_offset_py: self.commit_log.max_offset(),
                max_filter_message_size: (self.config.max_filter_message_size as i64)
                    .max(req.max_msg_nums as i64 * CQ_UNIT_SIZE as i64),
                max_pull_size: (req.max_total_msg_size as i64).clamp(100, MAX_PULL_MSG_SIZE),
                status: GetMessageStatus::NoMatchedMessage,
                next_begin_offset: offset,
                max_phy_offset_pulling: 0,
            };
            self.read_units(cq, &mut scan, result);
            (scan.status, scan.next_begin_offset)
        };
        (status, next, min_offset, max_offset)
    }

    /// Walks ConsumeQueue files from the request offset until something is found.
    fn read_units(&self, cq: &ConsumeQueue, scan: &mut Scan<'_>, result: &mut GetMessageResult) {
        let mut cq_file_num = 0;
        while result.buffer_total_size <= 0
            && scan.next_begin_offset < scan.max_offset
            && cq_file_num < self.config.travel_cq_file_num_when_get_message
        {
            cq_file_num += 1;
            let Some((file, pos)) = cq.index_buffer(scan.next_begin_offset) else {
                scan.status = GetMessageStatus::OffsetFoundNull;
                scan.next_begin_offset = self.next_offset_correction(
                    scan.next_begin_offset,
                    cq.roll_next_file(scan.next_begin_offset),
                );
                tracing::warn!(
                    topic = scan.req.topic,
                    queue_id = scan.req.queue_id,
                    offset = scan.req.offset,
                    max_offset = scan.max_offset,
                    "access logic queue failed"
                );
                break;
            };
            let units = file.read_to_end(pos).unwrap_or(&[]);
            let first_index = (file.file_from_offset() + pos as i64) / CQ_UNIT_SIZE as i64;
            self.read_file_units(units, first_index, scan, result);
        }
        let diff = scan.max_offset_py - scan.max_phy_offset_pulling;
        result.suggest_pulling_from_slave = diff as f64 > self.memory;
    }

    /// Reads the records of the units of one ConsumeQueue file.
    fn read_file_units(
        &self,
        units: &[u8],
        first_index: i64,
        scan: &mut Scan<'_>,
        result: &mut GetMessageResult,
    ) {
        let mut next_phy_file_start_offset = i64::MIN;
        for (i, chunk) in units.chunks_exact(CQ_UNIT_SIZE).enumerate() {
            if scan.next_begin_offset >= scan.max_offset {
                break;
            }
            let queue_offset = first_index + i as i64;
            let (offset_py, size_py, tags_code) = read_unit(chunk);
            let in_mem = (scan.max_offset_py - offset_py) as f64 <= self.memory;
            if (queue_offset - scan.req.offset) * CQ_UNIT_SIZE as i64
                >= scan.max_filter_message_size
                || self.is_the_batch_full(size_py, scan, result, in_mem)
                || result.buffer_total_size as i64 >= scan.max_pull_size
            {
                break;
            }
            scan.max_phy_offset_pulling = offset_py;
            scan.next_begin_offset = queue_offset + 1;
            if next_phy_file_start_offset != i64::MIN && offset_py < next_phy_file_start_offset {
                continue;
            }
            if let Some(next) =
                self.read_record(offset_py, size_py, tags_code, queue_offset, scan, result)
            {
                next_phy_file_start_offset = next;
            }
        }
    }

    /// Filters and adds one record; returns the new "skip CommitLog below" offset when it
    /// changes (the next file after a removed one, or none after a found record).
    fn read_record(
        &self,
        offset_py: i64,
        size_py: i32,
        tags_code: i64,
        queue_offset: i64,
        scan: &mut Scan<'_>,
        result: &mut GetMessageResult,
    ) -> Option<i64> {
        if let Some(f) = scan.req.filter {
            if !f.is_matched_by_consume_queue(Some(tags_code)) {
                if result.buffer_total_size == 0 {
                    scan.status = GetMessageStatus::NoMatchedMessage;
                }
                return None;
            }
        }
        let Some(buf) = self.commit_log.get_message(offset_py, size_py) else {
            if result.buffer_total_size == 0 {
                scan.status = GetMessageStatus::MessageWasRemoving;
            }
            return Some(self.commit_log.roll_next_file(offset_py));
        };
        if let Some(f) = scan.req.filter {
            if !f.is_matched_by_commit_log(&buf) {
                if result.buffer_total_size == 0 {
                    scan.status = GetMessageStatus::NoMatchedMessage;
                }
                result.filter_message_count += 1;
                return None;
            }
        }
        self.stats
            .get_message_transferred_msg_count
            .fetch_add(1, Ordering::Relaxed);
        result.add_message(buf, queue_offset);
        scan.status = GetMessageStatus::Found;
        Some(i64::MIN)
    }

    fn next_offset_correction(&self, old: i64, new: i64) -> i64 {
        if !self.role.is_slave() || self.config.offset_check_in_slave {
            new
        } else {
            old
        }
    }

    /// Java `isTheBatchFull`.
    fn is_the_batch_full(
        &self,
        size_py: i32,
        scan: &Scan<'_>,
        result: &GetMessageResult,
        in_mem: bool,
    ) -> bool {
        let (buffer_total, message_total) = (result.buffer_total_size, result.msg_count);
        if buffer_total == 0 || message_total == 0 {
            return false;
        }
        if message_total + 1 > scan.req.max_msg_nums {
            return true;
        }
        if (buffer_total + size_py) as i64 > scan.max_pull_size {
            return true;
        }
        let c = &self.config;
        let (max_bytes, max_count) = if in_mem {
            (
                c.max_transfer_bytes_on_message_in_memory,
                c.max_transfer_count_on_message_in_memory,
            )
        } else {
            (
                c.max_transfer_bytes_on_message_in_disk,
                c.max_transfer_count_on_message_in_disk,
            )
        };
        buffer_total + size_py > max_bytes || message_total > max_count - 1
    }
}
