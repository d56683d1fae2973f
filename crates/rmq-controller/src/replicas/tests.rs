//! The state machine's decisions, as Java's `ReplicasInfoManagerTest` exercises them: ids
//! handed out, first election, SyncStateSet changes with their fencing, re-election when the
//! master dies, cleaning.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::elect::tests::FakeLiveness;

const CLUSTER: &str = "cluster";
const BROKER: &str = "broker-a";

fn addr(id: i64) -> String {
    format!("127.0.0.1:{}", 30910 + id)
}

fn apply_all<H>(m: &mut ReplicasInfoManager, r: &ControllerResult<H>) {
    for e in &r.events {
        m.apply_event(e);
    }
}

/// Next id, apply it, register: what a broker does on start-up.
fn join(m: &mut ReplicasInfoManager, live: &FakeLiveness) -> i64 {
    let next = m
        .get_next_broker_id(&GetNextBrokerIdRequestHeader {
            cluster_name: Some(CLUSTER.into()),
            broker_name: Some(BROKER.into()),
        })
        .response
        .next_broker_id
        .unwrap();
    let applied = m.apply_broker_id(&ApplyBrokerIdRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: Some(BROKER.into()),
        applied_broker_id: Some(next),
        register_check_code: Some(format!("{};{}", addr(next), 1000 + next)),
    });
    assert_eq!(applied.code, ResponseCode::SUCCESS, "{:?}", applied.remark);
    apply_all(m, &applied);
    let registered = register(m, next, live);
    assert_eq!(
        registered.code,
        ResponseCode::SUCCESS,
        "{:?}",
        registered.remark
    );
    apply_all(m, &registered);
    next
}

fn register(
    m: &ReplicasInfoManager,
    id: i64,
    live: &FakeLiveness,
) -> ControllerResult<RegisterBrokerToControllerResponseHeader> {
    m.register_broker(
        &RegisterBrokerToControllerRequestHeader {
            cluster_name: Some(CLUSTER.into()),
            broker_name: Some(BROKER.into()),
            broker_id: Some(id),
            broker_address: Some(addr(id)),
            ..Default::default()
        },
        live,
    )
}

fn elect(
    m: &mut ReplicasInfoManager,
    broker_id: Option<i64>,
    live: &FakeLiveness,
) -> ControllerResult<ElectMasterResponseHeader> {
    let request = match broker_id {
        Some(id) => ElectMasterRequestHeader::of_broker_trigger(CLUSTER, BROKER, id),
        None => ElectMasterRequestHeader::of_controller_trigger(BROKER),
    };
    let r = m.elect_master(&request, &ElectPolicy::new(live), false);
    apply_all(m, &r);
    r
}

fn alter(
    m: &mut ReplicasInfoManager,
    master: i64,
    master_epoch: i32,
    set: &[i64],
    set_epoch: i32,
    live: &FakeLiveness,
) -> ControllerResult<AlterSyncStateSetResponseHeader> {
    let r = m.alter_sync_state_set(
        &AlterSyncStateSetRequestHeader {
            broker_name: Some(BROKER.into()),
            master_broker_id: Some(master),
            master_epoch: Some(master_epoch),
            ..Default::default()
        },
        &SyncStateSet {
            sync_state_set: set.iter().copied().collect(),
            sync_state_set_epoch: set_epoch,
        },
        live,
    );
    apply_all(m, &r);
    r
}

fn state(m: &ReplicasInfoManager) -> &SyncStateInfo {
    m.sync_state_set_info_table.get(BROKER).unwrap()
}

/// Three brokers joined, 1 elected first, SyncStateSet {1,2,3} at epoch 2.
fn three_in_sync() -> (ReplicasInfoManager, FakeLiveness) {
    let live = FakeLiveness::with(&[(1, 1, 100, 0), (2, 1, 100, 0), (3, 1, 100, 0)]);
    let mut m = ReplicasInfoManager::new();
    assert_eq!(join(&mut m, &live), 1);
    assert_eq!(join(&mut m, &live), 2);
    assert_eq!(join(&mut m, &live), 3);
    let r = elect(&mut m, Some(1), &live);
    assert_eq!(r.code, ResponseCode::SUCCESS);
    assert_eq!(r.response.master_broker_id, Some(1));
    assert_eq!(r.response.master_epoch, Some(1));
    let r = alter(&mut m, 1, 1, &[1, 2, 3], 1, &live);
    assert_eq!(r.code, ResponseCode::SUCCESS, "{:?}", r.remark);
    assert_eq!(r.response.new_sync_state_set_epoch, 2);
    (m, live)
}

