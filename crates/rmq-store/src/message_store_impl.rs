//! [`MessageStore`] for [`DefaultMessageStore`] (Java `DefaultMessageStore`'s `MessageStore`
//! methods): puts go to the CommitLog and the flush services, pulls to the
//! `GetMessageService`, lookups to the ConsumeQueues, the index and the CommitLog.

use crate::default_message_store::DefaultMessageStore;
use crate::file_system::disk_partition_space_used_percent;
use crate::get_message_result::{
    BoundaryType, GetMessageResult, MessageFilter, QueryMessageResult,
};
use crate::get_message_service::GetRequest;
use crate::ha::HaRuntimeInfo;
use crate::message_ext_broker_inner::{MessageExtBatch, MessageExtBrokerInner};
use crate::message_store::MessageStore;
use crate::put_message_result::{PutMessageFuture, PutMessageResult};
use crate::store_error::StoreError;
use crate::store_util::human_readable_byte_count;
use bytes::Bytes;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_common::util_all::current_millis;
use rmq_common::MessageExt;
use std::collections::{HashMap, HashSet};

impl MessageStore for DefaultMessageStore {
    fn put_message(&self, msg: &MessageExtBrokerInner) -> PutMessageFuture {
        if let Some(s) = self
            .check_put(&msg.topic)
            .or_else(|| self.check_in_sync_replicas(msg.is_wait_store_msg_ok()))
        {
            return PutMessageFuture::ready(PutMessageResult::new(s, None));
        }
        let begin = current_millis();
        let r = self.commit_log.append_message(msg);
        self.finish_put(r, msg.is_wait_store_msg_ok(), begin)
    }

    fn put_messages(&self, batch: &MessageExtBatch) -> PutMessageFuture {
        if let Some(s) = self
            .check_put(&batch.topic)
            .or_else(|| self.check_in_sync_replicas(batch.is_wait_store_msg_ok()))
        {
            return PutMessageFuture::ready(PutMessageResult::new(s, None));
        }
        let begin = current_millis();
        let r = self.commit_log.append_messages(batch);
        self.finish_put(r, batch.is_wait_store_msg_ok(), begin)
    }

    fn get_message(
        &self,
        _group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_msg_nums: i32,
        max_total_msg_size: i32,
        filter: Option<&dyn MessageFilter>,
    ) -> Option<GetMessageResult> {
        if self.is_shutdown() && self.started() || !self.running_flags().is_readable() {
            return None;
        }
        Some(self.get_service.get_message(&GetRequest {
            topic,
            queue_id,
            offset,
            max_msg_nums,
            max_total_msg_size,
            filter,
        }))
    }

