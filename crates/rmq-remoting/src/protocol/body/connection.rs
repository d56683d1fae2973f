//! One client connection as admin tools see it (Java `body/Connection`).

use serde::{Deserialize, Serialize};

/// Java `Connection`; `language` is the `LanguageCode` name (`JAVA`, `RUST`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Connection {
    pub client_id: String,
    pub client_addr: String,
    pub language: String,
    pub version: i32,
}
