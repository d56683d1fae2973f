//! `PullMessageProcessor`: PULL_MESSAGE and LITE_PULL_MESSAGE (Java
//! `broker/processor/PullMessageProcessor`, `DefaultPullMessageResultHandler`).
//!
//! Checks (broker and topic readable, group exists and may consume, queue id, subscription from
//! the heartbeat or the request, and for SQL92 the group's compiled filter: `FILTER_DATA_NOT_EXIST`
//! without one, `FILTER_DATA_NOT_LATEST` when older than the request's `subVersion`,
//! `SUBSCRIPTION_PARSE_FAILED` when the request's own expression does not compile), reads from
//! the store with the subscription's filter (tag codes, or the SQL92 expression evaluated on each
//! record's properties), maps the store's
//! status to the response code (FOUND → SUCCESS, no new message → PULL_NOT_FOUND, filtered or
//! removed → PULL_RETRY_IMMEDIATELY, offset out of range → PULL_OFFSET_MOVED), commits the
//! consumer's offset when asked, and parks PULL_NOT_FOUND requests with the SUSPEND flag in the
//! [`PullRequestHoldService`](crate::longpolling::pull_request_hold_service). The body of a
//! SUCCESS response is the found CommitLog records concatenated.

use crate::broker_config_handle::BrokerConfigHandle;
use crate::client::consumer_manager::ConsumerManager;
use crate::filter::consumer_filter_data::ConsumerFilterData;
use crate::filter::consumer_filter_manager::ConsumerFilterManager;
use crate::filter::expression_for_retry_message_filter::ExpressionForRetryMessageFilter;
use crate::filter::expression_message_filter::ExpressionMessageFilter;
use crate::filter::BrokerMessageFilter;
use crate::longpolling::pull_request_hold_service::PullRequest;
use crate::longpolling::pull_request_hold_service::PullRequestHoldService;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use async_trait::async_trait;
use bytes::BytesMut;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::util_all::current_millis;
use rmq_common::{mix_all, perm_name};
use rmq_remoting::protocol::body::heartbeat::{MessageModel, SubscriptionData};
use rmq_remoting::protocol::header::broker::{PullMessageRequestHeader, PullMessageResponseHeader};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use rmq_store::MessageStoreConfig;
use rmq_store::{BrokerRole, GetMessageResult, GetMessageStatus, MessageStore};
use std::sync::Arc;

/// Java `ForbiddenType` values.
mod forbidden_type {
    pub const BROKER_FORBIDDEN: i32 = 1;
    pub const GROUP_FORBIDDEN: i32 = 2;
    pub const TOPIC_FORBIDDEN: i32 = 3;
    pub const BROADCASTING_DISABLE_FORBIDDEN: i32 = 4;
    pub const SUBSCRIPTION_FORBIDDEN: i32 = 5;
}

/// Java `PermName.INDEX_PERM_READ`.
const INDEX_PERM_READ: u32 = 2;

/// What `PullMessageProcessor` uses.
#[derive(Clone)]
pub struct PullMessageContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The message store.
    pub message_store: Arc<dyn MessageStore>,
    /// The store config the broker started with.
    pub message_store_config: Arc<MessageStoreConfig>,
    /// The topic configs.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// The subscription group configs.
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
    /// The committed consumer offsets.
    pub consumer_offset_manager: Arc<ConsumerOffsetManager>,
    /// The connected consumer groups.
    pub consumer_manager: Arc<ConsumerManager>,
    /// The compiled SQL92 filters.
    pub consumer_filter_manager: Arc<ConsumerFilterManager>,
    /// The parked long-polling pulls.
    pub pull_request_hold_service: Arc<PullRequestHoldService>,
    /// The put/get counters.
    pub broker_stats_manager: Arc<BrokerStatsManager>,
}

/// The pull processor.
pub struct PullMessageProcessor {
    ctx: PullMessageContext,
}

fn error_with_forbidden(
    code: ResponseCode,
    remark: String,
    forbidden: Option<i32>,
) -> RemotingCommand {
    let mut r = RemotingCommand::error(code, remark);
    if let Some(f) = forbidden {
        r.add_ext_field("forbiddenType", f.to_string());
    }
    r
}

