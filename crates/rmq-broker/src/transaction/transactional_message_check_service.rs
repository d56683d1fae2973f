//! `TransactionalMessageCheckService`: asks producers about half messages nobody ended (Java
//! `TransactionalMessageCheckService`, `TransactionalMessageServiceImpl#check`,
//! `AbstractTransactionalMessageCheckListener`, `DefaultTransactionalMessageCheckListener`,
//! `Broker2Client#checkProducerTransactionState`).
//!
//! Every `transactionCheckInterval` on a master, each half queue is read from the
//! `CID_RMQ_SYS_TRANS` offset. Op records (from the op queue's offset) say which half offsets
//! are done. An undone half message older than its immunity time is appended again with
//! `TRANSACTION_CHECK_TIMES` + 1 and CHECK_TRANSACTION_STATE goes oneway to a live producer
//! of its group, naming the copy's offsets; after `transactionCheckMax` checks (or past the
//! file reserved time) it moves to `TRANS_CHECK_MAX_TIME_TOPIC`. Progress is committed as the
//! group's offsets, so a restarted broker goes on where it stopped.

use super::transactional_message_service::TransactionalMessageService;
use super::transactional_message_util::{
    check_immunity_time_millis, check_message_body, discard_message_inner, parse_op_body,
    renew_half_message_inner, renew_immunity_half_message_inner, StoredMessage, REMOVE_TAG,
};
use crate::client::producer_manager::ProducerManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use rmq_common::message::message_const::*;
use rmq_common::util_all::current_millis;
use rmq_common::{mix_all, perm_name};
use rmq_remoting::protocol::header::client::CheckTransactionStateRequestHeader;
use rmq_remoting::{RemotingCommand, RequestCode};
use rmq_store::{GetMessageStatus, MessageStoreConfig, PutMessageStatus, RoleState};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

const MAX_PROCESS_TIME_LIMIT_MILLIS: i64 = 60_000;
const MAX_RETRY_COUNT_WHEN_HALF_NULL: i32 = 1;
const OP_MSG_PULL_NUMS: i32 = 32;
const SLEEP_WHILE_NO_OP: Duration = Duration::from_millis(1000);
/// How stale the op records a pass decides with may be (see `refresh_ops`).
const OP_REFRESH_MILLIS: i64 = 50;
/// Java `Broker2Client#checkProducerTransactionState`'s oneway timeout.
const ONEWAY_TIMEOUT: Duration = Duration::from_millis(10);
/// Queues of `TRANS_CHECK_MAX_TIME_TOPIC` (Java `TCMT_QUEUE_NUMS`).
const TCMT_QUEUE_NUMS: i32 = 1;

/// Java `PullStatus` as the check reads the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PullStatus {
    Found,
    NoNewMsg,
    NoMatchedMsg,
    OffsetIllegal,
}

fn pull_status(s: GetMessageStatus) -> PullStatus {
    match s {
        GetMessageStatus::Found => PullStatus::Found,
        GetMessageStatus::NoMatchedMessage => PullStatus::NoMatchedMsg,
        GetMessageStatus::NoMessageInQueue | GetMessageStatus::OffsetOverflowOne => {
            PullStatus::NoNewMsg
        }
        _ => PullStatus::OffsetIllegal,
    }
}

/// What one read of the op queue gave.
struct OpPull {
    status: PullStatus,
    next_begin_offset: i64,
    /// Born time of the newest op record read, `None` when none was found.
    last_op_born: Option<i64>,
}

/// One pass over one half queue.
struct QueuePass {
    queue_id: i32,
    start_millis: i64,
    half_offset: i64,
    /// Half offset → op queue offset of the op record that ended it.
    remove_map: HashMap<i64, i64>,
    /// Op queue offset → half offsets it ends that were not reached yet.
    op_msg_map: HashMap<i64, HashSet<i64>>,
    done_op_offset: Vec<i64>,
    pull: Option<OpPull>,
    next_op_offset: i64,
    get_message_null_count: i32,
    /// When the op queue was last read to its end.
    ops_read_to_end_millis: i64,
}

/// What to do after looking at half offset `i`.
enum Step {
    Advance,
    Stop,
    JumpTo(i64),
    Retry,
}

