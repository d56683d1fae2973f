//! [`FakeStore`]: an in-memory [`MessageStore`] for processor unit tests. Records are encoded
//! as CommitLog records (properties string as given) at increasing offsets, and each
//! `topic`/queue is a list of record offsets; `put_status` makes the next puts fail.

use bytes::Bytes;
use parking_lot::Mutex;
use rmq_common::message::message_decoder::RecordFields;
use rmq_store::{
    AppendMessageResult, AppendMessageStatus, BoundaryType, GetMessageResult, GetMessageStatus,
    MessageExtBatch, MessageExtBrokerInner, MessageFilter, MessageStore, PutMessageFuture,
    PutMessageResult, PutMessageStatus, QueryMessageResult, StoreError,
};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Default)]
struct State {
    records: BTreeMap<i64, Bytes>,
    queues: HashMap<(String, i32), Vec<i64>>,
    next_phy: i64,
    put_status: Option<PutMessageStatus>,
    ha_runtime_info: Option<rmq_store::ha::HaRuntimeInfo>,
}

/// The in-memory store.
#[derive(Default)]
pub(crate) struct FakeStore {
    state: Mutex<State>,
}

impl FakeStore {
    /// Makes every following put answer `status` (without storing).
    pub(crate) fn fail_puts_with(&self, status: PutMessageStatus) {
        self.state.lock().put_status = Some(status);
    }

    /// Makes GET_BROKER_HA_STATUS find `info` (the default store runs no HA service).
    pub(crate) fn set_ha_runtime_info(&self, info: rmq_store::ha::HaRuntimeInfo) {
        self.state.lock().ha_runtime_info = Some(info);
    }

    /// Returns the stored record at a CommitLog offset.
    pub(crate) fn record(&self, phy: i64) -> Option<Bytes> {
        self.state.lock().records.get(&phy).cloned()
    }

    /// Returns the CommitLog offsets of a queue's records.
    pub(crate) fn queue(&self, topic: &str, queue_id: i32) -> Vec<i64> {
        let key = (topic.to_string(), queue_id);
        self.state
            .lock()
            .queues
            .get(&key)
            .cloned()
            .unwrap_or_default()
    }

    fn append(&self, msg: &MessageExtBrokerInner) -> PutMessageResult {
        let mut s = self.state.lock();
        if let Some(status) = s.put_status {
            return PutMessageResult::new(status, None);
        }
        let phy = s.next_phy;
        let key = (msg.topic.clone(), msg.queue_id);
        let queue_offset = s.queues.get(&key).map_or(0, |q| q.len() as i64);
        let now = rmq_common::util_all::current_millis();
        let fields = RecordFields {
            queue_id: msg.queue_id,
            flag: msg.flag,
            queue_offset,
            physical_offset: phy,
            sys_flag: msg.sys_flag,
            born_timestamp: msg.born_timestamp,
            born_host: msg.born_host,
            store_timestamp: now,
            store_host: msg.store_host,
            reconsume_times: msg.reconsume_times,
            prepared_transaction_offset: msg.prepared_transaction_offset,
            body: &msg.body,
            body_crc: 0,
            topic: msg.topic.as_bytes(),
            properties: msg.properties_string.as_bytes(),
        };
        let mut out = Vec::with_capacity(fields.encoded_len());
        fields.encode(&mut out);
        let len = out.len() as i32;
        s.records.insert(phy, Bytes::from(out));
        s.queues.entry(key).or_default().push(phy);
        s.next_phy += i64::from(len);
        let append = AppendMessageResult {
            status: AppendMessageStatus::PutOk,
            wrote_offset: phy,
            wrote_bytes: len,
            store_timestamp: now,
            logics_offset: queue_offset,
            msg_num: 1,
            page_cache_rt: 0,
            store_host: msg.store_host,
            batch_phy_offsets: Vec::new(),
        };
        PutMessageResult::new(PutMessageStatus::PutOk, Some(append))
    }
}

impl MessageStore for FakeStore {
    fn put_message(&self, msg: &MessageExtBrokerInner) -> PutMessageFuture {
        PutMessageFuture::ready(self.append(msg))
    }

    fn put_messages(&self, batch: &MessageExtBatch) -> PutMessageFuture {
        let msg = MessageExtBrokerInner {
            topic: batch.topic.clone(),
            queue_id: batch.queue_id,
            body: batch.body.clone(),
            properties_string: batch.properties_string.clone(),
            sys_flag: batch.sys_flag,
            born_timestamp: batch.born_timestamp,
            born_host: batch.born_host,
            store_host: batch.store_host,
            ..Default::default()
        };
        PutMessageFuture::ready(self.append(&msg))
    }