impl PullMessageProcessor {
    /// Builds the processor.
    pub fn new(ctx: PullMessageContext) -> Self {
        PullMessageProcessor { ctx }
    }

    /// Re-runs a parked pull without suspension and answers on its connection (Java
    /// `executeRequestWhenWakeup`).
    pub async fn execute_request_when_wakeup(&self, channel: Channel, request: RemotingCommand) {
        let opaque = request.opaque;
        let serialize_type = request.serialize_type;
        match self.process(&channel, request, false) {
            Ok(Some(response)) => {
                if let Err(e) = channel
                    .send_response(opaque, serialize_type, response)
                    .await
                {
                    tracing::error!(remote = %channel.remote_addr(), error = %e, "processRequestWrapper response failed");
                }
            }
            Ok(None) => {}
            Err(e) => {
                let r = RemotingCommand::error(ResponseCode::SYSTEM_ERROR, e.to_string());
                let _ = channel.send_response(opaque, serialize_type, r).await;
                tracing::error!(error = %e, "executeRequestWhenWakeup run");
            }
        }
    }

    /// Handles one pull; `Ok(None)` when it was parked for long polling.
    pub fn process(
        &self,
        channel: &Channel,
        request: RemotingCommand,
        broker_allow_suspend: bool,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let header: PullMessageRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let (broker_perm, broker_ip1, lite_pull_enable, enable_property_filter) = {
            let bc = c.config.load();
            (
                bc.broker_permission,
                bc.broker_ip1.clone(),
                bc.lite_pull_message_enable,
                bc.enable_property_filter,
            )
        };
        if !perm_name::is_readable(broker_perm) {
            return Ok(Some(error_with_forbidden(
                ResponseCode::NO_PERMISSION,
                format!("the broker[{broker_ip1}] pulling message is forbidden"),
                Some(forbidden_type::BROKER_FORBIDDEN),
            )));
        }
        if request.request_code() == RequestCode::LITE_PULL_MESSAGE && !lite_pull_enable {
            return Ok(Some(error_with_forbidden(
                ResponseCode::NO_PERMISSION,
                format!("the broker[{broker_ip1}] for lite pull consumer is forbidden"),
                Some(forbidden_type::BROKER_FORBIDDEN),
            )));
        }
        let Some(sgc) = c
            .subscription_group_manager
            .find_subscription_group_config(&header.consumer_group)
        else {
            return Ok(Some(RemotingCommand::error(
                ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!(
                    "subscription group [{}] does not exist, {}",
                    header.consumer_group,
                    mix_all::suggest_todo("")
                ),
            )));
        };
        if !sgc.consume_enable {
            return Ok(Some(error_with_forbidden(
                ResponseCode::NO_PERMISSION,
                format!(
                    "subscription group no permission, {}",
                    header.consumer_group
                ),
                Some(forbidden_type::GROUP_FORBIDDEN),
            )));
        }
        let Some(topic_config) = c.topic_config_manager.select_topic_config(&header.topic) else {
            tracing::error!(topic = %header.topic, consumer = %channel.remote_addr(), "the topic not exist");
            return Ok(Some(RemotingCommand::error(
                ResponseCode::TOPIC_NOT_EXIST,
                format!(
                    "topic[{}] not exist, apply first please! {}",
                    header.topic,
                    mix_all::suggest_todo("")
                ),
            )));
        };
        if !perm_name::is_readable(topic_config.perm) {
            return Ok(Some(error_with_forbidden(
                ResponseCode::NO_PERMISSION,
                format!("the topic[{}] pulling message is forbidden", header.topic),
                Some(forbidden_type::TOPIC_FORBIDDEN),
            )));
        }
        if header.queue_id < 0 || header.queue_id >= topic_config.read_queue_nums {
            let info = format!(
                "queueId[{}] is illegal, topic:[{}] topicConfig.readQueueNums:[{}] consumer:[{}]",
                header.queue_id,
                header.topic,
                topic_config.read_queue_nums,
                channel.remote_addr()
            );
            tracing::warn!("{info}");
            return Ok(Some(RemotingCommand::error(
                ResponseCode::INVALID_PARAMETER,
                info,
            )));
        }
        let mut consumer_filter_data: Option<Arc<ConsumerFilterData>> = None;
        let subscription_data: Arc<SubscriptionData> = if pull_sys_flag::has_subscription_flag(
            header.sys_flag,
        ) {
            let expr_type = header.expression_type.as_deref().unwrap_or("TAG");
            let sub_string = header.subscription.as_deref().unwrap_or("");
            let sd = SubscriptionData::build(
                &header.topic,
                if sub_string.is_empty() {
                    "*"
                } else {
                    sub_string
                },
                expr_type,
            );
            if !sd.is_tag_type() {
                // Java FilterAPI.build refuses an empty expression; ConsumerFilterManager.build
                // returns null for one that does not compile (Java then only asserts).
                consumer_filter_data = (!sub_string.is_empty())
                    .then(|| {
                        ConsumerFilterManager::build(
                            &header.topic,
                            &header.consumer_group,
                            sub_string,
                            &sd.expression_type,
                            header.sub_version,
                        )
                    })
                    .flatten()
                    .map(Arc::new);
                if consumer_filter_data.is_none() {
                    tracing::warn!(subscription = sub_string, group = %header.consumer_group, "Parse the consumer's subscription failed");
                    return Ok(Some(RemotingCommand::error(
                        ResponseCode::SUBSCRIPTION_PARSE_FAILED,
                        "parse the consumer's subscription failed",
                    )));
                }
            }
            Arc::new(sd)
        } else {
            let Some(group_info) = c
                .consumer_manager
                .get_consumer_group_info(&header.consumer_group)
            else {
                tracing::warn!(group = %header.consumer_group, "the consumer's group info not exist");
                return Ok(Some(RemotingCommand::error(
                    ResponseCode::SUBSCRIPTION_NOT_EXIST,
                    mix_all::suggest_todo("the consumer's group info not exist"),
                )));
            };
            if !sgc.consume_broadcast_enable
                && group_info.message_model == MessageModel::Broadcasting
            {
                return Ok(Some(error_with_forbidden(
                    ResponseCode::NO_PERMISSION,
                    format!(
                        "the consumer group[{}] can not consume by broadcast way",
                        header.consumer_group
                    ),
                    Some(forbidden_type::BROADCASTING_DISABLE_FORBIDDEN),
                )));
            }
            let forbidden = c
                .subscription_group_manager
                .get_forbidden(&sgc.group_name, &header.topic);
            if forbidden & (1 << INDEX_PERM_READ) != 0 {
                return Ok(Some(error_with_forbidden(
                    ResponseCode::NO_PERMISSION,
                    format!(
                        "the consumer group[{}] is forbidden for topic[{}]",
                        header.consumer_group, header.topic
                    ),
                    Some(forbidden_type::SUBSCRIPTION_FORBIDDEN),
                )));
            }
            let Some(sd) = group_info.subscription_table.get(&header.topic).cloned() else {
                tracing::warn!(group = %header.consumer_group, topic = %header.topic, "the consumer's subscription not exist");
                return Ok(Some(RemotingCommand::error(
                    ResponseCode::SUBSCRIPTION_NOT_EXIST,
                    mix_all::suggest_todo("the consumer's subscription not exist"),
                )));
            };
            if sd.sub_version < header.sub_version {
                tracing::warn!(group = %header.consumer_group, sub = %sd.sub_string, "The broker's subscription is not latest");
                return Ok(Some(RemotingCommand::error(
                    ResponseCode::SUBSCRIPTION_NOT_LATEST,
                    "the consumer's subscription not latest",
                )));
            }
            if !sd.is_tag_type() {
                let Some(data) = c
                    .consumer_filter_manager
                    .get(&header.topic, &header.consumer_group)
                else {
                    return Ok(Some(RemotingCommand::error(
                        ResponseCode::FILTER_DATA_NOT_EXIST,
                        "The broker's consumer filter data is not exist!Your expression may be wrong!",
                    )));
                };
                if data.client_version < header.sub_version {
                    tracing::warn!(
                        group = %header.consumer_group,
                        topic = %header.topic,
                        server_version = data.client_version,
                        client_version = header.sub_version,
                        "The broker's consumer filter data is not latest"
                    );
                    return Ok(Some(RemotingCommand::error(
                        ResponseCode::FILTER_DATA_NOT_LATEST,
                        "the consumer's consumer filter data not latest",
                    )));
                }
                consumer_filter_data = Some(data);
            }
            sd
        };
        if !subscription_data.is_tag_type() && !enable_property_filter {
            return Ok(Some(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                format!(
                    "The broker does not support consumer to filter message by {}",
                    subscription_data.expression_type
                ),
            )));
        }
        let expression_filter =
            ExpressionMessageFilter::new(Some(subscription_data), consumer_filter_data);
        let filter: Arc<dyn BrokerMessageFilter> = if c.config.load().filter_support_retry {
            Arc::new(ExpressionForRetryMessageFilter::new(
                expression_filter,
                c.consumer_filter_manager.clone(),
            ))
        } else {
            Arc::new(expression_filter)
        };

