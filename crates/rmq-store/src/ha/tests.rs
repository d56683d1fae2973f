//! Replication between two stores over loopback, and each side against a hand-written peer
//! speaking the Java wire format.

use super::test_util::{commit_log_bytes, open_ha_store, wait_until};
use crate::store_tests::{msg, open};
use crate::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

fn master(dir: &std::path::Path, role: BrokerRole, in_sync: i32) -> Arc<DefaultMessageStore> {
    open_ha(dir, |c| {
        c.broker_role = role;
        c.in_sync_replicas = in_sync;
        c.slave_timeout = 300;
    })
}

fn open_ha(
    dir: &std::path::Path,
    f: impl FnOnce(&mut MessageStoreConfig),
) -> Arc<DefaultMessageStore> {
    open_ha_store(dir, false, f)
}

fn slave_of(dir: &std::path::Path, m: &DefaultMessageStore) -> Arc<DefaultMessageStore> {
    let s = open_ha(dir, |c| c.broker_role = BrokerRole::Slave);
    s.update_ha_master_address(&format!("127.0.0.1:{}", m.ha_listen_port().unwrap()));
    s
}

#[test]
fn a_slave_copies_the_commit_log_byte_for_byte_and_builds_its_queues() {
    let (dm, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let m = master(dm.path(), BrokerRole::AsyncMaster, 1);
    let s = slave_of(ds.path(), &m);
    // A slave that reports 0 starts at the master's last file: let it report before writing.
    wait_until("the slave's first report", || {
        m.ha_runtime_info().is_some_and(|i| {
            i.ha_connection_info
                .first()
                .is_some_and(|c| c.transfer_from_where == 0)
        })
    });
    // 64 KiB files: this spans several, so file-end fillers are copied too.
    for i in 0..1500 {
        assert!(m.put_message(&msg("T", (i % 3) as i32, i)).wait().is_ok());
    }
    let max = m.get_max_phy_offset();
    assert!(max > 2 * 64 * 1024);
    let mut polls = 0u32;
    wait_until("the slave to catch up", || {
        polls += 1;
        if polls.is_multiple_of(1000) {
            // Shown when the test fails.
            eprintln!(
                "slave at {} of {max}: {:?}",
                s.get_max_phy_offset(),
                m.ha_runtime_info()
            );
        }
        s.get_max_phy_offset() == max
    });
    assert_eq!(commit_log_bytes(&s, 0, max), commit_log_bytes(&m, 0, max));
    wait_until("both reputs", || {
        s.dispatch_behind_bytes() == 0 && m.dispatch_behind_bytes() == 0
    });
    for q in 0..3 {
        assert_eq!(
            s.get_max_offset_in_queue("T", q),
            m.get_max_offset_in_queue("T", q)
        );
    }
    let info = m.ha_runtime_info().unwrap();
    assert!(info.master);
    assert_eq!(info.master_commit_log_max_offset, max);
    wait_until("the ack", || m.slave_fall_behind_much() == 0);
    let info = m.ha_runtime_info().unwrap();
    assert_eq!(info.in_sync_slave_nums, 1);
    assert_eq!(info.ha_connection_info[0].slave_ack_offset, max);
    let si = s.ha_runtime_info().unwrap();
    assert!(!si.master);
    assert_eq!(si.ha_client_runtime_info.max_offset, max);
    assert_eq!(
        si.ha_client_runtime_info.master_addr.as_deref(),
        Some(format!("127.0.0.1:{}", m.ha_listen_port().unwrap()).as_str())
    );
    s.shutdown();
    m.shutdown();
}

#[test]
fn a_new_slave_starts_at_the_masters_last_file_and_reconnects_after_a_restart() {
    let (dm, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let m = master(dm.path(), BrokerRole::AsyncMaster, 1);
    for i in 0..400 {
        assert!(m.put_message(&msg("T", 0, i)).wait().is_ok());
    }
    let max = m.get_max_phy_offset();
    let last_file = max - max % (64 * 1024);
    assert!(last_file > 0);
    let s = slave_of(ds.path(), &m);
    wait_until("the slave to catch up", || s.get_max_phy_offset() == max);
    assert_eq!(s.get_min_phy_offset(), last_file);
    assert_eq!(
        commit_log_bytes(&s, last_file, max),
        commit_log_bytes(&m, last_file, max)
    );
    // The slave restarts; it resumes at its own max offset.
    s.shutdown();
    drop(s);
    for i in 400..450 {
        assert!(m.put_message(&msg("T", 0, i)).wait().is_ok());
    }
    let s = slave_of(ds.path(), &m);
    let max = m.get_max_phy_offset();
    wait_until("the restarted slave to catch up", || {
        s.get_max_phy_offset() == max
    });
    assert_eq!(
        commit_log_bytes(&s, last_file, max),
        commit_log_bytes(&m, last_file, max)
    );
    s.shutdown();
    m.shutdown();
}

#[test]
fn a_sync_master_waits_for_its_slave_and_times_out_without_one() {
    let (dm, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let m = master(dm.path(), BrokerRole::SyncMaster, 2);
    let r = m.put_message(&msg("T", 0, 0)).wait();
    assert_eq!(r.status, PutMessageStatus::FlushSlaveTimeout);
    assert!(
        r.append_result.is_some(),
        "the message is stored all the same"
    );
    let s = slave_of(ds.path(), &m);
    wait_until("the slave to connect", || m.ha_connection_count() == 1);
    for i in 1..50 {
        let r = m.put_message(&msg("T", 0, i)).wait();
        assert_eq!(r.status, PutMessageStatus::PutOk);
        // PUT_OK means the slave has the whole message.
        let a = r.append_result.unwrap();
        assert!(s.get_max_phy_offset() >= a.wrote_offset + a.wrote_bytes as i64);
    }
    // A put that does not wait (WAIT=false) is not held back.
    let mut quick = msg("T", 0, 99);
    quick.properties_string = quick
        .properties_string
        .replace("WAIT\u{1}true", "WAIT\u{1}false");
    s.shutdown();
    wait_until("the master to see the slave gone", || {
        m.ha_connection_count() == 0
    });
    assert_eq!(m.put_message(&quick).wait().status, PutMessageStatus::PutOk);
    assert_eq!(
        m.put_message(&msg("T", 0, 100)).wait().status,
        PutMessageStatus::FlushSlaveTimeout
    );
    m.shutdown();
}

#[test]
fn the_master_speaks_javas_frames_to_a_raw_slave() {
    let dm = tempfile::tempdir().unwrap();
    let m = master(dm.path(), BrokerRole::AsyncMaster, 1);
    for i in 0..10 {
        assert!(m.put_message(&msg("T", 0, i)).wait().is_ok());
    }
    let max = m.get_max_phy_offset();
    let mut c = TcpStream::connect(("127.0.0.1", m.ha_listen_port().unwrap())).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // Two reports in one write: only the last counts; 0 means "from the last file" (0 here).
    let mut report = 77i64.to_be_bytes().to_vec();
    report.extend_from_slice(&0i64.to_be_bytes());
    c.write_all(&report).unwrap();
    // 77 was also the first word: Java takes the last whole word only, so the transfer
    // starts at 0.
    let mut got = Vec::new();
    while (got.len() as i64) < max {
        let mut h = [0u8; 12];
        c.read_exact(&mut h).unwrap();
        let offset = i64::from_be_bytes(h[..8].try_into().unwrap());
        let size = i32::from_be_bytes(h[8..].try_into().unwrap());
        assert_eq!(offset, got.len() as i64, "frames are contiguous");
        assert!(size as i64 <= 32 * 1024);
        let mut body = vec![0u8; size as usize];
        c.read_exact(&mut body).unwrap();
        got.extend_from_slice(&body);
    }
    assert_eq!(got, commit_log_bytes(&m, 0, max));
    c.write_all(&max.to_be_bytes()).unwrap();
    wait_until("the ack", || m.slave_fall_behind_much() == 0);
    assert_eq!(
        m.ha_runtime_info().unwrap().ha_connection_info[0].transfer_from_where,
        max
    );
    drop(c);
    wait_until("the master to drop the connection", || {
        m.ha_connection_count() == 0
    });
    m.shutdown();
}

#[test]
fn the_slave_appends_a_raw_masters_frames_and_drops_a_wrong_offset() {
    let (dm, ds) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Records written by a real store, replayed by hand.
    let src = open(dm.path(), |_| {});
    for i in 0..5 {
        assert!(src.put_message(&msg("T", 0, i)).wait().is_ok());
    }
    let max = src.get_max_phy_offset();
    let bytes = commit_log_bytes(&src, 0, max);
    let fake = TcpListener::bind("127.0.0.1:0").unwrap();
    let s = open_ha(ds.path(), |c| c.broker_role = BrokerRole::Slave);
    s.update_ha_master_address(&fake.local_addr().unwrap().to_string());
    let (mut c, _) = fake.accept().unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut r = [0u8; 8];
    c.read_exact(&mut r).unwrap();
    assert_eq!(i64::from_be_bytes(r), 0, "an empty slave reports 0");
    let half = bytes.len() / 2;
    let mut frame = 0i64.to_be_bytes().to_vec();
    frame.extend_from_slice(&(half as i32).to_be_bytes());
    frame.extend_from_slice(&bytes[..half]);
    // Split the frame across writes.
    c.write_all(&frame[..7]).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    c.write_all(&frame[7..]).unwrap();
    c.read_exact(&mut r).unwrap();
    assert_eq!(
        i64::from_be_bytes(r),
        half as i64,
        "the slave reports its new max"
    );
    let mut frame = (half as i64).to_be_bytes().to_vec();
    frame.extend_from_slice(&((bytes.len() - half) as i32).to_be_bytes());
    frame.extend_from_slice(&bytes[half..]);
    c.write_all(&frame).unwrap();
    c.read_exact(&mut r).unwrap();
    assert_eq!(i64::from_be_bytes(r), max);
    wait_until("the slave's reput", || {
        s.get_max_offset_in_queue("T", 0) == 5
    });
    // A heartbeat at the right offset is fine; a frame at another offset closes the link.
    let mut hb = max.to_be_bytes().to_vec();
    hb.extend_from_slice(&0i32.to_be_bytes());
    c.write_all(&hb).unwrap();
    let mut bad = (max + 8).to_be_bytes().to_vec();
    bad.extend_from_slice(&0i32.to_be_bytes());
    c.write_all(&bad).unwrap();
    let mut rest = Vec::new();
    let _ = c.read_to_end(&mut rest);
    assert!(rest.len() % 8 == 0, "only whole reports, then the close");
    assert_eq!(s.get_max_phy_offset(), max);
    s.shutdown();
    src.shutdown();
}
