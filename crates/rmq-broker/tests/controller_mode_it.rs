#![allow(clippy::unwrap_used)]
//! Controller mode end to end in one process: a name server, one rmq controller and two
//! brokers of `broker-a` with `enableControllerMode`. The brokers take ids from the
//! controller (kept in `brokerIdentity`), one is elected master and the other replicates
//! through the AutoSwitch HA service; the master grows the SyncStateSet; when the master
//! stops, the controller elects the slave, which accepts sends; the old master comes back on
//! its store as a slave with its old id and catches up.

mod common;

use common::{client, send, send_ok, start_namesrv, test_configs, wait_for};
use rmq_broker::{BrokerConfigs, BrokerController, BrokerHandle};
use rmq_controller::ControllerHandle;
use rmq_remoting::protocol::body::controller::EpochEntryCache;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::{RemotingCommand, RequestCode};
use rmq_store::{BrokerRole, MessageStore};
use std::path::Path;
use std::time::Duration;

const TOPIC: &str = "CtrlModeTopic";

async fn start_controller(store: &Path) -> ControllerHandle {
    let port = rmq_testkit::pick_port().unwrap();
    rmq_controller::server::start_standalone(port, store)
        .await
        .unwrap()
}

fn configs(store: &Path, namesrv: &str, controller: &str) -> BrokerConfigs {
    let mut c = test_configs(store, Some(namesrv.to_string()));
    c.broker_config.enable_controller_mode = true;
    c.broker_config.controller_addr = controller.to_string();
    c.broker_config.broker_id = -1;
    c.broker_config.sync_broker_metadata_period = 500;
    c.broker_config.check_sync_state_set_period = 500;
    c.broker_config.broker_heartbeat_interval = 300;
    c.broker_config.controller_heart_beat_timeout_mills = 3_000;
    c.message_store_config.broker_role = BrokerRole::Slave;
    c.message_store_config.ha_listen_port = 0;
    c.message_store_config.ha_max_time_slave_not_catchup = 5_000;
    c
}

async fn start(store: &Path, namesrv: &str, controller: &str) -> BrokerHandle {
    BrokerController::start(configs(store, namesrv, controller))
        .await
        .unwrap()
}

fn role(b: &BrokerHandle) -> BrokerRole {
    b.controller().message_store().role_state().role()
}

fn running(b: &BrokerHandle) -> bool {
    b.controller()
        .replicas_manager()
        .is_some_and(|r| r.is_running())
}

fn controller_id(b: &BrokerHandle) -> Option<i64> {
    b.controller()
        .replicas_manager()
        .and_then(|r| r.broker_controller_id())
}

/// Waits until both run (registered, master known) and one is the master and the other a
/// slave; returns (master, slave).
async fn wait_roles(a: &BrokerHandle, b: &BrokerHandle) -> (usize, usize) {
    let roles = wait_for(Duration::from_secs(30), || {
        let r = if running(a) && running(b) {
            (role(a), role(b))
        } else {
            (BrokerRole::Slave, BrokerRole::Slave)
        };
        async move {
            match r {
                (BrokerRole::SyncMaster, BrokerRole::Slave) => Some((0, 1)),
                (BrokerRole::Slave, BrokerRole::SyncMaster) => Some((1, 0)),
                _ => None,
            }
        }
    })
    .await;
    roles.expect("a master and a slave")
}

async fn wait_sync_state_set(master: &BrokerHandle, n: usize) {
    let r = master.controller().replicas_manager().unwrap().clone();
    let ok = wait_for(Duration::from_secs(30), || {
        let (set, _) = r.sync_state_set();
        async move { (set.len() >= n).then_some(()) }
    })
    .await;
    assert!(
        ok.is_some(),
        "SyncStateSet did not reach {n}: {:?}",
        r.sync_state_set()
    );
}

