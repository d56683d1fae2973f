//! Shared helpers of the broker integration tests: an in-process broker on port 0 with a temp
//! store, and a client speaking the protocol to it.

#![allow(dead_code)]

use bytes::Bytes;
use rmq_broker::{BrokerConfigs, BrokerController, BrokerHandle};
use rmq_common::message::message_decoder::{self, DecodeOptions};
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::MessageExt;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, ConsumerData, HeartbeatData, MessageModel, ProducerData,
    SubscriptionData,
};
use rmq_remoting::protocol::header::broker::{
    PullMessageRequestHeader, PullMessageResponseHeader, SendMessageRequestHeaderV2,
    SendMessageResponseHeader,
};
use rmq_remoting::{NettyClientConfig, RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Fast delay levels so retry and delay tests finish quickly.
pub const TEST_DELAY_LEVELS: &str = "1s 2s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s";

/// Returns configs for a broker on 127.0.0.1, port 0, storing under `store`.
pub fn test_configs(store: &Path, namesrv: Option<String>) -> BrokerConfigs {
    let mut c = BrokerConfigs::default();
    c.broker_config.broker_name = "broker-a".into();
    c.broker_config.broker_ip1 = "127.0.0.1".into();
    c.broker_config.broker_ip2 = "127.0.0.1".into();
    c.broker_config.namesrv_addr = namesrv;
    c.broker_config.rocketmq_home = Some(store.display().to_string());
    c.broker_config.broker_config_path =
        Some(store.join("broker.properties").display().to_string());
    c.netty_server_config.listen_port = 0;
    c.netty_server_config.bind_address = "127.0.0.1".into();
    c.message_store_config.store_path_root_dir = store.display().to_string();
    c.message_store_config.mapped_file_size_commit_log = 8 * 1024 * 1024;
    c.message_store_config.mapped_file_size_consume_queue = 6000;
    c.message_store_config.message_delay_level = TEST_DELAY_LEVELS.into();
    c.message_store_config.flush_delay_offset_interval = 200;
    c.broker_config.flush_consumer_offset_interval = 200;
    c.finish().unwrap();
    c
}

/// Starts an in-process name server on 127.0.0.1, port 0 (its kv config in a temp dir).
pub async fn start_namesrv() -> rmq_namesrv::NamesrvHandle {
    let dir = tempfile::tempdir().unwrap();
    let cfg = rmq_namesrv::NamesrvConfig {
        kv_config_path: dir.path().join("kv.json").display().to_string(),
        ..Default::default()
    };
    let server = rmq_remoting::NettyServerConfig {
        listen_port: 0,
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    rmq_namesrv::NamesrvController::start(cfg, server)
        .await
        .unwrap()
}

/// Starts a broker.
pub async fn start_broker(store: &Path) -> BrokerHandle {
    BrokerController::start(test_configs(store, None))
        .await
        .unwrap()
}

/// Returns a client.
pub fn client() -> RemotingClient {
    RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    )
}

/// Builds a SEND_MESSAGE_V2 request.
pub fn send_request(
    topic: &str,
    queue_id: i32,
    props: &[(&str, &str)],
    body: &[u8],
) -> RemotingCommand {
    let map: HashMap<String, String> = props
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let header = SendMessageRequestHeaderV2 {
        producer_group: "pg".into(),
        topic: topic.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id,
        sys_flag: 0,
        born_timestamp: rmq_common::util_all::current_millis(),
        flag: 0,
        properties: Some(message_decoder::message_properties_to_string(&map)),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        max_reconsume_times: None,
        batch: Some(false),
        broker_name: None,
    };
    let mut r = RemotingCommand::create_request_command(RequestCode::SEND_MESSAGE_V2, &header);
    r.body = Bytes::copy_from_slice(body);
    r
}

/// Sends one message and returns the response.
pub async fn send(
    client: &RemotingClient,
    addr: &str,
    topic: &str,
    queue_id: i32,
    props: &[(&str, &str)],
    body: &[u8],
) -> RemotingCommand {
    client
        .invoke(addr, send_request(topic, queue_id, props, body), 5000)
        .await
        .unwrap()
}

/// Sends one message and returns its response header, panicking unless SUCCESS.
pub async fn send_ok(
    client: &RemotingClient,
    addr: &str,
    topic: &str,
    queue_id: i32,
    props: &[(&str, &str)],
    body: &[u8],
) -> SendMessageResponseHeader {
    let r = send(client, addr, topic, queue_id, props, body).await;
    assert_eq!(r.code, 0, "send failed: {:?}", r.remark);
    r.decode_header().unwrap()
}

/// Registers a push consumer of `group` subscribing `topic` with `expr`.
pub async fn heartbeat(
    client: &RemotingClient,
    addr: &str,
    group: &str,
    topic: &str,
    expr: &str,
) -> RemotingCommand {
    let subs = vec![
        SubscriptionData::build_tag(topic, expr),
        SubscriptionData::build_tag(&format!("%RETRY%{group}"), "*"),
    ];
    send_heartbeat(client, addr, group, true, subs).await
}

/// A v1 heartbeat of a push consumer of `group` (and no producer) with these subscriptions.
pub async fn heartbeat_subs(
    client: &RemotingClient,
    addr: &str,
    group: &str,
    subs: Vec<SubscriptionData>,
) -> RemotingCommand {
    send_heartbeat(client, addr, group, false, subs).await
}

async fn send_heartbeat(
    client: &RemotingClient,
    addr: &str,
    group: &str,
    inner_producer: bool,
    subs: Vec<SubscriptionData>,
) -> RemotingCommand {
    let producer_data_set = if inner_producer {
        vec![ProducerData {
            group_name: "CLIENT_INNER_PRODUCER".into(),
        }]
    } else {
        Vec::new()
    };
    let hb = HeartbeatData {
        client_id: format!("127.0.0.1@{group}"),
        producer_data_set,
        consumer_data_set: vec![ConsumerData {
            group_name: group.into(),
            consume_type: ConsumeType::ConsumePassively,
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromFirstOffset,
            subscription_data_set: subs,
            unit_mode: false,
        }],
        heartbeat_fingerprint: 0,
        without_sub: false,
    };
    let mut r = RemotingCommand::new_request(RequestCode::HEART_BEAT);
    r.body = Bytes::from(rmq_remoting::protocol::body::encode(&hb));
    client.invoke(addr, r, 5000).await.unwrap()
}

/// Builds a PULL_MESSAGE request.
pub fn pull_request(
    group: &str,
    topic: &str,
    queue_id: i32,
    offset: i64,
    suspend_ms: Option<i64>,
) -> RemotingCommand {
    let header = PullMessageRequestHeader {
        consumer_group: group.into(),
        topic: topic.into(),
        queue_id,
        queue_offset: offset,
        max_msg_nums: 32,
        sys_flag: pull_sys_flag::build_sys_flag(false, suspend_ms.is_some(), false, false),
        commit_offset: 0,
        suspend_timeout_millis: suspend_ms.unwrap_or(0),
        subscription: None,
        sub_version: 0,
        expression_type: None,
        max_msg_bytes: None,
        request_source: None,
        proxy_froward_client_id: None,
    };
    RemotingCommand::create_request_command(RequestCode::PULL_MESSAGE, &header)
}

/// Pulls once; returns the code, the response header (when present) and the messages.
pub async fn pull(
    client: &RemotingClient,
    addr: &str,
    group: &str,
    topic: &str,
    queue_id: i32,
    offset: i64,
) -> (i32, Option<PullMessageResponseHeader>, Vec<MessageExt>) {
    let r = client
        .invoke(
            addr,
            pull_request(group, topic, queue_id, offset, None),
            5000,
        )
        .await
        .unwrap();
    let header = r.decode_header::<PullMessageResponseHeader>().ok();
    let msgs = if r.code == ResponseCode::SUCCESS.0 {
        message_decoder::decodes(&r.body, DecodeOptions::default()).unwrap()
    } else {
        Vec::new()
    };
    (r.code, header, msgs)
}

/// Polls `f` every 50 ms until it returns `Some` or `timeout` passes.
pub async fn wait_for<T, F, Fut>(timeout: Duration, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return Some(v);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the store dispatched `n` messages into a queue (dispatch is asynchronous).
pub async fn wait_dispatched(broker: &BrokerHandle, topic: &str, queue_id: i32, n: i64) {
    use rmq_store::MessageStore;
    let store = broker.controller().message_store().clone();
    let ok = wait_for(Duration::from_secs(10), || {
        let max = store.get_max_offset_in_queue(topic, queue_id);
        async move { (max >= n).then_some(()) }
    })
    .await;
    assert!(
        ok.is_some(),
        "{topic}/{queue_id} did not reach {n} messages"
    );
}
