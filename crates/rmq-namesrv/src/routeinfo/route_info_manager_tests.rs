//! Unit tests of `RouteInfoManager` (no unregistration queue: unregistrations apply at once).

use super::*;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{NettyClientConfig, NettyServerConfig};

const C: &str = "DefaultCluster";

fn manager() -> RouteInfoManager {
    RouteInfoManager::new(Arc::new(RwLock::new(NamesrvConfig::default())))
}

fn manager_with(f: impl FnOnce(&mut NamesrvConfig)) -> RouteInfoManager {
    let mut c = NamesrvConfig::default();
    f(&mut c);
    RouteInfoManager::new(Arc::new(RwLock::new(c)))
}

fn version(counter: i64) -> DataVersion {
    DataVersion {
        state_version: 0,
        timestamp: 1_700_000_000_000,
        counter,
    }
}

fn wrapper(topics: &[(&str, i32)], counter: i64) -> TopicConfigSerializeWrapper {
    let mut w = TopicConfigSerializeWrapper {
        data_version: version(counter),
        ..Default::default()
    };
    for (t, q) in topics {
        w.topic_config_table
            .insert(t.to_string(), TopicConfig::with_queues(*t, *q, *q, 6));
    }
    w
}

fn reg(
    name: &str,
    addr: &str,
    id: u64,
    topics: &[(&str, i32)],
    counter: i64,
) -> BrokerRegistration {
    BrokerRegistration {
        cluster_name: C.into(),
        broker_addr: addr.into(),
        broker_name: name.into(),
        broker_id: id,
        ha_server_addr: format!("{addr}-ha"),
        enable_acting_master: Some(false),
        topic_config_wrapper: wrapper(topics, counter),
        filter_server_list: Some(Vec::new()),
        ..Default::default()
    }
}

const SYS: &[(&str, i32)] = &[("TBW102", 8), ("SELF_TEST_TOPIC", 1)];

fn with_sys(extra: &[(&'static str, i32)]) -> Vec<(&'static str, i32)> {
    let mut v = SYS.to_vec();
    v.extend_from_slice(extra);
    v
}

fn queue(m: &RouteInfoManager, topic: &str, broker: &str) -> Option<QueueData> {
    m.pickup_topic_route_data(topic)?
        .queue_datas
        .into_iter()
        .find(|q| q.broker_name == broker)
}

#[test]
fn first_registration_fills_every_table() {
    let m = manager();
    let r = m.register_broker(reg(
        "broker-a",
        "10.0.0.1:10911",
        0,
        &with_sys(&[("T", 4)]),
        1,
    ));
    assert_eq!(r, Some(RegisterBrokerResult::default()));
    let ci = m.get_all_cluster_info();
    assert_eq!(
        ci.cluster_addr_table[C].iter().collect::<Vec<_>>(),
        ["broker-a"]
    );
    assert_eq!(
        ci.broker_addr_table["broker-a"].broker_addrs[&0],
        "10.0.0.1:10911"
    );
    let route = m.pickup_topic_route_data("T").unwrap();
    assert_eq!(route.queue_datas.len(), 1);
    assert_eq!(route.queue_datas[0].read_queue_nums, 4);
    assert_eq!(route.broker_datas[0].cluster, C);
    assert!(route.order_topic_conf.is_none());
    assert!(route.topic_queue_mapping_by_broker.is_none());
    assert_eq!(m.get_all_topic_list().topic_list.len(), 3);
    let live = m.broker_live_info(C, "10.0.0.1:10911").unwrap();
    assert_eq!(live.heartbeat_timeout_millis, 120_000);
    assert_eq!(live.data_version, version(1));
    assert!(m.pickup_topic_route_data("nope").is_none());
}

#[test]
fn first_registration_with_one_topic_is_rejected() {
    let m = manager();
    assert_eq!(m.register_broker(reg("b", "a:1", 0, &[("T", 4)], 1)), None);
    // Nothing half-registered is left behind.
    let ci = m.get_all_cluster_info();
    assert!(ci.broker_addr_table.is_empty(), "{ci:?}");
    assert!(ci.cluster_addr_table.is_empty());
    assert!(m.pickup_topic_route_data("T").is_none());
    // Once registered in full, a single-topic registration is accepted.
    assert!(m.register_broker(reg("b", "a:1", 0, SYS, 1)).is_some());
    assert!(m
        .register_broker(reg("b", "a:1", 0, &[("T", 4)], 2))
        .is_some());
    assert!(m.pickup_topic_route_data("T").is_some());
    // Stale topics stay (deleteTopicWithBrokerRegistration is off).
    assert!(m.pickup_topic_route_data("TBW102").is_some());
}

#[test]
fn master_updates_queues_only_on_new_version_or_missing_data() {
    let m = manager();
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 4)]), 1));
    // Same DataVersion: the changed queue count is ignored.
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 8)]), 1));
    assert_eq!(queue(&m, "T", "b").unwrap().read_queue_nums, 4);
    // A topic with no queue data for this broker is added even with the same version.
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 8), ("U", 2)]), 1));
    assert_eq!(queue(&m, "U", "b").unwrap().read_queue_nums, 2);
    assert_eq!(queue(&m, "T", "b").unwrap().read_queue_nums, 4);
    m.delete_topic("T");
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 8)]), 1));
    assert_eq!(queue(&m, "T", "b").unwrap().read_queue_nums, 8);
    // New DataVersion: updated.
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 16)]), 2));
    assert_eq!(queue(&m, "T", "b").unwrap().read_queue_nums, 16);
}

