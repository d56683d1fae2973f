//! `RemotingCommand` and its frame codec (Java `RemotingCommand`, `RocketMQSerializable`,
//! `NettyEncoder`, `NettyDecoder`).
//!
//! A frame on the wire, all integers big-endian:
//!
//! ```text
//! [length i32][serialize type u8 | header length u24][header][body]
//! ```
//!
//! `length` counts everything after itself (4 + header + body). The whole frame, length
//! field included, is capped at 16 MiB. The header is either JSON (type 0) or the ROCKETMQ
//! binary layout (type 1):
//!
//! ```text
//! code i16 | language u8 | version i16 | opaque i32 | flag i32 | remark len i32 + bytes
//! | extFields len i32 + (key len i16 + key, value len i32 + value)*
//! ```

use super::header::CommandCustomHeader;
use super::language_code::LanguageCode;
use super::request_code::RequestCode;
use super::response_code::ResponseCode;
use crate::error::CodecError;
use bytes::{Buf, BufMut, Bytes, BytesMut};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, AtomicU8, Ordering};

/// Largest frame, length field included (`com.rocketmq.remoting.frameMaxLength`).
pub const FRAME_MAX_LENGTH: usize = 16 * 1024 * 1024;
/// Flag bit marking a response.
pub const RPC_TYPE_RESPONSE: i32 = 1;
/// Flag bit marking a oneway request.
pub const RPC_ONEWAY: i32 = 2;
const MAX_HEADER_LENGTH: usize = 0xFF_FFFF;

/// How a header is serialized (`SerializeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SerializeType {
    #[default]
    Json,
    RocketMQ,
}

impl SerializeType {
    /// Returns the type byte.
    pub fn code(self) -> u8 {
        match self {
            SerializeType::Json => 0,
            SerializeType::RocketMQ => 1,
        }
    }

    /// Parses the type byte.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(SerializeType::Json),
            1 => Some(SerializeType::RocketMQ),
            _ => None,
        }
    }

    /// Parses `JSON` or `ROCKETMQ` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_uppercase().as_str() {
            "JSON" => Some(SerializeType::Json),
            "ROCKETMQ" => Some(SerializeType::RocketMQ),
            _ => None,
        }
    }

    /// Returns Java's enum name.
    pub fn name(self) -> &'static str {
        match self {
            SerializeType::Json => "JSON",
            SerializeType::RocketMQ => "ROCKETMQ",
        }
    }
}

static CURRENT_VERSION: AtomicI32 = AtomicI32::new(rmq_common::mq_version::CURRENT_VERSION);
static REQUEST_ID: AtomicI32 = AtomicI32::new(0);
static DEFAULT_SERIALIZE: AtomicU8 = AtomicU8::new(u8::MAX);
static DEFAULT_LANGUAGE: AtomicU8 = AtomicU8::new(LanguageCode::RUST.0);

/// Sets the version this process advertises (Java: `rocketmq.remoting.version`).
pub fn set_current_version(version: i32) {
    CURRENT_VERSION.store(version, Ordering::Relaxed);
}

/// Returns the version this process advertises (default 479 = 5.3.3).
pub fn current_version() -> i32 {
    CURRENT_VERSION.load(Ordering::Relaxed)
}

/// Sets the language this process advertises (default RUST).
pub fn set_default_language(language: LanguageCode) {
    DEFAULT_LANGUAGE.store(language.0, Ordering::Relaxed);
}

/// Returns the serialize type this process uses for what it sends: `ROCKETMQ_SERIALIZE_TYPE`
/// (`JSON` or `ROCKETMQ`), else JSON; [`set_default_serialize_type`] overrides it.
pub fn default_serialize_type() -> SerializeType {
    let v = DEFAULT_SERIALIZE.load(Ordering::Relaxed);
    if let Some(t) = SerializeType::from_code(v) {
        return t;
    }
    let t = std::env::var("ROCKETMQ_SERIALIZE_TYPE")
        .ok()
        .and_then(|s| SerializeType::from_name(&s))
        .unwrap_or_default();
    DEFAULT_SERIALIZE.store(t.code(), Ordering::Relaxed);
    t
}

/// Overrides the serialize type this process sends with.
pub fn set_default_serialize_type(t: SerializeType) {
    DEFAULT_SERIALIZE.store(t.code(), Ordering::Relaxed);
}

/// Returns the next request id; wraps like Java's `AtomicInteger`.
pub fn next_opaque() -> i32 {
    REQUEST_ID.fetch_add(1, Ordering::Relaxed)
}

/// One request or response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotingCommand {
    pub code: i32,
    pub language: LanguageCode,
    pub version: i32,
    pub opaque: i32,
    pub flag: i32,
    pub remark: Option<String>,
    /// The custom header; empty means none.
    pub ext_fields: HashMap<String, String>,
    pub body: Bytes,
    /// More body bytes, sent after `body`: slices (of mapped files, for pull answers) that
    /// the connection writes to the socket without copying them (Java's `FileRegion`s, e.g.
    /// `ManyMessageTransfer`). Decoding never fills it; [`RemotingCommand::body_len`] and
    /// [`RemotingCommand::whole_body`] see both parts.
    pub body_chunks: Vec<Bytes>,
    /// How the header is (or was) serialized.
    pub serialize_type: SerializeType,
}

