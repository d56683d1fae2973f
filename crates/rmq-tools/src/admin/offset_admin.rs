//! Offset calls of `DefaultMQAdminExtImpl`: `maxOffset`, `minOffset`, `searchOffset` and
//! `earliestMsgStoreTime` (delegated to the client's `MQAdminImpl`), the per-broker
//! `searchOffset`, `updateConsumeOffset`, `queryConsumerOffset` and the broker-driven
//! `resetOffsetByTimestamp`.

use super::DefaultMQAdminExt;
use rmq_client::ClientError;
use rmq_common::MessageQueue;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use rmq_remoting::protocol::header::broker::{
    QueryConsumerOffsetRequestHeader, ResetOffsetRequestHeader, UpdateConsumerOffsetRequestHeader,
};
use std::collections::HashMap;

impl DefaultMQAdminExt {
    /// Returns the next offset to be written in a queue (`maxOffset`).
    pub async fn max_offset(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        self.mq_admin_impl()?.max_offset(mq).await
    }

    /// Returns the smallest offset of a queue (`minOffset`).
    pub async fn min_offset(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        self.mq_admin_impl()?.min_offset(mq).await
    }

    /// Returns the offset of the first message stored at or after `timestamp` (`searchOffset`).
    pub async fn search_offset(
        &self,
        mq: &MessageQueue,
        timestamp: i64,
    ) -> Result<i64, ClientError> {
        self.mq_admin_impl()?.search_offset(mq, timestamp).await
    }

    /// Returns the store time of a queue's first message (`earliestMsgStoreTime`).
    pub async fn earliest_msg_store_time(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        self.mq_admin_impl()?.earliest_msg_store_time(mq).await
    }

    /// Returns the offset of the first message stored at or after `timestamp` in a queue of one
    /// broker, with boundary `LOWER` (`searchOffset(brokerAddr, topic, queueId, timestamp,
    /// timeoutMillis)`).
    pub async fn search_offset_in_broker(
        &self,
        broker_addr: &str,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        let mq = MessageQueue::new(topic, "", queue_id);
        self.instance()?
            .api()
            .search_offset_with_boundary(broker_addr, &mq, timestamp, Some("LOWER"), timeout_millis)
            .await
    }

    /// Writes a consumer group's offset of a queue on one broker (`updateConsumeOffset`).
    pub async fn update_consumer_offset(
        &self,
        broker_addr: &str,
        group: &str,
        mq: &MessageQueue,
        offset: i64,
    ) -> Result<(), ClientError> {
        let h = UpdateConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            commit_offset: offset,
        };
        self.instance()?
            .api()
            .update_consumer_offset(broker_addr, h, &mq.broker_name, false, self.timeout_millis)
            .await
    }

    /// Returns the consumer group's committed offset of a queue; -1 if none.
    pub async fn query_consumer_offset(
        &self,
        group: &str,
        mq: &MessageQueue,
    ) -> Result<i64, ClientError> {
        let inst = self.instance()?;
        let addr = inst.broker_addr_for_queue(mq).await?;
        let h = QueryConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            set_zero_if_not_found: Some(false),
        };
        match inst
            .api()
            .query_consumer_offset(&addr, h, self.timeout_millis)
            .await
        {
            Ok(o) => Ok(o),
            Err(ClientError::MQBrokerException { code: 22, .. }) => Ok(-1),
            Err(e) => Err(e),
        }
    }

    /// Moves a group's offsets of a topic to `timestamp` on every broker
    /// (`resetOffsetByTimestamp`); returns the new offsets.
    pub async fn reset_offset_by_timestamp(
        &self,
        topic: &str,
        group: &str,
        timestamp: i64,
        is_force: bool,
    ) -> Result<HashMap<MessageQueue, i64>, ClientError> {
        let route = self.examine_topic_route_info(topic).await?;
        let mut out = HashMap::new();
        for bd in &route.broker_datas {
            let Some(addr) = bd.master_addr() else {
                continue;
            };
            let h = ResetOffsetRequestHeader {
                group: group.to_string(),
                topic: topic.to_string(),
                queue_id: Some(-1),
                offset: Some(-1),
                timestamp,
                is_force,
            };
            let resp = self
                .instance()?
                .api()
                .invoke_broker_to_reset_offset(addr, &h, false, self.timeout_millis)
                .await?;
            let resp = rmq_client::internal::expect_success(resp, addr)?;
            if !resp.body.is_empty() {
                let b: ResetOffsetBody = decode(&resp.body)?;
                out.extend(b.offset_table);
            }
        }
        Ok(out)
    }
}
