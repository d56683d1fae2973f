//! `BrokerController`: opens the store, loads the managers, binds `listenPort` and the fast
//! channel (`listenPort - 2`), starts the periodic services and registers with every name
//! server (Java `broker/BrokerController`: `initialize`, `start`, `shutdown`,
//! `registerBrokerAll`, `doRegisterBrokerAll`, `registerIncrementBrokerData`).
//!
//! The controller only wires: [`initialize`] builds the managers and services, [`wiring`]
//! hands each processor its own narrow context, [`services`] starts the periodic tasks and
//! [`registration`] talks to the name servers. Processors never hold the controller.
//!
//! [`BrokerController::start`] returns a [`BrokerHandle`] with the bound addresses; port 0 is
//! allowed for both listeners (the fast channel then also takes a free port).

mod controller_mode;
mod initialize;
mod registration;
mod services;
mod wiring;

use crate::broker_address::BrokerAddress;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::BrokerError;
use crate::broker_startup::BrokerConfigs;
use crate::broker_stats::BrokerStats;
use crate::client::consumer_manager::ConsumerManager;
use crate::client::producer_manager::ProducerManager;
use crate::client::rebalance::rebalance_lock_manager::RebalanceLockManager;
use crate::config_manager::ConfigPersister;
use crate::configuration::Configuration;
use crate::filter::consumer_filter_manager::ConsumerFilterManager;
use crate::longpolling::pull_request_hold_service::PullRequestHoldService;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::out::broker_outer_api::BrokerOuterAPI;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::slave::slave_synchronize::SlaveSynchronize;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::thread_pool_queue::ThreadPoolQueue;
use crate::topic::topic_config_manager::TopicConfigManager;
use crate::transaction::transactional_message_check_service::TransactionalMessageCheckService;
use crate::transaction::transactional_message_service::TransactionalMessageService;
use rmq_common::ConfigManager;
use rmq_common::{DataVersion, TopicConfig};
use rmq_remoting::{NettyServerConfig, RemotingServer, ServerHandle};
use rmq_store::{DefaultMessageStore, MessageStoreConfig, StoreError};

/// Opens the message store from its config: [`DefaultMessageStore::open`] unless a test
/// passes another to [`BrokerController::start_with_store`].
pub type StoreOpener =
    Box<dyn FnOnce(MessageStoreConfig) -> Result<Arc<DefaultMessageStore>, StoreError> + Send>;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// A topic change to announce to the name servers.
pub(crate) struct IncrementRegistration {
    pub topic_config: Arc<TopicConfig>,
    pub data_version: DataVersion,
}

/// The broker's parts, wired together; processors get narrow contexts built from it.
pub struct BrokerController {
    broker_config: BrokerConfigHandle,
    configuration: Arc<Configuration>,
    message_store_config: Arc<MessageStoreConfig>,
    netty_server_config: NettyServerConfig,
    message_store: Arc<DefaultMessageStore>,
    topic_config_manager: Arc<TopicConfigManager>,
    subscription_group_manager: Arc<SubscriptionGroupManager>,
    consumer_offset_manager: Arc<ConsumerOffsetManager>,
    consumer_manager: Arc<ConsumerManager>,
    consumer_filter_manager: Arc<ConsumerFilterManager>,
    producer_manager: Arc<ProducerManager>,
    rebalance_lock_manager: Arc<RebalanceLockManager>,
    pull_request_hold_service: Arc<PullRequestHoldService>,
    schedule_message_service: Arc<ScheduleMessageService>,
    /// The timer wheel, with `timerWheelEnable`.
    timer_message_store: Option<Arc<rmq_store::timer::TimerMessageStore>>,
    transactional_message_service: Arc<TransactionalMessageService>,
    transactional_message_check_service: Arc<TransactionalMessageCheckService>,
    broker_outer_api: BrokerOuterAPI,
    slave_synchronize: Arc<SlaveSynchronize>,
    /// True on a slave without `haMasterAddress`: each REGISTER_BROKER answer's
    /// `haServerAddr` points the store's HA client (Java `updateMasterHAServerAddrPeriodically`).
    update_master_ha_server_addr_periodically: bool,
    broker_stats: Arc<BrokerStats>,
    broker_stats_manager: Arc<BrokerStatsManager>,
    send_thread_pool_queue: Arc<ThreadPoolQueue>,
    persister: ConfigPersister,
    address: Arc<BrokerAddress>,
    register_rx: parking_lot::Mutex<Option<mpsc::UnboundedReceiver<IncrementRegistration>>>,
    shutdown: CancellationToken,
    /// ACL 2.0: the request checks and the local users and ACLs.
    auth: Arc<crate::auth::AuthService>,
    /// Java `isIsolated`: set in controller mode until the controller named the master; no
    /// name server registration meanwhile.
    isolated: Arc<std::sync::atomic::AtomicBool>,
    /// Controller mode (`enableControllerMode`): set once, right after initialization.
    replicas_manager: std::sync::OnceLock<Arc<crate::controller::ReplicasManager>>,
}

