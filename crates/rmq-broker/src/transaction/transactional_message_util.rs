//! How transactional records are built from one another (Java
//! `TransactionalMessageUtil`, `TransactionalMessageBridge#parseHalfMessageInner`,
//! `renewHalfMessageInner`, `renewImmunityHalfMessageInner`, `makeOpMessageInner`,
//! `EndTransactionProcessor#endMessageTransaction` and
//! `DefaultTransactionalMessageCheckListener#toMessageExtBrokerInner`).
//!
//! Java re-encodes a record's properties from the `HashMap` it decoded them into, so every
//! copy here goes through [`JavaHashMap`] to keep Java's pair order.

use bytes::Bytes;
use rmq_common::java_hash::tags_string_to_tags_code;
use rmq_common::java_hash_map::JavaHashMap;
use rmq_common::message::message_const::*;
use rmq_common::message::message_decoder::{
    decode, decode_properties_string, java_properties_to_string, string_to_java_properties,
    DecodeOptions,
};
use rmq_common::sys_flag::message_sys_flag;
use rmq_common::{mix_all, MessageExt};
use rmq_store::MessageExtBrokerInner;
use std::net::SocketAddr;

/// The tag of op records (Java `TransactionalMessageUtil.REMOVE_TAG`).
pub const REMOVE_TAG: &str = "d";
/// The separator of half offsets in an op record's body.
pub const OFFSET_SEPARATOR: char = ',';

/// A stored record decoded with its properties in Java's `HashMap` order.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    /// The decoded record.
    pub ext: MessageExt,
    /// The properties as Java's `MessageExt#getProperties` map.
    pub props: JavaHashMap,
}

impl StoredMessage {
    /// Decodes one CommitLog record; `None` when it is not a valid record.
    pub fn decode(record: &[u8]) -> Option<Self> {
        let opts = DecodeOptions {
            read_body: true,
            decompress_body: false,
        };
        let (ext, _) = decode(record, opts).ok()?;
        let props = string_to_java_properties(&decode_properties_string(record).ok()?);
        Some(StoredMessage { ext, props })
    }

    /// Returns a property.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.props.get(name)
    }

    /// Sets a property in both views (Java `putUserProperty`).
    pub fn put_property(&mut self, name: &str, value: String) {
        self.ext.message.put_property(name, value.clone());
        self.props.insert(name, value);
    }

    fn tags_code(&self) -> i64 {
        tags_string_to_tags_code(self.props.get(PROPERTY_TAGS))
    }
}

/// Turns a send into a half message (Java `parseHalfMessageInner`): `__transactionId__` =
/// UNIQ_KEY, the real topic and queue saved, transaction bits cleared so the record gets a
/// ConsumeQueue entry, and the half topic's queue 0.
pub fn parse_half_message_inner(
    props: &mut JavaHashMap,
    topic: &mut String,
    queue_id: &mut i32,
    sys_flag: &mut i32,
) {
    if let Some(uniq) = props
        .get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
    {
        props.insert(PROPERTY_TRANSACTION_ID, uniq);
    }
    props.insert(PROPERTY_REAL_TOPIC, topic.clone());
    props.insert(PROPERTY_REAL_QUEUE_ID, queue_id.to_string());
    *sys_flag = message_sys_flag::reset_transaction_value(
        *sys_flag,
        message_sys_flag::TRANSACTION_NOT_TYPE,
    );
    *topic = mix_all::RMQ_SYS_TRANS_HALF_TOPIC.to_string();
    *queue_id = 0;
}

/// A copy of a half message for the end of its queue (Java `renewHalfMessageInner`).
pub fn renew_half_message_inner(m: &StoredMessage) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: m.ext.message.topic.clone(),
        queue_id: m.ext.queue_id,
        flag: 0,
        body: m.ext.message.body.clone(),
        properties_string: java_properties_to_string(&m.props),
        tags_code: m.tags_code(),
        sys_flag: m.ext.sys_flag,
        born_timestamp: m.ext.born_timestamp,
        born_host: m.ext.born_host,
        store_host: m.ext.store_host,
        reconsume_times: 0,
        prepared_transaction_offset: 0,
    }
}

/// A copy of a half message still in its immunity time, remembering the queue offset of the
/// first copy in `TRAN_PREPARED_QUEUE_OFFSET` (Java `renewImmunityHalfMessageInner`).
pub fn renew_immunity_half_message_inner(m: &StoredMessage) -> MessageExtBrokerInner {
    let mut props = m.props.clone();
    if props
        .get(PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET)
        .is_none()
    {
        props.insert(
            PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET,
            m.ext.queue_offset.to_string(),
        );
    }
    MessageExtBrokerInner {
        properties_string: java_properties_to_string(&props),
        ..renew_half_message_inner(m)
    }
}

