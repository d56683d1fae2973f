#![allow(clippy::unwrap_used)]
//! Topic queue counts at the admin interface: a topic needs at least one read and one write
//! queue (UPDATE_AND_CREATE_TOPIC, UPDATE_AND_CREATE_TOPIC_LIST, auto-creation by a send), and
//! the answers that list every queue of a topic stay within one frame however many queues
//! it has (GET_TOPIC_STATS_INFO, GET_CONSUME_STATS, QUERY_CONSUME_TIME_SPAN,
//! INVOKE_BROKER_TO_RESET_OFFSET): too many answer SYSTEM_ERROR, built no further than a
//! frame.

mod common;

use common::*;
use rmq_common::TopicConfig;
use rmq_remoting::protocol::body::consume_stats::ConsumeStats;
use rmq_remoting::protocol::body::create_topic_list_request_body::CreateTopicListRequestBody;
use rmq_remoting::protocol::body::topic_stats_table::TopicStatsTable;
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::broker::{
    CreateTopicRequestHeader, GetConsumeStatsRequestHeader, GetTopicStatsInfoRequestHeader,
    QueryConsumeTimeSpanRequestHeader, ResetOffsetRequestHeader, SendMessageRequestHeaderV2,
};
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};

async fn create_topic(
    c: &RemotingClient,
    addr: &str,
    topic: &str,
    read: i32,
    write: i32,
) -> RemotingCommand {
    let header = CreateTopicRequestHeader {
        topic: topic.into(),
        default_topic: "TBW102".into(),
        read_queue_nums: read,
        write_queue_nums: write,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        topic_sys_flag: Some(0),
        order: false,
        attributes: None,
        force: None,
    };
    let r = RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &header);
    c.invoke(addr, r, 30_000).await.unwrap()
}

async fn invoke<H: rmq_remoting::protocol::header::CommandCustomHeader>(
    c: &RemotingClient,
    addr: &str,
    code: RequestCode,
    header: &H,
) -> RemotingCommand {
    let r = RemotingCommand::create_request_command(code, header);
    c.invoke(addr, r, 30_000).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_need_a_queue_to_read_and_one_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let topics = broker.controller().topic_config_manager();
    for (read, write) in [(0, 8), (8, 0), (-1, -1), (i32::MIN, 4)] {
        let r = create_topic(&c, &addr, "NoQueues", read, write).await;
        assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0, "{read}/{write}");
        assert_eq!(
            r.remark.as_deref(),
            Some(
                format!(
                    "The queue nums of topic[NoQueues] is illegal, readQueueNums: {read}, writeQueueNums: {write}, both must be greater than 0."
                )
                .as_str()
            )
        );
        assert!(topics.select_topic_config("NoQueues").is_none());
    }
    assert_eq!(create_topic(&c, &addr, "OneQueue", 1, 1).await.code, 0);

    // The batch creation refuses the whole list.
    let list = CreateTopicListRequestBody {
        topic_config_list: vec![
            TopicConfig::with_queues("GoodOne", 4, 4, 6),
            TopicConfig::with_queues("BadOne", 4, 0, 6),
        ],
    };
    let mut r = RemotingCommand::new_request(RequestCode::UPDATE_AND_CREATE_TOPIC_LIST);
    r.body = encode(&list).into();
    let r = c.invoke(&addr, r, 5000).await.unwrap();
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);
    assert!(topics.select_topic_config("GoodOne").is_none());

    // A send asking for 0 default queues does not auto-create a topic without queues.
    let header = SendMessageRequestHeaderV2 {
        producer_group: "pg".into(),
        topic: "AutoNoQueues".into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 0,
        queue_id: 0,
        sys_flag: 0,
        born_timestamp: rmq_common::util_all::current_millis(),
        flag: 0,
        properties: None,
        reconsume_times: Some(0),
        unit_mode: Some(false),
        max_reconsume_times: None,
        batch: Some(false),
        broker_name: None,
    };
    let request = RemotingCommand::create_request_command(RequestCode::SEND_MESSAGE_V2, &header)
        .with_body(bytes::Bytes::from_static(b"x"));
    let r = c.invoke(&addr, request, 5000).await.unwrap();
    assert_eq!(r.code, ResponseCode::TOPIC_NOT_EXIST.0, "{:?}", r.remark);
    assert!(topics.select_topic_config("AutoNoQueues").is_none());
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_queue_answers_stay_within_a_frame() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    // Java accepts any count; so does rmq.
    for (topic, n) in [("Wide", 200_000), ("Widest", i32::MAX), ("Fits", 1000)] {
        assert_eq!(create_topic(&c, &addr, topic, n, n).await.code, 0);
    }
    heartbeat(&c, &addr, "wg", "Wide", "*").await;

    let stats = |topic: &str| GetTopicStatsInfoRequestHeader {
        topic: topic.into(),
    };
    for (topic, n) in [("Wide", 200_000), ("Widest", i32::MAX)] {
        let r = invoke(&c, &addr, RequestCode::GET_TOPIC_STATS_INFO, &stats(topic)).await;
        assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
        assert_eq!(
            r.remark.as_deref(),
            Some(
                format!(
                    "the answer for topic[{topic}] lists {n} queues and would exceed the maximum frame length of 16777216 bytes"
                )
                .as_str()
            )
        );
    }
    let r = invoke(&c, &addr, RequestCode::GET_TOPIC_STATS_INFO, &stats("Fits")).await;
    assert_eq!(r.code, 0);
    let table: TopicStatsTable = decode(&r.body).unwrap();
    assert_eq!(table.offset_table.len(), 1000);

    // A topic list is taken as is (no subscription filter).
    let consume = |topic: &str| GetConsumeStatsRequestHeader {
        consumer_group: "wg".into(),
        topic: None,
        topic_list: Some(topic.into()),
    };
    let r = invoke(&c, &addr, RequestCode::GET_CONSUME_STATS, &consume("Wide")).await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0, "{:?}", r.remark);
    let r = invoke(&c, &addr, RequestCode::GET_CONSUME_STATS, &consume("Fits")).await;
    assert_eq!(r.code, 0);
    let s: ConsumeStats = decode(&r.body).unwrap();
    assert_eq!(s.offset_table.len(), 1000);

    let span = QueryConsumeTimeSpanRequestHeader {
        topic: "Widest".into(),
        group: "wg".into(),
    };
    let r = invoke(&c, &addr, RequestCode::QUERY_CONSUME_TIME_SPAN, &span).await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0, "{:?}", r.remark);

    // A reset lists one number per queue: 200,000 fit, 2^31 - 1 do not, and then no queue
    // gets a reset offset.
    let reset = |topic: &str| ResetOffsetRequestHeader {
        group: "wg".into(),
        topic: topic.into(),
        queue_id: None,
        offset: None,
        timestamp: -1,
        is_force: true,
    };
    let offsets = broker.controller().consumer_offset_manager();
    let r = invoke(
        &c,
        &addr,
        RequestCode::INVOKE_BROKER_TO_RESET_OFFSET,
        &reset("Widest"),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0, "{:?}", r.remark);
    assert!(!offsets.has_offset_reset("Widest", "wg", 0));
    let r = invoke(
        &c,
        &addr,
        RequestCode::INVOKE_BROKER_TO_RESET_OFFSET,
        &reset("Wide"),
    )
    .await;
    assert_eq!(r.code, 0, "{:?}", r.remark);
    assert!(offsets.has_offset_reset("Wide", "wg", 199_999));
    broker.shutdown().await;
}
