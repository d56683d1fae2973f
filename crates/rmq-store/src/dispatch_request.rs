//! `DispatchRequest` and the record check of `CommitLog#checkMessageAndReturnSize`: validates
//! one CommitLog record in place and extracts what ConsumeQueue and index need, borrowing the
//! strings from the mapped bytes (no allocation on the dispatch path).

use rmq_common::java_hash::tags_string_to_tags_code;
use rmq_common::message::message_const::{
    PROPERTY_DELAY_TIME_LEVEL, PROPERTY_KEYS, PROPERTY_TAGS, PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
};
use rmq_common::message::message_decoder::{
    calc_msg_length, BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2,
};
use rmq_common::sys_flag::message_sys_flag;
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

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn i16(&mut self) -> Option<i16> {
        self.bytes(2).map(|b| i16::from_be_bytes([b[0], b[1]]))
    }
    fn i32(&mut self) -> Option<i32> {
        self.bytes(4)
            .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i64(&mut self) -> Option<i64> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Some(i64::from_be_bytes(a))
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
    let mut c = Cursor { buf, pos: 0 };
    let Some(total_size) = c.i32() else {
        return invalid(-1, "no total size");
    };
    if total_size < 0 || (buf.len() as i64) < total_size as i64 {
        return invalid(-1, format!("total size {total_size} beyond the data"));
    }
    let Some(magic) = c.i32() else {
        return invalid(-1, "no magic code");
    };
    let v2 = match magic {
        MESSAGE_MAGIC_CODE => false,
        MESSAGE_MAGIC_CODE_V2 => true,
        BLANK_MAGIC_CODE => return CheckResult::EndOfFile,
        other => return invalid(-1, format!("illegal magic code {other:#x}")),
    };
    match parse_fields(&mut c, total_size, v2, check_crc, delay) {
        Ok(r) => r,
        Err(reason) => invalid(-1, reason),
    }
}

fn parse_fields<'a>(
    c: &mut Cursor<'a>,
    total_size: i32,
    v2: bool,
    check_crc: bool,
    delay: &DelayLevels,
) -> Result<CheckResult<'a>, &'static str> {
    const TRUNC: &str = "record truncated";
    let body_crc = c.i32().ok_or(TRUNC)?;
    let queue_id = c.i32().ok_or(TRUNC)?;
    let _flag = c.i32().ok_or(TRUNC)?;
    let queue_offset = c.i64().ok_or(TRUNC)?;
    let physic_offset = c.i64().ok_or(TRUNC)?;
    let sys_flag = c.i32().ok_or(TRUNC)?;
    let _born_ts = c.i64().ok_or(TRUNC)?;
    let born_len = if sys_flag & message_sys_flag::BORNHOST_V6_FLAG == 0 {
        8
    } else {
        20
    };
    c.bytes(born_len).ok_or(TRUNC)?;
    let store_timestamp = c.i64().ok_or(TRUNC)?;
    let store_len = if sys_flag & message_sys_flag::STOREHOSTADDRESS_V6_FLAG == 0 {
        8
    } else {
        20
    };
    c.bytes(store_len).ok_or(TRUNC)?;
    let _reconsume = c.i32().ok_or(TRUNC)?;
    let prepared_transaction_offset = c.i64().ok_or(TRUNC)?;
    let body_len = c.i32().ok_or(TRUNC)?;
    if body_len < 0 {
        return Err("negative body length");
    }
    let body = c.bytes(body_len as usize).ok_or(TRUNC)?;
    if check_crc && body_len > 0 && crc32(body) != body_crc {
        return Ok(invalid(-1, "body crc mismatch"));
    }
    let topic_len = if v2 {
        c.i16().ok_or(TRUNC)? as u16 as usize
    } else {
        c.bytes(1).ok_or(TRUNC)?[0] as usize
    };
    let topic =
        std::str::from_utf8(c.bytes(topic_len).ok_or(TRUNC)?).map_err(|_| "topic is not utf-8")?;
    let props_len = c.i16().ok_or(TRUNC)?;
    let properties = if props_len > 0 {
        std::str::from_utf8(c.bytes(props_len as usize).ok_or(TRUNC)?)
            .map_err(|_| "properties are not utf-8")?
    } else {
        ""
    };
    let (tags, keys, uniq_key, delay_level) = scan_properties(properties);
    let mut tags_code = tags_string_to_tags_code(tags);
    if topic == RMQ_SYS_SCHEDULE_TOPIC {
        if let Some(level) = delay_level.and_then(|d| d.parse::<i64>().ok()) {
            let level = level.min(delay.millis.len() as i64);
            if level > 0 {
                tags_code = delay.deliver_timestamp(level as usize, store_timestamp);
            }
        }
    }
    let read_len = calc_msg_length(
        sys_flag,
        body_len as usize,
        topic_len,
        props_len.max(0) as usize,
    ) + usize::from(v2 && topic_len <= 127);
    if read_len != total_size as usize {
        return Ok(invalid(
            total_size,
            format!("total size {total_size} differs from computed {read_len}"),
        ));
    }
    Ok(CheckResult::Message(DispatchRequest {
        topic,
        queue_id,
        commit_log_offset: physic_offset,
        msg_size: total_size,
        tags_code,
        store_timestamp,
        consume_queue_offset: queue_offset,
        keys: keys.unwrap_or(""),
        uniq_key,
        sys_flag,
        prepared_transaction_offset,
        properties,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::message::message_decoder::RecordFields;

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
        for cut in [0, 3, 10, 60, r.len() - 1] {
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
