//! `DefaultMQPushConsumer`: the public push consumer API, its settings and builder (Java
//! `consumer/DefaultMQPushConsumer`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), rmq_client::ClientError> {
//! use rmq_client::consumer::{ConsumeConcurrentlyStatus, DefaultMQPushConsumer};
//! let consumer = DefaultMQPushConsumer::builder("my_group")
//!     .namesrv_addr("127.0.0.1:9876")
//!     .build();
//! consumer.subscribe("TopicTest", "TagA || TagB")?;
//! consumer.register_message_listener_concurrently(|msgs: &[rmq_client::MessageExt], _ctx: &mut _| {
//!     for m in msgs {
//!         println!("{}", m.client_msg_id());
//!     }
//!     ConsumeConcurrentlyStatus::ConsumeSuccess
//! });
//! consumer.start().await?;
//! # Ok(()) }
//! ```

use super::default_mq_push_consumer_impl::PushConsumerCore;
use super::listener::{MessageListener, MessageListenerConcurrently, MessageListenerOrderly};
use super::rebalance::{AllocateMessageQueueAveragely, AllocateMessageQueueStrategy};
use crate::client_config::{client_config_setters, setter, ClientConfig};
use crate::error::ClientError;
use crate::service_state::ServiceState;
use parking_lot::Mutex;
use rmq_common::{mix_all, topic_validator, MessageExt, MessageQueue};
use rmq_remoting::protocol::body::heartbeat::{ConsumeFromWhere, MessageModel, SubscriptionData};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Push consumer settings with Java's names and defaults.
#[derive(Clone)]
pub struct PushConsumerConfig {
    /// The consumer group.
    pub consumer_group: String,
    /// CLUSTERING (default) or BROADCASTING.
    pub message_model: MessageModel,
    /// Where a new group starts (CONSUME_FROM_LAST_OFFSET).
    pub consume_from_where: ConsumeFromWhere,
    /// Start time for CONSUME_FROM_TIMESTAMP, `yyyyMMddHHmmss` (default: 30 minutes ago).
    pub consume_timestamp: String,
    /// Queue allocation (AVG).
    pub allocate_message_queue_strategy: Arc<dyn AllocateMessageQueueStrategy>,
    /// Minimum consume concurrency (20).
    pub consume_thread_min: usize,
    /// Maximum consume concurrency (20).
    pub consume_thread_max: usize,
    /// Largest offset span cached per queue in concurrent mode (2000).
    pub consume_concurrently_max_span: i64,
    /// Cached messages per queue before pulls pause (1000).
    pub pull_threshold_for_queue: usize,
    /// Cached MiB per queue before pulls pause (100).
    pub pull_threshold_size_for_queue: usize,
    /// Pause between pulls (0 ms).
    pub pull_interval_millis: u64,
    /// Messages per pull (32).
    pub pull_batch_size: i32,
    /// Messages per listener call (1).
    pub consume_message_batch_max_size: usize,
    /// Send the subscription expression with each pull (false).
    pub post_subscription_when_pull: bool,
    /// Retries before the DLQ; -1 means 16 (concurrent) or unbounded (orderly).
    pub max_reconsume_times: i32,
    /// Pause after SUSPEND_CURRENT_QUEUE_A_MOMENT (1000 ms).
    pub suspend_current_queue_time_millis: u64,
    /// A message consuming longer is sent back (15 minutes).
    pub consume_timeout_minutes: u64,
    /// How long the broker holds a pull (15000 ms).
    pub broker_suspend_max_time_millis: i64,
    /// How long the client waits for a held pull (30000 ms).
    pub consumer_timeout_millis_when_suspend: u64,
}

impl Default for PushConsumerConfig {
    fn default() -> Self {
        let half_hour_ago = rmq_common::util_all::current_millis() - 30 * 60 * 1000;
        PushConsumerConfig {
            consumer_group: String::new(),
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            consume_timestamp: rmq_common::util_all::format_millis(half_hour_ago, "%Y%m%d%H%M%S"),
            allocate_message_queue_strategy: Arc::new(AllocateMessageQueueAveragely),
            consume_thread_min: 20,
            consume_thread_max: 20,
            consume_concurrently_max_span: 2000,
            pull_threshold_for_queue: 1000,
            pull_threshold_size_for_queue: 100,
            pull_interval_millis: 0,
            pull_batch_size: 32,
            consume_message_batch_max_size: 1,
            post_subscription_when_pull: false,
            max_reconsume_times: -1,
            suspend_current_queue_time_millis: 1000,
            consume_timeout_minutes: 15,
            broker_suspend_max_time_millis: 15_000,
            consumer_timeout_millis_when_suspend: 30_000,
        }
    }
}

