//! `DefaultLitePullConsumer`: subscribe or assign, then `poll` (or use it as a `Stream`),
//! `seek` and `commit` (Java `consumer/DefaultLitePullConsumer`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), rmq_client::ClientError> {
//! use futures::StreamExt;
//! use rmq_client::consumer::DefaultLitePullConsumer;
//! let consumer = DefaultLitePullConsumer::builder("my_group")
//!     .namesrv_addr("127.0.0.1:9876")
//!     .build();
//! consumer.subscribe("TopicTest", "*")?;
//! consumer.start().await?;
//! let msgs = consumer.poll().await?;
//! let mut stream = Box::pin(consumer.stream());
//! while let Some(msg) = stream.next().await {
//!     println!("{}", msg?.client_msg_id());
//! }
//! # Ok(()) }
//! ```

use super::default_lite_pull_consumer_impl::LitePullCore;
use super::rebalance::{AllocateMessageQueueAveragely, AllocateMessageQueueStrategy};
use crate::client_config::{client_config_setters, setter, ClientConfig};
use crate::error::ClientError;
use crate::service_state::ServiceState;
use futures::Stream;
use parking_lot::Mutex;
use rmq_common::{mix_all, topic_validator, MessageExt, MessageQueue};
use rmq_remoting::protocol::body::heartbeat::{ConsumeFromWhere, MessageModel, SubscriptionData};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

/// Lite pull consumer settings with Java's names and defaults.
#[derive(Clone)]
pub struct LitePullConsumerConfig {
    /// The consumer group.
    pub consumer_group: String,
    /// CLUSTERING (default) or BROADCASTING.
    pub message_model: MessageModel,
    /// Where a new group starts (CONSUME_FROM_LAST_OFFSET).
    pub consume_from_where: ConsumeFromWhere,
    /// Start time for CONSUME_FROM_TIMESTAMP, `yyyyMMddHHmmss`.
    pub consume_timestamp: String,
    /// Queue allocation in subscribe mode (AVG).
    pub allocate_message_queue_strategy: Arc<dyn AllocateMessageQueueStrategy>,
    /// Commit polled offsets automatically (true).
    pub auto_commit: bool,
    /// Auto-commit period (5000 ms).
    pub auto_commit_interval_millis: u64,
    /// Messages per pull (10).
    pub pull_batch_size: i32,
    /// Cached messages over all queues before pulls pause (10000).
    pub pull_threshold_for_all: usize,
    /// Cached messages per queue before pulls pause (1000).
    pub pull_threshold_for_queue: usize,
    /// Cached MiB per queue before pulls pause (100).
    pub pull_threshold_size_for_queue: usize,
    /// Default `poll` timeout (5000 ms).
    pub poll_timeout_millis: u64,
    /// How long the broker holds a pull (20000 ms).
    pub broker_suspend_max_time_millis: i64,
    /// How long the client waits for a held pull (30000 ms).
    pub consumer_timeout_millis_when_suspend: u64,
}

impl Default for LitePullConsumerConfig {
    fn default() -> Self {
        let half_hour_ago = rmq_common::util_all::current_millis() - 30 * 60 * 1000;
        LitePullConsumerConfig {
            consumer_group: String::new(),
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            consume_timestamp: rmq_common::util_all::format_millis(half_hour_ago, "%Y%m%d%H%M%S"),
            allocate_message_queue_strategy: Arc::new(AllocateMessageQueueAveragely),
            auto_commit: true,
            auto_commit_interval_millis: 5000,
            pull_batch_size: 10,
            pull_threshold_for_all: 10_000,
            pull_threshold_for_queue: 1000,
            pull_threshold_size_for_queue: 100,
            poll_timeout_millis: 5000,
            broker_suspend_max_time_millis: 20_000,
            consumer_timeout_millis_when_suspend: 30_000,
        }
    }
}