impl std::fmt::Debug for BrokerController {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerController")
            .field("broker_addr", &self.broker_addr())
            .finish()
    }
}

/// A running broker.
pub struct BrokerHandle {
    controller: Arc<BrokerController>,
    servers: Vec<ServerHandle>,
    tasks: TaskTracker,
    /// The codes with their own processor on the main listener (the rest go to the admin
    /// processor).
    request_codes: Vec<i32>,
}

impl BrokerHandle {
    /// The request codes registered with their own processor on the main listener.
    pub fn registered_request_codes(&self) -> &[i32] {
        &self.request_codes
    }

    /// Returns the main listener's address (`listenPort`).
    pub fn local_addr(&self) -> SocketAddr {
        self.servers
            .first()
            .map(|s| s.local_addr())
            .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)))
    }

    /// Returns the fast channel's address (`listenPort - 2`, or a free port when 0 was asked).
    pub fn fast_addr(&self) -> SocketAddr {
        self.servers
            .get(1)
            .map(|s| s.local_addr())
            .unwrap_or_else(|| self.local_addr())
    }

    /// Returns the address the broker registers and clients use (`brokerIP1:listenPort`).
    pub fn broker_addr(&self) -> String {
        self.controller.broker_addr()
    }

    /// Returns the controller.
    pub fn controller(&self) -> &Arc<BrokerController> {
        &self.controller
    }

    /// Unregisters from the name servers, stops the listeners and services, persists offsets
    /// and configs and shuts the store down (Java `BrokerController#shutdown`).
    pub async fn shutdown(self) {
        let c = self.controller;
        c.unregister_broker_all().await;
        c.shutdown.cancel();
        for s in self.servers {
            s.shutdown(Duration::from_secs(3)).await;
        }
        c.pull_request_hold_service.wake_all();
        self.tasks.close();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.tasks.wait()).await;
        c.broker_outer_api.shutdown().await;
        let c2 = c.clone();
        let _ = tokio::task::spawn_blocking(move || {
            c2.consumer_offset_manager.persist();
            c2.schedule_message_service.persist();
            c2.topic_config_manager.persist();
            c2.subscription_group_manager.persist();
            c2.consumer_filter_manager.persist();
            c2.persister.shutdown();
            if let Some(t) = &c2.timer_message_store {
                t.shutdown();
            }
            c2.message_store.shutdown();
        })
        .await;
        tracing::info!("broker shutdown OK");
    }
}

impl BrokerController {
    /// Opens the store, loads the config files, binds the listeners, starts every service and
    /// registers with the name servers.
    pub async fn start(configs: BrokerConfigs) -> Result<BrokerHandle, BrokerError> {
        Self::start_with_store(configs, Box::new(DefaultMessageStore::open)).await
    }

