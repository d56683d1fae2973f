//! `DefaultMQPushConsumerImpl`: the running push consumer — per-queue long-polling pull
//! loops with flow control, the consume services, offsets, send-back, and its side of
//! rebalance (Java `impl/consumer/DefaultMQPushConsumerImpl`, `RebalancePushImpl`,
//! `PullMessageService`).

use super::consume_message_concurrently_service as concurrently;
use super::consume_message_orderly_service as orderly;
use super::default_mq_push_consumer::PushConsumerConfig;
use super::listener::MessageListener;
use super::mq_consumer_inner::MQConsumerInner;
use super::process_queue::{ProcessQueue, REBALANCE_LOCK_INTERVAL_MILLIS};
use super::pull_api_wrapper::{PullAPIWrapper, PullRequestArgs};
use super::pull_result::PullStatus;
use super::rebalance_impl::{compute_pull_from_where, PullRequest, RebalanceHooks, RebalanceImpl};
use super::store::{OffsetStore, ReadOffsetType};
use crate::client_config::ClientConfig;
use crate::error::ClientError;
use crate::factory::MQClientInstance;
use async_trait::async_trait;
use futures::FutureExt;
use rmq_common::message::message_const::*;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::{mix_all, Message, MessageExt, MessageQueue};
use rmq_remoting::protocol::body::consume_message_directly_result::{
    CMResult, ConsumeMessageDirectlyResult,
};
use rmq_remoting::protocol::body::consumer_running_info::{self as cri, ConsumerRunningInfo};
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData,
};
use rmq_remoting::ResponseCode;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// Pause when pulling is suspended (`PULL_TIME_DELAY_MILLS_WHEN_SUSPEND`).
const PULL_TIME_DELAY_MILLIS_WHEN_SUSPEND: u64 = 1000;
/// Pause when flow control kicks in (`PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL`).
const PULL_TIME_DELAY_MILLIS_WHEN_FLOW_CONTROL: u64 = 50;
/// Pause before a dropped queue with an illegal offset is removed.
const OFFSET_ILLEGAL_DROP_DELAY_MILLIS: u64 = 10_000;

/// Runs the listener call of a CONSUME_MESSAGE_DIRECTLY request and records in `result` the
/// time it took and its outcome, mapped by `to_cm_result`, or CR_THROW_EXCEPTION when the
/// listener panicked (`consumeMessageDirectly` of both consume services).
pub(crate) async fn run_directly<S>(
    result: &mut ConsumeMessageDirectlyResult,
    call: impl Future<Output = S>,
    to_cm_result: impl FnOnce(S) -> CMResult,
) {
    let begin = rmq_common::util_all::current_millis();
    let r = AssertUnwindSafe(call).catch_unwind().await;
    result.spent_time_mills = rmq_common::util_all::current_millis() - begin;
    result.consume_result = Some(match r {
        Ok(status) => to_cm_result(status),
        Err(_) => {
            result.remark = Some("the listener panicked".into());
            CMResult::CrThrowException
        }
    });
}

/// A started push consumer.
pub(crate) struct PushConsumerCore {
    pub(crate) config: PushConsumerConfig,
    pub(crate) client_config: ClientConfig,
    pub(crate) instance: Arc<MQClientInstance>,
    pub(crate) offset_store: OffsetStore,
    pub(crate) rebalance: RebalanceImpl,
    pub(crate) pull_api: PullAPIWrapper,
    pub(crate) listener: MessageListener,
    pub(crate) shutdown: CancellationToken,
    pub(crate) consume_permits: Arc<Semaphore>,
    pub(crate) consume_ok: AtomicU64,
    pub(crate) consume_failed: AtomicU64,
    paused: AtomicBool,
    start_timestamp: i64,
    self_ref: Weak<PushConsumerCore>,
    flow_control_times: AtomicU64,
}

