//! PullMessageProcessor against the in-memory store: PULL_MESSAGE and LITE_PULL_MESSAGE,
//! found, not found (answered or parked), offset moved, and the refusals.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_common::sys_flag::pull_sys_flag::{FLAG_SUBSCRIPTION, FLAG_SUSPEND};
use rmq_common::{perm_name, TopicConfig};
use rmq_remoting::protocol::header::broker::PullMessageResponseHeader;
use rmq_remoting::RequestCode;
use rmq_store::{BrokerRole, MessageExtBrokerInner, MessageStore};

fn parts_with_messages(f: impl FnOnce(&mut crate::broker_config::BrokerConfig)) -> TestParts {
    let t = TestParts::with_config(f);
    t.topics.update_topic_config(TopicConfig::with_queues(
        "PT",
        2,
        2,
        perm_name::DEFAULT_PERM,
    ));
    for body in ["a", "b"] {
        let msg = MessageExtBrokerInner {
            topic: "PT".into(),
            body: bytes::Bytes::from(body),
            born_host: "127.0.0.1:5555".parse().unwrap(),
            store_host: "127.0.0.1:10911".parse().unwrap(),
            ..Default::default()
        };
        let put = t.store.put_message(&msg).wait();
        assert_eq!(put.status, rmq_store::PutMessageStatus::PutOk);
    }
    t
}

fn pull(
    code: RequestCode,
    topic: &str,
    queue_id: i32,
    offset: i64,
    sys_flag: i32,
) -> RemotingCommand {
    let h = PullMessageRequestHeader {
        consumer_group: "pg".into(),
        topic: topic.into(),
        queue_id,
        queue_offset: offset,
        max_msg_nums: 32,
        sys_flag: sys_flag | FLAG_SUBSCRIPTION,
        suspend_timeout_millis: 1000,
        subscription: Some("*".into()),
        expression_type: Some("TAG".into()),
        ..Default::default()
    };
    RemotingCommand::create_request_command(code, &h)
}

async fn call(p: &PullMessageProcessor, r: RemotingCommand) -> Option<RemotingCommand> {
    p.process_request(&client_channel(), r).await.unwrap()
}

#[tokio::test]
async fn found_messages_are_answered_with_their_records() {
    let t = parts_with_messages(|_| {});
    let p = PullMessageProcessor::new(t.pull_context());
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 0, 0))
        .await
        .unwrap();
    assert_eq!(code_remark(&r), (ResponseCode::SUCCESS.0, Some("FOUND")));
    let h: PullMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!((h.next_begin_offset, h.max_offset), (2, 2));
    let records: Vec<bytes::Bytes> = [0, 1]
        .iter()
        .map(|i| t.store.record(t.store.queue("PT", 0)[*i]).unwrap())
        .collect();
    // The store's buffers themselves, not copies, in order.
    assert_eq!(r.body_chunks, records);
    assert_eq!(r.body_len(), records.iter().map(|b| b.len()).sum::<usize>());
    assert!(r.body.is_empty());
    assert_eq!(t.offsets.query_pull_offset("pg", "PT", 0), 2);
}

#[tokio::test]
async fn nothing_new_is_not_found_or_parked_and_far_offsets_moved() {
    let t = parts_with_messages(|_| {});
    let p = PullMessageProcessor::new(t.pull_context());
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 2, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::PULL_NOT_FOUND.0);
    assert!(call(
        &p,
        pull(RequestCode::PULL_MESSAGE, "PT", 0, 2, FLAG_SUSPEND)
    )
    .await
    .is_none());
    assert_eq!(t.hold.parked_count(), 1);
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 50, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::PULL_OFFSET_MOVED.0);
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 1, 3, 0))
        .await
        .unwrap();
    assert_eq!(
        r.code,
        ResponseCode::PULL_OFFSET_MOVED.0,
        "empty queue, offset != 0"
    );
}

#[tokio::test]
async fn a_message_stored_between_not_found_and_parking_wakes_the_parked_pulls() {
    let t = parts_with_messages(|_| {});
    let mut woken = t.hold.take_wake_receiver().unwrap();
    let p = PullMessageProcessor::new(t.pull_context());
    let parked = pull(RequestCode::PULL_MESSAGE, "PT", 0, 2, FLAG_SUSPEND);
    assert!(call(&p, parked.clone()).await.is_none());
    assert_eq!(t.hold.parked_count(), 1);
    assert!(woken.try_recv().is_err());
    // Stored without a notify, as when the dispatch runs between the pull's look at the
    // queue and its parking: the next pull parked on the queue finds it.
    let msg = MessageExtBrokerInner {
        topic: "PT".into(),
        body: bytes::Bytes::from("c"),
        born_host: "127.0.0.1:5555".parse().unwrap(),
        store_host: "127.0.0.1:10911".parse().unwrap(),
        ..Default::default()
    };
    assert_eq!(
        t.store.put_message(&msg).wait().status,
        rmq_store::PutMessageStatus::PutOk
    );
    let filter = crate::filter::expression_message_filter::ExpressionMessageFilter::new(None, None);
    t.hold.suspend_pull_request(
        "PT",
        0,
        crate::longpolling::pull_request_hold_service::PullRequest {
            request: parked,
            channel: client_channel(),
            timeout_millis: 60_000,
            suspend_timestamp: rmq_common::util_all::current_millis(),
            pull_from_this_offset: 2,
            message_filter: std::sync::Arc::new(filter),
        },
    );
    assert_eq!(t.hold.parked_count(), 0);
    let mut n = 0;
    while woken.try_recv().is_ok() {
        n += 1;
    }
    assert_eq!(n, 2, "both parked pulls are woken");
}

