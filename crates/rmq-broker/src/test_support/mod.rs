//! Unit-test support: [`FakeStore`], an in-memory [`rmq_store::MessageStore`], and
//! [`TestParts`], the broker's managers over it in a temp directory, handing out each
//! processor's context (no sockets, no disk store); `broker` starts a whole broker on
//! 127.0.0.1 port 0 for the few tests that need the real store.

pub(crate) mod broker;
mod fake_store;

pub(crate) use fake_store::FakeStore;

use crate::broker_address::BrokerAddress;
use crate::broker_config::BrokerConfig;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::client::consumer_manager::{ConsumerIdsChangeListener, ConsumerManager};
use crate::client::producer_manager::ProducerManager;
use crate::client::rebalance::rebalance_lock_manager::RebalanceLockManager;
use crate::config_manager::ConfigPersister;
use crate::filter::consumer_filter_manager::ConsumerFilterManager;
use crate::longpolling::pull_request_hold_service::PullRequestHoldService;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::out::registrar::BrokerRegistrar;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use futures::future::BoxFuture;
use rmq_common::{DataVersion, TopicConfig};
use rmq_remoting::protocol::body::heartbeat::SubscriptionData;
use rmq_remoting::{Channel, RemotingCommand};
use rmq_store::{MessageStore, MessageStoreConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Counts the registrations a processor asked for.
#[derive(Default)]
pub(crate) struct CountingRegistrar {
    pub full: AtomicUsize,
    pub increments: AtomicUsize,
}

impl BrokerRegistrar for CountingRegistrar {
    fn register_broker_all(&self, _: bool, _: bool, _: bool) -> BoxFuture<'_, ()> {
        self.full.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {})
    }

    fn register_increment(&self, _: Vec<Arc<TopicConfig>>, _: DataVersion) -> BoxFuture<'_, ()> {
        self.increments.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {})
    }
}

struct NoListener;

impl ConsumerIdsChangeListener for NoListener {
    fn consumer_ids_changed(&self, _: &str, _: Vec<Channel>) {}
    fn consumer_registered(&self, _: &str, _: &[SubscriptionData]) {}
    fn consumer_unregistered(&self, _: &str) {}
}

/// The broker's parts over a [`FakeStore`], in a temp directory.
pub(crate) struct TestParts {
    pub dir: tempfile::TempDir,
    pub store: Arc<FakeStore>,
    pub config: BrokerConfigHandle,
    pub store_config: Arc<MessageStoreConfig>,
    pub address: Arc<BrokerAddress>,
    pub topics: Arc<TopicConfigManager>,
    pub groups: Arc<SubscriptionGroupManager>,
    pub offsets: Arc<ConsumerOffsetManager>,
    pub consumers: Arc<ConsumerManager>,
    pub filters: Arc<ConsumerFilterManager>,
    pub producers: Arc<ProducerManager>,
    pub locks: Arc<RebalanceLockManager>,
    pub hold: Arc<PullRequestHoldService>,
    pub schedule: Arc<ScheduleMessageService>,
    pub stats: Arc<BrokerStatsManager>,
    pub registrar: Arc<CountingRegistrar>,
}

impl TestParts {
    /// Parts with the default config (broker `broker-a` on 127.0.0.1:10911).
    pub(crate) fn new() -> Self {
        Self::with_config(|_| {})
    }

    /// Parts with a changed default config.
    pub(crate) fn with_config(f: impl FnOnce(&mut BrokerConfig)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().display().to_string();
        let mut bc = BrokerConfig {
            broker_name: "broker-a".into(),
            broker_ip1: "127.0.0.1".into(),
            namesrv_addr: None,
            ..BrokerConfig::default()
        };
        f(&mut bc);
        let config = BrokerConfigHandle::new(bc);
        let store_config = Arc::new(MessageStoreConfig {
            store_path_root_dir: root.clone(),
            ..MessageStoreConfig::default()
        });
        let persister = ConfigPersister::start().unwrap();
        let shared = config.shared().clone();
        let store = Arc::new(FakeStore::default());
        let dyn_store: Arc<dyn MessageStore> = store.clone();
        let schedule =
            ScheduleMessageService::new(&store_config, dyn_store.clone(), 1, persister.clone());
        TestParts {
            topics: Arc::new(TopicConfigManager::new(
                shared.clone(),
                &root,
                false,
                persister.clone(),
            )),
            groups: Arc::new(SubscriptionGroupManager::new(
                shared.clone(),
                &root,
                persister.clone(),
            )),
            offsets: Arc::new(ConsumerOffsetManager::new(&root, 1, persister.clone())),
            consumers: Arc::new(ConsumerManager::new(Arc::new(NoListener), 120_000)),
            filters: Arc::new(ConsumerFilterManager::new(shared, &root, persister)),
            producers: Arc::new(ProducerManager::new()),
            locks: Arc::new(RebalanceLockManager::default()),
            hold: Arc::new(PullRequestHoldService::new(dyn_store)),
            schedule: Arc::new(schedule.unwrap()),
            stats: Arc::new(BrokerStatsManager::new("DefaultCluster")),
            registrar: Arc::new(CountingRegistrar::default()),
            address: Arc::new(BrokerAddress::new("127.0.0.1", 10911)),
            store_config,
            config,
            store,
            dir,
        }
    }

    pub(crate) fn dyn_store(&self) -> Arc<dyn MessageStore> {
        self.store.clone()
    }
}

/// A channel from a client at 127.0.0.1:5555, with no connection behind it.
pub(crate) fn client_channel() -> Channel {
    Channel::detached("127.0.0.1:5555".parse().unwrap()).0
}

/// Returns `(code, remark)` of an answer.
pub(crate) fn code_remark(r: &RemotingCommand) -> (i32, Option<&str>) {
    (r.code, r.remark.as_deref())
}