impl Default for RemotingCommand {
    fn default() -> Self {
        RemotingCommand {
            code: 0,
            language: LanguageCode(DEFAULT_LANGUAGE.load(Ordering::Relaxed)),
            version: current_version(),
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: HashMap::new(),
            body: Bytes::new(),
            body_chunks: Vec::new(),
            serialize_type: default_serialize_type(),
        }
    }
}

impl RemotingCommand {
    /// Builds a request with a fresh opaque and no header.
    pub fn new_request(code: RequestCode) -> Self {
        RemotingCommand {
            code: code.0,
            opaque: next_opaque(),
            ..Default::default()
        }
    }

    /// Builds a request carrying `header`.
    pub fn create_request_command<H: CommandCustomHeader>(code: RequestCode, header: &H) -> Self {
        let mut cmd = Self::new_request(code);
        header.write_to(&mut cmd.ext_fields);
        cmd
    }

    /// Builds a response (flag bit 0 set); the opaque is filled in when it is sent back.
    pub fn create_response_command(code: ResponseCode, remark: Option<String>) -> Self {
        RemotingCommand {
            code: code.0,
            flag: RPC_TYPE_RESPONSE,
            remark,
            ..Default::default()
        }
    }

    /// Builds a SUCCESS response.
    pub fn success() -> Self {
        Self::create_response_command(ResponseCode::SUCCESS, None)
    }

    /// Builds an error response with a remark.
    pub fn error(code: ResponseCode, remark: impl Into<String>) -> Self {
        Self::create_response_command(code, Some(remark.into()))
    }

