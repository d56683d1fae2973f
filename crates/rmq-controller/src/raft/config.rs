//! `RaftConfig`: the Raft group's members, store directory and timing, and the mapping of
//! the controllers' textual ids (`n0`, `n1`, ...) to openraft's numeric node ids (Java's
//! `DLedgerConfig` fields `group`, `selfId`, `peers`, `storeBaseDir`).

use super::error::RaftError;
use super::types::{NodeId, PeerNode};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The settings of one Raft node. Every node of a group must be given the same `peers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaftConfig {
    /// The group's name (Java `controllerDLegerGroup`); RPCs for another group are refused.
    pub group: String,
    /// This node's id (Java `controllerDLegerSelfId`), e.g. `n0`.
    pub self_id: String,
    /// Every member as (id, `host:port`), from Java's `controllerDLegerPeers` (see
    /// [`parse_peers`]).
    pub peers: Vec<(String, String)>,
    /// Directory of the Raft log and snapshot (created if missing).
    pub store_dir: PathBuf,
    /// How often the leader sends heartbeats, in milliseconds.
    pub heartbeat_interval_millis: u64,
    /// A follower that hears no leader for a random time between the minimum and maximum
    /// election timeouts starts an election.
    pub election_timeout_min_millis: u64,
    /// See [`RaftConfig::election_timeout_min_millis`].
    pub election_timeout_max_millis: u64,
    /// A snapshot is taken once this many entries were applied since the last one; the log
    /// up to the snapshot is then purged.
    pub snapshot_threshold_entries: u64,
    /// Timeout of one InstallSnapshot chunk RPC, in milliseconds.
    pub install_snapshot_timeout_millis: u64,
    /// How long [`RaftNode::propose`](super::RaftNode::propose) waits for its entry to be
    /// committed and applied, in milliseconds.
    pub propose_timeout_millis: u64,
}

impl RaftConfig {
    /// Default heartbeat interval: a third of the minimum election timeout.
    pub const DEFAULT_HEARTBEAT_INTERVAL_MILLIS: u64 = 300;
    /// Default minimum election timeout: a new leader is elected 1-2 s after one dies.
    pub const DEFAULT_ELECTION_TIMEOUT_MIN_MILLIS: u64 = 1000;
    /// Default maximum election timeout.
    pub const DEFAULT_ELECTION_TIMEOUT_MAX_MILLIS: u64 = 2000;
    /// Default number of applied entries between snapshots.
    pub const DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES: u64 = 1000;

    /// Returns a config with default timing.
    pub fn new(
        group: impl Into<String>,
        self_id: impl Into<String>,
        peers: Vec<(String, String)>,
        store_dir: impl Into<PathBuf>,
    ) -> Self {
        RaftConfig {
            group: group.into(),
            self_id: self_id.into(),
            peers,
            store_dir: store_dir.into(),
            heartbeat_interval_millis: Self::DEFAULT_HEARTBEAT_INTERVAL_MILLIS,
            election_timeout_min_millis: Self::DEFAULT_ELECTION_TIMEOUT_MIN_MILLIS,
            election_timeout_max_millis: Self::DEFAULT_ELECTION_TIMEOUT_MAX_MILLIS,
            snapshot_threshold_entries: Self::DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES,
            install_snapshot_timeout_millis: 3000,
            propose_timeout_millis: 10_000,
        }
    }

    /// Checks the config and returns the members with their numeric ids.
    pub(crate) fn validate(&self) -> Result<PeerTable, RaftError> {
        let invalid = |reason: String| Err(RaftError::InvalidConfig(reason));
        if self.group.trim().is_empty() {
            return invalid("the group name is empty".into());
        }
        if self.heartbeat_interval_millis == 0 {
            return invalid("the heartbeat interval must be positive".into());
        }
        if self.election_timeout_min_millis <= self.heartbeat_interval_millis {
            return invalid(format!(
                "the minimum election timeout ({} ms) must exceed the heartbeat interval ({} ms)",
                self.election_timeout_min_millis, self.heartbeat_interval_millis
            ));
        }
        if self.election_timeout_max_millis <= self.election_timeout_min_millis {
            return invalid(format!(
                "the maximum election timeout ({} ms) must exceed the minimum ({} ms)",
                self.election_timeout_max_millis, self.election_timeout_min_millis
            ));
        }
        if self.snapshot_threshold_entries == 0 {
            return invalid("the snapshot threshold must be at least 1 entry".into());
        }
        let table = PeerTable::new(&self.peers)?;
        if table.by_name(&self.self_id).is_none() {
            return invalid(format!(
                "self id {:?} is not among the peers {:?}",
                self.self_id,
                table.names()
            ));
        }
        Ok(table)
    }
}

/// Parses Java's `controllerDLegerPeers`: `id-host:port` items separated by `;`, e.g.
/// `n0-127.0.0.1:9878;n1-127.0.0.1:9868`. The id ends at the first `-` (Java:
/// `DLedgerConfig#getPeers`); blanks around items and empty items are ignored.
pub fn parse_peers(s: &str) -> Result<Vec<(String, String)>, RaftError> {
    let invalid = |reason: String| RaftError::InvalidPeers {
        input: s.to_string(),
        reason,
    };
    let mut peers: Vec<(String, String)> = Vec::new();
    for item in s.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((id, addr)) = item.split_once('-') else {
            return Err(invalid(format!("{item:?} is not id-host:port")));
        };
        let (id, addr) = (id.trim(), addr.trim());
        if id.is_empty() {
            return Err(invalid(format!("{item:?} has an empty id")));
        }
        check_address(addr).map_err(|reason| invalid(format!("{item:?}: {reason}")))?;
        if peers.iter().any(|(i, _)| i == id) {
            return Err(invalid(format!("id {id:?} appears twice")));
        }
        if peers.iter().any(|(_, a)| a == addr) {
            return Err(invalid(format!("address {addr:?} appears twice")));
        }
        peers.push((id.to_string(), addr.to_string()));
    }
    if peers.is_empty() {
        return Err(invalid("no peer".into()));
    }
    Ok(peers)
}

