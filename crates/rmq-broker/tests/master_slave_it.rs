#![allow(clippy::unwrap_used)]
//! A master and a slave of `broker-a` registered with one name server: master discovery from
//! the REGISTER_BROKER answer, the advertised `haServerAddr`, the slave's metadata sync over
//! real sockets, master-only services and the slave's refusals.

mod common;

use common::{client, send_request, start_namesrv, test_configs};
use rmq_broker::{BrokerConfigs, BrokerController, BrokerHandle};
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::route::ClusterInfo;
use rmq_remoting::protocol::header::broker::CreateTopicRequestHeader;
use rmq_remoting::{RemotingCommand, RequestCode, ResponseCode};
use rmq_store::{BrokerRole, MessageStore};
use std::path::Path;

fn configs(store: &Path, namesrv: &str, role: BrokerRole, listen_port: i32) -> BrokerConfigs {
    let mut c = test_configs(store, Some(namesrv.to_string()));
    c.message_store_config.broker_role = role;
    c.broker_config.broker_id = if role == BrokerRole::Slave { 1 } else { 0 };
    c.netty_server_config.listen_port = listen_port;
    // Let the OS pick the HA port (`finish` made it listenPort + 1).
    c.message_store_config.ha_listen_port = 0;
    c
}

/// Starts a master on a port P whose P - 2 (the VIP channel a slave's GET_ALL_TOPIC_CONFIG
/// goes to) was free a moment before; retried when another process took one of them.
async fn start_master(store: &Path, namesrv: &str) -> BrokerHandle {
    for _ in 0..20 {
        let port = {
            let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let p = a.local_addr().unwrap().port();
            if std::net::TcpListener::bind(("127.0.0.1", p - 2)).is_err() {
                continue;
            }
            i32::from(p)
        };
        let c = configs(store, namesrv, BrokerRole::AsyncMaster, port);
        if let Ok(h) = BrokerController::start(c).await {
            return h;
        }
    }
    panic!("no free port pair P, P - 2 for the master");
}

/// The broker ids and addresses of `broker_name` in the name server's cluster info.
async fn broker_addrs(ns_addr: &str, broker_name: &str) -> std::collections::HashMap<u64, String> {
    let r = client()
        .invoke(
            ns_addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_CLUSTER_INFO),
            3000,
        )
        .await
        .unwrap();
    let ci: ClusterInfo = decode(&r.body).unwrap();
    ci.broker_addr_table[broker_name]
        .broker_addrs
        .clone()
        .into_iter()
        .collect()
}

/// One value of a broker's GET_BROKER_RUNTIME_INFO table.
async fn runtime_info(addr: &str, key: &str) -> String {
    let r = client()
        .invoke(
            addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_RUNTIME_INFO),
            3000,
        )
        .await
        .unwrap();
    let kv: rmq_remoting::protocol::body::route::KVTable = decode(&r.body).unwrap();
    kv.table[key].clone()
}

