//! Binary forms of messages (Java `MessageDecoder`, `MessageExtEncoder`).
//!
//! A CommitLog record, as stored by the broker and returned by pulls, is (big-endian):
//!
//! ```text
//! TOTALSIZE i32 | MAGICCODE i32 | BODYCRC i32 | QUEUEID i32 | FLAG i32 | QUEUEOFFSET i64
//! | PHYSICALOFFSET i64 | SYSFLAG i32 | BORNTIMESTAMP i64 | BORNHOST (4|16 ip + i32 port)
//! | STORETIMESTAMP i64 | STOREHOST (4|16 ip + i32 port) | RECONSUMETIMES i32
//! | PREPAREDTRANSACTIONOFFSET i64 | BODY len i32 + bytes | TOPIC len (u8 v1 | i16 v2) + bytes
//! | PROPERTIES len i16 + bytes
//! ```
//!
//! Magic v1 (`0xDAA320A7`) has a one-byte topic length, v2 (`0xDAA320AB`) a two-byte one.
//! Properties are `name 0x01 value 0x02` pairs in UTF-8.

use super::message_const::*;
use super::record::{self, RecordView};
use super::{Message, MessageExt};
use crate::java_hash_map::JavaHashMap;
use crate::sys_flag::message_sys_flag;
use crate::util_all::{bytes_to_hex, hex_to_bytes};
use bytes::{Buf, BufMut, Bytes};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Magic code of a v1 record.
pub const MESSAGE_MAGIC_CODE: i32 = -626843481; // 0xDAA320A7
/// Magic code of a v2 record (two-byte topic length).
pub const MESSAGE_MAGIC_CODE_V2: i32 = -626843477; // 0xDAA320AB
/// Magic code of the blank filler at the end of a CommitLog file.
pub const BLANK_MAGIC_CODE: i32 = -875286124; // 0xCBD43194
/// Separates a property name from its value.
pub const NAME_VALUE_SEPARATOR: char = '\u{1}';
/// Ends each property pair.
pub const PROPERTY_SEPARATOR: char = '\u{2}';
/// Offset of the PHYSICALOFFSET field in a record.
pub const PHY_POS_POSITION: usize = record::PHYSICAL_OFFSET_POSITION;
/// Offset of the QUEUEOFFSET field in a record.
pub const QUEUE_OFFSET_POSITION: usize = record::QUEUE_OFFSET_POSITION;
/// Offset of the SYSFLAG field in a record.
pub const SYSFLAG_POSITION: usize = record::SYSFLAG_POSITION;
/// Offset of the BORNTIMESTAMP field.
pub const BORN_TIMESTAMP_POSITION: usize = record::BORN_TIMESTAMP_POSITION;
/// Topics longer than this are written with magic v2 (`autoMessageVersionOnTopicLen`).
pub const MAX_V1_TOPIC_LENGTH: usize = 127;

/// Why bytes could not be decoded as a message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MessageDecodeError {
    #[error("truncated message: need {need} bytes, have {have}")]
    Truncated { need: usize, have: usize },
    #[error("illegal magic code {0:#x}")]
    IllegalMagic(i32),
    #[error("illegal total size {0}")]
    IllegalSize(i32),
    #[error("illegal field length {0}")]
    IllegalLength(i32),
    #[error("illegal message id {0:?}")]
    IllegalMessageId(String),
    #[error("cannot decompress body: {0}")]
    Decompress(String),
}

/// Encodes properties as `name 0x01 value 0x02 ...` (`MessageDecoder.messageProperties2String`).
pub fn message_properties_to_string(properties: &HashMap<String, String>) -> String {
    let len: usize = properties.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut s = String::with_capacity(len);
    for (k, v) in properties {
        s.push_str(k);
        s.push(NAME_VALUE_SEPARATOR);
        s.push_str(v);
        s.push(PROPERTY_SEPARATOR);
    }
    s
}

