//! `MQAdminImpl`: the admin calls of the client itself (Java `client/impl/MQAdminImpl`) —
//! queue offsets, store times and message lookups by id or key. The admin client of the
//! tools, `rmq_tools::admin::DefaultMQAdminExt`, delegates these calls here, as Java's
//! `DefaultMQAdminExtImpl` does through `MQClientInstance#getMQAdminImpl`.

use crate::error::ClientError;
use crate::factory::MQClientInstance;
use rmq_common::message::message_decoder;
use rmq_common::{MessageExt, MessageQueue};
use rmq_remoting::protocol::header::broker::QueryMessageRequestHeader;
use std::sync::Arc;

/// The client's admin calls on one client instance, with one call timeout.
pub struct MQAdminImpl {
    instance: Arc<MQClientInstance>,
    timeout_millis: u64,
}

impl MQAdminImpl {
    /// Builds the admin calls of `instance`, each with `timeout_millis`.
    pub fn new(instance: Arc<MQClientInstance>, timeout_millis: u64) -> Self {
        MQAdminImpl {
            instance,
            timeout_millis,
        }
    }

    async fn addr_of(&self, mq: &MessageQueue) -> Result<String, ClientError> {
        self.instance.broker_addr_for_queue(mq).await
    }

    /// Returns the next offset to be written in a queue (`maxOffset`).
    pub async fn max_offset(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.instance
            .api()
            .get_max_offset(&addr, mq, self.timeout_millis)
            .await
    }

    /// Returns the smallest offset of a queue (`minOffset`).
    pub async fn min_offset(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.instance
            .api()
            .get_min_offset(&addr, mq, self.timeout_millis)
            .await
    }

    /// Returns the offset of the first message stored at or after `timestamp` (`searchOffset`).
    pub async fn search_offset(
        &self,
        mq: &MessageQueue,
        timestamp: i64,
    ) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.instance
            .api()
            .search_offset(&addr, mq, timestamp, self.timeout_millis)
            .await
    }

    /// Returns the store time of a queue's first message (`earliestMsgStoreTime`).
    pub async fn earliest_msg_store_time(&self, mq: &MessageQueue) -> Result<i64, ClientError> {
        let addr = self.addr_of(mq).await?;
        self.instance
            .api()
            .get_earliest_msg_storetime(&addr, mq, self.timeout_millis)
            .await
    }

    /// Returns the message with an offset message id (`viewMessage(offsetMsgId)`).
    pub async fn view_message(&self, offset_msg_id: &str) -> Result<MessageExt, ClientError> {
        let id = message_decoder::decode_message_id(offset_msg_id)?;
        self.instance
            .api()
            .view_message(&id.address.to_string(), id.offset, self.timeout_millis)
            .await
    }

    /// Asks every broker routing `topic` for the messages with `key` (a key, or the unique
    /// key when `uniq`) stored between `begin` and `end` ms (`queryMessage(.., isUniqKey)`).
    async fn query(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
        uniq: bool,
    ) -> Result<Vec<MessageExt>, ClientError> {
        let route = self
            .instance
            .api()
            .get_topic_route_info_from_name_server(topic, self.timeout_millis)
            .await?;
        let mut out = Vec::new();
        for bd in &route.broker_datas {
            let Some(addr) = bd.select_broker_addr() else {
                continue;
            };
            let h = QueryMessageRequestHeader {
                topic: topic.to_string(),
                key: key.to_string(),
                max_num,
                begin_timestamp: begin,
                end_timestamp: end,
            };
            let mut msgs = self
                .instance
                .api()
                .query_message(addr, h, uniq, self.timeout_millis)
                .await?;
            for m in &mut msgs {
                m.broker_name = bd.broker_name.clone();
            }
            out.extend(msgs.into_iter().filter(|m| {
                if uniq {
                    m.client_msg_id() == key
                } else {
                    m.keys()
                        .is_some_and(|k| message_decoder::split_keys(k).any(|x| x == key))
                }
            }));
        }
        Ok(out)
    }

    /// Returns messages of `topic` with `key` stored between `begin` and `end` ms
    /// (`queryMessage`).
    pub async fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        self.query(topic, key, max_num, begin, end, false).await
    }

    /// Returns the message with a unique id (`UNIQ_KEY`) (`queryMessageByUniqKey`,
    /// `viewMessage(topic, msgId)`).
    pub async fn query_message_by_uniq_key(
        &self,
        topic: &str,
        uniq_key: &str,
    ) -> Result<MessageExt, ClientError> {
        let msgs = self
            .query_message_by_uniq_key_list(topic, uniq_key, 32, 0, i64::MAX)
            .await?;
        msgs.into_iter().next().ok_or_else(|| {
            ClientError::client(208, "query message by key finished, but no message.")
        })
    }

    /// Returns every message of `topic` whose unique key (`UNIQ_KEY`) is `key`, from every
    /// broker routing the topic, sorted by store time (`queryMessageByUniqKey` returning the
    /// whole `QueryResult`).
    pub async fn query_message_by_uniq_key_list(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        let mut msgs = self.query(topic, key, max_num, begin, end, true).await?;
        msgs.sort_by_key(|m| m.store_timestamp);
        Ok(msgs)
    }
}
