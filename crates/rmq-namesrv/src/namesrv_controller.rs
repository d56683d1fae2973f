//! `NamesrvController`: wires the NameServer together — config, KV store, route tables,
//! processors, the listener and the periodic jobs — and runs it until shutdown (Java
//! `namesrv/.../NamesrvController.java`).

use crate::configuration::Configuration;
use crate::error::NamesrvError;
use crate::kvconfig::KVConfigManager;
use crate::namesrv_config::NamesrvConfig;
use crate::processor::{ClientRequestProcessor, DefaultRequestProcessor};
use crate::routeinfo::{BatchUnregistrationService, BrokerHousekeepingService, RouteInfoManager};
use parking_lot::RwLock;
use rmq_common::properties::Properties;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{
    NettyClientConfig, NettyServerConfig, RemotingClient, RemotingServer, RequestCode, ServerHandle,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// First run of `scanNotActiveBroker` (Java: 5 s; rmq runs it sooner when the configured
/// interval is shorter, so tests with short intervals need not wait).
const SCAN_NOT_ACTIVE_BROKER_FIRST_DELAY_MILLIS: i64 = 5_000;
/// Period of `KVConfigManager#printAllPeriodically` (Java: first after 1 minute, then every
/// 10 minutes).
const KV_PRINT_FIRST_DELAY: Duration = Duration::from_secs(60);
const KV_PRINT_PERIOD: Duration = Duration::from_secs(600);

/// The NameServer's shared state; processors hold it behind an `Arc`.
pub struct NamesrvController {
    configuration: Arc<Configuration>,
    kv_config_manager: Arc<KVConfigManager>,
    route_info_manager: Arc<RouteInfoManager>,
    remoting_client: RemotingClient,
}

impl NamesrvController {
    /// Starts a NameServer with default client settings and no extra file properties.
    /// `listenPort` 0 binds a free port; [`NamesrvHandle::local_addr`] tells which.
    pub async fn start(
        namesrv_config: NamesrvConfig,
        netty_server_config: NettyServerConfig,
    ) -> Result<NamesrvHandle, NamesrvError> {
        Self::start_with(
            namesrv_config,
            netty_server_config,
            NettyClientConfig::default(),
            Properties::new(),
        )
        .await
    }

    /// Starts a NameServer. `file_properties` are the config file's keys, reported by
    /// GET_NAMESRV_CONFIG even when no config struct knows them (as Java does);
    /// `netty_client_config` configures the client used for NOTIFY_MIN_BROKER_ID_CHANGE.
    pub async fn start_with(
        namesrv_config: NamesrvConfig,
        netty_server_config: NettyServerConfig,
        netty_client_config: NettyClientConfig,
        file_properties: Properties,
    ) -> Result<NamesrvHandle, NamesrvError> {
        namesrv_config.validate()?;
        let scan_interval_millis = namesrv_config.scan_not_active_broker_interval;
        let unregister_capacity =
            usize::try_from(namesrv_config.un_register_broker_queue_capacity).unwrap_or(1);
        let shutdown_drain = if netty_server_config.enable_shutdown_gracefully {
            Duration::from_secs(
                u64::try_from(netty_server_config.shutdown_wait_time_seconds).unwrap_or(0),
            )
        } else {
            Duration::from_secs(1)
        };

        let kv_config_manager = Arc::new(KVConfigManager::new(&namesrv_config.kv_config_path));
        {
            let kv = kv_config_manager.clone();
            tokio::task::spawn_blocking(move || kv.load())
                .await
                .map_err(|e| NamesrvError::Task(e.to_string()))?;
        }
        let shared_config = Arc::new(RwLock::new(namesrv_config));
        let configuration = Arc::new(Configuration::new(
            shared_config.clone(),
            netty_server_config.clone(),
            file_properties,
        ));
        let route_info_manager = Arc::new(RouteInfoManager::new(shared_config));
        let remoting_client =
            RemotingClient::new(netty_client_config, Arc::new(RequestDispatcher::new()));
        route_info_manager.set_remoting_client(remoting_client.clone());

        let controller = Arc::new(NamesrvController {
            configuration,
            kv_config_manager,
            route_info_manager,
            remoting_client,
        });

        let shutdown = CancellationToken::new();
        let mut tasks = Vec::new();
        tasks.push(BatchUnregistrationService::start(
            &controller.route_info_manager,
            unregister_capacity,
            shutdown.clone(),
        ));

        let mut dispatcher = RequestDispatcher::new();
        dispatcher.register_processor(
            RequestCode::GET_ROUTEINFO_BY_TOPIC,
            Arc::new(ClientRequestProcessor::new(controller.clone())),
        );
        dispatcher
            .register_default_processor(Arc::new(DefaultRequestProcessor::new(controller.clone())));
        dispatcher.set_channel_event_listener(Arc::new(BrokerHousekeepingService::new(
            controller.route_info_manager.clone(),
        )));
        let server = match RemotingServer::bind(&netty_server_config, Arc::new(dispatcher)).await {
            Ok(s) => s,
            Err(e) => {
                shutdown.cancel();
                return Err(e.into());
            }
        };
        let local_addr = server.local_addr();
        controller.configuration.set_listen_port(local_addr.port());

        tasks.push(spawn_scan_not_active_broker(
            controller.route_info_manager.clone(),
            scan_interval_millis,
            shutdown.clone(),
        ));
        tasks.push(spawn_kv_print(
            controller.kv_config_manager.clone(),
            shutdown.clone(),
        ));
        tracing::info!(address = %local_addr, "name server started");
        Ok(NamesrvHandle {
            controller,
            server,
            shutdown,
            tasks,
            local_addr,
            shutdown_drain,
        })
    }

    /// Returns the live settings.
    pub fn configuration(&self) -> &Arc<Configuration> {
        &self.configuration
    }

    /// Returns the KV store.
    pub fn kv_config_manager(&self) -> &Arc<KVConfigManager> {
        &self.kv_config_manager
    }

    /// Returns the route tables.
    pub fn route_info_manager(&self) -> &Arc<RouteInfoManager> {
        &self.route_info_manager
    }

    /// Returns the client the NameServer uses towards brokers.
    pub fn remoting_client(&self) -> &RemotingClient {
        &self.remoting_client
    }
}

fn spawn_scan_not_active_broker(
    route_info_manager: Arc<RouteInfoManager>,
    interval_millis: i64,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    let period = Duration::from_millis(u64::try_from(interval_millis.max(1)).unwrap_or(1));
    let first = Duration::from_millis(
        u64::try_from(interval_millis.clamp(1, SCAN_NOT_ACTIVE_BROKER_FIRST_DELAY_MILLIS))
            .unwrap_or(1),
    );
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval_at(Instant::now() + first, period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = shutdown.cancelled() => break,
            }
            route_info_manager.scan_not_active_broker();
        }
    })
}

