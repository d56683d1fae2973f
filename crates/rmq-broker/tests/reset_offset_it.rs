#![allow(clippy::unwrap_used)]
//! INVOKE_BROKER_TO_RESET_OFFSET both ways: server side (5.x default; the next pull answers
//! PULL_OFFSET_MOVED with the new offset) and, with `useServerSideResetOffset=false`, through
//! the consumers (RESET_CONSUMER_CLIENT_OFFSET to each online member, Java
//! `Broker2Client#resetOffset`); INVOKE_BROKER_TO_GET_CONSUMER_STATUS gathering the members'
//! offsets.

mod common;

use bytes::Bytes;
use common::*;
use rmq_broker::BrokerController;
use rmq_common::MessageQueue;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::get_consumer_status_body::GetConsumerStatusBody;
use rmq_remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use rmq_remoting::protocol::header::broker::{
    CreateTopicRequestHeader, PullMessageResponseHeader, ResetOffsetRequestHeader,
    UpdateConsumerOffsetRequestHeader,
};
use rmq_remoting::protocol::header::client::GetConsumerStatusRequestHeader;
use rmq_remoting::{
    Channel, RemotingClient, RemotingCommand, RemotingError, RequestCode, RequestProcessor,
    ResponseCode,
};
use std::sync::Arc;
use std::time::Duration;

async fn create_topic(c: &RemotingClient, addr: &str, topic: &str) {
    let create = CreateTopicRequestHeader {
        topic: topic.into(),
        default_topic: "TBW102".into(),
        read_queue_nums: 1,
        write_queue_nums: 1,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        topic_sys_flag: Some(0),
        order: false,
        attributes: None,
        force: None,
    };
    let r = c
        .invoke(
            addr,
            RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &create),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
}

async fn commit(c: &RemotingClient, addr: &str, group: &str, topic: &str, offset: i64) {
    let update = RemotingCommand::create_request_command(
        RequestCode::UPDATE_CONSUMER_OFFSET,
        &UpdateConsumerOffsetRequestHeader {
            consumer_group: group.into(),
            topic: topic.into(),
            queue_id: 0,
            commit_offset: offset,
        },
    );
    assert_eq!(c.invoke(addr, update, 3000).await.unwrap().code, 0);
}

async fn reset(
    c: &RemotingClient,
    addr: &str,
    group: &str,
    topic: &str,
    timestamp: i64,
) -> RemotingCommand {
    let header = ResetOffsetRequestHeader {
        group: group.into(),
        topic: topic.into(),
        queue_id: Some(-1),
        offset: None,
        timestamp,
        is_force: true,
    };
    c.invoke(
        addr,
        RemotingCommand::create_request_command(
            RequestCode::INVOKE_BROKER_TO_RESET_OFFSET,
            &header,
        ),
        3000,
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_reset_moves_the_next_pull() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    create_topic(&c, &addr, "RsT").await;
    for _ in 0..3 {
        send_ok(&c, &addr, "RsT", 0, &[], b"x").await;
    }
    wait_dispatched(&broker, "RsT", 0, 3).await;
    heartbeat(&c, &addr, "rsg", "RsT", "*").await;
    commit(&c, &addr, "rsg", "RsT", 3).await;
    let r = reset(&c, &addr, "rsg", "RsT", 0).await;
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let body: ResetOffsetBody = decode(&r.body).unwrap();
    assert_eq!(
        body.offset_table[&MessageQueue::new("RsT", "broker-a", 0)],
        0
    );
    let r = c
        .invoke(&addr, pull_request("rsg", "RsT", 0, 3, None), 3000)
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::PULL_OFFSET_MOVED.0, "{:?}", r.remark);
    let h: PullMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!(h.next_begin_offset, 0);
    // An unknown group is refused.
    let r = reset(&c, &addr, "nogroup", "RsT", 0).await;
    assert_eq!(r.code, ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST.0);
    broker.shutdown().await;
}

/// Forwards RESET_CONSUMER_CLIENT_OFFSET bodies.
struct ResetRecorder(tokio::sync::mpsc::UnboundedSender<Bytes>);