impl PushConsumerCore {
    pub(crate) fn new(
        config: PushConsumerConfig,
        client_config: &ClientConfig,
        listener: MessageListener,
        subscriptions: Vec<SubscriptionData>,
    ) -> Arc<Self> {
        let instance = MQClientInstance::get_or_create(client_config);
        let group = config.consumer_group.clone();
        let offset_store = OffsetStore::for_message_model(config.message_model, &instance, &group);
        let rebalance = RebalanceImpl::new(
            &group,
            config.message_model,
            config.allocate_message_queue_strategy.clone(),
            instance.clone(),
        );
        {
            let mut subs = rebalance.subscription_inner.lock();
            for sd in subscriptions {
                subs.insert(sd.topic.clone(), sd);
            }
            if config.message_model == MessageModel::Clustering {
                let retry = mix_all::get_retry_topic(&group);
                subs.insert(retry.clone(), SubscriptionData::build_tag(&retry, "*"));
            }
        }
        let permits = config.consume_thread_max.max(1);
        Arc::new_cyclic(|me| PushConsumerCore {
            pull_api: PullAPIWrapper::new(instance.clone(), &group),
            client_config: client_config.clone(),
            instance,
            offset_store,
            rebalance,
            listener,
            shutdown: CancellationToken::new(),
            consume_permits: Arc::new(Semaphore::new(permits)),
            consume_ok: AtomicU64::new(0),
            consume_failed: AtomicU64::new(0),
            paused: AtomicBool::new(false),
            start_timestamp: rmq_common::util_all::current_millis(),
            self_ref: me.clone(),
            flow_control_times: AtomicU64::new(0),
            config,
        })
    }

    pub(crate) fn group(&self) -> &str {
        &self.config.consumer_group
    }

    pub(crate) fn is_orderly(&self) -> bool {
        matches!(self.listener, MessageListener::Orderly(_))
    }

    pub(crate) fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    /// Returns `maxReconsumeTimes`, -1 meaning 16 (`getMaxReconsumeTimes`).
    pub(crate) fn max_reconsume_times(&self) -> i32 {
        if self.config.max_reconsume_times == -1 {
            16
        } else {
            self.config.max_reconsume_times
        }
    }

    pub(crate) fn add_subscription(&self, sd: SubscriptionData) {
        self.rebalance.subscribe(sd);
    }

    pub(crate) fn remove_subscription(&self, topic: &str) {
        self.rebalance.subscription_inner.lock().remove(topic);
    }

    pub(crate) async fn start(self: &Arc<Self>) -> Result<(), ClientError> {
        self.offset_store.load().await?;
        self.instance.start_consumer(self.clone()).await?;
        if self.is_orderly() && self.config.message_model == MessageModel::Clustering {
            let weak = self.self_ref.clone();
            let tok = self.shutdown.clone();
            tokio::spawn(async move {
                let mut delay = 1000;
                loop {
                    tokio::select! {
                        _ = tok.cancelled() => return,
                        _ = tokio::time::sleep(Duration::from_millis(delay)) => {}
                    }
                    let Some(me) = weak.upgrade() else { return };
                    me.rebalance.lock_all().await;
                    delay = REBALANCE_LOCK_INTERVAL_MILLIS;
                }
            });
        }
        self.instance.rebalance_immediately();
        self.instance
            .spawn_fetch_missing_routes(self.self_ref.clone(), self.shutdown.clone());
        Ok(())
    }