#[test]
fn delete_topic_with_broker_registration_drops_missing_topics() {
    let m = manager_with(|c| c.delete_topic_with_broker_registration = true);
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 4), ("U", 4)]), 1));
    m.register_broker(reg("b2", "a:2", 0, &with_sys(&[("U", 4)]), 1));
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[]), 2));
    assert!(m.pickup_topic_route_data("T").is_none());
    let u = m.pickup_topic_route_data("U").unwrap();
    assert_eq!(u.queue_datas.len(), 1);
    assert_eq!(u.queue_datas[0].broker_name, "b2");
}

#[test]
fn slave_gets_master_addr_only_while_master_is_live() {
    let m = manager();
    let r = m.register_broker(reg("b", "s:1", 1, SYS, 1)).unwrap();
    assert_eq!(r, RegisterBrokerResult::default());
    m.register_broker(reg("b", "m:1", 0, SYS, 1)).unwrap();
    let r = m.register_broker(reg("b", "s:1", 1, SYS, 1)).unwrap();
    assert_eq!(r.master_addr.as_deref(), Some("m:1"));
    assert_eq!(r.ha_server_addr.as_deref(), Some("m:1-ha"));
    // The master expires: no master address any more.
    let now = current_millis();
    m.update_broker_info_update_timestamp_at(C, "s:1", now + 200_000);
    assert_eq!(m.scan_not_active_broker_at(now + 150_000), 1);
    let r = m.register_broker(reg("b", "s:1", 1, SYS, 1)).unwrap();
    assert_eq!(r, RegisterBrokerResult::default());
}

#[test]
fn slave_topic_tables_are_ignored() {
    let m = manager();
    m.register_broker(reg("b", "m:1", 0, &with_sys(&[("T", 4)]), 1));
    let mut slave = reg("b", "s:1", 1, &with_sys(&[("T", 8), ("SlaveOnly", 1)]), 5);
    slave.enable_acting_master = None; // a 4.x slave is never the prime slave
    m.register_broker(slave);
    assert_eq!(queue(&m, "T", "b").unwrap().read_queue_nums, 4);
    assert!(m.pickup_topic_route_data("SlaveOnly").is_none());
    let addrs = &m.get_all_cluster_info().broker_addr_table["b"].broker_addrs;
    assert_eq!(addrs.len(), 2);
}

#[test]
fn same_address_with_new_id_replaces_the_old_entry() {
    let m = manager();
    m.register_broker(reg("b", "x:1", 1, SYS, 1));
    m.register_broker(reg("b", "x:1", 0, SYS, 1));
    let addrs = m.get_all_cluster_info().broker_addr_table["b"]
        .broker_addrs
        .clone();
    assert_eq!(
        addrs.into_iter().collect::<Vec<_>>(),
        [(0, "x:1".to_string())]
    );
}

#[test]
fn stale_state_version_registration_is_ignored() {
    let m = manager();
    let mut first = reg("b", "old:1", 0, SYS, 1);
    first.topic_config_wrapper.data_version.state_version = 5;
    m.register_broker(first);
    let mut stale = reg("b", "new:1", 0, SYS, 1);
    stale.topic_config_wrapper.data_version.state_version = 3;
    assert_eq!(
        m.register_broker(stale),
        Some(RegisterBrokerResult::default())
    );
    let addrs = &m.get_all_cluster_info().broker_addr_table["b"].broker_addrs;
    assert_eq!(addrs[&0], "old:1");
    assert!(m.broker_live_info(C, "new:1").is_none());
}