#[async_trait::async_trait]
impl RequestProcessor for ResetRecorder {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let _ = self.0.send(request.body.clone());
        Ok(None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_side_reset_tells_every_online_consumer() {
    let dir = tempfile::tempdir().unwrap();
    let mut configs = test_configs(dir.path(), None);
    configs.broker_config.use_server_side_reset_offset = false;
    let broker = BrokerController::start(configs).await.unwrap();
    let addr = broker.local_addr().to_string();
    let c = client();
    create_topic(&c, &addr, "RcT").await;
    for _ in 0..3 {
        send_ok(&c, &addr, "RcT", 0, &[], b"x").await;
    }
    wait_dispatched(&broker, "RcT", 0, 3).await;
    // A member that commits and leaves (its heartbeat also creates the group).
    let gone = client();
    heartbeat(&gone, &addr, "rcg", "RcT", "*").await;
    commit(&gone, &addr, "rcg", "RcT", 3).await;
    gone.shutdown().await;
    let r = wait_for(Duration::from_secs(10), || {
        let (c, addr) = (&c, &addr);
        async move {
            let r = reset(c, addr, "rcg", "RcT", 0).await;
            (r.code != 0).then_some(r)
        }
    })
    .await
    .unwrap();
    assert_eq!(
        r.code,
        ResponseCode::CONSUMER_NOT_ONLINE.0,
        "{:?}",
        r.remark
    );
    assert_eq!(
        r.remark.as_deref(),
        Some("Consumer not online, so can not reset offset, Group: rcg Topic: RcT Timestamp: 0")
    );

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut d = RequestDispatcher::new();
    d.register_processor(
        RequestCode::RESET_CONSUMER_CLIENT_OFFSET,
        Arc::new(ResetRecorder(tx)),
    );
    let member = RemotingClient::new(Default::default(), Arc::new(d));
    heartbeat(&member, &addr, "rcg", "RcT", "*").await;
    let r = reset(&c, &addr, "rcg", "RcT", 0).await;
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let answered: ResetOffsetBody = decode(&r.body).unwrap();
    let mq = MessageQueue::new("RcT", "broker-a", 0);
    assert_eq!(answered.offset_table[&mq], 0);
    let told = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let told: ResetOffsetBody = decode(&told).unwrap();
    assert_eq!(told, answered);
    // The committed offset is left to the consumer.
    broker.shutdown().await;
}

/// Answers GET_CONSUMER_STATUS_FROM_CLIENT with a fixed table.
struct StatusAnswerer;

#[async_trait::async_trait]
impl RequestProcessor for StatusAnswerer {
    async fn process_request(
        &self,
        _channel: &Channel,
        _request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let body = GetConsumerStatusBody {
            message_queue_table: [(MessageQueue::new("CsT", "broker-a", 0), 7)].into(),
            consumer_table: Default::default(),
        };
        Ok(Some(
            RemotingCommand::success().with_body(rmq_remoting::protocol::body::encode(&body)),
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_status_is_gathered_from_the_members() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let ask = || {
        RemotingCommand::create_request_command(
            RequestCode::INVOKE_BROKER_TO_GET_CONSUMER_STATUS,
            &GetConsumerStatusRequestHeader {
                topic: "CsT".into(),
                group: "csg".into(),
                client_addr: None,
            },
        )
    };
    let r = c.invoke(&addr, ask(), 3000).await.unwrap();
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("No Any Consumer online in the consumer group: [csg]")
    );
    let mut d = RequestDispatcher::new();
    d.register_processor(
        RequestCode::GET_CONSUMER_STATUS_FROM_CLIENT,
        Arc::new(StatusAnswerer),
    );
    let member = RemotingClient::new(Default::default(), Arc::new(d));
    heartbeat(&member, &addr, "csg", "CsT", "*").await;
    let r = c.invoke(&addr, ask(), 10_000).await.unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let body: GetConsumerStatusBody = decode(&r.body).unwrap();
    let table = &body.consumer_table["127.0.0.1@csg"];
    assert_eq!(table.0[&MessageQueue::new("CsT", "broker-a", 0)], 7);
    broker.shutdown().await;
}
