//! The REGISTER_BROKER body (Java `RegisterBrokerBody`) in its JSON form and its zlib
//! "compressed" form.
//!
//! Compressed layout inside the zlib stream (all lengths i32 big-endian): DataVersion JSON;
//! topic count; per topic the `TopicConfig` text form; filter server list JSON; and, only
//! for brokers of version 5.0.0 or later, a count plus TopicQueueMappingInfo JSON entries.

use crate::error::CodecError;
use bytes::BufMut;
use rmq_common::{DataVersion, TopicConfig};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Read, Write};

/// Topic configs plus version, as a broker registers them (`TopicConfigSerializeWrapper`
/// and its 5.x subclass `TopicConfigAndMappingSerializeWrapper`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicConfigSerializeWrapper {
    pub topic_config_table: HashMap<String, TopicConfig>,
    pub data_version: DataVersion,
    pub topic_queue_mapping_info_map: HashMap<String, serde_json::Value>,
    pub topic_queue_mapping_detail_map: HashMap<String, serde_json::Value>,
    pub mapping_data_version: DataVersion,
}

/// `RegisterBrokerBody`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RegisterBrokerBody {
    pub topic_config_serialize_wrapper: TopicConfigSerializeWrapper,
    pub filter_server_list: Vec<String>,
}

impl RegisterBrokerBody {
    /// Encodes as JSON, or as the zlib form when `compress`.
    pub fn encode(&self, compress: bool) -> Vec<u8> {
        if !compress {
            return super::encode(self);
        }
        let mut raw = Vec::new();
        let put_chunk = |raw: &mut Vec<u8>, b: &[u8]| {
            raw.put_i32(b.len() as i32);
            raw.extend_from_slice(b);
        };
        let w = &self.topic_config_serialize_wrapper;
        put_chunk(&mut raw, &super::encode(&w.data_version));
        raw.put_i32(w.topic_config_table.len() as i32);
        for tc in w.topic_config_table.values() {
            put_chunk(&mut raw, tc.encode().as_bytes());
        }
        put_chunk(&mut raw, &super::encode(&self.filter_server_list));
        raw.put_i32(w.topic_queue_mapping_info_map.len() as i32);
        for info in w.topic_queue_mapping_info_map.values() {
            put_chunk(&mut raw, &super::encode(info));
        }
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = enc.write_all(&raw);
        enc.finish().unwrap_or_default()
    }

    /// Decodes a body with the default inflate limit ([`MAX_INFLATED_BYTES`]).
    /// `broker_version` decides whether a compressed body has the mapping section; brokers
    /// older than 3.0.11 send a bare `TopicConfigSerializeWrapper`.
    pub fn decode(data: &[u8], compressed: bool, broker_version: i32) -> Result<Self, CodecError> {
        Self::decode_with_limit(data, compressed, broker_version, MAX_INFLATED_BYTES)
    }

