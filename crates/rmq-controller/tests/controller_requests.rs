//! A controller started in-process, driven over TCP with the requests a Java broker in
//! controller mode sends (`ReplicasManager`): metadata, id, registration, heartbeats,
//! election, SyncStateSet changes; then the master's connection closes and the controller
//! elects the other broker on its own and tells it (NOTIFY_BROKER_ROLE_CHANGED); a restart
//! from the same store keeps everything.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use rmq_controller::ControllerHandle;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::controller::{BrokerReplicasInfo, SyncStateSet};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::controller::*;
use rmq_remoting::protocol::header::namesrv::BrokerHeartbeatRequestHeader;
use rmq_remoting::{
    Channel, NettyClientConfig, NettyServerConfig, RemotingClient, RemotingCommand, RemotingError,
    RemotingServer, RequestCode, RequestProcessor, ResponseCode,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const CLUSTER: &str = "DefaultCluster";
const BROKER: &str = "broker-a";

/// The controller is restarted on its port: one below the ephemeral range (see
/// `rmq_testkit::pick_port`).
fn free_port() -> u16 {
    rmq_testkit::pick_port().unwrap()
}

async fn start_controller(port: u16, store: &Path) -> ControllerHandle {
    rmq_controller::server::start_standalone(port, store)
        .await
        .expect("controller starts")
}

fn client() -> RemotingClient {
    RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    )
}

async fn call(c: &RemotingClient, addr: &str, request: RemotingCommand) -> RemotingCommand {
    c.invoke(addr, request, 5_000)
        .await
        .expect("controller answers")
}

async fn wait_leader(c: &RemotingClient, addr: &str) {
    for _ in 0..200 {
        let r = call(
            c,
            addr,
            RemotingCommand::new_request(RequestCode::CONTROLLER_GET_METADATA_INFO),
        )
        .await;
        let h: GetMetaDataResponseHeader = r.decode_header().unwrap();
        if h.is_leader {
            assert_eq!(h.group.as_deref(), Some("group1"));
            assert_eq!(h.controller_leader_id.as_deref(), Some("n0"));
            assert_eq!(h.peers, Some(format!("n0:{addr};")));
            // the leader serves once its term's first entry is applied
            let probe = call(
                c,
                addr,
                RemotingCommand::create_request_command(
                    RequestCode::CONTROLLER_GET_REPLICA_INFO,
                    &GetReplicaInfoRequestHeader {
                        broker_name: Some("none".into()),
                    },
                ),
            )
            .await;
            if probe.response_code() != ResponseCode::CONTROLLER_NOT_LEADER {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the controller did not become leader");
}

async fn heartbeat(c: &RemotingClient, ctrl: &str, id: i64, broker_addr: &str) {
    let header = BrokerHeartbeatRequestHeader {
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
    let r = call(
        c,
        ctrl,
        RemotingCommand::create_request_command(RequestCode::BROKER_HEARTBEAT, &header),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::SUCCESS, "{:?}", r.remark);
}

/// GET_NEXT_BROKER_ID, APPLY_BROKER_ID, REGISTER_BROKER: returns the id and the
/// registration answer.
async fn join(
    c: &RemotingClient,
    ctrl: &str,
    broker_addr: &str,
) -> (i64, RegisterBrokerToControllerResponseHeader) {
    let r = call(
        c,
        ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_GET_NEXT_BROKER_ID,
            &GetNextBrokerIdRequestHeader {
                cluster_name: Some(CLUSTER.into()),
                broker_name: Some(BROKER.into()),
            },
        ),
    )
    .await;
    let id = r
        .decode_header::<GetNextBrokerIdResponseHeader>()
        .unwrap()
        .next_broker_id
        .unwrap();
    let r = call(
        c,
        ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_APPLY_BROKER_ID,
            &ApplyBrokerIdRequestHeader {
                cluster_name: Some(CLUSTER.into()),
                broker_name: Some(BROKER.into()),
                applied_broker_id: Some(id),
                register_check_code: Some(format!("{broker_addr};1700000000000")),
            },
        ),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::SUCCESS, "{:?}", r.remark);
    heartbeat(c, ctrl, id, broker_addr).await;
    let r = call(
        c,
        ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_REGISTER_BROKER,
            &RegisterBrokerToControllerRequestHeader::new(CLUSTER, BROKER, id, broker_addr),
        ),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::SUCCESS, "{:?}", r.remark);
    (id, r.decode_header().unwrap())
}

async fn replica_info(
    c: &RemotingClient,
    ctrl: &str,
) -> (GetReplicaInfoResponseHeader, SyncStateSet) {
    let r = call(
        c,
        ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_GET_REPLICA_INFO,
            &GetReplicaInfoRequestHeader {
                broker_name: Some(BROKER.into()),
            },
        ),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::SUCCESS, "{:?}", r.remark);
    (r.decode_header().unwrap(), decode(&r.body).unwrap())
}