/// Builds a [`DefaultLitePullConsumer`].
#[derive(Clone)]
pub struct DefaultLitePullConsumerBuilder {
    config: LitePullConsumerConfig,
    client_config: ClientConfig,
}

impl DefaultLitePullConsumerBuilder {
    client_config_setters!();

    /// Sets the allocation strategy (AVG).
    pub fn allocate_message_queue_strategy(
        mut self,
        s: Arc<dyn AllocateMessageQueueStrategy>,
    ) -> Self {
        self.config.allocate_message_queue_strategy = s;
        self
    }

    setter!(/// Sets CLUSTERING or BROADCASTING.
        message_model: MessageModel => config.message_model);
    setter!(/// Sets where a new group starts.
        consume_from_where: ConsumeFromWhere => config.consume_from_where);
    setter!(/// Sets the CONSUME_FROM_TIMESTAMP start, `yyyyMMddHHmmss`.
        consume_timestamp: String => config.consume_timestamp);
    setter!(/// Turns auto-commit on or off (on).
        auto_commit: bool => config.auto_commit);
    setter!(/// Sets the auto-commit period (5000 ms).
        auto_commit_interval_millis: u64 => config.auto_commit_interval_millis);
    setter!(/// Sets messages per pull (10).
        pull_batch_size: i32 => config.pull_batch_size);
    setter!(/// Sets the cache limit over all queues (10000).
        pull_threshold_for_all: usize => config.pull_threshold_for_all);
    setter!(/// Sets the per-queue cache limit (1000).
        pull_threshold_for_queue: usize => config.pull_threshold_for_queue);
    setter!(/// Sets the default poll timeout (5000 ms).
        poll_timeout_millis: u64 => config.poll_timeout_millis);
    setter!(/// Sets how long the broker holds a pull (20000 ms).
        broker_suspend_max_time_millis: i64 => config.broker_suspend_max_time_millis);

    /// Builds the consumer (not started).
    pub fn build(self) -> DefaultLitePullConsumer {
        DefaultLitePullConsumer {
            inner: Arc::new(Mutex::new(LiteState {
                state: ServiceState::CreateJust,
                core: None,
                config: self.config,
                client_config: self.client_config,
                pending_subscriptions: Vec::new(),
                pending_assign: None,
            })),
        }
    }
}

struct LiteState {
    state: ServiceState,
    core: Option<Arc<LitePullCore>>,
    config: LitePullConsumerConfig,
    client_config: ClientConfig,
    pending_subscriptions: Vec<SubscriptionData>,
    pending_assign: Option<BTreeSet<MessageQueue>>,
}

/// A lite pull consumer; cheap to clone (clones share the consumer).
#[derive(Clone)]
pub struct DefaultLitePullConsumer {
    inner: Arc<Mutex<LiteState>>,
}

impl DefaultLitePullConsumer {
    /// Starts a builder for `consumer_group` with Java's defaults.
    pub fn builder(consumer_group: impl Into<String>) -> DefaultLitePullConsumerBuilder {
        DefaultLitePullConsumerBuilder {
            config: LitePullConsumerConfig {
                consumer_group: consumer_group.into(),
                ..Default::default()
            },
            client_config: ClientConfig::default(),
        }
    }

    fn core(&self) -> Result<Arc<LitePullCore>, ClientError> {
        let g = self.inner.lock();
        match (&g.core, g.state) {
            (Some(c), ServiceState::Running) => Ok(c.clone()),
            _ => Err(ClientError::IllegalState(mix_all::suggest_todo(&format!(
                "The consumer service state not OK, {}",
                g.state
            )))),
        }
    }

    /// Returns the life-cycle state.
    pub fn service_state(&self) -> ServiceState {
        self.inner.lock().state
    }

    /// Subscribes to a topic with a tag expression; exclusive with [`assign`](Self::assign).
    pub fn subscribe(&self, topic: &str, sub_expression: &str) -> Result<(), ClientError> {
        self.subscribe_with_selector(topic, &super::MessageSelector::by_tag(sub_expression))
    }

