//! The broker as a process, with two NameServers: registration with both, send and pull over
//! the protocol, committed offsets and every acknowledged message surviving `kill -9` (ASYNC
//! flush), incremental registration while one NameServer is down, and unregistration on
//! SIGTERM.

use bytes::Bytes;
use rmq_common::message::message_decoder::{self, DecodeOptions};
use rmq_common::sys_flag::pull_sys_flag;
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, ConsumerData, HeartbeatData, MessageModel, SubscriptionData,
};
use rmq_remoting::protocol::header::broker::{
    PullMessageRequestHeader, PullMessageResponseHeader, QueryConsumerOffsetRequestHeader,
    QueryConsumerOffsetResponseHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
    UpdateConsumerOffsetRequestHeader,
};
use rmq_remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use rmq_testkit::{eventually, BrokerSpec, Cluster};
use std::time::Duration;

async fn send(
    client: &RemotingClient,
    addr: &str,
    topic: &str,
    i: usize,
) -> Option<SendMessageResponseHeader> {
    let header = SendMessageRequestHeaderV2 {
        producer_group: "e2e_pg".into(),
        topic: topic.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id: 0,
        sys_flag: 0,
        born_timestamp: rmq_common::util_all::current_millis(),
        flag: 0,
        properties: Some(format!("KEYS\u{1}k{i}\u{2}TAGS\u{1}TagA\u{2}")),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        max_reconsume_times: None,
        batch: Some(false),
        broker_name: None,
    };
    let req = RemotingCommand::create_request_command(RequestCode::SEND_MESSAGE_V2, &header)
        .with_body(Bytes::from(format!("e2e message {i}")));
    let r = client.invoke(addr, req, 5000).await.ok()?;
    (r.code == 0).then(|| r.decode_header().ok()).flatten()
}

async fn heartbeat(client: &RemotingClient, addr: &str, group: &str, topic: &str) {
    let hb = HeartbeatData {
        client_id: format!("127.0.0.1@e2e-{group}"),
        consumer_data_set: vec![ConsumerData {
            group_name: group.into(),
            consume_type: ConsumeType::ConsumeActively,
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromFirstOffset,
            subscription_data_set: vec![SubscriptionData::build_tag(topic, "*")],
            unit_mode: false,
        }],
        ..Default::default()
    };
    let req =
        RemotingCommand::new_request(RequestCode::HEART_BEAT).with_body(Bytes::from(encode(&hb)));
    assert_eq!(client.invoke(addr, req, 5000).await.unwrap().code, 0);
}

/// Pulls everything from queue 0 starting at `from`; returns the bodies.
async fn pull_all(
    client: &RemotingClient,
    addr: &str,
    group: &str,
    topic: &str,
    from: i64,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut offset = from;
    loop {
        let header = PullMessageRequestHeader {
            consumer_group: group.into(),
            topic: topic.into(),
            queue_id: 0,
            queue_offset: offset,
            max_msg_nums: 32,
            sys_flag: pull_sys_flag::build_sys_flag(false, false, false, false),
            commit_offset: 0,
            suspend_timeout_millis: 0,
            subscription: None,
            sub_version: 0,
            expression_type: None,
            max_msg_bytes: None,
            request_source: None,
            proxy_froward_client_id: None,
        };
        let req = RemotingCommand::create_request_command(RequestCode::PULL_MESSAGE, &header);
        let r = client.invoke(addr, req, 5000).await.unwrap();
        if r.code != ResponseCode::SUCCESS.0 {
            return out;
        }
        let h: PullMessageResponseHeader = r.decode_header().unwrap();
        for m in message_decoder::decodes(&r.body, DecodeOptions::default()).unwrap() {
            out.push(String::from_utf8_lossy(m.body()).into_owned());
        }
        offset = h.next_begin_offset;
    }
}