/// Parses a properties string; pairs without a name or value are skipped and a missing
/// final separator is tolerated (`MessageDecoder.string2messageProperties`).
pub fn string_to_message_properties(s: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for pair in s.split(PROPERTY_SEPARATOR) {
        if let Some((k, v)) = pair.split_once(NAME_VALUE_SEPARATOR) {
            if !k.is_empty() && !v.is_empty() {
                map.insert(k.to_string(), v.to_string());
            }
        }
    }
    map
}

/// Java `MessageDecoder.string2messageProperties`: parses into a `new HashMap<>(128)`, so
/// that [`java_properties_to_string`] gives back Java's order.
pub fn string_to_java_properties(s: &str) -> JavaHashMap {
    let mut map = JavaHashMap::with_capacity(128);
    for pair in s.split(PROPERTY_SEPARATOR) {
        if let Some((k, v)) = pair.split_once(NAME_VALUE_SEPARATOR) {
            if !k.is_empty() && !v.is_empty() {
                map.insert(k, v);
            }
        }
    }
    map
}

/// Java `MessageDecoder.messageProperties2String` of a Java `HashMap`: the pairs in its
/// iteration order.
pub fn java_properties_to_string(properties: &JavaHashMap) -> String {
    let mut s = String::new();
    for (k, v) in properties.iter() {
        s.push_str(k);
        s.push(NAME_VALUE_SEPARATOR);
        s.push_str(v);
        s.push(PROPERTY_SEPARATOR);
    }
    s
}

/// Returns the value of one property from a properties string without building a map.
pub fn property_from_string<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    s.split(PROPERTY_SEPARATOR).find_map(|pair| {
        let (k, v) = pair.split_once(NAME_VALUE_SEPARATOR)?;
        (k == name && !v.is_empty()).then_some(v)
    })
}

/// Returns the number of bytes a socket address takes in a record (ip + port).
pub fn socket_address_length(addr: &SocketAddr) -> usize {
    match addr {
        SocketAddr::V4(_) => 8,
        SocketAddr::V6(_) => 20,
    }
}

/// Returns the sysFlag bits that mark IPv6 born and store hosts.
pub fn host_v6_flags(born_host: &SocketAddr, store_host: &SocketAddr) -> i32 {
    let mut f = 0;
    if born_host.is_ipv6() {
        f |= message_sys_flag::BORNHOST_V6_FLAG;
    }
    if store_host.is_ipv6() {
        f |= message_sys_flag::STOREHOSTADDRESS_V6_FLAG;
    }
    f
}

/// Returns the record length (`MessageExtEncoder.calMsgLength`) for the given parts.
pub fn calc_msg_length(
    sys_flag: i32,
    body_len: usize,
    topic_len: usize,
    properties_len: usize,
) -> usize {
    let born_len = if sys_flag & message_sys_flag::BORNHOST_V6_FLAG != 0 {
        20
    } else {
        8
    };
    let store_len = if sys_flag & message_sys_flag::STOREHOSTADDRESS_V6_FLAG != 0 {
        20
    } else {
        8
    };
    let topic_len_bytes = if topic_len > MAX_V1_TOPIC_LENGTH {
        2
    } else {
        1
    };
    4 + 4
        + 4
        + 4
        + 4
        + 8
        + 8
        + 4
        + 8
        + born_len
        + 8
        + store_len
        + 4
        + 8
        + 4
        + body_len
        + topic_len_bytes
        + topic_len
        + 2
        + properties_len
}

/// The fields of one CommitLog record, borrowed for encoding.
#[derive(Debug, Clone, Copy)]
pub struct RecordFields<'a> {
    pub queue_id: i32,
    pub flag: i32,
    pub queue_offset: i64,
    pub physical_offset: i64,
    /// Must already carry the IPv6 host bits matching `born_host` and `store_host`.
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_timestamp: i64,
    pub store_host: SocketAddr,
    pub reconsume_times: i32,
    pub prepared_transaction_offset: i64,
    pub body: &'a [u8],
    pub body_crc: i32,
    pub topic: &'a [u8],
    pub properties: &'a [u8],
}