/// The committed message (Java `endMessageTransaction` and what `processRequest` sets after
/// it): the real topic and queue, the half's properties as stored (Java clears REAL_TOPIC,
/// REAL_QID and TRAN_MSG from the map only after the string was built), COMMIT bits and the
/// half's CommitLog offset. `None` when REAL_QID is not a number.
pub fn end_message_transaction(
    m: &StoredMessage,
    commit_or_rollback: i32,
    prepared_commit_log_offset: i64,
) -> Option<MessageExtBrokerInner> {
    let topic = m
        .property(PROPERTY_REAL_TOPIC)
        .unwrap_or_default()
        .to_string();
    let queue_id = m.property(PROPERTY_REAL_QUEUE_ID)?.parse().ok()?;
    Some(MessageExtBrokerInner {
        topic,
        queue_id,
        flag: m.ext.message.flag,
        body: m.ext.message.body.clone(),
        properties_string: java_properties_to_string(&m.props),
        tags_code: m.tags_code(),
        sys_flag: message_sys_flag::reset_transaction_value(m.ext.sys_flag, commit_or_rollback),
        born_timestamp: m.ext.born_timestamp,
        born_host: m.ext.born_host,
        store_host: m.ext.store_host,
        reconsume_times: m.ext.reconsume_times,
        prepared_transaction_offset: prepared_commit_log_offset,
    })
}

/// A half message checked too often, for `TRANS_CHECK_MAX_TIME_TOPIC` queue `queue_id` (Java
/// `toMessageExtBrokerInner`): every field and property kept.
pub fn discard_message_inner(m: &StoredMessage, queue_id: i32) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: mix_all::RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC.to_string(),
        queue_id,
        flag: m.ext.message.flag,
        body: m.ext.message.body.clone(),
        properties_string: java_properties_to_string(&m.props),
        tags_code: m.tags_code(),
        sys_flag: m.ext.sys_flag,
        born_timestamp: m.ext.born_timestamp,
        born_host: m.ext.born_host,
        store_host: m.ext.store_host,
        reconsume_times: m.ext.reconsume_times,
        prepared_transaction_offset: 0,
    }
}

/// An op record for half queue `queue_id` (Java `makeOpMessageInner`): tag `d`, sysflag 0,
/// a new UNIQ_KEY, born and stored by the broker.
pub fn make_op_message_inner(
    queue_id: i32,
    body: String,
    store_host: SocketAddr,
) -> MessageExtBrokerInner {
    let mut props = JavaHashMap::new();
    props.insert(PROPERTY_TAGS, REMOVE_TAG);
    props.insert(
        PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
        rmq_common::message::message_client_id::create_uniq_id(),
    );
    MessageExtBrokerInner {
        topic: mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC.to_string(),
        queue_id,
        flag: 0,
        body: Bytes::from(body.into_bytes()),
        properties_string: java_properties_to_string(&props),
        tags_code: tags_string_to_tags_code(Some(REMOVE_TAG)),
        sys_flag: 0,
        born_timestamp: rmq_common::util_all::current_millis(),
        born_host: store_host,
        store_host,
        reconsume_times: 0,
        prepared_transaction_offset: 0,
    }
}

