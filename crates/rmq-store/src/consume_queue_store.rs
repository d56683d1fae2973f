//! `ConsumeQueueStore`: the table of ConsumeQueues by topic and queue id (Java
//! `queue/ConsumeQueueStore`).

use crate::consume_queue::ConsumeQueue;
use crate::file_system::FileSystem;
use crate::store_error::StoreError;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

type QueueTable = HashMap<String, HashMap<i32, Arc<ConsumeQueue>>>;

/// All ConsumeQueues.
pub(crate) struct ConsumeQueueStore {
    root: PathBuf,
    file_size: usize,
    table: RwLock<QueueTable>,
    fs: Arc<dyn FileSystem>,
}

impl ConsumeQueueStore {
    pub(crate) fn new(root: PathBuf, file_size: usize, fs: Arc<dyn FileSystem>) -> Self {
        ConsumeQueueStore {
            root,
            file_size,
            table: RwLock::new(HashMap::new()),
            fs,
        }
    }

    /// Loads `consumequeue/<topic>/<queueId>/` (Java `loadConsumeQueues`).
    pub(crate) fn load(&self) -> Result<(), StoreError> {
        let topics = match std::fs::read_dir(&self.root) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io(&self.root, e)),
        };
        let mut table = self.table.write();
        for t in topics.flatten() {
            let tp = t.path();
            if !tp.is_dir() {
                continue;
            }
            let topic = t.file_name().to_string_lossy().into_owned();
            let Ok(qs) = std::fs::read_dir(&tp) else {
                continue;
            };
            for q in qs.flatten() {
                let Ok(queue_id) = q.file_name().to_string_lossy().parse::<i32>() else {
                    continue;
                };
                let cq = Arc::new(ConsumeQueue::new(
                    &self.root,
                    &topic,
                    queue_id,
                    self.file_size,
                    self.fs.clone(),
                ));
                cq.load()?;
                table.entry(topic.clone()).or_default().insert(queue_id, cq);
            }
        }
        Ok(())
    }

    /// Returns the queue if it exists.
    pub(crate) fn find(&self, topic: &str, queue_id: i32) -> Option<Arc<ConsumeQueue>> {
        self.table.read().get(topic)?.get(&queue_id).cloned()
    }

    /// Returns the queue, creating an empty one (Java `findOrCreateConsumeQueue`).
    pub(crate) fn find_or_create(&self, topic: &str, queue_id: i32) -> Arc<ConsumeQueue> {
        if let Some(q) = self.find(topic, queue_id) {
            return q;
        }
        let mut table = self.table.write();
        table
            .entry(topic.to_string())
            .or_default()
            .entry(queue_id)
            .or_insert_with(|| {
                Arc::new(ConsumeQueue::new(
                    &self.root,
                    topic,
                    queue_id,
                    self.file_size,
                    self.fs.clone(),
                ))
            })
            .clone()
    }

    /// Returns every queue.
    pub(crate) fn all(&self) -> Vec<Arc<ConsumeQueue>> {
        self.table
            .read()
            .values()
            .flat_map(|m| m.values().cloned())
            .collect()
    }

    pub(crate) fn topics(&self) -> Vec<String> {
        self.table.read().keys().cloned().collect()
    }

    pub(crate) fn recover(&self) {
        for q in self.all() {
            q.recover();
        }
    }

    /// Returns the largest `offset + size` any queue references, or -1.
    pub(crate) fn max_phy_offset_in_consume_queue(&self) -> i64 {
        self.all()
            .iter()
            .map(|q| q.max_physic_offset())
            .max()
            .unwrap_or(-1)
    }

    /// Drops units at or beyond `phy_offset` in every queue.
    pub(crate) fn truncate_dirty(&self, phy_offset: i64) {
        for q in self.all() {
            q.truncate_dirty_logic_files(phy_offset);
        }
    }

    /// Rebuilds the next-offset table from the queues and corrects min offsets (Java
    /// `recoverOffsetTable`).
    pub(crate) fn recover_offset_table(
        &self,
        min_phy_offset: i64,
    ) -> HashMap<String, HashMap<i32, i64>> {
        let mut out: HashMap<String, HashMap<i32, i64>> = HashMap::new();
        for q in self.all() {
            out.entry(q.topic().to_string())
                .or_default()
                .insert(q.queue_id(), q.max_offset_in_queue());
            q.correct_min_offset(min_phy_offset);
        }
        out
    }

    /// Deletes every queue's files.
    pub(crate) fn destroy_all(&self) {
        for q in self.all() {
            q.destroy();
        }
        self.table.write().clear();
    }

    /// Removes a topic's queues and deletes their files; returns whether it existed.
    pub(crate) fn delete_topic(&self, topic: &str) -> bool {
        let removed = self.table.write().remove(topic);
        match removed {
            Some(qs) => {
                for q in qs.values() {
                    q.destroy();
                }
                let _ = std::fs::remove_dir(self.root.join(topic));
                true
            }
            None => false,
        }
    }
}
