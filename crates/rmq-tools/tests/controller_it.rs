#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The controller commands through `mqadmin` against an rmq controller started in-process,
//! with a broker set of two stand-in brokers registered the way a Java broker in controller
//! mode registers; and `getBrokerEpoch` against a broker that does not serve
//! GET_BROKER_EPOCH_CACHE.

use async_trait::async_trait;
use rmq_common::properties::Properties;
use rmq_controller::{ControllerConfig, ControllerHandle};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::controller::SyncStateSet;
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::body::route::{BrokerData, ClusterInfo};
use rmq_remoting::protocol::header::controller::*;
use rmq_remoting::protocol::header::namesrv::BrokerHeartbeatRequestHeader;
use rmq_remoting::{
    Channel, NettyClientConfig, NettyServerConfig, RemotingClient, RemotingCommand, RemotingError,
    RemotingServer, RequestCode, RequestProcessor, ResponseCode,
};
use rmq_tools::command::mq_admin_startup::main0;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const CLUSTER: &str = "DefaultCluster";
const BROKER: &str = "broker-a";

async fn mqadmin(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = main0(&args, &mut out, &mut err).await;
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

async fn call(c: &RemotingClient, addr: &str, request: RemotingCommand) -> RemotingCommand {
    let r = c.invoke(addr, request, 5_000).await.unwrap();
    assert_eq!(r.response_code(), ResponseCode::SUCCESS, "{:?}", r.remark);
    r
}

/// GET_NEXT_BROKER_ID, APPLY_BROKER_ID, BROKER_HEARTBEAT, REGISTER_BROKER of one broker.
async fn join(c: &RemotingClient, ctrl: &str, broker_addr: &str) -> i64 {
    let names = GetNextBrokerIdRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: Some(BROKER.into()),
    };
    let r = call(
        c,
        ctrl,
        RemotingCommand::create_request_command(RequestCode::CONTROLLER_GET_NEXT_BROKER_ID, &names),
    )
    .await;
    let id = r
        .decode_header::<GetNextBrokerIdResponseHeader>()
        .unwrap()
        .next_broker_id
        .unwrap();
    let apply = ApplyBrokerIdRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: Some(BROKER.into()),
        applied_broker_id: Some(id),
        register_check_code: Some(format!("{broker_addr};1700000000000")),
    };
    call(
        c,
        ctrl,
        RemotingCommand::create_request_command(RequestCode::CONTROLLER_APPLY_BROKER_ID, &apply),
    )
    .await;
    let heartbeat = BrokerHeartbeatRequestHeader {
        cluster_name: CLUSTER.into(),
        broker_addr: broker_addr.into(),
        broker_name: BROKER.into(),
        broker_id: Some(id),
        epoch: Some(0),
        max_offset: Some(100 * id),
        confirm_offset: Some(0),
        heartbeat_timeout_mills: Some(60_000),
        election_priority: None,
    };
    call(
        c,
        ctrl,
        RemotingCommand::create_request_command(RequestCode::BROKER_HEARTBEAT, &heartbeat),
    )
    .await;
    let register = RegisterBrokerToControllerRequestHeader::new(CLUSTER, BROKER, id, broker_addr);
    call(
        c,
        ctrl,
        RemotingCommand::create_request_command(RequestCode::CONTROLLER_REGISTER_BROKER, &register),
    )
    .await;
    id
}