    pub(crate) async fn shutdown(self: &Arc<Self>) {
        self.shutdown.cancel();
        // Let running listener calls finish (Java awaits the consume executor).
        let permits = self.config.consume_thread_max.max(1) as u32;
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            self.consume_permits.acquire_many(permits),
        )
        .await;
        for (_, pq) in self.rebalance.process_queues() {
            let _ = tokio::time::timeout(Duration::from_secs(10), pq.consume_lock.lock()).await;
        }
        self.offset_store
            .persist_all_and_wait(&self.owned_queues())
            .await;
        if self.is_orderly() && self.config.message_model == MessageModel::Clustering {
            self.rebalance.unlock_all(false).await;
        }
        for (_, pq) in self.rebalance.process_queues() {
            pq.set_dropped(true);
        }
        self.instance.unregister_consumer(self.group()).await;
    }

    /// Returns the queues this consumer owns now.
    fn owned_queues(&self) -> HashSet<MessageQueue> {
        self.rebalance
            .process_queues()
            .into_iter()
            .map(|(mq, _)| mq)
            .collect()
    }

    fn spawn_pull_loop(self: &Arc<Self>, req: PullRequest) {
        let me = self.clone();
        tokio::spawn(async move { me.pull_loop(req).await });
    }

    async fn sleep_or_stop(&self, millis: u64) -> bool {
        tokio::select! {
            _ = self.shutdown.cancelled() => false,
            _ = tokio::time::sleep(Duration::from_millis(millis)) => true,
        }
    }

    /// One queue's pull loop (`pullMessage` plus its `PullCallback`).
    async fn pull_loop(self: Arc<Self>, req: PullRequest) {
        let PullRequest {
            message_queue: mq,
            process_queue: pq,
            mut next_offset,
        } = req;
        let mut previously_locked = false;
        let delay_on_error = self.client_config.pull_time_delay_millis_when_exception;
        loop {
            if pq.is_dropped() || self.shutdown.is_cancelled() {
                tracing::info!(mq = %mq, "the pull request is dropped");
                return;
            }
            pq.touch_pull();
            if self.paused.load(Ordering::Relaxed) {
                if !self
                    .sleep_or_stop(PULL_TIME_DELAY_MILLIS_WHEN_SUSPEND)
                    .await
                {
                    return;
                }
                continue;
            }
            let cached_count = pq.msg_count();
            let cached_mib = pq.msg_size() / (1024 * 1024);
            if cached_count > self.config.pull_threshold_for_queue
                || cached_mib > self.config.pull_threshold_size_for_queue
            {
                if self.flow_control_times.fetch_add(1, Ordering::Relaxed) % 1000 == 0 {
                    tracing::warn!(mq = %mq, cached_count, cached_mib, "the cached message count exceeds the threshold {}, so do flow control", self.config.pull_threshold_for_queue);
                }
                if !self
                    .sleep_or_stop(PULL_TIME_DELAY_MILLIS_WHEN_FLOW_CONTROL)
                    .await
                {
                    return;
                }
                continue;
            }
            if self.is_orderly() {
                if self.config.message_model == MessageModel::Clustering && !pq.is_locked() {
                    if !self.sleep_or_stop(delay_on_error).await {
                        return;
                    }
                    continue;
                }
                if !previously_locked {
                    previously_locked = true;
                    match self.compute_pull_from_where(&mq).await {
                        Ok(o) if o >= 0 => next_offset = o,
                        _ => {
                            previously_locked = false;
                            if !self.sleep_or_stop(delay_on_error).await {
                                return;
                            }
                            continue;
                        }
                    }
                }
            } else if pq.max_span() > self.config.consume_concurrently_max_span {
                if self.flow_control_times.fetch_add(1, Ordering::Relaxed) % 1000 == 0 {
                    tracing::warn!(mq = %mq, max_span = pq.max_span(), "the queue's messages span too long, so do flow control");
                }
                if !self
                    .sleep_or_stop(PULL_TIME_DELAY_MILLIS_WHEN_FLOW_CONTROL)
                    .await
                {
                    return;
                }
                continue;
            }
            let sd = self
                .rebalance
                .subscription_inner
                .lock()
                .get(&mq.topic)
                .cloned();
            let Some(sd) = sd else {
                tracing::warn!(mq = %mq, "find the consumer's subscription failed");
                if !self.sleep_or_stop(delay_on_error).await {
                    return;
                }
                continue;
            };
            let mut commit_offset = 0;
            let mut commit_enable = false;
            if self.config.message_model == MessageModel::Clustering {
                commit_offset = self
                    .offset_store
                    .read_offset(&mq, ReadOffsetType::ReadFromMemory)
                    .await;
                commit_enable = commit_offset > 0;
            }
            let sub_expression = (self.config.post_subscription_when_pull && !sd.class_filter_mode)
                .then(|| sd.sub_string.clone());
            let sys_flag =
                pull_sys_flag::build_sys_flag(commit_enable, true, sub_expression.is_some(), false);
            let args = PullRequestArgs {
                mq: mq.clone(),
                sub_expression,
                expression_type: sd.expression_type.clone(),
                sub_version: sd.sub_version,
                offset: next_offset,
                max_nums: self.config.pull_batch_size,
                sys_flag,
                commit_offset,
                broker_suspend_max_time_millis: self.config.broker_suspend_max_time_millis,
                timeout_millis: self.config.consumer_timeout_millis_when_suspend,
            };
            let result = tokio::select! {
                _ = self.shutdown.cancelled() => return,
                r = self.pull_api.pull_kernel_impl(args) => r,
            };
            let result = match result {
                Ok(r) => self.pull_api.process_pull_result(&mq, r, &sd),
                Err(e) => {
                    if let ClientError::MQBrokerException { code, .. } = &e {
                        if [
                            ResponseCode::SUBSCRIPTION_NOT_EXIST,
                            ResponseCode::SUBSCRIPTION_NOT_LATEST,
                        ]
                        .contains(&ResponseCode(*code))
                        {
                            self.instance.heartbeat_soon();
                        }
                    }
                    if !mix_all::is_retry_topic(&mq.topic) {
                        tracing::warn!(mq = %mq, error = %e, "execute the pull request exception");
                    }
                    if !self.sleep_or_stop(delay_on_error).await {
                        return;
                    }
                    continue;
                }
            };
            match result.pull_status {
                PullStatus::Found => {
                    next_offset = result.next_begin_offset;
                    if result.msg_found_list.is_empty() {
                        continue;
                    }
                    let dispatch = pq.put_message(&result.msg_found_list);
                    if self.is_orderly() {
                        orderly::submit_consume_request(&self, pq.clone(), mq.clone(), dispatch);
                    } else {
                        concurrently::submit_consume_request(
                            &self,
                            result.msg_found_list,
                            pq.clone(),
                            mq.clone(),
                        );
                    }
                    if self.config.pull_interval_millis > 0
                        && !self.sleep_or_stop(self.config.pull_interval_millis).await
                    {
                        return;
                    }
                }
                PullStatus::NoNewMsg | PullStatus::NoMatchedMsg => {
                    next_offset = result.next_begin_offset;
                    // correctTagsOffset
                    if pq.msg_count() == 0 {
                        self.offset_store.update_offset(&mq, next_offset, true);
                    }
                }
                PullStatus::OffsetIllegal => {
                    tracing::warn!(mq = %mq, next_offset, result = %result, "the pull request offset illegal");
                    next_offset = result.next_begin_offset;
                    pq.set_dropped(true);
                    if !self.sleep_or_stop(OFFSET_ILLEGAL_DROP_DELAY_MILLIS).await {
                        return;
                    }
                    self.offset_store.update_offset(&mq, next_offset, false);
                    self.offset_store.persist(&mq).await;
                    self.rebalance.remove_process_queue(&mq);
                    tracing::warn!(mq = %mq, "fix the pull request offset");
                    return;
                }
            }
        }
    }

    /// Returns where a newly assigned queue starts (`RebalancePushImpl#computePullFromWhere`).
    pub(crate) async fn compute_pull_from_where(&self, mq: &MessageQueue) -> Result<i64, String> {
        compute_pull_from_where(
            &self.instance,
            &self.offset_store,
            self.config.consume_from_where,
            &self.config.consume_timestamp,
            mq,
        )
        .await
    }

    /// Sends a message back to the broker for a retry, falling back to sending it to the
    /// retry topic with the instance's producer (`sendMessageBack`).
    pub(crate) async fn send_message_back(
        &self,
        msg: &MessageExt,
        delay_level: i32,
    ) -> Result<(), ClientError> {
        let inst = &self.instance;
        let addr = inst
            .find_broker_address_in_publish(&msg.broker_name)
            .unwrap_or_else(|| msg.store_host.to_string());
        let first = inst
            .api()
            .consumer_send_message_back(
                &addr,
                msg,
                self.group(),
                delay_level,
                self.max_reconsume_times(),
                5000,
            )
            .await;
        let Err(e) = first else { return Ok(()) };
        tracing::warn!(group = self.group(), msg_id = %msg.msg_id, error = %e, "sendMessageBack Exception");
        let new_msg =
            self.build_retry_message(msg, msg.reconsume_times + 1, self.max_reconsume_times());
        let producer = inst.default_producer().await?;
        producer.send(new_msg).await.map(|_| ())
    }

    /// Builds the copy of `msg` a client sends to `%RETRY%<group>` itself, delayed by
    /// level `3 + reconsumeTimes`, with its origin id, real topic and the given reconsume
    /// counts as properties (the fallback of `sendMessageBack` and the orderly service's
    /// `sendMessageBack`).
    pub(crate) fn build_retry_message(
        &self,
        msg: &MessageExt,
        reconsume_time: i32,
        max_reconsume_times: i32,
    ) -> Message {
        let mut new_msg = Message::new(
            mix_all::get_retry_topic(self.group()),
            msg.message.body.clone(),
        );
        new_msg.flag = msg.message.flag;
        new_msg.properties = msg.message.properties.clone();
        let origin = msg
            .property(PROPERTY_ORIGIN_MESSAGE_ID)
            .map(str::to_string)
            .unwrap_or_else(|| msg.msg_id.clone());
        new_msg.put_property(PROPERTY_ORIGIN_MESSAGE_ID, origin);
        new_msg.put_property(PROPERTY_RETRY_TOPIC, msg.topic().to_string());
        new_msg.put_property(PROPERTY_RECONSUME_TIME, reconsume_time.to_string());
        new_msg.put_property(
            PROPERTY_MAX_RECONSUME_TIMES,
            max_reconsume_times.to_string(),
        );
        new_msg.clear_property(PROPERTY_TRANSACTION_PREPARED);
        new_msg.set_delay_time_level(3 + msg.reconsume_times);
        new_msg
    }

    /// Awaits a listener call; a panic is logged as Java logs a listener exception and
    /// counts as `on_panic`.
    pub(crate) async fn call_listener<S>(
        &self,
        mq: &MessageQueue,
        call: impl Future<Output = S>,
        on_panic: S,
    ) -> S {
        AssertUnwindSafe(call).catch_unwind().await.unwrap_or_else(|_| {
            tracing::warn!(group = self.group(), mq = %mq, "consumeMessage exception: the listener panicked");
            on_panic
        })
    }

    /// Returns the queue and messages a CONSUME_MESSAGE_DIRECTLY call hands to the listener:
    /// the one message, back under its original topic (`consumeMessageDirectly`).
    pub(crate) fn direct_consume_input(
        &self,
        msg: MessageExt,
        broker_name: Option<String>,
    ) -> (MessageQueue, Vec<MessageExt>) {
        let mq = MessageQueue::new(msg.topic(), broker_name.unwrap_or_default(), msg.queue_id);
        let mut msgs = vec![msg];
        self.reset_retry_and_namespace(&mut msgs);
        (mq, msgs)
    }

    /// Puts the retry topic's messages back under their original topic
    /// (`resetRetryAndNamespace`) and stamps the consume start time.
    pub(crate) fn reset_retry_and_namespace(&self, msgs: &mut [MessageExt]) {
        let retry = mix_all::get_retry_topic(self.group());
        let now = rmq_common::util_all::current_millis().to_string();
        for m in msgs {
            if let Some(t) = m.property(PROPERTY_RETRY_TOPIC).map(str::to_string) {
                if m.message.topic == retry {
                    m.message.topic = t;
                }
            }
            m.message
                .put_property(PROPERTY_CONSUME_START_TIMESTAMP, now.clone());
        }
    }

    pub(crate) fn spawn_later<F>(&self, delay_millis: u64, f: F)
    where
        F: FnOnce(Arc<PushConsumerCore>) + Send + 'static,
    {
        let weak = self.self_ref.clone();
        let tok = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = tok.cancelled() => {}
                _ = tokio::time::sleep(Duration::from_millis(delay_millis)) => {
                    if let Some(me) = weak.upgrade() {
                        f(me);
                    }
                }
            }
        });
    }
}

