//! `SendMessageProcessor`: SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE and
//! CONSUMER_SEND_MSG_BACK (Java `broker/processor/SendMessageProcessor`,
//! `AbstractSendMessageProcessor`).
//!
//! A send is checked (broker write permission for order topics, topic name, not-sendable system
//! topics, auto-creation from the default topic, queue id), completed (UNIQ_KEY if missing,
//! `CLUSTER`, born host, store host), routed to `%DLQ%<group>` when a retry exceeds its
//! maximum, parked in `SCHEDULE_TOPIC_XXXX` when it has a delay level, and appended. The
//! processor awaits the store's put future, so SYNC_FLUSH never blocks a tokio worker.
//!
//! Flow control as Java's send thread pool and `BrokerFastFailure`: at most
//! `sendMessageThreadPoolNums` appends run at once; a request that waited longer than
//! `waitTimeMillsInSendQueue` gets SYSTEM_BUSY `[TIMEOUT_CLEAN_QUEUE]...`, and one arriving
//! while `sendThreadPoolQueueCapacity` requests wait gets `[OVERLOAD]...`.

use crate::broker_address::BrokerAddress;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::client::rebalance::rebalance_lock_manager::RebalanceLockManager;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::thread_pool_queue::ThreadPoolQueue;
use crate::topic::topic_config_manager::TopicConfigManager;
use rmq_store::MessageStoreConfig;
use crate::util::hook_utils;
use async_trait::async_trait;
use rmq_common::java_hash_map::JavaHashMap;
use rmq_common::message::message_client_id::create_uniq_id;
use rmq_common::message::message_const::*;
use rmq_common::message::message_decoder::{
    decode, decode_properties_string, java_properties_to_string, string_to_java_properties,
    DecodeOptions,
};
use rmq_common::sys_flag::{message_sys_flag, topic_sys_flag};
use rmq_common::{mix_all, mq_version, perm_name, topic_validator, TopicConfig, TopicFilterType};
use rmq_remoting::protocol::header::broker::{
    ConsumerSendMsgBackRequestHeader, SendMessageRequestHeader, SendMessageRequestHeaderV2,
    SendMessageResponseHeader,
};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use rmq_store::{
    MessageExtBatch, MessageExtBrokerInner, MessageStore, PutMessageResult, PutMessageStatus,
};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