/// Waits until `getControllerMetaData` reports the controller as leader and the leader
/// serves requests.
async fn wait_leader(c: &RemotingClient, ctrl: &str) {
    for _ in 0..200 {
        let (code, out, _) = mqadmin(&["getControllerMetaData", "-a", ctrl]).await;
        if code == 0 && out.contains("#ControllerLeaderId\tn0\n") {
            let probe = RemotingCommand::create_request_command(
                RequestCode::CONTROLLER_GET_REPLICA_INFO,
                &GetReplicaInfoRequestHeader {
                    broker_name: Some("none".into()),
                },
            );
            let r = c.invoke(ctrl, probe, 5_000).await.unwrap();
            if r.response_code() != ResponseCode::CONTROLLER_NOT_LEADER {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the controller did not become leader");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_commands_against_an_rmq_controller() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ctrl = format!("127.0.0.1:{port}");
    let config = ControllerConfig {
        controller_d_leger_group: "group1".into(),
        controller_d_leger_peers: format!("n0-{ctrl}"),
        controller_d_leger_self_id: "n0".into(),
        controller_store_path: dir.path().join("ctrl").to_string_lossy().into_owned(),
        config_store_path: dir
            .path()
            .join("controller.properties")
            .to_string_lossy()
            .into_owned(),
        ..Default::default()
    };
    let server = NettyServerConfig {
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    let handle = ControllerHandle::start(
        config,
        server,
        NettyClientConfig::default(),
        Properties::new(),
    )
    .await
    .unwrap();
    let broker = RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    );
    wait_leader(&broker, &ctrl).await;

    let (code, out, err) = mqadmin(&["getControllerMetaData", "-a", &ctrl]).await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        format!(
            "\n#ControllerGroup\tgroup1\n#ControllerLeaderId\tn0\n#ControllerLeaderAddress\t{ctrl}\n#Peer:\tn0:{ctrl}\n"
        )
    );

    // broker 1 becomes master, broker 2 joins outside the SyncStateSet
    let (b1, b2) = ("127.0.0.1:1", "127.0.0.1:2");
    assert_eq!(join(&broker, &ctrl, b1).await, 1);
    call(
        &broker,
        &ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_ELECT_MASTER,
            &ElectMasterRequestHeader::of_broker_trigger(CLUSTER, BROKER, 1),
        ),
    )
    .await;
    assert_eq!(join(&broker, &ctrl, b2).await, 2);

    let (code, out, err) = mqadmin(&["getSyncStateSet", "-a", &ctrl, "-b", BROKER]).await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        format!(
            "\n#brokerName\tbroker-a\n#MasterBrokerId\t1\n#MasterAddr\t{b1}\n#MasterEpoch\t1\n#SyncStateSetEpoch\t1\n#SyncStateSetNums\t1\n\
             \nInSyncReplica:\tReplicaIdentity{{brokerName='broker-a', brokerId=1, brokerAddress='{b1}', alive=true}}\n\
             \nNotInSyncReplica:\tReplicaIdentity{{brokerName='broker-a', brokerId=2, brokerAddress='{b2}', alive=true}}\n"
        )
    );

    // broker 2 is not in sync: the controller refuses to make it master
    let (code, out, err) = mqadmin(&[
        "electMaster",
        "-a",
        &ctrl,
        "-b",
        "2",
        "-bn",
        BROKER,
        "-c",
        CLUSTER,
    ])
    .await;
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.starts_with(&format!(
            "ReElectMasterSubCommand command failed: CODE: {}  DESC: ",
            ResponseCode::CONTROLLER_ELECT_MASTER_FAILED.0
        )),
        "{err}"
    );
    // once in sync it is elected; Java finds no member group in the body and prints none
    call(
        &broker,
        &ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_ALTER_SYNC_STATE_SET,
            &AlterSyncStateSetRequestHeader::new(BROKER, 1, 1),
        )
        .with_body(encode(&SyncStateSet {
            sync_state_set: [1, 2].into_iter().collect(),
            sync_state_set_epoch: 1,
        })),
    )
    .await;
    let (code, out, err) = mqadmin(&[
        "electMaster",
        "-a",
        &ctrl,
        "-b",
        "2",
        "-bn",
        BROKER,
        "-c",
        CLUSTER,
    ])
    .await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        format!(
            "\n#ClusterName\tDefaultCluster\n#BrokerName\tbroker-a\n#BrokerMasterAddr\t{b2}\n#MasterEpoch\t2\n#SyncStateSetEpoch\t3\n"
        )
    );
    let (code, out, _) = mqadmin(&["getSyncStateSet", "-a", &ctrl, "-b", BROKER]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "#MasterBrokerId\t2\n#MasterAddr\t{b2}\n#MasterEpoch\t2\n"
        )),
        "{out}"
    );

    // cleaning needs a cluster unless living brokers go too; living brokers stay otherwise
    let (code, out, err) = mqadmin(&["cleanBrokerMetadata", "-a", &ctrl, "-bn", BROKER]).await;
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "CleanControllerBrokerMetaSubCommand command failed: cleanLivingBroker option is false, clusterName option can not be empty.\n"
    );
    let (code, out, err) = mqadmin(&[
        "cleanBrokerMetadata",
        "-a",
        &ctrl,
        "-bn",
        BROKER,
        "-c",
        CLUSTER,
        "-b",
        "1",
    ])
    .await;
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.starts_with("CleanControllerBrokerMetaSubCommand command failed: CODE: "),
        "{err}"
    );
    let (code, out, err) = mqadmin(&[
        "cleanBrokerMetadata",
        "-a",
        &ctrl,
        "-bn",
        BROKER,
        "-c",
        CLUSTER,
        "-l",
    ])
    .await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "clear broker broker-a metadata from controller success! \n"
    );
    let (code, out, _) = mqadmin(&["getSyncStateSet", "-a", &ctrl, "-b", BROKER]).await;
    assert_eq!((code, out.as_str()), (0, ""));

    // config: read, update, read back
    let (code, out, err) = mqadmin(&["getControllerConfig", "-a", &ctrl]).await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with(&format!("============{ctrl}============\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{:<50}=  group1\n", "controllerDLegerGroup")),
        "{out}"
    );
    let (code, out, err) = mqadmin(&[
        "updateControllerConfig",
        "-a",
        &ctrl,
        "-k",
        "scanNotActiveBrokerInterval",
        "-v",
        "4321",
    ])
    .await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        format!("update controller config success![{ctrl}]\nscanNotActiveBrokerInterval : 4321\n")
    );
    let (_, out, _) = mqadmin(&["getControllerConfig", "-a", &ctrl]).await;
    assert!(
        out.contains(&format!("{:<50}=  4321\n", "scanNotActiveBrokerInterval")),
        "{out}"
    );

    // nothing listens: the connect failure is the cause
    let (code, _, err) = mqadmin(&["getControllerMetaData", "-a", "127.0.0.1:1"]).await;
    assert_eq!(code, 1);
    assert!(
        err.starts_with("GetControllerMetaDataSubCommand command failed: "),
        "{err}"
    );

    broker.shutdown().await;
    handle.shutdown().await;
}

