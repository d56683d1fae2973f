//! `MQClientInstance`: the per-client-id core shared by the producers, consumers and admin
//! clients of a process — routes, broker addresses, heartbeats, the rebalance loop, offset
//! persistence and answers to broker calls (Java `impl/factory/MQClientInstance`,
//! `impl/MQClientManager`).

use crate::client_config::ClientConfig;
use crate::consumer::mq_consumer_inner::MQConsumerInner;
use crate::error::ClientError;
use crate::internal::client_remoting_processor::ClientRemotingProcessor;
use crate::internal::mq_client_api_impl::MQClientAPIImpl;
use crate::producer::mq_producer_inner::MQProducerInner;
use crate::producer::topic_publish_info::TopicPublishInfo;
use parking_lot::Mutex;
use rmq_common::{mix_all, perm_name, MessageQueue};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::heartbeat::{ConsumerData, HeartbeatData, ProducerData};
use rmq_remoting::protocol::body::route::TopicRouteData;
use rmq_remoting::{NettyClientConfig, RemotingClient, RequestCode};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// How often rebalance runs without a trigger (`rocketmq.client.rebalance.waitInterval`).
pub const REBALANCE_WAIT_INTERVAL_MILLIS: u64 = 20_000;

fn registry() -> &'static Mutex<HashMap<String, Arc<MQClientInstance>>> {
    static R: OnceLock<Mutex<HashMap<String, Arc<MQClientInstance>>>> = OnceLock::new();
    R.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The shared client core; one per client id in a process.
pub struct MQClientInstance {
    client_id: String,
    config: ClientConfig,
    api: MQClientAPIImpl,
    topic_route_table: Mutex<HashMap<String, TopicRouteData>>,
    broker_addr_table: Mutex<HashMap<String, BTreeMap<u64, String>>>,
    producer_table: Mutex<HashMap<String, Arc<dyn MQProducerInner>>>,
    consumer_table: Mutex<HashMap<String, Arc<dyn MQConsumerInner>>>,
    admin_count: Mutex<usize>,
    rebalance_wakeup: Notify,
    heartbeat_lock: tokio::sync::Mutex<()>,
    shutdown: CancellationToken,
    started: Mutex<bool>,
    default_producer: tokio::sync::OnceCell<crate::producer::DefaultMQProducer>,
    last_forced_heartbeat_millis: std::sync::atomic::AtomicI64,
}

impl MQClientInstance {
    /// Returns the instance of `config`'s client id, creating it if needed
    /// (`MQClientManager#getOrCreateMQClientInstance`).
    pub fn get_or_create(config: &ClientConfig) -> Arc<MQClientInstance> {
        let client_id = config.build_mq_client_id();
        let mut reg = registry().lock();
        if let Some(i) = reg.get(&client_id) {
            return i.clone();
        }
        let inst = Arc::new_cyclic(|weak: &Weak<MQClientInstance>| {
            let mut dispatcher = RequestDispatcher::new();
            let processor = Arc::new(ClientRemotingProcessor::new(weak.clone()));
            for code in [
                RequestCode::CHECK_TRANSACTION_STATE,
                RequestCode::NOTIFY_CONSUMER_IDS_CHANGED,
                RequestCode::RESET_CONSUMER_CLIENT_OFFSET,
                RequestCode::GET_CONSUMER_STATUS_FROM_CLIENT,
                RequestCode::GET_CONSUMER_RUNNING_INFO,
                RequestCode::CONSUME_MESSAGE_DIRECTLY,
            ] {
                dispatcher.register_processor(code, processor.clone());
            }
            // Java: MQClientInstance copies ClientConfig.useTLS into its NettyClientConfig.
            let netty = NettyClientConfig {
                use_tls: config.use_tls,
                ..NettyClientConfig::default()
            };
            let remoting = RemotingClient::new(netty, Arc::new(dispatcher));
            remoting.update_name_server_address_list(config.namesrv_addr_list());
            MQClientInstance {
                client_id: client_id.clone(),
                config: config.clone(),
                api: MQClientAPIImpl::with_credentials(remoting, config.credentials.clone()),
                topic_route_table: Mutex::new(HashMap::new()),
                broker_addr_table: Mutex::new(HashMap::new()),
                producer_table: Mutex::new(HashMap::new()),
                consumer_table: Mutex::new(HashMap::new()),
                admin_count: Mutex::new(0),
                rebalance_wakeup: Notify::new(),
                heartbeat_lock: tokio::sync::Mutex::new(()),
                shutdown: CancellationToken::new(),
                started: Mutex::new(false),
                default_producer: tokio::sync::OnceCell::new(),
                last_forced_heartbeat_millis: std::sync::atomic::AtomicI64::new(0),
            }
        });
        reg.insert(client_id, inst.clone());
        inst
    }

