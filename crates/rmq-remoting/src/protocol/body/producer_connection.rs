//! A producer group's connections (Java `body/ProducerConnection`), the body of
//! GET_PRODUCER_CONNECTION_LIST.

use super::connection::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Java `ProducerConnection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerConnection {
    pub connection_set: BTreeSet<Connection>,
}
