//! The NameServer as a process: boot line, routes from a registered broker, KV config
//! persisted across a restart, unknown codes, and expiry of a silent broker.

use bytes::Bytes;
use rmq_common::{DataVersion, TopicConfig};
use rmq_remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use rmq_remoting::protocol::body::route::{KVTable, TopicRouteData};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::namesrv::{
    GetKVConfigRequestHeader, GetKVConfigResponseHeader, GetRouteInfoRequestHeader,
    PutKVConfigRequestHeader, RegisterBrokerRequestHeader,
};
use rmq_remoting::{RemotingCommand, RequestCode, ResponseCode, SerializeType};
use rmq_testkit::{eventually, Cluster};
use std::time::Duration;

fn register_request(
    broker: &str,
    addr: &str,
    topics: &[&str],
    timeout_ms: Option<i64>,
) -> RemotingCommand {
    let mut body = RegisterBrokerBody::default();
    body.topic_config_serialize_wrapper.data_version = DataVersion::new();
    for t in topics {
        body.topic_config_serialize_wrapper
            .topic_config_table
            .insert(t.to_string(), TopicConfig::with_queues(*t, 4, 4, 6));
    }
    let bytes = body.encode(false);
    let header = RegisterBrokerRequestHeader {
        broker_name: broker.into(),
        broker_addr: addr.into(),
        cluster_name: "E2ECluster".into(),
        ha_server_addr: addr.into(),
        broker_id: 0,
        heartbeat_timeout_millis: timeout_ms,
        enable_acting_master: Some(false),
        compressed: Some(false),
        body_crc32: Some(rmq_common::util_all::crc32(&bytes)),
    };
    RemotingCommand::create_request_command(RequestCode::REGISTER_BROKER, &header)
        .with_body(Bytes::from(bytes))
}

async fn route(cluster: &Cluster, topic: &str) -> RemotingCommand {
    let req = RemotingCommand::create_request_command(
        RequestCode::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader {
            topic: topic.into(),
            accept_standard_json_only: None,
        },
    );
    cluster
        .client()
        .invoke(&cluster.namesrv_addr(), req, 3000)
        .await
        .unwrap()
}

