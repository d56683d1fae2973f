//! SlaveSynchronize against a master whose admin processor listens on a port P and on its
//! VIP channel P - 2, over real sockets.

use super::slave_synchronize::{
    SlaveSynchronize, SlaveSynchronizeContext, SYNC_ALL_INTERVAL_MILLIS,
};
use crate::out::broker_outer_api::{broker_vip_channel, BrokerOuterAPI};
use crate::processor::admin_broker_processor::AdminBrokerProcessor;
use crate::test_support::TestParts;
use rmq_common::config_manager::ConfigManager;
use rmq_common::TopicConfig;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::{
    NettyClientConfig, NettyServerConfig, RemotingClient, RemotingServer, ServerHandle,
};
use std::sync::Arc;

/// A master's admin processor bound on P and P - 2 (the VIP channel GET_ALL_TOPIC_CONFIG
/// goes to); returns the servers and `127.0.0.1:P`.
async fn serve_master(master: &TestParts) -> (Vec<ServerHandle>, String) {
    let mut dispatcher = RequestDispatcher::new();
    dispatcher
        .register_default_processor(Arc::new(AdminBrokerProcessor::new(master.admin_context())));
    let dispatcher = Arc::new(dispatcher);
    let config = |port: i32| NettyServerConfig {
        listen_port: port,
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    for _ in 0..50 {
        let main = RemotingServer::bind(&config(0), dispatcher.clone())
            .await
            .unwrap();
        let port = i32::from(main.local_addr().port());
        match RemotingServer::bind(&config(port - 2), dispatcher.clone()).await {
            Ok(vip) => return (vec![main, vip], format!("127.0.0.1:{port}")),
            Err(_) => main.shutdown(std::time::Duration::ZERO).await,
        }
    }
    panic!("no free port pair P, P - 2");
}

fn slave_sync(slave: &TestParts) -> SlaveSynchronize {
    let client = RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    );
    SlaveSynchronize::new(SlaveSynchronizeContext {
        address: slave.address.clone(),
        outer_api: BrokerOuterAPI::new(client),
        topic_config_manager: slave.topics.clone(),
        consumer_offset_manager: slave.offsets.clone(),
        subscription_group_manager: slave.groups.clone(),
        schedule_message_service: slave.schedule.clone(),
    })
}

/// The master's metadata: one topic, one group, one committed offset, one delay offset.
fn fill_master(master: &TestParts) {
    master
        .topics
        .update_topic_config(TopicConfig::with_queues("MasterTopic", 4, 4, 6));
    master
        .groups
        .update_subscription_group_config(SubscriptionGroupConfig::new("MasterGroup"));
    master
        .offsets
        .commit_offset("client", "MasterGroup", "MasterTopic", 1, 42);
    master
        .schedule
        .decode(
            r#"{"offsetTable":{3:17},"dataVersion":{"counter":5,"stateVersion":0,"timestamp":1}}"#,
        )
        .unwrap();
}

/// The slave's own metadata: what a sync must remove, replace or keep.
fn fill_slave(slave: &TestParts) {
    slave
        .topics
        .update_topic_config(TopicConfig::with_queues("SlaveOnlyTopic", 1, 1, 6));
    slave
        .groups
        .update_subscription_group_config(SubscriptionGroupConfig::new("SlaveOnlyGroup"));
    slave
        .offsets
        .commit_offset("client", "MasterGroup", "MasterTopic", 1, 7);
    slave
        .offsets
        .commit_offset("client", "LocalGroup", "LocalTopic", 0, 3);
}

#[tokio::test]
async fn sync_all_copies_the_masters_metadata() {
    let master = TestParts::new();
    fill_master(&master);
    let (servers, master_addr) = serve_master(&master).await;
    let slave = TestParts::new();
    fill_slave(&slave);
    let sync = slave_sync(&slave);
    sync.set_master_addr(Some(&master_addr));
    sync.sync_all().await;

    // Topics and groups: replaced with the master's table and version.
    let mut want: Vec<String> = master.topics.topic_names();
    let mut got: Vec<String> = slave.topics.topic_names();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert!(!got.contains(&"SlaveOnlyTopic".to_string()));
    assert_eq!(slave.topics.data_version(), master.topics.data_version());
    assert_eq!(
        slave.groups.subscription_group_table(),
        master.groups.subscription_group_table()
    );
    assert_eq!(slave.groups.data_version(), master.groups.data_version());
    // Offsets: the master wins, a key only the slave has stays.
    assert_eq!(
        slave.offsets.query_offset("MasterGroup", "MasterTopic", 1),
        42
    );
    assert_eq!(slave.offsets.query_offset("LocalGroup", "LocalTopic", 0), 3);
    assert_eq!(slave.offsets.data_version(), master.offsets.data_version());
    // Delay offsets: the master's levels are loaded.
    let delay = slave.schedule.to_wrapper();
    assert_eq!(delay.offset_table.get(&3), Some(&17));
    assert_eq!(delay.data_version.counter, 5);
    for s in servers {
        s.shutdown(std::time::Duration::ZERO).await;
    }
}

#[tokio::test]
async fn nothing_is_asked_without_a_master_or_from_itself() {
    let master = TestParts::new();
    fill_master(&master);
    let (servers, master_addr) = serve_master(&master).await;
    let slave = TestParts::new();
    fill_slave(&slave);
    let sync = slave_sync(&slave);
    sync.sync_all().await;
    assert!(slave.topics.contains_topic("SlaveOnlyTopic"));
    // A REGISTER_BROKER answer without masterAddr stops the syncs.
    sync.set_master_addr(Some(&master_addr));
    sync.set_master_addr(None);
    assert_eq!(sync.master_addr(), None);
    sync.sync_all().await;
    assert!(slave.topics.contains_topic("SlaveOnlyTopic"));
    // The master address is this broker's own.
    sync.set_master_addr(Some(&slave.address.broker_addr()));
    sync.sync_all().await;
    assert!(slave.topics.contains_topic("SlaveOnlyTopic"));
    assert_eq!(
        slave.offsets.query_offset("MasterGroup", "MasterTopic", 1),
        7
    );
    for s in servers {
        s.shutdown(std::time::Duration::ZERO).await;
    }
}

#[tokio::test]
async fn first_full_sync_is_due_a_minute_after_construction() {
    let master = TestParts::new();
    fill_master(&master);
    let (servers, master_addr) = serve_master(&master).await;
    let slave = TestParts::new();
    let sync = slave_sync(&slave);
    sync.set_master_addr(Some(&master_addr));
    let now = rmq_common::util_all::current_millis();
    assert!(!sync.sync_all_if_due(now).await);
    assert!(!slave.topics.contains_topic("MasterTopic"));
    assert!(
        sync.sync_all_if_due(now + SYNC_ALL_INTERVAL_MILLIS + 1_000)
            .await
    );
    assert!(slave.topics.contains_topic("MasterTopic"));
    for s in servers {
        s.shutdown(std::time::Duration::ZERO).await;
    }
}

#[test]
fn vip_channel_is_port_minus_two() {
    assert_eq!(broker_vip_channel("10.0.0.1:10911"), "10.0.0.1:10909");
    assert_eq!(broker_vip_channel("host"), "host");
}
