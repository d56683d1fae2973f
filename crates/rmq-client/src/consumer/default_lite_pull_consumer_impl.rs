//! `DefaultLitePullConsumerImpl`: background pull tasks per assigned queue feeding a shared
//! cache that `poll` drains, with seek, pause, commit and auto-commit (Java
//! `impl/consumer/DefaultLitePullConsumerImpl`, `AssignedMessageQueue`,
//! `RebalanceLitePullImpl`).

use super::default_lite_pull_consumer::LitePullConsumerConfig;
use super::mq_consumer_inner::MQConsumerInner;
use super::process_queue::ProcessQueue;
use super::pull_api_wrapper::{PullAPIWrapper, PullRequestArgs};
use super::pull_result::PullStatus;
use super::rebalance_impl::{compute_pull_from_where, PullRequest, RebalanceHooks, RebalanceImpl};
use super::store::{OffsetStore, ReadOffsetType};
use crate::client_config::ClientConfig;
use crate::error::ClientError;
use crate::factory::MQClientInstance;
use async_trait::async_trait;
use parking_lot::Mutex;
use rmq_common::message::message_const::PROPERTY_RETRY_TOPIC;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::{mix_all, MessageExt, MessageQueue};
use rmq_remoting::protocol::body::consume_message_directly_result::ConsumeMessageDirectlyResult;
use rmq_remoting::protocol::body::consumer_running_info::{self as cri, ConsumerRunningInfo};
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How the consumer got its queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubscriptionType {
    None,
    Subscribe,
    Assign,
}

/// One assigned queue (`AssignedMessageQueue.MessageQueueState`).
pub(crate) struct QueueState {
    pub(crate) pq: Arc<ProcessQueue>,
    pub(crate) paused: AtomicBool,
    /// -1 when no seek is pending.
    pub(crate) seek_offset: AtomicI64,
    /// -1 until the first pull computed it.
    pub(crate) pull_offset: AtomicI64,
    /// Next offset to commit: after the last polled message; -1 before any poll.
    pub(crate) consume_offset: AtomicI64,
    /// Bumped by every seek; older cached messages are discarded.
    pub(crate) generation: AtomicU64,
    /// Wakes the pull task out of a held pull when a seek happens.
    pub(crate) seek_notify: tokio::sync::Notify,
    pub(crate) cancel: CancellationToken,
}

impl QueueState {
    fn new(pq: Arc<ProcessQueue>) -> Self {
        QueueState {
            pq,
            paused: AtomicBool::new(false),
            seek_offset: AtomicI64::new(-1),
            pull_offset: AtomicI64::new(-1),
            consume_offset: AtomicI64::new(-1),
            generation: AtomicU64::new(0),
            seek_notify: tokio::sync::Notify::new(),
            cancel: CancellationToken::new(),
        }
    }
}

/// A batch of pulled messages waiting for `poll` (`ConsumeRequest`).
pub(crate) struct ConsumeRequest {
    pub(crate) msgs: Vec<MessageExt>,
    pub(crate) mq: MessageQueue,
    pub(crate) generation: u64,
}

/// A started lite pull consumer.
pub(crate) struct LitePullCore {
    pub(crate) config: LitePullConsumerConfig,
    pub(crate) client_config: ClientConfig,
    pub(crate) instance: Arc<MQClientInstance>,
    pub(crate) offset_store: OffsetStore,
    pub(crate) rebalance: RebalanceImpl,
    pull_api: PullAPIWrapper,
    pub(crate) subscription_type: Mutex<SubscriptionType>,
    pub(crate) assigned: Mutex<HashMap<MessageQueue, Arc<QueueState>>>,
    tx: mpsc::UnboundedSender<ConsumeRequest>,
    pub(crate) rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<ConsumeRequest>>,
    cached_requests: AtomicUsize,
    pub(crate) shutdown: CancellationToken,
    next_auto_commit_deadline: AtomicI64,
    self_ref: Weak<LitePullCore>,
    start_timestamp: i64,
}

