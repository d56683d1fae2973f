//! `ConsumerManageProcessor`: GET_CONSUMER_LIST_BY_GROUP, UPDATE_CONSUMER_OFFSET and
//! QUERY_CONSUMER_OFFSET (Java `broker/processor/ConsumerManageProcessor`).

use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_error::{answer, BrokerError};
use crate::client::consumer_manager::ConsumerManager;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use async_trait::async_trait;
use rmq_remoting::protocol::body::heartbeat::GetConsumerListByGroupResponseBody;
use rmq_remoting::protocol::header::broker::{
    GetConsumerListByGroupRequestHeader, QueryConsumerOffsetRequestHeader,
    QueryConsumerOffsetResponseHeader, UpdateConsumerOffsetRequestHeader,
};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use rmq_store::MessageStore;
use rmq_store::MessageStoreConfig;
use std::sync::Arc;
use std::time::Duration;

/// Longest wait of QUERY_CONSUMER_OFFSET for the dispatch of messages written before it: far
/// above the dispatch lag of a fresh topic (tens of milliseconds) and below the clients' RPC
/// timeouts (3 s in the Go client, 5 s in Java's `queryConsumerOffset`).
const DISPATCH_WAIT_MILLIS: u64 = 1000;

/// What `ConsumerManageProcessor` uses.
#[derive(Clone)]
pub struct ConsumerManageContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The message store.
    pub message_store: Arc<dyn MessageStore>,
    /// The store config the broker started with.
    pub message_store_config: Arc<MessageStoreConfig>,
    /// The topic configs.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// The committed consumer offsets.
    pub consumer_offset_manager: Arc<ConsumerOffsetManager>,
    /// The connected consumer groups.
    pub consumer_manager: Arc<ConsumerManager>,
    /// The subscription group configs.
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
}

/// The consumer management processor.
pub struct ConsumerManageProcessor {
    ctx: ConsumerManageContext,
}

impl ConsumerManageProcessor {
    /// Builds the processor.
    pub fn new(ctx: ConsumerManageContext) -> Self {
        ConsumerManageProcessor { ctx }
    }

    fn get_consumer_list_by_group(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: GetConsumerListByGroupRequestHeader = request.decode_header()?;
        match self
            .ctx
            .consumer_manager
            .get_consumer_group_info(&header.consumer_group)
        {
            Some(info) => {
                let ids = info.all_client_ids();
                if !ids.is_empty() {
                    let body = GetConsumerListByGroupResponseBody {
                        consumer_id_list: ids,
                    };
                    return Ok(RemotingCommand::success()
                        .with_body(rmq_remoting::protocol::body::encode(&body)));
                }
                tracing::warn!(group = %header.consumer_group, remote = %channel.remote_addr(), "getAllClientId failed");
            }
            None => {
                tracing::warn!(group = %header.consumer_group, remote = %channel.remote_addr(), "getConsumerGroupInfo failed");
            }
        }
        Err(BrokerError::SystemError(format!(
            "no consumer for this group, {}",
            header.consumer_group
        )))
    }

    fn update_consumer_offset(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let c = &self.ctx;
        if request.ext_field("queueId").is_none() && request.ext_field("topic").is_some() {
            let topic = request.ext_field("topic").unwrap_or_default();
            return Err(BrokerError::InvalidParameter(format!(
                "QueueId is null, topic is {topic}"
            )));
        }
        let header: UpdateConsumerOffsetRequestHeader = request.decode_header()?;
        let (topic, group) = (&header.topic, &header.consumer_group);
        if !c
            .subscription_group_manager
            .contains_subscription_group(group)
        {
            return Err(BrokerError::SubscriptionGroupNotExist(format!(
                "Group {group} not exist!"
            )));
        }
        if !c.topic_config_manager.contains_topic(topic) {
            return Err(BrokerError::TopicNotExist(format!(
                "Topic {topic} not exist!"
            )));
        }
        let offsets = &c.consumer_offset_manager;
        if c.config.load().use_server_side_reset_offset
            && offsets.has_offset_reset(topic, group, header.queue_id)
        {
            tracing::info!(
                group,
                topic,
                queue_id = header.queue_id,
                offset = header.commit_offset,
                "Update consumer offset is rejected because of previous offset-reset"
            );
            return Ok(RemotingCommand::success().with_remark("Offset has been previously reset"));
        }
        offsets.commit_offset(
            &channel.remote_addr_string(),
            group,
            topic,
            header.queue_id,
            header.commit_offset,
        );
        Ok(RemotingCommand::success())
    }