#[test]
fn ids_are_handed_out_in_order_and_a_taken_id_is_refused_to_another_broker() {
    let (m, _) = three_in_sync();
    let next = m.get_next_broker_id(&GetNextBrokerIdRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: Some(BROKER.into()),
    });
    assert_eq!(next.response.next_broker_id, Some(4));
    let stolen = m.apply_broker_id(&ApplyBrokerIdRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: Some(BROKER.into()),
        applied_broker_id: Some(2),
        register_check_code: Some("10.0.0.9:1;5".into()),
    });
    assert_eq!(stolen.code, ResponseCode::CONTROLLER_BROKER_ID_INVALID);
    assert!(stolen.events.is_empty());
    // the same broker re-applying its id (same check code) is fine
    let again = m.apply_broker_id(&ApplyBrokerIdRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: Some(BROKER.into()),
        applied_broker_id: Some(2),
        register_check_code: Some(format!("{};1002", addr(2))),
    });
    assert_eq!(again.code, ResponseCode::SUCCESS);
    // a new set must start at id 1
    let fresh = ReplicasInfoManager::new().apply_broker_id(&ApplyBrokerIdRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: Some(BROKER.into()),
        applied_broker_id: Some(2),
        register_check_code: Some("x;1".into()),
    });
    assert_eq!(fresh.code, ResponseCode::CONTROLLER_BROKER_ID_INVALID);
}

#[test]
fn registering_reports_the_live_master_and_updates_a_changed_address() {
    let (m, live) = three_in_sync();
    let r = register(&m, 2, &live);
    assert_eq!(r.response.master_broker_id, Some(1));
    assert_eq!(r.response.master_address.as_deref(), Some(addr(1).as_str()));
    assert_eq!(r.response.master_epoch, Some(1));
    assert!(r.events.is_empty());
    let moved = m.register_broker(
        &RegisterBrokerToControllerRequestHeader {
            cluster_name: Some(CLUSTER.into()),
            broker_name: Some(BROKER.into()),
            broker_id: Some(2),
            broker_address: Some("10.0.0.2:10911".into()),
            ..Default::default()
        },
        &live,
    );
    assert_eq!(
        moved.events,
        vec![ControllerEvent::UpdateBrokerAddress {
            cluster_name: CLUSTER.into(),
            broker_name: BROKER.into(),
            broker_address: "10.0.0.2:10911".into(),
            broker_id: 2,
        }]
    );
    let unknown = register(&m, 7, &live);
    assert_eq!(
        unknown.code,
        ResponseCode::CONTROLLER_BROKER_NEED_TO_BE_REGISTERED
    );
    let dead_master = register(&m, 2, &FakeLiveness::with(&[(2, 1, 1, 0)]));
    assert_eq!(dead_master.response.master_broker_id, None);
}

#[test]
fn sync_state_set_changes_are_fenced_by_master_and_epochs() {
    let (mut m, live) = three_in_sync();
    let stale_set_epoch = alter(&mut m, 1, 1, &[1, 2], 1, &live);
    assert_eq!(
        stale_set_epoch.code,
        ResponseCode::CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH
    );
    let stale_master_epoch = alter(&mut m, 1, 0, &[1, 2], 2, &live);
    assert_eq!(
        stale_master_epoch.code,
        ResponseCode::CONTROLLER_FENCED_MASTER_EPOCH
    );
    let not_master = alter(&mut m, 2, 1, &[1, 2], 2, &live);
    assert_eq!(not_master.code, ResponseCode::CONTROLLER_INVALID_MASTER);
    let same = alter(&mut m, 1, 1, &[1, 2, 3], 2, &live);
    assert_eq!(
        same.code,
        ResponseCode::CONTROLLER_ALTER_SYNC_STATE_SET_FAILED
    );
    let unknown_replica = alter(&mut m, 1, 1, &[1, 9], 2, &live);
    assert_eq!(
        unknown_replica.code,
        ResponseCode::CONTROLLER_INVALID_REPLICAS
    );
    let without_master = alter(&mut m, 1, 1, &[2, 3], 2, &live);
    assert_eq!(
        without_master.code,
        ResponseCode::CONTROLLER_ALTER_SYNC_STATE_SET_FAILED
    );
    let dead = FakeLiveness::with(&[(1, 1, 1, 0), (2, 1, 1, 0)]);
    let dead_replica = alter(&mut m, 1, 1, &[1, 3], 2, &dead);
    assert_eq!(dead_replica.code, ResponseCode::CONTROLLER_BROKER_NOT_ALIVE);
    assert_eq!(
        state(&m).sync_state_set_epoch,
        2,
        "nothing applied by refusals"
    );
    let ok = alter(&mut m, 1, 1, &[1, 2], 2, &live);
    assert_eq!(ok.code, ResponseCode::SUCCESS);
    assert_eq!(state(&m).sync_state_set, [1, 2].into_iter().collect());
    assert_eq!(state(&m).sync_state_set_epoch, 3);
}