/// The half offsets an op record's body lists (`"o1,o2,"`; empties and non-numbers are
/// skipped, as Java's `getLong` gives -1 for them, below any half offset).
pub fn parse_op_body(body: &[u8]) -> Vec<i64> {
    String::from_utf8_lossy(body)
        .split(OFFSET_SEPARATOR)
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The immunity time END_TRANSACTION respects (Java `TransactionalMessageUtil#getImmunityTime`):
/// the property in seconds, never below `transactionTimeOut`.
pub fn end_immunity_time_millis(value: &str, transaction_timeout_millis: i64) -> i64 {
    let v = value.parse::<i64>().map_or(0, |s| s.saturating_mul(1000));
    v.max(transaction_timeout_millis)
}

/// The immunity time of the check pass (Java `TransactionalMessageServiceImpl#getImmunityTime`):
/// the property in seconds, or `transactionTimeOut` when it is not a number.
pub fn check_immunity_time_millis(value: &str, transaction_timeout_millis: i64) -> i64 {
    match value.parse::<i64>() {
        Ok(-1) | Err(_) => transaction_timeout_millis,
        Ok(s) => s.saturating_mul(1000),
    }
}

/// The CHECK_TRANSACTION_STATE body: the half copy as `MessageDecoder.encode` writes it,
/// with the real topic and queue (Java `sendCheckMessage`).
pub fn check_message_body(m: &StoredMessage) -> Bytes {
    let mut ext = m.ext.clone();
    if let Some(t) = m.property(PROPERTY_REAL_TOPIC) {
        ext.message.topic = t.to_string();
    }
    if let Some(q) = m
        .property(PROPERTY_REAL_QUEUE_ID)
        .and_then(|q| q.parse().ok())
    {
        ext.queue_id = q;
    }
    ext.store_size = 0;
    rmq_common::message::message_decoder::encode_message_ext(&ext)
}

/// A half message of group `pg` (UNIQ_KEY `UNIQ1`, tag `TagA`, body `body`) for `TopicT`
/// queue 1, with `extra` properties, as the send path stores it.
#[cfg(test)]
pub(crate) fn test_half_inner(
    extra: &[(&str, &str)],
    born_timestamp: i64,
    store_host: SocketAddr,
) -> MessageExtBrokerInner {
    let mut props = JavaHashMap::new();
    props.insert(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "UNIQ1");
    props.insert(PROPERTY_TRANSACTION_PREPARED, "true");
    props.insert(PROPERTY_PRODUCER_GROUP, "pg");
    props.insert(PROPERTY_TAGS, "TagA");
    for (k, v) in extra {
        props.insert(*k, *v);
    }
    let (mut topic, mut queue_id, mut sys_flag) = ("TopicT".to_string(), 1, 0x4);
    parse_half_message_inner(&mut props, &mut topic, &mut queue_id, &mut sys_flag);
    MessageExtBrokerInner {
        topic,
        queue_id,
        body: Bytes::from_static(b"body"),
        properties_string: java_properties_to_string(&props),
        sys_flag,
        born_timestamp,
        born_host: "127.0.0.1:5555".parse().unwrap_or(store_host),
        store_host,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_message_moves_to_queue_0_of_the_half_topic() {
        let mut props = JavaHashMap::new();
        props.insert(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "U1");
        props.insert(PROPERTY_TRANSACTION_PREPARED, "true");
        let (mut topic, mut qid, mut flag) = ("TopicA".to_string(), 3, 0x4 | 0x2);
        parse_half_message_inner(&mut props, &mut topic, &mut qid, &mut flag);
        assert_eq!(
            (topic.as_str(), qid, flag),
            ("RMQ_SYS_TRANS_HALF_TOPIC", 0, 0x2)
        );
        assert_eq!(props.get(PROPERTY_TRANSACTION_ID), Some("U1"));
        assert_eq!(props.get(PROPERTY_REAL_TOPIC), Some("TopicA"));
        assert_eq!(props.get(PROPERTY_REAL_QUEUE_ID), Some("3"));
    }

    #[test]
    fn op_bodies_and_immunity_times_parse_as_java() {
        assert_eq!(parse_op_body(b"3,5,,x,7,"), vec![3, 5, 7]);
        assert_eq!(parse_op_body(b"12"), vec![12]);
        assert_eq!(end_immunity_time_millis("2", 6000), 6000);
        assert_eq!(end_immunity_time_millis("10", 6000), 10_000);
        assert_eq!(end_immunity_time_millis("x", 6000), 6000);
        assert_eq!(check_immunity_time_millis("2", 6000), 2000);
        assert_eq!(check_immunity_time_millis("x", 6000), 6000);
    }

    #[test]
    fn commit_keeps_the_stored_properties_and_sets_commit_bits() {
        let mut props = JavaHashMap::new();
        props.insert(PROPERTY_TRANSACTION_PREPARED, "true");
        props.insert(PROPERTY_REAL_TOPIC, "TopicA");
        props.insert(PROPERTY_REAL_QUEUE_ID, "2");
        props.insert(PROPERTY_TAGS, "TagA");
        let ext = MessageExt {
            sys_flag: 0x1,
            ..MessageExt::default()
        };
        let m = StoredMessage { ext, props };
        let inner = end_message_transaction(&m, 0x8, 4242).unwrap();
        assert_eq!((inner.topic.as_str(), inner.queue_id), ("TopicA", 2));
        assert_eq!(inner.sys_flag, 0x9);
        assert_eq!(inner.prepared_transaction_offset, 4242);
        assert_eq!(inner.tags_code, tags_string_to_tags_code(Some("TagA")));
        for p in [
            "TRAN_MSG\u{1}true",
            "REAL_TOPIC\u{1}TopicA",
            "REAL_QID\u{1}2",
        ] {
            assert!(inner.properties_string.contains(p), "{p}");
        }
        let mut bad = m.clone();
        bad.props.insert(PROPERTY_REAL_QUEUE_ID, "x");
        assert!(end_message_transaction(&bad, 0x8, 0).is_none());
    }

    #[test]
    fn op_record_is_tagged_d_with_the_offsets() {
        let host: SocketAddr = "127.0.0.1:10911".parse().unwrap();
        let op = make_op_message_inner(0, "1,2,".into(), host);
        assert_eq!(op.topic, "RMQ_SYS_TRANS_OP_HALF_TOPIC");
        assert_eq!(&op.body[..], b"1,2,");
        assert!(op.properties_string.contains("TAGS\u{1}d\u{2}"));
        assert_eq!(op.sys_flag, 0);
    }
}