#[test]
fn expiry_scan_uses_header_timeout_or_configured_default() {
    let m = manager_with(|c| c.broker_channel_expired_time = 1_000);
    let mut a = reg("a", "a:1", 0, &with_sys(&[("TA", 1)]), 1);
    a.timeout_millis = Some(10_000);
    m.register_broker_at(a, 1_000);
    m.register_broker_at(reg("b", "b:1", 0, &with_sys(&[("TB", 1)]), 1), 1_000);
    assert_eq!(
        m.broker_live_info(C, "b:1")
            .unwrap()
            .heartbeat_timeout_millis,
        1_000
    );
    assert_eq!(
        m.scan_not_active_broker_at(2_000),
        0,
        "not past the deadline yet"
    );
    assert_eq!(m.scan_not_active_broker_at(2_001), 1);
    assert!(m.pickup_topic_route_data("TB").is_none());
    assert!(m.broker_live_info(C, "b:1").is_none());
    assert!(m.pickup_topic_route_data("TA").is_some());
    // A heartbeat or data version query keeps a broker alive.
    m.update_broker_info_update_timestamp_at(C, "a:1", 9_000);
    assert_eq!(m.scan_not_active_broker_at(15_000), 0);
    assert_eq!(m.scan_not_active_broker_at(19_001), 1);
    assert!(m.get_all_cluster_info().cluster_addr_table.is_empty());
    assert!(m.get_all_topic_list().topic_list.is_empty());
}

#[test]
fn unregister_cascades_to_groups_clusters_and_topics() {
    let m = manager();
    m.register_broker(reg(
        "a",
        "a:0",
        0,
        &with_sys(&[("Shared", 4), ("OnlyA", 4)]),
        1,
    ));
    m.register_broker(reg("a", "a:1", 1, SYS, 1));
    let mut other = reg("b", "b:0", 0, &with_sys(&[("Shared", 4)]), 1);
    other.cluster_name = "Other".into();
    m.register_broker(other);

    // Removing the slave keeps the group.
    m.unregister_broker(C, "a:1", "a", 1);
    assert!(m.pickup_topic_route_data("OnlyA").is_some());
    assert_eq!(
        m.get_all_cluster_info().broker_addr_table["a"]
            .broker_addrs
            .len(),
        1
    );

    m.unregister_broker(C, "a:0", "a", 0);
    let ci = m.get_all_cluster_info();
    assert!(!ci.broker_addr_table.contains_key("a"));
    assert!(!ci.cluster_addr_table.contains_key(C));
    assert!(ci.cluster_addr_table.contains_key("Other"));
    assert!(m.pickup_topic_route_data("OnlyA").is_none());
    let shared = m.pickup_topic_route_data("Shared").unwrap();
    assert_eq!(shared.queue_datas.len(), 1);
    assert_eq!(shared.queue_datas[0].broker_name, "b");
    assert!(m.broker_live_info(C, "a:0").is_none());
}

#[test]
fn acting_master_group_loses_write_perm_when_master_leaves() {
    let m = manager_with(|c| c.support_acting_master = true);
    let mut master = reg("b", "m:0", 0, &with_sys(&[("T", 4)]), 1);
    master.enable_acting_master = Some(true);
    m.register_broker(master);
    let mut slave = reg("b", "s:1", 1, SYS, 1);
    slave.enable_acting_master = Some(true);
    m.register_broker(slave);
    m.unregister_broker(C, "m:0", "b", 0);
    let route = m.pickup_topic_route_data("T").unwrap();
    assert!(!perm_name::is_writeable(route.queue_datas[0].perm));
    // The read-only group reports its lowest slave as master.
    assert_eq!(route.broker_datas[0].broker_addrs[&0], "s:1");
    assert_eq!(route.broker_datas[0].broker_addrs.len(), 1);
}

