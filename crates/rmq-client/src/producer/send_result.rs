//! `SendResult` and `SendStatus` (Java `producer/SendResult`, `SendStatus`).

use rmq_common::MessageQueue;
use std::fmt;

/// How a message was stored (`SendStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendStatus {
    /// Stored (and flushed/replicated as configured).
    SendOk,
    /// Stored, but the synchronous flush timed out.
    FlushDiskTimeout,
    /// Stored, but the synchronous replication timed out.
    FlushSlaveTimeout,
    /// Stored, but no slave is available for synchronous replication.
    SlaveNotAvailable,
}

impl SendStatus {
    /// Returns Java's enum name.
    pub fn as_str(self) -> &'static str {
        match self {
            SendStatus::SendOk => "SEND_OK",
            SendStatus::FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            SendStatus::FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            SendStatus::SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
        }
    }
}

impl fmt::Display for SendStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of a successful send (`SendResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    /// How the broker stored it.
    pub send_status: SendStatus,
    /// The client unique id (`UNIQ_KEY`); for a batch the ids joined with `,`.
    pub msg_id: String,
    /// The queue it went to.
    pub message_queue: MessageQueue,
    /// Its offset in that queue (the first one for a batch).
    pub queue_offset: i64,
    /// Transaction id (transactional sends).
    pub transaction_id: Option<String>,
    /// Store host plus commit log offset, as the broker computed it.
    pub offset_msg_id: String,
    /// The broker's region (`MSG_REGION`), `DefaultRegion` when absent.
    pub region_id: String,
    /// Whether the broker has tracing on (`TRACE_ON`).
    pub trace_on: bool,
}

impl fmt::Display for SendResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SendResult [sendStatus={}, msgId={}, offsetMsgId={}, messageQueue={}, queueOffset={}]",
            self.send_status,
            self.msg_id,
            self.offset_msg_id,
            self.message_queue,
            self.queue_offset
        )
    }
}
