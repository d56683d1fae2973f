#![allow(clippy::unwrap_used)]
//! Every NameServer request code driven over a real connection against a NameServer on
//! 127.0.0.1 port 0, in both serializations (JSON and ROCKETMQ headers) where the header
//! matters. One test per code, named after it; extra tests cover the variants (compressed
//! body, CRC mismatch, zone routing, ...), KV persistence across restarts and broker expiry.

use rmq_common::mix_all::ORDER_TOPIC_CONFIG;
use rmq_common::mq_version::{CURRENT_VERSION, V4_9_8};
use rmq_common::{properties, util_all, DataVersion, TopicConfig};
use rmq_namesrv::{NamesrvConfig, NamesrvController, NamesrvHandle};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use rmq_remoting::protocol::body::route::{
    ClusterInfo, GetBrokerMemberGroupResponseBody, KVTable, QueueData, TopicList, TopicRouteData,
};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::namesrv::*;
use rmq_remoting::protocol::header::{CommandCustomHeader, EmptyHeader};
use rmq_remoting::{
    NettyClientConfig, NettyServerConfig, RemotingClient, RemotingCommand, RequestCode,
    ResponseCode, SerializeType,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SERS: [SerializeType; 2] = [SerializeType::Json, SerializeType::RocketMQ];
const CLUSTER: &str = "DefaultCluster";
const TIMEOUT_MS: u64 = 5_000;

struct Ns {
    handle: NamesrvHandle,
    addr: String,
    client: RemotingClient,
    dir: tempfile::TempDir,
}

fn new_client() -> RemotingClient {
    RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    )
}

fn config_in(dir: &std::path::Path, f: impl FnOnce(&mut NamesrvConfig)) -> NamesrvConfig {
    let mut c = NamesrvConfig {
        kv_config_path: dir.join("namesrv/kvConfig.json").display().to_string(),
        config_store_path: dir.join("namesrv/namesrv.properties").display().to_string(),
        ..Default::default()
    };
    f(&mut c);
    c
}

fn netty() -> NettyServerConfig {
    NettyServerConfig {
        bind_address: "127.0.0.1".into(),
        listen_port: 0,
        ..Default::default()
    }
}

async fn start_in(dir: tempfile::TempDir, f: impl FnOnce(&mut NamesrvConfig)) -> Ns {
    let handle = NamesrvController::start(config_in(dir.path(), f), netty())
        .await
        .unwrap();
    let addr = handle.connect_addr();
    Ns {
        handle,
        addr,
        client: new_client(),
        dir,
    }
}

async fn start(f: impl FnOnce(&mut NamesrvConfig)) -> Ns {
    start_in(tempfile::tempdir().unwrap(), f).await
}

impl Ns {
    async fn call(&self, req: RemotingCommand) -> RemotingCommand {
        call_with(&self.client, &self.addr, req).await
    }

    async fn stop(self) -> tempfile::TempDir {
        self.client.shutdown().await;
        self.handle.shutdown().await;
        self.dir
    }

    async fn route(&self, topic: &str) -> RemotingCommand {
        let h = GetRouteInfoRequestHeader {
            topic: topic.into(),
            accept_standard_json_only: None,
        };
        self.call(req(
            RequestCode::GET_ROUTEINFO_BY_TOPIC,
            &h,
            SerializeType::Json,
        ))
        .await
    }

