//! `PullAPIWrapper`: sends PULL_MESSAGE to the right broker and post-processes the answer —
//! client-side tag filtering, `MIN_OFFSET`/`MAX_OFFSET` properties, broker names and
//! transaction ids (Java `impl/consumer/PullAPIWrapper`).

use super::pull_result::{PullResult, PullStatus};
use crate::error::ClientError;
use crate::factory::MQClientInstance;
use parking_lot::Mutex;
use rmq_common::message::message_const::*;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::{mix_all, MessageQueue};
use rmq_remoting::protocol::body::heartbeat::SubscriptionData;
use rmq_remoting::protocol::header::broker::PullMessageRequestHeader;
use std::collections::HashMap;
use std::sync::Arc;

/// One pull's parameters (`pullKernelImpl` arguments).
#[derive(Debug, Clone)]
pub struct PullRequestArgs {
    /// The queue.
    pub mq: MessageQueue,
    /// The expression, sent only when the subscription flag is set.
    pub sub_expression: Option<String>,
    /// `TAG` or `SQL92`.
    pub expression_type: String,
    /// The subscription version the broker checks against the heartbeat's.
    pub sub_version: i64,
    /// Offset to pull from.
    pub offset: i64,
    /// At most this many messages.
    pub max_nums: i32,
    /// `PullSysFlag` bits.
    pub sys_flag: i32,
    /// The offset to commit with the pull (when the commit flag is set).
    pub commit_offset: i64,
    /// How long the broker may hold the pull.
    pub broker_suspend_max_time_millis: i64,
    /// How long the client waits.
    pub timeout_millis: u64,
}

/// Pull helper of one consumer group.
pub struct PullAPIWrapper {
    instance: Arc<MQClientInstance>,
    consumer_group: String,
    pull_from_which_node_table: Mutex<HashMap<MessageQueue, u64>>,
}

impl PullAPIWrapper {
    /// Builds the wrapper of a group.
    pub fn new(instance: Arc<MQClientInstance>, consumer_group: &str) -> Self {
        PullAPIWrapper {
            instance,
            consumer_group: consumer_group.to_string(),
            pull_from_which_node_table: Mutex::new(HashMap::new()),
        }
    }

    /// Sends the pull (`pullKernelImpl`).
    pub async fn pull_kernel_impl(&self, a: PullRequestArgs) -> Result<PullResult, ClientError> {
        let broker_id = self
            .pull_from_which_node_table
            .lock()
            .get(&a.mq)
            .copied()
            .unwrap_or(mix_all::MASTER_ID);
        let mut found = self
            .instance
            .find_broker_in_subscribe(&a.mq.broker_name, broker_id, false);
        if found.is_none() {
            let _ = self
                .instance
                .update_topic_route_info_from_name_server(&a.mq.topic)
                .await;
            found = self
                .instance
                .find_broker_in_subscribe(&a.mq.broker_name, broker_id, false);
        }
        let Some((addr, is_slave)) = found else {
            return Err(ClientError::client(
                -1,
                format!("The broker[{}] not exist", a.mq.broker_name),
            ));
        };
        let header = PullMessageRequestHeader {
            consumer_group: self.consumer_group.clone(),
            topic: a.mq.topic.clone(),
            queue_id: a.mq.queue_id,
            queue_offset: a.offset,
            max_msg_nums: a.max_nums,
            // A slave does not take commit offsets from pulls (Java clears the flag).
            sys_flag: if is_slave {
                a.sys_flag & !pull_sys_flag::FLAG_COMMIT_OFFSET
            } else {
                a.sys_flag
            },
            commit_offset: a.commit_offset,
            suspend_timeout_millis: a.broker_suspend_max_time_millis,
            subscription: a.sub_expression.clone(),
            sub_version: a.sub_version,
            expression_type: Some(a.expression_type.clone()),
            max_msg_bytes: None,
            request_source: None,
            proxy_froward_client_id: None,
        };
        self.instance
            .api()
            .pull_message_with_bname(&addr, header, &a.mq.broker_name, a.timeout_millis)
            .await
    }

    /// Filters and decorates a pull's messages (`processPullResult`).
    pub fn process_pull_result(
        &self,
        mq: &MessageQueue,
        mut result: PullResult,
        sd: &SubscriptionData,
    ) -> PullResult {
        self.pull_from_which_node_table
            .lock()
            .insert(mq.clone(), result.suggest_which_broker_id);
        if result.pull_status != PullStatus::Found {
            return result;
        }
        if !sd.tags_set.is_empty() && !sd.class_filter_mode && sd.is_tag_type() {
            result
                .msg_found_list
                .retain(|m| m.tags().is_some_and(|t| sd.tags_set.contains(t)));
        }
        let min = result.min_offset.to_string();
        let max = result.max_offset.to_string();
        for m in &mut result.msg_found_list {
            if m.property(PROPERTY_TRANSACTION_PREPARED)
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            {
                m.message.transaction_id = m.message.uniq_key().map(str::to_string);
            }
            m.message.put_property(PROPERTY_MIN_OFFSET, min.clone());
            m.message.put_property(PROPERTY_MAX_OFFSET, max.clone());
            m.broker_name = mq.broker_name.clone();
        }
        result
    }
}