impl LitePullCore {
    pub(crate) fn new(config: LitePullConsumerConfig, client_config: &ClientConfig) -> Arc<Self> {
        let instance = MQClientInstance::get_or_create(client_config);
        let group = config.consumer_group.clone();
        let offset_store = OffsetStore::for_message_model(config.message_model, &instance, &group);
        let rebalance = RebalanceImpl::new(
            &group,
            config.message_model,
            config.allocate_message_queue_strategy.clone(),
            instance.clone(),
        );
        let (tx, rx) = mpsc::unbounded_channel();
        Arc::new_cyclic(|me| LitePullCore {
            pull_api: PullAPIWrapper::new(instance.clone(), &group),
            client_config: client_config.clone(),
            instance,
            offset_store,
            rebalance,
            subscription_type: Mutex::new(SubscriptionType::None),
            assigned: Mutex::new(HashMap::new()),
            tx,
            rx: tokio::sync::Mutex::new(rx),
            cached_requests: AtomicUsize::new(0),
            shutdown: CancellationToken::new(),
            next_auto_commit_deadline: AtomicI64::new(0),
            self_ref: me.clone(),
            start_timestamp: rmq_common::util_all::current_millis(),
            config,
        })
    }

    pub(crate) fn group(&self) -> &str {
        &self.config.consumer_group
    }

    pub(crate) async fn start(self: &Arc<Self>) -> Result<(), ClientError> {
        self.offset_store.load().await?;
        self.next_auto_commit_deadline.store(
            rmq_common::util_all::current_millis() + self.config.auto_commit_interval_millis as i64,
            Ordering::Relaxed,
        );
        self.instance.start_consumer(self.clone()).await?;
        self.instance.rebalance_immediately();
        self.instance
            .spawn_fetch_missing_routes(self.self_ref.clone(), self.shutdown.clone());
        Ok(())
    }

    pub(crate) async fn shutdown(&self) {
        if self.config.auto_commit {
            self.commit_all().await;
        }
        self.shutdown.cancel();
        for st in self.assigned.lock().values() {
            st.cancel.cancel();
            st.pq.set_dropped(true);
        }
        let mqs: HashSet<MessageQueue> = self.assigned.lock().keys().cloned().collect();
        self.offset_store.persist_all_and_wait(&mqs).await;
        self.instance.unregister_consumer(self.group()).await;
    }

    /// Subscribes (subscribe mode).
    pub(crate) fn subscribe(&self, sd: SubscriptionData) -> Result<(), ClientError> {
        self.set_subscription_type(SubscriptionType::Subscribe)?;
        self.rebalance.subscribe(sd);
        Ok(())
    }

    fn set_subscription_type(&self, t: SubscriptionType) -> Result<(), ClientError> {
        let mut cur = self.subscription_type.lock();
        if *cur == SubscriptionType::None {
            *cur = t;
        } else if *cur != t {
            return Err(ClientError::IllegalState(
                "Subscribe and assign are mutually exclusive.".into(),
            ));
        }
        Ok(())
    }

    /// Replaces the assigned queues (assign mode).
    pub(crate) fn assign(&self, mqs: &BTreeSet<MessageQueue>) -> Result<(), ClientError> {
        self.set_subscription_type(SubscriptionType::Assign)?;
        self.update_assigned(None, mqs);
        Ok(())
    }

    /// Makes the queues of `topic` (all topics when `None`) exactly `mqs`, stopping and
    /// starting pull tasks (`updateAssignQueueAndStartPullTask`).
    fn update_assigned(&self, topic: Option<&str>, mqs: &BTreeSet<MessageQueue>) {
        let mut started = Vec::new();
        {
            let mut a = self.assigned.lock();
            a.retain(|mq, st| {
                let in_scope = topic.is_none_or(|t| mq.topic == t);
                let keep = !in_scope || mqs.contains(mq);
                if !keep {
                    st.cancel.cancel();
                    st.pq.set_dropped(true);
                }
                keep
            });
            for mq in mqs {
                if !a.contains_key(mq) {
                    let pq = self
                        .rebalance
                        .process_queue_table
                        .lock()
                        .get(mq)
                        .cloned()
                        .unwrap_or_default();
                    let st = Arc::new(QueueState::new(pq));
                    a.insert(mq.clone(), st.clone());
                    started.push((mq.clone(), st));
                }
            }
        }
        if let Some(me) = self.self_ref.upgrade() {
            for (mq, st) in started {
                let me = me.clone();
                tokio::spawn(async move { me.pull_task(mq, st).await });
            }
        }
    }

    async fn sleep_or_stop(&self, st: &QueueState, millis: u64) -> bool {
        tokio::select! {
            _ = st.cancel.cancelled() => false,
            _ = self.shutdown.cancelled() => false,
            _ = tokio::time::sleep(Duration::from_millis(millis)) => true,
        }
    }

    fn subscription_for(&self, topic: &str) -> SubscriptionData {
        if *self.subscription_type.lock() == SubscriptionType::Subscribe {
            if let Some(sd) = self.rebalance.subscription_inner.lock().get(topic) {
                return sd.clone();
            }
        }
        SubscriptionData::build_tag(topic, "*")
    }