    /// Builds a response carrying `header`.
    pub fn response_with_header<H: CommandCustomHeader>(code: ResponseCode, header: &H) -> Self {
        let mut cmd = Self::create_response_command(code, None);
        header.write_to(&mut cmd.ext_fields);
        cmd
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Replaces the body by `chunks`, written to the socket one after another without being
    /// copied into the frame buffer.
    pub fn with_body_chunks(mut self, chunks: Vec<Bytes>) -> Self {
        self.body = Bytes::new();
        self.body_chunks = chunks;
        self
    }

    /// Returns the length of the body on the wire: `body` plus the chunks.
    pub fn body_len(&self) -> usize {
        self.body.len() + self.body_chunks.iter().map(Bytes::len).sum::<usize>()
    }

    /// Returns the body as the peer receives it: `body` followed by the chunks (a copy only
    /// when there are chunks).
    pub fn whole_body(&self) -> Bytes {
        if self.body_chunks.is_empty() {
            return self.body.clone();
        }
        let mut all = BytesMut::with_capacity(self.body_len());
        all.extend_from_slice(&self.body);
        for c in &self.body_chunks {
            all.extend_from_slice(c);
        }
        all.freeze()
    }

    /// Replaces the remark.
    pub fn with_remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// Writes `header` into the ext fields (added to what is there).
    pub fn set_header<H: CommandCustomHeader>(&mut self, header: &H) {
        header.write_to(&mut self.ext_fields);
    }

    /// Reads the custom header; a missing required field is an error whose text Java uses
    /// as the SYSTEM_ERROR remark.
    pub fn decode_header<H: CommandCustomHeader>(&self) -> Result<H, CodecError> {
        H::read_from(&self.ext_fields)
    }

    /// Returns an ext field.
    pub fn ext_field(&self, key: &str) -> Option<&str> {
        self.ext_fields.get(key).map(String::as_str)
    }

    /// Sets an ext field.
    pub fn add_ext_field(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.ext_fields.insert(key.into(), value.into());
    }

    /// Returns the code as a request code.
    pub fn request_code(&self) -> RequestCode {
        RequestCode(self.code)
    }

    /// Returns the code as a response code.
    pub fn response_code(&self) -> ResponseCode {
        ResponseCode(self.code)
    }

    /// Returns true for responses (flag bit 0).
    pub fn is_response(&self) -> bool {
        self.flag & RPC_TYPE_RESPONSE == RPC_TYPE_RESPONSE
    }

    /// Returns true for oneway requests (flag bit 1).
    pub fn is_oneway(&self) -> bool {
        self.flag & RPC_ONEWAY == RPC_ONEWAY
    }

    /// Sets the response bit.
    pub fn mark_response(&mut self) {
        self.flag |= RPC_TYPE_RESPONSE;
    }

    /// Sets the oneway bit.
    pub fn mark_oneway(&mut self) {
        self.flag |= RPC_ONEWAY;
    }

    /// Encodes the complete frame, length field included, into `dst`, chunks copied in.
    pub fn encode(&self, dst: &mut BytesMut) -> Result<(), CodecError> {
        dst.reserve(self.body_chunks.iter().map(Bytes::len).sum());
        self.encode_head(dst)?;
        for c in &self.body_chunks {
            dst.extend_from_slice(c);
        }
        Ok(())
    }

    /// Encodes the frame up to the body chunks into `dst`: length field (counting the chunks),
    /// header mark, header and `body`. The chunks are to be written right after it. On error
    /// (header over 16 MiB, frame over [`FRAME_MAX_LENGTH`]) `dst` is left as it was.
    pub fn encode_head(&self, dst: &mut BytesMut) -> Result<(), CodecError> {
        let start = dst.len();
        dst.reserve(64 + self.body.len());
        dst.put_i32(0); // length, patched below
        dst.put_i32(0); // header mark, patched below
        let header_start = dst.len();
        match self.serialize_type {
            SerializeType::Json => self.write_json_header(dst),
            SerializeType::RocketMQ => self.write_rocketmq_header(dst),
        }
        let header_len = dst.len() - header_start;
        if header_len > MAX_HEADER_LENGTH {
            dst.truncate(start);
            return Err(CodecError::BadFrame(format!(
                "header of {header_len} bytes too long"
            )));
        }
        let total = 4 + 4 + header_len + self.body_len();
        if total > FRAME_MAX_LENGTH {
            dst.truncate(start);
            return Err(CodecError::FrameTooLarge {
                length: total as i64,
                max: FRAME_MAX_LENGTH,
            });
        }
        dst.extend_from_slice(&self.body);
        let length = (total - 4) as i32;
        dst[start..start + 4].copy_from_slice(&length.to_be_bytes());
        let mark = ((self.serialize_type.code() as u32) << 24) | header_len as u32;
        dst[start + 4..start + 8].copy_from_slice(&mark.to_be_bytes());
        Ok(())
    }

    /// Encodes the complete frame into a new buffer.
    pub fn encode_to_bytes(&self) -> Result<Bytes, CodecError> {
        let mut b = BytesMut::new();
        self.encode(&mut b)?;
        Ok(b.freeze())
    }

    /// Decodes one frame from the front of `src`: `Ok(None)` until a whole frame is there;
    /// an error for a length outside the cap or an undecodable header (the caller closes the
    /// connection, as Java does).
    pub fn decode(src: &mut BytesMut) -> Result<Option<Self>, CodecError> {
        if src.len() < 4 {
            return Ok(None);
        }
        let length = i32::from_be_bytes([src[0], src[1], src[2], src[3]]);
        if length < 4 || length as usize > FRAME_MAX_LENGTH - 4 {
            return Err(CodecError::FrameTooLarge {
                length: length as i64,
                max: FRAME_MAX_LENGTH - 4,
            });
        }
        let total = 4 + length as usize;
        if src.len() < total {
            src.reserve(total - src.len());
            return Ok(None);
        }
        src.advance(4);
        let frame = src.split_to(length as usize).freeze();
        Self::decode_frame(frame).map(Some)
    }

    /// Decodes a frame without its length field (`RemotingCommand.decode(ByteBuffer)`).
    pub fn decode_frame(mut frame: Bytes) -> Result<Self, CodecError> {
        if frame.len() < 4 {
            return Err(CodecError::BadFrame(
                "frame shorter than its header mark".into(),
            ));
        }
        let mark = frame.get_u32();
        let type_code = (mark >> 24) as u8;
        let header_len = (mark & 0xFF_FFFF) as usize;
        let serialize_type = SerializeType::from_code(type_code)
            .ok_or(CodecError::UnknownSerializeType(type_code))?;
        if header_len > frame.len() {
            return Err(CodecError::BadFrame(format!(
                "header length {header_len} exceeds frame of {}",
                frame.len()
            )));
        }
        let header = frame.split_to(header_len);
        let mut cmd = match serialize_type {
            SerializeType::Json => Self::read_json_header(&header)?,
            SerializeType::RocketMQ => Self::read_rocketmq_header(header)?,
        };
        cmd.serialize_type = serialize_type;
        cmd.body = frame;
        Ok(cmd)
    }

    fn write_json_header(&self, dst: &mut BytesMut) {
        // Keys in alphabetical order, as fastjson writes them.
        let mut w = dst.writer();
        let _ = write_json_header_to(&mut w, self);
    }

    fn read_json_header(header: &[u8]) -> Result<Self, CodecError> {
        let h: JsonHeader = match serde_json::from_slice(header) {
            Ok(h) => h,
            Err(strict) => rmq_common::fastjson::from_slice(header)
                .map_err(|_| CodecError::BadFrame(format!("bad json header: {strict}")))?,
        };
        Ok(RemotingCommand {
            code: h.code,
            language: h.language.map_or(LanguageCode::OTHER, |l| l.0),
            version: h.version,
            opaque: h.opaque,
            flag: h.flag,
            remark: h.remark,
            ext_fields: h.ext_fields.map(|e| e.0).unwrap_or_default(),
            body: Bytes::new(),
            body_chunks: Vec::new(),
            serialize_type: SerializeType::Json,
        })
    }

    fn write_rocketmq_header(&self, dst: &mut BytesMut) {
        dst.put_i16(self.code as i16);
        dst.put_u8(self.language.0);
        dst.put_i16(self.version as i16);
        dst.put_i32(self.opaque);
        dst.put_i32(self.flag);
        match &self.remark {
            Some(r) if !r.is_empty() => {
                dst.put_i32(r.len() as i32);
                dst.put_slice(r.as_bytes());
            }
            _ => dst.put_i32(0),
        }
        let len_pos = dst.len();
        dst.put_i32(0);
        for (k, v) in &self.ext_fields {
            dst.put_i16(k.len() as i16);
            dst.put_slice(k.as_bytes());
            dst.put_i32(v.len() as i32);
            dst.put_slice(v.as_bytes());
        }
        let ext_len = (dst.len() - len_pos - 4) as i32;
        dst[len_pos..len_pos + 4].copy_from_slice(&ext_len.to_be_bytes());
    }

    fn read_rocketmq_header(mut h: Bytes) -> Result<Self, CodecError> {
        fn need(h: &Bytes, n: usize, what: &str) -> Result<(), CodecError> {
            if h.remaining() < n {
                Err(CodecError::BadFrame(format!(
                    "rocketmq header truncated in {what}"
                )))
            } else {
                Ok(())
            }
        }
        fn read_str(h: &mut Bytes, len: usize, what: &str) -> Result<Option<String>, CodecError> {
            need(h, len, what)?;
            if len == 0 {
                return Ok(None);
            }
            let b = h.split_to(len);
            Ok(Some(String::from_utf8_lossy(&b).into_owned()))
        }
        need(&h, 17, "fixed fields")?;
        let code = h.get_i16() as i32;
        let language = LanguageCode(h.get_u8());
        let version = h.get_i16() as i32;
        let opaque = h.get_i32();
        let flag = h.get_i32();
        let remark_len = h.get_i32();
        if remark_len < 0 {
            return Err(CodecError::BadFrame(format!(
                "negative remark length {remark_len}"
            )));
        }
        let remark = read_str(&mut h, remark_len as usize, "remark")?;
        need(&h, 4, "ext fields length")?;
        let ext_len = h.get_i32();
        if ext_len < 0 || ext_len as usize > h.remaining() {
            return Err(CodecError::BadFrame(format!(
                "bad ext fields length {ext_len}"
            )));
        }
        let mut ext = h.split_to(ext_len as usize);
        let mut ext_fields = HashMap::new();
        while ext.has_remaining() {
            need(&ext, 2, "ext key length")?;
            let klen = ext.get_i16();
            if klen < 0 {
                return Err(CodecError::BadFrame(format!("negative key length {klen}")));
            }
            let key = read_str(&mut ext, klen as usize, "ext key")?;
            need(&ext, 4, "ext value length")?;
            let vlen = ext.get_i32();
            if vlen < 0 {
                return Err(CodecError::BadFrame(format!(
                    "negative value length {vlen}"
                )));
            }
            let value = read_str(&mut ext, vlen as usize, "ext value")?;
            if let (Some(k), Some(v)) = (key, value) {
                ext_fields.insert(k, v);
            }
        }
        Ok(RemotingCommand {
            code,
            language,
            version,
            opaque,
            flag,
            remark,
            ext_fields,
            body: Bytes::new(),
            body_chunks: Vec::new(),
            serialize_type: SerializeType::RocketMQ,
        })
    }
}

fn write_json_header_to<W: std::io::Write>(w: &mut W, c: &RemotingCommand) -> std::io::Result<()> {
    write!(w, "{{\"code\":{}", c.code)?;
    if !c.ext_fields.is_empty() {
        w.write_all(b",\"extFields\":{")?;
        for (i, (k, v)) in c.ext_fields.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            serde_json::to_writer(&mut *w, k)?;
            w.write_all(b":")?;
            serde_json::to_writer(&mut *w, v)?;
        }
        w.write_all(b"}")?;
    }
    write!(
        w,
        ",\"flag\":{},\"language\":\"{}\",\"opaque\":{}",
        c.flag,
        c.language.name(),
        c.opaque
    )?;
    if let Some(r) = &c.remark {
        w.write_all(b",\"remark\":")?;
        serde_json::to_writer(&mut *w, r)?;
    }
    write!(
        w,
        ",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":{}}}",
        c.version
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonHeader {
    #[serde(default)]
    code: i32,
    /// Java writes the enum name; an ordinal is read as fastjson does.
    #[serde(default)]
    language: Option<JsonLanguage>,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    opaque: i32,
    #[serde(default)]
    flag: i32,
    #[serde(default)]
    remark: Option<String>,
    /// Java and Go write strings; other values take the lenient path, which turns numbers
    /// and booleans into their text and objects into their JSON text, as fastjson does.
    #[serde(default)]
    ext_fields: Option<ExtFields>,
}

