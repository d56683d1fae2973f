//! `ConsumeMessageOrderlyService`: one consume task per queue at a time, in offset order,
//! only while the broker lock is held; SUSPEND retries the same messages after a pause and
//! past `maxReconsumeTimes` sends them to the DLQ (Java
//! `impl/consumer/ConsumeMessageOrderlyService`).

use super::default_mq_push_consumer_impl::{run_directly, PushConsumerCore};
use super::listener::{ConsumeOrderlyContext, ConsumeOrderlyStatus, MessageListener};
use super::process_queue::ProcessQueue;
use rmq_common::message::message_const::*;
use rmq_common::{MessageExt, MessageQueue};
use rmq_remoting::protocol::body::consume_message_directly_result::{
    CMResult, ConsumeMessageDirectlyResult,
};
use rmq_remoting::protocol::body::heartbeat::MessageModel;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A queue is consumed at most this long in one go (`MAX_TIME_CONSUME_CONTINUOUSLY`).
const MAX_TIME_CONSUME_CONTINUOUSLY: Duration = Duration::from_secs(60);

/// Starts a consume task for the queue when `dispatch` says none runs
/// (`submitConsumeRequest`).
pub(crate) fn submit_consume_request(
    core: &Arc<PushConsumerCore>,
    pq: Arc<ProcessQueue>,
    mq: MessageQueue,
    dispatch: bool,
) {
    if dispatch {
        let core = core.clone();
        tokio::spawn(async move { run(core, pq, mq).await });
    }
}

fn submit_later(core: &PushConsumerCore, pq: Arc<ProcessQueue>, mq: MessageQueue, millis: u64) {
    core.spawn_later(millis, move |core| {
        tokio::spawn(async move { run(core, pq, mq).await });
    });
}

fn try_lock_later_and_reconsume(core: &PushConsumerCore, pq: Arc<ProcessQueue>, mq: MessageQueue) {
    core.spawn_later(10, move |core| {
        tokio::spawn(async move {
            let ok = core.rebalance.lock(&mq).await;
            let delay = if ok { 10 } else { 3000 };
            submit_later(&core, pq, mq, delay);
        });
    });
}

/// One consume task (`ConsumeRequest#run`).
async fn run(core: Arc<PushConsumerCore>, pq: Arc<ProcessQueue>, mq: MessageQueue) {
    if pq.is_dropped() || core.shutdown.is_cancelled() {
        return;
    }
    let MessageListener::Orderly(listener) = &core.listener else {
        return;
    };
    let _guard = pq.consume_lock.lock().await;
    let clustering = core.config.message_model == MessageModel::Clustering;
    let batch = core.config.consume_message_batch_max_size.max(1);
    let begin = Instant::now();
    loop {
        if pq.is_dropped() || core.shutdown.is_cancelled() {
            tracing::warn!(mq = %mq, "the message queue not be able to consume, because it's dropped");
            break;
        }
        if clustering && (!pq.is_locked() || pq.is_lock_expired()) {
            tracing::warn!(mq = %mq, "the message queue not locked, so consume later");
            try_lock_later_and_reconsume(&core, pq.clone(), mq.clone());
            break;
        }
        if begin.elapsed() > MAX_TIME_CONSUME_CONTINUOUSLY {
            submit_later(&core, pq.clone(), mq.clone(), 10);
            break;
        }
        let mut msgs = pq.take_messages(batch);
        if msgs.is_empty() {
            break;
        }
        core.reset_retry_and_namespace(&mut msgs);
        let mut ctx = ConsumeOrderlyContext {
            message_queue: mq.clone(),
            auto_commit: true,
            suspend_current_queue_time_millis: -1,
        };
        let status = core
            .call_listener(
                &mq,
                listener.consume_message(&msgs, &mut ctx),
                ConsumeOrderlyStatus::SuspendCurrentQueueAMoment,
            )
            .await;
        if pq.is_dropped() {
            tracing::warn!(mq = %mq, "the message queue not be able to consume, because it's dropped");
            break;
        }
        if !process_consume_result(&core, msgs, status, &ctx, &pq, &mq).await {
            break;
        }
    }
}