    /// One queue's pull loop (`PullTaskImpl`).
    async fn pull_task(self: Arc<Self>, mq: MessageQueue, st: Arc<QueueState>) {
        let delay_on_error = self.client_config.pull_time_delay_millis_when_exception;
        loop {
            if st.cancel.is_cancelled() || st.pq.is_dropped() || self.shutdown.is_cancelled() {
                return;
            }
            if st.paused.load(Ordering::Relaxed) {
                if !self.sleep_or_stop(&st, 1000).await {
                    return;
                }
                continue;
            }
            let cached =
                self.cached_requests.load(Ordering::Relaxed) * self.config.pull_batch_size as usize;
            if cached > self.config.pull_threshold_for_all
                || st.pq.msg_count() > self.config.pull_threshold_for_queue
                || st.pq.msg_size() / (1024 * 1024) > self.config.pull_threshold_size_for_queue
            {
                if !self.sleep_or_stop(&st, 50).await {
                    return;
                }
                continue;
            }
            let generation = st.generation.load(Ordering::Acquire);
            let offset = match self.next_pull_offset(&mq, &st).await {
                Ok(o) => o,
                Err(e) => {
                    tracing::warn!(mq = %mq, error = %e, "compute pull offset failed");
                    if !self.sleep_or_stop(&st, delay_on_error).await {
                        return;
                    }
                    continue;
                }
            };
            let sd = self.subscription_for(&mq.topic);
            let args = PullRequestArgs {
                mq: mq.clone(),
                sub_expression: Some(sd.sub_string.clone()),
                expression_type: sd.expression_type.clone(),
                sub_version: 0,
                offset,
                max_nums: self.config.pull_batch_size,
                sys_flag: pull_sys_flag::build_sys_flag(false, true, true, false),
                commit_offset: 0,
                broker_suspend_max_time_millis: self.config.broker_suspend_max_time_millis,
                timeout_millis: self.config.consumer_timeout_millis_when_suspend,
            };
            let r = tokio::select! {
                _ = st.cancel.cancelled() => return,
                _ = self.shutdown.cancelled() => return,
                _ = st.seek_notify.notified() => continue,
                r = self.pull_api.pull_kernel_impl(args) => r,
            };
            let r = match r {
                Ok(r) => self.pull_api.process_pull_result(&mq, r, &sd),
                Err(e) => {
                    tracing::warn!(mq = %mq, error = %e, "an error occurred in pull message process");
                    if !self.sleep_or_stop(&st, delay_on_error).await {
                        return;
                    }
                    continue;
                }
            };
            if st.generation.load(Ordering::Acquire) != generation {
                // A seek happened while pulling: drop this result.
                continue;
            }
            match r.pull_status {
                PullStatus::Found => {
                    st.pull_offset.store(r.next_begin_offset, Ordering::Release);
                    if !r.msg_found_list.is_empty() {
                        st.pq.put_message(&r.msg_found_list);
                        self.cached_requests.fetch_add(1, Ordering::Relaxed);
                        let _ = self.tx.send(ConsumeRequest {
                            msgs: r.msg_found_list,
                            mq: mq.clone(),
                            generation,
                        });
                    }
                }
                PullStatus::NoNewMsg | PullStatus::NoMatchedMsg => {
                    st.pull_offset.store(r.next_begin_offset, Ordering::Release);
                }
                PullStatus::OffsetIllegal => {
                    tracing::warn!(mq = %mq, offset, "the pull request offset illegal, {}", r);
                    st.pull_offset.store(r.next_begin_offset, Ordering::Release);
                }
            }
        }
    }

    /// Returns where the next pull starts: a pending seek, else the last pull's next offset,
    /// else the stored offset (`nextPullOffset`).
    async fn next_pull_offset(&self, mq: &MessageQueue, st: &QueueState) -> Result<i64, String> {
        let seek = st.seek_offset.swap(-1, Ordering::AcqRel);
        if seek != -1 {
            st.consume_offset.store(seek, Ordering::Release);
            st.pull_offset.store(seek, Ordering::Release);
            return Ok(seek);
        }
        let pull = st.pull_offset.load(Ordering::Acquire);
        if pull != -1 {
            return Ok(pull);
        }
        let o = compute_pull_from_where(
            &self.instance,
            &self.offset_store,
            self.config.consume_from_where,
            &self.config.consume_timestamp,
            mq,
        )
        .await?;
        if o < 0 {
            return Err(format!("no start offset for {mq}"));
        }
        st.pull_offset.store(o, Ordering::Release);
        Ok(o)
    }

