//! Raft groups of real nodes on 127.0.0.1: each node has its own RemotingServer (port 0), a
//! temp store directory and a list state machine that records every applied command, so a
//! command applied twice or lost shows up as a wrong list.
//!
//! A "stopped" node is shut down and its server answers every Raft RPC with an error until a
//! new node is started from the same directory (the server keeps its port, which the peer
//! lists name).

#![allow(clippy::unwrap_used)]

use async_trait::async_trait;
use parking_lot::RwLock;
use rmq_controller::raft::{
    ProposeError, RaftConfig, RaftNode, StateMachine, RAFT_APPEND_ENTRIES, RAFT_REQUEST_CODES,
};
use rmq_remoting::netty::processor::{RequestDispatcher, RequestProcessor};
use rmq_remoting::{
    Channel, NettyClientConfig, NettyServerConfig, RemotingClient, RemotingCommand, RemotingError,
    RemotingServer, ResponseCode, ServerHandle,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Elections take 1-2 s plus a vote round; this leaves room for a loaded machine.
const DEADLINE: Duration = Duration::from_secs(15);

/// Appends every command; the list shows order and exactly-once application.
#[derive(Default)]
struct ListMachine {
    items: Vec<u64>,
}

impl StateMachine for ListMachine {
    type Command = u64;

    fn apply(&mut self, command: &u64) {
        self.items.push(*command);
    }

    fn snapshot(&self) -> Vec<u8> {
        serde_json::to_vec(&self.items).unwrap()
    }

    fn restore(&mut self, snapshot: &[u8]) -> Result<(), String> {
        self.items = serde_json::from_slice(snapshot).map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// The Raft processor of whichever node currently runs behind a server.
#[derive(Default)]
struct ProcessorSlot(RwLock<Option<Arc<dyn RequestProcessor>>>);

#[async_trait]
impl RequestProcessor for ProcessorSlot {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let processor = self.0.read().clone();
        match processor {
            Some(p) => p.process_request(channel, request).await,
            None => Ok(Some(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "node stopped",
            ))),
        }
    }
}

struct TestNode {
    id: String,
    dir: PathBuf,
    slot: Arc<ProcessorSlot>,
    server: ServerHandle,
    running: Option<(RaftNode<ListMachine>, Arc<RwLock<ListMachine>>)>,
}

struct Cluster {
    _tmp: tempfile::TempDir,
    peers: Vec<(String, String)>,
    nodes: Vec<TestNode>,
    snapshot_threshold: u64,
}

impl Cluster {
    /// Binds `n` servers, then starts a node behind each.
    async fn start(n: usize, snapshot_threshold: u64) -> Cluster {
        let tmp = tempfile::tempdir().unwrap();
        let mut nodes = Vec::new();
        let mut peers = Vec::new();
        for i in 0..n {
            let slot = Arc::new(ProcessorSlot::default());
            let mut dispatcher = RequestDispatcher::new();
            for code in RAFT_REQUEST_CODES {
                dispatcher.register_processor(*code, slot.clone());
            }
            let config = NettyServerConfig {
                bind_address: "127.0.0.1".into(),
                listen_port: 0,
                ..Default::default()
            };
            let server = RemotingServer::bind(&config, Arc::new(dispatcher))
                .await
                .unwrap();
            let id = format!("n{i}");
            peers.push((id.clone(), server.local_addr().to_string()));
            nodes.push(TestNode {
                dir: tmp.path().join(&id),
                id,
                slot,
                server,
                running: None,
            });
        }
        let mut cluster = Cluster {
            _tmp: tmp,
            peers,
            nodes,
            snapshot_threshold,
        };
        for i in 0..n {
            cluster.start_node(i).await;
        }
        cluster
    }

    /// Starts node `i` from its directory with an empty state.
    async fn start_node(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        assert!(node.running.is_none(), "{} is running", node.id);
        let mut config = RaftConfig::new("test-group", &node.id, self.peers.clone(), &node.dir);
        config.snapshot_threshold_entries = self.snapshot_threshold;
        let state = Arc::new(RwLock::new(ListMachine::default()));
        let raft = RaftNode::start(config, state.clone()).await.unwrap();
        *node.slot.0.write() = Some(raft.processor());
        node.running = Some((raft, state));
    }

    async fn stop_node(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        *node.slot.0.write() = None;
        let (raft, _) = node.running.take().unwrap();
        raft.shutdown().await;
    }

    fn raft(&self, i: usize) -> &RaftNode<ListMachine> {
        &self.nodes[i].running.as_ref().unwrap().0
    }

    fn items(&self, i: usize) -> Vec<u64> {
        self.nodes[i]
            .running
            .as_ref()
            .unwrap()
            .1
            .read()
            .items
            .clone()
    }

    fn running(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|i| self.nodes[*i].running.is_some())
            .collect()
    }

    /// Waits until exactly one running node is a serving leader, and returns it.
    async fn wait_leader(&self) -> usize {
        eventually("a single leader", || {
            let leaders: Vec<usize> = self
                .running()
                .into_iter()
                .filter(|i| self.raft(*i).is_leader())
                .collect();
            (leaders.len() == 1).then(|| leaders[0])
        })
        .await
    }

    /// Proposes on the leader, retrying only when the node turned out not to lead (then
    /// nothing was appended).
    async fn propose(&self, commands: Vec<u64>) {
        let started = Instant::now();
        loop {
            let leader = self.wait_leader().await;
            match self.raft(leader).propose(commands.clone()).await {
                Ok(()) => return,
                Err(ProposeError::NotLeader { .. }) if started.elapsed() < DEADLINE => {}
                Err(e) => panic!("propose {commands:?} failed: {e}"),
            }
        }
    }

    /// Waits until every running node's list is `expected`.
    async fn wait_items(&self, expected: &[u64]) {
        for i in self.running() {
            eventually(
                &format!("{} to apply {expected:?}", self.nodes[i].id),
                || (self.items(i) == expected).then_some(()),
            )
            .await;
        }
    }

    async fn shutdown(mut self) {
        for i in self.running() {
            self.stop_node(i).await;
        }
        for node in self.nodes.drain(..) {
            node.server.shutdown(Duration::from_millis(100)).await;
        }
    }
}