/// The check service.
pub struct TransactionalMessageCheckService {
    service: Arc<TransactionalMessageService>,
    topics: Arc<TopicConfigManager>,
    producers: Arc<ProducerManager>,
    store_config: Arc<MessageStoreConfig>,
    /// Only a master checks (Java `changeSpecialServiceStatus`); controller mode changes it.
    role: Arc<RoleState>,
}

impl TransactionalMessageCheckService {
    /// Builds the service.
    pub fn new(
        service: Arc<TransactionalMessageService>,
        topics: Arc<TopicConfigManager>,
        producers: Arc<ProducerManager>,
        store_config: Arc<MessageStoreConfig>,
        role: Arc<RoleState>,
    ) -> Self {
        TransactionalMessageCheckService {
            service,
            topics,
            producers,
            store_config,
            role,
        }
    }

    /// Starts the periodic check, which runs while the broker is a master (Java
    /// `TransactionalMessageCheckService#run`).
    pub fn start(self: &Arc<Self>, tasks: &TaskTracker, shutdown: CancellationToken) {
        let svc = self.clone();
        tasks.spawn(async move {
            loop {
                let interval = svc
                    .service
                    .config()
                    .load()
                    .transaction_check_interval
                    .max(1);
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(interval as u64)) => {}
                    _ = shutdown.cancelled() => break,
                }
                if svc.role.is_slave() {
                    continue;
                }
                let begin = current_millis();
                tracing::info!(begin, "Begin to check prepare message");
                // A pass stops with the broker; what it did not commit is redone next time.
                tokio::select! {
                    _ = svc.check() => {}
                    _ = shutdown.cancelled() => break,
                }
                tracing::info!(
                    consumed_millis = current_millis() - begin,
                    "End to check prepare message"
                );
            }
        });
    }

    /// One pass over every half queue (Java `TransactionalMessageServiceImpl#check`).
    pub async fn check(&self) {
        let Some(tc) = self
            .topics
            .select_topic_config(mix_all::RMQ_SYS_TRANS_HALF_TOPIC)
        else {
            tracing::warn!("The queue of topic is empty :RMQ_SYS_TRANS_HALF_TOPIC");
            return;
        };
        for queue_id in 0..tc.read_queue_nums {
            self.check_queue(queue_id).await;
        }
    }

    async fn check_queue(&self, queue_id: i32) {
        let svc = &self.service;
        let half_offset = svc.fetch_consume_offset(mix_all::RMQ_SYS_TRANS_HALF_TOPIC, queue_id);
        let op_offset = svc.fetch_consume_offset(mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC, queue_id);
        if half_offset < 0 || op_offset < 0 {
            tracing::error!(
                queue_id,
                half_offset,
                op_offset,
                "illegal offset read, skip this queue"
            );
            return;
        }
        let mut pass = QueuePass {
            queue_id,
            start_millis: current_millis(),
            half_offset,
            remove_map: HashMap::new(),
            op_msg_map: HashMap::new(),
            done_op_offset: Vec::new(),
            pull: None,
            next_op_offset: op_offset,
            get_message_null_count: 1,
            ops_read_to_end_millis: current_millis(),
        };
        pass.pull = self.fill_op_remove_map(&mut pass, op_offset);
        let Some(pull) = pass.pull.as_ref() else {
            tracing::error!(
                queue_id,
                half_offset,
                op_offset,
                "check failed, pullResult is null"
            );
            return;
        };
        pass.next_op_offset = pull.next_begin_offset;
        let (mut i, mut new_offset) = (half_offset, half_offset);
        while current_millis() - pass.start_millis <= MAX_PROCESS_TIME_LIMIT_MILLIS {
            let step = match pass.remove_map.remove(&i) {
                Some(op) => {
                    pass.half_done(op, i);
                    Step::Advance
                }
                None => self.check_half(&mut pass, i).await,
            };
            match step {
                Step::Advance => {
                    i += 1;
                    new_offset = i;
                }
                Step::Stop => break,
                Step::JumpTo(next) => {
                    i = next;
                    new_offset = i;
                }
                Step::Retry => {}
            }
        }
        if new_offset != half_offset {
            svc.update_consume_offset(mix_all::RMQ_SYS_TRANS_HALF_TOPIC, queue_id, new_offset);
        }
        let new_op_offset = calculate_op_offset(&mut pass.done_op_offset, op_offset);
        if new_op_offset != op_offset {
            svc.update_consume_offset(
                mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC,
                queue_id,
                new_op_offset,
            );
        }
        tracing::info!(queue_id, new_offset, new_op_offset, "After check");
    }

    /// Decides about the half message at offset `i`, which no op record ended yet.
    async fn check_half(&self, pass: &mut QueuePass, i: i64) -> Step {
        let (msg, status, next_begin) = self.get_half_msg(pass.queue_id, i);
        let Some(mut msg) = msg else {
            pass.get_message_null_count += 1;
            if pass.get_message_null_count - 1 > MAX_RETRY_COUNT_WHEN_HALF_NULL
                || status == PullStatus::NoNewMsg
            {
                return Step::Stop;
            }
            tracing::info!(miss_offset = i, next_begin, "Illegal offset");
            return Step::JumpTo(next_begin);
        };
        let bc = self.service.config().load();
        let timeout = bc.transaction_time_out;
        if need_discard(&mut msg, bc.transaction_check_max) || self.need_skip(&msg) {
            self.resolve_discard_msg(&msg).await;
            return Step::Advance;
        }
        if msg.ext.store_timestamp >= pass.start_millis {
            return Step::Stop;
        }
        let age = current_millis() - msg.ext.born_timestamp;
        let mut immunity = timeout;
        if let Some(s) = msg.property(PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS) {
            immunity = check_immunity_time_millis(s, timeout);
            if age < immunity && self.check_prepare_queue_offset(pass, &msg).await {
                return Step::Advance;
            }
        } else if (0..immunity).contains(&age) {
            return Step::Stop;
        }
        if self.refresh_ops(pass) && pass.remove_map.contains_key(&i) {
            return Step::Retry;
        }
        let last_op_born = pass.pull.as_ref().and_then(|p| p.last_op_born);
        let need_check = (last_op_born.is_none() && age > immunity)
            || last_op_born.is_some_and(|b| b - pass.start_millis > timeout)
            || age <= -1;
        if need_check {
            if !self.put_back_half_msg_queue(&mut msg).await {
                tokio::time::sleep(Duration::from_millis(100)).await;
                return Step::Retry;
            }
            tracing::info!(
                real_topic = msg.property(PROPERTY_REAL_TOPIC).unwrap_or_default(),
                offset = msg.ext.queue_offset,
                commit_log_offset = msg.ext.commit_log_offset,
                "Check transaction"
            );
            self.resolve_half_msg(msg).await;
            return Step::Advance;
        }
        if let Some(p) = pass.pull.as_ref() {
            pass.next_op_offset = p.next_begin_offset;
        }
        pass.pull = self.fill_op_remove_map(pass, pass.next_op_offset);
        if pass
            .pull
            .as_ref()
            .is_none_or(|p| p.status != PullStatus::Found)
        {
            tokio::time::sleep(SLEEP_WHILE_NO_OP).await;
        }
        Step::Retry
    }

    /// Reads the op queue to its end again when the pass read it to the end more than
    /// `OP_REFRESH_MILLIS` ago; true if it read. An rmq addition: Java decides with the op
    /// records it saw when the op queue was last found empty, so once a pass has slept or run
    /// for a while it checks transactions whose op records were written since — with a
    /// check-back to a producer that already ended them.
    fn refresh_ops(&self, pass: &mut QueuePass) -> bool {
        let now = current_millis();
        let at_end = pass
            .pull
            .as_ref()
            .is_some_and(|p| p.status == PullStatus::NoNewMsg);
        if !at_end || now - pass.ops_read_to_end_millis < OP_REFRESH_MILLIS {
            return false;
        }
        loop {
            if let Some(p) = pass.pull.as_ref() {
                pass.next_op_offset = p.next_begin_offset;
            }
            pass.pull = self.fill_op_remove_map(pass, pass.next_op_offset);
            if pass
                .pull
                .as_ref()
                .is_none_or(|p| p.status != PullStatus::Found)
            {
                break;
            }
        }
        pass.ops_read_to_end_millis = now;
        true
    }

    /// Reads op records from `pull_offset` into the pass's maps (Java `fillOpRemoveMap`).
    fn fill_op_remove_map(&self, pass: &mut QueuePass, pull_offset: i64) -> Option<OpPull> {
        let op_topic = mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC;
        let r = self
            .service
            .get_message(op_topic, pass.queue_id, pull_offset, OP_MSG_PULL_NUMS)?;
        let status = pull_status(r.status);
        let mut pull = OpPull {
            status,
            next_begin_offset: r.next_begin_offset,
            last_op_born: None,
        };
        match status {
            PullStatus::OffsetIllegal | PullStatus::NoMatchedMsg => {
                tracing::warn!(
                    pull_offset,
                    queue_id = pass.queue_id,
                    "The miss op offset is illegal"
                );
                let svc = &self.service;
                svc.update_consume_offset(op_topic, pass.queue_id, r.next_begin_offset);
                return Some(pull);
            }
            PullStatus::NoNewMsg => return Some(pull),
            PullStatus::Found => {}
        }
        for (record, op_offset) in r.message_buffers.iter().zip(r.message_queue_offsets) {
            let Some(op) = StoredMessage::decode(record) else {
                pass.done_op_offset.push(op_offset);
                continue;
            };
            pull.last_op_born = Some(op.ext.born_timestamp);
            let mut set = HashSet::new();
            if op.property(PROPERTY_TAGS) == Some(REMOVE_TAG) {
                for half in parse_op_body(op.ext.body()) {
                    if half >= pass.half_offset {
                        pass.remove_map.insert(half, op_offset);
                        set.insert(half);
                    }
                }
            } else {
                tracing::error!(op_offset, "Found a illegal tag in opMessageExt");
            }
            if set.is_empty() {
                pass.done_op_offset.push(op_offset);
            } else {
                pass.op_msg_map.insert(op_offset, set);
            }
        }
        Some(pull)
    }

    /// Reads the half message at `offset`: the message, the read's status and next offset.
    fn get_half_msg(&self, queue_id: i32, offset: i64) -> (Option<StoredMessage>, PullStatus, i64) {
        let half_topic = mix_all::RMQ_SYS_TRANS_HALF_TOPIC;
        let Some(r) = self.service.get_message(half_topic, queue_id, offset, 1) else {
            return (None, PullStatus::NoNewMsg, offset);
        };
        let msg = r
            .message_buffers
            .first()
            .and_then(|b| StoredMessage::decode(b));
        (msg, pull_status(r.status), r.next_begin_offset)
    }

    /// True when the half message is older than the CommitLog keeps files (Java `needSkip`).
    fn need_skip(&self, msg: &StoredMessage) -> bool {
        let reserved = i64::from(self.store_config.file_reserved_time) * 3_600_000;
        let skip = current_millis() - msg.ext.born_timestamp > reserved;
        if skip {
            tracing::info!(msg_id = %msg.ext.msg_id, "Half message exceed file reserved time ,so skip it");
        }
        skip
    }

    /// A young half message with CHECK_IMMUNITY_TIME_IN_SECONDS (Java
    /// `checkPrepareQueueOffset`): true (skip it) when its first copy was ended or it was
    /// appended again to wait.
    async fn check_prepare_queue_offset(&self, pass: &mut QueuePass, msg: &StoredMessage) -> bool {
        let prepared = msg.property(PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET);
        if let Some(s) = prepared {
            let offset = s.parse::<i64>().unwrap_or(-1);
            if offset == -1 {
                return false;
            }
            if let Some(op) = pass.remove_map.remove(&offset) {
                pass.done_op_offset.push(op);
                return true;
            }
        }
        let inner = renew_immunity_half_message_inner(msg);
        let r = self.service.store().put_message(&inner).await;
        r.status == PutMessageStatus::PutOk
    }

    /// Appends a copy of the half message to be checked; the check names the copy (Java
    /// `putBackHalfMsgQueue`).
    async fn put_back_half_msg_queue(&self, msg: &mut StoredMessage) -> bool {
        let inner = renew_half_message_inner(msg);
        let r = self.service.put_message_return_result(&inner).await;
        match r.append_result.as_ref() {
            Some(a) if r.status == PutMessageStatus::PutOk => {
                msg.ext.queue_offset = a.logics_offset;
                msg.ext.commit_log_offset = a.wrote_offset;
                msg.ext.msg_id = a.msg_id();
                true
            }
            _ => {
                tracing::error!(msg_id = %msg.ext.msg_id, "PutBackToHalfQueueReturnResult write failed");
                false
            }
        }
    }

    /// Moves a half message checked too often to `TRANS_CHECK_MAX_TIME_TOPIC` (Java
    /// `resolveDiscardMsg`).
    async fn resolve_discard_msg(&self, msg: &StoredMessage) {
        tracing::error!(msg_id = %msg.ext.msg_id, "has been checked too many times, so discard it by moving it to system topic TRANS_CHECK_MAXTIME_TOPIC");
        let tc = self.topics.create_topic_of_tran_check_max_time(
            TCMT_QUEUE_NUMS,
            perm_name::PERM_READ | perm_name::PERM_WRITE,
        );
        let queue_id = (rand::random::<u32>() % 99_999_999) as i32 % tc.write_queue_nums.max(1);
        let r = self
            .service
            .store()
            .put_message(&discard_message_inner(msg, queue_id))
            .await;
        if r.status != PutMessageStatus::PutOk {
            tracing::error!(msg_id = %msg.ext.msg_id, status = %r.status, "Put checked-too-many-time half message to TRANS_CHECK_MAXTIME_TOPIC failed");
        }
    }

    /// Sends CHECK_TRANSACTION_STATE for the copy, oneway (Java `resolveHalfMsg`,
    /// `sendCheckMessage`); a client whose connection does not take it within 10 ms misses it,
    /// as Java's `invokeOneway(..., 10)` does.
    async fn resolve_half_msg(&self, msg: StoredMessage) {
        let group = msg
            .property(PROPERTY_PRODUCER_GROUP)
            .unwrap_or_default()
            .to_string();
        let Some(channel) = self.producers.get_available_channel(&group) else {
            tracing::warn!(group, "Check transaction failed, channel is null");
            return;
        };
        let request = check_request(&msg, &self.service.config().load().broker_name);
        let sent = tokio::time::timeout(ONEWAY_TIMEOUT, channel.invoke_oneway(request)).await;
        if !matches!(sent, Ok(Ok(()))) {
            tracing::error!(
                group,
                "Check transaction failed because invoke producer exception"
            );
        }
    }
}