    /// Subscribes to a topic with a TAG or SQL92 selector.
    pub fn subscribe_with_selector(
        &self,
        topic: &str,
        selector: &super::MessageSelector,
    ) -> Result<(), ClientError> {
        topic_validator::validate_topic(topic).map_err(|e| ClientError::client(-1, e))?;
        let sd = SubscriptionData::build(topic, selector.expression(), selector.expression_type());
        let mut g = self.inner.lock();
        if let Some(core) = g.core.clone() {
            drop(g);
            return core.subscribe(sd);
        }
        if g.pending_assign.is_some() {
            return Err(ClientError::IllegalState(
                "Subscribe and assign are mutually exclusive.".into(),
            ));
        }
        g.pending_subscriptions.push(sd);
        Ok(())
    }

    /// Consumes exactly these queues; exclusive with [`subscribe`](Self::subscribe).
    pub fn assign(&self, mqs: BTreeSet<MessageQueue>) -> Result<(), ClientError> {
        if mqs.is_empty() {
            return Err(ClientError::IllegalArgument(
                "Message queues can not be null or empty.".into(),
            ));
        }
        let mut g = self.inner.lock();
        if let Some(core) = g.core.clone() {
            drop(g);
            return core.assign(&mqs);
        }
        if !g.pending_subscriptions.is_empty() {
            return Err(ClientError::IllegalState(
                "Subscribe and assign are mutually exclusive.".into(),
            ));
        }
        g.pending_assign = Some(mqs);
        Ok(())
    }

    /// Starts pulling.
    pub async fn start(&self) -> Result<(), ClientError> {
        let (core, subs, assign) = {
            let mut g = self.inner.lock();
            if g.state != ServiceState::CreateJust {
                return Err(ClientError::client(
                    -1,
                    mix_all::suggest_todo(&format!(
                        "The PullConsumer service state not OK, maybe started once, {}",
                        g.state
                    )),
                ));
            }
            topic_validator::validate_group(&g.config.consumer_group)
                .map_err(|e| ClientError::client(-1, e))?;
            g.client_config.change_instance_name_to_pid();
            let core = LitePullCore::new(g.config.clone(), &g.client_config);
            g.state = ServiceState::StartFailed;
            (
                core,
                std::mem::take(&mut g.pending_subscriptions),
                g.pending_assign.take(),
            )
        };
        for sd in subs {
            core.rebalance
                .subscription_inner
                .lock()
                .insert(sd.topic.clone(), sd);
            *core.subscription_type.lock() =
                super::default_lite_pull_consumer_impl::SubscriptionType::Subscribe;
        }
        core.start().await?;
        if let Some(mqs) = assign {
            core.assign(&mqs)?;
        }
        let mut g = self.inner.lock();
        g.core = Some(core);
        g.state = ServiceState::Running;
        Ok(())
    }

    /// Commits (when auto-commit is on), stops pulling and unregisters the group.
    pub async fn shutdown(&self) {
        let core = {
            let mut g = self.inner.lock();
            if g.state != ServiceState::Running {
                return;
            }
            g.state = ServiceState::ShutdownAlready;
            g.core.take()
        };
        if let Some(c) = core {
            c.shutdown().await;
        }
    }

    /// Returns the next batch of messages, waiting up to `poll_timeout_millis`; empty when
    /// nothing arrived.
    pub async fn poll(&self) -> Result<Vec<MessageExt>, ClientError> {
        let core = self.core()?;
        Ok(core.poll(core.config.poll_timeout_millis).await)
    }

    /// Like [`poll`](Self::poll) with another timeout.
    pub async fn poll_with_timeout(
        &self,
        timeout_millis: u64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        let core = self.core()?;
        Ok(core.poll(timeout_millis).await)
    }