/// The `language` of a JSON header: fastjson matches enum names in any case and accepts
/// ordinals; any other value (null, boolean, object, ...) reads as OTHER rather than failing.
struct JsonLanguage(LanguageCode);

impl<'de> Deserialize<'de> for JsonLanguage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = JsonLanguage;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a language name or ordinal")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<JsonLanguage, E> {
                Ok(JsonLanguage(LanguageCode::from_name_ignore_case(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<JsonLanguage, E> {
                Ok(JsonLanguage(
                    u8::try_from(v).map_or(LanguageCode::OTHER, LanguageCode),
                ))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<JsonLanguage, E> {
                Ok(JsonLanguage(LanguageCode::OTHER))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<JsonLanguage, E> {
                Ok(JsonLanguage(LanguageCode::OTHER))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<JsonLanguage, E> {
                Ok(JsonLanguage(LanguageCode::OTHER))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<JsonLanguage, E> {
                Ok(JsonLanguage(LanguageCode::OTHER))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<JsonLanguage, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(JsonLanguage(LanguageCode::OTHER))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<JsonLanguage, A::Error> {
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(JsonLanguage(LanguageCode::OTHER))
            }
        }
        d.deserialize_any(V)
    }
}

/// `extFields` read straight into the command's map (null values dropped, as Java's
/// fastjson leaves them out), sized for a typical SEND_MESSAGE_V2 header up front.
struct ExtFields(HashMap<String, String>);

impl<'de> Deserialize<'de> for ExtFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ExtFields;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<ExtFields, A::Error> {
                let mut m = HashMap::with_capacity(a.size_hint().unwrap_or(16));
                while let Some((k, v)) = a.next_entry::<String, Option<String>>()? {
                    if let Some(v) = v {
                        m.insert(k, v);
                    }
                }
                Ok(ExtFields(m))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::header::broker::SendMessageRequestHeaderV2;
    use proptest::prelude::*;

    fn sample(t: SerializeType) -> RemotingCommand {
        let mut ext = HashMap::new();
        ext.insert("topic".to_string(), "TopicTest".to_string());
        ext.insert("中文".to_string(), "值\u{1}x\u{2}".to_string());
        RemotingCommand {
            code: 310,
            language: LanguageCode::JAVA,
            version: 479,
            opaque: -7,
            flag: 2,
            remark: Some("备注 remark".into()),
            ext_fields: ext,
            body: Bytes::from_static(b"\x00\x01body"),
            body_chunks: Vec::new(),
            serialize_type: t,
        }
    }

    #[test]
    fn round_trip_both_serializations() {
        for t in [SerializeType::Json, SerializeType::RocketMQ] {
            let cmd = sample(t);
            let mut buf = BytesMut::new();
            cmd.encode(&mut buf).unwrap();
            assert_eq!(buf[4], t.code());
            let total = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
            assert_eq!(total + 4, buf.len());
            let dec = RemotingCommand::decode(&mut buf).unwrap().unwrap();
            assert_eq!(dec, cmd);
            assert!(buf.is_empty());
        }
    }

    #[test]
    fn json_header_is_fastjson_shaped() {
        let cmd = RemotingCommand {
            code: 105,
            language: LanguageCode::JAVA,
            version: 479,
            opaque: 7,
            flag: 0,
            remark: None,
            ext_fields: [("topic".to_string(), "TopicTest".to_string())]
                .into_iter()
                .collect(),
            body: Bytes::new(),
            body_chunks: Vec::new(),
            serialize_type: SerializeType::Json,
        };
        let b = cmd.encode_to_bytes().unwrap();
        assert_eq!(
            std::str::from_utf8(&b[8..]).unwrap(),
            r#"{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":479}"#
        );
    }

    #[test]
    fn rocketmq_header_quirks() {
        let mut cmd = sample(SerializeType::RocketMQ);
        cmd.code = 200050;
        cmd.remark = Some(String::new());
        cmd.ext_fields.insert("empty".into(), String::new());
        let mut buf = BytesMut::from(&cmd.encode_to_bytes().unwrap()[..]);
        let dec = RemotingCommand::decode(&mut buf).unwrap().unwrap();
        // The code is truncated to i16 and empty strings vanish, as in Java.
        assert_eq!(dec.code, 200050i32 as i16 as i32);
        assert_eq!(dec.remark, None);
        assert!(!dec.ext_fields.contains_key("empty"));
    }

    #[test]
    fn partial_frames_wait() {
        let bytes = sample(SerializeType::Json).encode_to_bytes().unwrap();
        for cut in 0..bytes.len() {
            let mut b = BytesMut::from(&bytes[..cut]);
            assert!(
                RemotingCommand::decode(&mut b).unwrap().is_none(),
                "cut {cut}"
            );
            assert_eq!(b.len(), cut);
        }
    }

    #[test]
    fn oversized_and_tiny_lengths_are_errors() {
        let mut b = BytesMut::new();
        b.put_i32((FRAME_MAX_LENGTH - 3) as i32);
        assert!(matches!(
            RemotingCommand::decode(&mut b),
            Err(CodecError::FrameTooLarge { .. })
        ));
        let mut b = BytesMut::new();
        b.put_i32(-1);
        assert!(RemotingCommand::decode(&mut b).is_err());
        let mut b = BytesMut::new();
        b.put_i32(2);
        b.put_i16(0);
        assert!(RemotingCommand::decode(&mut b).is_err());
        // The largest legal length is accepted (and waits for its bytes).
        let mut b = BytesMut::new();
        b.put_i32((FRAME_MAX_LENGTH - 4) as i32);
        assert!(RemotingCommand::decode(&mut b).unwrap().is_none());
        // A TLS ClientHello can never be a frame.
        let mut b = BytesMut::from(&[0x16u8, 0x03, 0x01, 0x02, 0x00][..]);
        assert!(RemotingCommand::decode(&mut b).is_err());
    }

    #[test]
    fn encode_refuses_oversized_frames() {
        let cmd = RemotingCommand::success().with_body(vec![0u8; FRAME_MAX_LENGTH]);
        let mut b = BytesMut::new();
        assert!(cmd.encode(&mut b).is_err());
        assert!(b.is_empty());
    }

    /// Splits `body` into chunks at `cuts` (some chunks empty).
    fn chunked(cmd: &RemotingCommand, cuts: &[usize]) -> RemotingCommand {
        let mut chunks = Vec::new();
        let mut at = 0;
        for &c in cuts {
            let c = c.clamp(at, cmd.body.len());
            chunks.push(cmd.body.slice(at..c));
            at = c;
        }
        chunks.push(cmd.body.slice(at..));
        cmd.clone().with_body_chunks(chunks)
    }

    #[test]
    fn chunked_body_encodes_as_one_body() {
        for t in [SerializeType::Json, SerializeType::RocketMQ] {
            let cmd = sample(t);
            let want = cmd.encode_to_bytes().unwrap();
            let c = chunked(&cmd, &[0, 1, 1, 4]);
            assert_eq!(c.body_chunks.len(), 5);
            assert!(c.body.is_empty());
            assert_eq!(c.body_len(), cmd.body.len());
            assert_eq!(c.whole_body(), cmd.body);
            assert_eq!(c.encode_to_bytes().unwrap(), want);
            // The head counts the chunks it leaves out.
            let mut head = BytesMut::new();
            c.encode_head(&mut head).unwrap();
            assert_eq!(&head[..], &want[..want.len() - cmd.body.len()]);
            // Part in `body`, part in chunks.
            let mut mixed = c.clone();
            mixed.body = cmd.body.slice(..2);
            mixed.body_chunks = vec![cmd.body.slice(2..3), cmd.body.slice(3..)];
            assert_eq!(mixed.encode_to_bytes().unwrap(), want);
            let mut buf = BytesMut::from(&want[..]);
            assert_eq!(RemotingCommand::decode(&mut buf).unwrap().unwrap(), cmd);
        }
    }

    #[test]
    fn frame_limit_counts_the_chunks() {
        let chunk = Bytes::from(vec![0u8; FRAME_MAX_LENGTH / 2]);
        let cmd = RemotingCommand::success().with_body_chunks(vec![chunk.clone(), chunk]);
        let mut b = BytesMut::from(&b"kept"[..]);
        assert!(matches!(
            cmd.encode_head(&mut b),
            Err(CodecError::FrameTooLarge { length, .. }) if length as usize > FRAME_MAX_LENGTH
        ));
        assert!(cmd.encode(&mut b).is_err());
        assert_eq!(&b[..], b"kept");
        let fits = RemotingCommand::success().with_body_chunks(vec![Bytes::from(vec![
            0u8;
            FRAME_MAX_LENGTH
                / 2
        ])]);
        assert!(fits.encode_head(&mut b).is_ok());
    }

    #[test]
    fn header_decode_errors() {
        let frame = |mark: u32, header: &[u8]| {
            let mut b = BytesMut::new();
            b.put_i32((4 + header.len()) as i32);
            b.put_u32(mark);
            b.put_slice(header);
            b
        };
        // Unknown serialize type.
        assert!(RemotingCommand::decode(&mut frame(0x0200_0000, b"")).is_err());
        // Header length beyond the frame.
        assert!(RemotingCommand::decode(&mut frame(50, b"{}")).is_err());
        // Broken JSON.
        assert!(RemotingCommand::decode(&mut frame(5, b"{\"cod")).is_err());
        // Truncated ROCKETMQ header and negative lengths.
        assert!(RemotingCommand::decode(&mut frame(0x0100_0000 | 3, b"\x00\x01\x00")).is_err());
        let mut h = vec![0u8; 13];
        h.extend_from_slice(&(-5i32).to_be_bytes());
        h.extend_from_slice(&0i32.to_be_bytes());
        let n = h.len() as u32;
        assert!(RemotingCommand::decode(&mut frame(0x0100_0000 | n, &h)).is_err());
        // Lenient JSON: numbers where strings are expected, unknown language.
        let text = br#"{"code":34,"language":"COBOL","opaque":1,"flag":0,"version":1,"extFields":{"a":1,"b":true,"c":null}}"#;
        let cmd = RemotingCommand::decode(&mut frame(text.len() as u32, text))
            .unwrap()
            .unwrap();
        assert_eq!(cmd.ext_fields["a"], "1");
        assert_eq!(cmd.ext_fields["b"], "true");
        assert!(!cmd.ext_fields.contains_key("c"));
        assert_eq!(cmd.language, LanguageCode::OTHER);
    }

    #[test]
    fn json_header_lenient_as_fastjson() {
        use crate::protocol::header::broker::PullMessageRequestHeader;
        let decode_json = |text: &[u8]| {
            let mut b = BytesMut::new();
            b.put_i32((4 + text.len()) as i32);
            b.put_u32(text.len() as u32);
            b.put_slice(text);
            RemotingCommand::decode(&mut b).unwrap().unwrap()
        };
        // PULL_MESSAGE exactly as the Go client (v2.1.3-0.20251226070945-2173d070fd1b) writes it.
        let go = br#"{"code":11,"language":"GO","version":317,"opaque":3,"flag":0,"remark":"","extFields":{"bname":"broker-a","commitOffset":"0","consumerGroup":"go_cg","expressionType":"TAG","maxMsgNums":"32","queueId":"1","queueOffset":"7","subVersion":"1765000000000000002","subscription":"TagA || TagB","suspendTimeoutMillis":"20000","sysFlag":"3","topic":"TopicTest"}}"#;
        let cmd = decode_json(go);
        assert_eq!(cmd.language, LanguageCode::GO);
        assert_eq!(cmd.version, 317);
        let h: PullMessageRequestHeader = cmd.decode_header().unwrap();
        assert_eq!((h.queue_id, h.queue_offset, h.sys_flag), (1, 7, 3));
        assert_eq!(h.sub_version, 1765000000000000002);
        assert_eq!(h.subscription.as_deref(), Some("TagA || TagB"));

        // What fastjson also accepts (checked with Java 5.3.3's RemotingCommand): numbers as
        // strings, the language in any case or by ordinal, a number as remark, an object as
        // an extFields value (kept as its JSON text), null values dropped.
        let odd = br#"{"code":"10","language":"go","version":"317","opaque":1,"flag":null,"remark":5,"extFields":{"a":1,"b":true,"c":{"x":1},"d":null}}"#;
        let cmd = decode_json(odd);
        assert_eq!((cmd.code, cmd.version, cmd.flag), (10, 317, 0));
        assert_eq!(cmd.language, LanguageCode::GO);
        assert_eq!(cmd.remark.as_deref(), Some("5"));
        assert_eq!(cmd.ext_fields["a"], "1");
        assert_eq!(cmd.ext_fields["b"], "true");
        assert_eq!(cmd.ext_fields["c"], r#"{"x":1}"#);
        assert!(!cmd.ext_fields.contains_key("d"));
        let cmd = decode_json(br#"{"code":10,"language":9,"extFields":{}}"#);
        assert_eq!(cmd.language, LanguageCode::GO);
    }

    #[test]
    fn send_v2_header_round_trip() {
        let h = SendMessageRequestHeaderV2 {
            producer_group: "pg".into(),
            topic: "T".into(),
            default_topic: "TBW102".into(),
            default_topic_queue_nums: 4,
            queue_id: 1,
            sys_flag: 0,
            born_timestamp: 1_700_000_000_000,
            flag: 0,
            properties: Some("TAGS\u{1}a\u{2}".into()),
            ..Default::default()
        };
        let cmd = RemotingCommand::create_request_command(RequestCode::SEND_MESSAGE_V2, &h);
        assert_eq!(cmd.ext_fields["b"], "T");
        let back: SendMessageRequestHeaderV2 = cmd.decode_header().unwrap();
        assert_eq!(back, h);
        assert_eq!(SendMessageRequestHeaderV2::from_v1(&back.to_v1()), h);
    }

    /// Signs `cmd`, flips bits of one byte of its frame and decodes it: no panic, and when
    /// the signed bytes or the signature changed, the frame does not verify. Returns whether
    /// that last check applied.
    fn check_signed_mutation(
        mut cmd: RemotingCommand,
        idx: usize,
        flip: u8,
    ) -> Result<bool, proptest::test_runner::TestCaseError> {
        let sk = "12345678";
        crate::acl::SessionCredentials::new("rocketmq2", sk).sign(&mut cmd);
        let orig = crate::acl::SignedRequest::from_request(&cmd).unwrap();
        let mut raw = cmd.encode_to_bytes().unwrap().to_vec();
        let i = idx % raw.len();
        raw[i] ^= flip;
        let mut buf = BytesMut::from(&raw[..]);
        let Ok(Some(dec)) = RemotingCommand::decode(&mut buf) else {
            return Ok(false);
        };
        let Some(signed) = crate::acl::SignedRequest::from_request(&dec) else {
            return Ok(false);
        };
        if signed.content != orig.content || signed.signature != orig.signature {
            prop_assert!(
                !signed.verify(sk),
                "byte {} ^ {:#x} still verifies",
                i,
                flip
            );
            return Ok(true);
        }
        Ok(false)
    }

    #[test]
    fn every_single_byte_mutation_of_a_signed_frame_fails_verification() {
        for json in [true, false] {
            let mut cmd = RemotingCommand::new_request(RequestCode::SEND_MESSAGE_V2);
            cmd.serialize_type = if json {
                SerializeType::Json
            } else {
                SerializeType::RocketMQ
            };
            cmd.add_ext_field("a", "T");
            cmd.add_ext_field("b", "group");
            cmd.body = Bytes::from_static(b"hello");
            // The signed frame is longer than this unsigned one: cover it all.
            let len = cmd.encode_to_bytes().unwrap().len() + 64;
            let mut refused = 0;
            for idx in 0..len {
                for flip in [0x01, 0x20, 0x80, 0xff] {
                    refused += usize::from(check_signed_mutation(cmd.clone(), idx, flip).unwrap());
                }
            }
            // Mutations of the ext field values, the signature and the body decode and are
            // refused: at least one per byte of "T", "group", "hello" and the access key.
            assert!(
                refused >= 4 * (1 + 5 + 5 + 9),
                "only {refused} mutations checked"
            );
        }
    }

    fn arb_command() -> impl Strategy<Value = RemotingCommand> {
        (
            any::<i16>(),
            0u8..14,
            any::<i16>(),
            any::<i32>(),
            0i32..4,
            proptest::option::of("[^\u{0}]{1,20}"),
            proptest::collection::hash_map("[a-zA-Z]{1,8}", "[^\u{0}]{1,16}", 0..6),
            proptest::collection::vec(any::<u8>(), 0..64),
            any::<bool>(),
        )
            .prop_map(
                |(code, lang, version, opaque, flag, remark, ext, body, json)| RemotingCommand {
                    code: code as i32,
                    language: LanguageCode(lang),
                    version: version as i32,
                    opaque,
                    flag,
                    remark,
                    ext_fields: ext,
                    body: Bytes::from(body),
                    body_chunks: Vec::new(),
                    serialize_type: if json {
                        SerializeType::Json
                    } else {
                        SerializeType::RocketMQ
                    },
                },
            )
    }

    proptest! {
        #[test]
        fn prop_round_trip(cmd in arb_command()) {
            let mut buf = BytesMut::from(&cmd.encode_to_bytes().unwrap()[..]);
            let dec = RemotingCommand::decode(&mut buf).unwrap().unwrap();
            prop_assert_eq!(dec, cmd);
        }

        #[test]
        fn prop_chunked_encoding_is_byte_identical(
            cmd in arb_command(),
            cuts in proptest::collection::vec(0usize..64, 0..5),
        ) {
            let mut cuts = cuts;
            cuts.sort_unstable();
            let want = cmd.encode_to_bytes().unwrap();
            prop_assert_eq!(chunked(&cmd, &cuts).encode_to_bytes().unwrap(), want);
        }

        #[test]
        fn prop_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let mut buf = BytesMut::from(&bytes[..]);
            let _ = RemotingCommand::decode(&mut buf);
        }

        #[test]
        fn prop_signed_frames_round_trip_and_verify(
            cmd in arb_command(),
            ak in "[a-zA-Z0-9]{1,12}",
            sk in "[^\u{0}]{1,24}",
        ) {
            let mut cmd = cmd;
            crate::acl::SessionCredentials::new(ak.clone(), sk.clone()).sign(&mut cmd);
            let mut buf = BytesMut::from(&cmd.encode_to_bytes().unwrap()[..]);
            let dec = RemotingCommand::decode(&mut buf).unwrap().unwrap();
            prop_assert_eq!(&dec, &cmd);
            let signed = crate::acl::SignedRequest::from_request(&dec).unwrap();
            prop_assert_eq!(signed.access_key.as_str(), ak.as_str());
            prop_assert!(signed.verify(&sk));
            let wrong = format!("{sk}x");
            prop_assert!(!signed.verify(&wrong));
        }

        #[test]
        fn prop_mutated_signed_frames_never_panic_nor_verify(
            cmd in arb_command(),
            idx in any::<usize>(),
            flip in 1u8..=255,
        ) {
            check_signed_mutation(cmd, idx, flip)?;
        }

        #[test]
        fn prop_corrupted_frames_never_panic(cmd in arb_command(), idx in any::<usize>(), byte in any::<u8>()) {
            let mut raw = cmd.encode_to_bytes().unwrap().to_vec();
            let i = idx % raw.len();
            raw[i] = byte;
            let mut buf = BytesMut::from(&raw[..]);
            let _ = RemotingCommand::decode(&mut buf);
        }
    }
}
