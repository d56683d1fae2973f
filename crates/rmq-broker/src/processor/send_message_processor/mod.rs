//! `SendMessageProcessor`: SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE and
//! CONSUMER_SEND_MSG_BACK (Java `broker/processor/SendMessageProcessor`,
//! `AbstractSendMessageProcessor`).
//!
//! A send is checked (broker write permission for order topics, topic name, not-sendable system
//! topics, auto-creation from the default topic, queue id), completed (UNIQ_KEY if missing,
//! `CLUSTER`, born host, store host), routed to `%DLQ%<group>` when a retry exceeds its
//! maximum, parked in `SCHEDULE_TOPIC_XXXX` when it has a delay level, turned into a half
//! message in `RMQ_SYS_TRANS_HALF_TOPIC` queue 0 when it has `TRAN_MSG`=true (see
//! [`transaction`](crate::transaction)), and appended. The
//! processor awaits the store's put future, so SYNC_FLUSH never blocks a tokio worker.
//!
//! Flow control as Java's send thread pool and `BrokerFastFailure`: at most
//! `sendMessageThreadPoolNums` appends run at once; a request that waited longer than
//! `waitTimeMillsInSendQueue` gets SYSTEM_BUSY `[TIMEOUT_CLEAN_QUEUE]...`, and one arriving
//! while `sendThreadPoolQueueCapacity` requests wait gets `[OVERLOAD]...`.

mod check;
#[cfg(test)]
mod processor_tests;
mod properties;
mod put_result;
mod send_back;

pub(crate) use check::pre_send;
pub(crate) use properties::rewrite_request_properties;
use properties::{properties_string, request_properties};

use crate::broker_address::BrokerAddress;
use crate::broker_config::BrokerConfig;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::{answer, BrokerError};
use crate::client::rebalance::rebalance_lock_manager::RebalanceLockManager;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::thread_pool_queue::ThreadPoolQueue;
use crate::topic::topic_config_manager::TopicConfigManager;
use crate::transaction::transactional_message_util::parse_half_message_inner;
use crate::util::hook_utils;
use async_trait::async_trait;
use rmq_common::java_hash_map::JavaHashMap;
use rmq_common::message::message_client_id::create_uniq_id;
use rmq_common::message::message_const::*;
use rmq_common::sys_flag::message_sys_flag;
use rmq_common::{mix_all, mq_version, perm_name, TopicFilterType};
use rmq_remoting::protocol::header::broker::{
    SendMessageRequestHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
};
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor};
use rmq_store::{
    MessageExtBatch, MessageExtBrokerInner, MessageStore, MessageStoreConfig, PutMessageResult,
};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{Semaphore, SemaphorePermit};

/// DLQ queues per group (Java `DLQ_NUMS_PER_GROUP`).
const DLQ_NUMS_PER_GROUP: i32 = 1;

/// What `SendMessageProcessor` uses.
#[derive(Clone)]
pub struct SendMessageContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The bound address and store host.
    pub address: Arc<BrokerAddress>,
    /// The message store.
    pub message_store: Arc<dyn MessageStore>,
    /// The store config the broker started with.
    pub message_store_config: Arc<MessageStoreConfig>,
    /// The broker's role now (controller mode changes it at run time).
    pub role: Arc<rmq_store::RoleState>,
    /// The topic configs.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// The subscription group configs.
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
    /// The ordered-consumption queue locks.
    pub rebalance_lock_manager: Arc<RebalanceLockManager>,
    /// The delay levels.
    pub schedule_message_service: Arc<ScheduleMessageService>,
    /// The timer wheel (`None` with `timerWheelEnable=false`).
    pub timer_message_store: Option<Arc<rmq_store::timer::TimerMessageStore>>,
    /// The put/get counters.
    pub broker_stats_manager: Arc<BrokerStatsManager>,
    /// The sends waiting for a slot.
    pub send_thread_pool_queue: Arc<ThreadPoolQueue>,
}

/// The send processor.
pub struct SendMessageProcessor {
    ctx: SendMessageContext,
    send_permits: Semaphore,
}

fn random_queue_id(n: i32) -> i32 {
    if n <= 0 {
        0
    } else {
        (rand::random::<u32>() % 99_999_999) as i32 % n
    }
}

impl SendMessageProcessor {
    /// Builds the processor.
    pub fn new(ctx: SendMessageContext) -> Self {
        let permits = ctx.config.load().send_message_thread_pool_nums.max(1) as usize;
        SendMessageProcessor {
            ctx,
            send_permits: Semaphore::new(permits),
        }
    }

    /// The send answer's shell: SUCCESS with `MSG_REGION` and `TRACE_ON`; a refused send keeps
    /// them too.
    pub(crate) fn new_send_response(bc: &BrokerConfig) -> RemotingCommand {
        let mut r = RemotingCommand::success();
        r.add_ext_field(PROPERTY_MSG_REGION, bc.region_id.clone());
        r.add_ext_field(PROPERTY_TRACE_SWITCH, bc.trace_on.to_string());
        r
    }

