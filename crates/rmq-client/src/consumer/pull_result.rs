//! `PullResult` and `PullStatus` (Java `consumer/PullResult`, `PullStatus`).

use rmq_common::MessageExt;
use std::fmt;

/// The outcome of a pull (`PullStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PullStatus {
    /// Messages were found.
    Found,
    /// No message at the offset yet (`PULL_NOT_FOUND`).
    NoNewMsg,
    /// Messages were there but none matched the filter (`PULL_RETRY_IMMEDIATELY`).
    NoMatchedMsg,
    /// The offset is outside the queue (`PULL_OFFSET_MOVED`).
    OffsetIllegal,
}

impl PullStatus {
    /// Returns Java's enum name.
    pub fn as_str(self) -> &'static str {
        match self {
            PullStatus::Found => "FOUND",
            PullStatus::NoNewMsg => "NO_NEW_MSG",
            PullStatus::NoMatchedMsg => "NO_MATCHED_MSG",
            PullStatus::OffsetIllegal => "OFFSET_ILLEGAL",
        }
    }
}

impl fmt::Display for PullStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a pull returned (`PullResult`/`PullResultExt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullResult {
    /// The outcome.
    pub pull_status: PullStatus,
    /// The offset to pull from next.
    pub next_begin_offset: i64,
    /// The queue's smallest offset.
    pub min_offset: i64,
    /// The queue's next offset to be written.
    pub max_offset: i64,
    /// The messages, filtered by tag on the client side as Java does.
    pub msg_found_list: Vec<MessageExt>,
    /// The broker id the broker suggests pulling from next.
    pub suggest_which_broker_id: u64,
}

impl fmt::Display for PullResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PullResult [pullStatus={}, nextBeginOffset={}, minOffset={}, maxOffset={}, msgFoundList={}]",
            self.pull_status,
            self.next_begin_offset,
            self.min_offset,
            self.max_offset,
            self.msg_found_list.len()
        )
    }
}