    /// Takes the next cached batch, waiting up to `timeout_millis` (`poll`).
    pub(crate) async fn poll(&self, timeout_millis: u64) -> Vec<MessageExt> {
        if self.config.auto_commit {
            self.maybe_auto_commit().await;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_millis(timeout_millis);
        let mut rx = self.rx.lock().await;
        loop {
            let req = tokio::select! {
                _ = self.shutdown.cancelled() => return Vec::new(),
                r = tokio::time::timeout_at(deadline, rx.recv()) => match r {
                    Ok(Some(r)) => r,
                    _ => return Vec::new(),
                },
            };
            self.cached_requests.fetch_sub(1, Ordering::Relaxed);
            let st = self.assigned.lock().get(&req.mq).cloned();
            let Some(st) = st else { continue };
            if st.pq.is_dropped() || st.generation.load(Ordering::Acquire) != req.generation {
                continue;
            }
            let offset = st.pq.remove_message(&req.msgs);
            if offset >= 0 {
                st.consume_offset.store(offset, Ordering::Release);
            }
            let mut msgs = req.msgs;
            let retry = mix_all::get_retry_topic(self.group());
            for m in &mut msgs {
                if let Some(t) = m.property(PROPERTY_RETRY_TOPIC).map(str::to_string) {
                    if m.message.topic == retry {
                        m.message.topic = t;
                    }
                }
            }
            return msgs;
        }
    }

    async fn maybe_auto_commit(&self) {
        let now = rmq_common::util_all::current_millis();
        if now >= self.next_auto_commit_deadline.load(Ordering::Relaxed) {
            self.next_auto_commit_deadline.store(
                now + self.config.auto_commit_interval_millis as i64,
                Ordering::Relaxed,
            );
            self.commit_all().await;
        }
    }

    /// Moves the polled positions into the offset store and persists them (`commitAll`).
    pub(crate) async fn commit_all(&self) {
        let snapshot: Vec<(MessageQueue, i64)> = self
            .assigned
            .lock()
            .iter()
            .map(|(mq, st)| (mq.clone(), st.consume_offset.load(Ordering::Acquire)))
            .collect();
        let mut set = HashSet::new();
        for (mq, o) in snapshot {
            if o != -1 {
                self.offset_store.update_offset(&mq, o, false);
                set.insert(mq);
            }
        }
        self.offset_store.persist_all(&set).await;
    }

    /// Commits given offsets, persisting them when `persist` (`commit(map, persist)`).
    pub(crate) async fn commit(&self, offsets: &HashMap<MessageQueue, i64>, persist: bool) {
        let mut set = HashSet::new();
        for (mq, o) in offsets {
            if self.assigned.lock().contains_key(mq) {
                self.offset_store.update_offset(mq, *o, false);
                set.insert(mq.clone());
            }
        }
        if persist {
            for mq in &set {
                if let Some(o) = offsets.get(mq) {
                    if let Err(e) = self
                        .offset_store
                        .update_consume_offset_to_broker(mq, *o, false)
                        .await
                    {
                        tracing::warn!(mq = %mq, error = %e, "commit offset to broker failed");
                    }
                }
            }
        }
    }

    /// Moves a queue's next pull to `offset` and drops what is cached (`seek`).
    pub(crate) async fn seek(&self, mq: &MessageQueue, offset: i64) -> Result<(), ClientError> {
        let st = self.assigned.lock().get(mq).cloned();
        let Some(st) = st else {
            return Err(ClientError::client(
                -1,
                format!("The message queue is not in assigned list, message queue: {mq}"),
            ));
        };
        let addr = self.instance.broker_addr_for_queue(mq).await?;
        let timeout = self.instance.api_timeout_millis();
        let min = self
            .instance
            .api()
            .get_min_offset(&addr, mq, timeout)
            .await?;
        let max = self
            .instance
            .api()
            .get_max_offset(&addr, mq, timeout)
            .await?;
        if offset < min || offset > max {
            return Err(ClientError::client(
                -1,
                format!("Seek offset illegal, seek offset = {offset}, min offset = {min}, max offset = {max}"),
            ));
        }
        st.generation.fetch_add(1, Ordering::AcqRel);
        st.pq.clear();
        st.seek_offset.store(offset, Ordering::Release);
        st.seek_notify.notify_one();
        Ok(())
    }

    /// Returns the offset the store holds for a queue (`committed`).
    pub(crate) async fn committed(&self, mq: &MessageQueue) -> i64 {
        self.offset_store
            .read_offset(mq, ReadOffsetType::ReadFromStore)
            .await
    }

    pub(crate) fn pause(&self, mqs: &[MessageQueue], paused: bool) {
        let a = self.assigned.lock();
        for mq in mqs {
            if let Some(st) = a.get(mq) {
                st.paused.store(paused, Ordering::Relaxed);
            }
        }
    }
}

#[async_trait]
impl RebalanceHooks for LitePullCore {
    async fn remove_unnecessary_message_queue(
        &self,
        mq: &MessageQueue,
        _pq: &ProcessQueue,
    ) -> bool {
        self.offset_store.persist(mq).await;
        self.offset_store.remove_offset(mq);
        true
    }

