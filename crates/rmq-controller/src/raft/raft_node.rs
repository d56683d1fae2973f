//! `RaftNode`: one controller's member of the Raft group — start (open the store, restore the
//! snapshot, join or form the group), propose, leadership, shutdown.
//!
//! Bootstrap: every node is given the same peer list, and a node whose store is empty calls
//! openraft's `initialize` with all of them as voters. openraft documents that several nodes
//! initializing with the same membership is safe (the vote decides); a node with anything in
//! its store (a vote, a log entry or a snapshot) never initializes again.

use super::config::{PeerTable, RaftConfig};
use super::error::{ProposeError, RaftError};
use super::network::RaftNetworkFactoryImpl;
use super::raft_log_file::{LogImage, OpenLogError, RaftLogFile};
use super::raft_log_store::RaftLogStore;
use super::raft_request_processor::RaftRequestProcessor;
use super::raft_store_writer::RaftStoreWriter;
use super::state_machine_store::{StateMachineStore, StoredSnapshot, SNAPSHOT_FILE_NAME};
use super::types::{CommandBatch, NodeId, PeerNode, TypeConfig};
use super::StateMachine;
use openraft::error::{ClientWriteError, InitializeError};
use openraft::{Raft, RaftMetrics, ServerState, SnapshotPolicy};
use parking_lot::RwLock;
use rmq_remoting::netty::processor::{RequestDispatcher, RequestProcessor};
use rmq_remoting::{NettyClientConfig, RemotingClient};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Largest snapshot chunk per InstallSnapshot RPC; the JSON of a chunk (bytes as numbers)
/// must stay well below the remoting frame limit of 16 MiB.
const SNAPSHOT_CHUNK_BYTES: u64 = 1 << 20;

/// A node's view of the Raft log; indexes are openraft's (the group's first entry, its
/// membership, is index 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaftStatus {
    pub term: u64,
    /// The leader's id, if known.
    pub leader: Option<String>,
    pub last_log_index: Option<u64>,
    pub last_applied_index: Option<u64>,
    /// The last index in the latest snapshot.
    pub snapshot_index: Option<u64>,
    /// The last index removed from the log (it is in the snapshot).
    pub purged_index: Option<u64>,
}

/// One controller's Raft node. Drop does not stop it: call [`RaftNode::shutdown`].
pub struct RaftNode<S: StateMachine> {
    raft: Raft<TypeConfig>,
    self_node_id: NodeId,
    group: String,
    self_id: String,
    peers: Vec<(String, String)>,
    table: Arc<PeerTable>,
    /// A leader that heard from no quorum for this long no longer counts as leader.
    lease: Duration,
    propose_timeout: Duration,
    writer: RaftStoreWriter,
    client: RemotingClient,
    leader_tx: Arc<watch::Sender<bool>>,
    leader_rx: watch::Receiver<bool>,
    stop: CancellationToken,
    _state: PhantomData<fn() -> S>,
}

/// What the store directory holds at start.
struct OpenedStore {
    log_file: RaftLogFile,
    image: LogImage,
    snapshot: Option<StoredSnapshot>,
}

impl OpenedStore {
    fn is_pristine(&self) -> bool {
        self.snapshot.is_none() && self.image.vote.is_none() && self.image.last_log_id().is_none()
    }
}

/// What [`RaftNode::start_raft`] starts from.
struct StartParts<S> {
    config: RaftConfig,
    state: Arc<RwLock<S>>,
    table: Arc<PeerTable>,
    self_node_id: NodeId,
    raft_config: Arc<openraft::Config>,
    image: LogImage,
    snapshot: Option<StoredSnapshot>,
    writer: RaftStoreWriter,
}

