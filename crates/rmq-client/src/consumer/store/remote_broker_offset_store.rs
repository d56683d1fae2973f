//! `RemoteBrokerOffsetStore`: CLUSTERING offsets, cached in memory and written to the
//! broker (Java `consumer/store/RemoteBrokerOffsetStore`).

use super::{read_offset_from_memory, ReadOffsetType};
use crate::error::ClientError;
use crate::factory::MQClientInstance;
use parking_lot::Mutex;
use rmq_common::{mix_all, MessageQueue};
use rmq_remoting::protocol::header::broker::{
    QueryConsumerOffsetRequestHeader, UpdateConsumerOffsetRequestHeader,
};
use rmq_remoting::ResponseCode;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Offsets stored on the broker.
pub struct RemoteBrokerOffsetStore {
    instance: Arc<MQClientInstance>,
    group_name: String,
    offset_table: Mutex<HashMap<MessageQueue, i64>>,
}

impl RemoteBrokerOffsetStore {
    /// Builds the store of a group.
    pub fn new(instance: Arc<MQClientInstance>, group_name: &str) -> Self {
        RemoteBrokerOffsetStore {
            instance,
            group_name: group_name.to_string(),
            offset_table: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn table(&self) -> &Mutex<HashMap<MessageQueue, i64>> {
        &self.offset_table
    }

    /// The broker for offsets (Java): the master, or with the master gone (after a route
    /// refresh) a slave; queries ask the master only on the first try
    /// (`first_master_only`), updates take a slave at once.
    async fn broker_addr(
        &self,
        mq: &MessageQueue,
        first_master_only: bool,
    ) -> Result<String, ClientError> {
        let inst = &self.instance;
        if let Some(a) = inst.find_broker_address_in_subscribe(
            &mq.broker_name,
            mix_all::MASTER_ID,
            first_master_only,
        ) {
            return Ok(a);
        }
        let _ = inst
            .update_topic_route_info_from_name_server(&mq.topic)
            .await;
        inst.find_broker_address_in_subscribe(&mq.broker_name, mix_all::MASTER_ID, false)
            .ok_or_else(|| {
                ClientError::client(-1, format!("The broker[{}] not exist", mq.broker_name))
            })
    }

    /// Returns a queue's offset (`readOffset`): -1 unknown, -2 when the broker failed.
    pub async fn read_offset(&self, mq: &MessageQueue, kind: ReadOffsetType) -> i64 {
        if let Some(o) = read_offset_from_memory(&self.offset_table, mq, kind) {
            return o;
        }
        match self.fetch_consume_offset_from_broker(mq).await {
            Ok(o) => {
                self.offset_table.lock().insert(mq.clone(), o);
                o
            }
            Err(ClientError::MQBrokerException { code, .. })
                if code == ResponseCode::QUERY_NOT_FOUND.0 =>
            {
                -1
            }
            Err(e) => {
                tracing::warn!(mq = %mq, error = %e, "fetchConsumeOffsetFromBroker exception");
                -2
            }
        }
    }

    async fn fetch_consume_offset_from_broker(
        &self,
        mq: &MessageQueue,
    ) -> Result<i64, ClientError> {
        let addr = self.broker_addr(mq, true).await?;
        let h = QueryConsumerOffsetRequestHeader {
            consumer_group: self.group_name.clone(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            set_zero_if_not_found: None,
        };
        self.instance
            .api()
            .query_consumer_offset(&addr, h, self.instance.api_timeout_millis())
            .await
    }

    /// Writes the offsets of `mqs` to their brokers (oneway) and forgets queues no longer
    /// owned (`persistAll`).
    pub async fn persist_all(&self, mqs: &HashSet<MessageQueue>) {
        self.persist_all_with(mqs, true).await
    }

    /// Like [`persist_all`](Self::persist_all); `oneway` false waits for each broker's
    /// answer, as a shutdown must before it closes the connections.
    pub async fn persist_all_with(&self, mqs: &HashSet<MessageQueue>, oneway: bool) {
        if mqs.is_empty() {
            return;
        }
        let snapshot: Vec<(MessageQueue, i64)> = self
            .offset_table
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let mut unused = Vec::new();
        for (mq, offset) in snapshot {
            if mqs.contains(&mq) {
                if let Err(e) = self
                    .update_consume_offset_to_broker(&mq, offset, oneway)
                    .await
                {
                    tracing::error!(mq = %mq, error = %e, "updateConsumeOffsetToBroker exception");
                }
            } else {
                unused.push(mq);
            }
        }
        let mut t = self.offset_table.lock();
        for mq in unused {
            t.remove(&mq);
            tracing::info!(mq = %mq, "remove unused mq");
        }
    }

    /// Writes one queue's offset (`persist`).
    pub async fn persist(&self, mq: &MessageQueue) {
        let offset = self.offset_table.lock().get(mq).copied();
        if let Some(o) = offset {
            if let Err(e) = self.update_consume_offset_to_broker(mq, o, true).await {
                tracing::error!(mq = %mq, error = %e, "updateConsumeOffsetToBroker exception");
            }
        }
    }

    /// Sends UPDATE_CONSUMER_OFFSET (`updateConsumeOffsetToBroker`).
    pub async fn update_consume_offset_to_broker(
        &self,
        mq: &MessageQueue,
        offset: i64,
        oneway: bool,
    ) -> Result<(), ClientError> {
        let addr = self.broker_addr(mq, false).await?;
        let h = UpdateConsumerOffsetRequestHeader {
            consumer_group: self.group_name.clone(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            commit_offset: offset,
        };
        self.instance
            .api()
            .update_consumer_offset(&addr, h, "", oneway, self.instance.api_timeout_millis())
            .await
    }
}
