//! AutoSwitch replication between stores in one process over loopback, and the master
//! against a hand-written slave speaking Java's frames.

use super::*;
use crate::ha::test_util::{commit_log_bytes, open_ha_store, wait_until};
use crate::store_tests::msg;
use crate::*;
use parking_lot::Mutex;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// A controller-mode store on an ephemeral HA port.
fn open_cm(
    dir: &std::path::Path,
    f: impl FnOnce(&mut MessageStoreConfig),
) -> Arc<DefaultMessageStore> {
    open_ha_store(dir, true, |c| {
        c.slave_timeout = 500;
        f(c);
    })
}

fn ha(s: &DefaultMessageStore) -> Arc<AutoSwitchHaService> {
    s.autoswitch_ha()
        .expect("controller mode runs the AutoSwitch service")
}

fn set(ids: &[i64]) -> HashSet<i64> {
    ids.iter().copied().collect()
}

/// Makes `s` the master (broker id `id`) of `epoch` with SyncStateSet {id}.
fn make_master(s: &DefaultMessageStore, id: i64, epoch: i32) {
    let h = ha(s);
    h.set_local_broker_id(id);
    assert!(h.change_to_master(epoch).unwrap());
    h.set_sync_state_set(set(&[id]));
}

/// Makes `s` (broker id `id`) a slave of `m` in `epoch`.
fn make_slave(s: &DefaultMessageStore, m: &DefaultMessageStore, id: i64, epoch: i32) {
    let h = ha(s);
    h.set_local_broker_id(id);
    assert!(h.change_to_slave("master:10911", epoch, id).unwrap());
    h.update_ha_master_address(&format!("127.0.0.1:{}", m.ha_listen_port().unwrap()));
}

fn epochs(s: &DefaultMessageStore) -> Vec<(i32, i64)> {
    ha(s)
        .epoch_entries()
        .iter()
        .map(|e| (e.epoch, e.start_offset))
        .collect()
}

fn put_ok(s: &DefaultMessageStore, topic: &str, n: std::ops::Range<usize>) {
    for i in n {
        let r = s.put_message(&msg(topic, 0, i)).wait();
        assert_eq!(r.status, PutMessageStatus::PutOk, "put {i}");
    }
}

