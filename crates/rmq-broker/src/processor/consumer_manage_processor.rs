//! `ConsumerManageProcessor`: GET_CONSUMER_LIST_BY_GROUP, UPDATE_CONSUMER_OFFSET and
//! QUERY_CONSUMER_OFFSET (Java `broker/processor/ConsumerManageProcessor`).

use crate::broker_controller::BrokerController;
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
use std::sync::Arc;

/// The consumer management processor.
pub struct ConsumerManageProcessor {
    controller: Arc<BrokerController>,
}

impl ConsumerManageProcessor {
    /// Builds the processor.
    pub fn new(controller: Arc<BrokerController>) -> Self {
        ConsumerManageProcessor { controller }
    }

    fn get_consumer_list_by_group(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: GetConsumerListByGroupRequestHeader = request.decode_header()?;
        match self
            .controller
            .consumer_manager()
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
        Ok(RemotingCommand::error(
            ResponseCode::SYSTEM_ERROR,
            format!("no consumer for this group, {}", header.consumer_group),
        ))
    }

    fn update_consumer_offset(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let c = &self.controller;
        if request.ext_field("queueId").is_none() && request.ext_field("topic").is_some() {
            let topic = request.ext_field("topic").unwrap_or_default();
            return Ok(RemotingCommand::error(
                ResponseCode::INVALID_PARAMETER,
                format!("QueueId is null, topic is {topic}"),
            ));
        }
        let header: UpdateConsumerOffsetRequestHeader = request.decode_header()?;
        let (topic, group) = (&header.topic, &header.consumer_group);
        if !c
            .subscription_group_manager()
            .contains_subscription_group(group)
        {
            return Ok(RemotingCommand::error(
                ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!("Group {group} not exist!"),
            ));
        }
        if !c.topic_config_manager().contains_topic(topic) {
            return Ok(RemotingCommand::error(
                ResponseCode::TOPIC_NOT_EXIST,
                format!("Topic {topic} not exist!"),
            ));
        }
        let offsets = c.consumer_offset_manager();
        if c.broker_config().read().use_server_side_reset_offset
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

    fn query_consumer_offset(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: QueryConsumerOffsetRequestHeader = request.decode_header()?;
        let c = &self.controller;
        let offset = c.consumer_offset_manager().query_offset(
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
        let store = c.message_store();
        let min_offset = store.get_min_offset_in_queue(&header.topic, header.queue_id);
        if header.set_zero_if_not_found == Some(false) {
            Ok(RemotingCommand::error(
                ResponseCode::QUERY_NOT_FOUND,
                "Not found, do not set to zero, maybe this group boot first",
            ))
        } else if min_offset <= 0
            && self.check_in_mem_by_consume_offset(&header.topic, header.queue_id, 0)
        {
            Ok(RemotingCommand::response_with_header(
                ResponseCode::SUCCESS,
                &QueryConsumerOffsetResponseHeader { offset: 0 },
            ))
        } else {
            Ok(RemotingCommand::error(
                ResponseCode::QUERY_NOT_FOUND,
                "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first",
            ))
        }
    }

    /// Java `checkInMemByConsumeOffset(topic, queueId, offset, 1)`: the message at the queue
    /// offset exists and lies within the in-memory window of the CommitLog.
    fn check_in_mem_by_consume_offset(&self, topic: &str, queue_id: i32, offset: i64) -> bool {
        let c = &self.controller;
        let store = c.message_store();
        let max = store.get_max_offset_in_queue(topic, queue_id);
        let min = store.get_min_offset_in_queue(topic, queue_id);
        if offset >= max || offset < min.max(0) {
            return false;
        }
        let phy = store.get_commit_log_offset_in_queue(topic, queue_id, offset);
        let memory = rmq_store::total_physical_memory_size() as f64
            * (c.message_store_config().access_message_in_memory_max_ratio as f64 / 100.0);
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
                self.get_consumer_list_by_group(channel, &request)?
            }
            RequestCode::UPDATE_CONSUMER_OFFSET => {
                self.update_consumer_offset(channel, &request)?
            }
            RequestCode::QUERY_CONSUMER_OFFSET => self.query_consumer_offset(&request)?,
            _ => return Ok(None),
        };
        Ok(Some(r))
    }
}