    /// Returns the client id, `clientIP@instanceName[@unitName]`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Returns the configuration the instance was created with.
    pub fn client_config(&self) -> &ClientConfig {
        &self.config
    }

    /// Returns the RPC layer.
    pub fn api(&self) -> &MQClientAPIImpl {
        &self.api
    }

    /// Returns the control-call timeout.
    pub fn api_timeout_millis(&self) -> u64 {
        self.config.mq_client_api_timeout_millis
    }

    /// Starts the scheduled tasks once (`start`): route refresh, heartbeat, offset persist,
    /// rebalance. Must run inside a tokio runtime.
    pub fn start(self: &Arc<Self>) {
        let mut started = self.started.lock();
        if *started {
            return;
        }
        *started = true;
        let tok = self.shutdown.clone();
        let me = Arc::downgrade(self);
        let poll = self.config.poll_name_server_interval_millis.max(1);
        spawn_periodic(me.clone(), tok.clone(), 10, poll, |i| async move {
            i.update_topic_route_info_from_name_server_all().await;
        });
        let hb = self.config.heartbeat_broker_interval_millis.max(1);
        spawn_periodic(me.clone(), tok.clone(), 1000, hb, |i| async move {
            i.clean_offline_broker();
            i.send_heartbeat_to_all_broker_with_lock().await;
        });
        let persist = self.config.persist_consumer_offset_interval_millis.max(1);
        spawn_periodic(me.clone(), tok.clone(), 10_000, persist, |i| async move {
            i.persist_all_consumer_offset().await;
        });
        // RebalanceService: every 20 s or when woken.
        tokio::spawn(async move {
            loop {
                let Some(inst) = me.upgrade() else { return };
                tokio::select! {
                    _ = tok.cancelled() => return,
                    _ = inst.rebalance_wakeup.notified() => {}
                    _ = tokio::time::sleep(Duration::from_millis(REBALANCE_WAIT_INTERVAL_MILLIS)) => {}
                }
                inst.do_rebalance().await;
                drop(inst);
                // At least 1 s between two rebalances.
                tokio::select! {
                    _ = tok.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_millis(1000)) => {}
                }
            }
        });
    }

    /// Wakes the rebalance loop (`rebalanceImmediately`).
    pub fn rebalance_immediately(&self) {
        self.rebalance_wakeup.notify_one();
    }

    /// Registers a producer group; false if the group is taken (`registerProducer`).
    pub fn register_producer(&self, group: &str, producer: Arc<dyn MQProducerInner>) -> bool {
        let mut t = self.producer_table.lock();
        if t.contains_key(group) {
            return false;
        }
        t.insert(group.to_string(), producer);
        true
    }

    /// Registers a consumer group; false if the group is taken (`registerConsumer`).
    pub fn register_consumer(&self, group: &str, consumer: Arc<dyn MQConsumerInner>) -> bool {
        let mut t = self.consumer_table.lock();
        if t.contains_key(group) {
            return false;
        }
        t.insert(group.to_string(), consumer);
        true
    }

    /// The start-up steps the push and lite pull consumers share
    /// (`DefaultMQPushConsumerImpl#start`, `DefaultLitePullConsumerImpl#start`): registers the
    /// group, failing with Java's text when it already runs in this instance, starts the
    /// instance, fetches the routes of the subscribed topics
    /// (`updateTopicSubscribeInfoWhenSubscriptionChanged`) and sends a heartbeat.
    pub(crate) async fn start_consumer(
        self: &Arc<Self>,
        consumer: Arc<dyn MQConsumerInner>,
    ) -> Result<(), ClientError> {
        let group = consumer.group_name();
        if !self.register_consumer(&group, consumer.clone()) {
            return Err(ClientError::client(
                -1,
                mix_all::suggest_todo(&format!(
                    "The consumer group[{group}] has been created before, specify another name please."
                )),
            ));
        }
        self.start();
        for sd in consumer.subscriptions() {
            let t = sd.topic;
            if let Err(e) = self.update_topic_route_info_from_name_server(&t).await {
                if !mix_all::is_retry_topic(&t) {
                    tracing::warn!(topic = %t, error = %e, "update topic route at start failed");
                }
            }
        }
        self.send_heartbeat_to_all_broker_with_lock().await;
        Ok(())
    }

    /// Topics such as `%RETRY%<group>` only get a route once the broker saw our heartbeat;
    /// fetches the routes a just started consumer still lacks a few times soon after start,
    /// instead of waiting for the 30 s refresh, and rebalances when one arrives.
    pub(crate) fn spawn_fetch_missing_routes(
        self: &Arc<Self>,
        consumer: Weak<dyn MQConsumerInner>,
        shutdown: CancellationToken,
    ) {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            for attempt in 1..=10u64 {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_millis(300 * attempt)) => {}
                }
                let (Some(c), Some(inst)) = (consumer.upgrade(), weak.upgrade()) else {
                    return;
                };
                let missing: Vec<String> = c
                    .subscriptions()
                    .into_iter()
                    .map(|sd| sd.topic)
                    .filter(|t| c.is_subscribe_topic_need_update(t))
                    .collect();
                if missing.is_empty() {
                    return;
                }
                let mut found = false;
                for t in missing {
                    found |= inst
                        .update_topic_route_info_from_name_server(&t)
                        .await
                        .is_ok();
                }
                if found {
                    inst.rebalance_immediately();
                }
            }
        });
    }

    /// Counts an admin client using the instance.
    pub fn register_admin(&self) {
        *self.admin_count.lock() += 1;
    }

    /// Returns the consumer of a group.
    pub fn select_consumer(&self, group: &str) -> Option<Arc<dyn MQConsumerInner>> {
        self.consumer_table.lock().get(group).cloned()
    }

    /// Returns the producer of a group.
    pub fn select_producer(&self, group: &str) -> Option<Arc<dyn MQProducerInner>> {
        self.producer_table.lock().get(group).cloned()
    }

    /// Unregisters a producer group locally and on every broker (`unregisterProducer`), then
    /// shuts the instance down if nothing uses it any more.
    pub async fn unregister_producer(&self, group: &str) {
        self.producer_table.lock().remove(group);
        self.unregister_client(Some(group), None).await;
        self.shutdown_if_unused().await;
    }

    /// Unregisters a consumer group locally and on every broker (`unregisterConsumer`), then
    /// shuts the instance down if nothing uses it any more.
    pub async fn unregister_consumer(&self, group: &str) {
        self.consumer_table.lock().remove(group);
        self.unregister_client(None, Some(group)).await;
        self.shutdown_if_unused().await;
    }

    /// Releases an admin client's use of the instance.
    pub async fn unregister_admin(&self) {
        {
            let mut n = self.admin_count.lock();
            *n = n.saturating_sub(1);
        }
        self.shutdown_if_unused().await;
    }

    async fn unregister_client(&self, producer_group: Option<&str>, consumer_group: Option<&str>) {
        for (name, addrs) in self.broker_addr_snapshot() {
            for addr in addrs.values() {
                if let Err(e) = self
                    .api
                    .unregister_client(
                        addr,
                        &self.client_id,
                        producer_group,
                        consumer_group,
                        self.api_timeout_millis(),
                    )
                    .await
                {
                    tracing::warn!(broker = %name, addr = %addr, error = %e, "unregister client exception from broker");
                }
            }
        }
    }

    /// Returns the instance's own producer (group `CLIENT_INNER_PRODUCER`), started on first
    /// use; consumers send messages back through it when CONSUMER_SEND_MSG_BACK fails
    /// (`getDefaultMQProducer`).
    pub async fn default_producer(
        &self,
    ) -> Result<crate::producer::DefaultMQProducer, ClientError> {
        self.default_producer
            .get_or_try_init(|| async {
                let p = crate::producer::DefaultMQProducer::builder(
                    mix_all::CLIENT_INNER_PRODUCER_GROUP,
                )
                .client_config(self.config.clone())
                .build();
                p.start().await?;
                Ok::<_, ClientError>(p)
            })
            .await
            .cloned()
    }

    async fn shutdown_if_unused(&self) {
        let unused = self
            .producer_table
            .lock()
            .keys()
            .all(|g| g == mix_all::CLIENT_INNER_PRODUCER_GROUP)
            && self.consumer_table.lock().is_empty()
            && *self.admin_count.lock() == 0;
        if !unused || self.shutdown.is_cancelled() {
            return;
        }
        self.producer_table.lock().clear();
        self.shutdown.cancel();
        self.api.remoting().shutdown().await;
        let mut reg = registry().lock();
        if reg
            .get(&self.client_id)
            .is_some_and(|i| std::ptr::eq(Arc::as_ptr(i), self))
        {
            reg.remove(&self.client_id);
        }
    }

    /// Returns a copy of the broker address table.
    pub fn broker_addr_snapshot(&self) -> HashMap<String, BTreeMap<u64, String>> {
        self.broker_addr_table.lock().clone()
    }

    /// Returns the master address of a broker (`findBrokerAddressInPublish`).
    pub fn find_broker_address_in_publish(&self, broker_name: &str) -> Option<String> {
        self.broker_addr_table
            .lock()
            .get(broker_name)
            .and_then(|m| m.get(&mix_all::MASTER_ID).cloned())
    }

    /// Returns an address of a broker for reading (Java `findBrokerAddressInSubscribe`): the
    /// address of `broker_id`; else, for a slave id, the next id; else (unless
    /// `only_this_broker`) the smallest id known (a slave when the master is gone).
    pub fn find_broker_address_in_subscribe(
        &self,
        broker_name: &str,
        broker_id: u64,
        only_this_broker: bool,
    ) -> Option<String> {
        self.find_broker_in_subscribe(broker_name, broker_id, only_this_broker)
            .map(|(addr, _)| addr)
    }

    /// [`Self::find_broker_address_in_subscribe`] with whether the address is a slave's (Java
    /// `FindBrokerResult.isSlave`).
    pub fn find_broker_in_subscribe(
        &self,
        broker_name: &str,
        broker_id: u64,
        only_this_broker: bool,
    ) -> Option<(String, bool)> {
        let t = self.broker_addr_table.lock();
        pick_broker_in_subscribe(t.get(broker_name)?, broker_id, only_this_broker)
    }

    /// Returns the address of some broker serving `topic` (`findBrokerAddrByTopic`).
    pub fn find_broker_addr_by_topic(&self, topic: &str) -> Option<String> {
        let t = self.topic_route_table.lock();
        let route = t.get(topic)?;
        if route.broker_datas.is_empty() {
            return None;
        }
        let i = rand::random_range(0..route.broker_datas.len());
        route
            .broker_datas
            .get(i)
            .and_then(|bd| bd.select_broker_addr())
            .map(str::to_string)
    }

    /// Returns the current route of a topic.
    pub fn topic_route(&self, topic: &str) -> Option<TopicRouteData> {
        self.topic_route_table.lock().get(topic).cloned()
    }

    /// Returns the client ids of a group, asked from a broker of `topic`
    /// (`findConsumerIdList`).
    pub async fn find_consumer_id_list(
        &self,
        topic: &str,
        group: &str,
    ) -> Result<Vec<String>, ClientError> {
        let mut addr = self.find_broker_addr_by_topic(topic);
        if addr.is_none() {
            self.update_topic_route_info_from_name_server(topic).await?;
            addr = self.find_broker_addr_by_topic(topic);
        }
        let Some(addr) = addr else {
            return Err(ClientError::NoRouteInfo {
                topic: topic.to_string(),
                message: no_route_text(topic),
            });
        };
        self.api
            .get_consumer_id_list_by_group(&addr, group, self.api_timeout_millis())
            .await
    }

    /// Fetches the route of `topic` and spreads it to producers and consumers
    /// (`updateTopicRouteInfoFromNameServer(topic)`); returns true if it changed.
    pub async fn update_topic_route_info_from_name_server(
        &self,
        topic: &str,
    ) -> Result<bool, ClientError> {
        let route = self
            .api
            .get_topic_route_info_from_name_server(topic, self.api_timeout_millis())
            .await?;
        Ok(self.apply_route(topic, route))
    }

    /// Uses the route of `TBW102` (queue counts capped at `default_topic_queue_nums`) for a
    /// topic the name server does not know yet (`updateTopicRouteInfoFromNameServer(topic,
    /// true, producer)`).
    pub async fn update_topic_route_info_from_default_topic(
        &self,
        topic: &str,
        default_topic: &str,
        default_topic_queue_nums: i32,
    ) -> Result<bool, ClientError> {
        let mut route = self
            .api
            .get_topic_route_info_from_name_server(default_topic, self.api_timeout_millis())
            .await?;
        for qd in &mut route.queue_datas {
            let n = default_topic_queue_nums.min(qd.read_queue_nums);
            qd.read_queue_nums = n;
            qd.write_queue_nums = n;
        }
        Ok(self.apply_route(topic, route))
    }

    fn apply_route(&self, topic: &str, route: TopicRouteData) -> bool {
        let changed = self.topic_route_table.lock().get(topic) != Some(&route);
        let need_update = changed
            || self
                .producers()
                .iter()
                .any(|p| p.is_publish_topic_need_update(topic))
            || self
                .consumers()
                .iter()
                .any(|c| c.is_subscribe_topic_need_update(topic));
        if !need_update {
            return false;
        }
        {
            let mut t = self.broker_addr_table.lock();
            for bd in &route.broker_datas {
                t.insert(bd.broker_name.clone(), bd.broker_addrs.clone());
            }
        }
        let mut publish = TopicPublishInfo::from_route(topic, &route);
        publish.have_topic_router_info = true;
        let publish = Arc::new(publish);
        for p in self.producers() {
            p.update_topic_publish_info(topic, publish.clone());
        }
        let subscribe = topic_route_data_to_topic_subscribe_info(topic, &route);
        for c in self.consumers() {
            c.update_topic_subscribe_info(topic, &subscribe);
        }
        if changed {
            tracing::info!(topic, route = ?route, "topicRouteTable.put");
        }
        self.topic_route_table
            .lock()
            .insert(topic.to_string(), route);
        true
    }

    fn producers(&self) -> Vec<Arc<dyn MQProducerInner>> {
        self.producer_table.lock().values().cloned().collect()
    }

    fn consumers(&self) -> Vec<Arc<dyn MQConsumerInner>> {
        self.consumer_table.lock().values().cloned().collect()
    }

    /// Refreshes the routes of every topic in use (`updateTopicRouteInfoFromNameServer()`).
    pub async fn update_topic_route_info_from_name_server_all(&self) {
        let mut topics = BTreeSet::new();
        for c in self.consumers() {
            for sd in c.subscriptions() {
                topics.insert(sd.topic);
            }
        }
        for p in self.producers() {
            topics.extend(p.publish_topic_list());
        }
        for topic in topics {
            if let Err(e) = self.update_topic_route_info_from_name_server(&topic).await {
                tracing::debug!(topic, error = %e, "updateTopicRouteInfoFromNameServer failed");
            }
        }
    }

    /// Drops brokers no route mentions any more (`cleanOfflineBroker`).
    pub fn clean_offline_broker(&self) {
        let routes = self.topic_route_table.lock();
        let mut t = self.broker_addr_table.lock();
        t.retain(|name, addrs| {
            addrs.retain(|_, addr| {
                routes.values().any(|r| {
                    r.broker_datas
                        .iter()
                        .any(|bd| bd.broker_addrs.values().any(|a| a == addr))
                })
            });
            let keep = !addrs.is_empty();
            if !keep {
                tracing::info!(broker = %name, "the broker is offline, remove it");
            }
            keep
        });
    }

    fn prepare_heartbeat_data(&self) -> HeartbeatData {
        let mut hb = HeartbeatData {
            client_id: self.client_id.clone(),
            ..Default::default()
        };
        for c in self.consumers() {
            hb.consumer_data_set.push(ConsumerData {
                group_name: c.group_name(),
                consume_type: c.consume_type(),
                message_model: c.message_model(),
                consume_from_where: c.consume_from_where(),
                subscription_data_set: c.subscriptions(),
                unit_mode: self.config.unit_mode,
            });
        }
        for p in self.producers() {
            hb.producer_data_set.push(ProducerData {
                group_name: p.group(),
            });
        }
        hb
    }

    /// Sends a heartbeat to every known broker (`sendHeartbeatToAllBrokerWithLock`):
    /// producers-only instances skip slaves.
    pub async fn send_heartbeat_to_all_broker_with_lock(&self) {
        let _g = self.heartbeat_lock.lock().await;
        let hb = self.prepare_heartbeat_data();
        if hb.consumer_data_set.is_empty() && hb.producer_data_set.is_empty() {
            return;
        }
        let producers_only = hb.consumer_data_set.is_empty();
        for (name, addrs) in self.broker_addr_snapshot() {
            for (id, addr) in addrs {
                if producers_only && id != mix_all::MASTER_ID {
                    continue;
                }
                match self
                    .api
                    .send_heartbeat(&addr, &hb, self.api_timeout_millis())
                    .await
                {
                    Ok(_) => {
                        tracing::debug!(broker = %name, addr = %addr, client_id = %self.client_id, "send heart beat to broker")
                    }
                    Err(e) => {
                        tracing::warn!(broker = %name, addr = %addr, error = %e, "send heart beat to broker exception")
                    }
                }
            }
        }
    }

    /// Sends heartbeats now, at most once every 2 s: a broker that answers a pull with
    /// SUBSCRIPTION_NOT_EXIST lost our registration (it restarted), and waiting for the next
    /// periodic heartbeat would stall consumption up to 30 s.
    pub fn heartbeat_soon(self: &Arc<Self>) {
        let now = rmq_common::util_all::current_millis();
        let last = self
            .last_forced_heartbeat_millis
            .load(std::sync::atomic::Ordering::Relaxed);
        if now - last < 2000
            || self
                .last_forced_heartbeat_millis
                .compare_exchange(
                    last,
                    now,
                    std::sync::atomic::Ordering::AcqRel,
                    std::sync::atomic::Ordering::Relaxed,
                )
                .is_err()
        {
            return;
        }
        let me = self.clone();
        tokio::spawn(async move { me.send_heartbeat_to_all_broker_with_lock().await });
    }

    /// Persists the offsets of every consumer (`persistAllConsumerOffset`).
    pub async fn persist_all_consumer_offset(&self) {
        for c in self.consumers() {
            c.persist_consumer_offset().await;
        }
    }

    /// Rebalances every consumer (`doRebalance`).
    pub async fn do_rebalance(&self) {
        for c in self.consumers() {
            c.do_rebalance().await;
        }
    }

    /// Returns the queues of a topic that consumers can read, from the name server
    /// (`MQAdminImpl#fetchSubscribeMessageQueues`).
    pub async fn fetch_subscribe_message_queues(
        &self,
        topic: &str,
    ) -> Result<BTreeSet<MessageQueue>, ClientError> {
        let route = self
            .api
            .get_topic_route_info_from_name_server(topic, self.api_timeout_millis())
            .await?;
        self.apply_route(topic, route.clone());
        let set = topic_route_data_to_topic_subscribe_info(topic, &route);
        if set.is_empty() {
            return Err(ClientError::client(
                -1,
                format!("Can not find Message Queue for this topic, {topic}"),
            ));
        }
        Ok(set)
    }

    /// Returns the master address of the broker holding `mq`, refreshing the route once if
    /// it is unknown.
    pub async fn broker_addr_for_queue(&self, mq: &MessageQueue) -> Result<String, ClientError> {
        if let Some(a) = self.find_broker_address_in_publish(&mq.broker_name) {
            return Ok(a);
        }
        let _ = self
            .update_topic_route_info_from_name_server(&mq.topic)
            .await;
        self.find_broker_address_in_publish(&mq.broker_name)
            .or_else(|| self.find_broker_address_in_subscribe(&mq.broker_name, 0, false))
            .ok_or_else(|| {
                ClientError::client(-1, format!("The broker[{}] not exist", mq.broker_name))
            })
    }
}