    /// Polls until `topic` has no route (asynchronous unregistration), at most 10 s.
    async fn wait_route_gone(&self, topic: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let r = self.route(topic).await;
            if r.code == ResponseCode::TOPIC_NOT_EXIST.0 {
                return;
            }
            assert!(Instant::now() < deadline, "route of {topic} still served");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn call_with(client: &RemotingClient, addr: &str, req: RemotingCommand) -> RemotingCommand {
    let code = req.code;
    let ser = req.serialize_type;
    let opaque = req.opaque;
    let r = client.invoke(addr, req, TIMEOUT_MS).await.unwrap();
    assert!(r.is_response(), "code {code}: no response flag");
    assert_eq!(r.opaque, opaque);
    assert_eq!(
        r.serialize_type, ser,
        "code {code}: answered in another serialization"
    );
    assert_ne!(r.version, 0, "code {code}: response advertises version 0");
    r
}

fn req<H: CommandCustomHeader>(
    code: RequestCode,
    header: &H,
    ser: SerializeType,
) -> RemotingCommand {
    let mut r = RemotingCommand::create_request_command(code, header);
    r.serialize_type = ser;
    r
}

fn assert_code(r: &RemotingCommand, code: ResponseCode) {
    assert_eq!(r.code, code.0, "unexpected response {r:?}");
}

fn topic_configs(topics: &[(&str, i32, i32)]) -> RegisterBrokerBody {
    let mut body = RegisterBrokerBody::default();
    let w = &mut body.topic_config_serialize_wrapper;
    w.data_version = DataVersion {
        state_version: 0,
        timestamp: 1_700_000_000_000,
        counter: 1,
    };
    for (name, queues, sys_flag) in [("TBW102", 8, 0), ("SELF_TEST_TOPIC", 1, 0)]
        .into_iter()
        .chain(topics.iter().copied())
    {
        let mut tc = TopicConfig::with_queues(name, queues, queues, 6);
        tc.topic_sys_flag = sys_flag;
        w.topic_config_table.insert(name.to_string(), tc);
    }
    body
}

fn register_header(name: &str, addr: &str, id: i64) -> RegisterBrokerRequestHeader {
    RegisterBrokerRequestHeader {
        broker_name: name.into(),
        broker_addr: addr.into(),
        cluster_name: CLUSTER.into(),
        ha_server_addr: format!("{addr}-ha"),
        broker_id: id,
        heartbeat_timeout_millis: None,
        enable_acting_master: Some(false),
        compressed: Some(false),
        body_crc32: Some(0),
    }
}

fn register_request(
    header: &RegisterBrokerRequestHeader,
    body: &RegisterBrokerBody,
    ser: SerializeType,
) -> RemotingCommand {
    let compressed = header.compressed.unwrap_or(false);
    let bytes = body.encode(compressed);
    let mut h = header.clone();
    if h.body_crc32 == Some(0) {
        h.body_crc32 = Some(util_all::crc32(&bytes));
    }
    req(RequestCode::REGISTER_BROKER, &h, ser).with_body(bytes)
}

/// Registers master `name` at `addr` with the system topics plus `topics`.
async fn register(ns: &Ns, name: &str, addr: &str, topics: &[(&str, i32, i32)]) -> RemotingCommand {
    let r = ns
        .call(register_request(
            &register_header(name, addr, 0),
            &topic_configs(topics),
            SerializeType::Json,
        ))
        .await;
    assert_code(&r, ResponseCode::SUCCESS);
    r
}

fn route_of(r: &RemotingCommand) -> TopicRouteData {
    assert_code(r, ResponseCode::SUCCESS);
    decode(&r.body).unwrap()
}

fn topics_of(r: &RemotingCommand) -> Vec<String> {
    assert_code(r, ResponseCode::SUCCESS);
    let l: TopicList = decode(&r.body).unwrap();
    l.topic_list.into_iter().collect()
}

fn put_kv(ns: &str, key: &str, value: &str, ser: SerializeType) -> RemotingCommand {
    let h = PutKVConfigRequestHeader {
        namespace: ns.into(),
        key: key.into(),
        value: value.into(),
    };
    req(RequestCode::PUT_KV_CONFIG, &h, ser)
}

fn get_kv(ns: &str, key: &str, ser: SerializeType) -> RemotingCommand {
    let h = GetKVConfigRequestHeader {
        namespace: ns.into(),
        key: key.into(),
    };
    req(RequestCode::GET_KV_CONFIG, &h, ser)
}

// ---- 100 / 101 / 102 / 219: KV config ----

#[tokio::test]
async fn put_kv_config() {
    let ns = start(|_| {}).await;
    for ser in SERS {
        let r = ns
            .call(put_kv("ns1", &format!("k-{ser:?}"), "värde ✓", ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        let r = ns.call(get_kv("ns1", &format!("k-{ser:?}"), ser)).await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_eq!(r.ext_field("value"), Some("värde ✓"));
        // A missing required header field is a SYSTEM_ERROR with Java's remark.
        let mut bad = put_kv("ns1", "k", "v", ser);
        bad.ext_fields.remove("value");
        let r = ns.call(bad).await;
        assert_code(&r, ResponseCode::SYSTEM_ERROR);
        assert_eq!(
            r.remark.as_deref(),
            Some("the custom field <value> is null")
        );
    }
    let text = std::fs::read_to_string(ns.dir.path().join("namesrv/kvConfig.json")).unwrap();
    assert!(text.starts_with(r#"{"configTable":{"ns1":{"#), "{text}");
    assert!(text.contains("k-RocketMQ"));
    ns.stop().await;
}

/// A file where a directory should be: a path under it cannot be written, even by root.
fn unwritable_path(dir: &std::path::Path, name: &str) -> String {
    std::fs::write(dir.join("blocker"), "").unwrap();
    dir.join("blocker").join(name).display().to_string()
}

#[tokio::test]
async fn put_and_delete_kv_config_that_cannot_be_saved_answer_system_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = unwritable_path(dir.path(), "kvConfig.json");
    let kv_path = path.clone();
    let ns = start_in(dir, move |c| c.kv_config_path = kv_path).await;
    for ser in SERS {
        // Java answers SUCCESS here although nothing was saved.
        let r = ns.call(put_kv("ns1", "k", "v", ser)).await;
        assert_code(&r, ResponseCode::SYSTEM_ERROR);
        let remark = r.remark.unwrap();
        assert!(
            remark.starts_with(&format!(
                "the change was not saved and is undone: cannot write {path}: "
            )) && remark.contains("os error"),
            "{remark}"
        );
        // What is served matches what is on disk: nothing.
        let r = ns.call(get_kv("ns1", "k", ser)).await;
        assert_code(&r, ResponseCode::QUERY_NOT_FOUND);
    }
    // A value loaded in memory stays when its delete cannot be saved.
    ns.handle
        .controller()
        .kv_config_manager()
        .put_kv_config_in_memory("ns1", "kept", "1");
    let h = DeleteKVConfigRequestHeader {
        namespace: "ns1".into(),
        key: "kept".into(),
    };
    let r = ns
        .call(req(RequestCode::DELETE_KV_CONFIG, &h, SerializeType::Json))
        .await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    let r = ns.call(get_kv("ns1", "kept", SerializeType::Json)).await;
    assert_eq!(r.ext_field("value"), Some("1"));
    ns.stop().await;
}

#[tokio::test]
async fn put_kv_config_oneway() {
    let ns = start(|_| {}).await;
    for ser in SERS {
        let key = format!("oneway-{ser:?}");
        ns.client
            .invoke_oneway(&ns.addr, put_kv("ns", &key, "v", ser), TIMEOUT_MS)
            .await
            .unwrap();
        // No answer to the oneway request: every answer read carries a GET's opaque.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let r = ns.call(get_kv("ns", &key, ser)).await;
            if r.code == ResponseCode::SUCCESS.0 {
                assert_eq!(r.ext_field("value"), Some("v"));
                break;
            }
            assert!(Instant::now() < deadline, "oneway put never applied");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    ns.stop().await;
}

#[tokio::test]
async fn get_kv_config() {
    let ns = start(|_| {}).await;
    ns.call(put_kv("ns", "present", "1", SerializeType::Json))
        .await;
    for ser in SERS {
        let r = ns.call(get_kv("ns", "present", ser)).await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_eq!(r.ext_field("value"), Some("1"));
        let r = ns.call(get_kv("ns", "missing", ser)).await;
        assert_code(&r, ResponseCode::QUERY_NOT_FOUND);
        assert_eq!(
            r.remark.as_deref(),
            Some("No config item, Namespace: ns Key: missing")
        );
        let r = ns.call(get_kv("nope", "k", ser)).await;
        assert_eq!(
            r.remark.as_deref(),
            Some("No config item, Namespace: nope Key: k")
        );
    }
    ns.stop().await;
}

#[tokio::test]
async fn delete_kv_config() {
    let ns = start(|_| {}).await;
    for ser in SERS {
        ns.call(put_kv("ns", "k", "v", ser)).await;
        let h = DeleteKVConfigRequestHeader {
            namespace: "ns".into(),
            key: "k".into(),
        };
        let r = ns.call(req(RequestCode::DELETE_KV_CONFIG, &h, ser)).await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_code(
            &ns.call(get_kv("ns", "k", ser)).await,
            ResponseCode::QUERY_NOT_FOUND,
        );
        // Deleting what is not there still succeeds.
        let h = DeleteKVConfigRequestHeader {
            namespace: "other".into(),
            key: "k".into(),
        };
        assert_code(
            &ns.call(req(RequestCode::DELETE_KV_CONFIG, &h, ser)).await,
            ResponseCode::SUCCESS,
        );
    }
    let text = std::fs::read_to_string(ns.dir.path().join("namesrv/kvConfig.json")).unwrap();
    assert_eq!(text, r#"{"configTable":{"ns":{}}}"#);
    ns.stop().await;
}

#[tokio::test]
async fn get_kvlist_by_namespace() {
    let ns = start(|_| {}).await;
    ns.call(put_kv("list", "a", "1", SerializeType::Json)).await;
    ns.call(put_kv("list", "b", "2", SerializeType::Json)).await;
    for ser in SERS {
        let h = GetKVListByNamespaceRequestHeader {
            namespace: "list".into(),
        };
        let r = ns
            .call(req(RequestCode::GET_KVLIST_BY_NAMESPACE, &h, ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        let t: KVTable = decode(&r.body).unwrap();
        assert_eq!(t.table.len(), 2);
        assert_eq!(t.table["b"], "2");
        let h = GetKVListByNamespaceRequestHeader {
            namespace: "none".into(),
        };
        let r = ns
            .call(req(RequestCode::GET_KVLIST_BY_NAMESPACE, &h, ser))
            .await;
        assert_code(&r, ResponseCode::QUERY_NOT_FOUND);
        assert_eq!(r.remark.as_deref(), Some("No config item, Namespace: none"));
    }
    ns.stop().await;
}

#[tokio::test]
async fn kv_config_written_and_reloaded_on_restart() {
    let ns = start(|_| {}).await;
    ns.call(put_kv(
        ORDER_TOPIC_CONFIG,
        "T",
        "broker-a:4",
        SerializeType::Json,
    ))
    .await;
    ns.call(put_kv("ns", "k", "v", SerializeType::RocketMQ))
        .await;
    let dir = ns.stop().await;
    let path = dir.path().join("namesrv/kvConfig.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        r#"{"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:4"},"ns":{"k":"v"}}}"#
    );

    let ns = start_in(dir, |_| {}).await;
    let r = ns.call(get_kv("ns", "k", SerializeType::Json)).await;
    assert_eq!(r.ext_field("value"), Some("v"));
    let r = ns
        .call(get_kv(ORDER_TOPIC_CONFIG, "T", SerializeType::Json))
        .await;
    assert_eq!(r.ext_field("value"), Some("broker-a:4"));
    ns.stop().await;
}

// ---- 103 REGISTER_BROKER ----

#[tokio::test]
async fn register_broker() {
    let ns = start(|_| {}).await;
    for (i, ser) in SERS.into_iter().enumerate() {
        let name = format!("broker-{i}");
        let addr = format!("10.0.0.{i}:10911");
        let h = register_header(&name, &addr, 0);
        let r = ns
            .call(register_request(&h, &topic_configs(&[("T", 4, 0)]), ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        // A master gets no master address and, without ORDER_TOPIC_CONFIG, no body.
        assert_eq!(r.ext_field("masterAddr"), None);
        assert!(r.body.is_empty());
    }
    let route = route_of(&ns.route("T").await);
    assert_eq!(route.queue_datas.len(), 2);
    assert_eq!(route.broker_datas.len(), 2);
    assert_eq!(route.queue_datas[0].read_queue_nums, 4);

    // With ORDER_TOPIC_CONFIG present the response carries that namespace.
    ns.call(put_kv(
        ORDER_TOPIC_CONFIG,
        "T",
        "broker-0:4",
        SerializeType::Json,
    ))
    .await;
    let r = ns
        .call(register_request(
            &register_header("broker-0", "10.0.0.0:10911", 0),
            &topic_configs(&[("T", 4, 0)]),
            SerializeType::Json,
        ))
        .await;
    let t: KVTable = decode(&r.body).unwrap();
    assert_eq!(t.table["T"], "broker-0:4");
    ns.stop().await;

    let ns = start(|c| c.return_order_topic_config_to_broker = false).await;
    ns.call(put_kv(ORDER_TOPIC_CONFIG, "T", "b:4", SerializeType::Json))
        .await;
    let r = register(&ns, "b", "1.1.1.1:1", &[]).await;
    assert!(r.body.is_empty());
    ns.stop().await;
}

#[tokio::test]
async fn register_broker_compressed() {
    let ns = start(|_| {}).await;
    for (i, ser) in SERS.into_iter().enumerate() {
        let mut h = register_header(&format!("zb-{i}"), &format!("10.1.0.{i}:10911"), 0);
        h.compressed = Some(true);
        let r = ns
            .call(register_request(
                &h,
                &topic_configs(&[("Zipped", 3, 0)]),
                ser,
            ))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
    }
    let route = route_of(&ns.route("Zipped").await);
    assert_eq!(route.queue_datas.len(), 2);
    assert!(route.queue_datas.iter().all(|q| q.write_queue_nums == 3));
    // A body that is not a zlib stream is refused.
    let mut h = register_header("zb-x", "10.1.0.9:10911", 0);
    h.compressed = Some(true);
    h.body_crc32 = None;
    let r = ns
        .call(
            req(RequestCode::REGISTER_BROKER, &h, SerializeType::Json).with_body(&b"not zlib"[..]),
        )
        .await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    assert!(r
        .remark
        .unwrap()
        .starts_with("Failed to decode RegisterBrokerBody"));
    ns.stop().await;
}

#[tokio::test]
async fn register_broker_4x_broker() {
    // A 4.9.8 broker: version 409, no enableActingMaster, plain JSON body.
    let ns = start(|_| {}).await;
    let mut h = register_header("old", "10.2.0.1:10911", 0);
    h.enable_acting_master = None;
    h.heartbeat_timeout_millis = None;
    let mut r = register_request(&h, &topic_configs(&[("Old", 2, 0)]), SerializeType::Json);
    r.version = V4_9_8;
    assert_code(&ns.call(r).await, ResponseCode::SUCCESS);
    assert_eq!(
        route_of(&ns.route("Old").await).queue_datas[0].read_queue_nums,
        2
    );
    ns.stop().await;
}

#[tokio::test]
async fn register_broker_crc32_mismatch() {
    let ns = start(|_| {}).await;
    for ser in SERS {
        let mut h = register_header("b", "10.3.0.1:10911", 0);
        h.body_crc32 = Some(12345);
        let r = ns
            .call(register_request(&h, &topic_configs(&[]), ser))
            .await;
        assert_code(&r, ResponseCode::SYSTEM_ERROR);
        assert_eq!(r.remark.as_deref(), Some("crc32 not match"));
    }
    assert_code(&ns.route("TBW102").await, ResponseCode::TOPIC_NOT_EXIST);
    // An unmasked CRC-32 fails too: the check uses Java's 31-bit mask.
    let body = topic_configs(&[]);
    let bytes = body.encode(false);
    let unmasked = crc32_unmasked(&bytes);
    if unmasked != util_all::crc32(&bytes) {
        let mut h = register_header("b", "10.3.0.1:10911", 0);
        h.body_crc32 = Some(unmasked);
        let r = ns
            .call(req(RequestCode::REGISTER_BROKER, &h, SerializeType::Json).with_body(bytes))
            .await;
        assert_code(&r, ResponseCode::SYSTEM_ERROR);
    }
    // No CRC (0 or absent) skips the check.
    let mut h = register_header("b", "10.3.0.1:10911", 0);
    h.body_crc32 = None;
    let r = ns
        .call(
            req(RequestCode::REGISTER_BROKER, &h, SerializeType::Json)
                .with_body(body.encode(false)),
        )
        .await;
    assert_code(&r, ResponseCode::SUCCESS);
    ns.stop().await;
}

fn crc32_unmasked(data: &[u8]) -> i32 {
    // Bitwise CRC-32 (IEEE), without the 0x7FFFFFFF mask.
    let mut crc: u32 = !0;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    (!crc) as i32
}

#[tokio::test]
async fn register_broker_single_topic_first_rejected() {
    let ns = start(|_| {}).await;
    for ser in SERS {
        let mut body = RegisterBrokerBody::default();
        body.topic_config_serialize_wrapper
            .topic_config_table
            .insert("Only".into(), TopicConfig::with_queues("Only", 1, 1, 6));
        let r = ns
            .call(register_request(
                &register_header("single", "10.4.0.1:1", 0),
                &body,
                ser,
            ))
            .await;
        assert_code(&r, ResponseCode::SYSTEM_ERROR);
        assert_eq!(r.remark.as_deref(), Some("register broker failed"));
    }
    let ci: ClusterInfo = decode(
        &ns.call(req(
            RequestCode::GET_BROKER_CLUSTER_INFO,
            &EmptyHeader,
            SerializeType::Json,
        ))
        .await
        .body,
    )
    .unwrap();
    assert!(ci.broker_addr_table.is_empty());
    ns.stop().await;
}

#[tokio::test]
async fn register_broker_slave_gets_master_addr() {
    let ns = start(|_| {}).await;
    for ser in SERS {
        let h = register_header("ms", "10.5.0.2:10911", 1);
        let r = ns
            .call(register_request(&h, &topic_configs(&[]), ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_eq!(r.ext_field("masterAddr"), None, "no master registered yet");
    }
    register(&ns, "ms", "10.5.0.1:10911", &[]).await;
    for ser in SERS {
        let h = register_header("ms", "10.5.0.2:10911", 1);
        let r = ns
            .call(register_request(&h, &topic_configs(&[]), ser))
            .await;
        assert_eq!(r.ext_field("masterAddr"), Some("10.5.0.1:10911"));
        assert_eq!(r.ext_field("haServerAddr"), Some("10.5.0.1:10911-ha"));
    }
    ns.stop().await;
}

// ---- 104 UNREGISTER_BROKER ----

#[tokio::test]
async fn unregister_broker() {
    let ns = start(|_| {}).await;
    for (i, ser) in SERS.into_iter().enumerate() {
        let name = format!("u{i}");
        let addr = format!("10.6.0.{i}:10911");
        let topic = format!("U{i}");
        register(&ns, &name, &addr, &[(&topic, 4, 0)]).await;
        route_of(&ns.route(&topic).await);
        let h = UnRegisterBrokerRequestHeader {
            broker_name: name.clone(),
            broker_addr: addr.clone(),
            cluster_name: CLUSTER.into(),
            broker_id: 0,
        };
        let r = ns.call(req(RequestCode::UNREGISTER_BROKER, &h, ser)).await;
        assert_code(&r, ResponseCode::SUCCESS);
        ns.wait_route_gone(&topic).await;
    }
    let ci: ClusterInfo = decode(
        &ns.call(req(
            RequestCode::GET_BROKER_CLUSTER_INFO,
            &EmptyHeader,
            SerializeType::Json,
        ))
        .await
        .body,
    )
    .unwrap();
    assert!(ci.cluster_addr_table.is_empty());
    ns.stop().await;
}

// ---- 105 GET_ROUTEINFO_BY_TOPIC ----

#[tokio::test]
async fn get_routeinfo_by_topic() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.7.0.1:10911", &[("T", 4, 0)]).await;
    for ser in SERS {
        for version in [CURRENT_VERSION, 399] {
            let h = GetRouteInfoRequestHeader {
                topic: "T".into(),
                accept_standard_json_only: None,
            };
            let mut r = req(RequestCode::GET_ROUTEINFO_BY_TOPIC, &h, ser);
            r.version = version;
            let r = ns.call(r).await;
            let text = String::from_utf8(r.body.to_vec()).unwrap();
            assert!(
                text.contains(r#""brokerAddrs":{"0":"10.7.0.1:10911"}"#),
                "{text}"
            );
            assert!(text.contains(r#""filterServerTable":{}"#), "{text}");
            assert!(!text.contains("orderTopicConf"));
            let route = route_of(&r);
            assert_eq!(route.broker_datas[0].cluster, CLUSTER);
            assert_eq!(
                route.queue_datas,
                vec![QueueData {
                    broker_name: "broker-a".into(),
                    read_queue_nums: 4,
                    write_queue_nums: 4,
                    perm: 6,
                    topic_sys_flag: 0,
                }]
            );
        }
        let h = GetRouteInfoRequestHeader {
            topic: "Missing".into(),
            accept_standard_json_only: Some(true),
        };
        let r = ns
            .call(req(RequestCode::GET_ROUTEINFO_BY_TOPIC, &h, ser))
            .await;
        assert_code(&r, ResponseCode::TOPIC_NOT_EXIST);
        assert_eq!(
            r.remark.as_deref(),
            Some(
                "No topic route info in name server for the topic: Missing\n\
                 See https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details."
            )
        );
    }
    ns.stop().await;
}

#[tokio::test]
async fn get_routeinfo_by_topic_order_topic_conf() {
    let ns = start(|c| c.order_message_enable = true).await;
    register(
        &ns,
        "broker-a",
        "10.8.0.1:10911",
        &[("Ordered", 4, 0), ("Plain", 4, 0)],
    )
    .await;
    ns.call(put_kv(
        ORDER_TOPIC_CONFIG,
        "Ordered",
        "broker-a:4",
        SerializeType::Json,
    ))
    .await;
    let route = route_of(&ns.route("Ordered").await);
    assert_eq!(route.order_topic_conf.as_deref(), Some("broker-a:4"));
    assert_eq!(route_of(&ns.route("Plain").await).order_topic_conf, None);
    ns.stop().await;

    // orderMessageEnable=false (the default): never copied.
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.8.0.1:10911", &[("Ordered", 4, 0)]).await;
    ns.call(put_kv(
        ORDER_TOPIC_CONFIG,
        "Ordered",
        "broker-a:4",
        SerializeType::Json,
    ))
    .await;
    assert_eq!(route_of(&ns.route("Ordered").await).order_topic_conf, None);
    ns.stop().await;
}

#[tokio::test]
async fn get_routeinfo_by_topic_zone_mode() {
    let ns = start(|_| {}).await;
    for (name, addr, zone) in [
        ("za", "10.9.0.1:1", "zone-a"),
        ("zb", "10.9.0.2:1", "zone-b"),
    ] {
        let mut r = register_request(
            &register_header(name, addr, 0),
            &topic_configs(&[("Z", 2, 0)]),
            SerializeType::Json,
        );
        r.add_ext_field("__ZONE_NAME", zone);
        assert_code(&ns.call(r).await, ResponseCode::SUCCESS);
    }
    for ser in SERS {
        let h = GetRouteInfoRequestHeader {
            topic: "Z".into(),
            accept_standard_json_only: None,
        };
        let mut r = req(RequestCode::GET_ROUTEINFO_BY_TOPIC, &h, ser);
        r.add_ext_field("__ZONE_MODE", "true");
        r.add_ext_field("__ZONE_NAME", "zone-b");
        let route = route_of(&ns.call(r).await);
        assert_eq!(route.broker_datas.len(), 1);
        assert_eq!(route.broker_datas[0].broker_name, "zb");
        assert_eq!(route.broker_datas[0].zone_name.as_deref(), Some("zone-b"));
        assert_eq!(route.queue_datas.len(), 1);
        assert_eq!(route.queue_datas[0].broker_name, "zb");
    }
    // Without zone mode both groups are served.
    assert_eq!(route_of(&ns.route("Z").await).broker_datas.len(), 2);
    ns.stop().await;
}

#[tokio::test]
async fn get_routeinfo_by_topic_wait_for_service() {
    let ns = start(|c| {
        c.need_wait_for_service = true;
        c.wait_seconds_for_service = 3600;
    })
    .await;
    register(&ns, "b", "10.10.0.1:1", &[]).await;
    let r = ns.route("TBW102").await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    assert_eq!(r.remark.as_deref(), Some("name server not ready"));
    ns.stop().await;
}

// ---- 106 GET_BROKER_CLUSTER_INFO ----

#[tokio::test]
async fn get_broker_cluster_info() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.11.0.1:10911", &[]).await;
    let slave = register_header("broker-a", "10.11.0.2:10911", 1);
    ns.call(register_request(
        &slave,
        &topic_configs(&[]),
        SerializeType::Json,
    ))
    .await;
    for ser in SERS {
        let r = ns
            .call(req(RequestCode::GET_BROKER_CLUSTER_INFO, &EmptyHeader, ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        let ci: ClusterInfo = decode(&r.body).unwrap();
        assert!(ci.cluster_addr_table[CLUSTER].contains("broker-a"));
        let bd = &ci.broker_addr_table["broker-a"];
        assert_eq!(bd.broker_addrs[&0], "10.11.0.1:10911");
        assert_eq!(bd.broker_addrs[&1], "10.11.0.2:10911");
    }
    ns.stop().await;
}

// ---- 205 / 327: write permission ----

#[tokio::test]
async fn wipe_write_perm_of_broker() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.12.0.1:10911", &[("T", 4, 0)]).await;
    for ser in SERS {
        let h = WipeWritePermOfBrokerRequestHeader {
            broker_name: "broker-a".into(),
        };
        let r = ns
            .call(req(RequestCode::WIPE_WRITE_PERM_OF_BROKER, &h, ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_eq!(r.ext_field("wipeTopicCount"), Some("3"));
        assert_eq!(route_of(&ns.route("T").await).queue_datas[0].perm, 4);
    }
    let h = WipeWritePermOfBrokerRequestHeader {
        broker_name: "nobody".into(),
    };
    let r = ns
        .call(req(
            RequestCode::WIPE_WRITE_PERM_OF_BROKER,
            &h,
            SerializeType::Json,
        ))
        .await;
    assert_eq!(r.ext_field("wipeTopicCount"), Some("0"));
    ns.stop().await;
}

#[tokio::test]
async fn add_write_perm_of_broker() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.13.0.1:10911", &[("T", 4, 0)]).await;
    for ser in SERS {
        let wipe = WipeWritePermOfBrokerRequestHeader {
            broker_name: "broker-a".into(),
        };
        ns.call(req(RequestCode::WIPE_WRITE_PERM_OF_BROKER, &wipe, ser))
            .await;
        let h = AddWritePermOfBrokerRequestHeader {
            broker_name: "broker-a".into(),
        };
        let r = ns
            .call(req(RequestCode::ADD_WRITE_PERM_OF_BROKER, &h, ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_eq!(r.ext_field("addTopicCount"), Some("3"));
        assert_eq!(route_of(&ns.route("T").await).queue_datas[0].perm, 6);
    }
    ns.stop().await;
}

// ---- 206 / 224 / 304 / 311 / 312 / 313: topic lists ----

#[tokio::test]
async fn get_all_topic_list_from_nameserver() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.14.0.1:10911", &[("T", 4, 0)]).await;
    for ser in SERS {
        let r = ns
            .call(req(
                RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
                &EmptyHeader,
                ser,
            ))
            .await;
        assert_eq!(topics_of(&r), ["SELF_TEST_TOPIC", "T", "TBW102"]);
    }
    ns.stop().await;

    let ns = start(|c| c.enable_all_topic_list = false).await;
    let r = ns
        .call(req(
            RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
            &EmptyHeader,
            SerializeType::Json,
        ))
        .await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    assert_eq!(r.remark.as_deref(), Some("disable"));
    ns.stop().await;
}

#[tokio::test]
async fn get_topics_by_cluster() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.15.0.1:10911", &[("T", 4, 0)]).await;
    let mut other = register_header("broker-o", "10.15.0.2:10911", 0);
    other.cluster_name = "OtherCluster".into();
    ns.call(register_request(
        &other,
        &topic_configs(&[("O", 1, 0)]),
        SerializeType::Json,
    ))
    .await;
    for ser in SERS {
        let h = GetTopicsByClusterRequestHeader {
            cluster: CLUSTER.into(),
        };
        let r = ns
            .call(req(RequestCode::GET_TOPICS_BY_CLUSTER, &h, ser))
            .await;
        assert_eq!(topics_of(&r), ["SELF_TEST_TOPIC", "T", "TBW102"]);
        let h = GetTopicsByClusterRequestHeader {
            cluster: "Unknown".into(),
        };
        let r = ns
            .call(req(RequestCode::GET_TOPICS_BY_CLUSTER, &h, ser))
            .await;
        assert!(topics_of(&r).is_empty());
    }
    ns.stop().await;

    let ns = start(|c| c.enable_topic_list = false).await;
    let h = GetTopicsByClusterRequestHeader {
        cluster: CLUSTER.into(),
    };
    let r = ns
        .call(req(
            RequestCode::GET_TOPICS_BY_CLUSTER,
            &h,
            SerializeType::Json,
        ))
        .await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    assert_eq!(r.remark.as_deref(), Some("disable"));
    ns.stop().await;
}

#[tokio::test]
async fn get_system_topic_list_from_ns() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.16.0.1:10911", &[]).await;
    for ser in SERS {
        let r = ns
            .call(req(
                RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_NS,
                &EmptyHeader,
                ser,
            ))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        let l: TopicList = decode(&r.body).unwrap();
        assert_eq!(
            l.topic_list.into_iter().collect::<Vec<_>>(),
            [CLUSTER, "broker-a"]
        );
        assert_eq!(l.broker_addr.as_deref(), Some("10.16.0.1:10911"));
    }
    ns.stop().await;
}

async fn unit_topics_ns(f: impl FnOnce(&mut NamesrvConfig)) -> Ns {
    let ns = start(f).await;
    register(
        &ns,
        "broker-a",
        "10.17.0.1:10911",
        &[("Unit", 1, 1), ("UnitSub", 1, 2), ("Both", 1, 3)],
    )
    .await;
    ns
}

async fn check_unit_list(code: RequestCode, expected: &[&str]) {
    let ns = unit_topics_ns(|_| {}).await;
    for ser in SERS {
        let r = ns.call(req(code, &EmptyHeader, ser)).await;
        assert_eq!(topics_of(&r), expected, "code {code:?}");
    }
    ns.stop().await;
    let ns = unit_topics_ns(|c| c.enable_topic_list = false).await;
    let r = ns.call(req(code, &EmptyHeader, SerializeType::Json)).await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    assert_eq!(r.remark.as_deref(), Some("disable"));
    ns.stop().await;
}

#[tokio::test]
async fn get_unit_topic_list() {
    check_unit_list(RequestCode::GET_UNIT_TOPIC_LIST, &["Both", "Unit"]).await;
}

#[tokio::test]
async fn get_has_unit_sub_topic_list() {
    check_unit_list(
        RequestCode::GET_HAS_UNIT_SUB_TOPIC_LIST,
        &["Both", "UnitSub"],
    )
    .await;
}

#[tokio::test]
async fn get_has_unit_sub_ununit_topic_list() {
    check_unit_list(
        RequestCode::GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST,
        &["UnitSub"],
    )
    .await;
}

// ---- 216 / 217: topics ----

#[tokio::test]
async fn delete_topic_in_namesrv() {
    let ns = start(|_| {}).await;
    register(
        &ns,
        "broker-a",
        "10.18.0.1:10911",
        &[("T", 4, 0), ("U", 4, 0)],
    )
    .await;
    let mut other = register_header("broker-o", "10.18.0.2:10911", 0);
    other.cluster_name = "OtherCluster".into();
    ns.call(register_request(
        &other,
        &topic_configs(&[("T", 1, 0)]),
        SerializeType::Json,
    ))
    .await;
    // With a cluster: only that cluster's brokers leave the topic.
    let h = DeleteTopicFromNamesrvRequestHeader {
        topic: "T".into(),
        cluster_name: Some("OtherCluster".into()),
    };
    let r = ns
        .call(req(
            RequestCode::DELETE_TOPIC_IN_NAMESRV,
            &h,
            SerializeType::RocketMQ,
        ))
        .await;
    assert_code(&r, ResponseCode::SUCCESS);
    let route = route_of(&ns.route("T").await);
    assert_eq!(route.queue_datas.len(), 1);
    assert_eq!(route.queue_datas[0].broker_name, "broker-a");
    for (ser, topic) in SERS.into_iter().zip(["T", "U"]) {
        let h = DeleteTopicFromNamesrvRequestHeader {
            topic: topic.into(),
            cluster_name: None,
        };
        let r = ns
            .call(req(RequestCode::DELETE_TOPIC_IN_NAMESRV, &h, ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_code(&ns.route(topic).await, ResponseCode::TOPIC_NOT_EXIST);
    }
    ns.stop().await;
}

#[tokio::test]
async fn register_topic_in_namesrv() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.19.0.1:10911", &[]).await;
    let qd = |b: &str| QueueData {
        broker_name: b.into(),
        read_queue_nums: 2,
        write_queue_nums: 2,
        perm: 6,
        topic_sys_flag: 0,
    };
    for (ser, topic) in SERS.into_iter().zip(["New1", "New2"]) {
        let route = TopicRouteData {
            queue_datas: vec![qd("broker-a")],
            ..Default::default()
        };
        let h = RegisterTopicRequestHeader {
            topic: topic.into(),
        };
        let r = ns
            .call(req(RequestCode::REGISTER_TOPIC_IN_NAMESRV, &h, ser).with_body(encode(&route)))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_eq!(
            route_of(&ns.route(topic).await).queue_datas[0].read_queue_nums,
            2
        );
    }
    // Unknown brokers: ignored, still SUCCESS.
    let route = TopicRouteData {
        queue_datas: vec![qd("ghost")],
        ..Default::default()
    };
    let h = RegisterTopicRequestHeader {
        topic: "Ghost".into(),
    };
    let r = ns
        .call(
            req(
                RequestCode::REGISTER_TOPIC_IN_NAMESRV,
                &h,
                SerializeType::Json,
            )
            .with_body(encode(&route)),
        )
        .await;
    assert_code(&r, ResponseCode::SUCCESS);
    assert_code(&ns.route("Ghost").await, ResponseCode::TOPIC_NOT_EXIST);
    ns.stop().await;
}

// ---- 318 / 319: the NameServer's own config ----

fn update_config(text: &str, ser: SerializeType) -> RemotingCommand {
    req(RequestCode::UPDATE_NAMESRV_CONFIG, &EmptyHeader, ser).with_body(text.as_bytes().to_vec())
}

#[tokio::test]
async fn update_namesrv_config_that_cannot_be_saved_answers_system_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = unwritable_path(dir.path(), "namesrv.properties");
    let store_path = path.clone();
    let ns = start_in(dir, move |c| c.config_store_path = store_path).await;
    let get = || {
        req(
            RequestCode::GET_NAMESRV_CONFIG,
            &EmptyHeader,
            SerializeType::Json,
        )
    };
    let before = ns.call(get()).await.body;
    let r = ns
        .call(update_config(
            "enableAllTopicList=false
",
            SerializeType::Json,
        ))
        .await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    let remark = r.remark.unwrap();
    assert!(
        remark.contains(&format!("cannot write {path}: ")),
        "{remark}"
    );
    // The running config is what it was.
    assert_eq!(ns.call(get()).await.body, before);
    assert!(
        ns.handle
            .controller()
            .configuration()
            .namesrv_config_snapshot()
            .enable_all_topic_list
    );
    ns.stop().await;
}

#[tokio::test]
async fn update_namesrv_config() {
    let ns = start(|_| {}).await;
    let r = ns
        .call(update_config(
            "enableAllTopicList=false\n",
            SerializeType::Json,
        ))
        .await;
    assert_code(&r, ResponseCode::SUCCESS);
    let r = ns
        .call(req(
            RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
            &EmptyHeader,
            SerializeType::Json,
        ))
        .await;
    assert_eq!(r.remark.as_deref(), Some("disable"));
    let r = ns
        .call(update_config(
            "enableAllTopicList = true\norderMessageEnable=true\n",
            SerializeType::RocketMQ,
        ))
        .await;
    assert_code(&r, ResponseCode::SUCCESS);
    let snapshot = ns
        .handle
        .controller()
        .configuration()
        .namesrv_config_snapshot();
    assert!(snapshot.enable_all_topic_list && snapshot.order_message_enable);

    // Persisted to configStorePath as properties.
    let stored = std::fs::read_to_string(ns.dir.path().join("namesrv/namesrv.properties")).unwrap();
    let stored = properties::parse(&stored);
    assert_eq!(stored["orderMessageEnable"], "true");
    assert!(stored.contains_key("listenPort"));

    for ser in SERS {
        for key in [
            "kvConfigPath",
            "configStorePath",
            "configBlackList",
            "rocketmqHome",
        ] {
            let r = ns
                .call(update_config(&format!("{key}=/tmp/x\n"), ser))
                .await;
            assert_code(&r, ResponseCode::NO_PERMISSION);
            assert_eq!(
                r.remark.as_deref(),
                Some("Can not update config in black list.")
            );
        }
    }
    assert_ne!(
        ns.handle
            .controller()
            .configuration()
            .namesrv_config_snapshot()
            .kv_config_path,
        "/tmp/x"
    );
    ns.stop().await;

    // Keys added to configBlackList are refused too.
    let ns = start(|c| c.config_black_list = "configBlackList;orderMessageEnable".into()).await;
    let r = ns
        .call(update_config(
            "orderMessageEnable=true\n",
            SerializeType::Json,
        ))
        .await;
    assert_code(&r, ResponseCode::NO_PERMISSION);
    ns.stop().await;
}

#[tokio::test]
async fn get_namesrv_config() {
    let ns = start(|_| {}).await;
    let port = ns.handle.local_addr().port();
    for ser in SERS {
        let r = ns
            .call(req(RequestCode::GET_NAMESRV_CONFIG, &EmptyHeader, ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        let text = String::from_utf8(r.body.to_vec()).unwrap();
        let props = properties::parse(&text);
        assert_eq!(props["listenPort"], port.to_string());
        assert_eq!(props["bindAddress"], "127.0.0.1");
        assert_eq!(props["scanNotActiveBrokerInterval"], "5000");
        assert!(props["kvConfigPath"].ends_with("namesrv/kvConfig.json"));
        assert!(text.lines().all(|l| l.contains('=')));
    }
    ns.stop().await;
}

// ---- 322 / 904 / 901: broker liveness and membership ----

#[tokio::test]
async fn query_data_version() {
    let ns = start(|_| {}).await;
    let header = |addr: &str| QueryDataVersionRequestHeader {
        broker_name: "broker-a".into(),
        broker_addr: addr.into(),
        cluster_name: CLUSTER.into(),
        broker_id: 0,
    };
    let registered = topic_configs(&[])
        .topic_config_serialize_wrapper
        .data_version;
    for ser in SERS {
        // Unknown broker: changed, no body.
        let r = ns
            .call(
                req(
                    RequestCode::QUERY_DATA_VERSION,
                    &header("10.20.0.1:10911"),
                    ser,
                )
                .with_body(encode(&registered)),
            )
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        assert_eq!(r.ext_field("changed"), Some("true"));
        assert!(r.body.is_empty());
    }
    register(&ns, "broker-a", "10.20.0.1:10911", &[]).await;
    let rim = ns.handle.controller().route_info_manager().clone();
    for ser in SERS {
        rim.update_broker_info_update_timestamp_at(CLUSTER, "10.20.0.1:10911", 0);
        let r = ns
            .call(
                req(
                    RequestCode::QUERY_DATA_VERSION,
                    &header("10.20.0.1:10911"),
                    ser,
                )
                .with_body(encode(&registered)),
            )
            .await;
        assert_eq!(r.ext_field("changed"), Some("false"));
        let stored: DataVersion = decode(&r.body).unwrap();
        assert_eq!(stored, registered);
        // The query refreshed the broker's liveness.
        let live = rim.broker_live_info(CLUSTER, "10.20.0.1:10911").unwrap();
        assert!(live.last_update_timestamp > 0);

        let mut newer = registered.clone();
        newer.counter += 1;
        let r = ns
            .call(
                req(
                    RequestCode::QUERY_DATA_VERSION,
                    &header("10.20.0.1:10911"),
                    ser,
                )
                .with_body(encode(&newer)),
            )
            .await;
        assert_eq!(r.ext_field("changed"), Some("true"));
    }
    // No body: a decode error answered with SYSTEM_ERROR.
    let r = ns
        .call(req(
            RequestCode::QUERY_DATA_VERSION,
            &header("10.20.0.1:10911"),
            SerializeType::Json,
        ))
        .await;
    assert_code(&r, ResponseCode::SYSTEM_ERROR);
    ns.stop().await;
}

#[tokio::test]
async fn broker_heartbeat() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.21.0.1:10911", &[]).await;
    let rim = ns.handle.controller().route_info_manager().clone();
    for ser in SERS {
        rim.update_broker_info_update_timestamp_at(CLUSTER, "10.21.0.1:10911", 0);
        let h = BrokerHeartbeatRequestHeader {
            cluster_name: CLUSTER.into(),
            broker_addr: "10.21.0.1:10911".into(),
            broker_name: "broker-a".into(),
            broker_id: Some(0),
            heartbeat_timeout_mills: Some(10_000),
            ..Default::default()
        };
        let r = ns.call(req(RequestCode::BROKER_HEARTBEAT, &h, ser)).await;
        assert_code(&r, ResponseCode::SUCCESS);
        let live = rim.broker_live_info(CLUSTER, "10.21.0.1:10911").unwrap();
        assert!(
            live.last_update_timestamp > 0,
            "heartbeat did not refresh liveness"
        );
    }
    ns.stop().await;
}

#[tokio::test]
async fn get_broker_member_group() {
    let ns = start(|_| {}).await;
    register(&ns, "broker-a", "10.22.0.1:10911", &[]).await;
    let slave = register_header("broker-a", "10.22.0.2:10911", 1);
    ns.call(register_request(
        &slave,
        &topic_configs(&[]),
        SerializeType::Json,
    ))
    .await;
    for ser in SERS {
        let h = GetBrokerMemberGroupRequestHeader {
            cluster_name: CLUSTER.into(),
            broker_name: "broker-a".into(),
        };
        let r = ns
            .call(req(RequestCode::GET_BROKER_MEMBER_GROUP, &h, ser))
            .await;
        assert_code(&r, ResponseCode::SUCCESS);
        let body: GetBrokerMemberGroupResponseBody = decode(&r.body).unwrap();
        let g = body.broker_member_group;
        assert_eq!(g.cluster, CLUSTER);
        assert_eq!(g.broker_name, "broker-a");
        assert_eq!(g.broker_addrs.len(), 2);
        let h = GetBrokerMemberGroupRequestHeader {
            cluster_name: CLUSTER.into(),
            broker_name: "nobody".into(),
        };
        let r = ns
            .call(req(RequestCode::GET_BROKER_MEMBER_GROUP, &h, ser))
            .await;
        let body: GetBrokerMemberGroupResponseBody = decode(&r.body).unwrap();
        assert!(body.broker_member_group.broker_addrs.is_empty());
    }
    ns.stop().await;
}

// ---- anything else ----

#[tokio::test]
async fn unknown_request_code() {
    let ns = start(|_| {}).await;
    for ser in SERS {
        for code in [
            9999,
            RequestCode::SEND_MESSAGE.0,
            RequestCode::NOTIFY_MIN_BROKER_ID_CHANGE.0,
        ] {
            let r = ns.call(req(RequestCode(code), &EmptyHeader, ser)).await;
            assert_code(&r, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
            assert_eq!(
                r.remark,
                Some(format!(" request type {code} not supported"))
            );
        }
    }
    ns.stop().await;
}

// ---- broker liveness ----

#[tokio::test]
async fn broker_expires_with_short_channel_expired_time() {
    let ns = start(|c| {
        c.broker_channel_expired_time = 300;
        c.scan_not_active_broker_interval = 100;
    })
    .await;
    // The broker keeps its connection open but stops registering.
    let broker = new_client();
    let r = call_with(
        &broker,
        &ns.addr,
        register_request(
            &register_header("expiring", "10.23.0.1:10911", 0),
            &topic_configs(&[("Exp", 1, 0)]),
            SerializeType::Json,
        ),
    )
    .await;
    assert_code(&r, ResponseCode::SUCCESS);
    ns.wait_route_gone("Exp").await;
    // Java closes the expired broker's connection.
    let deadline = Instant::now() + Duration::from_secs(10);
    while broker.existing_channel(&ns.addr).is_some() {
        assert!(
            Instant::now() < deadline,
            "expired broker's connection still open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    broker.shutdown().await;
    ns.stop().await;
}

#[tokio::test]
async fn broker_expires_after_header_heartbeat_timeout() {
    let ns = start(|c| c.scan_not_active_broker_interval = 100).await;
    let broker = new_client();
    let mut h = register_header("expiring", "10.24.0.1:10911", 0);
    h.heartbeat_timeout_millis = Some(300);
    let r = call_with(
        &broker,
        &ns.addr,
        register_request(
            &h,
            &topic_configs(&[("Exp", 1, 0)]),
            SerializeType::RocketMQ,
        ),
    )
    .await;
    assert_code(&r, ResponseCode::SUCCESS);
    ns.wait_route_gone("Exp").await;
    broker.shutdown().await;
    ns.stop().await;
}

#[tokio::test]
async fn closing_registering_connection_removes_broker() {
    // Expiry is two minutes away: only the closed connection can remove the broker.
    let ns = start(|_| {}).await;
    let broker = new_client();
    for (ser, (name, addr)) in SERS
        .into_iter()
        .zip([("c1", "10.25.0.1:10911"), ("c2", "10.25.0.2:10911")])
    {
        let r = call_with(
            &broker,
            &ns.addr,
            register_request(
                &register_header(name, addr, 0),
                &topic_configs(&[("Closing", 1, 0)]),
                ser,
            ),
        )
        .await;
        assert_code(&r, ResponseCode::SUCCESS);
    }
    // A broker registered over another connection stays.
    register(&ns, "stays", "10.25.0.9:10911", &[("Stays", 1, 0)]).await;
    assert_eq!(route_of(&ns.route("Closing").await).broker_datas.len(), 2);
    broker.shutdown().await;
    ns.wait_route_gone("Closing").await;
    route_of(&ns.route("Stays").await);
    let ci: ClusterInfo = decode(
        &ns.call(req(
            RequestCode::GET_BROKER_CLUSTER_INFO,
            &EmptyHeader,
            SerializeType::Json,
        ))
        .await
        .body,
    )
    .unwrap();
    assert_eq!(ci.broker_addr_table.keys().collect::<Vec<_>>(), ["stays"]);
    ns.stop().await;
}

// ---- 905 NOTIFY_MIN_BROKER_ID_CHANGE (NameServer -> brokers, oneway) ----

struct NotifyCollector(tokio::sync::mpsc::UnboundedSender<RemotingCommand>);

#[async_trait::async_trait]
impl rmq_remoting::RequestProcessor for NotifyCollector {
    async fn process_request(
        &self,
        _channel: &rmq_remoting::Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, rmq_remoting::RemotingError> {
        let _ = self.0.send(request);
        Ok(None)
    }
}

/// A fake broker listening for NOTIFY_MIN_BROKER_ID_CHANGE.
async fn fake_broker() -> (
    rmq_remoting::ServerHandle,
    tokio::sync::mpsc::UnboundedReceiver<RemotingCommand>,
) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut d = RequestDispatcher::new();
    d.register_processor(
        RequestCode::NOTIFY_MIN_BROKER_ID_CHANGE,
        Arc::new(NotifyCollector(tx)),
    );
    let server = rmq_remoting::RemotingServer::bind(&netty(), Arc::new(d))
        .await
        .unwrap();
    (server, rx)
}

async fn next_notify(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<RemotingCommand>,
) -> RemotingCommand {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("no NOTIFY_MIN_BROKER_ID_CHANGE")
        .unwrap()
}

#[tokio::test]
async fn notify_min_broker_id_change() {
    let ns = start(|c| c.notify_min_broker_id_changed = true).await;
    let (master_srv, mut master_rx) = fake_broker().await;
    let (slave_srv, mut slave_rx) = fake_broker().await;
    let master = master_srv.local_addr().to_string();
    let slave = slave_srv.local_addr().to_string();
    let reg = |addr: &str, id: i64| {
        let mut h = register_header("acting", addr, id);
        h.enable_acting_master = Some(true);
        register_request(&h, &topic_configs(&[]), SerializeType::Json)
    };
    assert_code(&ns.call(reg(&slave, 1)).await, ResponseCode::SUCCESS);
    // The master joins: the minimum id drops from 1 to 0 and the slave is told.
    assert_code(&ns.call(reg(&master, 0)).await, ResponseCode::SUCCESS);
    let n = next_notify(&mut slave_rx).await;
    assert!(n.is_oneway());
    assert_eq!(n.ext_field("minBrokerId"), Some("0"));
    assert_eq!(n.ext_field("minBrokerAddr"), Some(master.as_str()));
    assert_eq!(
        n.ext_field("haBrokerAddr"),
        Some(format!("{master}-ha").as_str())
    );
    assert_eq!(n.ext_field("offlineBrokerAddr"), None);
    // The master leaves: the remaining slave becomes the minimum and is told.
    let h = UnRegisterBrokerRequestHeader {
        broker_name: "acting".into(),
        broker_addr: master.clone(),
        cluster_name: CLUSTER.into(),
        broker_id: 0,
    };
    assert_code(
        &ns.call(req(RequestCode::UNREGISTER_BROKER, &h, SerializeType::Json))
            .await,
        ResponseCode::SUCCESS,
    );
    let n = next_notify(&mut slave_rx).await;
    assert_eq!(n.ext_field("minBrokerId"), Some("1"));
    assert_eq!(n.ext_field("minBrokerAddr"), Some(slave.as_str()));
    assert_eq!(n.ext_field("offlineBrokerAddr"), Some(master.as_str()));
    assert!(
        master_rx.try_recv().is_err(),
        "the master was never the one to notify"
    );
    ns.stop().await;
    master_srv.shutdown(Duration::from_millis(10)).await;
    slave_srv.shutdown(Duration::from_millis(10)).await;
}