impl RecordFields<'_> {
    /// Returns the encoded length of the record.
    pub fn encoded_len(&self) -> usize {
        calc_msg_length(
            self.sys_flag,
            self.body.len(),
            self.topic.len(),
            self.properties.len(),
        )
    }

    /// Writes the record; `dst` must have room for `encoded_len()` bytes. Returns the length.
    ///
    /// Topics over 127 bytes get magic v2; properties must be at most 32767 bytes.
    pub fn encode<B: BufMut>(&self, dst: &mut B) -> usize {
        let len = self.encoded_len();
        dst.put_i32(len as i32);
        self.encode_after_size(dst);
        len
    }

    /// Writes the record into `dst[..encoded_len()]` with TOTALSIZE stored last, so a writer
    /// killed part way leaves 0 there and recovery ends the log before the torn record
    /// (instead of keeping a record whose tail is zeros). Returns the length.
    ///
    /// # Panics
    /// When `dst` is shorter than `encoded_len()`.
    pub fn encode_size_last(&self, dst: &mut [u8]) -> usize {
        let len = self.encoded_len();
        let (size, mut rest) = dst[..len].split_at_mut(4);
        self.encode_after_size(&mut rest);
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
        size.copy_from_slice(&(len as i32).to_be_bytes());
        len
    }

    fn encode_after_size<B: BufMut>(&self, dst: &mut B) {
        let v2 = self.topic.len() > MAX_V1_TOPIC_LENGTH;
        dst.put_i32(if v2 {
            MESSAGE_MAGIC_CODE_V2
        } else {
            MESSAGE_MAGIC_CODE
        });
        dst.put_i32(self.body_crc);
        dst.put_i32(self.queue_id);
        dst.put_i32(self.flag);
        dst.put_i64(self.queue_offset);
        dst.put_i64(self.physical_offset);
        dst.put_i32(self.sys_flag);
        dst.put_i64(self.born_timestamp);
        put_socket_addr(dst, &self.born_host);
        dst.put_i64(self.store_timestamp);
        put_socket_addr(dst, &self.store_host);
        dst.put_i32(self.reconsume_times);
        dst.put_i64(self.prepared_transaction_offset);
        dst.put_i32(self.body.len() as i32);
        dst.put_slice(self.body);
        if v2 {
            dst.put_i16(self.topic.len() as i16);
        } else {
            dst.put_u8(self.topic.len() as u8);
        }
        dst.put_slice(self.topic);
        dst.put_i16(self.properties.len() as i16);
        dst.put_slice(self.properties);
    }
}

fn put_socket_addr<B: BufMut>(dst: &mut B, addr: &SocketAddr) {
    match addr.ip() {
        IpAddr::V4(ip) => dst.put_slice(&ip.octets()),
        IpAddr::V6(ip) => dst.put_slice(&ip.octets()),
    }
    dst.put_i32(addr.port() as i32);
}

/// Encodes a whole `MessageExt` as a record (`MessageDecoder.encode`), e.g. for
/// CHECK_TRANSACTION_STATE bodies. The body is written as stored (no compression).
pub fn encode_message_ext(msg: &MessageExt) -> Bytes {
    let props = message_properties_to_string(&msg.message.properties);
    let sys_flag = (msg.sys_flag
        & !(message_sys_flag::BORNHOST_V6_FLAG | message_sys_flag::STOREHOSTADDRESS_V6_FLAG))
        | host_v6_flags(&msg.born_host, &msg.store_host);
    let fields = RecordFields {
        queue_id: msg.queue_id,
        flag: msg.message.flag,
        queue_offset: msg.queue_offset,
        physical_offset: msg.commit_log_offset,
        sys_flag,
        born_timestamp: msg.born_timestamp,
        born_host: msg.born_host,
        store_timestamp: msg.store_timestamp,
        store_host: msg.store_host,
        reconsume_times: msg.reconsume_times,
        prepared_transaction_offset: msg.prepared_transaction_offset,
        body: &msg.message.body,
        body_crc: msg.body_crc,
        topic: msg.message.topic.as_bytes(),
        properties: props.as_bytes(),
    };
    let mut out = Vec::with_capacity(fields.encoded_len());
    fields.encode(&mut out);
    Bytes::from(out)
}