    fn get_message(
        &self,
        _group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_msg_nums: i32,
        _max_total_msg_size: i32,
        filter: Option<&dyn MessageFilter>,
    ) -> Option<GetMessageResult> {
        let s = self.state.lock();
        let queue = s.queues.get(&(topic.to_string(), queue_id));
        let max = queue.map_or(0, |q| q.len() as i64);
        let mut r = GetMessageResult {
            status: GetMessageStatus::NoMessageInQueue,
            next_begin_offset: offset,
            min_offset: 0,
            max_offset: max,
            message_buffers: Vec::new(),
            message_queue_offsets: Vec::new(),
            buffer_total_size: 0,
            msg_count: 0,
            suggest_pulling_from_slave: false,
            filter_message_count: 0,
        };
        let Some(queue) = queue.filter(|q| !q.is_empty()) else {
            return Some(r);
        };
        if offset >= max {
            r.status = if offset == max {
                GetMessageStatus::OffsetOverflowOne
            } else {
                GetMessageStatus::OffsetOverflowBadly
            };
            return Some(r);
        }
        r.status = GetMessageStatus::NoMatchedMessage;
        let mut next = offset.max(0);
        while next < max && r.msg_count < max_msg_nums {
            let record = s.records[&queue[next as usize]].clone();
            next += 1;
            if filter.is_some_and(|f| !f.is_matched_by_commit_log(&record)) {
                r.filter_message_count += 1;
                continue;
            }
            r.buffer_total_size += record.len() as i32;
            r.msg_count += 1;
            r.message_buffers.push(record);
            r.message_queue_offsets.push(next - 1);
            r.status = GetMessageStatus::Found;
        }
        r.next_begin_offset = next;
        Some(r)
    }

    fn get_max_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.queue(topic, queue_id).len() as i64
    }

    fn get_min_offset_in_queue(&self, _topic: &str, _queue_id: i32) -> i64 {
        0
    }

    fn get_commit_log_offset_in_queue(&self, topic: &str, queue_id: i32, queue_offset: i64) -> i64 {
        let q = self.queue(topic, queue_id);
        usize::try_from(queue_offset)
            .ok()
            .and_then(|i| q.get(i).copied())
            .unwrap_or(0)
    }

    fn get_offset_in_queue_by_time(
        &self,
        topic: &str,
        queue_id: i32,
        _timestamp: i64,
        _boundary: BoundaryType,
    ) -> i64 {
        self.get_max_offset_in_queue(topic, queue_id)
    }

    fn get_earliest_message_time(&self, _topic: &str, _queue_id: i32) -> i64 {
        -1
    }

    fn get_message_store_timestamp(&self, _topic: &str, _queue_id: i32, _offset: i64) -> i64 {
        -1
    }

    fn get_message_total_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.get_max_offset_in_queue(topic, queue_id)
    }

    fn look_message_by_offset(&self, phy_offset: i64) -> Option<rmq_common::message::MessageExt> {
        let record = self.record(phy_offset)?;
        let options = rmq_common::message::message_decoder::DecodeOptions {
            read_body: true,
            decompress_body: false,
        };
        rmq_common::message::message_decoder::decode(&record, options)
            .ok()
            .map(|(m, _)| m)
    }

    fn select_one_message_by_offset(&self, phy_offset: i64) -> Option<Bytes> {
        self.record(phy_offset)
    }

    fn query_message(
        &self,
        _topic: &str,
        _key: &str,
        _max_num: i32,
        _begin: i64,
        _end: i64,
    ) -> QueryMessageResult {
        QueryMessageResult::default()
    }

    fn get_max_phy_offset(&self) -> i64 {
        self.state.lock().next_phy
    }

    fn get_min_phy_offset(&self) -> i64 {
        0
    }

    fn get_earliest_message_time_of_store(&self) -> i64 {
        -1
    }

    fn now(&self) -> i64 {
        rmq_common::util_all::current_millis()
    }

    fn delete_topics(&self, topics: &[String]) -> usize {
        let mut s = self.state.lock();
        let before = s.queues.len();
        s.queues.retain(|(t, _), _| !topics.contains(t));
        before - s.queues.len()
    }

    fn clean_unused_topic(&self, keep: &HashSet<String>) -> usize {
        let mut s = self.state.lock();
        let before = s.queues.len();
        s.queues.retain(|(t, _), _| keep.contains(t));
        before - s.queues.len()
    }

    fn get_commit_log_data(&self, _offset: i64) -> Option<Bytes> {
        None
    }

    fn append_to_commit_log(&self, _start: i64, _data: &[u8]) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn get_runtime_info(&self) -> HashMap<String, String> {
        HashMap::new()
    }

    fn is_shutdown(&self) -> bool {
        false
    }

    fn reput_from_offset(&self) -> i64 {
        self.get_max_phy_offset()
    }

    fn dispatch_behind_bytes(&self) -> i64 {
        0
    }

    fn flush_behind_bytes(&self) -> i64 {
        0
    }

    fn lock_time_mills(&self) -> i64 {
        0
    }

    fn is_os_page_cache_busy(&self) -> bool {
        false
    }

    fn ha_runtime_info(&self) -> Option<rmq_store::ha::HaRuntimeInfo> {
        self.state.lock().ha_runtime_info.clone()
    }
}