/// Java `buildMsgContext`: the request's properties with `MSG_REGION` and `TRACE_ON`,
/// re-encoded from a Java `HashMap`.
pub(crate) fn rewrite_request_properties(
    properties: Option<&str>,
    region: &str,
    trace_on: bool,
) -> String {
    let mut props = string_to_java_properties(properties.unwrap_or(""));
    props.insert(PROPERTY_MSG_REGION, region);
    props.insert(PROPERTY_TRACE_SWITCH, trace_on.to_string());
    java_properties_to_string(&props)
}

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
    /// The topic configs.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// The subscription group configs.
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
    /// The ordered-consumption queue locks.
    pub rebalance_lock_manager: Arc<RebalanceLockManager>,
    /// The delay levels.
    pub schedule_message_service: Arc<ScheduleMessageService>,
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
        let permits = ctx
            .config
            .load()
            .send_message_thread_pool_nums
            .max(1) as usize;
        SendMessageProcessor {
            ctx,
            send_permits: Semaphore::new(permits),
        }
    }

    fn new_send_response(&self) -> RemotingCommand {
        let mut r = RemotingCommand::success();
        let (region, trace_on) = {
            let bc = self.ctx.config.load();
            (bc.region_id.clone(), bc.trace_on)
        };
        r.add_ext_field(PROPERTY_MSG_REGION, region);
        r.add_ext_field(PROPERTY_TRACE_SWITCH, trace_on.to_string());
        r
    }

    /// The properties a send starts from, in Java's map: `buildMsgContext` rewrites the
    /// request's properties string with the broker's region and trace switch (parsed into a
    /// `HashMap` and encoded again), `clearReservedProperties` drops `POP_CK` from it, and
    /// `sendMessage`/`sendBatchMessage` parse the result.
    pub(crate) fn request_properties(&self, header: &SendMessageRequestHeader) -> JavaHashMap {
        let (region, trace_on) = {
            let bc = self.ctx.config.load();
            (bc.region_id.clone(), bc.trace_on)
        };
        let text = rewrite_request_properties(header.properties.as_deref(), &region, trace_on);
        let mut props = string_to_java_properties(&text);
        // Deleting `POP_CK` from the string before parsing leaves the other pairs in order,
        // as removing it from the map does.
        props.remove(PROPERTY_POP_CK);
        props
    }

    /// Returns Java's response for a request that failed a check.
    fn fail(
        &self,
        mut response: RemotingCommand,
        code: ResponseCode,
        remark: String,
    ) -> RemotingCommand {
        response.code = code.0;
        response.remark = Some(remark);
        response
    }

    /// Java `msgCheck`: returns the topic config, or the error response.
    fn msg_check(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
        response: RemotingCommand,
    ) -> Result<(Arc<TopicConfig>, RemotingCommand), Box<RemotingCommand>> {
        let c = &self.ctx;
        let (broker_perm, broker_ip1) = {
            let bc = c.config.load();
            (bc.broker_permission, bc.broker_ip1.clone())
        };
        if !perm_name::is_writeable(broker_perm)
            && c.topic_config_manager.is_order_topic(&header.topic)
        {
            return Err(Box::new(self.fail(
                response,
                ResponseCode::NO_PERMISSION,
                format!("the broker[{broker_ip1}] sending message is forbidden"),
            )));
        }
        if let Err(remark) = topic_validator::validate_topic(&header.topic) {
            return Err(Box::new(self.fail(
                response,
                ResponseCode::INVALID_PARAMETER,
                remark,
            )));
        }
        if topic_validator::is_not_allowed_send_topic(&header.topic) {
            return Err(Box::new(self.fail(
                response,
                ResponseCode::NO_PERMISSION,
                format!("Sending message to topic[{}] is forbidden.", header.topic),
            )));
        }
        let remote = channel.remote_addr_string();
        let topic_config = match c.topic_config_manager.select_topic_config(&header.topic) {
            Some(tc) => tc,
            None => {
                let mut sys_flag = 0;
                if header.unit_mode.unwrap_or(false) {
                    sys_flag = if mix_all::is_retry_topic(&header.topic) {
                        topic_sys_flag::build_sys_flag(false, true)
                    } else {
                        topic_sys_flag::build_sys_flag(true, false)
                    };
                }
                tracing::warn!(topic = %header.topic, producer = %remote, "the topic not exist");
                let created = c
                    .topic_config_manager
                    .create_topic_in_send_message_method(
                        &header.topic,
                        &header.default_topic,
                        &remote,
                        header.default_topic_queue_nums,
                        sys_flag,
                    );
                let created = created.or_else(|| {
                    mix_all::is_retry_topic(&header.topic).then(|| {
                        c.topic_config_manager
                            .create_topic_in_send_message_back_method(
                                &header.topic,
                                1,
                                perm_name::PERM_WRITE | perm_name::PERM_READ,
                                false,
                                sys_flag,
                            )
                    })
                });
                match created {
                    Some(tc) => tc,
                    None => {
                        return Err(Box::new(self.fail(
                            response,
                            ResponseCode::TOPIC_NOT_EXIST,
                            mix_all::suggest_todo(&format!(
                                "topic[{}] not exist, apply first please!",
                                header.topic
                            )),
                        )))
                    }
                }
            }
        };
        // Java relies on routes (which omit non-writable queues); a direct send to a topic
        // without write permission is refused here as the send-back path refuses it.
        if !perm_name::is_writeable(topic_config.perm) {
            return Err(Box::new(self.fail(
                response,
                ResponseCode::NO_PERMISSION,
                format!("the topic[{}] sending message is forbidden", header.topic),
            )));
        }
        let id_valid = topic_config
            .write_queue_nums
            .max(topic_config.read_queue_nums);
        if header.queue_id >= id_valid {
            let info = format!(
                "request queueId[{}] is illegal, {} Producer: {}",
                header.queue_id, topic_config, remote
            );
            tracing::warn!("{info}");
            return Err(Box::new(self.fail(
                response,
                ResponseCode::INVALID_PARAMETER,
                info,
            )));
        }
        Ok((topic_config, response))
    }

    /// Java `preSend`: the response shell, the start-time gate and `msgCheck`.
    pub(crate) fn pre_send(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
    ) -> Result<(Arc<TopicConfig>, RemotingCommand), Box<RemotingCommand>> {
        let response = self.new_send_response();
        let start = self
            .ctx
            .config
            .load()
            .start_accept_send_request_time_stamp;
        if rmq_common::util_all::current_millis() < start {
            return Err(Box::new(self.fail(
                response,
                ResponseCode::SYSTEM_ERROR,
                format!(
                    "broker unable to service, until {}",
                    rmq_common::util_all::time_millis_to_human_string2(start)
                ),
            )));
        }
        self.msg_check(channel, header, response)
    }

    async fn send_message(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
        header: SendMessageRequestHeader,
        permit: tokio::sync::SemaphorePermit<'_>,
    ) -> RemotingCommand {
        let c = &self.ctx;
        let (topic_config, mut response) = match self.pre_send(channel, &header) {
            Ok(v) => v,
            Err(r) => return *r,
        };
        let mut queue_id = header.queue_id;
        if queue_id < 0 {
            queue_id = random_queue_id(topic_config.write_queue_nums);
        }
        let response_queue_id = queue_id;
        let mut topic = header.topic.clone();
        let mut props = self.request_properties(&header);
        let reconsume_times = header.reconsume_times.unwrap_or(0);
        // Java `handleRetryAndDLQ`.
        if mix_all::is_retry_topic(&topic) {
            let group = topic
                .strip_prefix(mix_all::RETRY_GROUP_TOPIC_PREFIX)
                .unwrap_or_default()
                .to_string();
            let Some(sgc) = c
                .subscription_group_manager
                .find_subscription_group_config(&group)
            else {
                return self.fail(
                    response,
                    ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
                    mix_all::suggest_todo(&format!("subscription group not exist, {group} ")),
                );
            };
            let mut max_reconsume_times = sgc.retry_max_times;
            if request.version >= mq_version::V3_4_9 {
                if let Some(m) = header.max_reconsume_times {
                    max_reconsume_times = m;
                }
            }
            let to_dlq_directly = c.rebalance_lock_manager.has_unexpired_lock(&group);
            if to_dlq_directly {
                tracing::info!(group, topic = %topic, reconsume_times, max_reconsume_times, "Group has unexpired lock record, which show it is ordered message, send it to DLQ right now");
            }
            if reconsume_times > max_reconsume_times || to_dlq_directly {
                props.insert(PROPERTY_DELAY_TIME_LEVEL, "-1");
                topic = mix_all::get_dlq_topic(&group);
                queue_id = random_queue_id(DLQ_NUMS_PER_GROUP);
                c.topic_config_manager
                    .create_topic_in_send_message_back_method(
                        &topic,
                        DLQ_NUMS_PER_GROUP,
                        perm_name::PERM_WRITE | perm_name::PERM_READ,
                        false,
                        0,
                    );
            }
        }
        let mut sys_flag = header.sys_flag;
        if topic_config.topic_filter_type == TopicFilterType::MultiTag {
            sys_flag |= message_sys_flag::MULTI_TAGS_FLAG;
        }
        if props
            .get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
            .is_none_or(|u| u.is_empty())
        {
            props.insert(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, create_uniq_id());
        }
        let (cluster, reject_tx, broker_ip1) = {
            let bc = c.config.load();
            (
                bc.broker_cluster_name.clone(),
                bc.reject_transaction_message,
                bc.broker_ip1.clone(),
            )
        };
        props.insert(PROPERTY_CLUSTER, cluster);
        let tran = props
            .get(PROPERTY_TRANSACTION_PREPARED)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if tran && !(reconsume_times > 0 && hook_utils::delay_time_level(&props) > 0) {
            // rejectTransactionMessage, or transactions not served yet: a half message would
            // never be checked back, so it is refused as Java refuses it when rejected.
            let _ = reject_tx;
            return self.fail(
                response,
                ResponseCode::NO_PERMISSION,
                format!("the broker[{broker_ip1}] sending transaction message is forbidden"),
            );
        }
        let uniq_key = props
            .get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
            .map(str::to_string);
        if hook_utils::is_timer_message(sys_flag, &topic, &props) {
            return self.fail(
                response,
                ResponseCode::SYSTEM_ERROR,
                "accurate timer message is not enabled, timerWheelEnable is false".into(),
            );
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
            properties_string: java_properties_to_string(&props),
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
        let wrote = self.handle_put_message_result(&msg.topic, &result, &mut response);
        if wrote {
            let header = SendMessageResponseHeader {
                msg_id: result
                    .append_result
                    .as_ref()
                    .map(|a| a.msg_id())
                    .unwrap_or_default(),
                queue_id: response_queue_id,
                queue_offset: result
                    .append_result
                    .as_ref()
                    .map(|a| a.logics_offset)
                    .unwrap_or(0),
                transaction_id: uniq_key,
                batch_uniq_id: None,
                recall_handle: None,
            };
            response.set_header(&header);
        }
        response
    }

    async fn send_batch_message(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
        header: SendMessageRequestHeader,
        permit: tokio::sync::SemaphorePermit<'_>,
    ) -> RemotingCommand {
        let c = &self.ctx;
        let (topic_config, mut response) = match self.pre_send(channel, &header) {
            Ok(v) => v,
            Err(r) => return *r,
        };
        let mut queue_id = header.queue_id;
        if queue_id < 0 {
            queue_id = random_queue_id(topic_config.write_queue_nums);
        }
        if header.topic.len() > 127 {
            return self.fail(
                response,
                ResponseCode::MESSAGE_ILLEGAL,
                format!("message topic length too long {}", header.topic.len()),
            );
        }
        if mix_all::is_retry_topic(&header.topic) {
            return self.fail(
                response,
                ResponseCode::MESSAGE_ILLEGAL,
                format!(
                    "batch request does not support retry group {}",
                    header.topic
                ),
            );
        }
        let mut sys_flag = header.sys_flag;
        if topic_config.topic_filter_type == TopicFilterType::MultiTag {
            sys_flag |= message_sys_flag::MULTI_TAGS_FLAG;
        }
        let mut props = self.request_properties(&header);
        props.insert(
            PROPERTY_CLUSTER,
            c.config.load().broker_cluster_name.clone(),
        );
        let batch = MessageExtBatch {
            topic: header.topic.clone(),
            queue_id,
            body: request.body.clone(),
            properties_string: java_properties_to_string(&props),
            sys_flag,
            born_timestamp: header.born_timestamp,
            born_host: channel.remote_addr(),
            store_host: c.address.store_host(),
            reconsume_times: header.reconsume_times.unwrap_or(0),
        };
        let future = c.message_store.put_messages(&batch);
        drop(permit);
        let result = future.await;
        if self.handle_put_message_result(&batch.topic, &result, &mut response) {
            let header = SendMessageResponseHeader {
                msg_id: result
                    .append_result
                    .as_ref()
                    .map(|a| a.msg_id())
                    .unwrap_or_default(),
                queue_id,
                queue_offset: result
                    .append_result
                    .as_ref()
                    .map(|a| a.logics_offset)
                    .unwrap_or(0),
                transaction_id: props
                    .get(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
                    .map(str::to_string),
                batch_uniq_id: None,
                recall_handle: None,
            };
            response.set_header(&header);
        }
        response
    }

    /// Maps the store's status to the response (Java `handlePutMessageResult`); returns true
    /// when the message is stored (and the response header must be filled).
    fn handle_put_message_result(
        &self,
        topic: &str,
        result: &PutMessageResult,
        response: &mut RemotingCommand,
    ) -> bool {
        let max_size = self.ctx.message_store_config.max_message_size;
        let (code, remark, ok): (ResponseCode, Option<String>, bool) = match result.status {
            PutMessageStatus::PutOk => (ResponseCode::SUCCESS, None, true),
            PutMessageStatus::FlushDiskTimeout => (ResponseCode::FLUSH_DISK_TIMEOUT, None, true),
            PutMessageStatus::FlushSlaveTimeout => (ResponseCode::FLUSH_SLAVE_TIMEOUT, None, true),
            PutMessageStatus::SlaveNotAvailable => (ResponseCode::SLAVE_NOT_AVAILABLE, None, true),
            PutMessageStatus::InSyncReplicasNotEnough => (
                ResponseCode::SYSTEM_ERROR,
                Some("in-sync replicas not enough".into()),
                false,
            ),
            PutMessageStatus::CreateMappedFileFailed => (
                ResponseCode::SYSTEM_ERROR,
                Some("create mapped file failed, server is busy or broken.".into()),
                false,
            ),
            PutMessageStatus::MessageIllegal | PutMessageStatus::PropertiesSizeExceeded => (
                ResponseCode::MESSAGE_ILLEGAL,
                Some(format!(
                    "the message is illegal, maybe msg body or properties length not matched. msg body length limit {max_size}B, msg properties length limit 32KB."
                )),
                false,
            ),
            PutMessageStatus::ServiceNotAvailable => (
                ResponseCode::SERVICE_NOT_AVAILABLE,
                Some(format!(
                    "service not available now. It may be caused by one of the following reasons: the broker's disk is full [{}], messages are put to the slave, message store has been shut down, etc.",
                    self.disk_util()
                )),
                false,
            ),
            PutMessageStatus::OsPageCacheBusy => (
                ResponseCode::SYSTEM_BUSY,
                Some("[PC_SYNCHRONIZED]broker busy, start flow control for a while".into()),
                false,
            ),
            PutMessageStatus::UnknownError => {
                (ResponseCode::SYSTEM_ERROR, Some("UNKNOWN_ERROR".into()), false)
            }
            _ => (
                ResponseCode::SYSTEM_ERROR,
                Some("UNKNOWN_ERROR DEFAULT".into()),
                false,
            ),
        };
        response.code = code.0;
        response.remark = remark;
        if ok {
            if let Some(a) = result.append_result.as_ref() {
                let stats = &self.ctx.broker_stats_manager;
                stats.inc_topic_put_nums(topic, i64::from(a.msg_num), 1);
                stats.inc_topic_put_size(topic, i64::from(a.wrote_bytes));
                stats.inc_broker_put_nums(topic, i64::from(a.msg_num));
            }
        }
        ok && result.append_result.is_some()
    }

    fn disk_util(&self) -> String {
        let cfg = &self.ctx.message_store_config;
        let ratio = |p: std::path::PathBuf| rmq_store::disk_partition_space_used_percent(&p);
        format!(
            "CL: {:5.2} CQ: {:5.2} INDEX: {:5.2}",
            ratio(cfg.commit_log_store_path()),
            ratio(cfg.consume_queue_store_path()),
            ratio(cfg.index_store_path())
        )
    }

    /// CONSUMER_SEND_MSG_BACK: puts a message a consumer failed on back to `%RETRY%<group>` at
    /// delay level `3 + reconsumeTimes` (or the requested level), or to `%DLQ%<group>` once it
    /// reached its maximum (Java `consumerSendMsgBack`).
    async fn consumer_send_msg_back(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: ConsumerSendMsgBackRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let err = |code: ResponseCode, remark: String| RemotingCommand::error(code, remark);
        let Some(sgc) = c
            .subscription_group_manager
            .find_subscription_group_config(&header.group)
        else {
            return Ok(err(
                ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
                mix_all::suggest_todo(&format!("subscription group not exist, {} ", header.group)),
            ));
        };
        let (broker_perm, broker_ip1) = {
            let bc = c.config.load();
            (bc.broker_permission, bc.broker_ip1.clone())
        };
        if !perm_name::is_writeable(broker_perm) {
            return Ok(err(
                ResponseCode::NO_PERMISSION,
                format!("the broker[{broker_ip1}] sending message is forbidden"),
            ));
        }
        if sgc.retry_queue_nums <= 0 {
            return Ok(RemotingCommand::success());
        }
        let mut new_topic = mix_all::get_retry_topic(&header.group);
        let mut queue_id = random_queue_id(sgc.retry_queue_nums);
        let sys_flag_topic = if header.unit_mode.unwrap_or(false) {
            topic_sys_flag::build_sys_flag(false, true)
        } else {
            0
        };
        let tc = c
            .topic_config_manager
            .create_topic_in_send_message_back_method(
                &new_topic,
                sgc.retry_queue_nums,
                perm_name::PERM_WRITE | perm_name::PERM_READ,
                false,
                sys_flag_topic,
            );
        if !perm_name::is_writeable(tc.perm) {
            return Ok(err(
                ResponseCode::NO_PERMISSION,
                format!("the topic[{new_topic}] sending message is forbidden"),
            ));
        }
        // Java `lookMessageByOffset`: the record decoded, its properties in a Java map.
        let record = c
            .message_store
            .select_one_message_by_offset(header.offset);
        let decoded = record.as_deref().and_then(|r| {
            let options = DecodeOptions {
                read_body: true,
                decompress_body: false,
            };
            let (msg, _) = decode(r, options).ok()?;
            let props = string_to_java_properties(&decode_properties_string(r).ok()?);
            Some((msg, props))
        });
        let Some((msg_ext, mut props)) = decoded else {
            return Ok(err(
                ResponseCode::SYSTEM_ERROR,
                format!("look message by offset failed, {}", header.offset),
            ));
        };
        let props = &mut props;
        if !props.contains_key(PROPERTY_RETRY_TOPIC) {
            props.insert(PROPERTY_RETRY_TOPIC, msg_ext.message.topic.clone());
        }
        props.insert(PROPERTY_WAIT_STORE_MSG_OK, "false");
        let mut delay_level = header.delay_level;
        let mut max_reconsume_times = sgc.retry_max_times;
        if request.version >= mq_version::V3_4_9 {
            if let Some(m) = header.max_reconsume_times {
                max_reconsume_times = m;
            }
        }
        let is_dlq = msg_ext.reconsume_times >= max_reconsume_times || delay_level < 0;
        if is_dlq {
            new_topic = mix_all::get_dlq_topic(&header.group);
            queue_id = random_queue_id(DLQ_NUMS_PER_GROUP);
            c.topic_config_manager
                .create_topic_in_send_message_back_method(
                    &new_topic,
                    DLQ_NUMS_PER_GROUP,
                    perm_name::PERM_WRITE | perm_name::PERM_READ,
                    false,
                    0,
                );
            props.insert(PROPERTY_DELAY_TIME_LEVEL, "0");
        } else {
            if delay_level == 0 {
                delay_level = 3 + msg_ext.reconsume_times;
            }
            props.insert(PROPERTY_DELAY_TIME_LEVEL, delay_level.to_string());
        }
        // Java `setOriginMessageId` puts it whether or not it was there.
        let origin = props
            .get(PROPERTY_ORIGIN_MESSAGE_ID)
            .filter(|v| !v.trim().is_empty())
            .map_or_else(|| msg_ext.msg_id.clone(), str::to_string);
        props.insert(PROPERTY_ORIGIN_MESSAGE_ID, origin);
        let mut topic = new_topic.clone();
        let max_level = c.schedule_message_service.max_delay_level();
        hook_utils::handle_schedule_message(
            msg_ext.sys_flag,
            &mut topic,
            &mut queue_id,
            props,
            max_level,
        );
        let inner = MessageExtBrokerInner {
            topic,
            queue_id,
            flag: msg_ext.message.flag,
            body: msg_ext.message.body.clone(),
            properties_string: java_properties_to_string(props),
            tags_code: 0,
            sys_flag: msg_ext.sys_flag,
            born_timestamp: msg_ext.born_timestamp,
            born_host: msg_ext.born_host,
            store_host: c.address.store_host(),
            reconsume_times: msg_ext.reconsume_times + 1,
            prepared_transaction_offset: 0,
        };
        let result = c.message_store.put_message(&inner).await;
        if result.status == PutMessageStatus::PutOk {
            if is_dlq {
                tracing::info!(
                    dlq_topic = %new_topic,
                    original_topic = ?header.origin_topic,
                    consumer_id = %header.group,
                    "send msg to DLQ"
                );
            }
            let stats = &c.broker_stats_manager;
            if inner.topic == mix_all::RMQ_SYS_SCHEDULE_TOPIC {
                let wrote = result.append_result.as_ref().map_or(0, |a| a.wrote_bytes);
                stats.inc_topic_put_nums(&inner.topic, 1, 1);
                stats.inc_topic_put_size(&inner.topic, i64::from(wrote));
            }
            let back_topic = msg_ext
                .property(PROPERTY_RETRY_TOPIC)
                .map(str::to_string)
                .unwrap_or_else(|| msg_ext.topic().to_string());
            stats.inc_send_back_nums(&header.group, &back_topic);
            Ok(RemotingCommand::success())
        } else {
            Ok(err(
                ResponseCode::SYSTEM_ERROR,
                result.status.java_name().to_string(),
            ))
        }
    }

    /// Decodes a V1 or V2 (short-keyed) send header as V1.
    pub(crate) fn parse_request_header(
        request: &RemotingCommand,
    ) -> Result<SendMessageRequestHeader, RemotingError> {
        let code = request.request_code();
        if code == RequestCode::SEND_MESSAGE_V2
            || code == RequestCode::SEND_BATCH_MESSAGE
            || code == RequestCode::SEND_REPLY_MESSAGE_V2
        {
            let v2: SendMessageRequestHeaderV2 = request.decode_header()?;
            Ok(v2.to_v1())
        } else {
            request.decode_header()
        }
    }

    /// Waits for a send slot as Java's send thread pool queue would; returns the busy response
    /// when the request waited too long or the queue is full.
    async fn acquire_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, RemotingCommand> {
        let (capacity, max_wait, fast_failure) = {
            let bc = self.ctx.config.load();
            (
                bc.send_thread_pool_queue_capacity.max(1) as usize,
                bc.wait_time_mills_in_send_queue,
                bc.broker_fast_failure_enable,
            )
        };
        let arrived = Instant::now();
        let queue = &self.ctx.send_thread_pool_queue;
        let Some(queued) = queue.try_enter(capacity, rmq_common::util_all::current_millis()) else {
            return Err(RemotingCommand::error(
                ResponseCode::SYSTEM_BUSY,
                "[OVERLOAD]system busy, start flow control for a while",
            ));
        };
        let permit = self.send_permits.acquire().await;
        drop(queued);
        let queued = queue.size();
        let Ok(permit) = permit else {
            return Err(RemotingCommand::error(
                ResponseCode::SYSTEM_BUSY,
                "[OVERLOAD]system busy, start flow control for a while",
            ));
        };
        let waited = arrived.elapsed().as_millis() as i64;
        if fast_failure && waited > max_wait {
            return Err(RemotingCommand::error(
                ResponseCode::SYSTEM_BUSY,
                format!(
                    "[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: {waited}ms, size of queue: {queued}"
                ),
            ));
        }
        Ok(permit)
    }
}

#[async_trait]
impl RequestProcessor for SendMessageProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        if request.request_code() == RequestCode::CONSUMER_SEND_MSG_BACK {
            return self.consumer_send_msg_back(&request).await.map(Some);
        }
        let header = Self::parse_request_header(&request)?;
        let permit = match self.acquire_slot().await {
            Ok(p) => p,
            Err(busy) => return Ok(Some(busy)),
        };
        let response = if header.batch.unwrap_or(false) {
            self.send_batch_message(channel, &request, header, permit)
                .await
        } else {
            self.send_message(channel, &request, header, permit).await
        };
        Ok(Some(response))
    }

    fn reject_request(&self) -> bool {
        let c = &self.ctx;
        (!c.config.load().enable_slave_acting_master
            && c.message_store_config.broker_role == rmq_store::BrokerRole::Slave)
            || c.message_store.is_os_page_cache_busy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `buildMsgContext`'s rewrite, which the reply path stores as is and pushes with
    /// `PUSH_REPLY_TIME` added (golden strings from Java's `MessageDecoder`, see
    /// `tests/properties_order_it.rs`, which checks the send paths end to end).
    #[test]
    fn request_properties_are_rewritten_in_java_order() {
        let golden: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../tests/data/java_properties_golden.json"))
                .unwrap();
        for case in &golden {
            let input = case["input"].as_str().unwrap();
            let stored = rewrite_request_properties(Some(input), "DefaultRegion", true);
            assert_eq!(
                stored,
                case["reply_stored"].as_str().unwrap(),
                "{}",
                case["name"]
            );
            let mut pushed = string_to_java_properties(&stored);
            pushed.insert(PROPERTY_PUSH_REPLY_TIME, "1700000000000");
            assert_eq!(
                java_properties_to_string(&pushed),
                case["reply_pushed"].as_str().unwrap(),
                "{}",
                case["name"]
            );
        }
    }
}
