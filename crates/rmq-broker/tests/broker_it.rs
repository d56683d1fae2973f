#![allow(clippy::unwrap_used)]
//! In-process broker driven over the protocol: send, pull, long polling, tag filter, offsets,
//! heartbeat, locks, retry and DLQ, delay levels, admin codes, limits, restart persistence and
//! registration with name servers.

mod common;

use bytes::Bytes;
use common::*;
use rmq_common::MessageQueue;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, ConsumerData, HeartbeatData, MessageModel, SubscriptionData,
};
use rmq_remoting::protocol::body::lock::{LockBatchRequestBody, LockBatchResponseBody};
use rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use rmq_remoting::protocol::body::route::{ClusterInfo, KVTable};
use rmq_remoting::protocol::body::topic_stats_table::TopicStatsTable;
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::broker::*;
use rmq_remoting::{RemotingCommand, RequestCode, ResponseCode};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn send_then_pull_with_tags_and_auto_created_topic() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let h = send_ok(
        &c,
        &addr,
        "T1",
        0,
        &[("TAGS", "TagA"), ("KEYS", "k1"), ("p", "值")],
        b"hello",
    )
    .await;
    assert_eq!(h.queue_id, 0);
    assert_eq!(h.queue_offset, 0);
    assert_eq!(h.msg_id.len(), 32);
    assert!(h.transaction_id.is_some(), "UNIQ_KEY is added when missing");
    let hb = send_ok(&c, &addr, "T1", 0, &[("TAGS", "TagB")], b"b").await;
    let hc = send_ok(&c, &addr, "T1", 0, &[("TAGS", "TagC")], b"c").await;
    assert_eq!((hb.queue_offset, hc.queue_offset), (1, 2));
    // The fast channel serves sends too.
    send_ok(
        &c,
        &broker.fast_addr().to_string(),
        "T1",
        0,
        &[("TAGS", "TagA")],
        b"d",
    )
    .await;
    wait_dispatched(&broker, "T1", 0, 4).await;

    assert_eq!(
        heartbeat(&c, &addr, "g1", "T1", "TagA || TagB").await.code,
        0
    );
    let (code, header, msgs) = pull(&c, &addr, "g1", "T1", 0, 0).await;
    assert_eq!(code, 0);
    let header = header.unwrap();
    assert_eq!(header.next_begin_offset, 4);
    assert_eq!(header.max_offset, 4);
    let bodies: Vec<&[u8]> = msgs.iter().map(|m| m.body()).collect();
    assert_eq!(
        bodies,
        vec![&b"hello"[..], &b"b"[..], &b"d"[..]],
        "TagC is filtered by hash"
    );
    assert_eq!(msgs[0].property("p"), Some("值"));
    assert_eq!(msgs[0].property("CLUSTER"), Some("DefaultCluster"));
    assert_eq!(msgs[0].property("MSG_REGION"), Some("DefaultRegion"));
    assert_eq!(msgs[0].property("TRACE_ON"), Some("true"));
    assert_eq!(msgs[0].store_host.to_string(), broker.broker_addr());

    let (code, _, _) = pull(&c, &addr, "g1", "T1", 0, 4).await;
    assert_eq!(code, ResponseCode::PULL_NOT_FOUND.0);
    let (code, h2, _) = pull(&c, &addr, "g1", "T1", 0, 100).await;
    assert_eq!(code, ResponseCode::PULL_OFFSET_MOVED.0);
    assert_eq!(h2.unwrap().next_begin_offset, 4);
    // Unknown subscription / unknown topic.
    let (code, _, _) = pull(&c, &addr, "nobody", "T1", 0, 0).await;
    assert_eq!(code, ResponseCode::SUBSCRIPTION_NOT_EXIST.0);
    let (code, _, _) = pull(&c, &addr, "g1", "NoSuchTopic", 0, 0).await;
    assert_eq!(code, ResponseCode::TOPIC_NOT_EXIST.0);
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_polling_wakes_on_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    send_ok(&c, &addr, "LP", 0, &[], b"first").await;
    wait_dispatched(&broker, "LP", 0, 1).await;
    heartbeat(&c, &addr, "g", "LP", "*").await;
    let pending = {
        let c = c.clone();
        let addr = addr.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let r = c
                .invoke(&addr, pull_request("g", "LP", 0, 1, Some(20_000)), 30_000)
                .await
                .unwrap();
            (r, started.elapsed())
        })
    };
    // Probe until the pull is parked, then send.
    let parked = wait_for(Duration::from_secs(5), || {
        let n = broker
            .controller()
            .pull_request_hold_service()
            .parked_count();
        async move { (n > 0).then_some(()) }
    })
    .await;
    assert!(parked.is_some(), "the pull was not parked");
    send_ok(&c, &addr, "LP", 0, &[], b"second").await;
    let (r, waited) = pending.await.unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    assert!(
        waited < Duration::from_secs(15),
        "woken by arrival, not by timeout"
    );
    let msgs = rmq_common::message::message_decoder::decodes(&r.body, Default::default()).unwrap();
    assert_eq!(msgs[0].body(), b"second");
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn offsets_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let before = rmq_common::util_all::current_millis();
    let h = send_ok(&c, &addr, "OT", 1, &[("KEYS", "order-1")], b"x").await;
    for _ in 0..4 {
        send_ok(&c, &addr, "OT", 1, &[], b"y").await;
    }
    wait_dispatched(&broker, "OT", 1, 5).await;
    heartbeat(&c, &addr, "og", "OT", "*").await;

    consumer_offsets_are_committed_and_queried(&c, &addr).await;
    queue_offsets_are_answered(&c, &addr, before).await;
    messages_are_viewed_and_queried(&c, &addr, &h.msg_id).await;
    broker.shutdown().await;
}