#[test]
fn a_slave_replicates_an_epoch_1_master_and_its_epoch_file() {
    let (dm, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let m = open_cm(dm.path(), |_| {});
    make_master(&m, 1, 1);
    // Several 64 KiB files, so file-end fillers go over too.
    put_ok(&m, "T", 0..1200);
    let max = m.get_max_phy_offset();
    assert!(max > 2 * 64 * 1024);
    let s = open_cm(ds.path(), |_| {});
    make_slave(&s, &m, 2, 1);
    wait_until("the slave to catch up", || s.get_max_phy_offset() == max);
    assert_eq!(commit_log_bytes(&s, 0, max), commit_log_bytes(&m, 0, max));
    assert_eq!(epochs(&m), vec![(1, 0)]);
    assert_eq!(epochs(&s), epochs(&m));
    // The epoch file is where Java keeps it, with the same entries.
    let path = ds.path().join("epochFileCheckpoint");
    assert_eq!(epoch_file_path(s.config()), path);
    let on_disk = EpochFileCache::with_file(&path);
    on_disk.init_from_file().unwrap();
    assert_eq!(on_disk.all_entries(), ha(&m).epoch_entries());
    // The slave's reput dispatches up to the master's confirm offset.
    wait_until("the slave's queue", || {
        s.get_max_offset_in_queue("T", 0) == 1200
    });
    assert_eq!(ha(&s).confirm_offset(), max);
    // More data flows as it is written; a slave refuses puts.
    put_ok(&m, "T", 1200..1300);
    let max = m.get_max_phy_offset();
    wait_until("the slave to catch up again", || {
        s.get_max_phy_offset() == max
    });
    assert_eq!(
        s.put_message(&msg("T", 0, 0)).wait().status,
        PutMessageStatus::ServiceNotAvailable
    );
    let info = s.ha_runtime_info().unwrap();
    assert!(!info.master);
    assert_eq!(info.ha_client_runtime_info.max_offset, max);
    assert_eq!(ha(&s).ha_client_state(), Some(HaConnectionState::Transfer));
    wait_until("the slave's ack", || m.slave_fall_behind_much() == 0);
    let info = m.ha_runtime_info().unwrap();
    assert!(info.master);
    assert_eq!(info.ha_connection_info.len(), 1);
    assert_eq!(info.ha_connection_info[0].slave_ack_offset, max);
    s.shutdown();
    m.shutdown();
}

#[test]
fn a_diverged_old_master_is_truncated_to_the_consistent_point_and_catches_up() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // A is the master of epoch 1, B its slave.
    let a = open_cm(da.path(), |_| {});
    make_master(&a, 1, 1);
    put_ok(&a, "T", 0..300);
    let x = a.get_max_phy_offset();
    let b = open_cm(db.path(), |_| {});
    make_slave(&b, &a, 2, 1);
    wait_until("B to catch up", || b.get_max_phy_offset() == x);
    // B becomes the master of epoch 2 at x; A, cut off, still writes as master of epoch 1.
    make_master(&b, 2, 2);
    assert_eq!(epochs(&b), vec![(1, 0), (2, x)]);
    put_ok(&a, "T", 300..450);
    let diverged = a.get_max_phy_offset();
    assert!(diverged > x);
    put_ok(&b, "U", 0..200);
    let y = b.get_max_phy_offset();
    // A rejoins as B's slave: truncated to x, then B's epoch-2 data.
    make_slave(&a, &b, 1, 2);
    wait_until("A to catch up with B", || {
        a.get_max_phy_offset() == y && commit_log_bytes(&a, x, y) == commit_log_bytes(&b, x, y)
    });
    assert_eq!(commit_log_bytes(&a, 0, y), commit_log_bytes(&b, 0, y));
    assert_eq!(epochs(&a), vec![(1, 0), (2, x)]);
    // A's queues lost the diverged messages and gained B's.
    wait_until("A's queues", || a.get_max_offset_in_queue("U", 0) == 200);
    assert_eq!(a.get_max_offset_in_queue("T", 0), 300);
    // B's data is readable on A where B wrote it.
    let first_u = b.read_message(x).unwrap();
    assert_eq!(first_u.topic(), "U");
    assert_eq!(a.read_message(x).unwrap().topic(), "U");
    // A new replica C gets both epochs from B: no chunk spans the boundary at x, and C's
    // epoch file ends up as B's.
    let dc = tempfile::tempdir().unwrap();
    let c = open_cm(dc.path(), |_| {});
    make_slave(&c, &b, 3, 2);
    wait_until("C to catch up with B", || c.get_max_phy_offset() == y);
    assert_eq!(commit_log_bytes(&c, 0, y), commit_log_bytes(&b, 0, y));
    assert_eq!(epochs(&c), vec![(1, 0), (2, x)]);
    c.shutdown();
    a.shutdown();
    b.shutdown();
}

