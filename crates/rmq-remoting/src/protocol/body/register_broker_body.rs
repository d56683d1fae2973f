//! The REGISTER_BROKER body (Java `RegisterBrokerBody`) in its JSON form and its zlib
//! "compressed" form.
//!
//! Compressed layout inside the zlib stream (all lengths i32 big-endian): DataVersion JSON;
//! topic count; per topic the `TopicConfig` text form; filter server list JSON; and, only
//! for brokers of version 5.0.0 or later, a count plus TopicQueueMappingInfo JSON entries.

use crate::error::RemotingError;
use bytes::{Buf, BufMut};
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

    /// Decodes a body. `broker_version` decides whether a compressed body has the mapping
    /// section; brokers older than 3.0.11 send a bare `TopicConfigSerializeWrapper`.
    pub fn decode(
        data: &[u8],
        compressed: bool,
        broker_version: i32,
    ) -> Result<Self, RemotingError> {
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
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .take(64 * 1024 * 1024)
            .read_to_end(&mut raw)
            .map_err(|e| RemotingError::BadBody(format!("bad compressed register body: {e}")))?;
        let mut buf = &raw[..];
        let bad = |what: &str| {
            RemotingError::BadBody(format!("truncated compressed register body at {what}"))
        };
        fn chunk<'a>(buf: &mut &'a [u8], what: &str) -> Result<&'a [u8], RemotingError> {
            if buf.remaining() < 4 {
                return Err(RemotingError::BadBody(format!(
                    "truncated register body at {what}"
                )));
            }
            let len = buf.get_i32();
            if len < 0 || len as usize > buf.remaining() {
                return Err(RemotingError::BadBody(format!(
                    "bad length {len} at {what}"
                )));
            }
            let (head, tail) = buf.split_at(len as usize);
            *buf = tail;
            Ok(head)
        }
        let data_version: DataVersion = super::decode(chunk(&mut buf, "data version")?)?;
        if buf.remaining() < 4 {
            return Err(bad("topic count"));
        }
        let count = buf.get_i32();
        let mut table = HashMap::new();
        for _ in 0..count.max(0) {
            let text = String::from_utf8_lossy(chunk(&mut buf, "topic config")?).into_owned();
            let tc = TopicConfig::decode(&text)
                .ok_or_else(|| RemotingError::BadBody(format!("bad topic config text {text:?}")))?;
            table.insert(tc.topic_name.clone(), tc);
        }
        let filter_server_list: Vec<String> = super::decode(chunk(&mut buf, "filter servers")?)?;
        let mut mapping = HashMap::new();
        if broker_version >= rmq_common::mq_version::V5_0_0 && buf.remaining() >= 4 {
            let n = buf.get_i32();
            for _ in 0..n.max(0) {
                let info: serde_json::Value = super::decode(chunk(&mut buf, "mapping info")?)?;
                let topic = info
                    .get("topic")
                    .and_then(|t| t.as_str())
                    .unwrap_or_default()
                    .to_string();
                mapping.insert(topic, info);
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
}