    /// Decodes a body; a compressed one is inflated as a stream, section by section, as
    /// Java's `RegisterBrokerBody#decode` reads its `InflaterInputStream`, and refused once it
    /// inflates past `max_inflated_bytes`. Memory stays within that bound: a length prefix is
    /// checked against what is left of it before anything is allocated.
    pub fn decode_with_limit(
        data: &[u8],
        compressed: bool,
        broker_version: i32,
        max_inflated_bytes: u64,
    ) -> Result<Self, CodecError> {
        if !compressed {
            if broker_version < rmq_common::mq_version::V3_0_11 {
                let wrapper: TopicConfigSerializeWrapper = super::decode(data)?;
                return Ok(RegisterBrokerBody {
                    topic_config_serialize_wrapper: wrapper,
                    filter_server_list: Vec::new(),
                });
            }
            return super::decode(data);
        }
        let mut r = InflatedReader {
            inner: flate2::read::ZlibDecoder::new(data).take(max_inflated_bytes),
            limit: max_inflated_bytes,
        };
        let data_version: DataVersion = super::decode(&r.chunk("data version")?)?;
        let count = r.int("topic count")?;
        let mut table = HashMap::new();
        for _ in 0..count.max(0) {
            let bytes = r.chunk("topic config")?;
            let text = String::from_utf8_lossy(&bytes);
            let tc = TopicConfig::decode(&text).ok_or_else(|| {
                let shown: String = text.chars().take(200).collect();
                CodecError::BadBody(format!("bad topic config text {shown:?}"))
            })?;
            table.insert(tc.topic_name.clone(), tc);
        }
        let filter_server_list: Vec<String> = super::decode(&r.chunk("filter servers")?)?;
        let mut mapping = HashMap::new();
        // Java reads the count unconditionally for 5.x brokers; a body without it still
        // decodes here, as before.
        if broker_version >= rmq_common::mq_version::V5_0_0 {
            if let Some(n) = r.int_or_end("mapping count")? {
                for _ in 0..n.max(0) {
                    let info: serde_json::Value = super::decode(&r.chunk("mapping info")?)?;
                    let topic = info
                        .get("topic")
                        .and_then(|t| t.as_str())
                        .unwrap_or_default()
                        .to_string();
                    mapping.insert(topic, info);
                }
            }
        }
        Ok(RegisterBrokerBody {
            topic_config_serialize_wrapper: TopicConfigSerializeWrapper {
                topic_config_table: table,
                data_version,
                topic_queue_mapping_info_map: mapping,
                ..Default::default()
            },
            filter_server_list,
        })
    }
}

/// Largest inflated size of a compressed REGISTER_BROKER body. A real one is about 50 bytes a
/// topic (`TopicConfig` text plus its length), so 32 MiB holds over 500,000 topics, far more
/// than the 16 MiB frame limit lets an uncompressed JSON body carry; beyond it a body is a
/// zlib bomb and is refused.
pub const MAX_INFLATED_BYTES: u64 = 32 * 1024 * 1024;

/// Reads the length-prefixed sections of an inflating stream with a byte limit.
struct InflatedReader<R> {
    inner: std::io::Take<R>,
    limit: u64,
}

impl<R: Read> InflatedReader<R> {
    fn fill(&mut self, buf: &mut [u8], what: &str) -> Result<(), CodecError> {
        match self.inner.read_exact(buf) {
            Ok(()) => Ok(()),
            Err(_) if self.inner.limit() == 0 => Err(self.too_large()),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(CodecError::BadBody(
                format!("truncated compressed register body at {what}"),
            )),
            Err(e) => Err(CodecError::BadBody(format!(
                "bad compressed register body at {what}: {e}"
            ))),
        }
    }

    fn too_large(&self) -> CodecError {
        CodecError::BadBody(format!(
            "compressed register body inflates past the limit of {} bytes",
            self.limit
        ))
    }

    fn int(&mut self, what: &str) -> Result<i32, CodecError> {
        let mut b = [0u8; 4];
        self.fill(&mut b, what)?;
        Ok(i32::from_be_bytes(b))
    }

    /// Reads an i32, or `None` at a clean end of the stream.
    fn int_or_end(&mut self, what: &str) -> Result<Option<i32>, CodecError> {
        let mut b = [0u8; 4];
        let mut got = 0;
        while got < b.len() {
            match self.inner.read(&mut b[got..]) {
                Ok(0) if got == 0 && self.inner.limit() > 0 => return Ok(None),
                Ok(0) => {
                    return Err(if self.inner.limit() == 0 {
                        self.too_large()
                    } else {
                        CodecError::BadBody(format!("truncated compressed register body at {what}"))
                    })
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(CodecError::BadBody(format!(
                        "bad compressed register body at {what}: {e}"
                    )))
                }
            }
        }
        Ok(Some(i32::from_be_bytes(b)))
    }