impl PushConsumerConfig {
    /// Checks the ranges Java checks at start (`checkConfig`): `<field> Out of range [a, b]`.
    pub fn check_config(&self) -> Result<(), ClientError> {
        let err = |m: String| ClientError::client(-1, mix_all::suggest_todo(&m));
        topic_validator::validate_group(&self.consumer_group).map_err(&err)?;
        if self.consumer_group == mix_all::DEFAULT_CONSUMER_GROUP {
            return Err(err(format!(
                "consumerGroup can not equal {}, please specify another one.",
                mix_all::DEFAULT_CONSUMER_GROUP
            )));
        }
        let range = |name: &str, v: i64, a: i64, b: i64| {
            if v < a || v > b {
                Err(err(format!("{name} Out of range [{a}, {b}]")))
            } else {
                Ok(())
            }
        };
        range("consumeThreadMin", self.consume_thread_min as i64, 1, 1000)?;
        range("consumeThreadMax", self.consume_thread_max as i64, 1, 1000)?;
        if self.consume_thread_min > self.consume_thread_max {
            return Err(err(format!(
                "consumeThreadMin ({}) is larger than consumeThreadMax ({})",
                self.consume_thread_min, self.consume_thread_max
            )));
        }
        range(
            "consumeConcurrentlyMaxSpan",
            self.consume_concurrently_max_span,
            1,
            65535,
        )?;
        range(
            "pullThresholdForQueue",
            self.pull_threshold_for_queue as i64,
            1,
            65535,
        )?;
        range(
            "pullThresholdSizeForQueue",
            self.pull_threshold_size_for_queue as i64,
            1,
            1024,
        )?;
        range("pullInterval", self.pull_interval_millis as i64, 0, 65535)?;
        range(
            "consumeMessageBatchMaxSize",
            self.consume_message_batch_max_size as i64,
            1,
            1024,
        )?;
        range("pullBatchSize", i64::from(self.pull_batch_size), 1, 1024)?;
        Ok(())
    }
}

/// Builds a [`DefaultMQPushConsumer`].
#[derive(Clone)]
pub struct DefaultMQPushConsumerBuilder {
    config: PushConsumerConfig,
    client_config: ClientConfig,
}

impl DefaultMQPushConsumerBuilder {
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
    setter!(/// Sets the minimum consume concurrency (20).
        consume_thread_min: usize => config.consume_thread_min);
    setter!(/// Sets the maximum consume concurrency (20).
        consume_thread_max: usize => config.consume_thread_max);
    setter!(/// Sets the concurrent-mode offset span limit (2000).
        consume_concurrently_max_span: i64 => config.consume_concurrently_max_span);
    setter!(/// Sets the per-queue cached message limit (1000).
        pull_threshold_for_queue: usize => config.pull_threshold_for_queue);
    setter!(/// Sets the per-queue cached MiB limit (100).
        pull_threshold_size_for_queue: usize => config.pull_threshold_size_for_queue);
    setter!(/// Sets the pause between pulls (0 ms).
        pull_interval: u64 => config.pull_interval_millis);
    setter!(/// Sets messages per pull (32).
        pull_batch_size: i32 => config.pull_batch_size);
    setter!(/// Sets messages per listener call (1).
        consume_message_batch_max_size: usize => config.consume_message_batch_max_size);
    setter!(/// Sets retries before the DLQ (-1: 16 concurrent, unbounded orderly).
        max_reconsume_times: i32 => config.max_reconsume_times);
    setter!(/// Sets the pause after SUSPEND (1000 ms).
        suspend_current_queue_time_millis: u64 => config.suspend_current_queue_time_millis);
    setter!(/// Sets the consume timeout (15 minutes).
        consume_timeout: u64 => config.consume_timeout_minutes);
    setter!(/// Sends the subscription expression with each pull (false).
        post_subscription_when_pull: bool => config.post_subscription_when_pull);

    /// Builds the consumer (not started).
    pub fn build(self) -> DefaultMQPushConsumer {
        DefaultMQPushConsumer {
            state: Arc::new(Mutex::new(PushState {
                config: self.config,
                client_config: self.client_config,
                subscriptions: BTreeMap::new(),
                listener: None,
                service_state: ServiceState::CreateJust,
                core: None,
            })),
        }
    }
}

pub(crate) struct PushState {
    pub(crate) config: PushConsumerConfig,
    pub(crate) client_config: ClientConfig,
    pub(crate) subscriptions: BTreeMap<String, SubscriptionData>,
    pub(crate) listener: Option<MessageListener>,
    pub(crate) service_state: ServiceState,
    pub(crate) core: Option<Arc<PushConsumerCore>>,
}

/// A push consumer; cheap to clone (clones share the consumer).
#[derive(Clone)]
pub struct DefaultMQPushConsumer {
    state: Arc<Mutex<PushState>>,
}

impl DefaultMQPushConsumer {
    /// Starts a builder for `consumer_group` with Java's defaults.
    pub fn builder(consumer_group: impl Into<String>) -> DefaultMQPushConsumerBuilder {
        DefaultMQPushConsumerBuilder {
            config: PushConsumerConfig {
                consumer_group: consumer_group.into(),
                ..Default::default()
            },
            client_config: ClientConfig::default(),
        }
    }

    /// Returns the consumer group.
    pub fn consumer_group(&self) -> String {
        self.state.lock().config.consumer_group.clone()
    }

    /// Returns the life-cycle state.
    pub fn service_state(&self) -> ServiceState {
        self.state.lock().service_state
    }