    /// [`BrokerController::start`] with the store opened by `open` (tests open it on a file
    /// system that injects faults).
    pub async fn start_with_store(
        configs: BrokerConfigs,
        open: StoreOpener,
    ) -> Result<BrokerHandle, BrokerError> {
        let fixed = configs.fixed_properties();
        let BrokerConfigs {
            broker_config,
            netty_server_config,
            netty_client_config,
            message_store_config,
            auth_config,
            ..
        } = configs;
        let controller = tokio::task::spawn_blocking(move || {
            Self::initialize(
                broker_config,
                message_store_config,
                netty_server_config,
                netty_client_config,
                fixed,
                auth_config,
                open,
            )
        })
        .await
        .map_err(|e| BrokerError::InvalidConfig(format!("initialize panicked: {e}")))??;
        let controller = Arc::new(controller);
        controller.init_replicas_manager();

        // Processors and listeners (Java `registerProcessor`).
        let (dispatcher, fast_dispatcher) = controller.build_dispatchers();
        let request_codes = dispatcher.registered_codes();
        let main = match RemotingServer::bind(&controller.netty_server_config, Arc::new(dispatcher))
            .await
        {
            Ok(m) => m,
            Err(e) => {
                controller.abort_start().await;
                return Err(e.into());
            }
        };
        let listen_port = main.local_addr().port() as i32;
        let fast_port = if controller.netty_server_config.listen_port == 0 {
            0
        } else {
            controller.netty_server_config.listen_port - 2
        };
        let fast_config = NettyServerConfig {
            listen_port: fast_port,
            ..controller.netty_server_config.clone()
        };
        let fast = match RemotingServer::bind(&fast_config, Arc::new(fast_dispatcher)).await {
            Ok(f) => f,
            Err(e) => {
                main.shutdown(Duration::ZERO).await;
                controller.abort_start().await;
                return Err(BrokerError::FastChannel(e));
            }
        };
        controller.set_listen_port(listen_port);

        let tasks = TaskTracker::new();
        controller.start_services(&tasks);
        let handle = BrokerHandle {
            controller: controller.clone(),
            servers: vec![main, fast],
            tasks,
            request_codes,
        };
        if !controller.is_isolated() {
            controller.register_broker_all(true, false, true).await;
        }
        Ok(handle)
    }

    /// Undoes `initialize` when a listener cannot be bound.
    async fn abort_start(self: &Arc<Self>) {
        self.shutdown.cancel();
        let c = self.clone();
        let _ = tokio::task::spawn_blocking(move || {
            c.persister.shutdown();
            c.message_store.shutdown();
        })
        .await;
    }

    /// Returns `brokerIP1:listenPort`.
    pub fn broker_addr(&self) -> String {
        self.address.broker_addr()
    }

    /// Returns the store host written into records.
    pub fn store_host(&self) -> SocketAddr {
        self.address.store_host()
    }

    /// Returns the broker config (snapshot and shared copy).
    pub fn broker_config(&self) -> &BrokerConfigHandle {
        &self.broker_config
    }

    // Inspection of the running broker for tests and tools; processors get contexts.

    /// Returns the store.
    pub fn message_store(&self) -> &Arc<DefaultMessageStore> {
        &self.message_store
    }

    /// Returns the store config the broker started with.
    pub fn message_store_config(&self) -> &MessageStoreConfig {
        &self.message_store_config
    }

    /// Returns the topic manager.
    pub fn topic_config_manager(&self) -> &TopicConfigManager {
        &self.topic_config_manager
    }

    /// Returns the consumer offset manager.
    pub fn consumer_offset_manager(&self) -> &ConsumerOffsetManager {
        &self.consumer_offset_manager
    }

    /// Returns the compiled SQL92 filters of the consumer groups.
    pub fn consumer_filter_manager(&self) -> &Arc<ConsumerFilterManager> {
        &self.consumer_filter_manager
    }

    /// Returns the long polling service.
    pub fn pull_request_hold_service(&self) -> &PullRequestHoldService {
        &self.pull_request_hold_service
    }

    /// Returns the delay level service.
    pub fn schedule_message_service(&self) -> &ScheduleMessageService {
        &self.schedule_message_service
    }

    /// Returns the timer wheel (`None` with `timerWheelEnable=false`).
    pub fn timer_message_store(&self) -> Option<&Arc<rmq_store::timer::TimerMessageStore>> {
        self.timer_message_store.as_ref()
    }

    /// Returns the put/get counters.
    pub fn broker_stats_manager(&self) -> &Arc<BrokerStatsManager> {
        &self.broker_stats_manager
    }

    /// Returns the slave's metadata sync (idle on a master: it learns no master address).
    pub fn slave_synchronize(&self) -> &Arc<SlaveSynchronize> {
        &self.slave_synchronize
    }

    /// Controller mode's replicas manager (`None` unless `enableControllerMode`).
    pub fn replicas_manager(&self) -> Option<&Arc<crate::controller::ReplicasManager>> {
        self.replicas_manager.get()
    }

    /// True while the broker keeps away from the name servers (controller mode before the
    /// controller named the master).
    pub fn is_isolated(&self) -> bool {
        self.isolated.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Returns true once shutdown began.
    pub fn is_shutdown(&self) -> bool {
        self.shutdown.is_cancelled()
    }
}