#[async_trait]
impl RebalanceHooks for PushConsumerCore {
    async fn remove_unnecessary_message_queue(&self, mq: &MessageQueue, pq: &ProcessQueue) -> bool {
        self.offset_store.persist(mq).await;
        self.offset_store.remove_offset(mq);
        if self.is_orderly() && self.config.message_model == MessageModel::Clustering {
            match tokio::time::timeout(Duration::from_millis(1000), pq.consume_lock.lock()).await {
                Ok(_g) => {
                    self.rebalance.unlock(mq, true).await;
                    return true;
                }
                Err(_) => {
                    pq.inc_try_unlock_times();
                    tracing::warn!(mq = %mq, "[WRONG]mq is consuming, so can not unlock it");
                    return false;
                }
            }
        }
        true
    }

    fn remove_dirty_offset(&self, mq: &MessageQueue) {
        self.offset_store.remove_offset(mq);
    }

    async fn compute_pull_from_where(&self, mq: &MessageQueue) -> Result<i64, String> {
        PushConsumerCore::compute_pull_from_where(self, mq).await
    }

    fn dispatch_pull_request(&self, requests: Vec<PullRequest>) {
        if let Some(me) = self.self_ref.upgrade() {
            for r in requests {
                me.spawn_pull_loop(r);
            }
        }
    }