fn spawn_kv_print(kv: Arc<KVConfigManager>, shutdown: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker =
            tokio::time::interval_at(Instant::now() + KV_PRINT_FIRST_DELAY, KV_PRINT_PERIOD);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = shutdown.cancelled() => break,
            }
            kv.print_all_periodically();
        }
    })
}

/// A running NameServer.
pub struct NamesrvHandle {
    controller: Arc<NamesrvController>,
    server: ServerHandle,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    local_addr: SocketAddr,
    shutdown_drain: Duration,
}

impl NamesrvHandle {
    /// Returns the bound address (the real port when 0 was configured).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Returns `ip:port` a local client can connect to: the bound address, with a wildcard
    /// bind replaced by 127.0.0.1.
    pub fn connect_addr(&self) -> String {
        let mut addr = self.local_addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        addr.to_string()
    }

    /// Returns the shared state (route tables, KV store, settings).
    pub fn controller(&self) -> &Arc<NamesrvController> {
        &self.controller
    }

    /// Stops the periodic jobs and the unregistration worker, stops accepting, drains
    /// requests in progress, closes every connection and the outgoing client.
    pub async fn shutdown(self) {
        // The server first, so unregistrations caused by closing connections still queue.
        self.server.shutdown(self.shutdown_drain).await;
        self.shutdown.cancel();
        for t in self.tasks {
            let _ = t.await;
        }
        self.controller.remoting_client.shutdown().await;
        tracing::info!("name server shut down");
    }
}