async fn routed(cluster: &Cluster, namesrv: &str, topic: &str) -> bool {
    let req = RemotingCommand::create_request_command(
        RequestCode::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader {
            topic: topic.into(),
            accept_standard_json_only: None,
        },
    );
    cluster
        .client()
        .invoke(namesrv, req, 3000)
        .await
        .is_ok_and(|r| r.code == 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_process_survives_kill9_and_registers_with_both_namesrvs() {
    let mut cluster = Cluster::builder()
        .namesrvs(2)
        .broker(BrokerSpec::new("broker-e2e").prop("flushConsumerOffsetInterval", 200))
        .start_processes()
        .await
        .unwrap();
    let addr = cluster.broker_addr(0).unwrap().to_string();
    let client = cluster.client().clone();
    for ns in cluster.namesrv_addrs().to_vec() {
        let ci = cluster.cluster_info(&ns).await.unwrap();
        assert!(
            ci.broker_addr_table.contains_key("broker-e2e"),
            "not registered with {ns}"
        );
    }

    let n = 500;
    for i in 0..n {
        let h = send(&client, &addr, "E2ETopic", i).await.expect("send ok");
        assert_eq!(h.queue_offset, i as i64);
    }
    heartbeat(&client, &addr, "e2e_g", "E2ETopic").await;
    let bodies = eventually(Duration::from_secs(10), || async {
        let b = pull_all(&client, &addr, "e2e_g", "E2ETopic", 0).await;
        (b.len() == n).then_some(b)
    })
    .await
    .unwrap();
    assert_eq!(bodies[7], "e2e message 7");
    let update = RemotingCommand::create_request_command(
        RequestCode::UPDATE_CONSUMER_OFFSET,
        &UpdateConsumerOffsetRequestHeader {
            consumer_group: "e2e_g".into(),
            topic: "E2ETopic".into(),
            queue_id: 0,
            commit_offset: 321,
        },
    );
    assert_eq!(client.invoke(&addr, update, 3000).await.unwrap().code, 0);
    // The offset is persisted every flushConsumerOffsetInterval; wait until it is on disk.
    let offsets = cluster
        .broker_store_dir(0)
        .join("config")
        .join("consumerOffset.json");
    eventually(Duration::from_secs(20), || {
        let text = std::fs::read_to_string(&offsets).unwrap_or_default();
        async move { text.contains("321").then_some(()) }
    })
    .await
    .unwrap();

    cluster.kill_broker(0);
    cluster.start_broker(0).await.unwrap();
    let addr = cluster.broker_addr(0).unwrap().to_string();
    heartbeat(&client, &addr, "e2e_g", "E2ETopic").await;
    let after = pull_all(&client, &addr, "e2e_g", "E2ETopic", 0).await;
    assert_eq!(
        after.len(),
        n,
        "every acknowledged message survives kill -9"
    );
    let q = RemotingCommand::create_request_command(
        RequestCode::QUERY_CONSUMER_OFFSET,
        &QueryConsumerOffsetRequestHeader {
            consumer_group: "e2e_g".into(),
            topic: "E2ETopic".into(),
            queue_id: 0,
            set_zero_if_not_found: None,
        },
    );
    let r = client.invoke(&addr, q, 3000).await.unwrap();
    assert_eq!(
        r.decode_header::<QueryConsumerOffsetResponseHeader>()
            .unwrap()
            .offset,
        321
    );

    // With the first NameServer gone, a new topic is still registered with the second at once.
    let ns1 = cluster.namesrv_addrs()[1].clone();
    cluster.stop_namesrv(0);
    send(&client, &addr, "E2EAfterNsDown", 0)
        .await
        .expect("send ok");
    eventually(Duration::from_secs(10), || async {
        routed(&cluster, &ns1, "E2EAfterNsDown").await.then_some(())
    })
    .await
    .unwrap();

    // SIGTERM: clean exit and unregistration.
    assert!(cluster.stop_broker(0), "broker exits cleanly on SIGTERM");
    let ci = cluster.cluster_info(&ns1).await.unwrap();
    assert!(
        !ci.broker_addr_table.contains_key("broker-e2e"),
        "unregistered on shutdown"
    );
}
