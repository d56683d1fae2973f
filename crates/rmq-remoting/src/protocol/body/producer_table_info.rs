//! Every producer group's clients (Java `body/ProducerTableInfo`, `body/ProducerInfo`), the
//! body of GET_ALL_PRODUCER_INFO.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Java `ProducerInfo`; `language` is the `LanguageCode` name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerInfo {
    pub client_id: String,
    #[serde(rename = "remoteIP")]
    pub remote_ip: String,
    pub language: String,
    pub version: i32,
    pub last_update_timestamp: i64,
}

/// Java `ProducerTableInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerTableInfo {
    pub data: BTreeMap<String, Vec<ProducerInfo>>,
}