/// Builds the offset message id: hex of store ip, port (i32) and CommitLog offset (i64)
/// (`MessageDecoder.createMessageId`).
pub fn create_message_id(store_host: &SocketAddr, commit_log_offset: i64) -> String {
    let mut b = Vec::with_capacity(28);
    put_socket_addr(&mut b, store_host);
    b.put_i64(commit_log_offset);
    bytes_to_hex(&b)
}

/// A decoded offset message id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageId {
    pub address: SocketAddr,
    pub offset: i64,
}

/// Decodes an offset message id: 32 hex chars for IPv4 store hosts, 56 for IPv6.
pub fn decode_message_id(msg_id: &str) -> Result<MessageId, MessageDecodeError> {
    let bad = || MessageDecodeError::IllegalMessageId(msg_id.to_string());
    let bytes = hex_to_bytes(msg_id).ok_or_else(bad)?;
    let ip_len = match bytes.len() {
        16 => 4,
        28 => 16,
        _ => return Err(bad()),
    };
    let mut buf = &bytes[..];
    let ip = read_ip(&mut buf, ip_len);
    let port = buf.get_i32();
    let offset = buf.get_i64();
    Ok(MessageId {
        address: SocketAddr::new(ip, port as u16),
        offset,
    })
}

fn read_ip(buf: &mut &[u8], len: usize) -> IpAddr {
    if len == 4 {
        let mut o = [0u8; 4];
        buf.copy_to_slice(&mut o);
        IpAddr::V4(Ipv4Addr::from(o))
    } else {
        let mut o = [0u8; 16];
        buf.copy_to_slice(&mut o);
        IpAddr::V6(Ipv6Addr::from(o))
    }
}

/// Reads a batch body (`decode_messages`); CommitLog records are read by [`RecordView`].
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn need(&self, n: usize) -> Result<(), MessageDecodeError> {
        if self.buf.len() - self.pos < n {
            Err(MessageDecodeError::Truncated {
                need: self.pos + n,
                have: self.buf.len(),
            })
        } else {
            Ok(())
        }
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], MessageDecodeError> {
        self.need(n)?;
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn i32(&mut self) -> Result<i32, MessageDecodeError> {
        let b = self.bytes(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i16(&mut self) -> Result<i16, MessageDecodeError> {
        let b = self.bytes(2)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }
}

/// Options for [`decode`].
#[derive(Debug, Clone, Copy)]
pub struct DecodeOptions {
    /// Read the body (false leaves it empty).
    pub read_body: bool,
    /// Inflate zlib-compressed bodies and clear the compressed flag (consumers do).
    pub decompress_body: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            read_body: true,
            decompress_body: true,
        }
    }
}