/// QUERY_CONSUMER_OFFSET before and after UPDATE_CONSUMER_OFFSET, and an unknown group.
async fn consumer_offsets_are_committed_and_queried(c: &rmq_remoting::RemotingClient, addr: &str) {
    let addr = addr.to_string();
    let q = |code: RequestCode, h: &dyn Fn(&mut RemotingCommand)| {
        let mut r = RemotingCommand::new_request(code);
        h(&mut r);
        r
    };
    // QUERY_CONSUMER_OFFSET before any commit: 0 while offset 0 is in memory.
    let r = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::QUERY_CONSUMER_OFFSET,
                &QueryConsumerOffsetRequestHeader {
                    consumer_group: "og".into(),
                    topic: "OT".into(),
                    queue_id: 1,
                    set_zero_if_not_found: None,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0);
    assert_eq!(
        r.decode_header::<QueryConsumerOffsetResponseHeader>()
            .unwrap()
            .offset,
        0
    );
    let update = RemotingCommand::create_request_command(
        RequestCode::UPDATE_CONSUMER_OFFSET,
        &UpdateConsumerOffsetRequestHeader {
            consumer_group: "og".into(),
            topic: "OT".into(),
            queue_id: 1,
            commit_offset: 3,
        },
    );
    assert_eq!(c.invoke(&addr, update, 3000).await.unwrap().code, 0);
    let r = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::QUERY_CONSUMER_OFFSET,
                &QueryConsumerOffsetRequestHeader {
                    consumer_group: "og".into(),
                    topic: "OT".into(),
                    queue_id: 1,
                    set_zero_if_not_found: None,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(
        r.decode_header::<QueryConsumerOffsetResponseHeader>()
            .unwrap()
            .offset,
        3
    );
    // UPDATE for an unknown group is refused (5.x).
    let bad = RemotingCommand::create_request_command(
        RequestCode::UPDATE_CONSUMER_OFFSET,
        &UpdateConsumerOffsetRequestHeader {
            consumer_group: "nope".into(),
            topic: "OT".into(),
            queue_id: 1,
            commit_offset: 3,
        },
    );
    let _ = q;
    assert_eq!(
        c.invoke(&addr, bad, 3000).await.unwrap().code,
        ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST.0
    );
}

/// GET_MAX_OFFSET, GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME.
async fn queue_offsets_are_answered(c: &rmq_remoting::RemotingClient, addr: &str, before: i64) {
    let addr = addr.to_string();
    let max = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::GET_MAX_OFFSET,
                &GetMaxOffsetRequestHeader {
                    topic: "OT".into(),
                    queue_id: 1,
                    committed: None,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(
        max.decode_header::<GetMaxOffsetResponseHeader>()
            .unwrap()
            .offset,
        5
    );
    let min = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::GET_MIN_OFFSET,
                &GetMinOffsetRequestHeader {
                    topic: "OT".into(),
                    queue_id: 1,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(
        min.decode_header::<GetMinOffsetResponseHeader>()
            .unwrap()
            .offset,
        0
    );
    let search = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::SEARCH_OFFSET_BY_TIMESTAMP,
                &SearchOffsetRequestHeader {
                    topic: "OT".into(),
                    queue_id: 1,
                    timestamp: before - 1000,
                    boundary_type: None,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(
        search
            .decode_header::<SearchOffsetResponseHeader>()
            .unwrap()
            .offset,
        0
    );
    let earliest = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::GET_EARLIEST_MSG_STORETIME,
                &GetEarliestMsgStoretimeRequestHeader {
                    topic: "OT".into(),
                    queue_id: 1,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    let ts = earliest
        .decode_header::<GetEarliestMsgStoretimeResponseHeader>()
        .unwrap()
        .timestamp;
    assert!(ts >= before - 5, "{ts} < {before}");
}

/// VIEW_MESSAGE_BY_ID with the offset msgId, and QUERY_MESSAGE by key.
async fn messages_are_viewed_and_queried(
    c: &rmq_remoting::RemotingClient,
    addr: &str,
    msg_id: &str,
) {
    let addr = addr.to_string();
    // VIEW_MESSAGE_BY_ID with the offset msgId's CommitLog offset.
    let id = rmq_common::message::message_decoder::decode_message_id(msg_id).unwrap();
    let view = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::VIEW_MESSAGE_BY_ID,
                &ViewMessageRequestHeader {
                    topic: Some("OT".into()),
                    offset: id.offset,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(view.code, 0);
    let (m, _) =
        rmq_common::message::message_decoder::decode(&view.body, Default::default()).unwrap();
    assert_eq!(m.keys(), Some("order-1"));
    // QUERY_MESSAGE by key, once the index has it.
    let found = wait_for(Duration::from_secs(5), || {
        let c = c.clone();
        let addr = addr.clone();
        async move {
            let r = c
                .invoke(
                    &addr,
                    RemotingCommand::create_request_command(
                        RequestCode::QUERY_MESSAGE,
                        &QueryMessageRequestHeader {
                            topic: "OT".into(),
                            key: "order-1".into(),
                            max_num: 32,
                            begin_timestamp: 0,
                            end_timestamp: i64::MAX,
                        },
                    ),
                    3000,
                )
                .await
                .ok()?;
            (r.code == 0).then_some(r)
        }
    })
    .await
    .unwrap();
    let msgs =
        rmq_common::message::message_decoder::decodes(&found.body, Default::default()).unwrap();
    assert_eq!(msgs.len(), 1);
}

async fn send_back(
    c: &rmq_remoting::RemotingClient,
    addr: &str,
    offset: i64,
    group: &str,
    max: Option<i32>,
) -> RemotingCommand {
    let header = ConsumerSendMsgBackRequestHeader {
        offset,
        group: group.into(),
        delay_level: 0,
        origin_msg_id: None,
        origin_topic: Some("RT".into()),
        unit_mode: Some(false),
        max_reconsume_times: max,
    };
    c.invoke(
        addr,
        RemotingCommand::create_request_command(RequestCode::CONSUMER_SEND_MSG_BACK, &header),
        3000,
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retry_then_dlq_and_delay_levels() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let h = send_ok(&c, &addr, "RT", 0, &[("TAGS", "t")], b"retry-me").await;
    wait_dispatched(&broker, "RT", 0, 1).await;
    heartbeat(&c, &addr, "rg", "RT", "*").await;
    let phy = rmq_common::message::message_decoder::decode_message_id(&h.msg_id)
        .unwrap()
        .offset;
    assert_eq!(send_back(&c, &addr, phy, "rg", Some(16)).await.code, 0);
    // Level 3 + 0 in the test table is 1 s: the retry shows up in %RETRY%rg.
    let retry = wait_for(Duration::from_secs(10), || {
        let c = c.clone();
        let addr = addr.clone();
        async move {
            let (code, _, msgs) = pull(&c, &addr, "rg", "%RETRY%rg", 0, 0).await;
            (code == 0).then_some(msgs)
        }
    })
    .await
    .expect("retry message delivered");
    let m = &retry[0];
    assert_eq!(m.body(), b"retry-me");
    assert_eq!(m.reconsume_times, 1);
    assert_eq!(m.property("RETRY_TOPIC"), Some("RT"));
    assert!(m.property("ORIGIN_MESSAGE_ID").is_some());
    // Past maxReconsumeTimes: straight to %DLQ%rg.
    assert_eq!(
        send_back(&c, &addr, m.commit_log_offset, "rg", Some(1))
            .await
            .code,
        0
    );
    heartbeat(&c, &addr, "dlq-reader", "%DLQ%rg", "*").await;
    let dlq = wait_for(Duration::from_secs(5), || {
        let c = c.clone();
        let addr = addr.clone();
        async move {
            let (code, _, msgs) = pull(&c, &addr, "dlq-reader", "%DLQ%rg", 0, 0).await;
            (code == 0).then_some(msgs)
        }
    })
    .await
    .expect("message in DLQ");
    assert_eq!(dlq[0].body(), b"retry-me");
    assert_eq!(dlq[0].reconsume_times, 2);

    // A level-2 (2 s) message is not visible at once, then arrives on time.
    heartbeat(&c, &addr, "dg", "DT", "*").await;
    let sent_at = Instant::now();
    send_ok(&c, &addr, "DT", 0, &[("DELAY", "2")], b"later").await;
    let (code, _, _) = pull(&c, &addr, "dg", "DT", 0, 0).await;
    assert_ne!(code, 0, "delayed message must not be visible yet");
    let got = wait_for(Duration::from_secs(10), || {
        let c = c.clone();
        let addr = addr.clone();
        async move {
            let (code, _, msgs) = pull(&c, &addr, "dg", "DT", 0, 0).await;
            (code == 0).then_some(msgs)
        }
    })
    .await
    .expect("delayed message delivered");
    assert!(sent_at.elapsed() >= Duration::from_millis(1900));
    assert_eq!(got[0].body(), b"later");
    // Java's `messageTimeUp` encodes the properties before it clears DELAY: the delivered
    // message still carries it.
    assert_eq!(got[0].property("DELAY"), Some("2"));
    assert_eq!(got[0].property("REAL_TOPIC"), Some("DT"));
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queue_locks() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let mqs: BTreeSet<MessageQueue> = (0..2)
        .map(|i| MessageQueue::new("L", "broker-a", i))
        .collect();
    let lock = |client_id: &str| {
        let mut r = RemotingCommand::new_request(RequestCode::LOCK_BATCH_MQ);
        r.body = Bytes::from(encode(&LockBatchRequestBody {
            consumer_group: "lg".into(),
            client_id: client_id.into(),
            only_this_broker: false,
            mq_set: mqs.clone(),
        }));
        r
    };
    let r = c.invoke(&addr, lock("c1"), 3000).await.unwrap();
    let got: LockBatchResponseBody = decode(&r.body).unwrap();
    assert_eq!(got.lock_ok_mq_set.len(), 2);
    let r = c.invoke(&addr, lock("c2"), 3000).await.unwrap();
    let got: LockBatchResponseBody = decode(&r.body).unwrap();
    assert!(got.lock_ok_mq_set.is_empty());
    let mut unlock = lock("c1");
    unlock.code = RequestCode::UNLOCK_BATCH_MQ.0;
    assert_eq!(c.invoke(&addr, unlock, 3000).await.unwrap().code, 0);
    let r = c.invoke(&addr, lock("c2"), 3000).await.unwrap();
    let got: LockBatchResponseBody = decode(&r.body).unwrap();
    assert_eq!(got.lock_ok_mq_set.len(), 2);
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn admin_codes_limits_and_unknown_code() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let create = CreateTopicRequestHeader {
        topic: "AdminT".into(),
        default_topic: "TBW102".into(),
        read_queue_nums: 3,
        write_queue_nums: 3,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        topic_sys_flag: Some(0),
        order: false,
        attributes: None,
        force: None,
    };
    let r = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &create),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let r = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::GET_ALL_TOPIC_CONFIG),
            3000,
        )
        .await
        .unwrap();
    let all: TopicConfigSerializeWrapper = decode(&r.body).unwrap();
    assert_eq!(all.topic_config_table["AdminT"].read_queue_nums, 3);
    assert!(all.topic_config_table.contains_key("SCHEDULE_TOPIC_XXXX"));
    topic_stats_runtime_and_config(&broker, &c, dir.path(), &create).await;
    send_limits(&c, &addr, &create).await;
    unknown_codes_and_garbage_headers(&c, &addr).await;
    broker.shutdown().await;
}

/// System topics, GET_TOPIC_STATS_INFO, runtime info, GET/UPDATE_BROKER_CONFIG.
async fn topic_stats_runtime_and_config(
    broker: &rmq_broker::BrokerHandle,
    c: &rmq_remoting::RemotingClient,
    dir: &std::path::Path,
    create: &CreateTopicRequestHeader,
) {
    let addr = broker.local_addr().to_string();
    // System topics cannot be changed.
    let mut sys = create.clone();
    sys.topic = "SCHEDULE_TOPIC_XXXX".into();
    let r = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &sys),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);

    send_ok(c, &addr, "AdminT", 2, &[], b"z").await;
    wait_dispatched(broker, "AdminT", 2, 1).await;
    let r = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::GET_TOPIC_STATS_INFO,
                &GetTopicStatsInfoRequestHeader {
                    topic: "AdminT".into(),
                },
            ),
            3000,
        )
        .await
        .unwrap();
    let stats: TopicStatsTable = decode(&r.body).unwrap();
    assert_eq!(stats.offset_table.len(), 3);
    assert_eq!(
        stats.offset_table[&MessageQueue::new("AdminT", "broker-a", 2)].max_offset,
        1
    );

    let r = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_RUNTIME_INFO),
            3000,
        )
        .await
        .unwrap();
    let kv: KVTable = decode(&r.body).unwrap();
    assert_eq!(kv.table["brokerVersionDesc"], "V5_3_3");
    assert!(kv.table.contains_key("putTps"));
    let r = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_CONFIG),
            3000,
        )
        .await
        .unwrap();
    let text = String::from_utf8(r.body.to_vec()).unwrap();
    assert!(text.contains("brokerName=broker-a\n"), "{text}");
    assert!(r.ext_field("version").is_some());
    let mut upd = RemotingCommand::new_request(RequestCode::UPDATE_BROKER_CONFIG);
    upd.body = Bytes::from_static(b"autoCreateTopicEnable=false\n");
    assert_eq!(c.invoke(&addr, upd, 3000).await.unwrap().code, 0);
    // Java's Configuration#update rewrites brokerConfigPath with every key.
    let written = std::fs::read_to_string(dir.join("broker.properties")).unwrap();
    assert!(
        written.contains("autoCreateTopicEnable=false\n"),
        "{written}"
    );
    assert!(written.contains("flushDiskType=ASYNC_FLUSH\n"), "{written}");
    let r = send(c, &addr, "AfterDisable", -1, &[], b"x").await;
    assert_eq!(r.code, ResponseCode::TOPIC_NOT_EXIST.0);
    let mut black = RemotingCommand::new_request(RequestCode::UPDATE_BROKER_CONFIG);
    black.body = Bytes::from_static(b"brokerConfigPath=/etc/x\n");
    assert_eq!(
        c.invoke(&addr, black, 3000).await.unwrap().code,
        ResponseCode::NO_PERMISSION.0
    );
}