/// Creates `dir` if needed and reads the log and snapshot (blocking).
fn open_store(dir: &Path) -> Result<OpenedStore, RaftError> {
    let io_error = |path: PathBuf| move |error| RaftError::Store { path, error };
    std::fs::create_dir_all(dir).map_err(io_error(dir.to_path_buf()))?;
    let log_path = dir.join(super::raft_log_file::LOG_FILE_NAME);
    let (log_file, image) = RaftLogFile::open(dir).map_err(|e| match e {
        OpenLogError::Io(error) => RaftError::Store {
            path: log_path.clone(),
            error,
        },
        OpenLogError::Corrupt(reason) => RaftError::CorruptStore {
            path: log_path.clone(),
            reason,
        },
    })?;
    let snapshot_path = dir.join(SNAPSHOT_FILE_NAME);
    let snapshot = StoredSnapshot::load(dir).map_err(|(error, reason)| {
        if reason.is_empty() {
            RaftError::Store {
                path: snapshot_path.clone(),
                error,
            }
        } else {
            RaftError::CorruptStore {
                path: snapshot_path.clone(),
                reason,
            }
        }
    })?;
    Ok(OpenedStore {
        log_file,
        image,
        snapshot,
    })
}

/// openraft's settings from ours.
fn openraft_config(config: &RaftConfig) -> Result<openraft::Config, RaftError> {
    let raft_config = openraft::Config {
        cluster_name: config.group.clone(),
        heartbeat_interval: config.heartbeat_interval_millis,
        election_timeout_min: config.election_timeout_min_millis,
        election_timeout_max: config.election_timeout_max_millis,
        install_snapshot_timeout: config.install_snapshot_timeout_millis,
        snapshot_policy: SnapshotPolicy::LogsSinceLast(config.snapshot_threshold_entries),
        snapshot_max_chunk_size: SNAPSHOT_CHUNK_BYTES,
        max_in_snapshot_log_to_keep: 0,
        purge_batch_size: 1,
        ..Default::default()
    };
    raft_config
        .validate()
        .map_err(|e| RaftError::InvalidConfig(e.to_string()))
}

/// Whether `m` shows this node as a leader whose state machine holds every committed entry:
/// an entry of its own term is applied, and a quorum acknowledged it within the lease.
fn is_serving_leader(m: &RaftMetrics<NodeId, PeerNode>, self_id: NodeId, lease: Duration) -> bool {
    let lease_millis = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX);
    m.running_state.is_ok()
        && m.state == ServerState::Leader
        && m.current_leader == Some(self_id)
        && m.last_applied
            .is_some_and(|l| l.leader_id.term == m.current_term)
        && m.millis_since_quorum_ack
            .is_none_or(|ms| ms <= lease_millis)
}

impl<S: StateMachine> RaftNode<S> {
    /// Opens the store under `config.store_dir` (restoring `state` from its snapshot; `state`
    /// should be empty), starts the Raft node, and on a fresh store forms the group with all
    /// peers. The node answers RPCs once [`RaftNode::processor`] is registered on a server
    /// bound to this node's peer address.
    pub async fn start(config: RaftConfig, state: Arc<RwLock<S>>) -> Result<Self, RaftError> {
        let table = Arc::new(config.validate()?);
        let self_node_id = table
            .by_name(&config.self_id)
            .map(|p| p.node_id)
            .ok_or_else(|| RaftError::InvalidConfig("self id not among the peers".into()))?;
        let raft_config = Arc::new(openraft_config(&config)?);
        let dir = config.store_dir.clone();
        let opened = tokio::task::spawn_blocking(move || open_store(&dir))
            .await
            .map_err(|e| RaftError::Raft(format!("opening the store panicked: {e}")))??;
        let pristine = opened.is_pristine();
        let snapshot_last = opened.snapshot.as_ref().and_then(|s| s.meta.last_log_id);
        let snapshot_path = config.store_dir.join(SNAPSHOT_FILE_NAME);
        let writer = RaftStoreWriter::spawn(
            &config.self_id,
            opened.log_file,
            snapshot_path,
            snapshot_last,
        )
        .map_err(|error| RaftError::Store {
            path: config.store_dir.clone(),
            error,
        })?;
        let parts = StartParts {
            config,
            state,
            table,
            self_node_id,
            raft_config,
            image: opened.image,
            snapshot: opened.snapshot,
            writer: writer.clone(),
        };
        let node = Self::start_raft(parts).await;
        let node = match node {
            Ok(node) => node,
            Err(e) => {
                writer.stop().await;
                return Err(e);
            }
        };
        if pristine {
            if let Err(e) = node.initialize().await {
                node.shutdown().await;
                return Err(e);
            }
        }
        Ok(node)
    }

