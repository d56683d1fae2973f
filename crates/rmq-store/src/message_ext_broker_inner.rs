//! What the broker hands to the store: one message (`MessageExtBrokerInner`) or a client batch
//! (`MessageExtBatch`), with the properties already encoded as Java's properties string.

use bytes::Bytes;
use rmq_common::message::message_const::{PROPERTY_DELAY_TIME_LEVEL, PROPERTY_WAIT_STORE_MSG_OK};
use rmq_common::message::message_decoder::property_from_string;
use std::net::SocketAddr;

fn unspecified() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 0))
}

/// A message to append (Java `MessageExtBrokerInner`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageExtBrokerInner {
    pub topic: String,
    pub queue_id: i32,
    pub flag: i32,
    pub body: Bytes,
    /// `name 0x01 value 0x02 ...`, stored as is.
    pub properties_string: String,
    /// Tag hash; informative only, the ConsumeQueue unit is computed from the stored `TAGS`.
    pub tags_code: i64,
    /// sysFlag; the IPv6 host bits are set by the store from the addresses.
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_host: SocketAddr,
    pub reconsume_times: i32,
    pub prepared_transaction_offset: i64,
}

impl Default for MessageExtBrokerInner {
    fn default() -> Self {
        MessageExtBrokerInner {
            topic: String::new(),
            queue_id: 0,
            flag: 0,
            body: Bytes::new(),
            properties_string: String::new(),
            tags_code: 0,
            sys_flag: 0,
            born_timestamp: 0,
            born_host: unspecified(),
            store_host: unspecified(),
            reconsume_times: 0,
            prepared_transaction_offset: 0,
        }
    }
}

impl MessageExtBrokerInner {
    /// Returns false only when the `WAIT` property is `false`: the producer does not wait for
    /// the flush (Java `isWaitStoreMsgOK`).
    pub fn is_wait_store_msg_ok(&self) -> bool {
        is_wait_store_msg_ok(&self.properties_string)
    }

    /// Returns the `DELAY` level, 0 when absent or invalid.
    pub fn delay_time_level(&self) -> i32 {
        property_from_string(&self.properties_string, PROPERTY_DELAY_TIME_LEVEL)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

/// A client batch (Java `MessageExtBatch`): `body` is the encoded batch
/// (`MessageDecoder.encodeMessages`); each inner message becomes its own record with
/// consecutive queue offsets, sharing these header fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageExtBatch {
    pub topic: String,
    pub queue_id: i32,
    pub body: Bytes,
    /// Batch-level properties, appended to each inner record's properties as Java's
    /// `MessageExtEncoder.encode(MessageExtBatch)` does; may be empty.
    pub properties_string: String,
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_host: SocketAddr,
    pub reconsume_times: i32,
}

impl Default for MessageExtBatch {
    fn default() -> Self {
        MessageExtBatch {
            topic: String::new(),
            queue_id: 0,
            body: Bytes::new(),
            properties_string: String::new(),
            sys_flag: 0,
            born_timestamp: 0,
            born_host: unspecified(),
            store_host: unspecified(),
            reconsume_times: 0,
        }
    }
}

impl MessageExtBatch {
    /// See [`MessageExtBrokerInner::is_wait_store_msg_ok`].
    pub fn is_wait_store_msg_ok(&self) -> bool {
        is_wait_store_msg_ok(&self.properties_string)
    }

    /// Returns the `DELAY` level of the batch header, 0 when absent.
    pub fn delay_time_level(&self) -> i32 {
        property_from_string(&self.properties_string, PROPERTY_DELAY_TIME_LEVEL)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

fn is_wait_store_msg_ok(props: &str) -> bool {
    property_from_string(props, PROPERTY_WAIT_STORE_MSG_OK) != Some("false")
}