/// Oversize body, not-sendable system topic, bad queue id, no write permission, timers.
async fn send_limits(
    c: &rmq_remoting::RemotingClient,
    addr: &str,
    create: &CreateTopicRequestHeader,
) {
    let addr = addr.to_string();
    // Limits: oversize body, not-sendable system topic, bad queue id, no write permission.
    let big = vec![b'x'; 4 * 1024 * 1024 + 1];
    let r = send(c, &addr, "AdminT", 0, &[], &big).await;
    assert_eq!(r.code, ResponseCode::MESSAGE_ILLEGAL.0, "{:?}", r.remark);
    let r = send(c, &addr, "SCHEDULE_TOPIC_XXXX", 0, &[], b"x").await;
    assert_eq!(r.code, ResponseCode::NO_PERMISSION.0);
    let r = send(c, &addr, "AdminT", 9, &[], b"x").await;
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);
    let mut ro = create.clone();
    ro.topic = "ReadOnly".into();
    ro.perm = 4;
    c.invoke(
        &addr,
        RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &ro),
        3000,
    )
    .await
    .unwrap();
    let r = send(c, &addr, "ReadOnly", 0, &[], b"x").await;
    assert_eq!(r.code, ResponseCode::NO_PERMISSION.0);
    let r = send(c, &addr, "bad topic!", 0, &[], b"x").await;
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);
    // A 5.x timer message further away than timerMaxDelaySec (3 days) is refused as Java
    // refuses it.
    let r = send(
        c,
        &addr,
        "AdminT",
        0,
        &[("TIMER_DELAY_SEC", "259201")],
        b"x",
    )
    .await;
    assert_eq!(r.code, ResponseCode::MESSAGE_ILLEGAL.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("timer message illegal, the delay time should not be bigger than the max delay 259200000ms; or if set del msg, the delay time should be bigger than the current time")
    );
}