    /// Reads an i32 length and that many bytes; the length is checked against the bytes
    /// left under the limit before any allocation.
    fn chunk(&mut self, what: &str) -> Result<Vec<u8>, CodecError> {
        let len = self.int(what)?;
        let Ok(len) = u64::try_from(len) else {
            return Err(CodecError::BadBody(format!("bad length {len} at {what}")));
        };
        if len > self.inner.limit() {
            return Err(self.too_large());
        }
        let mut buf = vec![0u8; len as usize];
        self.fill(&mut buf, what)?;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> RegisterBrokerBody {
        let mut b = RegisterBrokerBody::default();
        for t in ["TBW102", "TopicTest", "SELF_TEST_TOPIC"] {
            b.topic_config_serialize_wrapper
                .topic_config_table
                .insert(t.into(), TopicConfig::with_queues(t, 4, 4, 6));
        }
        b
    }

    #[test]
    fn compressed_round_trip() {
        let b = body();
        let enc = b.encode(true);
        let dec = RegisterBrokerBody::decode(&enc, true, 479).unwrap();
        assert_eq!(
            dec.topic_config_serialize_wrapper.topic_config_table,
            b.topic_config_serialize_wrapper.topic_config_table
        );
        assert!(RegisterBrokerBody::decode(&enc[..enc.len() / 2], true, 479).is_err());
        assert!(RegisterBrokerBody::decode(b"garbage", true, 479).is_err());
    }

    #[test]
    fn json_round_trip_and_49_shape() {
        let b = body();
        let dec = RegisterBrokerBody::decode(&b.encode(false), false, 479).unwrap();
        assert_eq!(dec, b);
        let old = br#"{"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":5},"topicConfigTable":{"T":{"topicName":"T","readQueueNums":1,"writeQueueNums":1,"perm":6,"topicFilterType":"SINGLE_TAG","topicSysFlag":0,"order":false}}},"filterServerList":[]}"#;
        let dec = RegisterBrokerBody::decode(old, false, 409).unwrap();
        assert_eq!(
            dec.topic_config_serialize_wrapper.topic_config_table["T"].read_queue_nums,
            1
        );
    }

    fn zlib(raw: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(raw).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn compressed_bodies_past_the_limit_are_refused() {
        let enc = body().encode(true);
        let inflated = {
            let mut raw = Vec::new();
            flate2::read::ZlibDecoder::new(&enc[..])
                .read_to_end(&mut raw)
                .unwrap();
            raw.len() as u64
        };
        assert!(RegisterBrokerBody::decode_with_limit(&enc, true, 479, inflated).is_ok());
        let err = RegisterBrokerBody::decode_with_limit(&enc, true, 479, inflated - 10)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!(
                "inflates past the limit of {} bytes",
                inflated - 10
            )),
            "{err}"
        );

        // A section claiming more than the limit is refused before it is inflated.
        let mut raw = Vec::new();
        raw.put_i32(2);
        raw.extend_from_slice(b"{}");
        raw.put_i32(1);
        raw.put_i32(i32::MAX);
        raw.extend_from_slice(&[b'a'; 4096]);
        let err = RegisterBrokerBody::decode(&zlib(&raw), true, 479)
            .unwrap_err()
            .to_string();
        assert!(err.contains("inflates past the limit"), "{err}");
        // A negative length is a bad body, not an allocation.
        let mut raw = Vec::new();
        raw.put_i32(-5);
        let err = RegisterBrokerBody::decode(&zlib(&raw), true, 479)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad length -5 at data version"), "{err}");
    }

    #[test]
    fn a_stream_of_zeros_is_refused_without_inflating_it_whole() {
        // 8 MiB of zeros: the empty data version is refused after 4 inflated bytes.
        let bomb = zlib(&vec![0u8; 8 * 1024 * 1024]);
        let err = RegisterBrokerBody::decode_with_limit(&bomb, true, 479, 16)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("limit"), "{err}");
    }

    #[test]
    fn a_5x_body_without_the_mapping_section_still_decodes() {
        let b = body();
        let mut raw = Vec::new();
        raw.put_i32(2);
        raw.extend_from_slice(b"{}");
        raw.put_i32(0);
        raw.put_i32(2);
        raw.extend_from_slice(b"[]");
        let dec = RegisterBrokerBody::decode(&zlib(&raw), true, 479).unwrap();
        assert!(dec
            .topic_config_serialize_wrapper
            .topic_config_table
            .is_empty());
        let dec = RegisterBrokerBody::decode(&b.encode(true), true, 413).unwrap();
        assert_eq!(
            dec.topic_config_serialize_wrapper.topic_config_table.len(),
            3
        );
    }
}