/// A stand-in broker listener that records NOTIFY_BROKER_ROLE_CHANGED.
struct NotifySink(mpsc::UnboundedSender<RemotingCommand>);

#[async_trait]
impl RequestProcessor for NotifySink {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let _ = self.0.send(request);
        Ok(None)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_set_registers_elects_and_fails_over_through_the_controller() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let ctrl = format!("127.0.0.1:{port}");
    let handle = start_controller(port, dir.path()).await;
    let admin = client();
    wait_leader(&admin, &ctrl).await;

    // broker 2 listens for the role change notification
    let (tx, mut notified) = mpsc::unbounded_channel();
    let mut dispatcher = RequestDispatcher::new();
    dispatcher.register_processor(
        RequestCode::NOTIFY_BROKER_ROLE_CHANGED,
        Arc::new(NotifySink(tx)),
    );
    let b2_server = RemotingServer::bind(
        &NettyServerConfig {
            bind_address: "127.0.0.1".into(),
            listen_port: 0,
            ..Default::default()
        },
        Arc::new(dispatcher),
    )
    .await
    .unwrap();
    let b1_addr = "127.0.0.1:1".to_string();
    let b2_addr = b2_server.local_addr().to_string();

    let b1 = client();
    let (id1, reg1) = join(&b1, &ctrl, &b1_addr).await;
    assert_eq!(id1, 1);
    assert_eq!(reg1.master_broker_id, None, "no master yet");
    let r = call(
        &b1,
        &ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_ELECT_MASTER,
            &ElectMasterRequestHeader::of_broker_trigger(CLUSTER, BROKER, 1),
        ),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::SUCCESS, "{:?}", r.remark);
    let elected: ElectMasterResponseHeader = r.decode_header().unwrap();
    assert_eq!(
        (elected.master_broker_id, elected.master_epoch),
        (Some(1), Some(1))
    );
    assert_eq!(elected.master_address.as_deref(), Some(b1_addr.as_str()));

    let b2 = client();
    let (id2, reg2) = join(&b2, &ctrl, &b2_addr).await;
    assert_eq!(id2, 2);
    assert_eq!(reg2.master_broker_id, Some(1));
    assert_eq!(reg2.master_address.as_deref(), Some(b1_addr.as_str()));

    // the master adds broker 2 to the SyncStateSet
    let r = call(
        &b1,
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
    assert_eq!(r.response_code(), ResponseCode::SUCCESS, "{:?}", r.remark);
    let altered: AlterSyncStateSetResponseHeader = r.decode_header().unwrap();
    assert_eq!(altered.new_sync_state_set_epoch, 2);
    let r = call(
        &admin,
        &ctrl,
        RemotingCommand::new_request(RequestCode::CONTROLLER_GET_SYNC_STATE_DATA)
            .with_body(encode(&vec![BROKER.to_string()])),
    )
    .await;
    let data: BrokerReplicasInfo = decode(&r.body).unwrap();
    assert_eq!(data.replicas_info_table[BROKER].in_sync_replicas.len(), 2);

    // the master's connection closes: the controller elects broker 2 and tells it
    b1.shutdown().await;
    let notify = tokio::time::timeout(Duration::from_secs(20), notified.recv())
        .await
        .expect("NOTIFY_BROKER_ROLE_CHANGED within 20 s")
        .unwrap();
    let h: NotifyBrokerRoleChangedRequestHeader = notify.decode_header().unwrap();
    assert_eq!(h.master_broker_id, Some(2));
    assert_eq!(h.master_epoch, Some(2));
    assert_eq!(h.master_address.as_deref(), Some(b2_addr.as_str()));
    let body: SyncStateSet = decode(&notify.body).unwrap();
    assert_eq!(body.sync_state_set, [2].into_iter().collect());
    let (info, set) = replica_info(&admin, &ctrl).await;
    assert_eq!(
        (info.master_broker_id, info.master_epoch),
        (Some(2), Some(2))
    );
    assert_eq!(set.sync_state_set_epoch, 3);

    // unknown codes and broken bodies are answered, not fatal
    let r = call(
        &admin,
        &ctrl,
        RemotingCommand::new_request(RequestCode(1007)),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
    let r = call(
        &admin,
        &ctrl,
        RemotingCommand::create_request_command(
            RequestCode::CONTROLLER_ALTER_SYNC_STATE_SET,
            &AlterSyncStateSetRequestHeader::new(BROKER, 2, 2),
        )
        .with_body(b"{not json".to_vec()),
    )
    .await;
    assert_ne!(r.response_code(), ResponseCode::SUCCESS);

    // the last broker goes: no master can be elected, the dead one is dropped and the
    // SyncStateSet kept, as Java does; like Java's triggerElectMaster, the controller tries
    // electMasterMaxRetryCount (3) times, each failed try bumping the master epoch: 3, 4, 5
    b2.shutdown().await;
    let mut epochs = Vec::new();
    for _ in 0..200 {
        let (info, _) = replica_info(&admin, &ctrl).await;
        if info.master_broker_id.is_none() && epochs.last() != info.master_epoch.as_ref() {
            epochs.push(info.master_epoch.unwrap());
        }
        if epochs.last() == Some(&5) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(epochs.last(), Some(&5), "master epochs seen: {epochs:?}");

    // a restart from the same store keeps the broker set
    handle.shutdown().await;
    let handle = start_controller(port, dir.path()).await;
    wait_leader(&admin, &ctrl).await;
    let (info, set) = replica_info(&admin, &ctrl).await;
    assert_eq!((info.master_broker_id, info.master_epoch), (None, Some(5)));
    assert_eq!(set.sync_state_set, [2].into_iter().collect());
    assert_eq!(set.sync_state_set_epoch, 3);
    admin.shutdown().await;
    handle.shutdown().await;
    b2_server.shutdown(Duration::from_millis(100)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_is_read_and_updated_except_the_black_list() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let ctrl = format!("127.0.0.1:{port}");
    let handle = start_controller(port, dir.path()).await;
    let admin = client();
    let r = call(
        &admin,
        &ctrl,
        RemotingCommand::new_request(RequestCode::GET_CONTROLLER_CONFIG),
    )
    .await;
    let text = String::from_utf8_lossy(&r.body).into_owned();
    assert!(text.contains("enableElectUncleanMaster=false"), "{text}");
    assert!(
        text.contains(&format!("controllerDLegerPeers=n0-127.0.0.1:{port}")),
        "{text}"
    );
    let r = call(
        &admin,
        &ctrl,
        RemotingCommand::new_request(RequestCode::UPDATE_CONTROLLER_CONFIG)
            .with_body(b"enableElectUncleanMaster=true\n".to_vec()),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::SUCCESS);
    let r = call(
        &admin,
        &ctrl,
        RemotingCommand::new_request(RequestCode::GET_CONTROLLER_CONFIG),
    )
    .await;
    assert!(String::from_utf8_lossy(&r.body).contains("enableElectUncleanMaster=true"));
    let saved = std::fs::read_to_string(dir.path().join("controller.properties")).unwrap();
    assert!(saved.contains("enableElectUncleanMaster=true"), "{saved}");
    let r = call(
        &admin,
        &ctrl,
        RemotingCommand::new_request(RequestCode::UPDATE_CONTROLLER_CONFIG)
            .with_body(b"configStorePath=/tmp/x\n".to_vec()),
    )
    .await;
    assert_eq!(r.response_code(), ResponseCode::NO_PERMISSION);
    admin.shutdown().await;
    handle.shutdown().await;
}