#[test]
fn wipe_and_add_write_perm() {
    let m = manager();
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 4)]), 1));
    m.register_broker(reg("c", "c:1", 0, &with_sys(&[("U", 4)]), 1));
    assert_eq!(m.wipe_write_perm_of_broker_by_lock("b"), 3);
    assert_eq!(queue(&m, "T", "b").unwrap().perm, perm_name::PERM_READ);
    assert_eq!(queue(&m, "U", "c").unwrap().perm, 6);
    assert_eq!(m.wipe_write_perm_of_broker_by_lock("nobody"), 0);
    assert_eq!(m.add_write_perm_of_broker_by_lock("b"), 3);
    assert_eq!(queue(&m, "T", "b").unwrap().perm, 6);
}

#[test]
fn topic_lists() {
    let m = manager();
    let mut w = with_sys(&[("Unit", 1), ("UnitSub", 1), ("Both", 1)]);
    w.push(("Plain", 1));
    let mut r = reg("b", "a:1", 0, &w, 1);
    let table = &mut r.topic_config_wrapper.topic_config_table;
    for (t, flag) in [("Unit", 1), ("UnitSub", 2), ("Both", 3)] {
        if let Some(tc) = table.get_mut(t) {
            tc.topic_sys_flag = flag;
        }
    }
    m.register_broker(r);
    let mut other = reg("z", "z:1", 0, &with_sys(&[("OtherTopic", 1)]), 1);
    other.cluster_name = "Other".into();
    m.register_broker(other);

    let names = |l: TopicList| l.topic_list.into_iter().collect::<Vec<_>>();
    assert_eq!(names(m.get_unit_topics()), ["Both", "Unit"]);
    assert_eq!(names(m.get_has_unit_sub_topic_list()), ["Both", "UnitSub"]);
    assert_eq!(names(m.get_has_unit_sub_un_unit_topic_list()), ["UnitSub"]);
    let by_cluster = names(m.get_topics_by_cluster(C));
    assert!(by_cluster.contains(&"Plain".to_string()));
    assert!(!by_cluster.contains(&"OtherTopic".to_string()));
    assert!(m.get_topics_by_cluster("nope").topic_list.is_empty());
    let sys = m.get_system_topic_list();
    assert_eq!(names(sys.clone()), [C, "Other", "b", "z"]);
    assert_eq!(sys.broker_addr.as_deref(), Some("a:1"));
    assert_eq!(m.get_all_topic_list().topic_list.len(), 7);
}

#[test]
fn delete_topic_whole_or_per_cluster() {
    let m = manager();
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("T", 4)]), 1));
    let mut other = reg("z", "z:1", 0, &with_sys(&[("T", 4)]), 1);
    other.cluster_name = "Other".into();
    m.register_broker(other);
    m.delete_topic_in_cluster("T", "Other");
    let route = m.pickup_topic_route_data("T").unwrap();
    assert_eq!(route.queue_datas.len(), 1);
    m.delete_topic_in_cluster("T", "unknown");
    assert!(m.pickup_topic_route_data("T").is_some());
    m.delete_topic_in_cluster("T", C);
    assert!(m.pickup_topic_route_data("T").is_none());
    m.delete_topic("TBW102");
    assert!(m.pickup_topic_route_data("TBW102").is_none());
}

#[test]
fn register_topic_needs_known_brokers() {
    let m = manager();
    m.register_broker(reg("b", "a:1", 0, SYS, 1));
    let qd = |b: &str| QueueData {
        broker_name: b.into(),
        read_queue_nums: 2,
        write_queue_nums: 2,
        perm: 6,
        topic_sys_flag: 0,
    };
    m.register_topic("New", &[qd("b"), qd("ghost")]);
    assert!(m.pickup_topic_route_data("New").is_none());
    m.register_topic("New", &[qd("b")]);
    assert_eq!(queue(&m, "New", "b").unwrap().read_queue_nums, 2);
    m.register_topic("Empty", &[]);
    assert!(m.pickup_topic_route_data("Empty").is_none());
}

#[test]
fn zone_name_filter_servers_and_mapping_info_are_kept() {
    let m = manager();
    let mut r = reg("b", "a:1", 0, &with_sys(&[("Static", 4)]), 1);
    r.zone_name = Some("zone-1".into());
    r.filter_server_list = Some(vec!["fs:1".into()]);
    r.topic_config_wrapper.topic_queue_mapping_info_map.insert(
        "Static".into(),
        serde_json::json!({"topic":"Static","bname":"b","totalQueues":4,"epoch":1}),
    );
    m.register_broker(r);
    let route = m.pickup_topic_route_data("Static").unwrap();
    assert_eq!(route.broker_datas[0].zone_name.as_deref(), Some("zone-1"));
    assert_eq!(route.filter_server_table["a:1"], ["fs:1"]);
    let mapping = route.topic_queue_mapping_by_broker.unwrap();
    assert_eq!(mapping["b"]["totalQueues"], 4);
    // An empty filter server list clears them.
    m.register_broker(reg("b", "a:1", 0, &with_sys(&[("Static", 4)]), 2));
    assert!(m
        .pickup_topic_route_data("Static")
        .unwrap()
        .filter_server_table
        .is_empty());
}

