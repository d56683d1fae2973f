//! The golden-frame exchange format shared with the Java interop harness
//! (`tests/interop/golden/`, see `tests/interop/README.md`): for each case `<name>`, the
//! frames `<name>.json.bin` / `<name>.rocketmq.bin` and `<name>.fields.json`, the fields a
//! decoder must recover (optionally overridden per serialization by
//! `<name>.<ser>.fields.json`).

use crate::protocol::{LanguageCode, RemotingCommand, SerializeType};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fields of one golden frame. Null ext values mean "absent" (Java decodes a
/// zero-length ROCKETMQ value as null); `null` and `{}` ext maps both mean "no header".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoldenFields {
    pub code: i32,
    pub language: Option<String>,
    pub version: i32,
    pub opaque: i32,
    pub flag: i32,
    pub remark: Option<String>,
    pub ext_fields: Option<BTreeMap<String, Option<String>>>,
    pub body_hex: String,
}

impl GoldenFields {
    /// Describes a command.
    pub fn from_command(cmd: &RemotingCommand) -> Self {
        GoldenFields {
            code: cmd.code,
            language: Some(cmd.language.name().to_string()),
            version: cmd.version,
            opaque: cmd.opaque,
            flag: cmd.flag,
            remark: cmd.remark.clone(),
            ext_fields: if cmd.ext_fields.is_empty() {
                None
            } else {
                Some(
                    cmd.ext_fields
                        .iter()
                        .map(|(k, v)| (k.clone(), Some(v.clone())))
                        .collect(),
                )
            },
            body_hex: rmq_common::util_all::bytes_to_hex(&cmd.whole_body()),
        }
    }

    /// Builds the command these fields describe, to be encoded in `serialize_type`.
    pub fn to_command(&self, serialize_type: SerializeType) -> RemotingCommand {
        RemotingCommand {
            code: self.code,
            language: self
                .language
                .as_deref()
                .map(LanguageCode::from_name)
                .unwrap_or(LanguageCode::OTHER),
            version: self.version,
            opaque: self.opaque,
            flag: self.flag,
            remark: self.remark.clone(),
            ext_fields: self
                .ext_fields
                .iter()
                .flatten()
                .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                .collect(),
            body: Bytes::from(
                rmq_common::util_all::hex_to_bytes(&self.body_hex).unwrap_or_default(),
            ),
            body_chunks: Vec::new(),
            serialize_type,
        }
    }

    /// Returns these fields with Java's decoding equivalences applied: null ext values
    /// dropped, an empty ext map as none, an empty remark as none.
    pub fn normalized(&self) -> Self {
        let mut n = self.clone();
        n.ext_fields = n
            .ext_fields
            .map(|m| {
                m.into_iter()
                    .filter(|(_, v)| v.is_some())
                    .collect::<BTreeMap<_, _>>()
            })
            .filter(|m| !m.is_empty());
        if n.remark.as_deref() == Some("") {
            n.remark = None;
        }
        n
    }
}