/// Returns the readable queues of a route (`topicRouteData2TopicSubscribeInfo`).
pub fn topic_route_data_to_topic_subscribe_info(
    topic: &str,
    route: &TopicRouteData,
) -> BTreeSet<MessageQueue> {
    let mut set = BTreeSet::new();
    for qd in &route.queue_datas {
        if perm_name::is_readable(qd.perm) {
            for i in 0..qd.read_queue_nums {
                set.insert(MessageQueue::new(topic, &qd.broker_name, i));
            }
        }
    }
    set
}

/// Java's text for a topic without route, with the FAQ pointer.
pub fn no_route_text(topic: &str) -> String {
    mix_all::suggest_todo(&format!("No route info of this topic: {topic}"))
}

fn spawn_periodic<F, Fut>(
    me: Weak<MQClientInstance>,
    tok: CancellationToken,
    initial_delay_millis: u64,
    period_millis: u64,
    f: F,
) where
    F: Fn(Arc<MQClientInstance>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut delay = initial_delay_millis;
        loop {
            tokio::select! {
                _ = tok.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_millis(delay)) => {}
            }
            let Some(inst) = me.upgrade() else { return };
            f(inst).await;
            delay = period_millis;
        }
    });
}

/// The choice of [`MQClientInstance::find_broker_in_subscribe`] among the addresses of one
/// broker name, by id.
fn pick_broker_in_subscribe(
    addrs: &BTreeMap<u64, String>,
    broker_id: u64,
    only_this_broker: bool,
) -> Option<(String, bool)> {
    addrs
        .get_key_value(&broker_id)
        .or_else(|| {
            (broker_id != mix_all::MASTER_ID)
                .then(|| addrs.get_key_value(&(broker_id + 1)))
                .flatten()
        })
        .or_else(|| (!only_this_broker).then(|| addrs.iter().next()).flatten())
        .map(|(id, addr)| (addr.clone(), *id != mix_all::MASTER_ID))
}