    async fn query_consumer_offset(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: QueryConsumerOffsetRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let offset = c.consumer_offset_manager.query_offset(
            &header.consumer_group,
            &header.topic,
            header.queue_id,
        );
        if offset >= 0 {
            return Ok(RemotingCommand::response_with_header(
                ResponseCode::SUCCESS,
                &QueryConsumerOffsetResponseHeader { offset },
            ));
        }
        if header.set_zero_if_not_found == Some(false) {
            return Err(BrokerError::QueryNotFound(
                "Not found, do not set to zero, maybe this group boot first".into(),
            ));
        }
        let mut from_zero = self.first_message_in_memory(&header.topic, header.queue_id);
        if !from_zero {
            // A message acknowledged before this request may still be on its way to the
            // ConsumeQueue; answering now would let the client start after it (it then asks
            // GET_MAX_OFFSET, which may already count it). See `wait_for_dispatch`.
            let written = c.message_store.get_max_phy_offset();
            if self.wait_for_dispatch(written).await {
                from_zero = self.first_message_in_memory(&header.topic, header.queue_id);
            }
        }
        if from_zero {
            Ok(RemotingCommand::response_with_header(
                ResponseCode::SUCCESS,
                &QueryConsumerOffsetResponseHeader { offset: 0 },
            ))
        } else {
            Err(BrokerError::QueryNotFound(
                "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first".into(),
            ))
        }
    }

    /// Java's test for starting a group without an offset at 0: the queue was never cleaned
    /// (`minOffset <= 0`) and its first message is still in memory.
    fn first_message_in_memory(&self, topic: &str, queue_id: i32) -> bool {
        let store = &self.ctx.message_store;
        store.get_min_offset_in_queue(topic, queue_id) <= 0
            && self.check_in_mem_by_consume_offset(topic, queue_id, 0)
    }

    /// Waits until the ReputMessageService has dispatched every record below `phy_offset` to
    /// its ConsumeQueue, for at most [`DISPATCH_WAIT_MILLIS`]. Returns whether it had to wait
    /// (so the caller looks again), false when everything was dispatched already.
    ///
    /// A send is acknowledged once its record is in the CommitLog; the ConsumeQueue unit
    /// follows within the reput's 1 ms poll, but the first unit of a new queue also creates
    /// the queue's directory and file, several milliseconds each on a loaded disk, so the
    /// units of a fresh topic can trail its acknowledged sends by tens of milliseconds. Java
    /// answers from the ConsumeQueue as it is (same window); rmq closes the window for the
    /// messages acknowledged before the query, which is what a consumer started after its
    /// producer expects.
    async fn wait_for_dispatch(&self, phy_offset: i64) -> bool {
        let store = &self.ctx.message_store;
        if store.reput_from_offset() >= phy_offset {
            return false;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_millis(DISPATCH_WAIT_MILLIS);
        while store.reput_from_offset() < phy_offset
            && !store.is_shutdown()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        true
    }

    /// Java `checkInMemByConsumeOffset(topic, queueId, offset, 1)`: the message at the queue
    /// offset exists and lies within the in-memory window of the CommitLog.
    fn check_in_mem_by_consume_offset(&self, topic: &str, queue_id: i32, offset: i64) -> bool {
        let c = &self.ctx;
        let store = &c.message_store;
        let max = store.get_max_offset_in_queue(topic, queue_id);
        let min = store.get_min_offset_in_queue(topic, queue_id);
        if offset >= max || offset < min.max(0) {
            return false;
        }
        let phy = store.get_commit_log_offset_in_queue(topic, queue_id, offset);
        let memory = rmq_store::total_physical_memory_size() as f64
            * (c.message_store_config.access_message_in_memory_max_ratio as f64 / 100.0);
        (store.get_max_phy_offset() - phy) as f64 <= memory
    }
}

#[async_trait]
impl RequestProcessor for ConsumerManageProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let r = match request.request_code() {
            RequestCode::GET_CONSUMER_LIST_BY_GROUP => {
                self.get_consumer_list_by_group(channel, &request)
            }
            RequestCode::UPDATE_CONSUMER_OFFSET => self.update_consumer_offset(channel, &request),
            RequestCode::QUERY_CONSUMER_OFFSET => self.query_consumer_offset(&request).await,
            _ => return Ok(None),
        };
        answer(r)
    }
}

#[cfg(test)]
#[path = "consumer_manage_processor_tests.rs"]
mod processor_tests;
