//! `ConsumeMessageDirectlyResult` and `CMResult`: the answer to CONSUME_MESSAGE_DIRECTLY
//! (Java `remoting/protocol/body/ConsumeMessageDirectlyResult`, `CMResult`).

use crate::java_enum;
use serde::{Deserialize, Serialize};

java_enum! {
    /// What the listener returned (`CMResult`).
    pub enum CMResult {
        CrSuccess = "CR_SUCCESS",
        CrLater = "CR_LATER",
        CrRollback = "CR_ROLLBACK",
        CrCommit = "CR_COMMIT",
        CrThrowException = "CR_THROW_EXCEPTION",
        CrReturnNull = "CR_RETURN_NULL",
    }
}

/// Outcome of consuming one message on request of an admin tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeMessageDirectlyResult {
    pub order: bool,
    pub auto_commit: bool,
    pub consume_result: Option<CMResult>,
    pub remark: Option<String>,
    pub spent_time_mills: i64,
}

impl Default for ConsumeMessageDirectlyResult {
    fn default() -> Self {
        ConsumeMessageDirectlyResult {
            order: false,
            auto_commit: true,
            consume_result: None,
            remark: None,
            spent_time_mills: 0,
        }
    }
}
