//! ConsumerManageProcessor over the in-memory store: GET_CONSUMER_LIST_BY_GROUP,
//! UPDATE_CONSUMER_OFFSET and QUERY_CONSUMER_OFFSET; and against a started broker, the wait
//! of QUERY_CONSUMER_OFFSET for the dispatch of acknowledged messages.

use super::*;
use crate::client::client_channel_info::ClientChannelInfo;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_remoting::protocol::body::heartbeat::{ConsumeFromWhere, ConsumeType, MessageModel};
use rmq_remoting::LanguageCode;

async fn call(p: &ConsumerManageProcessor, r: RemotingCommand) -> RemotingCommand {
    p.process_request(&client_channel(), r)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn consumer_list_names_the_online_clients() {
    let t = TestParts::new();
    let p = ConsumerManageProcessor::new(t.consumer_manage_context());
    let h = GetConsumerListByGroupRequestHeader {
        consumer_group: "cg".into(),
    };
    let req =
        || RemotingCommand::create_request_command(RequestCode::GET_CONSUMER_LIST_BY_GROUP, &h);
    let r = call(&p, req()).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("no consumer for this group, cg")
        )
    );
    let info = ClientChannelInfo::new(client_channel(), "c1".into(), LanguageCode::JAVA, 0);
    t.consumers.register_consumer(
        "cg",
        info,
        ConsumeType::ConsumePassively,
        MessageModel::Clustering,
        ConsumeFromWhere::ConsumeFromLastOffset,
        Some(&[]),
        false,
    );
    let r = call(&p, req()).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let body: GetConsumerListByGroupResponseBody =
        rmq_remoting::protocol::body::decode(&r.body).unwrap();
    assert_eq!(body.consumer_id_list, vec!["c1".to_string()]);
}

fn update(group: &str, topic: &str, offset: i64) -> RemotingCommand {
    let h = UpdateConsumerOffsetRequestHeader {
        consumer_group: group.into(),
        topic: topic.into(),
        queue_id: 0,
        commit_offset: offset,
    };
    RemotingCommand::create_request_command(RequestCode::UPDATE_CONSUMER_OFFSET, &h)
}

fn query_offset(set_zero: Option<bool>) -> RemotingCommand {
    let h = QueryConsumerOffsetRequestHeader {
        consumer_group: "cg".into(),
        topic: "TopicO".into(),
        queue_id: 0,
        set_zero_if_not_found: set_zero,
    };
    RemotingCommand::create_request_command(RequestCode::QUERY_CONSUMER_OFFSET, &h)
}

#[tokio::test]
async fn offsets_are_committed_and_queried() {
    let t = TestParts::with_config(|bc| bc.auto_create_subscription_group = false);
    let p = ConsumerManageProcessor::new(t.consumer_manage_context());
    t.topics
        .update_topic_config(rmq_common::TopicConfig::new("TopicO"));
    let r = call(&p, update("cg", "TopicO", 5)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST.0,
            Some("Group cg not exist!")
        )
    );
    let r = call(&p, query_offset(Some(false))).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::QUERY_NOT_FOUND.0,
            Some("Not found, do not set to zero, maybe this group boot first")
        )
    );
    let t = TestParts::new();
    let p = ConsumerManageProcessor::new(t.consumer_manage_context());
    t.topics
        .update_topic_config(rmq_common::TopicConfig::new("TopicO"));
    // Known group (auto-created), unknown topic.
    t.groups.find_subscription_group_config("cg");
    let r = call(&p, update("cg", "NoTopic", 5)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::TOPIC_NOT_EXIST.0,
            Some("Topic NoTopic not exist!")
        )
    );
    let r = call(&p, update("cg", "TopicO", 5)).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let r = call(&p, query_offset(None)).await;
    let h: QueryConsumerOffsetResponseHeader = r.decode_header().unwrap();
    assert_eq!((r.code, h.offset), (ResponseCode::SUCCESS.0, 5));
    let mut no_queue = update("cg", "TopicO", 1);
    no_queue.ext_fields.remove("queueId");
    let r = call(&p, no_queue).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::INVALID_PARAMETER.0,
            Some("QueueId is null, topic is TopicO")
        )
    );
}

use crate::test_support::broker as test_broker;
use rmq_store::MessageArrivingListener;
use std::sync::{Condvar, Mutex};

fn query(topic: &str, queue_id: i32) -> RemotingCommand {
    let header = QueryConsumerOffsetRequestHeader {
        consumer_group: "new_group".into(),
        topic: topic.into(),
        queue_id,
        set_zero_if_not_found: None,
    };
    RemotingCommand::create_request_command(RequestCode::QUERY_CONSUMER_OFFSET, &header)
}

fn offset_of(r: &RemotingCommand) -> (i32, Option<i64>) {
    let offset = r
        .decode_header::<QueryConsumerOffsetResponseHeader>()
        .ok()
        .map(|h| h.offset);
    (r.code, offset)
}

/// Holds the ReputMessageService inside the arriving listener while held, so records
/// written meanwhile stay undispatched.
#[derive(Default)]
struct Gate {
    /// (held, times entered)
    state: Mutex<(bool, usize)>,
    cond: Condvar,
}