#[test]
fn all_ack_in_sync_state_set_waits_for_every_member() {
    let (dm, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let m = open_cm(dm.path(), |c| {
        c.all_ack_in_sync_state_set = true;
        c.min_in_sync_replicas = 2;
    });
    make_master(&m, 1, 1);
    // {1} alone is fewer than minInSyncReplicas.
    assert_eq!(
        m.put_message(&msg("T", 0, 0)).wait().status,
        PutMessageStatus::InSyncReplicasNotEnough
    );
    let s = open_cm(ds.path(), |_| {});
    make_slave(&s, &m, 2, 1);
    wait_until("the slave to connect", || m.ha_connection_count() == 1);
    ha(&m).set_sync_state_set(set(&[1, 2]));
    for i in 1..30 {
        let r = m.put_message(&msg("T", 0, i)).wait();
        assert_eq!(r.status, PutMessageStatus::PutOk);
        // PUT_OK means the slave acknowledged the whole message.
        let a = r.append_result.unwrap();
        assert!(s.get_max_phy_offset() >= a.wrote_offset + a.wrote_bytes as i64);
    }
    // The master's reput exposes what every member has.
    wait_until("the confirm offset", || {
        m.confirm_offset() == m.get_max_phy_offset()
    });
    s.shutdown();
    wait_until("the master to see the slave gone", || {
        m.ha_connection_count() == 0
    });
    // Still {1, 2} until the controller agrees: the put times out waiting for 2.
    assert_eq!(ha(&m).in_sync_replicas_nums(0), 2);
    let r = m.put_message(&msg("T", 0, 100)).wait();
    assert_eq!(r.status, PutMessageStatus::FlushSlaveTimeout);
    assert!(r.append_result.is_some(), "stored all the same");
    // Once the set shrinks to {1}, fewer than minInSyncReplicas are in sync.
    ha(&m).set_sync_state_set(set(&[1]));
    assert_eq!(
        m.put_message(&msg("T", 0, 101)).wait().status,
        PutMessageStatus::InSyncReplicasNotEnough
    );
    m.shutdown();
}

#[test]
fn a_caught_up_slave_expands_the_set_and_a_stopped_one_is_shrunk_away() {
    let (dm, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let m = open_cm(dm.path(), |c| c.ha_max_time_slave_not_catchup = 1000);
    make_master(&m, 1, 1);
    let heard: Arc<Mutex<Vec<HashSet<i64>>>> = Arc::default();
    let h = heard.clone();
    ha(&m).register_sync_state_set_changed_listener(move |s| h.lock().push(s));
    put_ok(&m, "T", 0..100);
    let s = open_cm(ds.path(), |_| {});
    make_slave(&s, &m, 2, 1);
    wait_until("the expand notification", || {
        heard.lock().iter().any(|s| *s == set(&[1, 2]))
    });
    assert!(ha(&m).is_synchronizing_sync_state_set());
    assert_eq!(ha(&m).sync_state_set(), set(&[1, 2]));
    assert_eq!(ha(&m).local_sync_state_set(), set(&[1]));
    assert_eq!(ha(&m).in_sync_replicas_nums(0), 2);
    // The controller agrees.
    ha(&m).set_sync_state_set(set(&[1, 2]));
    assert!(!ha(&m).is_synchronizing_sync_state_set());
    let info = m.ha_runtime_info().unwrap();
    assert_eq!(info.in_sync_slave_nums, 1);
    assert!(info.ha_connection_info[0].in_sync);
    // A connected, caught-up slave stays.
    assert_eq!(ha(&m).maybe_shrink_sync_state_set(), set(&[1, 2]));
    // The slave stops: the connection's removal proposes {1} at once, and after
    // haMaxTimeSlaveNotCatchup the shrink drops it too.
    s.shutdown();
    wait_until("the removal notification", || {
        heard.lock().last() == Some(&set(&[1]))
    });
    wait_until("the shrink", || {
        ha(&m).maybe_shrink_sync_state_set() == set(&[1])
    });
    m.shutdown();
}

/// A hand-written Java slave against the rmq master: every byte is checked against Java's
/// field order.
#[test]
fn the_master_speaks_javas_autoswitch_frames_to_a_raw_slave() {
    let dm = tempfile::tempdir().unwrap();
    let m = open_cm(dm.path(), |_| {});
    make_master(&m, 1, 3);
    put_ok(&m, "T", 0..5);
    let max = m.get_max_phy_offset();
    let mut c = TcpStream::connect(("127.0.0.1", m.ha_listen_port().unwrap())).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // Handshake: putInt(HANDSHAKE=1) putShort(0) putShort(0) putLong(slaveId=7).
    c.write_all(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7])
        .unwrap();
    // Master handshake: putInt(1) putInt(12) putLong(max) putInt(3), entry putInt(3) putLong(0).
    let mut h = [0u8; 32];
    c.read_exact(&mut h).unwrap();
    let mut want = vec![0, 0, 0, 1, 0, 0, 0, 12];
    want.extend_from_slice(&max.to_be_bytes());
    want.extend_from_slice(&[0, 0, 0, 3]);
    want.extend_from_slice(&[0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(h.to_vec(), want);
    // Ack 0: putInt(TRANSFER=2) putLong(0); the transfer starts at the master's min offset.
    c.write_all(&[0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    let mut got = Vec::new();
    while (got.len() as i64) < max {
        let mut t = [0u8; 36];
        c.read_exact(&mut t).unwrap();
        assert_eq!(be_i32(&t, 0), 2, "state TRANSFER");
        let size = be_i32(&t, 4);
        assert_eq!(be_i64(&t, 8), got.len() as i64, "offset");
        assert_eq!(be_i32(&t, 16), 3, "epoch");
        assert_eq!(be_i64(&t, 20), 0, "epoch start offset");
        // SyncStateSet {1}: the confirm offset is the master's max offset.
        assert_eq!(be_i64(&t, 28), max, "confirm offset");
        let mut body = vec![0u8; size as usize];
        c.read_exact(&mut body).unwrap();
        got.extend_from_slice(&body);
    }
    assert_eq!(got, commit_log_bytes(&m, 0, max));
    let mut ack = vec![0, 0, 0, 2];
    ack.extend_from_slice(&max.to_be_bytes());
    c.write_all(&ack).unwrap();
    wait_until("the ack", || ha(&m).slave_acks() == vec![(7, max)]);
    drop(c);
    wait_until("the master to drop the connection", || {
        m.ha_connection_count() == 0
    });
    m.shutdown();
}

/// A hand-written Java master against the rmq slave: the slave's frames are Java's, and a
/// chunk ending inside a record (the confirm offset bounded by the bytes received) makes the
/// reput wait for the rest instead of skipping it.
#[test]
fn the_slave_speaks_javas_autoswitch_frames_to_a_raw_master() {
    let (dsrc, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let src = crate::store_tests::open(dsrc.path(), |_| {});
    put_ok(&src, "T", 0..5);
    let max = src.get_max_phy_offset();
    let bytes = commit_log_bytes(&src, 0, max);
    let fake = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let s = open_cm(ds.path(), |_| {});
    let h = ha(&s);
    assert!(h.change_to_slave("master:10911", 1, 9).unwrap());
    h.update_ha_master_address(&fake.local_addr().unwrap().to_string());
    let (mut c, _) = fake.accept().unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // putInt(HANDSHAKE=1) putShort(syncFromLastFile=0) putShort(asyncLearner=0) putLong(9).
    let mut hs = [0u8; 16];
    c.read_exact(&mut hs).unwrap();
    assert_eq!(hs, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    c.write_all(&encode_master_handshake(
        HaConnectionState::Handshake,
        max,
        1,
        &[EpochEntry::new(1, 0)],
    ))
    .unwrap();
    // A new replica (no epochs) reports 0: putInt(TRANSFER=2) putLong(0).
    let mut ack = [0u8; 12];
    c.read_exact(&mut ack).unwrap();
    assert_eq!(ack, [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    let half = bytes.len() / 2;
    let mut f = Vec::new();
    put_transfer_header(
        &mut f,
        HaConnectionState::Transfer,
        half as i32,
        0,
        1,
        0,
        max,
    );
    f.extend_from_slice(&bytes[..half]);
    c.write_all(&f).unwrap();
    c.read_exact(&mut ack).unwrap();
    assert_eq!(
        ack,
        encode_slave_ack(HaConnectionState::Transfer, half as i64)
    );
    assert_eq!(h.confirm_offset(), half as i64, "bounded by what arrived");
    assert_eq!(h.epoch_entries(), vec![EpochEntry::new(1, 0)]);
    // The reput stops before the record cut in half.
    std::thread::sleep(Duration::from_millis(200));
    let dispatched = s.get_max_offset_in_queue("T", 0);
    assert!(dispatched < 5);
    assert!(s.reput_from_offset() <= half as i64);
    let mut f = Vec::new();
    put_transfer_header(
        &mut f,
        HaConnectionState::Transfer,
        (bytes.len() - half) as i32,
        half as i64,
        1,
        0,
        max,
    );
    f.extend_from_slice(&bytes[half..]);
    c.write_all(&f).unwrap();
    c.read_exact(&mut ack).unwrap();
    assert_eq!(ack, encode_slave_ack(HaConnectionState::Transfer, max));
    wait_until("the slave's queue", || {
        s.get_max_offset_in_queue("T", 0) == 5
    });
    assert_eq!(commit_log_bytes(&s, 0, max), bytes);
    assert_eq!(h.confirm_offset(), max);
    // A frame at another offset closes the connection.
    let mut bad = Vec::new();
    put_transfer_header(&mut bad, HaConnectionState::Transfer, 0, max + 8, 1, 0, max);
    c.write_all(&bad).unwrap();
    let mut rest = Vec::new();
    let _ = c.read_to_end(&mut rest);
    assert_eq!(s.get_max_phy_offset(), max);
    s.shutdown();
    src.shutdown();
}
