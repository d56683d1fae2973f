//! Message listeners, their statuses and contexts (Java `consumer/listener`:
//! `MessageListenerConcurrently`, `MessageListenerOrderly`, `ConsumeConcurrentlyStatus`,
//! `ConsumeOrderlyStatus`, `ConsumeConcurrentlyContext`, `ConsumeOrderlyContext`).
//!
//! Listeners are async traits; plain closures `Fn(&[MessageExt], &mut Context) -> Status`
//! implement them too.

use async_trait::async_trait;
use rmq_common::{MessageExt, MessageQueue};
use std::sync::Arc;

/// What a concurrent listener returns (`ConsumeConcurrentlyStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsumeConcurrentlyStatus {
    /// Consumed.
    ConsumeSuccess,
    /// Send the messages back; they return later through `%RETRY%<group>`.
    ReconsumeLater,
}

/// What an orderly listener returns (`ConsumeOrderlyStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsumeOrderlyStatus {
    /// Consumed.
    Success,
    /// Retry the same messages after `suspend_current_queue_time_millis`.
    SuspendCurrentQueueAMoment,
    /// Deprecated in Java; with `auto_commit` false, forget the messages taken.
    Rollback,
    /// Deprecated in Java; with `auto_commit` false, commit the messages taken.
    Commit,
}

/// Context of a concurrent consume call (`ConsumeConcurrentlyContext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumeConcurrentlyContext {
    /// The queue the messages come from.
    pub message_queue: MessageQueue,
    /// Delay level of the retry: 0 lets the broker choose (3 + reconsume times), -1 sends
    /// straight to the DLQ, > 0 is the level.
    pub delay_level_when_next_consume: i32,
    /// Index of the last successfully consumed message of the batch (all by default).
    pub ack_index: i32,
}

/// Context of an orderly consume call (`ConsumeOrderlyContext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumeOrderlyContext {
    /// The queue the messages come from.
    pub message_queue: MessageQueue,
    /// Commit the offset automatically after SUCCESS (true).
    pub auto_commit: bool,
    /// Pause before retrying after SUSPEND; -1 uses the consumer's setting.
    pub suspend_current_queue_time_millis: i64,
}

/// Consumes messages in parallel (`MessageListenerConcurrently`).
#[async_trait]
pub trait MessageListenerConcurrently: Send + Sync {
    /// Consumes a batch (at most `consume_message_batch_max_size` messages).
    async fn consume_message(
        &self,
        msgs: &[MessageExt],
        context: &mut ConsumeConcurrentlyContext,
    ) -> ConsumeConcurrentlyStatus;
}

#[async_trait]
impl<F> MessageListenerConcurrently for F
where
    F: Fn(&[MessageExt], &mut ConsumeConcurrentlyContext) -> ConsumeConcurrentlyStatus
        + Send
        + Sync,
{
    async fn consume_message(
        &self,
        msgs: &[MessageExt],
        context: &mut ConsumeConcurrentlyContext,
    ) -> ConsumeConcurrentlyStatus {
        self(msgs, context)
    }
}

/// Consumes each queue's messages one batch at a time, in order (`MessageListenerOrderly`).
#[async_trait]
pub trait MessageListenerOrderly: Send + Sync {
    /// Consumes a batch of one queue, in queue order.
    async fn consume_message(
        &self,
        msgs: &[MessageExt],
        context: &mut ConsumeOrderlyContext,
    ) -> ConsumeOrderlyStatus;
}

#[async_trait]
impl<F> MessageListenerOrderly for F
where
    F: Fn(&[MessageExt], &mut ConsumeOrderlyContext) -> ConsumeOrderlyStatus + Send + Sync,
{
    async fn consume_message(
        &self,
        msgs: &[MessageExt],
        context: &mut ConsumeOrderlyContext,
    ) -> ConsumeOrderlyStatus {
        self(msgs, context)
    }
}

/// The listener a push consumer runs.
#[derive(Clone)]
pub enum MessageListener {
    /// Parallel consumption.
    Concurrently(Arc<dyn MessageListenerConcurrently>),
    /// Per-queue ordered consumption with broker locks.
    Orderly(Arc<dyn MessageListenerOrderly>),
}