impl MessageArrivingListener for Gate {
    fn arriving(&self, _: &str, _: i32, _: i64, _: i64, _: i64, _: &str) {
        let mut state = self.state.lock().unwrap();
        state.1 += 1;
        self.cond.notify_all();
        while state.0 {
            state = self.cond.wait(state).unwrap();
        }
    }
}

impl Gate {
    fn held() -> Self {
        Gate {
            state: Mutex::new((true, 0)),
            cond: Condvar::new(),
        }
    }

    fn wait_entered(&self) {
        let mut state = self.state.lock().unwrap();
        while state.1 == 0 {
            state = self.cond.wait(state).unwrap();
        }
    }

    fn release(&self) {
        self.state.lock().unwrap().0 = false;
        self.cond.notify_all();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_group_starts_at_zero_when_the_queue_holds_its_first_message() {
    let dir = tempfile::tempdir().unwrap();
    let broker = test_broker::start(dir.path()).await;
    let c = broker.controller().clone();
    for i in 0..5 {
        test_broker::put(&c, "TopicQ", 0, &format!("m{i}")).await;
    }
    let p = ConsumerManageProcessor::new(c.consumer_manage_context());
    // Dispatch is asynchronous; the query waits for the records written before it.
    let r = answer(p.query_consumer_offset(&query("TopicQ", 0)).await)
        .unwrap()
        .unwrap();
    assert_eq!(offset_of(&r), (ResponseCode::SUCCESS.0, Some(0)));
    // A queue that never had a message: not found, as Java.
    let r = answer(p.query_consumer_offset(&query("TopicQ", 3)).await)
        .unwrap()
        .unwrap();
    assert_eq!(r.code, ResponseCode::QUERY_NOT_FOUND.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first")
    );
    broker.shutdown().await;
}

/// The Go client's lost message: a new group's QUERY_CONSUMER_OFFSET for a queue whose
/// first message was acknowledged but not yet in the ConsumeQueue was answered
/// QUERY_NOT_FOUND; the client then asked GET_MAX_OFFSET, got 1 once the unit arrived
/// and never consumed offset 0. The query now waits for the records written before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_waits_for_messages_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let broker = test_broker::start(dir.path()).await;
    let c = broker.controller().clone();
    let gate = Arc::new(Gate::held());
    c.message_store()
        .set_message_arriving_listener(Some(gate.clone()));
    // The reput thread dispatches this one and then stays in the listener ...
    test_broker::put(&c, "FreshTopic", 1, "first").await;
    gate.wait_entered();
    // ... so this acknowledged message is not in queue 0's ConsumeQueue yet.
    assert_eq!(test_broker::put(&c, "FreshTopic", 0, "second").await, 0);
    assert_eq!(
        c.message_store().get_max_offset_in_queue("FreshTopic", 0),
        0
    );

    let p = ConsumerManageProcessor::new(c.consumer_manage_context());
    let request = query("FreshTopic", 0);
    let answer_future = p.query_consumer_offset(&request);
    tokio::pin!(answer_future);
    if let std::task::Poll::Ready(r) = futures::poll!(&mut answer_future) {
        panic!(
            "answered before the dispatch: {:?}",
            answer(r).map(|r| r.map(|r| offset_of(&r)))
        );
    }
    gate.release();
    let r = answer(answer_future.await).unwrap().unwrap();
    assert_eq!(offset_of(&r), (ResponseCode::SUCCESS.0, Some(0)));
    broker.shutdown().await;
}

/// Builds the context of the processor under test from the shared parts.
impl crate::test_support::TestParts {
    /// What the consumer management processor uses.
    pub(crate) fn consumer_manage_context(
        &self,
    ) -> crate::processor::consumer_manage_processor::ConsumerManageContext {
        crate::processor::consumer_manage_processor::ConsumerManageContext {
            config: self.config.clone(),
            message_store: self.dyn_store(),
            message_store_config: self.store_config.clone(),
            topic_config_manager: self.topics.clone(),
            consumer_offset_manager: self.offsets.clone(),
            consumer_manager: self.consumers.clone(),
            subscription_group_manager: self.groups.clone(),
        }
    }
}

#[tokio::test]
async fn a_slave_takes_offset_commits() {
    // No role check (Java `ConsumerManageProcessor`): while the master is down, clients
    // commit to the slave.
    let mut t = TestParts::with_config(|bc| bc.broker_id = 1);
    t.store_config = std::sync::Arc::new(rmq_store::MessageStoreConfig {
        broker_role: rmq_store::BrokerRole::Slave,
        ..(*t.store_config).clone()
    });
    let p = ConsumerManageProcessor::new(t.consumer_manage_context());
    t.topics
        .update_topic_config(rmq_common::TopicConfig::new("TopicO"));
    t.groups.find_subscription_group_config("cg");
    let r = call(&p, update("cg", "TopicO", 9)).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert_eq!(t.offsets.query_offset("cg", "TopicO", 0), 9);
}