    fn remove_dirty_offset(&self, mq: &MessageQueue) {
        self.offset_store.remove_offset(mq);
    }

    async fn compute_pull_from_where(&self, mq: &MessageQueue) -> Result<i64, String> {
        compute_pull_from_where(
            &self.instance,
            &self.offset_store,
            self.config.consume_from_where,
            &self.config.consume_timestamp,
            mq,
        )
        .await
    }

    fn dispatch_pull_request(&self, _requests: Vec<PullRequest>) {}

    fn message_queue_changed(
        &self,
        topic: &str,
        _mq_all: &BTreeSet<MessageQueue>,
        mq_divided: &BTreeSet<MessageQueue>,
    ) {
        self.update_assigned(Some(topic), mq_divided);
    }

    fn is_push(&self) -> bool {
        false
    }
}

#[async_trait]
impl MQConsumerInner for LitePullCore {
    fn group_name(&self) -> String {
        self.config.consumer_group.clone()
    }

    fn message_model(&self) -> MessageModel {
        self.config.message_model
    }

    fn consume_type(&self) -> ConsumeType {
        ConsumeType::ConsumeActively
    }

    fn consume_from_where(&self) -> ConsumeFromWhere {
        self.config.consume_from_where
    }

    fn subscriptions(&self) -> Vec<SubscriptionData> {
        self.rebalance.subscriptions()
    }

    async fn do_rebalance(&self) {
        if *self.subscription_type.lock() == SubscriptionType::Subscribe
            && !self.shutdown.is_cancelled()
        {
            self.rebalance.do_rebalance(self, false).await;
        }
    }

    async fn persist_consumer_offset(&self) {
        let mqs: HashSet<MessageQueue> = self.assigned.lock().keys().cloned().collect();
        self.offset_store.persist_all(&mqs).await;
    }

    fn update_topic_subscribe_info(&self, topic: &str, info: &BTreeSet<MessageQueue>) {
        self.rebalance.update_topic_subscribe_info(topic, info);
    }

    fn is_subscribe_topic_need_update(&self, topic: &str) -> bool {
        self.rebalance.is_subscribe_topic_need_update(topic)
    }

    fn consumer_running_info(&self) -> ConsumerRunningInfo {
        let mut info = ConsumerRunningInfo::default();
        let p = &mut info.properties;
        p.insert("consumerGroup".into(), self.group().to_string());
        p.insert("messageModel".into(), self.config.message_model.to_string());
        p.insert(
            cri::PROP_CONSUME_TYPE.into(),
            ConsumeType::ConsumeActively.to_string(),
        );
        p.insert(
            cri::PROP_CONSUMER_START_TIMESTAMP.into(),
            self.start_timestamp.to_string(),
        );
        p.insert(
            cri::PROP_NAMESERVER_ADDR.into(),
            self.client_config.namesrv_addr.clone().unwrap_or_default(),
        );
        info.subscription_set = self.subscriptions();
        for (mq, st) in self.assigned.lock().iter() {
            let o = st.consume_offset.load(Ordering::Relaxed);
            info.mq_table
                .insert(mq.clone(), st.pq.fill_process_queue_info(o));
        }
        info
    }

    async fn reset_offset(&self, _topic: &str, offsets: HashMap<MessageQueue, i64>) {
        for (mq, o) in offsets {
            if let Err(e) = self.seek(&mq, o).await {
                tracing::warn!(mq = %mq, error = %e, "reset offset failed");
            }
        }
    }

    async fn consume_message_directly(
        &self,
        _msg: MessageExt,
        _broker_name: Option<String>,
    ) -> ConsumeMessageDirectlyResult {
        ConsumeMessageDirectlyResult {
            remark: Some("lite pull consumers have no listener".into()),
            ..Default::default()
        }
    }
}
