//! `DispatchRequest` and the record check of `CommitLog#checkMessageAndReturnSize`: validates
//! one CommitLog record in place and extracts what ConsumeQueue and index need, borrowing the
//! strings from the mapped bytes (no allocation on the dispatch path).

use rmq_common::java_hash::tags_string_to_tags_code;
use rmq_common::message::message_const::{
    PROPERTY_DELAY_TIME_LEVEL, PROPERTY_KEYS, PROPERTY_TAGS, PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
};
use rmq_common::message::message_decoder::MessageDecodeError;
use rmq_common::message::record::{RecordKind, RecordParts, RecordView};
use rmq_common::util_all::crc32;

/// The schedule topic, whose tag code is the delivery time (`TopicValidator`).
pub(crate) const RMQ_SYS_SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";

/// One valid record, as the dispatchers see it (Java `DispatchRequest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DispatchRequest<'a> {
    pub topic: &'a str,
    pub queue_id: i32,
    /// PHYSICALOFFSET as stored in the record.
    pub commit_log_offset: i64,
    pub msg_size: i32,
    pub tags_code: i64,
    pub store_timestamp: i64,
    pub consume_queue_offset: i64,
    pub keys: &'a str,
    pub uniq_key: Option<&'a str>,
    pub sys_flag: i32,
    pub prepared_transaction_offset: i64,
    pub properties: &'a str,
}

/// What a record check found at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CheckResult<'a> {
    /// A valid record.
    Message(DispatchRequest<'a>),
    /// The blank filler: the rest of the file is unused.
    EndOfFile,
    /// Not a valid record; `size` is TOTALSIZE when only the length check failed (Java then
    /// skips it during reput), else -1.
    Invalid { size: i32, reason: String },
}

fn invalid(size: i32, reason: impl Into<String>) -> CheckResult<'static> {
    CheckResult::Invalid {
        size,
        reason: reason.into(),
    }
}

/// Delay table used to compute the tag code of schedule-topic records.
#[derive(Debug, Clone, Default)]
pub(crate) struct DelayLevels {
    /// `millis[level - 1]`.
    pub millis: Vec<i64>,
}

impl DelayLevels {
    /// Java `computeDeliverTimestamp`.
    pub(crate) fn deliver_timestamp(&self, level: usize, store_timestamp: i64) -> i64 {
        match level.checked_sub(1).and_then(|i| self.millis.get(i)) {
            Some(d) => store_timestamp + d,
            None => store_timestamp + 1000,
        }
    }
}

/// Scans a properties string once; the last occurrence of a key wins, as with Java's map.
/// Returns (tags, keys, uniq key, delay).
pub(crate) fn scan_properties(
    props: &str,
) -> (Option<&str>, Option<&str>, Option<&str>, Option<&str>) {
    let (mut tags, mut keys, mut uniq, mut delay) = (None, None, None, None);
    for pair in props.split('\u{2}') {
        let Some((k, v)) = pair.split_once('\u{1}') else {
            continue;
        };
        if k.is_empty() || v.is_empty() {
            continue;
        }
        match k {
            PROPERTY_TAGS => tags = Some(v),
            PROPERTY_KEYS => keys = Some(v),
            PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX => uniq = Some(v),
            PROPERTY_DELAY_TIME_LEVEL => delay = Some(v),
            _ => {}
        }
    }
    (tags, keys, uniq, delay)
}

/// Checks the record at the start of `buf` (Java `checkMessageAndReturnSize`). With
/// `check_crc` the body CRC must match (`checkCRCOnRecover`).
pub(crate) fn check_message_and_return_size<'a>(
    buf: &'a [u8],
    check_crc: bool,
    delay: &DelayLevels,
) -> CheckResult<'a> {
    if buf.len() <= 4 {
        return invalid(-1, "fewer than 5 bytes left");
    }
    let view = RecordView::new(buf);
    let Ok(total_size) = view.total_size() else {
        return invalid(-1, "no total size");
    };
    if total_size < 0 || (buf.len() as i64) < total_size as i64 {
        return invalid(-1, format!("total size {total_size} beyond the data"));
    }
    match view.kind() {
        Ok(RecordKind::Blank) => return CheckResult::EndOfFile,
        Ok(_) => {}
        Err(MessageDecodeError::IllegalMagic(other)) => {
            return invalid(-1, format!("illegal magic code {other:#x}"))
        }
        Err(_) => return invalid(-1, "no magic code"),
    }
    // The fields are read from all of `buf`, not only TOTALSIZE bytes: a record whose size
    // field alone is wrong is reported with that size, which the reput skips.
    let parts = match view.parts() {
        Ok(p) => p,
        Err(MessageDecodeError::IllegalLength(_)) => return invalid(-1, "negative body length"),
        Err(_) => return invalid(-1, "record truncated"),
    };
    match to_dispatch_request(&parts, check_crc, delay) {
        Ok(r) => r,
        Err(reason) => invalid(-1, reason),
    }
}