    /// SEND_MESSAGE / SEND_MESSAGE_V2 (Java `sendMessage`).
    async fn send_message(
        &self,
        bc: &BrokerConfig,
        channel: &Channel,
        request: &RemotingCommand,
        mut header: SendMessageRequestHeader,
        permit: SemaphorePermit<'_>,
    ) -> Result<RemotingCommand, BrokerError> {
        let c = &self.ctx;
        let topic_config = pre_send(bc, &c.topic_config_manager, channel, &header)?;
        let mut queue_id = header.queue_id;
        if queue_id < 0 {
            queue_id = random_queue_id(topic_config.write_queue_nums);
        }
        let response_queue_id = queue_id;
        let client_properties = header.properties.take();
        let mut props = request_properties(bc, client_properties.as_deref());
        let reconsume_times = header.reconsume_times.unwrap_or(0);
        let mut topic = header.topic.clone();
        if mix_all::is_retry_topic(&topic) {
            (topic, queue_id) = self
                .handle_retry_and_dlq(request.version, &header, &topic, &mut props)?
                .unwrap_or((topic, queue_id));
        }
        let mut sys_flag = header.sys_flag;
        if topic_config.topic_filter_type == TopicFilterType::MultiTag {
            sys_flag |= message_sys_flag::MULTI_TAGS_FLAG;
        }
        let (uniq_key, half) = complete_properties(bc, &mut props, reconsume_times)?;
        if half {
            // Java `TransactionalMessageBridge#parseHalfMessageInner`.
            parse_half_message_inner(&mut props, &mut topic, &mut queue_id, &mut sys_flag);
        }
        if !half {
            self.handle_timer_message(sys_flag, &mut topic, &mut queue_id, &mut props)?;
        }
        let max_level = c.schedule_message_service.max_delay_level();
        hook_utils::handle_schedule_message(
            sys_flag,
            &mut topic,
            &mut queue_id,
            &mut props,
            max_level,
        );
        let msg = MessageExtBrokerInner {
            topic,
            queue_id,
            flag: header.flag,
            body: request.body.clone(),
            properties_string: properties_string(&props, client_properties),
            tags_code: 0,
            sys_flag,
            born_timestamp: header.born_timestamp,
            born_host: channel.remote_addr(),
            store_host: c.address.store_host(),
            reconsume_times,
            prepared_transaction_offset: 0,
        };
        let future = c.message_store.put_message(&msg);
        // The slot covers checks and the append; the flush wait (SYNC_FLUSH) happens outside,
        // as Java completes the put future on another executor.
        drop(permit);
        let result = future.await;
        self.put_answer(bc, &msg.topic, &result, response_queue_id, uniq_key)
    }

    /// The timer half of Java's `handleScheduleMessage` put hook, with the answers of
    /// `handlePutMessageResult` for its `WHEEL_TIMER_*` statuses. (A half message keeps its
    /// timer properties unused, as before: Java would park it in the timer topic and lose
    /// its real topic.)
    fn handle_timer_message(
        &self,
        sys_flag: i32,
        topic: &mut String,
        queue_id: &mut i32,
        props: &mut JavaHashMap,
    ) -> Result<(), BrokerError> {
        let c = &self.ctx;
        let sc = &c.message_store_config;
        let timer = c.timer_message_store.clone();
        let is_reject = move |t: i64| timer.as_ref().is_some_and(|ts| ts.is_reject(t));
        let settings = hook_utils::TimerSettings {
            timer_wheel_enable: sc.timer_wheel_enable && c.timer_message_store.is_some(),
            timer_max_delay_sec: sc.timer_max_delay_sec,
            timer_precision_ms: sc.timer_precision_ms,
            is_reject: &is_reject,
        };
        let now = rmq_common::util_all::current_millis();
        match hook_utils::handle_timer_message(sys_flag, topic, queue_id, props, now, &settings) {
            Ok(_) => Ok(()),
            Err(hook_utils::TimerReject::NotEnable) => Err(BrokerError::SystemError(format!(
                "accurate timer message is not enabled, timerWheelEnable is {}",
                sc.timer_wheel_enable
            ))),
            Err(hook_utils::TimerReject::MsgIllegal) => Err(BrokerError::MessageIllegal(format!(
                "timer message illegal, the delay time should not be bigger than the max delay {}ms; or if set del msg, the delay time should be bigger than the current time",
                i64::from(sc.timer_max_delay_sec) * 1000
            ))),
            Err(hook_utils::TimerReject::FlowControl) => {
                let n = i64::from(sc.timer_congest_num_each_slot);
                Err(BrokerError::SystemError(format!(
                    "timer message is under flow control, max num limit is {} or the current value is greater than {} and less than {}, trigger random flow control",
                    n * 2, n, n * 2
                )))
            }
        }
    }

