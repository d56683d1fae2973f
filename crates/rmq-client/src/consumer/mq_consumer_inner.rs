//! `MQConsumerInner`: what the client instance needs from a consumer (Java
//! `impl/consumer/MQConsumerInner`).

use async_trait::async_trait;
use rmq_common::{MessageExt, MessageQueue};
use rmq_remoting::protocol::body::consume_message_directly_result::ConsumeMessageDirectlyResult;
use rmq_remoting::protocol::body::consumer_running_info::ConsumerRunningInfo;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData,
};
use std::collections::{BTreeSet, HashMap};

/// A consumer as seen by `MQClientInstance`.
#[async_trait]
pub trait MQConsumerInner: Send + Sync {
    /// Returns the consumer group.
    fn group_name(&self) -> String;
    /// Returns CLUSTERING or BROADCASTING.
    fn message_model(&self) -> MessageModel;
    /// Returns PUSH (passive) or PULL (active).
    fn consume_type(&self) -> ConsumeType;
    /// Returns where a new group starts.
    fn consume_from_where(&self) -> ConsumeFromWhere;
    /// Returns the subscriptions, retry topic included.
    fn subscriptions(&self) -> Vec<SubscriptionData>;
    /// Recomputes the queues this client owns.
    async fn do_rebalance(&self);
    /// Writes the consumed offsets to their store.
    async fn persist_consumer_offset(&self);
    /// Stores the readable queues of a subscribed topic.
    fn update_topic_subscribe_info(&self, topic: &str, info: &BTreeSet<MessageQueue>);
    /// Returns true when a subscribed topic has no queue information yet.
    fn is_subscribe_topic_need_update(&self, topic: &str) -> bool;
    /// Describes the consumer for GET_CONSUMER_RUNNING_INFO.
    fn consumer_running_info(&self) -> ConsumerRunningInfo;
    /// Moves the offsets of `topic`'s queues, as RESET_CONSUMER_CLIENT_OFFSET asks.
    async fn reset_offset(&self, topic: &str, offsets: HashMap<MessageQueue, i64>);
    /// Hands one message to the listener, as CONSUME_MESSAGE_DIRECTLY asks.
    async fn consume_message_directly(
        &self,
        msg: MessageExt,
        broker_name: Option<String>,
    ) -> ConsumeMessageDirectlyResult;
}
