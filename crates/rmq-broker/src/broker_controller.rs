//! `BrokerController`: opens the store, loads the managers, binds `listenPort` and the fast
//! channel (`listenPort - 2`), starts the periodic services and registers with every name
//! server (Java `broker/BrokerController`: `initialize`, `start`, `shutdown`,
//! `registerBrokerAll`, `doRegisterBrokerAll`, `registerIncrementBrokerData`).
//!
//! [`BrokerController::start`] returns a [`BrokerHandle`] with the bound addresses; port 0 is
//! allowed for both listeners (the fast channel then also takes a free port).

use crate::broker_config::BrokerConfig;
use crate::broker_error::BrokerError;
use crate::broker_startup::BrokerConfigs;
use crate::broker_stats::BrokerStats;
use crate::client::client_housekeeping_service::ClientHousekeepingService;
use crate::client::consumer_manager::ConsumerManager;
use crate::client::default_consumer_ids_change_listener::DefaultConsumerIdsChangeListener;
use crate::client::producer_manager::ProducerManager;
use crate::client::rebalance::rebalance_lock_manager::RebalanceLockManager;
use crate::config_manager::ConfigPersister;
use crate::configuration::Configuration;
use crate::filter::consumer_filter_manager::ConsumerFilterManager;
use crate::longpolling::pull_request_hold_service::{
    NotifyMessageArrivingListener, PullRequestHoldService,
};
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::out::broker_outer_api::{BrokerOuterAPI, BrokerRegistration};
use crate::processor::admin_broker_processor::AdminBrokerProcessor;
use crate::processor::client_manage_processor::ClientManageProcessor;
use crate::processor::consumer_manage_processor::ConsumerManageProcessor;
use crate::processor::end_transaction_processor::EndTransactionProcessor;
use crate::processor::pull_message_processor::PullMessageProcessor;
use crate::processor::query_message_processor::QueryMessageProcessor;
use crate::processor::reply_message_processor::ReplyMessageProcessor;
use crate::processor::send_message_processor::SendMessageProcessor;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::thread_pool_queue::ThreadPoolQueue;
use crate::topic::topic_config_manager::TopicConfigManager;
use parking_lot::RwLock;
use rmq_common::ConfigManager;
use rmq_common::{perm_name, DataVersion, TopicConfig};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{
    NettyClientConfig, NettyServerConfig, RemotingClient, RemotingServer, RequestCode, ServerHandle,
};
use rmq_store::{DefaultMessageStore, MessageStoreConfig};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// A topic change to announce to the name servers.
pub(crate) struct IncrementRegistration {
    pub topic_config: Arc<TopicConfig>,
    pub data_version: DataVersion,
}

/// The broker's shared state; processors and services hold it in an `Arc`.
pub struct BrokerController {
    broker_config: Arc<RwLock<BrokerConfig>>,
    configuration: Configuration,
    message_store_config: MessageStoreConfig,
    netty_server_config: NettyServerConfig,
    netty_client_config: NettyClientConfig,
    message_store: Arc<DefaultMessageStore>,
    topic_config_manager: Arc<TopicConfigManager>,
    subscription_group_manager: SubscriptionGroupManager,
    consumer_offset_manager: ConsumerOffsetManager,
    consumer_manager: Arc<ConsumerManager>,
    consumer_filter_manager: Arc<ConsumerFilterManager>,
    producer_manager: Arc<ProducerManager>,
    rebalance_lock_manager: RebalanceLockManager,
    pull_request_hold_service: Arc<PullRequestHoldService>,
    schedule_message_service: Arc<ScheduleMessageService>,
    broker_outer_api: BrokerOuterAPI,
    broker_stats: BrokerStats,
    broker_stats_manager: Arc<BrokerStatsManager>,
    send_thread_pool_queue: ThreadPoolQueue,
    persister: ConfigPersister,
    broker_addr: OnceLock<String>,
    store_host: OnceLock<SocketAddr>,
    listen_port: OnceLock<i32>,
    register_rx: parking_lot::Mutex<Option<mpsc::UnboundedReceiver<IncrementRegistration>>>,
    shutdown: CancellationToken,
    boot_timestamp: i64,
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
}

