//! `BrokerController::initialize`: loads the config files into the managers, opens the
//! store and builds the services (Java `BrokerController#initialize`).

use super::{BrokerController, IncrementRegistration, StoreOpener};
use crate::auth::AuthService;
use crate::broker_address::BrokerAddress;
use crate::broker_config::{AuthConfig, BrokerConfig};
use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::BrokerError;
use crate::broker_stats::BrokerStats;
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
use crate::out::broker_outer_api::BrokerOuterAPI;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::slave::slave_synchronize::{SlaveSynchronize, SlaveSynchronizeContext};
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::thread_pool_queue::ThreadPoolQueue;
use crate::topic::topic_config_manager::TopicConfigManager;
use crate::transaction::transactional_message_check_service::TransactionalMessageCheckService;
use crate::transaction::transactional_message_service::TransactionalMessageService;
use rmq_common::ConfigManager;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{NettyClientConfig, NettyServerConfig, RemotingClient};
use rmq_store::timer::TimerMessageStore;
use rmq_store::{BrokerRole, DefaultMessageStore, MessageStore, MessageStoreConfig};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The config-file backed managers, loaded.
struct Managers {
    configuration: Configuration,
    topic_config_manager: Arc<TopicConfigManager>,
    subscription_group_manager: Arc<SubscriptionGroupManager>,
    consumer_offset_manager: Arc<ConsumerOffsetManager>,
    consumer_filter_manager: Arc<ConsumerFilterManager>,
}

/// The store and the services built on it.
struct StoreServices {
    message_store: Arc<DefaultMessageStore>,
    schedule_message_service: Arc<ScheduleMessageService>,
    pull_request_hold_service: Arc<PullRequestHoldService>,
    timer_message_store: Option<Arc<TimerMessageStore>>,
}

impl BrokerController {
    /// Opens the store and loads every manager (Java `initialize`); blocking.
    pub(super) fn initialize(
        broker_config: BrokerConfig,
        message_store_config: MessageStoreConfig,
        netty_server_config: NettyServerConfig,
        netty_client_config: NettyClientConfig,
        fixed: rmq_common::properties::Properties,
        auth_config: AuthConfig,
        open: StoreOpener,
    ) -> Result<Self, BrokerError> {
        let root = message_store_config.store_path_root_dir.clone();
        let persister = ConfigPersister::start().map_err(|e| BrokerError::io(&root, e))?;
        let config = BrokerConfigHandle::new(broker_config);
        let m = load_managers(&config, &message_store_config, &persister, fixed)?;
        let bc = config.load();
        let s = open_store(
            &message_store_config,
            &bc,
            &persister,
            open,
            &netty_server_config.bind_address,
        )?;
        let consumer_manager = Arc::new(ConsumerManager::new(
            Arc::new(DefaultConsumerIdsChangeListener::new(
                config.clone(),
                m.consumer_filter_manager.clone(),
            )),
            bc.channel_expired_timeout,
        ));
        let auth = build_auth(auth_config, &bc, &message_store_config)?;
        let broker_outer_api = outer_api(netty_client_config, &bc, &auth);
        let register_rx = register_hook(&m.topic_config_manager);
        let broker_stats_manager = Arc::new(BrokerStatsManager::new(&bc.broker_cluster_name));
        let address = Arc::new(BrokerAddress::new(
            bc.broker_ip1.clone(),
            netty_server_config.listen_port,
        ));
        let slave_synchronize = Arc::new(SlaveSynchronize::new(SlaveSynchronizeContext {
            address: address.clone(),
            outer_api: broker_outer_api.clone(),
            topic_config_manager: m.topic_config_manager.clone(),
            consumer_offset_manager: m.consumer_offset_manager.clone(),
            subscription_group_manager: m.subscription_group_manager.clone(),
            schedule_message_service: s.schedule_message_service.clone(),
        }));
        let update_master_ha_server_addr_periodically =
            apply_ha_master_address(&message_store_config, &bc, s.message_store.as_ref());
        let message_store_config = Arc::new(message_store_config);
        let producer_manager = Arc::new(ProducerManager::new());
        let dyn_store: Arc<dyn MessageStore> = s.message_store.clone();
        let transactional_message_service = Arc::new(TransactionalMessageService::new(
            dyn_store,
            config.clone(),
            address.clone(),
            m.consumer_offset_manager.clone(),
            broker_stats_manager.clone(),
        ));
        let transactional_message_check_service = Arc::new(TransactionalMessageCheckService::new(
            transactional_message_service.clone(),
            m.topic_config_manager.clone(),
            producer_manager.clone(),
            message_store_config.clone(),
            s.message_store.role_state().clone(),
        ));
        Ok(BrokerController {
            broker_config: config,
            configuration: Arc::new(m.configuration),
            message_store_config,
            netty_server_config,
            message_store: s.message_store,
            topic_config_manager: m.topic_config_manager,
            subscription_group_manager: m.subscription_group_manager,
            consumer_offset_manager: m.consumer_offset_manager,
            consumer_manager,
            consumer_filter_manager: m.consumer_filter_manager,
            producer_manager,
            rebalance_lock_manager: Arc::new(RebalanceLockManager::default()),
            pull_request_hold_service: s.pull_request_hold_service,
            schedule_message_service: s.schedule_message_service,
            timer_message_store: s.timer_message_store,
            transactional_message_service,
            transactional_message_check_service,
            broker_outer_api,
            slave_synchronize,
            update_master_ha_server_addr_periodically,
            broker_stats: Arc::new(BrokerStats::new(broker_stats_manager.clone())),
            broker_stats_manager,
            send_thread_pool_queue: Arc::new(ThreadPoolQueue::default()),
            persister,
            address,
            register_rx: parking_lot::Mutex::new(Some(register_rx)),
            shutdown: CancellationToken::new(),
            auth,
            isolated: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            replicas_manager: std::sync::OnceLock::new(),
        })
    }
}

