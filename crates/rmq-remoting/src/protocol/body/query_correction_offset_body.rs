//! Smallest committed offset per queue over a topic's groups (Java
//! `body/QueryCorrectionOffsetBody`), the body of QUERY_CORRECTION_OFFSET.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Java `QueryCorrectionOffsetBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct QueryCorrectionOffsetBody {
    pub correction_offsets: BTreeMap<i32, i64>,
}
