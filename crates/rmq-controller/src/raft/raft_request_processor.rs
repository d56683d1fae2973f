//! `RaftRequestProcessor`: answers the Raft RPCs other controllers send (see
//! [`super::network`] for the format). A request for another group or node, or whose body
//! does not decode, gets a SYSTEM_ERROR answer with the reason as remark.

use super::network::{GROUP_FIELD, TARGET_FIELD};
use super::types::{NodeId, TypeConfig};
use super::{RAFT_APPEND_ENTRIES, RAFT_INSTALL_SNAPSHOT, RAFT_VOTE};
use async_trait::async_trait;
use openraft::error::RaftError;
use openraft::Raft;
use rmq_remoting::netty::processor::RequestProcessor;
use rmq_remoting::{Channel, RemotingCommand, RemotingError, ResponseCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// Hands the Raft RPCs of the remoting server to the local Raft node.
pub(crate) struct RaftRequestProcessor {
    raft: Raft<TypeConfig>,
    group: String,
    self_id: String,
}

impl RaftRequestProcessor {
    pub fn new(raft: Raft<TypeConfig>, group: String, self_id: String) -> Self {
        RaftRequestProcessor {
            raft,
            group,
            self_id,
        }
    }

    /// Returns why `request` is not for this node, if it is not.
    fn misaddressed(&self, request: &RemotingCommand) -> Option<String> {
        let group = request.ext_field(GROUP_FIELD);
        if group != Some(self.group.as_str()) {
            return Some(format!(
                "raft group mismatch: request for {group:?}, this controller is in {:?}",
                self.group
            ));
        }
        let target = request.ext_field(TARGET_FIELD);
        if target != Some(self.self_id.as_str()) {
            return Some(format!(
                "raft node mismatch: request for {target:?}, this controller is {:?}",
                self.self_id
            ));
        }
        None
    }
}

/// Decodes the body, runs `call`, and encodes its result as the SUCCESS answer's body.
async fn answer<Req, Resp, E, F, Fut>(body: &[u8], call: F) -> RemotingCommand
where
    Req: DeserializeOwned,
    Resp: Serialize,
    E: Serialize,
    F: FnOnce(Req) -> Fut,
    Fut: Future<Output = Result<Resp, RaftError<NodeId, E>>>,
{
    let request: Req = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                format!("bad raft request body: {e}"),
            )
        }
    };
    let result = call(request).await;
    match serde_json::to_vec(&result) {
        Ok(body) => RemotingCommand::success().with_body(body),
        Err(e) => RemotingCommand::error(
            ResponseCode::SYSTEM_ERROR,
            format!("cannot encode the raft response: {e}"),
        ),
    }
}

#[async_trait]
impl RequestProcessor for RaftRequestProcessor {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        if let Some(reason) = self.misaddressed(&request) {
            tracing::warn!(code = request.code, reason, "refusing a raft request");
            return Ok(Some(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                reason,
            )));
        }
        let body = &request.body;
        let raft = &self.raft;
        let response = match request.request_code() {
            RAFT_VOTE => answer(body, |r| raft.vote(r)).await,
            RAFT_APPEND_ENTRIES => answer(body, |r| raft.append_entries(r)).await,
            RAFT_INSTALL_SNAPSHOT => answer(body, |r| raft.install_snapshot(r)).await,
            other => RemotingCommand::error(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {} not supported", other.0),
            ),
        };
        Ok(Some(response))
    }
}