/// The ACL 2.0 service (Java `BrokerStartup` sets `configName`, `clusterName` and
/// `authConfigPath = {storePathRootDir}/config`; the controller then builds the metadata
/// managers, runs `AuthMigrator` and `initUser`). Fails the start on a bad auth key.
fn build_auth(
    mut auth_config: AuthConfig,
    bc: &BrokerConfig,
    store_config: &MessageStoreConfig,
) -> Result<Arc<AuthService>, BrokerError> {
    let dir = std::path::Path::new(&store_config.store_path_root_dir).join("config");
    auth_config.config_name = Some(bc.broker_name.clone());
    auth_config.cluster_name = Some(bc.broker_cluster_name.clone());
    auth_config.auth_config_path = Some(dir.display().to_string());
    AuthService::new(&auth_config, &dir, bc.rocketmq_home.as_deref())
        .map(Arc::new)
        .map_err(BrokerError::InvalidConfig)
}

/// The name server / master client, signing with `innerClientAuthenticationCredentials`.
fn outer_api(
    netty_client_config: NettyClientConfig,
    bc: &BrokerConfig,
    auth: &AuthService,
) -> BrokerOuterAPI {
    let client = RemotingClient::new(netty_client_config, Arc::new(RequestDispatcher::new()));
    let api = BrokerOuterAPI::new(client).with_credentials(auth.inner_credentials().cloned());
    if let Some(addrs) = bc.namesrv_addr.as_deref() {
        api.update_name_server_address_list(addrs);
    }
    api
}