/// Decodes one record at the start of `buf`; returns the message and the bytes consumed.
pub fn decode(buf: &[u8], opts: DecodeOptions) -> Result<(MessageExt, usize), MessageDecodeError> {
    let view = RecordView::new(buf);
    let store_size = view.total_size()?;
    let magic = view.magic()?;
    if magic != MESSAGE_MAGIC_CODE && magic != MESSAGE_MAGIC_CODE_V2 {
        return Err(MessageDecodeError::IllegalMagic(magic));
    }
    if store_size < 8 || store_size as usize > buf.len() {
        if store_size >= 8 {
            return Err(MessageDecodeError::Truncated {
                need: store_size as usize,
                have: buf.len(),
            });
        }
        return Err(MessageDecodeError::IllegalSize(store_size));
    }
    let p = RecordView::new(&buf[..store_size as usize]).parts()?;
    if p.properties_len < 0 {
        return Err(MessageDecodeError::IllegalLength(i32::from(
            p.properties_len,
        )));
    }
    let mut sys_flag = p.sys_flag;
    let body = if !opts.read_body {
        Bytes::new()
    } else if opts.decompress_body && sys_flag & message_sys_flag::COMPRESSED_FLAG != 0 {
        sys_flag &= !message_sys_flag::COMPRESSED_FLAG;
        Bytes::from(inflate(p.body)?)
    } else {
        Bytes::copy_from_slice(p.body)
    };
    let properties = string_to_message_properties(&String::from_utf8_lossy(p.properties));
    let msg = MessageExt {
        message: Message {
            topic: String::from_utf8_lossy(p.topic).into_owned(),
            flag: p.flag,
            properties,
            body,
            transaction_id: None,
        },
        broker_name: String::new(),
        queue_id: p.queue_id,
        store_size,
        queue_offset: p.queue_offset,
        sys_flag,
        born_timestamp: p.born_timestamp,
        born_host: p.born_host,
        store_timestamp: p.store_timestamp,
        store_host: p.store_host,
        msg_id: create_message_id(&p.store_host, p.physical_offset),
        commit_log_offset: p.physical_offset,
        body_crc: p.body_crc,
        reconsume_times: p.reconsume_times,
        prepared_transaction_offset: p.prepared_transaction_offset,
    };
    Ok((msg, store_size as usize))
}

/// Returns the properties string of the record at the start of `buf` without decoding the
/// rest (Java `MessageDecoder.decodeProperties`); invalid UTF-8 is replaced, as Java's decoder
/// does. Parse it with [`string_to_message_properties`] or [`property_from_string`].
pub fn decode_properties_string(
    buf: &[u8],
) -> Result<std::borrow::Cow<'_, str>, MessageDecodeError> {
    let p = RecordView::new(buf).parts()?;
    if p.properties_len < 0 {
        return Err(MessageDecodeError::IllegalLength(i32::from(
            p.properties_len,
        )));
    }
    Ok(String::from_utf8_lossy(p.properties))
}

/// Decodes every record in `buf` (a pull or query response body), in order.
pub fn decodes(buf: &[u8], opts: DecodeOptions) -> Result<Vec<MessageExt>, MessageDecodeError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let (m, used) = decode(&buf[pos..], opts)?;
        out.push(m);
        pos += used;
    }
    Ok(out)
}

/// Inflates a zlib stream.
pub fn inflate(data: &[u8]) -> Result<Vec<u8>, MessageDecodeError> {
    let mut out = Vec::with_capacity(data.len() * 4);
    flate2::read::ZlibDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|e| MessageDecodeError::Decompress(e.to_string()))?;
    Ok(out)
}

/// Deflates with zlib at `level` (Java producers use 5).
pub fn deflate(data: &[u8], level: u32) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Encodes one message of a batch (`MessageDecoder.encodeMessage`):
/// `TOTALSIZE | MAGIC 0 | BODYCRC 0 | FLAG | BODY len + bytes | PROPERTIES len i16 + bytes`.
pub fn encode_batch_item<B: BufMut>(msg: &Message, dst: &mut B) {
    let props = message_properties_to_string(&msg.properties);
    let total = 4 + 4 + 4 + 4 + 4 + msg.body.len() + 2 + props.len();
    dst.put_i32(total as i32);
    dst.put_i32(0);
    dst.put_i32(0);
    dst.put_i32(msg.flag);
    dst.put_i32(msg.body.len() as i32);
    dst.put_slice(&msg.body);
    dst.put_i16(props.len() as i16);
    dst.put_slice(props.as_bytes());
}

/// Encodes a batch body (`MessageDecoder.encodeMessages`).
pub fn encode_messages(msgs: &[Message]) -> Bytes {
    let mut out = Vec::new();
    for m in msgs {
        encode_batch_item(m, &mut out);
    }
    Bytes::from(out)
}

/// One message of a decoded batch body: flag, body and raw properties string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    pub flag: i32,
    pub body: Bytes,
    pub properties: String,
}