    fn get_max_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .map(|q| q.max_offset_in_queue())
            .unwrap_or(0)
    }

    fn get_min_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        // Java creates the queue on lookup, so a queue never written to reports 0.
        self.cq_store
            .find(topic, queue_id)
            .map(|q| q.min_offset_in_queue())
            .unwrap_or(0)
    }

    fn get_commit_log_offset_in_queue(&self, topic: &str, queue_id: i32, queue_offset: i64) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .and_then(|q| q.get(queue_offset))
            .map(|u| u.pos)
            .unwrap_or(0)
    }

    fn get_offset_in_queue_by_time(
        &self,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        boundary: BoundaryType,
    ) -> i64 {
        let Some(cq) = self.cq_store.find(topic, queue_id) else {
            return 0;
        };
        let off = cq.offset_in_queue_by_time(timestamp, boundary, &self.commit_log);
        off.max(cq.min_offset_in_queue())
            .min(cq.max_offset_in_queue())
    }

    fn get_earliest_message_time(&self, topic: &str, queue_id: i32) -> i64 {
        let Some(cq) = self.cq_store.find(topic, queue_id) else {
            return -1;
        };
        cq.get(cq.min_offset_in_queue())
            .map(|u| self.commit_log.pickup_store_timestamp(u.pos, u.size))
            .unwrap_or(-1)
    }

    fn get_message_store_timestamp(&self, topic: &str, queue_id: i32, queue_offset: i64) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .and_then(|q| q.get(queue_offset))
            .map(|u| self.commit_log.pickup_store_timestamp(u.pos, u.size))
            .unwrap_or(-1)
    }

    fn get_message_total_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.cq_store
            .find(topic, queue_id)
            .map(|q| q.max_offset_in_queue() - q.min_offset_in_queue())
            .unwrap_or(0)
    }

    fn look_message_by_offset(&self, phy_offset: i64) -> Option<MessageExt> {
        let buf = self.commit_log.select_one_message(phy_offset)?;
        match decode(
            &buf,
            DecodeOptions {
                read_body: true,
                decompress_body: false,
            },
        ) {
            Ok((m, _)) => Some(m),
            Err(e) => {
                tracing::warn!(phy_offset, error = %e, "corrupt message");
                None
            }
        }
    }

    fn select_one_message_by_offset(&self, phy_offset: i64) -> Option<Bytes> {
        self.commit_log.select_one_message(phy_offset)
    }

    fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> QueryMessageResult {
        let mut result = QueryMessageResult::default();
        let mut last_query_msg_time = end;
        let max_phy = self.commit_log.max_offset();
        for _ in 0..3 {
            let (mut offsets, last_ts, last_phy) = self.index_service.query_offset(
                topic,
                key,
                max_num.max(0) as usize,
                begin,
                last_query_msg_time,
            );
            if offsets.is_empty() {
                break;
            }
            offsets.sort_unstable();
            result.index_last_update_phyoffset = last_phy;
            result.index_last_update_timestamp = last_ts;
            for (m, off) in offsets.iter().enumerate() {
                // Entries may outlive a truncated CommitLog tail: only return records that exist.
                if *off >= max_phy {
                    continue;
                }
                let Some(buf) = self.commit_log.select_one_message(*off) else {
                    continue;
                };
                if m == 0 {
                    last_query_msg_time = self
                        .commit_log
                        .pickup_store_timestamp(*off, buf.len() as i32);
                }
                result.buffer_total_size += buf.len() as i32;
                result.message_buffers.push(buf);
            }
            if result.buffer_total_size > 0 || last_query_msg_time < begin {
                break;
            }
        }
        result
    }

    fn get_max_phy_offset(&self) -> i64 {
        self.commit_log.max_offset()
    }

    fn get_min_phy_offset(&self) -> i64 {
        self.commit_log.min_offset()
    }

    fn get_earliest_message_time_of_store(&self) -> i64 {
        let min = self.commit_log.min_offset();
        match self.commit_log.select_one_message(min) {
            Some(b) => self.commit_log.pickup_store_timestamp(min, b.len() as i32),
            None => -1,
        }
    }

    fn now(&self) -> i64 {
        current_millis()
    }

    fn delete_topics(&self, topics: &[String]) -> usize {
        let mut n = 0;
        for t in topics {
            if self.cq_store.delete_topic(t) {
                self.commit_log.remove_topic_queue_table(t);
                tracing::info!(topic = %t, "DeleteTopic: topic has been destroyed");
                n += 1;
            }
        }
        n
    }

    fn clean_unused_topic(&self, keep: &HashSet<String>) -> usize {
        let victims: Vec<String> = self
            .cq_store
            .topics()
            .into_iter()
            .filter(|t| !keep.contains(t) && !is_system_topic(t))
            .collect();
        self.delete_topics(&victims)
    }

    fn get_commit_log_data(&self, offset: i64) -> Option<Bytes> {
        if self.is_shutdown() && self.started() {
            return None;
        }
        self.commit_log.get_data(offset)
    }

    fn append_to_commit_log(&self, start_offset: i64, data: &[u8]) -> Result<bool, StoreError> {
        if self.is_shutdown() && self.started() {
            return Err(StoreError::Shutdown);
        }
        Ok(self.commit_log.append_data(start_offset, data))
    }

    fn get_runtime_info(&self) -> HashMap<String, String> {
        let mut m = self.stats.runtime_info();
        let cl_path = self.config.commit_log_store_path();
        let physic = disk_partition_space_used_percent(&cl_path);
        m.insert(
            format!("commitLogDiskRatio_{}", cl_path.display()),
            physic.to_string(),
        );
        m.insert("commitLogDiskRatio".into(), physic.to_string());
        let logics = disk_partition_space_used_percent(&self.config.consume_queue_store_path());
        m.insert("consumeQueueDiskRatio".into(), logics.to_string());
        m.insert(
            "commitLogMinOffset".into(),
            self.commit_log.min_offset().to_string(),
        );
        m.insert(
            "commitLogMaxOffset".into(),
            self.commit_log.max_offset().to_string(),
        );
        // Java: `File(storePathRootDir)` total and free (not usable) space.
        let root = std::path::Path::new(&self.config.store_path_root_dir);
        if let Ok(space) = self.fs.disk_space(root) {
            m.insert(
                "commitLogDirCapacity".into(),
                format!(
                    "Total : {}, Free : {}.",
                    human_readable_byte_count(space.total as i64),
                    human_readable_byte_count(space.free as i64)
                ),
            );
        }
        m.insert(
            "dispatchBehindBytes".into(),
            self.dispatch_behind_bytes().to_string(),
        );
        m.insert(
            "pageCacheLockTimeMills".into(),
            self.lock_time_mills().to_string(),
        );
        m
    }

    fn is_shutdown(&self) -> bool {
        DefaultMessageStore::is_shutdown(self)
    }

    fn reput_from_offset(&self) -> i64 {
        DefaultMessageStore::reput_from_offset(self)
    }

    fn dispatch_behind_bytes(&self) -> i64 {
        DefaultMessageStore::dispatch_behind_bytes(self)
    }

    fn flush_behind_bytes(&self) -> i64 {
        DefaultMessageStore::flush_behind_bytes(self)
    }

    fn lock_time_mills(&self) -> i64 {
        DefaultMessageStore::lock_time_mills(self)
    }

    fn is_os_page_cache_busy(&self) -> bool {
        DefaultMessageStore::is_os_page_cache_busy(self)
    }

    fn ha_runtime_info(&self) -> Option<HaRuntimeInfo> {
        if let Some(svc) = self.autoswitch_ha() {
            return Some(svc.runtime_info(self.commit_log.max_offset()));
        }
        self.ha
            .get()
            .map(|ha| ha.runtime_info(self.commit_log.max_offset()))
    }

    fn update_ha_master_address(&self, addr: &str) {
        if let Some(svc) = self.autoswitch_ha() {
            svc.update_ha_master_address(addr);
        }
        if let Some(ha) = self.ha.get() {
            ha.update_ha_master_address(addr);
        }
    }

    fn update_master_address(&self, addr: &str) {
        if let Some(ha) = self.ha.get() {
            ha.update_master_address(addr);
        }
    }

    fn ha_listen_port(&self) -> Option<u16> {
        if let Some(svc) = self.autoswitch_ha() {
            return svc.port();
        }
        self.ha.get().and_then(|ha| ha.port())
    }

    fn slave_fall_behind_much(&self) -> i64 {
        if let Some(svc) = self.autoswitch_ha() {
            return self.commit_log.max_offset() - svc.push2slave_max_offset();
        }
        match self.ha.get() {
            Some(ha) => self.commit_log.max_offset() - ha.push2slave_max_offset(),
            None => 0,
        }
    }

    fn ha_connection_count(&self) -> usize {
        if let Some(svc) = self.autoswitch_ha() {
            return svc.connection_count();
        }
        self.ha.get().map_or(0, |ha| ha.connection_count())
    }
}

/// System topics that `clean_unused_topic` keeps (subset of Java `TopicValidator`).
fn is_system_topic(t: &str) -> bool {
    t.starts_with("rmq_sys_")
        || matches!(
            t,
            "SCHEDULE_TOPIC_XXXX"
                | "TBW102"
                | "BenchmarkTest"
                | "OFFSET_MOVED_EVENT"
                | "RMQ_SYS_TRANS_HALF_TOPIC"
                | "RMQ_SYS_TRACE_TOPIC"
                | "RMQ_SYS_TRANS_OP_HALF_TOPIC"
                | "TRANS_CHECK_MAX_TIME_TOPIC"
                | "SELF_TEST_TOPIC"
        )
}
