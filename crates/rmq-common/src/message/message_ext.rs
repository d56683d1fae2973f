//! `MessageExt`: a stored message as consumers and admin tools see it.

use super::message_const::*;
use super::Message;
use std::net::SocketAddr;

/// A stored message (Java `MessageExt`): the message plus where and when it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageExt {
    pub message: Message,
    pub broker_name: String,
    pub queue_id: i32,
    pub store_size: i32,
    pub queue_offset: i64,
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_timestamp: i64,
    pub store_host: SocketAddr,
    /// The offset message id (store host + commit log offset), as decoded.
    pub msg_id: String,
    pub commit_log_offset: i64,
    pub body_crc: i32,
    pub reconsume_times: i32,
    pub prepared_transaction_offset: i64,
}

impl Default for MessageExt {
    fn default() -> Self {
        let unspecified = SocketAddr::from(([0, 0, 0, 0], 0));
        MessageExt {
            message: Message::default(),
            broker_name: String::new(),
            queue_id: 0,
            store_size: 0,
            queue_offset: 0,
            sys_flag: 0,
            born_timestamp: 0,
            born_host: unspecified,
            store_timestamp: 0,
            store_host: unspecified,
            msg_id: String::new(),
            commit_log_offset: 0,
            body_crc: 0,
            reconsume_times: 0,
            prepared_transaction_offset: 0,
        }
    }
}

impl MessageExt {
    /// Returns the topic.
    pub fn topic(&self) -> &str {
        &self.message.topic
    }

    /// Returns the body.
    pub fn body(&self) -> &[u8] {
        &self.message.body
    }

    /// Returns a property.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.message.property(name)
    }

    /// Returns the tags.
    pub fn tags(&self) -> Option<&str> {
        self.message.tags()
    }

    /// Returns the keys.
    pub fn keys(&self) -> Option<&str> {
        self.message.keys()
    }

    /// Returns the id Java's `MessageClientExt.getMsgId` shows: the `UNIQ_KEY` when present,
    /// else the offset message id.
    pub fn client_msg_id(&self) -> &str {
        self.message.uniq_key().unwrap_or(&self.msg_id)
    }

    /// Returns the offset message id.
    pub fn offset_msg_id(&self) -> &str {
        &self.msg_id
    }

    /// Returns `MAX_RECONSUME_TIMES`, if set.
    pub fn max_reconsume_times(&self) -> Option<i32> {
        self.property(PROPERTY_MAX_RECONSUME_TIMES)
            .and_then(|v| v.parse().ok())
    }
}
