//! `RebalanceImpl`: computes which queues this client owns and keeps the process queue
//! table in step — drop what went away, lock (orderly) and start what arrived (Java
//! `impl/consumer/RebalanceImpl`; the push and lite-pull specifics come through
//! [`RebalanceHooks`], as `RebalancePushImpl`/`RebalanceLitePullImpl` override them).

use super::process_queue::ProcessQueue;
use super::rebalance::AllocateMessageQueueStrategy;
use super::store::{OffsetStore, ReadOffsetType};
use crate::factory::MQClientInstance;
use async_trait::async_trait;
use parking_lot::Mutex;
use rmq_common::{mix_all, MessageQueue};
use rmq_remoting::protocol::body::heartbeat::{ConsumeFromWhere, MessageModel, SubscriptionData};
use rmq_remoting::protocol::body::lock::{LockBatchRequestBody, UnlockBatchRequestBody};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A queue newly assigned to this client, with where to start (`PullRequest`).
#[derive(Clone)]
pub struct PullRequest {
    /// The queue.
    pub message_queue: MessageQueue,
    /// Its cache.
    pub process_queue: Arc<ProcessQueue>,
    /// The offset to pull first.
    pub next_offset: i64,
}

/// What differs between push and lite pull rebalancing.
#[async_trait]
pub trait RebalanceHooks: Send + Sync {
    /// Called before a queue is dropped; false keeps it for now (`removeUnnecessaryMessageQueue`).
    async fn remove_unnecessary_message_queue(&self, mq: &MessageQueue, pq: &ProcessQueue) -> bool;
    /// Forgets an old in-memory offset of a queue about to be added (`removeDirtyOffset`).
    fn remove_dirty_offset(&self, mq: &MessageQueue);
    /// Returns where a newly assigned queue starts, or an error text (`computePullFromWhere`).
    async fn compute_pull_from_where(&self, mq: &MessageQueue) -> Result<i64, String>;
    /// Starts pulling the new queues (`dispatchPullRequest`).
    fn dispatch_pull_request(&self, requests: Vec<PullRequest>);
    /// Told when a topic's assignment changed (`messageQueueChanged`).
    fn message_queue_changed(
        &self,
        topic: &str,
        mq_all: &BTreeSet<MessageQueue>,
        mq_divided: &BTreeSet<MessageQueue>,
    );
    /// True for push consumers (queues not pulled for 120 s are dropped).
    fn is_push(&self) -> bool;
}

/// Rebalance state of one consumer group.
pub struct RebalanceImpl {
    consumer_group: String,
    message_model: MessageModel,
    strategy: Arc<dyn AllocateMessageQueueStrategy>,
    instance: Arc<MQClientInstance>,
    /// Subscriptions by topic.
    pub subscription_inner: Mutex<BTreeMap<String, SubscriptionData>>,
    /// Readable queues by topic, from the routes.
    pub topic_subscribe_info_table: Mutex<HashMap<String, BTreeSet<MessageQueue>>>,
    /// Queues owned now.
    pub process_queue_table: Mutex<HashMap<MessageQueue, Arc<ProcessQueue>>>,
    rebalance_lock: tokio::sync::Mutex<()>,
}