fn check_address(addr: &str) -> Result<(), String> {
    let Some((host, port)) = addr.rsplit_once(':') else {
        return Err(format!("address {addr:?} has no port"));
    };
    if host.is_empty() {
        return Err(format!("address {addr:?} has no host"));
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok(()),
        _ => Err(format!("address {addr:?} has a bad port")),
    }
}

/// Returns openraft's numeric id of the textual node id `id`: the number of `n<digits>`
/// (so `n0`, `n1`, `n2` are 0, 1, 2), else the CRC32 of the id's bytes. Every node computes
/// the same numbers from the same peer list.
pub fn node_id_of(id: &str) -> NodeId {
    if let Some(digits) = id.strip_prefix('n') {
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = digits.parse::<u64>() {
                return n;
            }
        }
    }
    u64::from(crc32fast::hash(id.as_bytes()))
}

/// One member of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Peer {
    pub name: String,
    pub addr: String,
    pub node_id: NodeId,
}

/// The group's members, looked up by textual or numeric id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PeerTable {
    peers: Vec<Peer>,
}

impl PeerTable {
    /// Builds the table; two ids mapping to the same number are refused.
    pub fn new(peers: &[(String, String)]) -> Result<Self, RaftError> {
        if peers.is_empty() {
            return Err(RaftError::InvalidConfig("the peer list is empty".into()));
        }
        let mut table: Vec<Peer> = Vec::with_capacity(peers.len());
        for (name, addr) in peers {
            let node_id = node_id_of(name);
            if let Some(other) = table
                .iter()
                .find(|p| p.node_id == node_id || p.name == *name)
            {
                return Err(RaftError::InvalidConfig(format!(
                    "peer ids {:?} and {name:?} map to the same raft node id {node_id}",
                    other.name
                )));
            }
            table.push(Peer {
                name: name.clone(),
                addr: addr.clone(),
                node_id,
            });
        }
        Ok(PeerTable { peers: table })
    }

    pub fn by_name(&self, name: &str) -> Option<&Peer> {
        self.peers.iter().find(|p| p.name == name)
    }

    pub fn by_node_id(&self, node_id: NodeId) -> Option<&Peer> {
        self.peers.iter().find(|p| p.node_id == node_id)
    }

    pub fn names(&self) -> Vec<&str> {
        self.peers.iter().map(|p| p.name.as_str()).collect()
    }