/// Unknown codes and garbage headers never panic.
async fn unknown_codes_and_garbage_headers(c: &rmq_remoting::RemotingClient, addr: &str) {
    let addr = addr.to_string();
    // Unknown codes and garbage headers never panic.
    let r = c
        .invoke(&addr, RemotingCommand::new_request(RequestCode(9999)), 3000)
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED.0);
    assert_eq!(
        r.remark.as_deref(),
        Some(" request type 9999 not supported")
    );
    let r = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::SEND_MESSAGE_V2),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    let mut garbage = RemotingCommand::new_request(RequestCode::HEART_BEAT);
    garbage.body = Bytes::from_static(b"{not json");
    assert_eq!(
        c.invoke(&addr, garbage, 3000).await.unwrap().code,
        ResponseCode::SYSTEM_ERROR.0
    );
    let mut garbage = RemotingCommand::new_request(RequestCode::SEND_BATCH_MESSAGE);
    garbage.ext_fields = send_request("AdminT", 0, &[], b"").ext_fields;
    garbage.ext_fields.insert("m".into(), "true".into());
    garbage.body = Bytes::from_static(b"\x00\x00\x00\x10garbage");
    assert_eq!(
        c.invoke(&addr, garbage, 3000).await.unwrap().code,
        ResponseCode::MESSAGE_ILLEGAL.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restart_keeps_topics_offsets_and_delay_progress() {
    let dir = tempfile::tempdir().unwrap();
    {
        let broker = start_broker(dir.path()).await;
        let addr = broker.local_addr().to_string();
        let c = client();
        for i in 0..3 {
            send_ok(&c, &addr, "PT", 0, &[], format!("m{i}").as_bytes()).await;
        }
        heartbeat(&c, &addr, "pg1", "PT", "*").await;
        let update = RemotingCommand::create_request_command(
            RequestCode::UPDATE_CONSUMER_OFFSET,
            &UpdateConsumerOffsetRequestHeader {
                consumer_group: "pg1".into(),
                topic: "PT".into(),
                queue_id: 0,
                commit_offset: 2,
            },
        );
        c.invoke(&addr, update, 3000).await.unwrap();
        send_ok(&c, &addr, "PT", 0, &[("DELAY", "1")], b"delayed").await;
        // Wait until the delayed message was delivered, so its progress is recorded.
        heartbeat(&c, &addr, "pg2", "PT", "*").await;
        wait_for(Duration::from_secs(10), || {
            let c = c.clone();
            let addr = addr.clone();
            async move {
                let (code, _, msgs) = pull(&c, &addr, "pg2", "PT", 0, 3).await;
                (code == 0 && !msgs.is_empty()).then_some(())
            }
        })
        .await
        .expect("delayed message delivered");
        broker.shutdown().await;
    }
    let config = std::fs::read_to_string(dir.path().join("config").join("topics.json")).unwrap();
    assert!(config.contains("\"PT\""));
    let offsets =
        std::fs::read_to_string(dir.path().join("config").join("consumerOffset.json")).unwrap();
    assert!(offsets.contains("PT@pg1"), "{offsets}");
    let delay =
        std::fs::read_to_string(dir.path().join("config").join("delayOffset.json")).unwrap();
    assert!(delay.contains("\"offsetTable\""), "{delay}");

    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let r = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(
                RequestCode::QUERY_CONSUMER_OFFSET,
                &QueryConsumerOffsetRequestHeader {
                    consumer_group: "pg1".into(),
                    topic: "PT".into(),
                    queue_id: 0,
                    set_zero_if_not_found: None,
                },
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(
        r.decode_header::<QueryConsumerOffsetResponseHeader>()
            .unwrap()
            .offset,
        2
    );
    assert!(broker
        .controller()
        .topic_config_manager()
        .contains_topic("PT"));
    let w = broker.controller().schedule_message_service().to_wrapper();
    assert_eq!(
        w.offset_table.get(&1).copied(),
        Some(1),
        "delay progress survives"
    );
    // The delayed message is not delivered twice.
    heartbeat(&c, &addr, "pg3", "PT", "*").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, h, _) = pull(&c, &addr, "pg3", "PT", 0, 0).await;
    assert_eq!(h.unwrap().max_offset, 4);
    broker.shutdown().await;
}

async fn routes(namesrv: &str, topic: &str) -> bool {
    let req = RemotingCommand::create_request_command(
        RequestCode::GET_ROUTEINFO_BY_TOPIC,
        &rmq_remoting::protocol::header::namesrv::GetRouteInfoRequestHeader {
            topic: topic.into(),
            accept_standard_json_only: None,
        },
    );
    client()
        .invoke(namesrv, req, 3000)
        .await
        .is_ok_and(|r| r.code == 0)
}

async fn cluster_info(addr: &str) -> Option<ClusterInfo> {
    let c = client();
    let r = c
        .invoke(
            addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_CLUSTER_INFO),
            3000,
        )
        .await
        .ok()?;
    decode(&r.body).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registers_with_every_name_server_and_unregisters() {
    let mut ns = Vec::new();
    for _ in 0..2 {
        let cfg = rmq_namesrv::NamesrvConfig {
            kv_config_path: tempfile::tempdir()
                .unwrap()
                .path()
                .join("kv.json")
                .display()
                .to_string(),
            ..Default::default()
        };
        let server = rmq_remoting::NettyServerConfig {
            listen_port: 0,
            bind_address: "127.0.0.1".into(),
            ..Default::default()
        };
        ns.push(
            rmq_namesrv::NamesrvController::start(cfg, server)
                .await
                .unwrap(),
        );
    }
    // A dead address (connection refused) and a frozen one (accepts, never answers) must not
    // hold back the others.
    let dead = "127.0.0.1:1";
    let frozen = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let frozen_addr = frozen.local_addr().unwrap().to_string();
    let held = tokio::spawn(async move {
        let mut conns = Vec::new();
        while let Ok((c, _)) = frozen.accept().await {
            conns.push(c);
        }
    });
    let list = format!(
        "{};{};{dead};{frozen_addr}",
        ns[0].connect_addr(),
        ns[1].connect_addr()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut configs = test_configs(dir.path(), Some(list));
    configs.broker_config.register_broker_timeout_mills = 4000;
    let started = Instant::now();
    let broker = rmq_broker::BrokerController::start(configs).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    for n in &ns {
        let ci = cluster_info(&n.connect_addr()).await.unwrap();
        let bd = &ci.broker_addr_table["broker-a"];
        assert_eq!(bd.master_addr(), Some(broker.broker_addr().as_str()));
    }
    // A topic change is registered at once with the live name servers, although the frozen
    // one holds its registration for registerBrokerTimeoutMills.
    let c = client();
    // Two changes in a row: the second must not wait for the first one's frozen call.
    for topic in ["NewRouted", "NewRouted2"] {
        let changed_at = Instant::now();
        send_ok(&c, &broker.local_addr().to_string(), topic, -1, &[], b"x").await;
        for n in &ns {
            let addr = n.connect_addr();
            let routed = wait_for(Duration::from_secs(5), || {
                let addr = addr.clone();
                async move { routes(&addr, topic).await.then_some(()) }
            })
            .await;
            assert!(routed.is_some(), "{topic} registered with {addr}");
        }
        assert!(
            changed_at.elapsed() < Duration::from_secs(3),
            "{topic} held back by the frozen name server"
        );
    }
    held.abort();
    broker.shutdown().await;
    for n in &ns {
        let ci = cluster_info(&n.connect_addr()).await.unwrap();
        assert!(
            !ci.broker_addr_table.contains_key("broker-a"),
            "unregistered at shutdown"
        );
    }
    for n in ns {
        n.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn send_queue_wait_over_limit_is_system_busy() {
    let dir = tempfile::tempdir().unwrap();
    let mut configs = test_configs(dir.path(), None);
    // Every request has waited longer than -1 ms: Java's fast failure answers SYSTEM_BUSY.
    configs.broker_config.wait_time_mills_in_send_queue = -1;
    let broker = rmq_broker::BrokerController::start(configs).await.unwrap();
    let addr = broker.local_addr().to_string();
    let r = send(&client(), &addr, "Busy", 0, &[], b"x").await;
    assert_eq!(r.code, ResponseCode::SYSTEM_BUSY.0);
    assert!(
        r.remark.as_deref().unwrap_or_default().starts_with(
            "[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue:"
        ),
        "{:?}",
        r.remark
    );
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn random_requests_never_break_the_broker() {
    use rand::{Rng, SeedableRng};
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let keys = [
        "topic",
        "queueId",
        "consumerGroup",
        "group",
        "offset",
        "queueOffset",
        "maxMsgNums",
        "sysFlag",
        "a",
        "b",
        "c",
        "d",
        "e",
        "f",
        "g",
        "h",
        "i",
        "m",
        "commitOffset",
        "timestamp",
        "key",
        "maxNum",
        "clientID",
        "delayLevel",
        "subscription",
        "expressionType",
        "msgId",
        "srcGroup",
        "destGroup",
    ];
    let values = [
        "",
        "-1",
        "0",
        "1",
        "99999999999",
        "x",
        "%RETRY%g",
        "T",
        "true",
        "SQL92",
        "a b",
        "\u{1}",
    ];
    let codes: Vec<i32> = (10..=46)
        .chain([103, 104, 200, 201, 310, 320, 361, 9999])
        .collect();
    for _ in 0..400 {
        let code = codes[rng.random_range(0..codes.len())];
        let mut r = RemotingCommand::new_request(RequestCode(code));
        for _ in 0..rng.random_range(0..8) {
            let k = keys[rng.random_range(0..keys.len())];
            let v = values[rng.random_range(0..values.len())];
            r.add_ext_field(k, v);
        }
        let len = rng.random_range(0..64);
        r.body = Bytes::from((0..len).map(|_| rng.random::<u8>()).collect::<Vec<u8>>());
        let resp = c.invoke(&addr, r, 5000).await;
        assert!(resp.is_ok(), "code {code}: {resp:?}");
    }
    // Still serving normally.
    send_ok(&c, &addr, "StillAlive", 0, &[], b"ok").await;
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sync_flush_sends_complete_concurrently() {
    let dir = tempfile::tempdir().unwrap();
    let mut configs = test_configs(dir.path(), None);
    configs.message_store_config.flush_disk_type = rmq_store::FlushDiskType::SyncFlush;
    let broker = rmq_broker::BrokerController::start(configs).await.unwrap();
    let addr = broker.local_addr().to_string();
    let c = client();
    send_ok(&c, &addr, "SyncT", 0, &[], b"first").await;
    let mut sends = Vec::new();
    for i in 0..64 {
        let c = c.clone();
        let addr = addr.clone();
        sends.push(tokio::spawn(async move {
            send(&c, &addr, "SyncT", i % 4, &[], format!("m{i}").as_bytes()).await
        }));
    }
    for s in sends {
        let r = s.await.unwrap();
        assert_eq!(r.code, 0, "{:?}", r.remark);
    }
    wait_dispatched(&broker, "SyncT", 0, 17).await;
    broker.shutdown().await;
}

struct NotifyRecorder(tokio::sync::mpsc::UnboundedSender<String>);

#[async_trait::async_trait]
impl rmq_remoting::RequestProcessor for NotifyRecorder {
    async fn process_request(
        &self,
        _channel: &rmq_remoting::Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, rmq_remoting::RemotingError> {
        let h: rmq_remoting::protocol::header::client::NotifyConsumerIdsChangedRequestHeader =
            request.decode_header()?;
        let _ = self.0.send(h.consumer_group);
        Ok(None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn membership_change_notifies_the_group_and_closed_connections_leave() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut d = rmq_remoting::netty::processor::RequestDispatcher::new();
    d.register_processor(
        RequestCode::NOTIFY_CONSUMER_IDS_CHANGED,
        std::sync::Arc::new(NotifyRecorder(tx)),
    );
    let first = rmq_remoting::RemotingClient::new(Default::default(), std::sync::Arc::new(d));
    let second = client();
    heartbeat(&first, &addr, "ng", "NT", "*").await;
    // The first member is told when the second joins.
    rx.recv().await.unwrap();
    let hb = HeartbeatData {
        client_id: "127.0.0.1@second".into(),
        consumer_data_set: vec![ConsumerData {
            group_name: "ng".into(),
            consume_type: ConsumeType::ConsumePassively,
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromFirstOffset,
            subscription_data_set: vec![SubscriptionData::build_tag("NT", "*")],
            unit_mode: false,
        }],
        ..Default::default()
    };
    let mut r = RemotingCommand::new_request(RequestCode::HEART_BEAT);
    r.body = Bytes::from(encode(&hb));
    let resp = second.invoke(&addr, r, 3000).await.unwrap();
    assert_eq!(resp.ext_field("IS_SUPPORT_HEART_BEAT_V2"), Some("true"));
    assert_eq!(resp.ext_field("IS_SUB_CHANGE"), Some("true"));
    let group = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(group, "ng");
    let list = |c: rmq_remoting::RemotingClient| {
        let addr = addr.clone();
        async move {
            let r = c
                .invoke(
                    &addr,
                    RemotingCommand::create_request_command(
                        RequestCode::GET_CONSUMER_LIST_BY_GROUP,
                        &GetConsumerListByGroupRequestHeader {
                            consumer_group: "ng".into(),
                        },
                    ),
                    3000,
                )
                .await
                .unwrap();
            let body: rmq_remoting::protocol::body::heartbeat::GetConsumerListByGroupResponseBody =
                decode(&r.body).unwrap();
            body.consumer_id_list.len()
        }
    };
    assert_eq!(list(first.clone()).await, 2);
    // Closing the second connection removes it and notifies the first again.
    second.shutdown().await;
    let group = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(group, "ng");
    assert_eq!(list(first.clone()).await, 1);
    broker.shutdown().await;
}