impl RebalanceImpl {
    /// Builds the rebalance state of a group.
    pub fn new(
        consumer_group: &str,
        message_model: MessageModel,
        strategy: Arc<dyn AllocateMessageQueueStrategy>,
        instance: Arc<MQClientInstance>,
    ) -> Self {
        RebalanceImpl {
            consumer_group: consumer_group.to_string(),
            message_model,
            strategy,
            instance,
            subscription_inner: Mutex::new(BTreeMap::new()),
            topic_subscribe_info_table: Mutex::new(HashMap::new()),
            process_queue_table: Mutex::new(HashMap::new()),
            rebalance_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// Returns the strategy.
    pub fn strategy(&self) -> &Arc<dyn AllocateMessageQueueStrategy> {
        &self.strategy
    }

    /// Returns the owned queues and their caches.
    pub fn process_queues(&self) -> Vec<(MessageQueue, Arc<ProcessQueue>)> {
        self.process_queue_table
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Returns the subscribed topics, retry topic included.
    pub fn subscribed_topics(&self) -> Vec<String> {
        self.subscription_inner.lock().keys().cloned().collect()
    }

    /// Returns the subscriptions, retry topic included (`getSubscriptionInner`).
    pub fn subscriptions(&self) -> Vec<SubscriptionData> {
        self.subscription_inner.lock().values().cloned().collect()
    }

    /// Adds or replaces a subscription of a running consumer, then, in the background,
    /// fetches the topic's route, sends a heartbeat and wakes the rebalance.
    pub fn subscribe(&self, sd: SubscriptionData) {
        let topic = sd.topic.clone();
        self.subscription_inner.lock().insert(topic.clone(), sd);
        let instance = self.instance.clone();
        tokio::spawn(async move {
            let _ = instance
                .update_topic_route_info_from_name_server(&topic)
                .await;
            instance.send_heartbeat_to_all_broker_with_lock().await;
            instance.rebalance_immediately();
        });
    }

    /// Stores the readable queues of a subscribed topic (`updateTopicSubscribeInfo`).
    pub fn update_topic_subscribe_info(&self, topic: &str, info: &BTreeSet<MessageQueue>) {
        if self.subscription_inner.lock().contains_key(topic) {
            self.topic_subscribe_info_table
                .lock()
                .insert(topic.to_string(), info.clone());
        }
    }

    /// Returns true when a subscribed topic has no queue information yet
    /// (`isSubscribeTopicNeedUpdate`).
    pub fn is_subscribe_topic_need_update(&self, topic: &str) -> bool {
        self.subscription_inner.lock().contains_key(topic)
            && !self.topic_subscribe_info_table.lock().contains_key(topic)
    }

    /// Removes a queue from the table, marking it dropped (`removeProcessQueue`).
    pub fn remove_process_queue(&self, mq: &MessageQueue) -> Option<Arc<ProcessQueue>> {
        let pq = self.process_queue_table.lock().remove(mq);
        if let Some(pq) = &pq {
            pq.set_dropped(true);
        }
        pq
    }

    /// Rebalances every subscribed topic (`doRebalance`); `is_order` locks new queues first.
    pub async fn do_rebalance(&self, hooks: &dyn RebalanceHooks, is_order: bool) {
        let _g = self.rebalance_lock.lock().await;
        let topics = self.subscribed_topics();
        for topic in &topics {
            self.rebalance_by_topic(hooks, topic, is_order).await;
        }
        // truncateMessageQueueNotMyTopic
        let stale: Vec<MessageQueue> = self
            .process_queue_table
            .lock()
            .keys()
            .filter(|mq| !topics.contains(&mq.topic))
            .cloned()
            .collect();
        for mq in stale {
            if self.remove_process_queue(&mq).is_some() {
                tracing::info!(group = %self.consumer_group, mq = %mq, "doRebalance, truncateMessageQueueNotMyTopic remove unnecessary mq");
            }
        }
    }

    async fn rebalance_by_topic(&self, hooks: &dyn RebalanceHooks, topic: &str, is_order: bool) {
        let mq_set = self.topic_subscribe_info_table.lock().get(topic).cloned();
        let Some(mq_set) = mq_set else {
            if !mix_all::is_retry_topic(topic) {
                tracing::warn!(group = %self.consumer_group, topic, "doRebalance, {}, but the topic[{}] not exist.", self.consumer_group, topic);
            }
            return;
        };
        let allocated: BTreeSet<MessageQueue> = match self.message_model {
            MessageModel::Broadcasting => mq_set.clone(),
            MessageModel::Clustering => {
                let cids = match self
                    .instance
                    .find_consumer_id_list(topic, &self.consumer_group)
                    .await
                {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(group = %self.consumer_group, topic, error = %e, "doRebalance, get consumer id list failed");
                        return;
                    }
                };
                if cids.is_empty() {
                    tracing::warn!(group = %self.consumer_group, topic, "doRebalance, {} {}, get consumer id list failed", self.consumer_group, topic);
                    return;
                }
                let mut cids = cids;
                cids.sort();
                let mqs: Vec<MessageQueue> = mq_set.iter().cloned().collect();
                self.strategy
                    .allocate(&self.consumer_group, self.instance.client_id(), &mqs, &cids)
                    .into_iter()
                    .collect()
            }
        };
        let changed = self
            .update_process_queue_table_in_rebalance(hooks, topic, &allocated, is_order)
            .await;
        if changed {
            tracing::info!(group = %self.consumer_group, topic, client_id = self.instance.client_id(), mq_all = mq_set.len(), mq_divided = allocated.len(), "client rebalanced result changed. allocateMessageQueueStrategyName={}", self.strategy.name());
            hooks.message_queue_changed(topic, &mq_set, &allocated);
        }
    }

    /// Applies an allocation (`updateProcessQueueTableInRebalance`); true if it changed.
    pub async fn update_process_queue_table_in_rebalance(
        &self,
        hooks: &dyn RebalanceHooks,
        topic: &str,
        mq_set: &BTreeSet<MessageQueue>,
        is_order: bool,
    ) -> bool {
        let mut changed = false;
        let current: Vec<(MessageQueue, Arc<ProcessQueue>)> = self
            .process_queue_table
            .lock()
            .iter()
            .filter(|(mq, _)| mq.topic == topic)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (mq, pq) in current {
            let drop_it = if !mq_set.contains(&mq) {
                true
            } else {
                hooks.is_push() && pq.is_pull_expired()
            };
            if !drop_it {
                continue;
            }
            pq.set_dropped(true);
            if hooks.remove_unnecessary_message_queue(&mq, &pq).await {
                self.process_queue_table.lock().remove(&mq);
                changed = true;
                tracing::info!(group = %self.consumer_group, mq = %mq, "doRebalance, remove unnecessary mq");
            }
        }
        let mut requests = Vec::new();
        for mq in mq_set {
            if self.process_queue_table.lock().contains_key(mq) {
                continue;
            }
            if is_order && !self.lock(mq).await {
                tracing::warn!(group = %self.consumer_group, mq = %mq, "doRebalance, add a new mq failed, because lock failed");
                continue;
            }
            hooks.remove_dirty_offset(mq);
            let pq = Arc::new(ProcessQueue::default());
            if is_order {
                pq.set_locked(true);
                pq.touch_lock();
            }
            match hooks.compute_pull_from_where(mq).await {
                Ok(next_offset) if next_offset >= 0 => {
                    self.process_queue_table
                        .lock()
                        .insert(mq.clone(), pq.clone());
                    tracing::info!(group = %self.consumer_group, mq = %mq, next_offset, "doRebalance, add a new mq");
                    requests.push(PullRequest {
                        message_queue: mq.clone(),
                        process_queue: pq,
                        next_offset,
                    });
                    changed = true;
                }
                Ok(o) => {
                    tracing::warn!(group = %self.consumer_group, mq = %mq, offset = o, "doRebalance, add new mq failed")
                }
                Err(e) => {
                    tracing::warn!(group = %self.consumer_group, mq = %mq, error = %e, "doRebalance, add new mq failed")
                }
            }
        }
        hooks.dispatch_pull_request(requests);
        changed
    }

    /// Returns the master address of a broker: queue locks live on masters.
    fn master_addr(&self, broker_name: &str) -> Option<String> {
        self.instance
            .find_broker_address_in_subscribe(broker_name, mix_all::MASTER_ID, true)
    }

    /// Locks one queue on its broker (`lock`); true if this client holds it now.
    pub async fn lock(&self, mq: &MessageQueue) -> bool {
        let Some(addr) = self.master_addr(&mq.broker_name) else {
            return false;
        };
        let body = LockBatchRequestBody {
            consumer_group: self.consumer_group.clone(),
            client_id: self.instance.client_id().to_string(),
            only_this_broker: false,
            mq_set: BTreeSet::from([mq.clone()]),
        };
        match self.instance.api().lock_batch_mq(&addr, &body, 1000).await {
            Ok(locked) => {
                let ok = locked.contains(mq);
                if let Some(pq) = self.process_queue_table.lock().get(mq) {
                    pq.set_locked(ok);
                    if ok {
                        pq.touch_lock();
                    }
                }
                ok
            }
            Err(e) => {
                tracing::error!(mq = %mq, error = %e, "lockBatchMQ exception");
                false
            }
        }
    }

    fn owned_by_broker(&self) -> BTreeMap<String, BTreeSet<MessageQueue>> {
        let mut m: BTreeMap<String, BTreeSet<MessageQueue>> = BTreeMap::new();
        for mq in self.process_queue_table.lock().keys() {
            m.entry(mq.broker_name.clone())
                .or_default()
                .insert(mq.clone());
        }
        m
    }

    /// Renews the locks of every owned queue (`lockAll`).
    pub async fn lock_all(&self) {
        for (broker, mqs) in self.owned_by_broker() {
            let Some(addr) = self.master_addr(&broker) else {
                continue;
            };
            let body = LockBatchRequestBody {
                consumer_group: self.consumer_group.clone(),
                client_id: self.instance.client_id().to_string(),
                only_this_broker: false,
                mq_set: mqs.clone(),
            };
            match self.instance.api().lock_batch_mq(&addr, &body, 1000).await {
                Ok(locked) => {
                    // A queue dropped by a rebalance while the lock request was in flight
                    // must not stay locked by us.
                    let stale: BTreeSet<MessageQueue> = {
                        let t = self.process_queue_table.lock();
                        locked
                            .iter()
                            .filter(|mq| t.get(*mq).is_none_or(|pq| pq.is_dropped()))
                            .cloned()
                            .collect()
                    };
                    for mq in &stale {
                        self.unlock(mq, true).await;
                    }
                    let t = self.process_queue_table.lock();
                    for mq in &mqs {
                        if let Some(pq) = t.get(mq) {
                            let ok = locked.contains(mq);
                            if !ok && pq.is_locked() {
                                tracing::warn!(group = %self.consumer_group, mq = %mq, "lock messageQueue, but lock failed");
                            }
                            pq.set_locked(ok);
                            if ok {
                                pq.touch_lock();
                            }
                        }
                    }
                }
                Err(e) => tracing::error!(broker = %broker, error = %e, "lockBatchMQ exception"),
            }
        }
    }

    /// Unlocks one queue on its broker (`unlock`).
    pub async fn unlock(&self, mq: &MessageQueue, oneway: bool) {
        let Some(addr) = self.master_addr(&mq.broker_name) else {
            return;
        };
        let body = UnlockBatchRequestBody {
            consumer_group: self.consumer_group.clone(),
            client_id: self.instance.client_id().to_string(),
            only_this_broker: false,
            mq_set: BTreeSet::from([mq.clone()]),
        };
        if let Err(e) = self
            .instance
            .api()
            .unlock_batch_mq(&addr, &body, oneway, 1000)
            .await
        {
            tracing::error!(mq = %mq, error = %e, "unlockBatchMQ exception");
        }
    }

    /// Unlocks every owned queue (`unlockAll`).
    pub async fn unlock_all(&self, oneway: bool) {
        for (broker, mqs) in self.owned_by_broker() {
            let Some(addr) = self.master_addr(&broker) else {
                continue;
            };
            let body = UnlockBatchRequestBody {
                consumer_group: self.consumer_group.clone(),
                client_id: self.instance.client_id().to_string(),
                only_this_broker: false,
                mq_set: mqs.clone(),
            };
            if let Err(e) = self
                .instance
                .api()
                .unlock_batch_mq(&addr, &body, oneway, 1000)
                .await
            {
                tracing::error!(broker = %broker, error = %e, "unlockBatchMQ exception");
            }
            let t = self.process_queue_table.lock();
            for mq in &mqs {
                if let Some(pq) = t.get(mq) {
                    pq.set_locked(false);
                }
            }
        }
    }
}

/// Returns where a newly assigned queue starts: the stored offset, else per
/// `ConsumeFromWhere` (`RebalancePushImpl`/`RebalanceLitePullImpl#computePullFromWhere`).
pub async fn compute_pull_from_where(
    instance: &MQClientInstance,
    offset_store: &OffsetStore,
    consume_from_where: ConsumeFromWhere,
    consume_timestamp: &str,
    mq: &MessageQueue,
) -> Result<i64, String> {
    let last = offset_store
        .read_offset(mq, ReadOffsetType::ReadFromStore)
        .await;
    if last >= 0 {
        return Ok(last);
    }
    if last != -1 {
        return Err(format!("read offset of {mq} from store failed"));
    }
    let inst = instance;
    let addr = inst
        .broker_addr_for_queue(mq)
        .await
        .map_err(|e| e.to_string())?;
    let timeout = inst.api_timeout_millis();
    match consume_from_where {
        ConsumeFromWhere::ConsumeFromFirstOffset | ConsumeFromWhere::ConsumeFromMinOffset => Ok(0),
        ConsumeFromWhere::ConsumeFromTimestamp => {
            if mix_all::is_retry_topic(&mq.topic) {
                return inst
                    .api()
                    .get_max_offset(&addr, mq, timeout)
                    .await
                    .map_err(|e| e.to_string());
            }
            let ts = chrono::NaiveDateTime::parse_from_str(consume_timestamp, "%Y%m%d%H%M%S")
                .map_err(|e| format!("bad consumeTimestamp: {e}"))?
                .and_local_timezone(chrono::Local)
                .earliest()
                .map(|t| t.timestamp_millis())
                .unwrap_or(0);
            inst.api()
                .search_offset(&addr, mq, ts, timeout)
                .await
                .map_err(|e| e.to_string())
        }
        _ => {
            if mix_all::is_retry_topic(&mq.topic) {
                return Ok(0);
            }
            inst.api()
                .get_max_offset(&addr, mq, timeout)
                .await
                .map_err(|e| e.to_string())
        }
    }
}