/// Decodes a batch body into its messages; the topic comes from the request header.
pub fn decode_messages(body: &Bytes) -> Result<Vec<BatchItem>, MessageDecodeError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < body.len() {
        let mut r = Reader {
            buf: &body[pos..],
            pos: 0,
        };
        let total = r.i32()?;
        if total < 22 || pos + total as usize > body.len() {
            return Err(MessageDecodeError::IllegalSize(total));
        }
        let _magic = r.i32()?;
        let _crc = r.i32()?;
        let flag = r.i32()?;
        let body_len = r.i32()?;
        if body_len < 0 {
            return Err(MessageDecodeError::IllegalLength(body_len));
        }
        let start = pos + r.pos;
        r.bytes(body_len as usize)?;
        let item_body = body.slice(start..start + body_len as usize);
        let props_len = r.i16()?;
        if props_len < 0 {
            return Err(MessageDecodeError::IllegalLength(props_len as i32));
        }
        let props = String::from_utf8_lossy(r.bytes(props_len as usize)?).into_owned();
        if r.pos != total as usize {
            return Err(MessageDecodeError::IllegalSize(total));
        }
        out.push(BatchItem {
            flag,
            body: item_body,
            properties: props,
        });
        pos += total as usize;
    }
    Ok(out)
}

/// Returns the keys of a `KEYS` property value (split on spaces, empty parts dropped).
pub fn split_keys(keys: &str) -> impl Iterator<Item = &str> {
    keys.split(KEY_SEPARATOR).filter(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(topic: &str, v6: bool) -> MessageExt {
        let mut m = Message::with_tags_keys(topic, "TagA", "k1 k2", &b"hello \xe4\xb8\xad"[..]);
        m.put_property("userProp", "值");
        let born: SocketAddr = if v6 {
            "[::1]:5555".parse().unwrap()
        } else {
            "10.1.2.3:5555".parse().unwrap()
        };
        MessageExt {
            message: m,
            queue_id: 3,
            queue_offset: 42,
            sys_flag: 0,
            born_timestamp: 1_700_000_000_000,
            born_host: born,
            store_timestamp: 1_700_000_000_001,
            store_host: "192.168.0.1:10911".parse().unwrap(),
            commit_log_offset: 4096,
            body_crc: crate::util_all::crc32(b"hello \xe4\xb8\xad"),
            reconsume_times: 2,
            ..Default::default()
        }
    }

    #[test]
    fn record_round_trip_v1_v2_ipv6() {
        for (topic, v6) in [
            ("TopicTest", false),
            (&"T".repeat(200)[..], false),
            ("t6", true),
        ] {
            let msg = sample(topic, v6);
            let enc = encode_message_ext(&msg);
            let (dec, used) = decode(&enc, DecodeOptions::default()).unwrap();
            assert_eq!(used, enc.len());
            assert_eq!(dec.message, msg.message);
            assert_eq!(dec.queue_offset, 42);
            assert_eq!(dec.born_host, msg.born_host);
            assert_eq!(dec.store_host, msg.store_host);
            assert_eq!(dec.msg_id, create_message_id(&msg.store_host, 4096));
            if topic.len() > 127 {
                assert_eq!(
                    i32::from_be_bytes([enc[4], enc[5], enc[6], enc[7]]),
                    MESSAGE_MAGIC_CODE_V2
                );
            }
        }
    }

    #[test]
    fn size_last_encoding_writes_the_same_bytes() {
        for topic in ["TopicTest", &"T".repeat(200)[..]] {
            let fields = RecordFields {
                queue_id: 1,
                flag: 2,
                queue_offset: 3,
                physical_offset: 4,
                sys_flag: 0,
                born_timestamp: 5,
                born_host: "10.0.0.1:1".parse().unwrap(),
                store_timestamp: 6,
                store_host: "10.0.0.2:2".parse().unwrap(),
                reconsume_times: 7,
                prepared_transaction_offset: 8,
                body: b"body",
                body_crc: 9,
                topic: topic.as_bytes(),
                properties: b"a\x01b\x02",
            };
            let mut plain = Vec::new();
            let n = fields.encode(&mut plain);
            let mut sealed = vec![0xeeu8; n + 3];
            assert_eq!(fields.encode_size_last(&mut sealed), n);
            assert_eq!(&sealed[..n], &plain[..]);
            assert_eq!(&sealed[n..], &[0xee; 3]);
        }
    }

    #[test]
    fn properties_string_of_records() {
        for (topic, v6) in [
            ("TopicTest", false),
            (&"T".repeat(200)[..], false),
            ("t6", true),
        ] {
            let msg = sample(topic, v6);
            let enc = encode_message_ext(&msg);
            let props = decode_properties_string(&enc).unwrap();
            assert_eq!(string_to_message_properties(&props), msg.message.properties);
            for cut in [0, 7, 30, enc.len() - 1] {
                assert!(decode_properties_string(&enc[..cut]).is_err());
            }
        }
    }

    #[test]
    fn v1_length_formula() {
        assert_eq!(calc_msg_length(0, 10, 5, 7), 91 + 10 + 5 + 7);
        assert_eq!(
            calc_msg_length(message_sys_flag::BORNHOST_V6_FLAG, 0, 1, 0),
            91 + 1 + 12
        );
    }

    #[test]
    fn truncated_and_garbage_are_errors() {
        let enc = encode_message_ext(&sample("T", false));
        for cut in [0, 3, 8, 50, enc.len() - 1] {
            assert!(decode(&enc[..cut], DecodeOptions::default()).is_err());
        }
        let mut bad = enc.to_vec();
        bad[4] = 0;
        assert!(matches!(
            decode(&bad, DecodeOptions::default()),
            Err(MessageDecodeError::IllegalMagic(_))
        ));
    }

    #[test]
    fn message_id_round_trip() {
        let a: SocketAddr = "192.168.0.1:10911".parse().unwrap();
        let id = create_message_id(&a, 123456);
        assert_eq!(id.len(), 32);
        assert_eq!(id, "C0A8000100002A9F000000000001E240");
        let d = decode_message_id(&id).unwrap();
        assert_eq!(
            d,
            MessageId {
                address: a,
                offset: 123456
            }
        );
        let a6: SocketAddr = "[fe80::1]:10911".parse().unwrap();
        assert_eq!(create_message_id(&a6, 1).len(), 56);
        assert!(decode_message_id("XYZ").is_err());
    }

    #[test]
    fn properties_parse_lenient() {
        let p = string_to_message_properties("a\u{1}1\u{2}b\u{1}\u{2}\u{1}x\u{2}c\u{1}3");
        assert_eq!(p.len(), 2);
        assert_eq!(p["a"], "1");
        assert_eq!(p["c"], "3");
        assert_eq!(
            property_from_string("a\u{1}1\u{2}TAGS\u{1}x\u{2}", "TAGS"),
            Some("x")
        );
    }

    #[test]
    fn batch_round_trip() {
        let mut a = Message::new("T", &b"one"[..]);
        a.set_tags("x");
        let b = Message::new("T", &b""[..]);
        let body = encode_messages(&[a.clone(), b]);
        let items = decode_messages(&body).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(&items[0].body[..], b"one");
        assert_eq!(
            string_to_message_properties(&items[0].properties),
            a.properties
        );
        assert!(decode_messages(&body.slice(..body.len() - 1)).is_err());
    }

    #[test]
    fn compressed_body_is_inflated() {
        let mut msg = sample("T", false);
        let raw = vec![7u8; 10_000];
        msg.message.body = Bytes::from(deflate(&raw, 5));
        msg.sys_flag = message_sys_flag::COMPRESSED_FLAG;
        let enc = encode_message_ext(&msg);
        let (dec, _) = decode(&enc, DecodeOptions::default()).unwrap();
        assert_eq!(&dec.message.body[..], &raw[..]);
        assert_eq!(dec.sys_flag & message_sys_flag::COMPRESSED_FLAG, 0);
    }
}
