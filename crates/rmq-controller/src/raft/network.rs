//! `RaftNetworkFactoryImpl`: openraft's RPCs to the other controllers over rmq's remoting
//! protocol. A request is a [`RemotingCommand`] with a Raft request code, the ext fields
//! `raftGroup` and `raftTarget` (so a controller of another group, or at the wrong address,
//! refuses it) and the JSON of openraft's request as body; the SUCCESS answer's body is the
//! JSON of `Result<response, openraft::error::RaftError>`.
//!
//! A peer that cannot be connected to is `Unreachable` (openraft backs off and retries); any
//! other failure, including an error answer, is a network error (retried too).

use super::config::PeerTable;
use super::types::{NodeId, PeerNode, TypeConfig};
use super::{RAFT_APPEND_ENTRIES, RAFT_INSTALL_SNAPSHOT, RAFT_VOTE};
use openraft::error::{
    InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable,
};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use rmq_remoting::{RemotingClient, RemotingCommand, RemotingError, RequestCode, ResponseCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;

/// Ext field naming the Raft group of a request.
pub(crate) const GROUP_FIELD: &str = "raftGroup";
/// Ext field naming the controller id a request is meant for.
pub(crate) const TARGET_FIELD: &str = "raftTarget";

/// Builds one [`PeerConnection`] per target.
pub(crate) struct RaftNetworkFactoryImpl {
    client: RemotingClient,
    peers: Arc<PeerTable>,
    group: String,
}

impl RaftNetworkFactoryImpl {
    pub fn new(client: RemotingClient, peers: Arc<PeerTable>, group: String) -> Self {
        RaftNetworkFactoryImpl {
            client,
            peers,
            group,
        }
    }
}

impl RaftNetworkFactory<TypeConfig> for RaftNetworkFactoryImpl {
    type Network = PeerConnection;

    async fn new_client(&mut self, target: NodeId, node: &PeerNode) -> PeerConnection {
        // The configured address wins over the one in the membership log, so a moved
        // controller is found at its new address.
        let (name, addr) = match self.peers.by_node_id(target) {
            Some(p) => (p.name.clone(), p.addr.clone()),
            None => (node.id.clone(), node.addr.clone()),
        };
        PeerConnection {
            client: self.client.clone(),
            group: self.group.clone(),
            target,
            target_node: PeerNode { id: name, addr },
        }
    }
}

/// Sends the RPCs for one target.
pub(crate) struct PeerConnection {
    client: RemotingClient,
    group: String,
    target: NodeId,
    target_node: PeerNode,
}

type RpcResult<T, E> = Result<T, RPCError<NodeId, PeerNode, RaftError<NodeId, E>>>;

impl PeerConnection {
    async fn call<Req, Resp, E>(
        &self,
        code: RequestCode,
        request: &Req,
        option: &RPCOption,
    ) -> RpcResult<Resp, E>
    where
        Req: Serialize,
        Resp: DeserializeOwned,
        E: std::error::Error + DeserializeOwned,
    {
        let body = serde_json::to_vec(request).map_err(|e| network_error(&e))?;
        let mut command = RemotingCommand::new_request(code).with_body(body);
        command.add_ext_field(GROUP_FIELD, self.group.clone());
        command.add_ext_field(TARGET_FIELD, self.target_node.id.clone());
        let timeout_millis = u64::try_from(option.hard_ttl().as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let addr = &self.target_node.addr;
        let response = match self.client.invoke(addr, command, timeout_millis).await {
            Ok(r) => r,
            Err(e @ RemotingError::ConnectFailed { .. }) => {
                return Err(RPCError::Unreachable(Unreachable::new(&e)))
            }
            Err(e) => return Err(network_error(&e)),
        };
        if response.code != ResponseCode::SUCCESS.0 {
            let remark = response.remark.unwrap_or_default();
            let reason = format!("{addr} answered code {}: {remark}", response.code);
            return Err(network_error(&std::io::Error::other(reason)));
        }
        let result: Result<Resp, RaftError<NodeId, E>> =
            serde_json::from_slice(&response.body).map_err(|e| network_error(&e))?;
        result.map_err(|e| {
            let remote = RemoteError::new_with_node(self.target, self.target_node.clone(), e);
            RPCError::RemoteError(remote)
        })
    }
}

fn network_error<E: std::error::Error + 'static, R: std::error::Error>(
    e: &E,
) -> RPCError<NodeId, PeerNode, R> {
    RPCError::Network(NetworkError::new(e))
}

impl RaftNetwork<TypeConfig> for PeerConnection {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> RpcResult<AppendEntriesResponse<NodeId>, openraft::error::Infallible> {
        self.call(RAFT_APPEND_ENTRIES, &rpc, &option).await
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> RpcResult<InstallSnapshotResponse<NodeId>, InstallSnapshotError> {
        self.call(RAFT_INSTALL_SNAPSHOT, &rpc, &option).await
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<NodeId>,
        option: RPCOption,
    ) -> RpcResult<VoteResponse<NodeId>, openraft::error::Infallible> {
        self.call(RAFT_VOTE, &rpc, &option).await
    }
}