        let store = &c.message_store;
        let reset = c.consumer_offset_manager.query_then_erase_reset_offset(
            &header.topic,
            &header.consumer_group,
            header.queue_id,
        );
        let use_reset = c.config.load().use_server_side_reset_offset;
        let result = match reset.filter(|_| use_reset) {
            Some(offset) => GetMessageResult {
                status: GetMessageStatus::OffsetReset,
                next_begin_offset: offset,
                min_offset: store.get_min_offset_in_queue(&header.topic, header.queue_id),
                max_offset: store.get_max_offset_in_queue(&header.topic, header.queue_id),
                message_buffers: Vec::new(),
                message_queue_offsets: Vec::new(),
                buffer_total_size: 0,
                msg_count: 0,
                suggest_pulling_from_slave: false,
                filter_message_count: 0,
            },
            None => match store.get_message(
                &header.consumer_group,
                &header.topic,
                header.queue_id,
                header.queue_offset,
                header.max_msg_nums,
                i32::MAX,
                Some(filter.as_message_filter()),
            ) {
                Some(r) => r,
                None => {
                    return Ok(Some(RemotingCommand::error(
                        ResponseCode::SYSTEM_ERROR,
                        "store getMessage return null",
                    )))
                }
            },
        };
        Ok(self.handle(
            result,
            request,
            &header,
            channel,
            &sgc,
            topic_config.topic_sys_flag,
            broker_allow_suspend,
            filter,
        ))
    }

    /// Java `composeResponseHeader` + `DefaultPullMessageResultHandler#handle`.
    #[allow(clippy::too_many_arguments)]
    fn handle(
        &self,
        result: GetMessageResult,
        request: RemotingCommand,
        header: &PullMessageRequestHeader,
        channel: &Channel,
        sgc: &rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig,
        topic_sys_flag: i32,
        broker_allow_suspend: bool,
        filter: Arc<dyn BrokerMessageFilter>,
    ) -> Option<RemotingCommand> {
        let c = &self.ctx;
        let code = match result.status {
            GetMessageStatus::Found => ResponseCode::SUCCESS,
            GetMessageStatus::MessageWasRemoving | GetMessageStatus::NoMatchedMessage => {
                ResponseCode::PULL_RETRY_IMMEDIATELY
            }
            GetMessageStatus::NoMatchedLogicQueue | GetMessageStatus::NoMessageInQueue => {
                if header.queue_offset != 0 {
                    tracing::info!(
                        request_offset = header.queue_offset,
                        fix_to = result.next_begin_offset,
                        topic = %header.topic,
                        queue_id = header.queue_id,
                        group = %header.consumer_group,
                        "the broker stores no queue data, fix the request offset"
                    );
                    ResponseCode::PULL_OFFSET_MOVED
                } else {
                    ResponseCode::PULL_NOT_FOUND
                }
            }
            GetMessageStatus::OffsetFoundNull | GetMessageStatus::OffsetOverflowOne => {
                ResponseCode::PULL_NOT_FOUND
            }
            GetMessageStatus::OffsetOverflowBadly
            | GetMessageStatus::OffsetReset
            | GetMessageStatus::OffsetTooSmall => ResponseCode::PULL_OFFSET_MOVED,
        };
        let (slave_read_enable, broker_id) = {
            let bc = c.config.load();
            (bc.slave_read_enable, bc.broker_id)
        };
        let mut suggest = if slave_read_enable {
            if result.suggest_pulling_from_slave {
                sgc.which_broker_when_consume_slowly
            } else {
                sgc.broker_id
            }
        } else {
            mix_all::MASTER_ID as i64
        };
        let mut code = code;
        if broker_id != mix_all::MASTER_ID as i64 && !result.suggest_pulling_from_slave {
            suggest = mix_all::MASTER_ID as i64;
            if result.status != GetMessageStatus::Found {
                code = ResponseCode::PULL_RETRY_IMMEDIATELY;
            }
        }
        let client_address = channel.remote_addr_string();
        // Java `tryCommitOffset`.
        c.consumer_offset_manager.commit_pull_offset(
            &header.consumer_group,
            &header.topic,
            header.queue_id,
            result.next_begin_offset,
        );
        if broker_allow_suspend && pull_sys_flag::has_commit_offset_flag(header.sys_flag) {
            c.consumer_offset_manager.commit_offset(
                &client_address,
                &header.consumer_group,
                &header.topic,
                header.queue_id,
                header.commit_offset,
            );
        }
        let mut response_header = PullMessageResponseHeader {
            suggest_which_broker_id: suggest,
            next_begin_offset: result.next_begin_offset,
            min_offset: result.min_offset,
            max_offset: result.max_offset,
            offset_delta: None,
            topic_sys_flag: Some(topic_sys_flag),
            group_sys_flag: Some(sgc.group_sys_flag),
            forbidden_type: None,
        };
        match code {
            ResponseCode::SUCCESS => {
                let stats = &c.broker_stats_manager;
                let n = i64::from(result.msg_count);
                stats.inc_group_get_nums(&header.consumer_group, &header.topic, n);
                stats.inc_group_get_size(
                    &header.consumer_group,
                    &header.topic,
                    i64::from(result.buffer_total_size),
                );
                stats.inc_broker_get_nums(&header.topic, n);
                let mut body = BytesMut::with_capacity(result.buffer_total_size.max(0) as usize);
                for b in &result.message_buffers {
                    body.extend_from_slice(b);
                }
                let mut r = RemotingCommand::response_with_header(code, &response_header);
                r.remark = Some(result.status.java_name().to_string());
                r.body = body.freeze();
                return Some(r);
            }
            ResponseCode::PULL_NOT_FOUND => {
                let has_suspend = pull_sys_flag::has_suspend_flag(header.sys_flag);
                if broker_allow_suspend && has_suspend {
                    let (long_polling, short_ms) = {
                        let bc = c.config.load();
                        (bc.long_polling_enable, bc.short_polling_time_mills)
                    };
                    let polling_ms = if long_polling {
                        header.suspend_timeout_millis
                    } else {
                        short_ms
                    };
                    let pull_request = PullRequest {
                        request,
                        channel: channel.clone(),
                        timeout_millis: polling_ms,
                        suspend_timestamp: current_millis(),
                        pull_from_this_offset: header.queue_offset,
                        message_filter: filter,
                    };
                    c.pull_request_hold_service.suspend_pull_request(
                        &header.topic,
                        header.queue_id,
                        pull_request,
                    );
                    return None;
                }
            }
            ResponseCode::PULL_OFFSET_MOVED => {
                let role = c.message_store_config.broker_role;
                if role != BrokerRole::Slave || c.message_store_config.offset_check_in_slave {
                    tracing::warn!(
                        topic = %header.topic,
                        group_id = %header.consumer_group,
                        request_offset = header.queue_offset,
                        new_offset = result.next_begin_offset,
                        suggest_broker_id = response_header.suggest_which_broker_id,
                        "PULL_OFFSET_MOVED:correction offset"
                    );
                } else {
                    response_header.suggest_which_broker_id = sgc.broker_id;
                    code = ResponseCode::PULL_RETRY_IMMEDIATELY;
                }
            }
            _ => {}
        }
        let mut r = RemotingCommand::response_with_header(code, &response_header);
        r.remark = Some(result.status.java_name().to_string());
        Some(r)
    }
}

#[async_trait]
impl RequestProcessor for PullMessageProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        self.process(channel, request, true)
    }

    fn reject_request(&self) -> bool {
        let c = &self.ctx;
        !c.config.load().slave_read_enable
            && c.message_store_config.broker_role == BrokerRole::Slave
    }
}
