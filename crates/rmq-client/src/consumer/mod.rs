//! Consumers (Java `client/consumer` and `impl/consumer`).

pub(crate) mod consume_message_concurrently_service;
pub(crate) mod consume_message_orderly_service;
pub mod default_lite_pull_consumer;
pub(crate) mod default_lite_pull_consumer_impl;
pub mod default_mq_push_consumer;
pub(crate) mod default_mq_push_consumer_impl;
pub mod listener;
pub mod message_selector;
pub mod mq_consumer_inner;
pub mod process_queue;
pub mod pull_api_wrapper;
pub mod pull_result;
pub mod rebalance;
pub mod rebalance_impl;
pub mod store;

pub use default_lite_pull_consumer::{
    DefaultLitePullConsumer, DefaultLitePullConsumerBuilder, LitePullConsumerConfig,
};
pub use default_mq_push_consumer::{
    DefaultMQPushConsumer, DefaultMQPushConsumerBuilder, PushConsumerConfig,
};
pub use listener::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, ConsumeOrderlyContext,
    ConsumeOrderlyStatus, MessageListener, MessageListenerConcurrently, MessageListenerOrderly,
};
pub use message_selector::MessageSelector;
pub use pull_result::{PullResult, PullStatus};
pub use rebalance::{
    AllocateMessageQueueAveragely, AllocateMessageQueueAveragelyByCircle,
    AllocateMessageQueueConsistentHash, AllocateMessageQueueStrategy,
};
pub use rmq_remoting::protocol::body::heartbeat::{ConsumeFromWhere, MessageModel};