fn create_topic(topic: &str) -> RemotingCommand {
    let h = CreateTopicRequestHeader {
        topic: topic.into(),
        default_topic: "TBW102".into(),
        read_queue_nums: 4,
        write_queue_nums: 4,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        ..Default::default()
    };
    RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &h)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slave_finds_its_master_and_copies_its_metadata() {
    let ns = start_namesrv().await;
    let ns_addr = ns.connect_addr();
    let (mdir, sdir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let master = start_master(mdir.path(), &ns_addr).await;
    let slave = BrokerController::start(configs(sdir.path(), &ns_addr, BrokerRole::Slave, 0))
        .await
        .unwrap();
    let (mc, sc) = (master.controller(), slave.controller());

    // The slave's registration answer named the master; the master's named nobody.
    assert_eq!(
        sc.slave_synchronize().master_addr(),
        Some(master.broker_addr())
    );
    assert_eq!(mc.slave_synchronize().master_addr(), None);
    // ... and pointed the slave's HA client at the master's advertised HA address.
    let master_ha_port = mc.message_store().ha_listen_port().unwrap();
    let slave_ha = sc.message_store().ha_runtime_info().unwrap();
    assert!(!slave_ha.master);
    assert_eq!(
        slave_ha.ha_client_runtime_info.master_addr,
        Some(format!("127.0.0.1:{master_ha_port}"))
    );

    // GET_BROKER_HA_STATUS answers from the store, in Java's member names.
    let c = client();
    let r = c
        .invoke(
            &master.broker_addr(),
            RemotingCommand::new_request(RequestCode::GET_BROKER_HA_STATUS),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let body = String::from_utf8_lossy(&r.body).into_owned();
    assert!(body.contains(r#""master":true"#), "{body}");
    assert!(body.contains(r#""masterCommitLogMaxOffset":"#), "{body}");

    // Both rows of broker-a, as clusterList prints them.
    let addrs = broker_addrs(&ns_addr, "broker-a").await;
    assert_eq!(addrs.get(&0), Some(&master.broker_addr()));
    assert_eq!(addrs.get(&1), Some(&slave.broker_addr()));

    // Delay levels run on the master only, which runtime info reports as brokerActive.
    assert!(mc.schedule_message_service().is_started());
    assert!(!sc.schedule_message_service().is_started());
    assert_eq!(
        runtime_info(&master.broker_addr(), "brokerActive").await,
        "true"
    );
    assert_eq!(
        runtime_info(&slave.broker_addr(), "brokerActive").await,
        "false"
    );

    // A topic created on the master reaches the slave with the next full sync.
    let r = c
        .invoke(&master.broker_addr(), create_topic("SyncedTopic"), 3000)
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert!(!sc.topic_config_manager().contains_topic("SyncedTopic"));
    sc.slave_synchronize().sync_all().await;
    assert!(sc.topic_config_manager().contains_topic("SyncedTopic"));
    assert_eq!(
        sc.topic_config_manager().data_version(),
        mc.topic_config_manager().data_version()
    );

    // The slave refuses sends.
    let r = c
        .invoke(
            &slave.broker_addr(),
            send_request("SyncedTopic", 0, &[], b"x"),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(
        (r.code, r.remark.as_deref()),
        (
            ResponseCode::SYSTEM_BUSY.0,
            Some("[REJECTREQUEST]system busy, start flow control for a while")
        )
    );
    slave.shutdown().await;
    master.shutdown().await;
    ns.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registration_advertises_the_ha_port_of_the_store() {
    let ns = start_namesrv().await;
    let ns_addr = ns.connect_addr();
    let dir = tempfile::tempdir().unwrap();
    let master = BrokerController::start(configs(dir.path(), &ns_addr, BrokerRole::SyncMaster, 0))
        .await
        .unwrap();
    let mc = master.controller();
    let port = mc
        .message_store()
        .ha_listen_port()
        .map(i32::from)
        .unwrap_or(mc.message_store_config().ha_listen_port);
    // The name server hands the master's haServerAddr to a slave registering in its group.
    let c = client();
    let header = rmq_remoting::protocol::header::namesrv::RegisterBrokerRequestHeader {
        broker_name: "broker-a".into(),
        broker_addr: "127.0.0.1:1".into(),
        cluster_name: mc.broker_config().load().broker_cluster_name.clone(),
        ha_server_addr: "127.0.0.1:2".into(),
        broker_id: 1,
        ..Default::default()
    };
    let mut req = RemotingCommand::create_request_command(RequestCode::REGISTER_BROKER, &header);
    req.body = bytes::Bytes::from(
        rmq_remoting::protocol::body::register_broker_body::RegisterBrokerBody::default()
            .encode(false),
    );
    let r = c.invoke(&ns_addr, req, 3000).await.unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let h: rmq_remoting::protocol::header::namesrv::RegisterBrokerResponseHeader =
        r.decode_header().unwrap();
    assert_eq!(h.ha_server_addr, Some(format!("127.0.0.1:{port}")));
    assert_eq!(h.master_addr, Some(master.broker_addr()));
    master.shutdown().await;
    ns.shutdown().await;
}