    /// Returns the client id (after `start`).
    pub fn client_id(&self) -> Option<String> {
        self.state
            .lock()
            .core
            .as_ref()
            .map(|c| c.instance.client_id().to_string())
    }

    /// Subscribes to `topic` with a tag expression (`TagA || TagB`, or `*`).
    pub fn subscribe(&self, topic: &str, sub_expression: &str) -> Result<(), ClientError> {
        self.subscribe_with_selector(topic, &super::MessageSelector::by_tag(sub_expression))
    }

    /// Subscribes to `topic` with a TAG or SQL92 selector (`subscribe(topic, MessageSelector)`).
    pub fn subscribe_with_selector(
        &self,
        topic: &str,
        selector: &super::MessageSelector,
    ) -> Result<(), ClientError> {
        topic_validator::validate_topic(topic).map_err(|e| ClientError::client(-1, e))?;
        let sd = SubscriptionData::build(topic, selector.expression(), selector.expression_type());
        let mut st = self.state.lock();
        st.subscriptions.insert(topic.to_string(), sd.clone());
        if let Some(core) = st.core.clone() {
            drop(st);
            core.add_subscription(sd);
        }
        Ok(())
    }

    /// Removes a subscription.
    pub fn unsubscribe(&self, topic: &str) {
        let mut st = self.state.lock();
        st.subscriptions.remove(topic);
        if let Some(core) = st.core.clone() {
            drop(st);
            core.remove_subscription(topic);
        }
    }

    /// Sets a concurrent listener.
    pub fn register_message_listener_concurrently(
        &self,
        listener: impl MessageListenerConcurrently + 'static,
    ) {
        self.state.lock().listener = Some(MessageListener::Concurrently(Arc::new(listener)));
    }

    /// Sets an orderly listener.
    pub fn register_message_listener_orderly(
        &self,
        listener: impl MessageListenerOrderly + 'static,
    ) {
        self.state.lock().listener = Some(MessageListener::Orderly(Arc::new(listener)));
    }

    /// Starts consuming: checks the settings, registers the group, sends a heartbeat and
    /// rebalances at once.
    pub async fn start(&self) -> Result<(), ClientError> {
        let core = {
            let mut st = self.state.lock();
            if st.service_state != ServiceState::CreateJust {
                return Err(ClientError::client(
                    -1,
                    mix_all::suggest_todo(&format!(
                        "The PushConsumer service state not OK, maybe started once, {}",
                        st.service_state
                    )),
                ));
            }
            st.config.check_config()?;
            let Some(listener) = st.listener.clone() else {
                return Err(ClientError::client(
                    -1,
                    mix_all::suggest_todo("messageListener is null"),
                ));
            };
            st.client_config.change_instance_name_to_pid();
            let core = PushConsumerCore::new(
                st.config.clone(),
                &st.client_config,
                listener,
                st.subscriptions.values().cloned().collect(),
            );
            st.service_state = ServiceState::StartFailed;
            core
        };
        core.start().await?;
        let mut st = self.state.lock();
        st.core = Some(core);
        st.service_state = ServiceState::Running;
        Ok(())
    }

    /// Stops pulling, persists offsets, unlocks queues (orderly) and unregisters the group.
    pub async fn shutdown(&self) {
        let core = {
            let mut st = self.state.lock();
            if st.service_state != ServiceState::Running {
                return;
            }
            st.service_state = ServiceState::ShutdownAlready;
            st.core.take()
        };
        if let Some(core) = core {
            core.shutdown().await;
        }
    }

    /// Pauses pulling (`suspend`).
    pub fn suspend(&self) {
        if let Some(c) = &self.state.lock().core {
            c.set_paused(true);
        }
    }

    /// Resumes pulling (`resume`).
    pub fn resume(&self) {
        if let Some(c) = &self.state.lock().core {
            c.set_paused(false);
        }
    }

    /// Sends a message back for a later retry at `delay_level` (`sendMessageBack`).
    pub async fn send_message_back(
        &self,
        msg: &MessageExt,
        delay_level: i32,
    ) -> Result<(), ClientError> {
        let core = self.state.lock().core.clone();
        let core = core.ok_or_else(|| ClientError::IllegalState("consumer not started".into()))?;
        core.send_message_back(msg, delay_level).await
    }

    /// Returns the readable queues of a topic (`fetchSubscribeMessageQueues`).
    pub async fn fetch_subscribe_message_queues(
        &self,
        topic: &str,
    ) -> Result<BTreeSet<MessageQueue>, ClientError> {
        let core = self.state.lock().core.clone();
        let core = core.ok_or_else(|| ClientError::IllegalState("consumer not started".into()))?;
        core.instance.fetch_subscribe_message_queues(topic).await
    }

    /// Returns the queues this client consumes now.
    pub fn assigned_message_queues(&self) -> BTreeSet<MessageQueue> {
        let core = self.state.lock().core.clone();
        core.map(|c| {
            c.rebalance
                .process_queues()
                .into_iter()
                .map(|(mq, _)| mq)
                .collect()
        })
        .unwrap_or_default()
    }
}
