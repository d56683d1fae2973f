//! `DefaultMQProducer`: the public producer API and its builder (Java
//! `producer/DefaultMQProducer`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), rmq_client::ClientError> {
//! use rmq_client::{DefaultMQProducer, Message};
//! let producer = DefaultMQProducer::builder("my_group")
//!     .namesrv_addr("127.0.0.1:9876")
//!     .build();
//! producer.start().await?;
//! let result = producer.send(Message::new("TopicTest", "hello")).await?;
//! println!("{result}");
//! producer.shutdown().await;
//! # Ok(()) }
//! ```

use super::default_mq_producer_impl::{
    CommunicationMode, DefaultMQProducerImpl, OutMessage, ProducerConfig,
};
use super::message_queue_selector::MessageQueueSelector;
use super::send_result::SendResult;
use crate::client_config::{client_config_setters, setter, ClientConfig};
use crate::error::ClientError;
use crate::factory::MQClientInstance;
use crate::service_state::ServiceState;
use rmq_common::{Message, MessageQueue};
use std::sync::Arc;

/// Builds a [`DefaultMQProducer`]; setters carry Java's field names in snake_case.
#[derive(Debug, Clone)]
pub struct DefaultMQProducerBuilder {
    config: ProducerConfig,
    pub(crate) client_config: ClientConfig,
}

impl DefaultMQProducerBuilder {
    client_config_setters!();

    setter!(/// Sets the whole-send timeout (3000 ms).
        send_msg_timeout: u64 => config.send_msg_timeout_millis);
    setter!(/// Sets the compression threshold (4096 bytes).
        compress_msg_body_over_howmuch: usize => config.compress_msg_body_over_howmuch);
    setter!(/// Sets the zlib level (5).
        compress_level: u32 => config.compress_level);
    setter!(/// Sets the extra tries of a sync send (2).
        retry_times_when_send_failed: u32 => config.retry_times_when_send_failed);
    setter!(/// Sets the extra tries of an async send (2).
        retry_times_when_send_async_failed: u32 => config.retry_times_when_send_async_failed);
    setter!(/// Retries on another broker when the status is not SEND_OK (false).
        retry_another_broker_when_not_store_ok: bool => config.retry_another_broker_when_not_store_ok);
    setter!(/// Sets the largest accepted body (4 MiB).
        max_message_size: usize => config.max_message_size);
    setter!(/// Sets the queue count of auto-created topics (4).
        default_topic_queue_nums: i32 => config.default_topic_queue_nums);
    setter!(/// Sets the template topic of auto-created topics (`TBW102`).
        create_topic_key: String => config.create_topic_key);
    setter!(/// Turns latency fault tolerance on (false).
        send_latency_fault_enable: bool => config.send_latency_fault_enable);

    /// Builds the producer (not started).
    pub fn build(self) -> DefaultMQProducer {
        DefaultMQProducer {
            inner: Arc::new(DefaultMQProducerImpl::new(self.config, self.client_config)),
        }
    }
}

/// A producer; cheap to clone (clones share the producer).
#[derive(Clone)]
pub struct DefaultMQProducer {
    pub(crate) inner: Arc<DefaultMQProducerImpl>,
}

impl DefaultMQProducer {
    /// Starts a builder for `producer_group` with Java's defaults.
    pub fn builder(producer_group: impl Into<String>) -> DefaultMQProducerBuilder {
        DefaultMQProducerBuilder {
            config: ProducerConfig {
                producer_group: producer_group.into(),
                ..Default::default()
            },
            client_config: ClientConfig::default(),
        }
    }

    /// Returns the producer group.
    pub fn producer_group(&self) -> &str {
        &self.inner.config.producer_group
    }

    /// Returns the settings.
    pub fn config(&self) -> &ProducerConfig {
        &self.inner.config
    }

    /// Returns the life-cycle state.
    pub fn service_state(&self) -> ServiceState {
        self.inner.service_state()
    }

    /// Returns the shared client instance (after `start`).
    pub fn client_instance(&self) -> Result<Arc<MQClientInstance>, ClientError> {
        self.inner.instance()
    }

    /// Turns latency fault tolerance on or off at run time.
    pub fn set_send_latency_fault_enable(&self, enabled: bool) {
        self.inner
            .fault_strategy()
            .set_send_latency_fault_enable(enabled);
    }

    /// Starts the producer: registers the group, starts the client instance and sends a
    /// first heartbeat. Fails for `DEFAULT_PRODUCER` and for a group already started in
    /// this client instance.
    pub async fn start(&self) -> Result<(), ClientError> {
        self.inner.start().await
    }

    /// Unregisters the producer; the client instance stops when nothing uses it.
    pub async fn shutdown(&self) {
        self.inner.shutdown().await
    }

    fn send_msg_timeout(&self) -> u64 {
        self.inner.config.send_msg_timeout_millis
    }