    fn message_queue_changed(
        &self,
        _topic: &str,
        _mq_all: &BTreeSet<MessageQueue>,
        _mq_divided: &BTreeSet<MessageQueue>,
    ) {
    }

    fn is_push(&self) -> bool {
        true
    }
}

#[async_trait]
impl MQConsumerInner for PushConsumerCore {
    fn group_name(&self) -> String {
        self.config.consumer_group.clone()
    }

    fn message_model(&self) -> MessageModel {
        self.config.message_model
    }

    fn consume_type(&self) -> ConsumeType {
        ConsumeType::ConsumePassively
    }

    fn consume_from_where(&self) -> ConsumeFromWhere {
        self.config.consume_from_where
    }

    fn subscriptions(&self) -> Vec<SubscriptionData> {
        self.rebalance.subscriptions()
    }

    async fn do_rebalance(&self) {
        if self.paused.load(Ordering::Relaxed) || self.shutdown.is_cancelled() {
            return;
        }
        self.rebalance.do_rebalance(self, self.is_orderly()).await;
    }

    async fn persist_consumer_offset(&self) {
        self.offset_store.persist_all(&self.owned_queues()).await;
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
            "consumeFromWhere".into(),
            self.config.consume_from_where.to_string(),
        );
        p.insert(
            "allocateMessageQueueStrategy".into(),
            self.config
                .allocate_message_queue_strategy
                .name()
                .to_string(),
        );
        p.insert(
            cri::PROP_CONSUME_ORDERLY.into(),
            self.is_orderly().to_string(),
        );
        p.insert(
            cri::PROP_THREADPOOL_CORE_SIZE.into(),
            self.config.consume_thread_min.to_string(),
        );
        p.insert(
            cri::PROP_CONSUME_TYPE.into(),
            ConsumeType::ConsumePassively.to_string(),
        );
        p.insert(
            cri::PROP_CONSUMER_START_TIMESTAMP.into(),
            self.start_timestamp.to_string(),
        );
        p.insert(
            cri::PROP_NAMESERVER_ADDR.into(),
            self.client_config.namesrv_addr.clone().unwrap_or_default(),
        );
        p.insert(
            cri::PROP_CLIENT_VERSION.into(),
            rmq_common::mq_version::get_version_desc(rmq_common::mq_version::CURRENT_VERSION)
                .to_string(),
        );
        info.subscription_set = self.subscriptions();
        for (mq, pq) in self.rebalance.process_queues() {
            let commit = self.offset_store.clone_offset_table(Some(&mq.topic));
            let offset = commit.get(&mq).copied().unwrap_or(-1);
            info.mq_table.insert(mq, pq.fill_process_queue_info(offset));
        }
        for sd in &info.subscription_set {
            info.status_table
                .insert(sd.topic.clone(), Default::default());
        }
        info
    }

    async fn reset_offset(&self, topic: &str, offsets: HashMap<MessageQueue, i64>) {
        tracing::info!(group = self.group(), topic, "reset offset");
        self.set_paused(true);
        let owned: Vec<(MessageQueue, Arc<ProcessQueue>)> = self
            .rebalance
            .process_queues()
            .into_iter()
            .filter(|(mq, _)| mq.topic == topic)
            .collect();
        for (_, pq) in &owned {
            pq.set_dropped(true);
            pq.clear();
        }
        tokio::time::sleep(Duration::from_millis(1000)).await;
        for (mq, pq) in &owned {
            if let Some(o) = offsets.get(mq) {
                self.offset_store.update_offset(mq, *o, false);
                if let Err(e) = self
                    .offset_store
                    .update_consume_offset_to_broker(mq, *o, false)
                    .await
                {
                    tracing::warn!(mq = %mq, error = %e, "reset offset to broker failed");
                }
            }
            let _ = pq;
            self.rebalance.remove_process_queue(mq);
        }
        self.set_paused(false);
        self.instance.rebalance_immediately();
    }

    async fn consume_message_directly(
        &self,
        msg: MessageExt,
        broker_name: Option<String>,
    ) -> ConsumeMessageDirectlyResult {
        match &self.listener {
            MessageListener::Concurrently(_) => {
                concurrently::consume_message_directly(self, msg, broker_name).await
            }
            MessageListener::Orderly(_) => {
                orderly::consume_message_directly(self, msg, broker_name).await
            }
        }
    }
}