async fn wait_caught_up(slave: &BrokerHandle, offset: i64) {
    let store = slave.controller().message_store().clone();
    let ok = wait_for(Duration::from_secs(30), || {
        let max = store.get_max_phy_offset();
        async move { (max >= offset).then_some(()) }
    })
    .await;
    assert!(
        ok.is_some(),
        "slave at {} of {offset}",
        store.get_max_phy_offset()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slave_takes_over_when_the_master_stops_and_the_old_master_rejoins() {
    let dir = tempfile::tempdir().unwrap();
    let ns = start_namesrv().await;
    let ns_addr = format!("127.0.0.1:{}", ns.local_addr().port());
    let ctrl = start_controller(dir.path()).await;
    let ctrl_addr = format!("127.0.0.1:{}", ctrl.local_addr().port());
    let stores = [dir.path().join("b1"), dir.path().join("b2")];
    let a = start(&stores[0], &ns_addr, &ctrl_addr).await;
    let b = start(&stores[1], &ns_addr, &ctrl_addr).await;
    let mut brokers = [Some(a), Some(b)];
    let (m, s) = wait_roles(brokers[0].as_ref().unwrap(), brokers[1].as_ref().unwrap()).await;
    let master = brokers[m].take().unwrap();
    let slave = brokers[s].take().unwrap();
    let (master_id, slave_id) = (
        controller_id(&master).unwrap(),
        controller_id(&slave).unwrap(),
    );
    assert_ne!(master_id, slave_id);
    assert_eq!(master.controller().broker_config().load().broker_id, 0);
    assert_eq!(
        slave.controller().broker_config().load().broker_id,
        slave_id
    );
    wait_sync_state_set(&master, 2).await;

    let c = client();
    for i in 0..20 {
        send_ok(
            &c,
            &master.broker_addr(),
            TOPIC,
            0,
            &[],
            format!("m{i}").as_bytes(),
        )
        .await;
    }
    let slave_refuses = send(&c, &slave.broker_addr(), TOPIC, 0, &[], b"x").await;
    assert_ne!(slave_refuses.code, 0, "a slave must refuse sends");
    let written = master.controller().message_store().get_max_phy_offset();
    wait_caught_up(&slave, written).await;
    // GET_BROKER_EPOCH_CACHE (mqadmin getBrokerEpoch): epoch 1 from offset 0 on both.
    for (b, id) in [(&master, 0), (&slave, slave_id)] {
        let r = c
            .invoke(
                &b.broker_addr(),
                RemotingCommand::new_request(RequestCode::GET_BROKER_EPOCH_CACHE),
                3000,
            )
            .await
            .unwrap();
        assert_eq!(r.code, 0, "{:?}", r.remark);
        let cache: EpochEntryCache = decode(&r.body).unwrap();
        assert_eq!(cache.broker_id, id);
        assert_eq!(
            cache.epoch_list.first().map(|e| (e.epoch, e.start_offset)),
            Some((1, 0))
        );
    }

    // The master stops: the controller elects the slave.
    master.shutdown().await;
    let promoted = wait_for(Duration::from_secs(30), || {
        let r = role(&slave);
        async move { (r == BrokerRole::SyncMaster).then_some(()) }
    })
    .await;
    assert!(promoted.is_some(), "the slave was not elected");
    assert_eq!(slave.controller().broker_config().load().broker_id, 0);
    let sent = wait_for(Duration::from_secs(10), || {
        let c = c.clone();
        let addr = slave.broker_addr();
        async move {
            let r = send(&c, &addr, TOPIC, 0, &[], b"after").await;
            (r.code == 0).then_some(())
        }
    })
    .await;
    assert!(sent.is_some(), "the new master does not take sends");

    // The old master rejoins on its store, as a slave, with the id it had.
    let old = start(&stores[m], &ns_addr, &ctrl_addr).await;
    let rejoined = wait_for(Duration::from_secs(30), || {
        let r = running(&old).then(|| role(&old));
        async move { (r == Some(BrokerRole::Slave)).then_some(()) }
    })
    .await;
    assert!(rejoined.is_some(), "the old master did not become a slave");
    assert_eq!(controller_id(&old), Some(master_id));
    let now = slave.controller().message_store().get_max_phy_offset();
    wait_caught_up(&old, now).await;
    wait_sync_state_set(&slave, 2).await;

    old.shutdown().await;
    slave.shutdown().await;
    ctrl.shutdown().await;
    ns.shutdown().await;
}
