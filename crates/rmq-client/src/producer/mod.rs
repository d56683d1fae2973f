//! Producers (Java `client/producer` and `impl/producer`).

pub mod default_mq_producer;
pub(crate) mod default_mq_producer_impl;
pub mod message_queue_selector;
pub mod mq_producer_inner;
pub mod send_result;
pub mod topic_publish_info;
pub mod transaction_mq_producer;

pub use default_mq_producer::{DefaultMQProducer, DefaultMQProducerBuilder};
pub use default_mq_producer_impl::ProducerConfig;
pub use message_queue_selector::{
    MessageQueueSelector, SelectMessageQueueByHash, SelectMessageQueueByRandom,
};
pub use send_result::{SendResult, SendStatus};
pub use transaction_mq_producer::{
    LocalTransactionState, TransactionListener, TransactionMQProducer, TransactionSendResult,
};