#[tokio::test]
async fn namesrv_routes_kv_and_restart() {
    let mut cluster = Cluster::builder().start_processes().await.unwrap();
    let ns = cluster.namesrv_addr();
    let client = cluster.client().clone();

    // A broker registers over its own connection; its topics get routes.
    let resp = client
        .invoke(
            &ns,
            register_request("e2e-a", "127.0.0.1:30911", &["TopicE2E", "TBW102"], None),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(
        resp.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        resp.remark
    );
    for t in [SerializeType::Json, SerializeType::RocketMQ] {
        let mut req = RemotingCommand::create_request_command(
            RequestCode::GET_ROUTEINFO_BY_TOPIC,
            &GetRouteInfoRequestHeader {
                topic: "TopicE2E".into(),
                accept_standard_json_only: None,
            },
        );
        req.serialize_type = t;
        let resp = client.invoke(&ns, req, 3000).await.unwrap();
        assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
        assert_eq!(resp.serialize_type, t);
        let route: TopicRouteData = decode(&resp.body).unwrap();
        assert_eq!(route.queue_datas[0].broker_name, "e2e-a");
        assert_eq!(route.broker_datas[0].master_addr(), Some("127.0.0.1:30911"));
    }
    let resp = route(&cluster, "NoSuchTopic").await;
    assert_eq!(resp.response_code(), ResponseCode::TOPIC_NOT_EXIST);

    // KV config survives a restart (persisted under ~/namesrv/kvConfig.json).
    let put = RemotingCommand::create_request_command(
        RequestCode::PUT_KV_CONFIG,
        &PutKVConfigRequestHeader {
            namespace: "ns1".into(),
            key: "k1".into(),
            value: "值1".into(),
        },
    );
    assert_eq!(
        client.invoke(&ns, put, 3000).await.unwrap().response_code(),
        ResponseCode::SUCCESS
    );
    cluster.restart_namesrv(0).unwrap();
    let get = RemotingCommand::create_request_command(
        RequestCode::GET_KV_CONFIG,
        &GetKVConfigRequestHeader {
            namespace: "ns1".into(),
            key: "k1".into(),
        },
    );
    let resp = eventually(Duration::from_secs(10), || {
        let client = client.clone();
        let ns = ns.clone();
        let get = get.clone();
        async move { client.invoke(&ns, get, 3000).await.ok() }
    })
    .await
    .unwrap();
    let h: GetKVConfigResponseHeader = resp.decode_header().unwrap();
    assert_eq!(h.value.as_deref(), Some("值1"));
    let kv_file = cluster.namesrv_home(0).join("namesrv/kvConfig.json");
    assert!(kv_file.exists(), "{} missing", kv_file.display());
    let list = RemotingCommand::create_request_command(
        RequestCode::GET_KVLIST_BY_NAMESPACE,
        &rmq_remoting::protocol::header::namesrv::GetKVListByNamespaceRequestHeader {
            namespace: "ns1".into(),
        },
    );
    let resp = client.invoke(&ns, list, 3000).await.unwrap();
    let table: KVTable = decode(&resp.body).unwrap();
    assert_eq!(table.table.get("k1").map(String::as_str), Some("值1"));

    // Unknown codes get Java's answer.
    let resp = client
        .invoke(&ns, RemotingCommand::new_request(RequestCode(12345)), 3000)
        .await
        .unwrap();
    assert_eq!(
        resp.response_code(),
        ResponseCode::REQUEST_CODE_NOT_SUPPORTED
    );
    assert_eq!(
        resp.remark.as_deref(),
        Some(" request type 12345 not supported")
    );
    let _ = encode(&KVTable::default());
}

#[tokio::test]
async fn silent_broker_expires_and_closed_connection_unregisters() {
    let cluster = Cluster::builder()
        .namesrv_prop("brokerChannelExpiredTime", 3000)
        .start_processes()
        .await
        .unwrap();
    let ns = cluster.namesrv_addr();

    // A broker that registers and then goes silent (its connection stays open) expires.
    let quiet = rmq_remoting::RemotingClient::new(
        Default::default(),
        std::sync::Arc::new(rmq_remoting::netty::processor::RequestDispatcher::new()),
    );
    let resp = quiet
        .invoke(
            &ns,
            register_request(
                "e2e-quiet",
                "127.0.0.1:31911",
                &["TopicQuiet", "TBW102"],
                None,
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    assert_eq!(
        route(&cluster, "TopicQuiet").await.response_code(),
        ResponseCode::SUCCESS
    );
    eventually(Duration::from_secs(30), || async {
        (route(&cluster, "TopicQuiet").await.response_code() == ResponseCode::TOPIC_NOT_EXIST)
            .then_some(())
    })
    .await
    .unwrap();
    // Only the expiry scan can have removed it: its connection was open and far from the
    // 120 s idle limit (Java's scan then closes that connection, as ours does).
    drop(quiet);

    // A broker whose connection closes is dropped at once (no need to wait for expiry).
    let gone = rmq_remoting::RemotingClient::new(
        Default::default(),
        std::sync::Arc::new(rmq_remoting::netty::processor::RequestDispatcher::new()),
    );
    let resp = gone
        .invoke(
            &ns,
            register_request(
                "e2e-gone",
                "127.0.0.1:32911",
                &["TopicGone", "TBW102"],
                Some(600_000),
            ),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    gone.shutdown().await;
    eventually(Duration::from_secs(10), || async {
        (route(&cluster, "TopicGone").await.response_code() == ResponseCode::TOPIC_NOT_EXIST)
            .then_some(())
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn namesrv_with_enable_controller_in_namesrv_runs_a_controller_beside_it() {
    let store = tempfile::tempdir().unwrap();
    let port = rmq_testkit::pick_port().unwrap();
    let ctrl = format!("127.0.0.1:{port}");
    let cluster = Cluster::builder()
        .namesrv_prop("enableControllerInNamesrv", "true")
        .namesrv_prop("controllerDLegerGroup", "group1")
        .namesrv_prop("controllerDLegerPeers", format!("n0-{ctrl}"))
        .namesrv_prop("controllerDLegerSelfId", "n0")
        .namesrv_prop("controllerStorePath", store.path().display())
        .start_processes()
        .await
        .unwrap();
    let client = cluster.client().clone();
    let leader = eventually(Duration::from_secs(20), || {
        let client = client.clone();
        let ctrl = ctrl.clone();
        async move {
            let r = client
                .invoke(
                    &ctrl,
                    RemotingCommand::new_request(RequestCode::CONTROLLER_GET_METADATA_INFO),
                    3000,
                )
                .await
                .ok()?;
            let h: rmq_remoting::protocol::header::controller::GetMetaDataResponseHeader =
                r.decode_header().ok()?;
            h.is_leader.then_some(h)
        }
    })
    .await
    .unwrap();
    assert_eq!(
        leader.controller_leader_address.as_deref(),
        Some(ctrl.as_str())
    );
    assert!(
        cluster
            .logs()
            .contains("The ControllerManager boot success"),
        "{}",
        cluster.logs()
    );
    // the NameServer itself still answers on its own port
    let r = route(&cluster, "NoSuchTopic").await;
    assert_eq!(r.response_code(), ResponseCode::TOPIC_NOT_EXIST);
}
