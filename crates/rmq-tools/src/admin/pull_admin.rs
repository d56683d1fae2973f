//! The `DefaultMQPullConsumer` calls mqadmin makes (`printMsg`, `consumeMessage`,
//! `queryMsgByOffset`), on the admin's client instance: the subscribable queues in the
//! order Java's `HashSet` yields them, and a single pull with Java's client-side processing
//! (`PullAPIWrapper#processPullResult`: tag filter, `MIN_OFFSET`/`MAX_OFFSET` properties,
//! broker name).

use super::DefaultMQAdminExt;
use crate::error::ToolsError;
use crate::to_string::subscribe_queue_order;
use rmq_client::consumer::pull_result::{PullResult, PullStatus};
use rmq_client::ClientError;
use rmq_common::message::message_const::{PROPERTY_MAX_OFFSET, PROPERTY_MIN_OFFSET};
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::{perm_name, MessageQueue};
use rmq_remoting::protocol::header::broker::PullMessageRequestHeader;
use std::collections::BTreeSet;

/// `DefaultMQPullConsumer#consumerPullTimeoutMillis`.
const CONSUMER_PULL_TIMEOUT_MILLIS: u64 = 10_000;

/// The tags of a TAG expression (`FilterAPI.buildSubscriptionData`): empty for `*` or blank.
pub fn tags_of_expression(sub_expression: &str) -> BTreeSet<String> {
    let e = sub_expression.trim();
    if e.is_empty() || e == "*" {
        return BTreeSet::new();
    }
    e.split("||")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

impl DefaultMQAdminExt {
    /// The readable queues of `topic` in Java's `HashSet` order
    /// (`fetchSubscribeMessageQueues`).
    pub async fn fetch_subscribe_message_queues(
        &self,
        topic: &str,
    ) -> Result<Vec<MessageQueue>, ToolsError> {
        let route = self.examine_topic_route_info(topic).await?;
        let mut queues = Vec::new();
        for qd in &route.queue_datas {
            if perm_name::is_readable(qd.perm) {
                for i in 0..qd.read_queue_nums {
                    queues.push(MessageQueue::new(topic, qd.broker_name.clone(), i));
                }
            }
        }
        if queues.is_empty() {
            return Err(ClientError::client(
                -1,
                format!("Can not find Message Queue for this topic, {topic}"),
            )
            .into());
        }
        Ok(subscribe_queue_order(queues))
    }

    /// Pulls up to `max_nums` messages of `mq` from `offset` as `consumer_group` without
    /// waiting for new ones (`DefaultMQPullConsumer#pull(mq, subExpression, offset, maxNums)`).
    pub async fn pull(
        &self,
        consumer_group: &str,
        mq: &MessageQueue,
        sub_expression: &str,
        offset: i64,
        max_nums: i32,
    ) -> Result<PullResult, ToolsError> {
        // Java checks these before sending (`DefaultMQPullConsumerImpl#pullSyncImpl`).
        if offset < 0 {
            return Err(ClientError::client(-1, "offset < 0").into());
        }
        if max_nums <= 0 {
            return Err(ClientError::client(-1, "maxNums <= 0").into());
        }
        let addr = self.instance()?.broker_addr_for_queue(mq).await?;
        let h = PullMessageRequestHeader {
            consumer_group: consumer_group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            queue_offset: offset,
            max_msg_nums: max_nums,
            sys_flag: pull_sys_flag::build_sys_flag(false, false, true, false),
            commit_offset: 0,
            suspend_timeout_millis: 20_000,
            subscription: Some(sub_expression.to_string()),
            sub_version: 0,
            expression_type: Some("TAG".to_string()),
            ..Default::default()
        };
        let mut result = self
            .instance()?
            .api()
            .pull_message_with_bname(&addr, h, &mq.broker_name, CONSUMER_PULL_TIMEOUT_MILLIS)
            .await?;
        if result.pull_status == PullStatus::Found {
            let tags = tags_of_expression(sub_expression);
            if !tags.is_empty() {
                result
                    .msg_found_list
                    .retain(|m| m.tags().is_some_and(|t| tags.contains(t)));
            }
            let (min, max) = (result.min_offset.to_string(), result.max_offset.to_string());
            for m in &mut result.msg_found_list {
                m.message.put_property(PROPERTY_MIN_OFFSET, min.clone());
                m.message.put_property(PROPERTY_MAX_OFFSET, max.clone());
                m.broker_name = mq.broker_name.clone();
            }
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_tags() {
        assert!(tags_of_expression("*").is_empty());
        assert!(tags_of_expression(" ").is_empty());
        let t = tags_of_expression("TagA || TagB");
        assert!(t.contains("TagA") && t.contains("TagB") && t.len() == 2);
    }
}
