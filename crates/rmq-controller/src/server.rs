//! Starting and stopping a controller: the Raft node, the request processor and the
//! periodic jobs on one listener (the controller's address in `controllerDLegerPeers`, which
//! brokers use as `controllerAddr`, as with Java's DLedger controller).

use crate::config::ControllerConfig;
use crate::heartbeat::BrokerHeartbeatManager;
use crate::manager::ControllerManager;
use crate::processor::{ControllerRequestProcessor, CONTROLLER_REQUEST_CODES};
use crate::raft::{parse_peers, RaftConfig, RaftNode, RAFT_REQUEST_CODES};
use crate::replicas::ReplicasInfoManager;
use parking_lot::RwLock;
use rmq_common::configuration::SharedConfig;
use rmq_common::properties::Properties;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{
    Channel, ChannelEventListener, NettyClientConfig, NettyServerConfig, RemotingClient,
    RemotingServer, ServerHandle,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// First run of the heartbeat scan (Java: 2 s).
const FIRST_SCAN_DELAY: Duration = Duration::from_secs(2);

/// Why a controller could not start.
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    #[error("invalid controller config: {0}")]
    Config(String),
    #[error("raft: {0}")]
    Raft(String),
    #[error("cannot listen: {0}")]
    Bind(#[from] rmq_remoting::RemotingError),
}

/// Elections when a broker's connection closes (`BrokerHousekeepingService`).
struct Housekeeping {
    manager: std::sync::Weak<ControllerManager>,
}

impl Housekeeping {
    fn closed(&self, channel: &Channel) {
        let Some(manager) = self.manager.upgrade() else {
            return;
        };
        if let Some((_cluster, name, id)) = manager.heartbeat().on_channel_close(channel.id()) {
            tokio::spawn(async move { manager.on_broker_inactive(&name, Some(id)).await });
        }
    }
}

impl ChannelEventListener for Housekeeping {
    fn on_channel_close(&self, _remote_addr: &str, channel: &Channel) {
        self.closed(channel);
    }
    fn on_channel_exception(&self, _remote_addr: &str, channel: &Channel) {
        self.closed(channel);
    }
    fn on_channel_idle(&self, _remote_addr: &str, channel: &Channel) {
        self.closed(channel);
    }
}

/// Starts a one-node controller on `127.0.0.1:port` with its Raft store and saved config
/// under `store`, scanning for inactive brokers and masters every 500 ms (the tests of the
/// controller and of brokers in controller mode run one).
pub async fn start_standalone(
    port: u16,
    store: &Path,
) -> Result<ControllerHandle, ControllerError> {
    let config = ControllerConfig {
        controller_d_leger_group: "group1".into(),
        controller_d_leger_peers: format!("n0-127.0.0.1:{port}"),
        controller_d_leger_self_id: "n0".into(),
        controller_store_path: store.join("ctrl").to_string_lossy().into_owned(),
        config_store_path: store
            .join("controller.properties")
            .to_string_lossy()
            .into_owned(),
        scan_not_active_broker_interval: 500,
        scan_inactive_master_interval: 500,
        ..Default::default()
    };
    let server = NettyServerConfig {
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    ControllerHandle::start(
        config,
        server,
        NettyClientConfig::default(),
        Properties::new(),
    )
    .await
}

/// A running controller.
pub struct ControllerHandle {
    manager: Arc<ControllerManager>,
    server: ServerHandle,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    client: RemotingClient,
}

impl ControllerHandle {
    /// Starts a controller. It listens on its own address in `controllerDLegerPeers` (the
    /// port there; the host from `bindAddress` of `netty_server_config`). `file_properties`
    /// are the config file's keys, reported by GET_CONTROLLER_CONFIG.
    pub async fn start(
        config: ControllerConfig,
        mut netty_server_config: NettyServerConfig,
        netty_client_config: NettyClientConfig,
        file_properties: Properties,
    ) -> Result<ControllerHandle, ControllerError> {
        config.validate().map_err(ControllerError::Config)?;
        let peers = parse_peers(&config.controller_d_leger_peers)
            .map_err(|e| ControllerError::Config(e.to_string()))?;
        let self_id = config.controller_d_leger_self_id.trim().to_string();
        let Some((_, self_addr)) = peers.iter().find(|(id, _)| *id == self_id) else {
            return Err(ControllerError::Config(format!(
                "controllerDLegerSelfId {self_id} is not in controllerDLegerPeers"
            )));
        };
        let port = self_addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse::<i32>().ok())
            .ok_or_else(|| ControllerError::Config(format!("bad peer address {self_addr}")))?;
        netty_server_config.listen_port = port;

        let raft_config = RaftConfig::new(
            config.controller_d_leger_group.clone(),
            self_id,
            peers,
            config.store_dir().join("raft"),
        );
        let state = Arc::new(RwLock::new(ReplicasInfoManager::new()));
        let raft = RaftNode::start(raft_config, state.clone())
            .await
            .map_err(|e| ControllerError::Raft(e.to_string()))?;
        let raft_processor = raft.processor();
        let client = RemotingClient::new(netty_client_config, Arc::new(RequestDispatcher::new()));
        let config_path = PathBuf::from(config.config_store_path.clone());
        let shared_config = Arc::new(RwLock::new(config));
        let shared_netty = Arc::new(RwLock::new(netty_server_config.clone()));
        let configuration = Arc::new(
            rmq_common::Configuration::new(config_path)
                .register_properties(file_properties)
                .register_config(SharedConfig::new(shared_config.clone(), &[]))
                .register_config(SharedConfig::new(shared_netty, &[])),
        );
        let manager = Arc::new(ControllerManager::new(
            shared_config.clone(),
            state,
            raft,
            Arc::new(BrokerHeartbeatManager::new()),
            client.clone(),
        ));

        let mut dispatcher = RequestDispatcher::new();
        for code in RAFT_REQUEST_CODES {
            dispatcher.register_processor(*code, raft_processor.clone());
        }
        let processor = Arc::new(ControllerRequestProcessor::new(
            manager.clone(),
            configuration,
        ));
        for code in CONTROLLER_REQUEST_CODES {
            dispatcher.register_processor(*code, processor.clone());
        }
        dispatcher.set_channel_event_listener(Arc::new(Housekeeping {
            manager: Arc::downgrade(&manager),
        }));
        let server = match RemotingServer::bind(&netty_server_config, Arc::new(dispatcher)).await {
            Ok(server) => server,
            Err(e) => {
                manager.raft().shutdown().await;
                return Err(e.into());
            }
        };
        let shutdown = CancellationToken::new();
        let (scan_broker, scan_master) = {
            let c = shared_config.read();
            (
                c.scan_not_active_broker_interval,
                c.scan_inactive_master_interval,
            )
        };
        let tasks = vec![
            spawn_periodic(
                manager.clone(),
                FIRST_SCAN_DELAY,
                scan_broker,
                shutdown.clone(),
                |m| Box::pin(async move { m.scan_not_active_brokers().await }),
            ),
            spawn_periodic(
                manager.clone(),
                millis(scan_master),
                scan_master,
                shutdown.clone(),
                |m| Box::pin(async move { m.scan_inactive_masters().await }),
            ),
        ];
        tracing::info!(address = %server.local_addr(), "controller started");
        Ok(ControllerHandle {
            manager,
            server,
            shutdown,
            tasks,
            client,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    pub fn manager(&self) -> &Arc<ControllerManager> {
        &self.manager
    }

    /// Stops the jobs, the listener, the Raft node and the outgoing client.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        for t in self.tasks {
            let _ = t.await;
        }
        self.server.shutdown(Duration::from_secs(1)).await;
        self.manager.raft().shutdown().await;
        self.client.shutdown().await;
        tracing::info!("controller shut down");
    }
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms.max(1)).unwrap_or(1))
}

type JobFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

fn spawn_periodic(
    manager: Arc<ControllerManager>,
    first: Duration,
    period_millis: i64,
    shutdown: CancellationToken,
    job: fn(Arc<ControllerManager>) -> JobFuture,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval_at(Instant::now() + first, millis(period_millis));
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = shutdown.cancelled() => break,
            }
            job(manager.clone()).await;
        }
    })
}
