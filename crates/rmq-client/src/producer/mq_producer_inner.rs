//! `MQProducerInner`: what the client instance needs from a producer (Java
//! `impl/producer/MQProducerInner`).

use super::topic_publish_info::TopicPublishInfo;
use async_trait::async_trait;
use rmq_common::MessageExt;
use rmq_remoting::protocol::header::client::CheckTransactionStateRequestHeader;
use std::sync::Arc;

/// A producer as seen by `MQClientInstance`.
#[async_trait]
pub trait MQProducerInner: Send + Sync {
    /// Returns the producer group.
    fn group(&self) -> String;
    /// Returns the topics the producer sent to.
    fn publish_topic_list(&self) -> Vec<String>;
    /// Returns true when the topic has no usable publish info.
    fn is_publish_topic_need_update(&self, topic: &str) -> bool;
    /// Stores new publish info of a topic.
    fn update_topic_publish_info(&self, topic: &str, info: Arc<TopicPublishInfo>);
    /// Answers a broker's CHECK_TRANSACTION_STATE for a half message.
    async fn check_transaction_state(
        &self,
        broker_addr: String,
        msg: MessageExt,
        header: CheckTransactionStateRequestHeader,
    );
}