    async fn start_raft(parts: StartParts<S>) -> Result<Self, RaftError> {
        let StartParts {
            config,
            state,
            table,
            self_node_id,
            raft_config,
            image,
            snapshot,
            writer,
        } = parts;
        let sm = StateMachineStore::open(state, snapshot, writer.clone()).map_err(|reason| {
            RaftError::CorruptStore {
                path: config.store_dir.join(SNAPSHOT_FILE_NAME),
                reason: format!("the state machine refused the snapshot: {reason}"),
            }
        })?;
        let log_store = RaftLogStore::new(image, writer.clone());
        let client = RemotingClient::new(
            NettyClientConfig::default(),
            Arc::new(RequestDispatcher::new()),
        );
        let network =
            RaftNetworkFactoryImpl::new(client.clone(), table.clone(), config.group.clone());
        let raft = Raft::new(self_node_id, raft_config, network, log_store, sm)
            .await
            .map_err(|e| RaftError::Raft(format!("cannot start: {e}")))?;
        let lease = Duration::from_millis(config.election_timeout_min_millis);
        let stop = CancellationToken::new();
        let (leader_tx, leader_rx) = watch::channel(false);
        let leader_tx = Arc::new(leader_tx);
        let watch = LeaderWatch {
            tx: leader_tx.clone(),
            self_node_id,
            self_id: config.self_id.clone(),
            lease,
        };
        tokio::spawn(watch.run(raft.metrics(), stop.clone()));
        tracing::info!(group = %config.group, self_id = %config.self_id, node_id = self_node_id,
            store = %config.store_dir.display(), "raft node started");
        Ok(RaftNode {
            raft,
            self_node_id,
            group: config.group,
            self_id: config.self_id,
            peers: config.peers,
            table,
            lease,
            propose_timeout: Duration::from_millis(config.propose_timeout_millis),
            writer,
            client,
            leader_tx,
            leader_rx,
            stop,
            _state: PhantomData,
        })
    }

    /// Forms the group with every peer as voter (fresh stores only).
    async fn initialize(&self) -> Result<(), RaftError> {
        match self.raft.initialize(self.table.membership()).await {
            Ok(()) => {
                tracing::info!(group = %self.group, self_id = %self.self_id, "raft group initialized");
                Ok(())
            }
            // Another node's vote or entries arrived first: the group is already forming.
            Err(openraft::error::RaftError::APIError(InitializeError::NotAllowed(e))) => {
                tracing::info!(reason = %e, "raft group already initialized");
                Ok(())
            }
            Err(e) => Err(RaftError::Raft(format!("cannot initialize the group: {e}"))),
        }
    }

    /// The processor answering [`super::RAFT_REQUEST_CODES`]; register it on the remoting
    /// server listening on this node's peer address.
    pub fn processor(&self) -> Arc<dyn RequestProcessor> {
        Arc::new(RaftRequestProcessor::new(
            self.raft.clone(),
            self.group.clone(),
            self.self_id.clone(),
        ))
    }