    /// Java `handleRetryAndDLQ`: a retry past its maximum (or of a group holding an ordered
    /// lock) goes to `%DLQ%<group>`; returns that topic and queue, or `None` to keep them.
    fn handle_retry_and_dlq(
        &self,
        version: i32,
        header: &SendMessageRequestHeader,
        topic: &str,
        props: &mut JavaHashMap,
    ) -> Result<Option<(String, i32)>, BrokerError> {
        let c = &self.ctx;
        let reconsume_times = header.reconsume_times.unwrap_or(0);
        let group = topic
            .strip_prefix(mix_all::RETRY_GROUP_TOPIC_PREFIX)
            .unwrap_or_default()
            .to_string();
        let Some(sgc) = c
            .subscription_group_manager
            .find_subscription_group_config(&group)
        else {
            return Err(BrokerError::SubscriptionGroupNotExist(
                mix_all::suggest_todo(&format!("subscription group not exist, {group} ")),
            ));
        };
        let mut max_reconsume_times = sgc.retry_max_times;
        if version >= mq_version::V3_4_9 {
            if let Some(m) = header.max_reconsume_times {
                max_reconsume_times = m;
            }
        }
        let to_dlq_directly = c.rebalance_lock_manager.has_unexpired_lock(&group);
        if to_dlq_directly {
            tracing::info!(group, topic = %topic, reconsume_times, max_reconsume_times, "Group has unexpired lock record, which show it is ordered message, send it to DLQ right now");
        }
        if reconsume_times <= max_reconsume_times && !to_dlq_directly {
            return Ok(None);
        }
        props.insert(PROPERTY_DELAY_TIME_LEVEL, "-1");
        let dlq = mix_all::get_dlq_topic(&group);
        let queue_id = random_queue_id(DLQ_NUMS_PER_GROUP);
        c.topic_config_manager
            .create_topic_in_send_message_back_method(
                &dlq,
                DLQ_NUMS_PER_GROUP,
                perm_name::PERM_WRITE | perm_name::PERM_READ,
                false,
                0,
            );
        Ok(Some((dlq, queue_id)))
    }

    /// SEND_BATCH_MESSAGE (Java `sendBatchMessage`).
    async fn send_batch_message(
        &self,
        bc: &BrokerConfig,
        channel: &Channel,
        request: &RemotingCommand,
        mut header: SendMessageRequestHeader,
        permit: SemaphorePermit<'_>,
    ) -> Result<RemotingCommand, BrokerError> {
        let c = &self.ctx;
        let topic_config = pre_send(bc, &c.topic_config_manager, channel, &header)?;
        let mut queue_id = header.queue_id;
        if queue_id < 0 {
            queue_id = random_queue_id(topic_config.write_queue_nums);
        }
        if header.topic.len() > 127 {
            return Err(BrokerError::MessageIllegal(format!(
                "message topic length too long {}",
                header.topic.len()
            )));
        }
        if mix_all::is_retry_topic(&header.topic) {
            return Err(BrokerError::MessageIllegal(format!(
                "batch request does not support retry group {}",
                header.topic
            )));
        }
        let mut sys_flag = header.sys_flag;
        if topic_config.topic_filter_type == TopicFilterType::MultiTag {
            sys_flag |= message_sys_flag::MULTI_TAGS_FLAG;
        }
        let client_properties = header.properties.take();
        let mut props = request_properties(bc, client_properties.as_deref());
        props.insert(PROPERTY_CLUSTER, bc.broker_cluster_name.clone());
        let batch = MessageExtBatch {
            topic: std::mem::take(&mut header.topic),
            queue_id,
            body: request.body.clone(),
            properties_string: properties_string(&props, client_properties),
            sys_flag,
            born_timestamp: header.born_timestamp,
            born_host: channel.remote_addr(),
            store_host: c.address.store_host(),
            reconsume_times: header.reconsume_times.unwrap_or(0),
        };
        let future = c.message_store.put_messages(&batch);
        drop(permit);
        let result = future.await;
        let uniq_key = props
            .get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
            .map(str::to_string);
        self.put_answer(bc, &batch.topic, &result, queue_id, uniq_key)
    }

    /// The answer to a put (Java `handlePutMessageResult`): the status's code, and for a
    /// stored message the response header and the put statistics.
    fn put_answer(
        &self,
        bc: &BrokerConfig,
        topic: &str,
        result: &PutMessageResult,
        queue_id: i32,
        transaction_id: Option<String>,
    ) -> Result<RemotingCommand, BrokerError> {
        let code = put_result::put_status_answer(result.status, &self.ctx.message_store_config)?;
        let mut response = Self::new_send_response(bc);
        response.code = code.0;
        let Some(a) = result.append_result.as_ref() else {
            return Ok(response);
        };
        put_result::count_put(&self.ctx.broker_stats_manager, topic, result);
        response.set_header(&SendMessageResponseHeader {
            msg_id: a.msg_id(),
            queue_id,
            queue_offset: a.logics_offset,
            transaction_id,
            batch_uniq_id: None,
            recall_handle: None,
        });
        Ok(response)
    }

