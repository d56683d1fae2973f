//! `KVConfigSerializeWrapper`: the JSON shape of the KV file (Java
//! `namesrv/.../kvconfig/KVConfigSerializeWrapper.java`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `{"configTable":{namespace:{key:value}}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KVConfigSerializeWrapper {
    pub config_table: BTreeMap<String, BTreeMap<String, String>>,
}
