#![allow(clippy::unwrap_used)]
//! QUERY_CONSUME_QUEUE (`mqadmin queryCq`): units with offset, size and tags code; the
//! group's subscription; Java's remarks for a missing queue or index.

mod common;

use common::*;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::query_consume_queue_response_body::QueryConsumeQueueResponseBody;
use rmq_remoting::protocol::header::broker::QueryConsumeQueueRequestHeader;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};

async fn query(
    c: &RemotingClient,
    addr: &str,
    topic: &str,
    index: i64,
    count: i32,
    group: Option<&str>,
) -> RemotingCommand {
    let header = QueryConsumeQueueRequestHeader {
        topic: Some(topic.into()),
        queue_id: Some(0),
        index: Some(index),
        count: Some(count),
        consumer_group: group.map(str::to_string),
    };
    c.invoke(
        addr,
        RemotingCommand::create_request_command(RequestCode::QUERY_CONSUME_QUEUE, &header),
        3000,
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_subscription_and_missing_queue() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let first = send_ok(&c, &addr, "CqT", 0, &[("TAGS", "TagA")], b"one").await;
    send_ok(&c, &addr, "CqT", 0, &[], b"two").await;
    send_ok(&c, &addr, "CqT", 0, &[("TAGS", "TagB")], b"three").await;
    wait_dispatched(&broker, "CqT", 0, 3).await;
    heartbeat(&c, &addr, "cqg", "CqT", "TagA").await;

    let r = query(&c, &addr, "CqT", 0, 2, Some("cqg")).await;
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let body: QueryConsumeQueueResponseBody = decode(&r.body).unwrap();
    assert_eq!((body.min_queue_index, body.max_queue_index), (0, 3));
    let units = body.queue_data.unwrap();
    assert_eq!(units.len(), 2, "count bounds the units");
    assert_eq!(
        format!("{:016X}", units[0].physic_offset),
        first.msg_id[first.msg_id.len() - 16..],
        "the offset is the one in the message id"
    );
    assert_eq!(
        units[0].tags_code,
        i64::from(rmq_common::java_hash::string_hash_code("TagA"))
    );
    assert_eq!(units[1].tags_code, 0);
    assert!(units[1].physic_offset > units[0].physic_offset);
    assert!(units[0].physic_size > 0);
    assert_eq!(body.subscription_data.unwrap().sub_string, "TagA");
    assert_eq!(body.filter_data.as_deref(), Some("null"));

    let r = query(&c, &addr, "CqT", 0, 10, Some("offline")).await;
    let body: QueryConsumeQueueResponseBody = decode(&r.body).unwrap();
    assert_eq!(
        body.filter_data.as_deref(),
        Some("offline@CqT is not online!")
    );
    assert_eq!(body.queue_data.unwrap().len(), 3);

    let r = query(&c, &addr, "CqT", 7, 1, None).await;
    assert_eq!(r.code, 0);
    assert_eq!(r.remark.as_deref(), Some("Index 7 of 0@CqT is not exist!"));
    let r = query(&c, &addr, "NoSuchCq", 0, 1, None).await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    assert_eq!(r.remark.as_deref(), Some("0@NoSuchCq is not exist!"));
    broker.shutdown().await;
}