/// Polls `check` every 20 ms until it returns Some, for at most [`DEADLINE`].
async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raft_three_nodes_elect_a_leader_and_replicate() {
    let cluster = Cluster::start(3, 1000).await;
    let leader = cluster.wait_leader().await;
    let mut watch = cluster.raft(leader).leader_watch();
    let flipped = tokio::time::timeout(DEADLINE, watch.wait_for(|l| *l))
        .await
        .map(|r| r.map(|leading| *leading));
    assert!(
        matches!(flipped, Ok(Ok(true))),
        "the leader watch shows leadership"
    );
    cluster.propose(vec![1]).await;
    cluster.propose(vec![2, 3, 4]).await;
    cluster.propose(vec![5]).await;
    cluster.wait_items(&[1, 2, 3, 4, 5]).await;

    // A follower refuses and names the leader.
    let leader_id = cluster.raft(leader).self_id().to_string();
    let follower = (leader + 1) % 3;
    eventually("the follower to learn the leader", || {
        (cluster.raft(follower).leader().map(|l| l.0) == Some(leader_id.clone())).then_some(())
    })
    .await;
    assert!(!cluster.raft(follower).is_leader());
    let err = cluster.raft(follower).propose(vec![99]).await.unwrap_err();
    let expected_leader = Some((leader_id.clone(), cluster.peers[leader].1.clone()));
    assert_eq!(
        err,
        ProposeError::NotLeader {
            leader: expected_leader
        }
    );
    assert_eq!(cluster.raft(follower).group(), "test-group");
    assert_eq!(cluster.raft(follower).peers(), &cluster.peers[..]);
    cluster.wait_items(&[1, 2, 3, 4, 5]).await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raft_garbled_and_misaddressed_rpcs_get_error_answers() {
    let cluster = Cluster::start(1, 1000).await;
    cluster.wait_leader().await;
    let client = RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    );
    let addr = cluster.peers[0].1.clone();
    let send = |group: &str, target: &str, body: &'static [u8]| {
        let mut request = RemotingCommand::new_request(RAFT_APPEND_ENTRIES).with_body(body);
        request.add_ext_field("raftGroup", group);
        request.add_ext_field("raftTarget", target);
        let client = client.clone();
        let addr = addr.clone();
        async move { client.invoke(&addr, request, 3000).await.unwrap() }
    };
    let garbled = send("test-group", "n0", b"{not json").await;
    assert_eq!(garbled.code, ResponseCode::SYSTEM_ERROR.0);
    let remark = garbled.remark.unwrap_or_default();
    assert!(remark.contains("bad raft request body"), "{remark}");
    let other_group = send("other-group", "n0", b"{}").await;
    assert!(other_group
        .remark
        .unwrap_or_default()
        .contains("raft group mismatch"));
    let other_node = send("test-group", "n7", b"{}").await;
    assert!(other_node
        .remark
        .unwrap_or_default()
        .contains("raft node mismatch"));
    // The node still works.
    cluster.propose(vec![7]).await;
    cluster.wait_items(&[7]).await;
    client.shutdown().await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raft_a_new_leader_takes_over_and_the_old_one_catches_up() {
    let mut cluster = Cluster::start(3, 1000).await;
    cluster.propose(vec![1, 2]).await;
    cluster.wait_items(&[1, 2]).await;
    let old_leader = cluster.wait_leader().await;
    cluster.stop_node(old_leader).await;

    let new_leader = cluster.wait_leader().await;
    assert_ne!(new_leader, old_leader);
    cluster.propose(vec![3]).await;
    cluster.propose(vec![4]).await;
    cluster.wait_items(&[1, 2, 3, 4]).await;

    cluster.start_node(old_leader).await;
    cluster.wait_items(&[1, 2, 3, 4]).await;
    cluster.propose(vec![5]).await;
    cluster.wait_items(&[1, 2, 3, 4, 5]).await;
    assert_eq!(cluster.items(old_leader), vec![1, 2, 3, 4, 5]);
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raft_a_whole_cluster_restarts_from_its_stores() {
    let mut cluster = Cluster::start(3, 1000).await;
    for v in 1..=10 {
        cluster.propose(vec![v]).await;
    }
    let expected: Vec<u64> = (1..=10).collect();
    cluster.wait_items(&expected).await;
    for i in 0..3 {
        cluster.stop_node(i).await;
    }
    for i in 0..3 {
        cluster.start_node(i).await;
        assert_eq!(cluster.items(i), expected, "n{i} right after its restart");
    }
    cluster.wait_leader().await;
    cluster.wait_items(&expected).await;
    cluster.propose(vec![11]).await;
    let expected: Vec<u64> = (1..=11).collect();
    cluster.wait_items(&expected).await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raft_a_single_node_group_leads_alone_and_restarts() {
    let mut cluster = Cluster::start(1, 1000).await;
    cluster.wait_leader().await;
    assert_eq!(
        cluster.raft(0).leader(),
        Some(("n0".to_string(), cluster.peers[0].1.clone()))
    );
    cluster.propose(vec![1]).await;
    cluster.propose(vec![2, 3]).await;
    assert_eq!(
        cluster.items(0),
        vec![1, 2, 3],
        "applied when propose returns"
    );
    cluster.stop_node(0).await;
    cluster.start_node(0).await;
    cluster.wait_leader().await;
    cluster.wait_items(&[1, 2, 3]).await;
    cluster.propose(vec![4]).await;
    assert_eq!(cluster.items(0), vec![1, 2, 3, 4]);
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raft_snapshots_restore_restarted_and_lagging_nodes() {
    let mut cluster = Cluster::start(3, 10).await;
    cluster.propose(vec![1]).await;
    cluster.wait_items(&[1]).await;
    let leader = cluster.wait_leader().await;
    let lagging = (leader + 1) % 3;
    let lagging_last = cluster.raft(lagging).status().last_log_index.unwrap();
    cluster.stop_node(lagging).await;

    for v in 2..=45 {
        cluster.propose(vec![v]).await;
    }
    let expected: Vec<u64> = (1..=45).collect();
    cluster.wait_items(&expected).await;
    // The leader snapshotted and purged the entries the lagging node misses.
    let leader = cluster.wait_leader().await;
    eventually("the leader to purge its log", || {
        let status = cluster.raft(leader).status();
        status.purged_index.filter(|p| *p > lagging_last + 10)
    })
    .await;

    cluster.start_node(lagging).await;
    cluster.wait_items(&expected).await;
    let status = cluster.raft(lagging).status();
    assert!(
        status.snapshot_index.unwrap() > lagging_last + 10,
        "{status:?}"
    );

    // Restart everything: each node restores its snapshot and re-applies its log tail.
    cluster.propose(vec![46, 47]).await;
    let expected: Vec<u64> = (1..=47).collect();
    cluster.wait_items(&expected).await;
    for i in 0..3 {
        cluster.stop_node(i).await;
    }
    for i in 0..3 {
        cluster.start_node(i).await;
        // Restored before any election: snapshot, then the committed log tail, once.
        assert_eq!(cluster.items(i), expected, "n{i} right after its restart");
    }
    cluster.wait_leader().await;
    cluster.wait_items(&expected).await;
    cluster.propose(vec![48]).await;
    let expected: Vec<u64> = (1..=48).collect();
    cluster.wait_items(&expected).await;
    cluster.shutdown().await;
}