impl BrokerHandle {
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
        let fixed = configs.fixed_properties();
        let BrokerConfigs {
            broker_config,
            netty_server_config,
            netty_client_config,
            message_store_config,
            ..
        } = configs;
        let controller = tokio::task::spawn_blocking(move || {
            Self::initialize(
                broker_config,
                message_store_config,
                netty_server_config,
                netty_client_config,
                fixed,
            )
        })
        .await
        .map_err(|e| BrokerError::InvalidConfig(format!("initialize panicked: {e}")))??;
        let controller = Arc::new(controller);

        // Processors and listeners (Java `registerProcessor`).
        let (dispatcher, fast_dispatcher) = controller.build_dispatchers();
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
        };
        controller.register_broker_all(true, false, true).await;
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

    /// Opens the store and loads every manager (Java `initialize`); blocking.
    fn initialize(
        broker_config: BrokerConfig,
        message_store_config: MessageStoreConfig,
        netty_server_config: NettyServerConfig,
        netty_client_config: NettyClientConfig,
        fixed: rmq_common::properties::Properties,
    ) -> Result<Self, BrokerError> {
        let root = message_store_config.store_path_root_dir.clone();
        let persister = ConfigPersister::start().map_err(|e| BrokerError::io(&root, e))?;
        let broker_config = Arc::new(RwLock::new(broker_config));
        let config_path = broker_config
            .read()
            .broker_config_path
            .clone()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
            .unwrap_or_else(crate::configuration::default_broker_config_path);
        let configuration = Configuration::new(broker_config.clone(), fixed, config_path);
        let topic_config_manager = Arc::new(TopicConfigManager::new(
            broker_config.clone(),
            &root,
            message_store_config.timer_wheel_enable,
            persister.clone(),
        ));
        let subscription_group_manager =
            SubscriptionGroupManager::new(broker_config.clone(), &root, persister.clone());
        let (step, channel_expired, flush_delay) = {
            let bc = broker_config.read();
            (
                bc.consumer_offset_update_version_step,
                bc.channel_expired_timeout,
                bc.delay_offset_update_version_step,
            )
        };
        let consumer_offset_manager = ConsumerOffsetManager::new(&root, step, persister.clone());
        let consumer_filter_manager = Arc::new(ConsumerFilterManager::new(
            broker_config.clone(),
            &root,
            persister.clone(),
        ));
        let mut ok = topic_config_manager.load();
        ok &= consumer_offset_manager.load();
        ok &= subscription_group_manager.load();
        ok &= consumer_filter_manager.load();
        if !ok {
            return Err(BrokerError::InvalidConfig(
                "load broker config files failed".into(),
            ));
        }
        let message_store = DefaultMessageStore::open(message_store_config.clone())?;
        let schedule_message_service = Arc::new(ScheduleMessageService::new(
            &message_store_config,
            message_store.clone(),
            flush_delay,
            persister.clone(),
        )?);
        if !schedule_message_service.load() {
            return Err(BrokerError::InvalidConfig(
                "load delayOffset.json failed".into(),
            ));
        }
        message_store.start()?;
        let consumer_manager = Arc::new(ConsumerManager::new(
            Arc::new(DefaultConsumerIdsChangeListener::new(
                broker_config.clone(),
                consumer_filter_manager.clone(),
            )),
            channel_expired,
        ));
        let pull_request_hold_service =
            Arc::new(PullRequestHoldService::new(message_store.clone()));
        message_store.set_message_arriving_listener(Some(Arc::new(
            NotifyMessageArrivingListener::new(pull_request_hold_service.clone()),
        )));
        let outer_client = RemotingClient::new(
            netty_client_config.clone(),
            Arc::new(RequestDispatcher::new()),
        );
        let broker_outer_api = BrokerOuterAPI::new(outer_client);
        if let Some(addrs) = broker_config.read().namesrv_addr.as_deref() {
            broker_outer_api.update_name_server_address_list(addrs);
        }
        let (register_tx, register_rx) = mpsc::unbounded_channel();
        let hook_tx = register_tx.clone();
        topic_config_manager.set_register_hook(Box::new(move |tc, dv| {
            let _ = hook_tx.send(IncrementRegistration {
                topic_config: tc,
                data_version: dv,
            });
        }));
        let broker_stats_manager = Arc::new(BrokerStatsManager::new(
            &broker_config.read().broker_cluster_name,
        ));
        Ok(BrokerController {
            broker_config,
            configuration,
            message_store_config,
            netty_server_config,
            netty_client_config,
            message_store,
            topic_config_manager,
            subscription_group_manager,
            consumer_offset_manager,
            consumer_manager,
            consumer_filter_manager,
            producer_manager: Arc::new(ProducerManager::new()),
            rebalance_lock_manager: RebalanceLockManager::default(),
            pull_request_hold_service,
            schedule_message_service,
            broker_outer_api,
            broker_stats: BrokerStats::new(broker_stats_manager.clone()),
            broker_stats_manager,
            send_thread_pool_queue: ThreadPoolQueue::default(),
            persister,
            broker_addr: OnceLock::new(),
            store_host: OnceLock::new(),
            listen_port: OnceLock::new(),
            register_rx: parking_lot::Mutex::new(Some(register_rx)),
            shutdown: CancellationToken::new(),
            boot_timestamp: rmq_common::util_all::current_millis(),
        })
    }

    /// Builds the main and the fast channel's dispatchers; they share processor instances,
    /// and only the main one serves pulls (Java `registerProcessor`).
    fn build_dispatchers(self: &Arc<Self>) -> (RequestDispatcher, RequestDispatcher) {
        let mut main = RequestDispatcher::new();
        let mut fast = RequestDispatcher::new();
        let send = Arc::new(SendMessageProcessor::new(self.clone()));
        let reply = Arc::new(ReplyMessageProcessor::new(self.clone(), send.clone()));
        let query = Arc::new(QueryMessageProcessor::new(self.clone()));
        let client = Arc::new(ClientManageProcessor::new(self.clone()));
        let consumer = Arc::new(ConsumerManageProcessor::new(self.clone()));
        let end_tx = Arc::new(EndTransactionProcessor::new());
        let admin = Arc::new(AdminBrokerProcessor::new(self.clone()));
        let pull = Arc::new(PullMessageProcessor::new(self.clone()));
        main.register_processor(RequestCode::PULL_MESSAGE, pull.clone());
        main.register_processor(RequestCode::LITE_PULL_MESSAGE, pull);
        for d in [&mut main, &mut fast] {
            for code in [
                RequestCode::SEND_MESSAGE,
                RequestCode::SEND_MESSAGE_V2,
                RequestCode::SEND_BATCH_MESSAGE,
                RequestCode::CONSUMER_SEND_MSG_BACK,
            ] {
                d.register_processor(code, send.clone());
            }
            d.register_processor(RequestCode::SEND_REPLY_MESSAGE, reply.clone());
            d.register_processor(RequestCode::SEND_REPLY_MESSAGE_V2, reply.clone());
            d.register_processor(RequestCode::QUERY_MESSAGE, query.clone());
            d.register_processor(RequestCode::VIEW_MESSAGE_BY_ID, query.clone());
            for code in [
                RequestCode::HEART_BEAT,
                RequestCode::UNREGISTER_CLIENT,
                RequestCode::CHECK_CLIENT_CONFIG,
            ] {
                d.register_processor(code, client.clone());
            }
            for code in [
                RequestCode::GET_CONSUMER_LIST_BY_GROUP,
                RequestCode::UPDATE_CONSUMER_OFFSET,
                RequestCode::QUERY_CONSUMER_OFFSET,
            ] {
                d.register_processor(code, consumer.clone());
            }
            d.register_processor(RequestCode::END_TRANSACTION, end_tx.clone());
            d.register_default_processor(admin.clone());
            d.set_channel_event_listener(Arc::new(ClientHousekeepingService::new(
                self.consumer_manager.clone(),
                self.producer_manager.clone(),
            )));
        }
        (main, fast)
    }

    fn set_listen_port(&self, port: i32) {
        let _ = self.listen_port.set(port);
        let ip = self.broker_config.read().broker_ip1.clone();
        let _ = self.broker_addr.set(format!("{ip}:{port}"));
        let host: SocketAddr = format!("{ip}:{port}")
            .parse()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], port as u16)));
        let _ = self.store_host.set(host);
        self.broker_config.write().listen_port = port;
    }

    /// Starts the periodic services (Java `initialize`'s scheduled tasks and `start`).
    fn start_services(self: &Arc<Self>, tasks: &TaskTracker) {
        let (flush_offset_ms, register_period_ms) = {
            let bc = self.broker_config.read();
            (
                bc.flush_consumer_offset_interval.max(100) as u64,
                bc.register_name_server_period.clamp(10_000, 60_000) as u64,
            )
        };
        // ConsumerOffsetManager#persist every flushConsumerOffsetInterval, first after 10 s.
        self.spawn_periodic(
            tasks,
            "persistConsumerOffset",
            10_000,
            flush_offset_ms,
            |c| {
                c.consumer_offset_manager.persist();
            },
        );
        // ConsumerFilterManager#persist every 10 s, first after 10 s.
        self.spawn_periodic(tasks, "persistConsumerFilter", 10_000, 10_000, |c| {
            c.consumer_filter_manager.persist();
        });
        // ClientHousekeepingService#scanExceptionChannel every 10 s.
        let housekeeping = ClientHousekeepingService::new(
            self.consumer_manager.clone(),
            self.producer_manager.clone(),
        );
        let housekeeping = Arc::new(housekeeping);
        self.spawn_periodic(tasks, "scanExceptionChannel", 10_000, 10_000, move |_| {
            housekeeping.scan_exception_channel();
        });
        // registerBrokerAll every registerNameServerPeriod (clamped to 10..60 s), first after 10 s.
        {
            let c = self.clone();
            let tracker = tasks.clone();
            tasks.spawn(async move {
                let mut interval = tokio::time::interval_at(
                    tokio::time::Instant::now() + Duration::from_millis(10_000),
                    Duration::from_millis(register_period_ms),
                );
                loop {
                    tokio::select! {
                        _ = interval.tick() => {}
                        _ = c.shutdown.cancelled() => break,
                    }
                    let force = c.broker_config.read().force_register;
                    // Detached: a name server that does not answer must not hold back the
                    // next period (each name server is also served by its own task).
                    let c2 = c.clone();
                    tracker.spawn(async move { c2.register_broker_all(true, false, force).await });
                }
            });
        }
        // Incremental registration after topic changes.
        if let Some(mut rx) = self.register_rx.lock().take() {
            let c = self.clone();
            let tracker = tasks.clone();
            tasks.spawn(async move {
                loop {
                    let first = tokio::select! {
                        r = rx.recv() => r,
                        _ = c.shutdown.cancelled() => None,
                    };
                    let Some(first) = first else { break };
                    let mut topics = vec![first.topic_config];
                    let mut version = first.data_version;
                    while let Ok(more) = rx.try_recv() {
                        topics.push(more.topic_config);
                        version = more.data_version;
                    }
                    let c2 = c.clone();
                    tracker.spawn(async move {
                        c2.register_increment_broker_data(topics, version).await
                    });
                }
            });
        }
        // PullRequestHoldService: wake-ups and the periodic check.
        if let Some(mut rx) = self.pull_request_hold_service.take_wake_receiver() {
            let c = self.clone();
            let pull = Arc::new(PullMessageProcessor::new(self.clone()));
            let tracker = tasks.clone();
            tasks.spawn(async move {
                loop {
                    let req = tokio::select! {
                        r = rx.recv() => r,
                        _ = c.shutdown.cancelled() => None,
                    };
                    let Some(req) = req else { break };
                    let pull = pull.clone();
                    tracker.spawn(async move {
                        pull.execute_request_when_wakeup(req.channel, req.request)
                            .await;
                    });
                }
            });
        }
        {
            let c = self.clone();
            tasks.spawn(async move {
                loop {
                    let wait = {
                        let bc = c.broker_config.read();
                        if bc.long_polling_enable {
                            5_000
                        } else {
                            bc.short_polling_time_mills.max(1) as u64
                        }
                    };
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
                        _ = c.shutdown.cancelled() => break,
                    }
                    c.pull_request_hold_service.check_hold_request();
                }
            });
        }
        // Delay levels.
        self.schedule_message_service
            .start(tasks, self.shutdown.clone());
        // StatsItem sampling: every 10 s, 10 min and hour, from now.
        for (name, period_ms) in [
            ("statsSamplingInSeconds", 10_000u64),
            ("statsSamplingInMinutes", 600_000),
            ("statsSamplingInHour", 3_600_000),
        ] {
            self.spawn_periodic(tasks, name, 0, period_ms, move |c| {
                let now = rmq_common::util_all::current_millis();
                let m = &c.broker_stats_manager;
                match period_ms {
                    10_000 => m.sampling_in_seconds(now),
                    600_000 => m.sampling_in_minutes(now),
                    _ => m.sampling_in_hour(now),
                }
            });
        }
        // BrokerStats#record at every local midnight; TPS sampling is done by the store.
        self.spawn_periodic(
            tasks,
            "brokerStatsRecord",
            crate::broker_stats::millis_to_next_morning(),
            24 * 3600 * 1000,
            |c| c.broker_stats.record(),
        );
    }

    fn spawn_periodic<F>(
        self: &Arc<Self>,
        tasks: &TaskTracker,
        name: &'static str,
        initial_delay_ms: u64,
        period_ms: u64,
        f: F,
    ) where
        F: Fn(&BrokerController) + Send + Sync + 'static,
    {
        let c = self.clone();
        tasks.spawn(async move {
            let mut interval = tokio::time::interval_at(
                tokio::time::Instant::now() + Duration::from_millis(initial_delay_ms),
                Duration::from_millis(period_ms.max(1)),
            );
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = c.shutdown.cancelled() => break,
                }
                tracing::trace!(task = name, "periodic task");
                f(&c);
            }
        });
    }

    /// Registers every topic with every name server (Java `registerBrokerAll`). Unless
    /// `force` (or `enableSplitRegistration`), the name servers are first asked with
    /// QUERY_DATA_VERSION and the registration is skipped when none of them is behind.
    pub async fn register_broker_all(&self, check_order_config: bool, oneway: bool, force: bool) {
        let mut wrapper = self
            .topic_config_manager
            .build_topic_config_serialize_wrapper();
        let (split, who, timeout) = {
            let bc = self.broker_config.read();
            (
                bc.enable_split_registration,
                self.registration(&bc),
                bc.register_broker_timeout_mills.max(1) as u64,
            )
        };
        if !split
            && !force
            && !self
                .broker_outer_api
                .need_register(&who, &wrapper.data_version, timeout)
                .await
        {
            return;
        }
        let broker_perm = self.broker_config.read().broker_permission;
        if !perm_name::is_writeable(broker_perm) || !perm_name::is_readable(broker_perm) {
            for tc in wrapper.topic_config_table.values_mut() {
                tc.perm &= broker_perm;
            }
        }
        self.do_register_broker_all(check_order_config, oneway, wrapper)
            .await;
    }

    /// Registers only the changed topics (Java `registerIncrementBrokerData`).
    pub(crate) async fn register_increment_broker_data(
        &self,
        topics: Vec<Arc<TopicConfig>>,
        data_version: DataVersion,
    ) {
        let broker_perm = self.broker_config.read().broker_permission;
        let mut wrapper =
            rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper {
                data_version,
                ..Default::default()
            };
        for tc in topics {
            let mut t = (*tc).clone();
            if !perm_name::is_writeable(broker_perm) || !perm_name::is_readable(broker_perm) {
                t.perm &= broker_perm;
            }
            wrapper.topic_config_table.insert(t.topic_name.clone(), t);
        }
        self.do_register_broker_all(true, false, wrapper).await;
    }

    async fn do_register_broker_all(
        &self,
        check_order_config: bool,
        oneway: bool,
        wrapper: rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper,
    ) {
        if self.shutdown.is_cancelled() {
            return;
        }
        let (who, timeout, compressed) = {
            let bc = self.broker_config.read();
            (
                self.registration(&bc),
                bc.register_broker_timeout_mills.max(1) as u64,
                bc.compressed_register,
            )
        };
        let results = self
            .broker_outer_api
            .register_broker_all(&who, wrapper, Vec::new(), oneway, timeout, compressed)
            .await;
        if check_order_config {
            if let Some(kv) = results.iter().find_map(|r| r.kv_table.as_ref()) {
                self.topic_config_manager.update_order_topic_config(kv);
            }
        }
    }

    fn registration(&self, bc: &BrokerConfig) -> BrokerRegistration {
        BrokerRegistration {
            cluster_name: bc.broker_cluster_name.clone(),
            broker_addr: self.broker_addr(),
            broker_name: bc.broker_name.clone(),
            broker_id: bc.broker_id,
            ha_server_addr: format!(
                "{}:{}",
                bc.broker_ip2, self.message_store_config.ha_listen_port
            ),
            enable_acting_master: bc.enable_slave_acting_master,
            heartbeat_timeout_millis: bc
                .enable_slave_acting_master
                .then_some(bc.broker_not_active_timeout_millis),
        }
    }

    /// Unregisters from every name server (Java `unregisterBrokerAll`).
    pub async fn unregister_broker_all(&self) {
        let (who, timeout) = {
            let bc = self.broker_config.read();
            (
                self.registration(&bc),
                bc.register_broker_timeout_mills.clamp(1, 3000) as u64,
            )
        };
        self.broker_outer_api
            .unregister_broker_all(&who, timeout)
            .await;
    }

    /// Returns `brokerIP1:listenPort`.
    pub fn broker_addr(&self) -> String {
        self.broker_addr.get().cloned().unwrap_or_else(|| {
            format!(
                "{}:{}",
                self.broker_config.read().broker_ip1,
                self.netty_server_config.listen_port
            )
        })
    }

    /// Returns the store host written into records.
    pub fn store_host(&self) -> SocketAddr {
        self.store_host.get().copied().unwrap_or_else(|| {
            self.broker_addr()
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
        })
    }

    /// Returns the bound listen port.
    pub fn listen_port(&self) -> i32 {
        self.listen_port
            .get()
            .copied()
            .unwrap_or(self.netty_server_config.listen_port)
    }

    /// Returns the shared broker config.
    pub fn broker_config(&self) -> &Arc<RwLock<BrokerConfig>> {
        &self.broker_config
    }

    /// Returns the view of all config objects (`GET/UPDATE_BROKER_CONFIG`).
    pub fn configuration(&self) -> &Configuration {
        &self.configuration
    }

    /// Returns the store config the broker started with.
    pub fn message_store_config(&self) -> &MessageStoreConfig {
        &self.message_store_config
    }

    /// Returns the server config.
    pub fn netty_server_config(&self) -> &NettyServerConfig {
        &self.netty_server_config
    }

    /// Returns the client config.
    pub fn netty_client_config(&self) -> &NettyClientConfig {
        &self.netty_client_config
    }

    /// Returns the store.
    pub fn message_store(&self) -> &Arc<DefaultMessageStore> {
        &self.message_store
    }

    /// Returns the topic manager.
    pub fn topic_config_manager(&self) -> &TopicConfigManager {
        &self.topic_config_manager
    }

    /// Returns the subscription group manager.
    pub fn subscription_group_manager(&self) -> &SubscriptionGroupManager {
        &self.subscription_group_manager
    }

    /// Returns the consumer offset manager.
    pub fn consumer_offset_manager(&self) -> &ConsumerOffsetManager {
        &self.consumer_offset_manager
    }

    /// Returns the consumer manager.
    pub fn consumer_manager(&self) -> &ConsumerManager {
        &self.consumer_manager
    }

    /// Returns the compiled SQL92 filters of the consumer groups.
    pub fn consumer_filter_manager(&self) -> &Arc<ConsumerFilterManager> {
        &self.consumer_filter_manager
    }

    /// Returns the producer manager.
    pub fn producer_manager(&self) -> &ProducerManager {
        &self.producer_manager
    }

    /// Returns the ordered-consumption lock manager.
    pub fn rebalance_lock_manager(&self) -> &RebalanceLockManager {
        &self.rebalance_lock_manager
    }

    /// Returns the long polling service.
    pub fn pull_request_hold_service(&self) -> &PullRequestHoldService {
        &self.pull_request_hold_service
    }

    /// Returns the delay level service.
    pub fn schedule_message_service(&self) -> &ScheduleMessageService {
        &self.schedule_message_service
    }

    /// Returns the name server client.
    pub fn broker_outer_api(&self) -> &BrokerOuterAPI {
        &self.broker_outer_api
    }

    /// Returns the put/get counters.
    pub fn broker_stats_manager(&self) -> &Arc<BrokerStatsManager> {
        &self.broker_stats_manager
    }

    /// Returns the sends waiting for a slot (Java `sendThreadPoolQueue`).
    pub fn send_thread_pool_queue(&self) -> &ThreadPoolQueue {
        &self.send_thread_pool_queue
    }

    /// Returns the daily totals.
    pub fn broker_stats(&self) -> &BrokerStats {
        &self.broker_stats
    }

    /// Returns when the broker started (ms).
    pub fn boot_timestamp(&self) -> i64 {
        self.boot_timestamp
    }

    /// Returns true once shutdown began.
    pub fn is_shutdown(&self) -> bool {
        self.shutdown.is_cancelled()
    }
}