    /// The initial membership: every peer is a voter.
    pub fn membership(&self) -> BTreeMap<NodeId, PeerNode> {
        self.peers
            .iter()
            .map(|p| {
                let node = PeerNode {
                    id: p.name.clone(),
                    addr: p.addr.clone(),
                };
                (p.node_id, node)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn parses_java_peer_lists() {
        let peers = parse_peers("n0-127.0.0.1:9878;n1-127.0.0.1:9868;n2-127.0.0.1:9858").unwrap();
        assert_eq!(
            peers,
            pairs(&[
                ("n0", "127.0.0.1:9878"),
                ("n1", "127.0.0.1:9868"),
                ("n2", "127.0.0.1:9858")
            ])
        );
        // Blanks, a trailing separator and hosts with dashes.
        let peers = parse_peers(" n0-ctrl-a.local:9878 ; n1-ctrl-b.local:9878; ").unwrap();
        assert_eq!(
            peers,
            pairs(&[("n0", "ctrl-a.local:9878"), ("n1", "ctrl-b.local:9878")])
        );
    }

    #[test]
    fn rejects_bad_peer_lists() {
        for bad in [
            "",
            " ; ",
            "n0",
            "-127.0.0.1:9878",
            "n0-127.0.0.1",
            "n0-:9878",
            "n0-127.0.0.1:0",
            "n0-127.0.0.1:70000",
            "n0-127.0.0.1:port",
            "n0-127.0.0.1:9878;n0-127.0.0.1:9868",
            "n0-127.0.0.1:9878;n1-127.0.0.1:9878",
        ] {
            let err = parse_peers(bad).expect_err(bad);
            assert!(
                matches!(err, RaftError::InvalidPeers { .. }),
                "{bad:?}: {err}"
            );
        }
        let err = parse_peers("n0-127.0.0.1:9878;n1").unwrap_err();
        assert!(
            err.to_string().contains("\"n1\" is not id-host:port"),
            "{err}"
        );
    }

    #[test]
    fn maps_ids_deterministically() {
        assert_eq!(node_id_of("n0"), 0);
        assert_eq!(node_id_of("n17"), 17);
        assert_eq!(
            node_id_of("controller-a"),
            u64::from(crc32fast::hash(b"controller-a"))
        );
        assert_eq!(node_id_of("n"), u64::from(crc32fast::hash(b"n")));
        assert_eq!(node_id_of("n1x"), u64::from(crc32fast::hash(b"n1x")));
        assert_eq!(
            node_id_of("n99999999999999999999"),
            u64::from(crc32fast::hash(b"n99999999999999999999"))
        );
        assert_eq!(node_id_of("controller-a"), node_id_of("controller-a"));
    }

    #[test]
    fn refuses_colliding_ids_and_missing_self() {
        let err = PeerTable::new(&pairs(&[("n1", "h:1"), ("n01", "h:2")])).unwrap_err();
        assert!(err.to_string().contains("same raft node id 1"), "{err}");

        let config = RaftConfig::new("g", "n3", pairs(&[("n0", "h:1"), ("n1", "h:2")]), "/tmp");
        let err = config.validate().unwrap_err();
        assert!(err.to_string().contains("self id \"n3\""), "{err}");

        let config = RaftConfig::new("g", "n1", pairs(&[("n0", "h:1"), ("n1", "h:2")]), "/tmp");
        let table = config.validate().unwrap();
        assert_eq!(table.by_name("n1").map(|p| p.node_id), Some(1));
        assert_eq!(table.by_node_id(0).map(|p| p.addr.as_str()), Some("h:1"));
        assert_eq!(table.membership().len(), 2);
    }

    #[test]
    fn refuses_bad_timing() {
        let peers = pairs(&[("n0", "h:1")]);
        let mut config = RaftConfig::new("g", "n0", peers, "/tmp");
        config.election_timeout_min_millis = config.heartbeat_interval_millis;
        assert!(config.validate().is_err());
        config.election_timeout_min_millis = 1000;
        config.election_timeout_max_millis = 1000;
        assert!(config.validate().is_err());
        config.election_timeout_max_millis = 2000;
        config.snapshot_threshold_entries = 0;
        assert!(config.validate().is_err());
        config.snapshot_threshold_entries = 1;
        assert!(config.validate().is_ok());
    }
}