    /// Returns the messages as a stream; it ends when the consumer shuts down.
    pub fn stream(&self) -> impl Stream<Item = Result<MessageExt, ClientError>> + Send + 'static {
        let this = self.clone();
        futures::stream::unfold(
            (this, VecDeque::<MessageExt>::new()),
            |(this, mut buf)| async move {
                loop {
                    if let Some(m) = buf.pop_front() {
                        return Some((Ok(m), (this, buf)));
                    }
                    let core = match this.core() {
                        Ok(c) => c,
                        Err(_) => return None,
                    };
                    if core.shutdown.is_cancelled() {
                        return None;
                    }
                    buf.extend(core.poll(core.config.poll_timeout_millis).await);
                }
            },
        )
    }

    /// Moves a queue's next message to `offset` (between its min and max offsets).
    pub async fn seek(&self, mq: &MessageQueue, offset: i64) -> Result<(), ClientError> {
        self.core()?.seek(mq, offset).await
    }

    /// Moves a queue to its first message (`seekToBegin`).
    pub async fn seek_to_begin(&self, mq: &MessageQueue) -> Result<(), ClientError> {
        let core = self.core()?;
        let addr = core.instance.broker_addr_for_queue(mq).await?;
        let o = core
            .instance
            .api()
            .get_min_offset(&addr, mq, core.instance.api_timeout_millis())
            .await?;
        core.seek(mq, o).await
    }

    /// Moves a queue past its last message (`seekToEnd`).
    pub async fn seek_to_end(&self, mq: &MessageQueue) -> Result<(), ClientError> {
        let core = self.core()?;
        let addr = core.instance.broker_addr_for_queue(mq).await?;
        let o = core
            .instance
            .api()
            .get_max_offset(&addr, mq, core.instance.api_timeout_millis())
            .await?;
        core.seek(mq, o).await
    }

    /// Pauses pulling these queues.
    pub fn pause(&self, mqs: &[MessageQueue]) -> Result<(), ClientError> {
        self.core()?.pause(mqs, true);
        Ok(())
    }

    /// Resumes pulling these queues.
    pub fn resume(&self, mqs: &[MessageQueue]) -> Result<(), ClientError> {
        self.core()?.pause(mqs, false);
        Ok(())
    }

    /// Commits the positions of every polled queue and persists them (`commitSync`).
    pub async fn commit_sync(&self) -> Result<(), ClientError> {
        self.core()?.commit_all().await;
        Ok(())
    }

    /// Commits given offsets; `persist` writes them to the broker now (`commit(map, persist)`).
    pub async fn commit(
        &self,
        offsets: &HashMap<MessageQueue, i64>,
        persist: bool,
    ) -> Result<(), ClientError> {
        self.core()?.commit(offsets, persist).await;
        Ok(())
    }

    /// Returns the stored offset of a queue, -1 if none (`committed`).
    pub async fn committed(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        Ok(self.core()?.committed(mq).await)
    }

    /// Returns the offset of the first message stored at or after `timestamp`
    /// (`offsetForTimestamp`).
    pub async fn offset_for_timestamp(
        &self,
        mq: &MessageQueue,
        timestamp: i64,
    ) -> Result<i64, ClientError> {
        let core = self.core()?;
        let addr = core.instance.broker_addr_for_queue(mq).await?;
        core.instance
            .api()
            .search_offset(&addr, mq, timestamp, core.instance.api_timeout_millis())
            .await
    }

    /// Returns the readable queues of a topic (`fetchMessageQueues`).
    pub async fn fetch_message_queues(
        &self,
        topic: &str,
    ) -> Result<BTreeSet<MessageQueue>, ClientError> {
        let core = self.core()?;
        core.instance.fetch_subscribe_message_queues(topic).await
    }

    /// Returns the queues consumed now.
    pub fn assignment(&self) -> BTreeSet<MessageQueue> {
        self.core()
            .map(|c| c.assigned.lock().keys().cloned().collect())
            .unwrap_or_default()
    }
}