#[cfg(test)]
mod subscribe_pick_tests {
    use super::*;

    #[test]
    fn picks_as_javas_find_broker_address_in_subscribe() {
        let both: BTreeMap<u64, String> = [(0, "m".to_string()), (1, "s".to_string())].into();
        let slave_only: BTreeMap<u64, String> = [(1, "s".to_string())].into();
        let pick = |m, id, only| pick_broker_in_subscribe(m, id, only);
        assert_eq!(pick(&both, 0, true), Some(("m".into(), false)));
        assert_eq!(pick(&both, 1, false), Some(("s".into(), true)));
        // The master is gone: id 0 falls back to the slave unless only id 0 will do.
        assert_eq!(pick(&slave_only, 0, true), None);
        assert_eq!(pick(&slave_only, 0, false), Some(("s".into(), true)));
        // A suggested slave id that is unknown moves to the next id.
        let two: BTreeMap<u64, String> = [(0, "m".to_string()), (2, "s2".to_string())].into();
        assert_eq!(pick(&two, 1, true), Some(("s2".into(), true)));
        assert_eq!(pick(&two, 3, false), Some(("m".into(), false)));
    }
}

#[cfg(test)]
mod tls_tests {
    use super::*;

    #[tokio::test]
    async fn use_tls_reaches_the_remoting_client() {
        for use_tls in [true, false] {
            let config = ClientConfig {
                instance_name: format!("tls-test-{use_tls}"),
                use_tls,
                ..ClientConfig::default()
            };
            let inst = MQClientInstance::get_or_create(&config);
            assert_eq!(inst.api().remoting().config().use_tls, use_tls);
        }
    }

    #[test]
    fn credentials_reach_the_api_layer() {
        let creds = rmq_remoting::acl::SessionCredentials::new("ak", "sk");
        let config = ClientConfig {
            instance_name: "acl-test".into(),
            credentials: Some(creds.clone()),
            ..ClientConfig::default()
        };
        let inst = MQClientInstance::get_or_create(&config);
        assert_eq!(inst.api().credentials(), Some(&creds));
        let builder = crate::DefaultMQProducer::builder("g").credentials(creds.clone());
        assert_eq!(builder.client_config.credentials, Some(creds));
    }
}
