//! `ConsumeMessageConcurrentlyService`: runs a concurrent listener on batches of pulled
//! messages, at most `consume_thread_max` at a time, and applies the result — commit
//! point, send-back of failed messages, local retry after 5 s when sending back fails
//! (Java `impl/consumer/ConsumeMessageConcurrentlyService`).

use super::default_mq_push_consumer_impl::{run_directly, PushConsumerCore};
use super::listener::{ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, MessageListener};
use super::process_queue::ProcessQueue;
use rmq_common::{MessageExt, MessageQueue};
use rmq_remoting::protocol::body::consume_message_directly_result::{
    CMResult, ConsumeMessageDirectlyResult,
};
use rmq_remoting::protocol::body::heartbeat::MessageModel;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Delay before messages whose send-back failed are consumed again locally.
const CONSUME_LATER_DELAY_MILLIS: u64 = 5000;

/// Splits `msgs` into listener batches and schedules them (`submitConsumeRequest`).
pub(crate) fn submit_consume_request(
    core: &Arc<PushConsumerCore>,
    msgs: Vec<MessageExt>,
    pq: Arc<ProcessQueue>,
    mq: MessageQueue,
) {
    let batch = core.config.consume_message_batch_max_size.max(1);
    for chunk in msgs.chunks(batch) {
        let core = core.clone();
        let (chunk, pq, mq) = (chunk.to_vec(), pq.clone(), mq.clone());
        tokio::spawn(async move { consume_request(core, chunk, pq, mq).await });
    }
}

async fn consume_request(
    core: Arc<PushConsumerCore>,
    mut msgs: Vec<MessageExt>,
    pq: Arc<ProcessQueue>,
    mq: MessageQueue,
) {
    let permit = tokio::select! {
        _ = core.shutdown.cancelled() => return,
        p = core.consume_permits.clone().acquire_owned() => match p {
            Ok(p) => p,
            Err(_) => return,
        },
    };
    if pq.is_dropped() {
        tracing::info!(mq = %mq, "the message queue not be able to consume, because it's dropped");
        return;
    }
    let MessageListener::Concurrently(listener) = &core.listener else {
        return;
    };
    core.reset_retry_and_namespace(&mut msgs);
    let mut ctx = ConsumeConcurrentlyContext {
        message_queue: mq.clone(),
        delay_level_when_next_consume: 0,
        ack_index: i32::MAX,
    };
    let status = core
        .call_listener(
            &mq,
            listener.consume_message(&msgs, &mut ctx),
            ConsumeConcurrentlyStatus::ReconsumeLater,
        )
        .await;
    drop(permit);
    if pq.is_dropped() {
        tracing::warn!(mq = %mq, "processQueue is dropped without process consume result");
        return;
    }
    process_consume_result(&core, status, &ctx, msgs, &pq, &mq).await;
}

/// Applies a listener's verdict (`processConsumeResult`).
pub(crate) async fn process_consume_result(
    core: &Arc<PushConsumerCore>,
    status: ConsumeConcurrentlyStatus,
    ctx: &ConsumeConcurrentlyContext,
    mut msgs: Vec<MessageExt>,
    pq: &Arc<ProcessQueue>,
    mq: &MessageQueue,
) {
    if msgs.is_empty() {
        return;
    }
    let len = msgs.len() as i64;
    let ack_index: i64 = match status {
        ConsumeConcurrentlyStatus::ConsumeSuccess => i64::from(ctx.ack_index).min(len - 1),
        ConsumeConcurrentlyStatus::ReconsumeLater => -1,
    };
    let ok = (ack_index + 1) as u64;
    core.consume_ok.fetch_add(ok, Ordering::Relaxed);
    core.consume_failed
        .fetch_add(len as u64 - ok, Ordering::Relaxed);
    let first_failed = (ack_index + 1) as usize;
    match core.config.message_model {
        MessageModel::Broadcasting => {
            for m in msgs.iter().skip(first_failed) {
                tracing::warn!(msg_id = %m.client_msg_id(), "BROADCASTING, the message consume failed, drop it");
            }
        }
        MessageModel::Clustering => {
            let mut failed_local = Vec::new();
            for m in msgs.iter_mut().skip(first_failed) {
                if let Err(e) = core
                    .send_message_back(m, ctx.delay_level_when_next_consume)
                    .await
                {
                    tracing::warn!(msg_id = %m.client_msg_id(), error = %e, "send message back failed, consume it again later");
                    m.reconsume_times += 1;
                    failed_local.push(m.clone());
                }
            }
            if !failed_local.is_empty() {
                msgs.retain(|m| {
                    !failed_local
                        .iter()
                        .any(|f| f.queue_offset == m.queue_offset)
                });
                let (pq2, mq2) = (pq.clone(), mq.clone());
                core.spawn_later(CONSUME_LATER_DELAY_MILLIS, move |core| {
                    submit_consume_request(&core, failed_local, pq2, mq2)
                });
            }
        }
    }
    let offset = pq.remove_message(&msgs);
    if offset >= 0 && !pq.is_dropped() {
        core.offset_store.update_offset(mq, offset, true);
    }
}

/// Runs the listener on one message for an admin tool (`consumeMessageDirectly`).
pub(crate) async fn consume_message_directly(
    core: &PushConsumerCore,
    msg: MessageExt,
    broker_name: Option<String>,
) -> ConsumeMessageDirectlyResult {
    let mut result = ConsumeMessageDirectlyResult {
        order: false,
        auto_commit: true,
        ..Default::default()
    };
    let MessageListener::Concurrently(listener) = &core.listener else {
        return result;
    };
    let (mq, msgs) = core.direct_consume_input(msg, broker_name);
    let mut ctx = ConsumeConcurrentlyContext {
        message_queue: mq,
        delay_level_when_next_consume: 0,
        ack_index: i32::MAX,
    };
    run_directly(
        &mut result,
        listener.consume_message(&msgs, &mut ctx),
        |status| match status {
            ConsumeConcurrentlyStatus::ConsumeSuccess => CMResult::CrSuccess,
            ConsumeConcurrentlyStatus::ReconsumeLater => CMResult::CrLater,
        },
    )
    .await;
    result
}