#[tokio::test]
async fn refusals_keep_codes_remarks_and_forbidden_type() {
    let t = parts_with_messages(|_| {});
    let p = PullMessageProcessor::new(t.pull_context());
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "NoTopic", 0, 0, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::TOPIC_NOT_EXIST.0);
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 5, 0, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);
    let mut no_sub = pull(RequestCode::PULL_MESSAGE, "PT", 0, 0, 0);
    no_sub.ext_fields.insert("sysFlag".into(), "0".into());
    let r = call(&p, no_sub).await.unwrap();
    assert_eq!(r.code, ResponseCode::SUBSCRIPTION_NOT_EXIST.0);

    let t = parts_with_messages(|bc| bc.broker_permission = perm_name::PERM_WRITE);
    let p = PullMessageProcessor::new(t.pull_context());
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 0, 0))
        .await
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("the broker[127.0.0.1] pulling message is forbidden")
        )
    );
    assert_eq!(
        r.ext_fields.get("forbiddenType").map(String::as_str),
        Some("1")
    );
}

#[tokio::test]
async fn lite_pull_follows_lite_pull_message_enable() {
    let t = parts_with_messages(|bc| bc.lite_pull_message_enable = false);
    let p = PullMessageProcessor::new(t.pull_context());
    let r = call(&p, pull(RequestCode::LITE_PULL_MESSAGE, "PT", 0, 0, 0))
        .await
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("the broker[127.0.0.1] for lite pull consumer is forbidden")
        )
    );
    let t = parts_with_messages(|bc| bc.lite_pull_message_enable = true);
    let p = PullMessageProcessor::new(t.pull_context());
    let r = call(&p, pull(RequestCode::LITE_PULL_MESSAGE, "PT", 0, 0, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
}

#[tokio::test]
async fn sql92_needs_enable_property_filter() {
    let t = parts_with_messages(|bc| bc.enable_property_filter = false);
    let p = PullMessageProcessor::new(t.pull_context());
    let mut r = pull(RequestCode::PULL_MESSAGE, "PT", 0, 0, 0);
    r.ext_fields.insert("expressionType".into(), "SQL92".into());
    r.ext_fields.insert("subscription".into(), "a > 1".into());
    let r = call(&p, r).await.unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("The broker does not support consumer to filter message by SQL92")
        )
    );
}

/// Builds the context of the processor under test from the shared parts.
impl crate::test_support::TestParts {
    /// What the pull processor uses.
    pub(crate) fn pull_context(
        &self,
    ) -> crate::processor::pull_message_processor::PullMessageContext {
        crate::processor::pull_message_processor::PullMessageContext {
            config: self.config.clone(),
            message_store: self.dyn_store(),
            message_store_config: self.store_config.clone(),
            role: rmq_store::RoleState::new(self.store_config.broker_role),
            topic_config_manager: self.topics.clone(),
            subscription_group_manager: self.groups.clone(),
            consumer_offset_manager: self.offsets.clone(),
            consumer_manager: self.consumers.clone(),
            consumer_filter_manager: self.filters.clone(),
            pull_request_hold_service: self.hold.clone(),
            broker_stats_manager: self.stats.clone(),
        }
    }
}

/// Parts of a slave (`brokerRole=SLAVE`, `brokerId=1`) holding the two messages of "PT".
fn slave_parts(slave_read_enable: bool, offset_check_in_slave: bool) -> TestParts {
    let mut t = parts_with_messages(|bc| {
        bc.broker_id = 1;
        bc.slave_read_enable = slave_read_enable;
    });
    t.store_config = std::sync::Arc::new(rmq_store::MessageStoreConfig {
        broker_role: BrokerRole::Slave,
        offset_check_in_slave,
        ..(*t.store_config).clone()
    });
    t
}

#[tokio::test]
async fn a_slave_refuses_pulls_unless_slave_read_enable() {
    let master = parts_with_messages(|_| {});
    assert!(!PullMessageProcessor::new(master.pull_context()).reject_request());
    assert!(PullMessageProcessor::new(slave_parts(false, false).pull_context()).reject_request());
    assert!(!PullMessageProcessor::new(slave_parts(true, false).pull_context()).reject_request());
}

#[tokio::test]
async fn a_slave_answers_offset_moved_as_retry_unless_offset_check_in_slave() {
    let t = slave_parts(true, false);
    let p = PullMessageProcessor::new(t.pull_context());
    // Found: served by the slave, the group's broker suggested.
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 0, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let h: PullMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!(h.suggest_which_broker_id, 0);
    // Not found stays PULL_NOT_FOUND on a classic slave (no redirect in 5.3.3).
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 2, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::PULL_NOT_FOUND.0);
    // Offset far beyond the queue: PULL_OFFSET_MOVED becomes PULL_RETRY_IMMEDIATELY.
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 50, 0))
        .await
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::PULL_RETRY_IMMEDIATELY.0,
            Some("OFFSET_OVERFLOW_BADLY")
        )
    );
    let t = slave_parts(true, true);
    let p = PullMessageProcessor::new(t.pull_context());
    let r = call(&p, pull(RequestCode::PULL_MESSAGE, "PT", 0, 50, 0))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::PULL_OFFSET_MOVED.0);
}