    /// Replicates `commands` as one log entry and returns once it is committed and applied to
    /// the local state machine, in order.
    pub async fn propose(&self, commands: Vec<S::Command>) -> Result<(), ProposeError> {
        let commands = commands
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ProposeError::Encode(e.to_string()))?;
        let batch = CommandBatch { commands };
        let written =
            tokio::time::timeout(self.propose_timeout, self.raft.client_write(batch)).await;
        match written {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(openraft::error::RaftError::APIError(ClientWriteError::ForwardToLeader(f)))) => {
                let leader = f.leader_id.and_then(|id| self.peer_of(id));
                Err(ProposeError::NotLeader { leader })
            }
            Ok(Err(e)) => Err(ProposeError::Fatal(e.to_string())),
            Err(_) => Err(ProposeError::Timeout {
                timeout_millis: u64::try_from(self.propose_timeout.as_millis()).unwrap_or(u64::MAX),
            }),
        }
    }

    /// True when this node is leader and has applied an entry of its term (so its state
    /// machine holds every committed command), and a quorum acknowledged it lately.
    pub fn is_leader(&self) -> bool {
        !self.stop.is_cancelled()
            && is_serving_leader(&self.raft.metrics().borrow(), self.self_node_id, self.lease)
    }

    /// A watch of [`RaftNode::is_leader`]; false after shutdown. As with any tokio watch, a
    /// borrow of it must not be kept: it blocks the updates (and so the shutdown).
    pub fn leader_watch(&self) -> watch::Receiver<bool> {
        self.leader_rx.clone()
    }

    /// The leader (id, address) as known locally.
    pub fn leader(&self) -> Option<(String, String)> {
        let leader = self.raft.metrics().borrow().current_leader;
        leader.and_then(|id| self.peer_of(id))
    }

    fn peer_of(&self, node_id: NodeId) -> Option<(String, String)> {
        self.table
            .by_node_id(node_id)
            .map(|p| (p.name.clone(), p.addr.clone()))
    }

    /// A summary of this node's Raft state as known locally (for monitoring and tests).
    pub fn status(&self) -> RaftStatus {
        let m = self.raft.metrics().borrow().clone();
        RaftStatus {
            term: m.current_term,
            leader: m
                .current_leader
                .and_then(|id| self.peer_of(id))
                .map(|(id, _)| id),
            last_log_index: m.last_log_index,
            last_applied_index: m.last_applied.map(|l| l.index),
            snapshot_index: m.snapshot.map(|l| l.index),
            purged_index: m.purged.map(|l| l.index),
        }
    }

    /// This node's id, e.g. `n0`.
    pub fn self_id(&self) -> &str {
        &self.self_id
    }

    /// The group's name.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// Every member as (id, address), as configured.
    pub fn peers(&self) -> &[(String, String)] {
        &self.peers
    }

    /// Stops the node: leadership watch, Raft tasks, then the store writer (after its queued
    /// writes). The store directory can then be opened again. Calling it twice is harmless.
    pub async fn shutdown(&self) {
        self.stop.cancel();
        self.leader_tx.send_replace(false);
        if let Err(e) = self.raft.shutdown().await {
            tracing::warn!(error = %e, "raft core did not stop cleanly");
        }
        self.writer.stop().await;
        self.client.shutdown().await;
        tracing::info!(group = %self.group, self_id = %self.self_id, "raft node shut down");
    }
}

/// Follows openraft's metrics (reported at least every 1.5 heartbeat intervals) and
/// publishes [`is_serving_leader`].
struct LeaderWatch {
    tx: Arc<watch::Sender<bool>>,
    self_node_id: NodeId,
    self_id: String,
    lease: Duration,
}

impl LeaderWatch {
    async fn run(
        self,
        mut metrics: watch::Receiver<RaftMetrics<NodeId, PeerNode>>,
        stop: CancellationToken,
    ) {
        loop {
            let leading =
                is_serving_leader(&metrics.borrow_and_update(), self.self_node_id, self.lease);
            let changed = self.tx.send_if_modified(|current| {
                let changed = *current != leading;
                *current = leading;
                changed
            });
            if changed {
                tracing::info!(self_id = %self.self_id, leader = leading, "raft leadership changed");
            }
            tokio::select! {
                r = metrics.changed() => if r.is_err() { break },
                _ = stop.cancelled() => break,
            }
        }
        self.tx.send_replace(false);
    }
}
