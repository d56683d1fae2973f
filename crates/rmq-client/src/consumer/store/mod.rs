//! Consumer offset stores (Java `consumer/store`): on the broker for CLUSTERING, in a local
//! file for BROADCASTING.

pub mod local_file_offset_store;
pub mod remote_broker_offset_store;

pub use local_file_offset_store::LocalFileOffsetStore;
pub use remote_broker_offset_store::RemoteBrokerOffsetStore;

use crate::error::ClientError;
use crate::factory::MQClientInstance;
use parking_lot::Mutex;
use rmq_common::MessageQueue;
use rmq_remoting::protocol::body::heartbeat::MessageModel;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Where `read_offset` looks (`ReadOffsetType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOffsetType {
    /// The in-memory table only.
    ReadFromMemory,
    /// The store (broker or file), refreshing memory.
    ReadFromStore,
    /// Memory, then the store.
    MemoryFirstThenStore,
}

/// The in-memory part of `readOffset` both stores share: `Some` when `kind` lets memory
/// answer (the cached offset, or -1 for `ReadFromMemory` without one), `None` when the store
/// must be read.
fn read_offset_from_memory(
    table: &Mutex<HashMap<MessageQueue, i64>>,
    mq: &MessageQueue,
    kind: ReadOffsetType,
) -> Option<i64> {
    if kind == ReadOffsetType::ReadFromStore {
        return None;
    }
    if let Some(o) = table.lock().get(mq) {
        return Some(*o);
    }
    (kind == ReadOffsetType::ReadFromMemory).then_some(-1)
}

/// A consumer's offset store (`OffsetStore`).
pub enum OffsetStore {
    /// Offsets kept by the broker.
    Remote(RemoteBrokerOffsetStore),
    /// Offsets kept in `~/.rocketmq_offsets`.
    Local(LocalFileOffsetStore),
}

impl OffsetStore {
    /// Returns the store of a consumer group: on the broker for CLUSTERING, in the local
    /// offset directory for BROADCASTING (as `DefaultMQPushConsumerImpl#start` and
    /// `DefaultLitePullConsumerImpl#start` choose it).
    pub fn for_message_model(
        message_model: MessageModel,
        instance: &Arc<MQClientInstance>,
        group: &str,
    ) -> Self {
        match message_model {
            MessageModel::Broadcasting => OffsetStore::Local(LocalFileOffsetStore::new(
                &local_file_offset_store::local_offset_store_dir(),
                instance.client_id(),
                group,
            )),
            MessageModel::Clustering => {
                OffsetStore::Remote(RemoteBrokerOffsetStore::new(instance.clone(), group))
            }
        }
    }

    /// Loads persisted offsets (local store only).
    pub async fn load(&self) -> Result<(), ClientError> {
        match self {
            OffsetStore::Remote(_) => Ok(()),
            OffsetStore::Local(s) => s.load().await,
        }
    }

    /// Sets a queue's offset in memory; `increase_only` never moves it back.
    pub fn update_offset(&self, mq: &MessageQueue, offset: i64, increase_only: bool) {
        let table = match self {
            OffsetStore::Remote(s) => s.table(),
            OffsetStore::Local(s) => s.table(),
        };
        let mut t = table.lock();
        let e = t.entry(mq.clone()).or_insert(offset);
        if !increase_only || offset > *e {
            *e = offset;
        }
    }

    /// Returns a queue's offset: -1 when unknown, -2 when the store failed.
    pub async fn read_offset(&self, mq: &MessageQueue, kind: ReadOffsetType) -> i64 {
        match self {
            OffsetStore::Remote(s) => s.read_offset(mq, kind).await,
            OffsetStore::Local(s) => s.read_offset(mq, kind).await,
        }
    }

    /// Persists the offsets of `mqs` (`persistAll`); broker writes are oneway.
    pub async fn persist_all(&self, mqs: &HashSet<MessageQueue>) {
        match self {
            OffsetStore::Remote(s) => s.persist_all(mqs).await,
            OffsetStore::Local(s) => s.persist_all(mqs).await,
        }
    }

    /// Persists the offsets of `mqs`, waiting for the broker's answers (shutdown).
    pub async fn persist_all_and_wait(&self, mqs: &HashSet<MessageQueue>) {
        match self {
            OffsetStore::Remote(s) => s.persist_all_with(mqs, false).await,
            OffsetStore::Local(s) => s.persist_all(mqs).await,
        }
    }

    /// Persists one queue's offset (`persist`).
    pub async fn persist(&self, mq: &MessageQueue) {
        match self {
            OffsetStore::Remote(s) => s.persist(mq).await,
            OffsetStore::Local(s) => {
                let set = HashSet::from([mq.clone()]);
                s.persist_all(&set).await
            }
        }
    }

    /// Forgets a queue's offset (`removeOffset`).
    pub fn remove_offset(&self, mq: &MessageQueue) {
        match self {
            OffsetStore::Remote(s) => s.table().lock().remove(mq),
            OffsetStore::Local(s) => s.table().lock().remove(mq),
        };
    }

    /// Returns the offsets of a topic's queues, or of all when `topic` is `None`
    /// (`cloneOffsetTable`).
    pub fn clone_offset_table(&self, topic: Option<&str>) -> HashMap<MessageQueue, i64> {
        let table = match self {
            OffsetStore::Remote(s) => s.table(),
            OffsetStore::Local(s) => s.table(),
        };
        table
            .lock()
            .iter()
            .filter(|(mq, _)| topic.is_none_or(|t| mq.topic == t))
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    }

    /// Writes one queue's offset to the broker, awaited or oneway
    /// (`updateConsumeOffsetToBroker`); the local store persists its file instead.
    pub async fn update_consume_offset_to_broker(
        &self,
        mq: &MessageQueue,
        offset: i64,
        oneway: bool,
    ) -> Result<(), ClientError> {
        match self {
            OffsetStore::Remote(s) => s.update_consume_offset_to_broker(mq, offset, oneway).await,
            OffsetStore::Local(s) => {
                self.update_offset(mq, offset, false);
                s.persist_all(&HashSet::from([mq.clone()])).await;
                Ok(())
            }
        }
    }
}