/// A name server and broker in one: GET_BROKER_CLUSTER_INFO lists itself as broker-a's
/// master; every other code gets REQUEST_CODE_NOT_SUPPORTED, as from rmq's broker.
struct NamesrvAndBroker {
    /// Its own address, set once bound.
    addr: Arc<OnceLock<String>>,
}

#[async_trait]
impl RequestProcessor for NamesrvAndBroker {
    async fn process_request(
        &self,
        _channel: &Channel,
        _request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let mut info = ClusterInfo::default();
        let mut data = BrokerData {
            cluster: CLUSTER.into(),
            broker_name: BROKER.into(),
            ..Default::default()
        };
        data.broker_addrs
            .insert(0, self.addr.get().cloned().unwrap_or_default());
        info.broker_addr_table.insert(BROKER.into(), data);
        info.cluster_addr_table
            .insert(CLUSTER.into(), [BROKER.to_string()].into_iter().collect());
        Ok(Some(RemotingCommand::success().with_body(encode(&info))))
    }
}

#[tokio::test]
async fn get_broker_epoch_reports_a_broker_without_epoch_cache() {
    let own_addr = Arc::new(OnceLock::new());
    let mut dispatcher = RequestDispatcher::new();
    dispatcher.register_processor(
        RequestCode::GET_BROKER_CLUSTER_INFO,
        Arc::new(NamesrvAndBroker {
            addr: own_addr.clone(),
        }),
    );
    let config = NettyServerConfig {
        listen_port: 0,
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    let server = RemotingServer::bind(&config, Arc::new(dispatcher))
        .await
        .unwrap();
    let addr = server.local_addr().to_string();
    own_addr.set(addr.clone()).unwrap();
    let (code, out, err) = mqadmin(&["getBrokerEpoch", "-n", &addr, "-b", BROKER]).await;
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "GetBrokerEpochSubCommand command failed: CODE: 3  DESC:  request type 1007 not supported\n"
    );
    // an unknown broker name has no address: nothing printed
    let (code, out, err) = mqadmin(&["getBrokerEpoch", "-n", &addr, "-b", "nosuch"]).await;
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    server.shutdown(Duration::ZERO).await;
}
