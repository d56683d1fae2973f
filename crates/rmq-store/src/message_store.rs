//! `MessageStore`: the API the broker codes against (Java `MessageStore`), implemented by
//! [`DefaultMessageStore`](crate::DefaultMessageStore) in `message_store_impl`.

use crate::get_message_result::{
    BoundaryType, GetMessageResult, MessageFilter, QueryMessageResult,
};
use crate::ha::HaRuntimeInfo;
use crate::message_ext_broker_inner::{MessageExtBatch, MessageExtBrokerInner};
use crate::put_message_result::PutMessageFuture;
use crate::store_error::StoreError;
use bytes::Bytes;
use rmq_common::MessageExt;
use std::collections::{HashMap, HashSet};

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
    /// HA figures for GET_BROKER_HA_STATUS (Java `getHARuntimeInfo`); `None` when the store
    /// runs no HA service.
    fn ha_runtime_info(&self) -> Option<HaRuntimeInfo> {
        None
    }
    /// Points the HA client at the master's HA address `host:port` (Java
    /// `updateHaMasterAddress`); a slave connects there, reconnecting every 5 s on failure.
    /// Ignored once `haMasterAddress` was configured.
    fn update_ha_master_address(&self, _addr: &str) {}
    /// Records the master's broker address (Java `updateMasterAddress`, informational).
    fn update_master_address(&self, _addr: &str) {}
    /// Returns the port the HA service listens on (the real one when `haListenPort` was 0),
    /// `None` when none is bound.
    fn ha_listen_port(&self) -> Option<u16> {
        None
    }
    /// Returns how many bytes the slowest-acknowledged slave is behind the CommitLog (Java
    /// `slaveFallBehindMuch`: max offset minus `push2SlaveMaxOffset`).
    fn slave_fall_behind_much(&self) -> i64 {
        0
    }
    /// Returns the number of connected slaves (Java `HAService#getConnectionCount`).
    fn ha_connection_count(&self) -> usize {
        0
    }
}
