//! rmq-client: the RocketMQ remoting client for Rust (Java `rocketmq-client`).
//!
//! - [`DefaultMQProducer`]: sync, async (callback), oneway, selector, batch sends with
//!   retries, latency fault tolerance and zlib compression.
//! - [`TransactionMQProducer`]: half messages, local transactions, state checks.
//! - [`DefaultMQPushConsumer`]: clustering or broadcasting, concurrent or orderly listeners,
//!   rebalance, flow control, offsets, retry through `%RETRY%<group>`.
//! - [`DefaultLitePullConsumer`]: subscribe or assign, poll, seek, commit; also a `Stream`.
//! - [`MQAdminImpl`]: the client's own admin calls (Java `client/impl/MQAdminImpl`): queue
//!   offsets, store times, message lookups. The admin client `DefaultMQAdminExt` lives where
//!   Java keeps it, in the tools (`rmq_tools::admin::DefaultMQAdminExt`), built on
//!   [`MQClientInstance`], [`MQAdminImpl`] and [`internal::MQClientAPIImpl`].
//!
//! One [`MQClientInstance`] per client id (`clientIP@instanceName`) does route refresh
//! (30 s), heartbeats (30 s), rebalance (20 s) and offset persistence (5 s), and answers the
//! broker's calls. Works against Java brokers 4.9/5.x and rmq's servers.

pub mod client_config;
pub mod consumer;
pub mod error;
pub mod factory;
pub mod internal;
pub mod latency;
pub mod producer;
pub mod service_state;

pub use client_config::ClientConfig;
pub use consumer::{DefaultLitePullConsumer, DefaultMQPushConsumer};
pub use error::ClientError;
pub use factory::MQClientInstance;
pub use internal::MQAdminImpl;
pub use producer::{
    DefaultMQProducer, DefaultMQProducerBuilder, LocalTransactionState, MessageQueueSelector,
    SendResult, SendStatus, TransactionListener, TransactionMQProducer, TransactionSendResult,
};
pub use rmq_common::{Message, MessageExt, MessageQueue};
/// Request-signing credentials (Java `SessionCredentials`, used through `AclClientRPCHook`).
pub use rmq_remoting::acl::SessionCredentials;
pub use service_state::ServiceState;