#[test]
fn a_dead_master_is_replaced_by_the_most_advanced_in_sync_replica() {
    let (mut m, _) = three_in_sync();
    // 1 died; 3 is ahead of 2; 4 does not exist
    let live = FakeLiveness::with(&[(2, 1, 100, 0), (3, 1, 200, 0)]);
    assert_eq!(
        m.scan_need_reelect_broker_sets(&live),
        vec![BROKER.to_string()]
    );
    let r = elect(&mut m, None, &live);
    assert_eq!(r.code, ResponseCode::SUCCESS, "{:?}", r.remark);
    assert_eq!(r.response.master_broker_id, Some(3));
    assert_eq!(r.response.master_epoch, Some(2));
    assert_eq!(r.response.sync_state_set_epoch, Some(3));
    let body: ElectMasterResponseBody =
        rmq_remoting::protocol::body::decode(r.body.as_deref().unwrap()).unwrap();
    assert_eq!(body.sync_state_set, [3].into_iter().collect());
    assert_eq!(body.broker_member_group.unwrap().broker_addrs.len(), 3);
    assert_eq!(state(&m).master_broker_id, Some(3));
    assert_eq!(state(&m).sync_state_set, [3].into_iter().collect());
    assert!(m.scan_need_reelect_broker_sets(&live).is_empty());
    // electing again keeps the live master
    let again = elect(&mut m, None, &live);
    assert_eq!(again.code, ResponseCode::CONTROLLER_MASTER_STILL_EXIST);
    assert_eq!(again.response.master_broker_id, Some(3));
}

#[test]
fn no_alive_in_sync_replica_means_no_master_unless_unclean_election_is_on() {
    let (mut m, live) = three_in_sync();
    alter(&mut m, 1, 1, &[1], 2, &live);
    let only_3 = FakeLiveness::with(&[(3, 1, 1, 0)]);
    let r = elect(&mut m, None, &only_3);
    assert_eq!(r.code, ResponseCode::CONTROLLER_MASTER_NOT_AVAILABLE);
    assert_eq!(
        state(&m).master_broker_id,
        None,
        "the dead master is dropped"
    );
    assert_eq!(state(&m).master_epoch, 2);
    let by_broker = m.elect_master(
        &ElectMasterRequestHeader::of_broker_trigger(CLUSTER, BROKER, 3),
        &ElectPolicy::new(&only_3),
        false,
    );
    assert_eq!(by_broker.code, ResponseCode::CONTROLLER_ELECT_MASTER_FAILED);
    assert!(by_broker.events.is_empty());
    let unclean = m.elect_master(
        &ElectMasterRequestHeader::of_controller_trigger(BROKER),
        &ElectPolicy::new(&only_3),
        true,
    );
    assert_eq!(unclean.response.master_broker_id, Some(3));
}

#[test]
fn cleaning_refuses_live_brokers_and_removes_what_it_names() {
    let (mut m, live) = three_in_sync();
    let request = |ids: Option<&str>, living: bool| CleanControllerBrokerDataRequestHeader {
        cluster_name: Some(CLUSTER.into()),
        broker_name: BROKER.into(),
        broker_controller_ids_to_clean: ids.map(str::to_string),
        is_clean_living_broker: living,
        ..Default::default()
    };
    let r = m.clean_broker_data(&request(None, false), &live);
    assert_eq!(
        r.code,
        ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA
    );
    let r = m.clean_broker_data(&request(Some("2;x"), false), &live);
    assert_eq!(
        r.code,
        ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA
    );
    let r = m.clean_broker_data(&request(Some("2"), false), &live);
    assert_eq!(
        r.code,
        ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA
    );
    let without_2 = FakeLiveness::with(&[(1, 1, 1, 0), (3, 1, 1, 0)]);
    let r = m.clean_broker_data(&request(Some("2"), false), &without_2);
    assert_eq!(r.code, ResponseCode::SUCCESS, "{:?}", r.remark);
    apply_all(&mut m, &r);
    assert!(!m.replica_info_table[BROKER].is_broker_exist(2));
    assert!(!state(&m).sync_state_set.contains(&2));
    let r = m.clean_broker_data(&request(None, true), &live);
    apply_all(&mut m, &r);
    assert!(m.broker_names().is_empty());
    let r = m.clean_broker_data(&request(None, true), &live);
    assert_eq!(
        r.code,
        ResponseCode::CONTROLLER_INVALID_CLEAN_BROKER_METADATA
    );
}

#[test]
fn sync_state_data_lists_replicas_in_and_out_of_sync() {
    let (mut m, live) = three_in_sync();
    alter(&mut m, 1, 1, &[1, 2], 2, &live);
    let r = m.get_sync_state_data(&[BROKER.to_string(), "nope".to_string()], &live);
    let info: BrokerReplicasInfo =
        rmq_remoting::protocol::body::decode(r.body.as_deref().unwrap()).unwrap();
    let set = &info.replicas_info_table[BROKER];
    assert_eq!(set.master_broker_id, Some(1));
    assert_eq!(set.in_sync_replicas.len(), 2);
    assert_eq!(set.not_in_sync_replicas.len(), 1);
    assert_eq!(set.not_in_sync_replicas[0].broker_id, 3);
    assert_eq!(info.replicas_info_table.len(), 1);
}

#[test]
fn the_state_survives_a_snapshot_round_trip() {
    let (m, _) = three_in_sync();
    let json = serde_json::to_vec(&m).unwrap();
    let back: ReplicasInfoManager = serde_json::from_slice(&json).unwrap();
    assert_eq!(back, m);
}