impl QueuePass {
    /// Half offset `i` was ended by the op record at `op`.
    fn half_done(&mut self, op: i64, i: i64) {
        if let Some(set) = self.op_msg_map.get_mut(&op) {
            set.remove(&i);
            if set.is_empty() {
                self.op_msg_map.remove(&op);
                self.done_op_offset.push(op);
            }
        }
    }
}

/// Java `needDiscard`: true after `transaction_check_max` checks, else counts this check in
/// `TRANSACTION_CHECK_TIMES`.
fn need_discard(msg: &mut StoredMessage, transaction_check_max: i32) -> bool {
    let mut times = 1;
    if let Some(s) = msg.property(PROPERTY_TRANSACTION_CHECK_TIMES) {
        times = s.parse::<i32>().unwrap_or(-1);
        if times >= transaction_check_max {
            return true;
        }
        times += 1;
    }
    msg.put_property(PROPERTY_TRANSACTION_CHECK_TIMES, times.to_string());
    false
}

/// The end of the contiguous run of done op offsets from `old` (Java `calculateOpOffset`).
fn calculate_op_offset(done: &mut [i64], old: i64) -> i64 {
    done.sort_unstable();
    let mut new = old;
    for d in done.iter() {
        if *d == new {
            new += 1;
        } else {
            break;
        }
    }
    new
}

/// CHECK_TRANSACTION_STATE for a half copy (Java `sendCheckMessage`): the header names the
/// half topic and the copy's offsets, the body is the message with its real topic and queue.
fn check_request(msg: &StoredMessage, broker_name: &str) -> RemotingCommand {
    let uniq = msg
        .property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .map(str::to_string);
    let header = CheckTransactionStateRequestHeader {
        topic: Some(msg.ext.message.topic.clone()),
        tran_state_table_offset: msg.ext.queue_offset,
        commit_log_offset: msg.ext.commit_log_offset,
        msg_id: uniq.clone(),
        transaction_id: uniq,
        offset_msg_id: Some(msg.ext.msg_id.clone()),
    };
    let mut request =
        RemotingCommand::create_request_command(RequestCode::CHECK_TRANSACTION_STATE, &header);
    request.add_ext_field("bname", broker_name);
    request.with_body(check_message_body(msg))
}

#[cfg(test)]
#[path = "transactional_message_check_service_tests.rs"]
mod tests;