/// Applies a listener's verdict; false stops the task (`processConsumeResult`).
async fn process_consume_result(
    core: &Arc<PushConsumerCore>,
    mut msgs: Vec<MessageExt>,
    status: ConsumeOrderlyStatus,
    ctx: &ConsumeOrderlyContext,
    pq: &Arc<ProcessQueue>,
    mq: &MessageQueue,
) -> bool {
    let mut continue_consume = true;
    let mut commit_offset = -1;
    let n = msgs.len() as u64;
    let suspend = |core: &PushConsumerCore| {
        let ms = if ctx.suspend_current_queue_time_millis > 0 {
            ctx.suspend_current_queue_time_millis as u64
        } else {
            core.config.suspend_current_queue_time_millis
        };
        ms.clamp(10, 30_000)
    };
    match (ctx.auto_commit, status) {
        (true, ConsumeOrderlyStatus::Success | ConsumeOrderlyStatus::Commit)
        | (false, ConsumeOrderlyStatus::Commit) => {
            core.consume_ok.fetch_add(n, Ordering::Relaxed);
            commit_offset = pq.commit();
        }
        (false, ConsumeOrderlyStatus::Success) => {
            core.consume_ok.fetch_add(n, Ordering::Relaxed);
        }
        (false, ConsumeOrderlyStatus::Rollback) => {
            pq.rollback();
            submit_later(core, pq.clone(), mq.clone(), suspend(core));
            continue_consume = false;
        }
        _ => {
            core.consume_failed.fetch_add(n, Ordering::Relaxed);
            if check_reconsume_times(core, &mut msgs).await {
                pq.make_message_to_consume_again(&msgs);
                submit_later(core, pq.clone(), mq.clone(), suspend(core));
                continue_consume = false;
            } else {
                commit_offset = pq.commit();
            }
        }
    }
    if commit_offset >= 0 && !pq.is_dropped() {
        core.offset_store.update_offset(mq, commit_offset, false);
    }
    continue_consume
}

fn max_reconsume_times(core: &PushConsumerCore) -> i32 {
    if core.config.max_reconsume_times == -1 {
        i32::MAX
    } else {
        core.config.max_reconsume_times
    }
}

/// Counts a failed attempt per message; those past the limit go to the DLQ. Returns true
/// when the batch must be retried (`checkReconsumeTimes`).
async fn check_reconsume_times(core: &PushConsumerCore, msgs: &mut [MessageExt]) -> bool {
    let max = max_reconsume_times(core);
    let mut suspend = false;
    for m in msgs.iter_mut() {
        if m.reconsume_times >= max {
            m.message
                .put_property(PROPERTY_RECONSUME_TIME, m.reconsume_times.to_string());
            if !send_message_back(core, m).await {
                suspend = true;
                m.reconsume_times += 1;
            }
        } else {
            suspend = true;
            m.reconsume_times += 1;
        }
    }
    suspend
}

async fn send_message_back(core: &PushConsumerCore, msg: &MessageExt) -> bool {
    let new_msg = core.build_retry_message(msg, msg.reconsume_times, max_reconsume_times(core));
    match core.instance.default_producer().await {
        Ok(p) => match p.send(new_msg).await {
            Ok(_) => true,
            Err(e) => {
                tracing::error!(msg_id = %msg.msg_id, error = %e, "sendMessageBack exception");
                false
            }
        },
        Err(e) => {
            tracing::error!(error = %e, "sendMessageBack exception: no producer");
            false
        }
    }
}

/// Runs the listener on one message for an admin tool (`consumeMessageDirectly`).
pub(crate) async fn consume_message_directly(
    core: &PushConsumerCore,
    msg: MessageExt,
    broker_name: Option<String>,
) -> ConsumeMessageDirectlyResult {
    let mut result = ConsumeMessageDirectlyResult {
        order: true,
        auto_commit: true,
        ..Default::default()
    };
    let MessageListener::Orderly(listener) = &core.listener else {
        return result;
    };
    let (mq, msgs) = core.direct_consume_input(msg, broker_name);
    let mut ctx = ConsumeOrderlyContext {
        message_queue: mq,
        auto_commit: true,
        suspend_current_queue_time_millis: -1,
    };
    run_directly(
        &mut result,
        listener.consume_message(&msgs, &mut ctx),
        |status| match status {
            ConsumeOrderlyStatus::Success => CMResult::CrSuccess,
            ConsumeOrderlyStatus::Commit => CMResult::CrCommit,
            ConsumeOrderlyStatus::Rollback => CMResult::CrRollback,
            ConsumeOrderlyStatus::SuspendCurrentQueueAMoment => CMResult::CrLater,
        },
    )
    .await;
    result.auto_commit = ctx.auto_commit;
    result
}