    fn sync_result(r: Result<Option<SendResult>, ClientError>) -> Result<SendResult, ClientError> {
        r?.ok_or_else(|| ClientError::client(-1, "no send result"))
    }

    /// Sends and waits for the broker's answer, retrying on other brokers up to
    /// `retry_times_when_send_failed` times within `send_msg_timeout`.
    pub async fn send(&self, msg: Message) -> Result<SendResult, ClientError> {
        self.send_with_timeout(msg, self.send_msg_timeout()).await
    }

    /// Like [`send`](Self::send) with another timeout.
    pub async fn send_with_timeout(
        &self,
        msg: Message,
        timeout_millis: u64,
    ) -> Result<SendResult, ClientError> {
        let out = OutMessage::from(msg);
        Self::sync_result(
            self.inner
                .send_default_impl(out, CommunicationMode::Sync, timeout_millis)
                .await,
        )
    }

    /// Sends in the background and calls `callback` with the outcome (Java's
    /// `send(msg, SendCallback)`); retries up to `retry_times_when_send_async_failed`.
    pub fn send_with_callback<F>(&self, msg: Message, callback: F)
    where
        F: FnOnce(Result<SendResult, ClientError>) + Send + 'static,
    {
        let inner = self.inner.clone();
        let timeout = inner.config.send_msg_timeout_millis;
        tokio::spawn(async move {
            let out = OutMessage::from(msg);
            let r = inner
                .send_default_impl(out, CommunicationMode::Async, timeout)
                .await;
            callback(Self::sync_result(r));
        });
    }

    /// Sends without waiting for an answer (`sendOneway`); errors are local ones only
    /// (validation, no route, connection).
    pub async fn send_oneway(&self, msg: Message) -> Result<(), ClientError> {
        let out = OutMessage::from(msg);
        self.inner
            .send_default_impl(out, CommunicationMode::Oneway, self.send_msg_timeout())
            .await
            .map(|_| ())
    }

    /// Sends to a given queue, without retry.
    pub async fn send_to_queue(
        &self,
        msg: Message,
        mq: &MessageQueue,
    ) -> Result<SendResult, ClientError> {
        let out = OutMessage::from(msg);
        Self::sync_result(
            self.inner
                .send_to_queue(out, mq, CommunicationMode::Sync, self.send_msg_timeout())
                .await,
        )
    }

    /// Sends oneway to a given queue.
    pub async fn send_oneway_to_queue(
        &self,
        msg: Message,
        mq: &MessageQueue,
    ) -> Result<(), ClientError> {
        let out = OutMessage::from(msg);
        self.inner
            .send_to_queue(out, mq, CommunicationMode::Oneway, self.send_msg_timeout())
            .await
            .map(|_| ())
    }

    /// Sends to the queue `selector` picks for `arg` (ordered messages), without retry.
    pub async fn send_with_selector<A: ?Sized>(
        &self,
        msg: Message,
        selector: &dyn MessageQueueSelector<A>,
        arg: &A,
    ) -> Result<SendResult, ClientError> {
        Self::sync_result(
            self.inner
                .send_select_impl(
                    msg,
                    |mqs, m| selector.select(mqs, m, arg),
                    CommunicationMode::Sync,
                    self.send_msg_timeout(),
                )
                .await,
        )
    }

    /// Sends oneway to the queue `selector` picks for `arg`.
    pub async fn send_oneway_with_selector<A: ?Sized>(
        &self,
        msg: Message,
        selector: &dyn MessageQueueSelector<A>,
        arg: &A,
    ) -> Result<(), ClientError> {
        self.inner
            .send_select_impl(
                msg,
                |mqs, m| selector.select(mqs, m, arg),
                CommunicationMode::Oneway,
                self.send_msg_timeout(),
            )
            .await
            .map(|_| ())
    }

    /// Sends messages of one topic as one batch; `msg_id` of the result lists their unique
    /// ids separated by `,`. Delayed and retry-topic messages are refused, and the encoded
    /// batch must fit `max_message_size`.
    pub async fn send_batch(&self, msgs: Vec<Message>) -> Result<SendResult, ClientError> {
        let out = self.inner.batch(msgs)?;
        Self::sync_result(
            self.inner
                .send_default_impl(out, CommunicationMode::Sync, self.send_msg_timeout())
                .await,
        )
    }

    /// Sends a batch to a given queue, without retry.
    pub async fn send_batch_to_queue(
        &self,
        msgs: Vec<Message>,
        mq: &MessageQueue,
    ) -> Result<SendResult, ClientError> {
        let out = self.inner.batch(msgs)?;
        Self::sync_result(
            self.inner
                .send_to_queue(out, mq, CommunicationMode::Sync, self.send_msg_timeout())
                .await,
        )
    }

    /// Returns the writable queues of a topic (`fetchPublishMessageQueues`).
    pub async fn fetch_publish_message_queues(
        &self,
        topic: &str,
    ) -> Result<Vec<MessageQueue>, ClientError> {
        self.inner.fetch_publish_message_queues(topic).await
    }
}