#[test]
fn data_version_changes() {
    let m = manager();
    assert!(m.is_broker_topic_config_changed(C, "a:1", &version(1)));
    assert_eq!(m.query_broker_topic_config(C, "a:1"), None);
    m.register_broker(reg("b", "a:1", 0, SYS, 1));
    assert!(!m.is_broker_topic_config_changed(C, "a:1", &version(1)));
    assert!(m.is_broker_topic_config_changed(C, "a:1", &version(2)));
    assert!(m.is_broker_topic_config_changed("OtherCluster", "a:1", &version(1)));
    assert_eq!(m.query_broker_topic_config(C, "a:1"), Some(version(1)));
}

#[test]
fn member_group() {
    let m = manager();
    m.register_broker(reg("b", "m:0", 0, SYS, 1));
    m.register_broker(reg("b", "s:1", 1, SYS, 1));
    let g = m.get_broker_member_group(C, "b");
    assert_eq!(g.broker_addrs.len(), 2);
    assert_eq!(g.cluster, C);
    assert!(m.get_broker_member_group(C, "nope").broker_addrs.is_empty());
}

#[test]
fn compressed_body_registers_like_json() {
    use rmq_remoting::protocol::body::register_broker_body::RegisterBrokerBody;
    let body = RegisterBrokerBody {
        topic_config_serialize_wrapper: wrapper(&with_sys(&[("Zipped", 3)]), 7),
        filter_server_list: Vec::new(),
    };
    let bytes = body.encode(true);
    let decoded =
        RegisterBrokerBody::decode(&bytes, true, rmq_common::mq_version::CURRENT_VERSION).unwrap();
    let m = manager();
    let mut r = reg("b", "a:1", 0, &[], 0);
    r.topic_config_wrapper = decoded.topic_config_serialize_wrapper;
    m.register_broker(r);
    assert_eq!(queue(&m, "Zipped", "b").unwrap().write_queue_nums, 3);
    assert_eq!(m.query_broker_topic_config(C, "a:1"), Some(version(7)));
}

/// A server-side `Channel` of a real loopback connection, plus what keeps it open.
async fn loopback_channel() -> (Channel, rmq_remoting::ServerHandle, RemotingClient) {
    let server = rmq_remoting::RemotingServer::bind(
        &NettyServerConfig {
            bind_address: "127.0.0.1".into(),
            ..Default::default()
        },
        Arc::new(RequestDispatcher::new()),
    )
    .await
    .unwrap();
    let client = RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    );
    client
        .get_channel(&server.local_addr().to_string())
        .await
        .unwrap();
    let channel = loop {
        if let Some(ch) = server.channels().into_iter().next() {
            break ch;
        }
        tokio::task::yield_now().await;
    };
    (channel, server, client)
}

#[tokio::test]
async fn channel_destroy_unregisters_the_broker_of_that_channel() {
    let (channel, server, client) = loopback_channel().await;
    let (other_channel, other_server, other_client) = loopback_channel().await;
    let m = manager();
    let mut a = reg("a", "a:1", 0, &with_sys(&[("TA", 1)]), 1);
    a.channel = Some(channel.clone());
    m.register_broker(a);
    let mut b = reg("b", "b:1", 0, &with_sys(&[("TB", 1)]), 1);
    b.channel = Some(other_channel.clone());
    m.register_broker(b);

    m.on_channel_destroy(&channel);
    assert!(m.pickup_topic_route_data("TA").is_none());
    assert!(m.pickup_topic_route_data("TB").is_some());

    // Expiry closes the expired broker's connection.
    assert_eq!(m.scan_not_active_broker_at(current_millis() + 200_000), 1);
    assert!(!other_channel.is_active());
    assert!(m.pickup_topic_route_data("TB").is_none());

    client.shutdown().await;
    other_client.shutdown().await;
    server.shutdown(Duration::from_millis(10)).await;
    other_server.shutdown(Duration::from_millis(10)).await;
}

use std::time::Duration;