fn to_dispatch_request<'a>(
    p: &RecordParts<'a>,
    check_crc: bool,
    delay: &DelayLevels,
) -> Result<CheckResult<'a>, &'static str> {
    if check_crc && !p.body.is_empty() && crc32(p.body) != p.body_crc {
        return Ok(invalid(-1, "body crc mismatch"));
    }
    let topic = std::str::from_utf8(p.topic).map_err(|_| "topic is not utf-8")?;
    let properties = std::str::from_utf8(p.properties).map_err(|_| "properties are not utf-8")?;
    let (tags, keys, uniq_key, delay_level) = scan_properties(properties);
    let mut tags_code = tags_string_to_tags_code(tags);
    if topic == RMQ_SYS_SCHEDULE_TOPIC {
        if let Some(level) = delay_level.and_then(|d| d.parse::<i64>().ok()) {
            let level = level.min(delay.millis.len() as i64);
            if level > 0 {
                tags_code = delay.deliver_timestamp(level as usize, p.store_timestamp);
            }
        }
    }
    let read_len = p.computed_len();
    let total_size = p.total_size;
    if read_len != total_size as usize {
        return Ok(invalid(
            total_size,
            format!("total size {total_size} differs from computed {read_len}"),
        ));
    }
    Ok(CheckResult::Message(DispatchRequest {
        topic,
        queue_id: p.queue_id,
        commit_log_offset: p.physical_offset,
        msg_size: total_size,
        tags_code,
        store_timestamp: p.store_timestamp,
        consume_queue_offset: p.queue_offset,
        keys: keys.unwrap_or(""),
        uniq_key,
        sys_flag: p.sys_flag,
        prepared_transaction_offset: p.prepared_transaction_offset,
        properties,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::message::message_decoder::{RecordFields, BLANK_MAGIC_CODE};

    fn record(topic: &str, props: &str, body: &[u8]) -> Vec<u8> {
        let f = RecordFields {
            queue_id: 1,
            flag: 0,
            queue_offset: 7,
            physical_offset: 100,
            sys_flag: 0,
            born_timestamp: 1,
            born_host: "1.2.3.4:5".parse().unwrap(),
            store_timestamp: 2,
            store_host: "1.2.3.4:6".parse().unwrap(),
            reconsume_times: 0,
            prepared_transaction_offset: 0,
            body,
            body_crc: crc32(body),
            topic: topic.as_bytes(),
            properties: props.as_bytes(),
        };
        let mut v = Vec::new();
        f.encode(&mut v);
        v
    }

    #[test]
    fn parses_and_validates() {
        let d = DelayLevels::default();
        let r = record(
            "T",
            "TAGS\u{1}a\u{2}KEYS\u{1}k1 k2\u{2}UNIQ_KEY\u{1}U\u{2}",
            b"xyz",
        );
        match check_message_and_return_size(&r, true, &d) {
            CheckResult::Message(m) => {
                assert_eq!(m.topic, "T");
                assert_eq!(m.tags_code, 97);
                assert_eq!(m.keys, "k1 k2");
                assert_eq!(m.uniq_key, Some("U"));
                assert_eq!(m.msg_size as usize, r.len());
                assert_eq!(m.consume_queue_offset, 7);
            }
            other => panic!("{other:?}"),
        }
        let long = "L".repeat(200);
        let r2 = record(&long, "", b"");
        assert!(
            matches!(check_message_and_return_size(&r2, true, &d), CheckResult::Message(m) if m.topic == long)
        );
        let mut bad = r.clone();
        let n = bad.len();
        bad[n - 30] ^= 0xff;
        assert!(matches!(
            check_message_and_return_size(&bad, true, &d),
            CheckResult::Invalid { .. }
        ));
        for cut in 0..r.len() {
            assert!(matches!(
                check_message_and_return_size(&r[..cut], true, &d),
                CheckResult::Invalid { .. }
            ));
        }
        let mut blank = vec![0u8; 16];
        blank[4..8].copy_from_slice(&BLANK_MAGIC_CODE.to_be_bytes());
        assert_eq!(
            check_message_and_return_size(&blank, true, &d),
            CheckResult::EndOfFile
        );
    }

    #[test]
    fn schedule_topic_tag_code_is_delivery_time() {
        let d = DelayLevels {
            millis: vec![1000, 5000],
        };
        let r = record(RMQ_SYS_SCHEDULE_TOPIC, "DELAY\u{1}9\u{2}", b"b");
        let CheckResult::Message(m) = check_message_and_return_size(&r, false, &d) else {
            panic!()
        };
        assert_eq!(m.tags_code, 2 + 5000);
    }
}