/// Builds the managers and loads their files (topics, offsets, groups, filters).
fn load_managers(
    config: &BrokerConfigHandle,
    store_config: &MessageStoreConfig,
    persister: &ConfigPersister,
    fixed: rmq_common::properties::Properties,
) -> Result<Managers, BrokerError> {
    let root = &store_config.store_path_root_dir;
    let shared = config.shared();
    let bc = config.load();
    let config_path = bc
        .broker_config_path
        .clone()
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(crate::configuration::default_broker_config_path);
    let configuration = Configuration::new(shared.clone(), fixed, config_path);
    let topic_config_manager = Arc::new(TopicConfigManager::new(
        shared.clone(),
        root,
        store_config.timer_wheel_enable,
        persister.clone(),
    ));
    let subscription_group_manager = Arc::new(SubscriptionGroupManager::new(
        shared.clone(),
        root,
        persister.clone(),
    ));
    let consumer_offset_manager = Arc::new(ConsumerOffsetManager::new(
        root,
        bc.consumer_offset_update_version_step,
        persister.clone(),
    ));
    let consumer_filter_manager = Arc::new(ConsumerFilterManager::new(
        shared.clone(),
        root,
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
    Ok(Managers {
        configuration,
        topic_config_manager,
        subscription_group_manager,
        consumer_offset_manager,
        consumer_filter_manager,
    })
}

/// Opens and starts the store with its HA service on `ha_bind:haListenPort`, loads the delay
/// offsets and connects long polling.
fn open_store(
    store_config: &MessageStoreConfig,
    bc: &BrokerConfig,
    persister: &ConfigPersister,
    open: StoreOpener,
    ha_bind: &str,
) -> Result<StoreServices, BrokerError> {
    let message_store = open(store_config.clone())?;
    message_store.enable_ha(ha_bind);
    if bc.enable_controller_mode {
        message_store.enable_controller_mode();
    }
    let schedule_message_service = Arc::new(ScheduleMessageService::new(
        store_config,
        message_store.clone(),
        bc.delay_offset_update_version_step,
        persister.clone(),
    )?);
    if !schedule_message_service.load() {
        return Err(BrokerError::InvalidConfig(
            "load delayOffset.json failed".into(),
        ));
    }
    message_store.start()?;
    let store: Arc<dyn MessageStore> = message_store.clone();
    let pull_request_hold_service = Arc::new(PullRequestHoldService::new(store));
    message_store.set_message_arriving_listener(Some(Arc::new(
        NotifyMessageArrivingListener::new(pull_request_hold_service.clone()),
    )));
    // The timer wheel (Java `initializeMessageStore` + `start`): recovered from its
    // checkpoint and timer log, delivering on a master only.
    let timer_message_store = if store_config.timer_wheel_enable {
        let t = TimerMessageStore::open(
            store_config,
            message_store.clone(),
            message_store.role_state().clone(),
        )?;
        t.start()
            .map_err(|e| BrokerError::io(&store_config.store_path_root_dir, e))?;
        Some(t)
    } else {
        None
    };
    Ok(StoreServices {
        message_store,
        schedule_message_service,
        pull_request_hold_service,
        timer_message_store,
    })
}

/// Shortest `haMasterAddress` taken as an address (Java `HA_ADDRESS_MIN_LENGTH`).
const HA_ADDRESS_MIN_LENGTH: usize = 6;

/// On a classic slave, points the store's HA client at `haMasterAddress` when one is
/// configured, once; returns whether the REGISTER_BROKER answers shall point it instead (Java
/// `initializeBrokerScheduledTasks` and `updateMasterHAServerAddrPeriodically`; controller
/// mode, not served by rmq, would also set it).
fn apply_ha_master_address(
    store_config: &MessageStoreConfig,
    bc: &BrokerConfig,
    store: &dyn MessageStore,
) -> bool {
    if bc.enable_controller_mode {
        // The HA address of the master comes with each registration answer (Java sets
        // `updateMasterHAServerAddrPeriodically` in controller mode).
        return true;
    }
    if store_config.duplication_enable || store_config.broker_role != BrokerRole::Slave {
        return false;
    }
    match store_config
        .ha_master_address
        .as_deref()
        .filter(|a| a.len() >= HA_ADDRESS_MIN_LENGTH)
    {
        Some(addr) => {
            store.update_ha_master_address(addr);
            false
        }
        None => true,
    }
}

/// Sends every topic change of the manager to the incremental registration task.
fn register_hook(topics: &TopicConfigManager) -> mpsc::UnboundedReceiver<IncrementRegistration> {
    let (register_tx, register_rx) = mpsc::unbounded_channel();
    topics.set_register_hook(Box::new(move |tc, dv| {
        let _ = register_tx.send(IncrementRegistration {
            topic_config: tc,
            data_version: dv,
        });
    }));
    register_rx
}
