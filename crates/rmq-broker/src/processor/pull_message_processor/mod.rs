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

mod checks;
mod handle;
#[cfg(test)]
mod processor_tests;

use crate::broker_config::BrokerConfig;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::{answer, BrokerError};
use crate::client::consumer_manager::ConsumerManager;
use crate::filter::consumer_filter_manager::ConsumerFilterManager;
use crate::filter::expression_for_retry_message_filter::ExpressionForRetryMessageFilter;
use crate::filter::expression_message_filter::ExpressionMessageFilter;
use crate::filter::BrokerMessageFilter;
use crate::longpolling::pull_request_hold_service::PullRequestHoldService;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use async_trait::async_trait;
use handle::PullOutcome;
use rmq_remoting::protocol::header::broker::PullMessageRequestHeader;
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestProcessor, ResponseCode};
use rmq_store::{GetMessageResult, GetMessageStatus, MessageStore, MessageStoreConfig};
use std::sync::Arc;

/// Java `ForbiddenType` values.
pub(crate) mod forbidden_type {
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
    /// The broker's role now (controller mode changes it at run time).
    pub role: Arc<rmq_store::RoleState>,
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
        // One config snapshot for the whole request.
        let bc = self.ctx.config.load();
        match self.pull(&bc, channel, request, broker_allow_suspend) {
            Ok(r) => Ok(r),
            Err(e) => answer(Err(e)),
        }
    }

    fn pull(
        &self,
        bc: &BrokerConfig,
        channel: &Channel,
        request: RemotingCommand,
        broker_allow_suspend: bool,
    ) -> Result<Option<RemotingCommand>, BrokerError> {
        let header: PullMessageRequestHeader = request.decode_header()?;
        let (sgc, topic_config) = self.check_pull(bc, channel, request.request_code(), &header)?;
        let (subscription_data, consumer_filter_data) = self.subscription(bc, &header, &sgc)?;
        let expression_filter =
            ExpressionMessageFilter::new(Some(subscription_data), consumer_filter_data);
        let filter: Arc<dyn BrokerMessageFilter> = if bc.filter_support_retry {
            Arc::new(ExpressionForRetryMessageFilter::new(
                expression_filter,
                self.ctx.consumer_filter_manager.clone(),
            ))
        } else {
            Arc::new(expression_filter)
        };
        let result = self.get_message(bc, &header, filter.as_ref())?;
        let outcome = PullOutcome {
            result,
            request,
            header: &header,
            channel,
            sgc: &sgc,
            topic_sys_flag: topic_config.topic_sys_flag,
            broker_allow_suspend,
            filter,
        };
        Ok(self.handle(bc, outcome))
    }

    /// Reads the queue, or answers an offset reset the server side keeps for the group.
    fn get_message(
        &self,
        bc: &BrokerConfig,
        header: &PullMessageRequestHeader,
        filter: &dyn BrokerMessageFilter,
    ) -> Result<GetMessageResult, BrokerError> {
        let c = &self.ctx;
        let store = &c.message_store;
        let reset = c.consumer_offset_manager.query_then_erase_reset_offset(
            &header.topic,
            &header.consumer_group,
            header.queue_id,
        );
        if let Some(offset) = reset.filter(|_| bc.use_server_side_reset_offset) {
            return Ok(GetMessageResult {
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
            });
        }
        store
            .get_message(
                &header.consumer_group,
                &header.topic,
                header.queue_id,
                header.queue_offset,
                header.max_msg_nums,
                i32::MAX,
                Some(filter.as_message_filter()),
            )
            .ok_or_else(|| BrokerError::SystemError("store getMessage return null".into()))
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
        !c.config.load().slave_read_enable && c.role.is_slave()
    }
}
