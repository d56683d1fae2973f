//! Results of reads: `GetMessageStatus`, `GetMessageResult`, `QueryMessageResult`.

use bytes::Bytes;

/// Outcome of `get_message`, with Java's names (`GetMessageStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GetMessageStatus {
    Found,
    NoMatchedMessage,
    MessageWasRemoving,
    OffsetFoundNull,
    OffsetOverflowBadly,
    OffsetOverflowOne,
    OffsetTooSmall,
    NoMatchedLogicQueue,
    NoMessageInQueue,
    OffsetReset,
}

impl GetMessageStatus {
    /// Returns Java's enum constant name, e.g. `OFFSET_OVERFLOW_ONE`.
    pub fn java_name(&self) -> &'static str {
        use GetMessageStatus::*;
        match self {
            Found => "FOUND",
            NoMatchedMessage => "NO_MATCHED_MESSAGE",
            MessageWasRemoving => "MESSAGE_WAS_REMOVING",
            OffsetFoundNull => "OFFSET_FOUND_NULL",
            OffsetOverflowBadly => "OFFSET_OVERFLOW_BADLY",
            OffsetOverflowOne => "OFFSET_OVERFLOW_ONE",
            OffsetTooSmall => "OFFSET_TOO_SMALL",
            NoMatchedLogicQueue => "NO_MATCHED_LOGIC_QUEUE",
            NoMessageInQueue => "NO_MESSAGE_IN_QUEUE",
            OffsetReset => "OFFSET_RESET",
        }
    }
}

impl std::fmt::Display for GetMessageStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.java_name())
    }
}

/// Messages found by `get_message` (Java `GetMessageResult`). Each buffer is one whole
/// CommitLog record, a zero-copy slice of the mapped file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMessageResult {
    pub status: GetMessageStatus,
    pub next_begin_offset: i64,
    pub min_offset: i64,
    pub max_offset: i64,
    pub message_buffers: Vec<Bytes>,
    /// Queue offset of each buffer.
    pub message_queue_offsets: Vec<i64>,
    pub buffer_total_size: i32,
    pub msg_count: i32,
    pub suggest_pulling_from_slave: bool,
    /// Records rejected by `MessageFilter::is_matched_by_commit_log`.
    pub filter_message_count: i32,
}

impl GetMessageResult {
    pub(crate) fn new(status: GetMessageStatus) -> Self {
        GetMessageResult {
            status,
            next_begin_offset: 0,
            min_offset: 0,
            max_offset: 0,
            message_buffers: Vec::new(),
            message_queue_offsets: Vec::new(),
            buffer_total_size: 0,
            msg_count: 0,
            suggest_pulling_from_slave: false,
            filter_message_count: 0,
        }
    }

    pub(crate) fn add_message(&mut self, buf: Bytes, queue_offset: i64) {
        self.buffer_total_size += buf.len() as i32;
        self.msg_count += 1;
        self.message_buffers.push(buf);
        self.message_queue_offsets.push(queue_offset);
    }
}

/// Messages found by key (Java `QueryMessageResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryMessageResult {
    pub message_buffers: Vec<Bytes>,
    pub index_last_update_timestamp: i64,
    pub index_last_update_phyoffset: i64,
    pub buffer_total_size: i32,
}

/// Pull filter (Java `MessageFilter`): first by the ConsumeQueue tag code, then optionally by
/// the whole record (SQL92 on properties).
pub trait MessageFilter: Send + Sync {
    /// Returns true when a unit with this tag code may match; `None` when unknown.
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool;
    /// Returns true when the record (bytes as stored) matches.
    fn is_matched_by_commit_log(&self, record: &[u8]) -> bool;
}

/// Called by ReputMessageService on its thread after each ConsumeQueue append (Java
/// `MessageArrivingListener`); keep it cheap.
pub trait MessageArrivingListener: Send + Sync {
    /// `logic_offset` is the queue's new max offset (unit offset + 1); `properties` is the raw
    /// properties string of the record.
    fn arriving(
        &self,
        topic: &str,
        queue_id: i32,
        logic_offset: i64,
        tags_code: i64,
        store_timestamp: i64,
        properties: &str,
    );
}

/// Which end of a run of equal store times `get_offset_in_queue_by_time` returns (5.x
/// `BoundaryType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoundaryType {
    /// First message stored at or after the time.
    #[default]
    Lower,
    /// Last message stored at or before the time.
    Upper,
}