    /// Decodes a V1 or V2 (short-keyed) send header as V1, once per request: a V2 header's
    /// fields move into the V1 struct (Java `parseRequestHeader`).
    pub(crate) fn parse_request_header(
        request: &RemotingCommand,
    ) -> Result<SendMessageRequestHeader, RemotingError> {
        let code = request.request_code();
        if code == RequestCode::SEND_MESSAGE_V2
            || code == RequestCode::SEND_BATCH_MESSAGE
            || code == RequestCode::SEND_REPLY_MESSAGE_V2
        {
            let v2: SendMessageRequestHeaderV2 = request.decode_header()?;
            Ok(v2.into_v1())
        } else {
            Ok(request.decode_header()?)
        }
    }

    /// Waits for a send slot as Java's send thread pool queue would; SYSTEM_BUSY when the
    /// request waited too long or the queue is full.
    async fn acquire_slot(&self, bc: &BrokerConfig) -> Result<SemaphorePermit<'_>, BrokerError> {
        let capacity = bc.send_thread_pool_queue_capacity.max(1) as usize;
        let overload = || {
            BrokerError::SystemBusy("[OVERLOAD]system busy, start flow control for a while".into())
        };
        let arrived = Instant::now();
        let queue = &self.ctx.send_thread_pool_queue;
        let queued = queue
            .try_enter(capacity, rmq_common::util_all::current_millis())
            .ok_or_else(overload)?;
        let permit = self.send_permits.acquire().await;
        drop(queued);
        let queued = queue.size();
        let permit = permit.map_err(|_| overload())?;
        let waited = arrived.elapsed().as_millis() as i64;
        if bc.broker_fast_failure_enable && waited > bc.wait_time_mills_in_send_queue {
            return Err(BrokerError::SystemBusy(format!(
                "[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: {waited}ms, size of queue: {queued}"
            )));
        }
        Ok(permit)
    }

    /// A send: a slot, then the single or batch path; a refusal keeps the send answer's
    /// ext fields, a busy answer has none.
    async fn send(
        &self,
        bc: &BrokerConfig,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header = Self::parse_request_header(request)?;
        let permit = self.acquire_slot(bc).await?;
        let sent = if header.batch.unwrap_or(false) {
            self.send_batch_message(bc, channel, request, header, permit)
                .await
        } else {
            self.send_message(bc, channel, request, header, permit)
                .await
        };
        Ok(match sent {
            Ok(r) => r,
            Err(BrokerError::Remoting(e)) => return Err(BrokerError::Remoting(e)),
            Err(e) => e.apply_to(Self::new_send_response(bc)),
        })
    }
}

/// Adds `UNIQ_KEY` (if missing) and `CLUSTER`; refuses half messages under
/// `rejectTransactionMessage`. Returns the unique
/// key and whether the send is a transaction half message (`TRAN_MSG`=true, except an old
/// client's delayed retry).
fn complete_properties(
    bc: &BrokerConfig,
    props: &mut JavaHashMap,
    reconsume_times: i32,
) -> Result<(Option<String>, bool), BrokerError> {
    if props
        .get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .is_none_or(|u| u.is_empty())
    {
        props.insert(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, create_uniq_id());
    }
    props.insert(PROPERTY_CLUSTER, bc.broker_cluster_name.clone());
    let tran = props
        .get(PROPERTY_TRANSACTION_PREPARED)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let half = tran && !(reconsume_times > 0 && hook_utils::delay_time_level(props) > 0);
    if half && bc.reject_transaction_message {
        return Err(BrokerError::NoPermission(format!(
            "the broker[{}] sending transaction message is forbidden",
            bc.broker_ip1
        )));
    }
    let uniq_key = props
        .get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .map(str::to_string);
    Ok((uniq_key, half))
}

#[async_trait]
impl RequestProcessor for SendMessageProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        // One config snapshot for the whole request.
        let bc = self.ctx.config.load();
        if request.request_code() == RequestCode::CONSUMER_SEND_MSG_BACK {
            return answer(self.consumer_send_msg_back(&bc, &request).await);
        }
        answer(self.send(&bc, channel, &request).await)
    }

    fn reject_request(&self) -> bool {
        let c = &self.ctx;
        (!c.config.load().enable_slave_acting_master && c.role.is_slave())
            || c.message_store.is_os_page_cache_busy()
    }
}
