//! Store-level tests: put/get, every GetMessageStatus, time search, key query, recovery,
//! cleaning and the disk watermark.

use crate::*;
use bytes::Bytes;
use rmq_common::message::message_decoder::{decode, decodes, DecodeOptions, RecordFields};
use std::path::Path;
use std::sync::Arc;

pub(crate) fn test_config(dir: &Path) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: dir.to_string_lossy().into_owned(),
        mapped_file_size_commit_log: 64 * 1024,
        mapped_file_size_consume_queue: 20 * 100,
        max_hash_slot_num: 64,
        max_index_num: 256,
        flush_interval_consume_queue: 50,
        flush_interval_commit_log: 20,
        ..Default::default()
    }
}

pub(crate) fn msg(topic: &str, queue_id: i32, i: usize) -> MessageExtBrokerInner {
    let props = format!(
        "TAGS\u{1}tag{}\u{2}KEYS\u{1}key{i} common\u{2}UNIQ_KEY\u{1}U{i:08}\u{2}WAIT\u{1}true\u{2}",
        i % 2
    );
    MessageExtBrokerInner {
        topic: topic.to_string(),
        queue_id,
        flag: 7,
        body: Bytes::from(format!("body-{i}-{}", "x".repeat(i % 50))),
        properties_string: props,
        born_timestamp: 1_700_000_000_000,
        born_host: "10.0.0.1:5555".parse().unwrap(),
        store_host: "10.0.0.2:10911".parse().unwrap(),
        ..Default::default()
    }
}

pub(crate) fn open(
    dir: &Path,
    f: impl FnOnce(&mut MessageStoreConfig),
) -> Arc<DefaultMessageStore> {
    let mut c = test_config(dir);
    f(&mut c);
    let s = DefaultMessageStore::open(c).unwrap();
    // Cleaning must not depend on how full the machine's disk is: above the warning ratio
    // every round would delete files at once. Tests of space-driven cleaning set their own.
    s.set_disk_usage_probe(Some(Box::new(|_| 0.10)));
    s.start().unwrap();
    s
}

/// Waits (by probing) until everything written is dispatched.
pub(crate) fn wait_dispatched(s: &DefaultMessageStore) {
    for _ in 0..10_000 {
        if s.dispatch_behind_bytes() == 0 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    panic!("dispatch did not catch up");
}

fn put_ok(s: &DefaultMessageStore, m: &MessageExtBrokerInner) -> AppendMessageResult {
    let r = s.put_message(m).wait();
    assert_eq!(r.status, PutMessageStatus::PutOk, "{r:?}");
    r.append_result.unwrap()
}

#[test]
fn put_get_round_trip_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let small = |c: &mut MessageStoreConfig| c.mapped_file_size_commit_log = 16 * 1024;
    let s = open(dir.path(), small);
    let mut offsets = Vec::new();
    for i in 0..300 {
        let r = put_ok(&s, &msg("TopicA", (i % 2) as i32, i));
        assert_eq!(r.logics_offset, (i / 2) as i64);
        offsets.push(r.wrote_offset);
    }
    wait_dispatched(&s);
    assert_eq!(s.get_max_offset_in_queue("TopicA", 0), 150);
    assert_eq!(s.get_min_offset_in_queue("TopicA", 0), 0);
    let r = s
        .get_message("g", "TopicA", 1, 0, 32, 1 << 20, None)
        .unwrap();
    assert_eq!(r.status, GetMessageStatus::Found);
    assert_eq!(r.msg_count, 32);
    assert_eq!(r.next_begin_offset, 32);
    let all: Vec<u8> = r.message_buffers.iter().flat_map(|b| b.to_vec()).collect();
    let msgs = decodes(&all, DecodeOptions::default()).unwrap();
    assert_eq!(msgs[3].queue_offset, 3);
    assert_eq!(msgs[3].body(), b"body-7-xxxxxxx");
    assert_eq!(msgs[3].tags(), Some("tag1"));
    assert_eq!(msgs[3].commit_log_offset, offsets[7]);
    assert_eq!(s.get_commit_log_offset_in_queue("TopicA", 1, 3), offsets[7]);
    // Files rolled: 300 records of ~190 bytes over 16 KiB files.
    assert!(s.get_max_phy_offset() > 3 * 16 * 1024);
    let q = s.query_message("TopicA", "U00000007", 32, 0, i64::MAX);
    assert_eq!(q.message_buffers.len(), 1);
    let (m, _) = decode(&q.message_buffers[0], DecodeOptions::default()).unwrap();
    assert_eq!(m.property("UNIQ_KEY"), Some("U00000007"));
    assert_eq!(
        s.query_message("TopicA", "common", 64, 0, i64::MAX)
            .message_buffers
            .len(),
        64
    );
    let lm = s.look_message_by_offset(offsets[10]).unwrap();
    assert_eq!(lm.body(), b"body-10-xxxxxxxxxx");
    assert_eq!(s.read_message(offsets[10]).unwrap().msg_id, lm.msg_id);
    s.shutdown();
    assert!(!dir.path().join("abort").exists());
    drop(s);

    let s = open(dir.path(), small);
    assert_eq!(s.get_max_offset_in_queue("TopicA", 1), 150);
    let r = put_ok(&s, &msg("TopicA", 1, 300));
    assert_eq!(r.logics_offset, 150);
    wait_dispatched(&s);
    let r = s
        .get_message("g", "TopicA", 1, 150, 32, 1 << 20, None)
        .unwrap();
    assert_eq!(r.msg_count, 1);
    s.shutdown();
}

struct TagFilter(i64);

impl MessageFilter for TagFilter {
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool {
        tags_code == Some(self.0)
    }
    fn is_matched_by_commit_log(&self, _record: &[u8]) -> bool {
        true
    }
}

struct RejectAll;

impl MessageFilter for RejectAll {
    fn is_matched_by_consume_queue(&self, _: Option<i64>) -> bool {
        true
    }
    fn is_matched_by_commit_log(&self, _record: &[u8]) -> bool {
        false
    }
}

#[test]
fn every_get_message_status() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |c| {
        c.mapped_file_size_commit_log = 8 * 1024;
        c.mapped_file_size_consume_queue = 20 * 10;
    });
    for i in 0..100 {
        put_ok(&s, &msg("T", 0, i));
    }
    put_ok(&s, &msg("Lone", 0, 0));
    wait_dispatched(&s);
    let get = |topic: &str, off: i64, f: Option<&dyn MessageFilter>| {
        s.get_message("g", topic, 0, off, 8, 1 << 20, f).unwrap()
    };
    assert_eq!(get("T", 0, None).status, GetMessageStatus::Found);
    let r = get("nope", 5, None);
    assert_eq!(
        (r.status, r.next_begin_offset),
        (GetMessageStatus::NoMatchedLogicQueue, 0)
    );
    let r = get("T", 100, None);
    assert_eq!(
        (r.status, r.next_begin_offset),
        (GetMessageStatus::OffsetOverflowOne, 100)
    );
    let r = get("T", 150, None);
    assert_eq!(
        (r.status, r.next_begin_offset),
        (GetMessageStatus::OffsetOverflowBadly, 100)
    );
    // Only odd messages carry tag1: the first unit (tag0) is filtered out, the rest match.
    let tag1 = rmq_common::java_hash::string_hash_code("tag1") as i64;
    let r = get("T", 0, Some(&TagFilter(tag1)));
    assert_eq!(r.status, GetMessageStatus::Found);
    assert_eq!(r.message_queue_offsets[0], 1);
    let r = get("T", 0, Some(&TagFilter(42)));
    assert_eq!(r.status, GetMessageStatus::NoMatchedMessage);
    assert!(r.next_begin_offset > 0);
    let r = get("T", 0, Some(&RejectAll));
    assert_eq!(r.status, GetMessageStatus::NoMatchedMessage);
    // Filtering scans to the end of the ConsumeQueue file (10 units here).
    assert_eq!(r.filter_message_count, 10);
    // The CommitLog file behind offset 0 disappears before the ConsumeQueue is corrected.
    let removed = s.commit_log.delete_expired_file(0, 0, true, 1);
    assert_eq!(removed, 1);
    let r = get("T", 0, None);
    assert_eq!(r.status, GetMessageStatus::MessageWasRemoving);
    // Cleaning the queues corrects the min offset: offset 0 is now too small.
    s.clean_files_periodically();
    let min = s.get_min_offset_in_queue("T", 0);
    assert!(min > 0);
    let r = get("T", 0, None);
    assert_eq!(
        (r.status, r.next_begin_offset),
        (GetMessageStatus::OffsetTooSmall, min)
    );
    s.shutdown();
    drop(s);

    // A missing ConsumeQueue file in the middle of the queue: OFFSET_FOUND_NULL.
    let mut cq_files: Vec<_> = std::fs::read_dir(dir.path().join("consumequeue/T/0"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cq_files.sort();
    assert!(cq_files.len() >= 3);
    let hole = &cq_files[cq_files.len() - 2];
    let hole_start: i64 = hole
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .parse::<i64>()
        .unwrap()
        / 20;
    std::fs::remove_file(hole).unwrap();
    // The lone message's body is corrupted: recovery drops it, leaving an empty queue.
    let s = open(dir.path(), |c| {
        c.mapped_file_size_commit_log = 8 * 1024;
        c.mapped_file_size_consume_queue = 20 * 10;
    });
    let r = s
        .get_message("g", "T", 0, hole_start + 5, 8, 1 << 20, None)
        .unwrap();
    assert_eq!(
        (r.status, r.next_begin_offset),
        (GetMessageStatus::OffsetFoundNull, hole_start + 10)
    );
    s.shutdown();
    drop(s);
    let lone_offset = {
        let s = DefaultMessageStore::open(test_config_small(dir.path())).unwrap();
        s.get_commit_log_offset_in_queue("Lone", 0, 0)
    };
    flip_body_byte(dir.path(), 8 * 1024, lone_offset);
    let s = DefaultMessageStore::open(test_config_small(dir.path())).unwrap();
    let r = s.get_message("g", "Lone", 0, 0, 8, 1 << 20, None).unwrap();
    assert_eq!(r.status, GetMessageStatus::NoMessageInQueue);
    assert_eq!(GetMessageStatus::OffsetReset.java_name(), "OFFSET_RESET");
}

fn test_config_small(dir: &Path) -> MessageStoreConfig {
    MessageStoreConfig {
        mapped_file_size_commit_log: 8 * 1024,
        mapped_file_size_consume_queue: 20 * 10,
        ..test_config(dir)
    }
}

/// Flips the first body byte of the record at `phy_offset`.
pub(crate) fn flip_body_byte(dir: &Path, file_size: i64, phy_offset: i64) {
    let name = rmq_common::util_all::offset_to_file_name(phy_offset - phy_offset % file_size);
    let path = dir.join("commitlog").join(name);
    let mut data = std::fs::read(&path).unwrap();
    let pos = (phy_offset % file_size) as usize;
    let sys_flag = i32::from_be_bytes(data[pos + 36..pos + 40].try_into().unwrap());
    let v6 = (sys_flag & 0x10 != 0) as usize * 12 + (sys_flag & 0x20 != 0) as usize * 12;
    let body_at = pos + 88 + v6;
    data[body_at] ^= 0x5a;
    std::fs::write(&path, data).unwrap();
}

/// Builds a record as the CommitLog stores it, with a chosen store time.
fn raw_record(phy: i64, queue_offset: i64, store_ts: i64) -> Vec<u8> {
    let body = b"timed";
    let f = RecordFields {
        queue_id: 0,
        flag: 0,
        queue_offset,
        physical_offset: phy,
        sys_flag: 0,
        born_timestamp: store_ts,
        born_host: "1.1.1.1:1".parse().unwrap(),
        store_timestamp: store_ts,
        store_host: "2.2.2.2:2".parse().unwrap(),
        reconsume_times: 0,
        prepared_transaction_offset: 0,
        body,
        body_crc: rmq_common::util_all::crc32(body),
        topic: b"Timed",
        properties: b"",
    };
    let mut v = Vec::new();
    f.encode(&mut v);
    v
}

#[test]
fn offset_by_time_lower_and_upper() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |_| {});
    // Store times 1000, 2000, 2000, 2000, 3000, 5000 (via the slave append path).
    let times = [1000, 2000, 2000, 2000, 3000, 5000];
    let mut phy = 0i64;
    for (i, t) in times.iter().enumerate() {
        let rec = raw_record(phy, i as i64, *t);
        assert!(s.append_to_commit_log(phy, &rec).unwrap());
        phy += rec.len() as i64;
    }
    wait_dispatched(&s);
    let by = |ts, b| s.get_offset_in_queue_by_time("Timed", 0, ts, b);
    use BoundaryType::{Lower, Upper};
    assert_eq!(by(2000, Lower), 1);
    assert_eq!(by(2000, Upper), 3);
    assert_eq!(by(2500, Lower), 4);
    assert_eq!(by(2500, Upper), 3);
    assert_eq!(by(500, Lower), 0);
    assert_eq!(by(500, Upper), 0);
    assert_eq!(by(9000, Lower), 6);
    assert_eq!(by(9000, Upper), 5);
    assert_eq!(by(5000, Lower), 5);
    assert_eq!(s.get_earliest_message_time("Timed", 0), 1000);
    assert_eq!(s.get_message_store_timestamp("Timed", 0, 4), 3000);
    // A gap in the offsets is refused.
    assert!(!s
        .append_to_commit_log(phy + 1, &raw_record(phy + 1, 6, 6000))
        .unwrap());
    s.shutdown();
}

#[test]
fn batch_ipv6_long_topic_and_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |_| {});
    let mut items = Vec::new();
    for i in 0..5 {
        let mut m = rmq_common::Message::new("B", format!("batch-{i}").into_bytes());
        m.set_tags("bt");
        m.put_property("UNIQ_KEY", format!("BATCH{i}"));
        items.push(m);
    }
    let batch = MessageExtBatch {
        topic: "B".into(),
        queue_id: 2,
        body: rmq_common::message::message_decoder::encode_messages(&items),
        properties_string: "CLUSTER\u{1}c1\u{2}".into(),
        born_host: "[::1]:4000".parse().unwrap(),
        store_host: "[fe80::2]:10911".parse().unwrap(),
        ..Default::default()
    };
    let r = s.put_messages(&batch).wait();
    assert_eq!(r.status, PutMessageStatus::PutOk);
    let a = r.append_result.unwrap();
    assert_eq!(a.msg_num, 5);
    assert_eq!(a.msg_id().split(',').count(), 5);
    assert_eq!(a.msg_id().split(',').next().unwrap().len(), 56);
    let long_topic = "L".repeat(200);
    put_ok(&s, &msg(&long_topic, 0, 1));
    let mut prepared = msg("Tx", 0, 2);
    prepared.sys_flag = rmq_common::sys_flag::message_sys_flag::TRANSACTION_PREPARED_TYPE;
    let p = put_ok(&s, &prepared);
    assert_eq!(p.logics_offset, 0);
    wait_dispatched(&s);
    let r = s.get_message("g", "B", 2, 0, 32, 1 << 20, None).unwrap();
    assert_eq!(r.msg_count, 5);
    let (m, _) = decode(&r.message_buffers[4], DecodeOptions::default()).unwrap();
    assert_eq!(m.queue_offset, 4);
    assert_eq!(m.body(), b"batch-4");
    assert_eq!(m.property("CLUSTER"), Some("c1"));
    assert_eq!(
        m.born_host,
        "[::1]:4000".parse::<std::net::SocketAddr>().unwrap()
    );
    let r = s
        .get_message("g", &long_topic, 0, 0, 32, 1 << 20, None)
        .unwrap();
    let magic = i32::from_be_bytes(r.message_buffers[0][4..8].try_into().unwrap());
    assert_eq!(
        magic,
        rmq_common::message::message_decoder::MESSAGE_MAGIC_CODE_V2
    );
    assert_eq!(s.get_max_offset_in_queue("Tx", 0), 0);
    assert_eq!(
        s.query_message("B", "BATCH3", 32, 0, i64::MAX)
            .message_buffers
            .len(),
        1
    );
    // Illegal messages.
    let mut big = msg("T", 0, 1);
    big.body = Bytes::from(vec![0u8; 5 * 1024 * 1024]);
    assert_eq!(
        s.put_message(&big).wait().status,
        PutMessageStatus::MessageIllegal
    );
    let mut props = msg("T", 0, 1);
    props.properties_string = "a\u{1}".to_string() + &"v".repeat(40_000);
    assert_eq!(
        s.put_message(&props).wait().status,
        PutMessageStatus::PropertiesSizeExceeded
    );
    s.shutdown();
    assert_eq!(
        s.put_message(&msg("T", 0, 1)).wait().status,
        PutMessageStatus::ServiceNotAvailable
    );
}

#[test]
fn sync_flush_and_listener() {
    use std::sync::atomic::{AtomicI64, Ordering};
    struct L(AtomicI64);
    impl MessageArrivingListener for L {
        fn arriving(&self, topic: &str, _q: i32, logic_offset: i64, _t: i64, _s: i64, props: &str) {
            assert_eq!(topic, "S");
            assert!(props.contains("UNIQ_KEY"));
            self.0.store(logic_offset, Ordering::SeqCst);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |c| c.flush_disk_type = FlushDiskType::SyncFlush);
    let l = Arc::new(L(AtomicI64::new(0)));
    s.set_message_arriving_listener(Some(l.clone()));
    for i in 0..20 {
        let r = s.put_message(&msg("S", 0, i)).wait();
        assert_eq!(r.status, PutMessageStatus::PutOk);
        let end = r
            .append_result
            .as_ref()
            .map(|a| a.wrote_offset + a.wrote_bytes as i64)
            .unwrap();
        assert!(s.commit_log.flushed_where() >= end);
    }
    wait_dispatched(&s);
    assert_eq!(l.0.load(Ordering::SeqCst), 20);
    s.shutdown();
}

#[test]
fn an_idle_reput_sleeps_until_the_next_append_wakes_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |_| {});
    // Parked sleeps longer than wait_dispatched waits: only the append's wake-up can
    // dispatch the message in time.
    s.reput.set_parked_wait_millis(120_000);
    put_ok(&s, &msg("W", 0, 0));
    wait_dispatched(&s);
    for round in 1..=3 {
        let mut parked = false;
        for _ in 0..10_000 {
            if s.commit_log.append_waker.is_parked() {
                parked = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(parked, "the reput never parked on the idle log");
        put_ok(&s, &msg("W", 0, round));
        wait_dispatched(&s);
        assert_eq!(s.get_max_offset_in_queue("W", 0), round as i64 + 1);
    }
    s.shutdown();
}

#[test]
fn abnormal_recovery_rebuilds_consume_queue_and_index() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = |c: &mut MessageStoreConfig| {
        c.mapped_file_size_commit_log = 8 * 1024;
        c.message_index_safe = true;
    };
    let s = open(dir.path(), cfg);
    for i in 0..200 {
        put_ok(&s, &msg("R", (i % 3) as i32, i));
    }
    wait_dispatched(&s);
    s.shutdown();
    drop(s);
    // Simulate a crash: abort file present, ConsumeQueues lost.
    std::fs::write(dir.path().join("abort"), "1").unwrap();
    std::fs::remove_dir_all(dir.path().join("consumequeue")).unwrap();
    let s = open(dir.path(), cfg);
    assert_eq!(s.get_max_offset_in_queue("R", 0), 67);
    assert_eq!(s.get_max_offset_in_queue("R", 2), 66);
    assert_eq!(
        s.query_message("R", "U00000123", 32, 0, i64::MAX)
            .message_buffers
            .len(),
        1
    );
    let last = put_ok(&s, &msg("R", 0, 999));
    assert_eq!(last.logics_offset, 67);
    s.shutdown();
    drop(s);

    // A torn tail: the last file is cut inside the header of the last record (Java only
    // notices damage to the lengths and the body).
    let max = last.wrote_offset + last.wrote_bytes as i64;
    let name = rmq_common::util_all::offset_to_file_name(max - max % (8 * 1024));
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("commitlog").join(&name))
        .unwrap();
    f.set_len((last.wrote_offset % (8 * 1024) + 30) as u64)
        .unwrap();
    drop(f);
    std::fs::write(dir.path().join("abort"), "1").unwrap();
    let s = open(dir.path(), cfg);
    assert_eq!(s.get_max_offset_in_queue("R", 0), 67);
    assert!(s.get_max_phy_offset() < max);
    assert_eq!(put_ok(&s, &msg("R", 0, 1000)).logics_offset, 67);
    s.shutdown();
}

#[test]
fn crash_while_creating_a_segment_recovers() {
    // Layouts a writer killed while rolling to file N+1 can leave (N+2 pre-made blank by the
    // allocator): N+1 empty, or N+1 missing; both before the allocator finished N+2 too.
    let dir = tempfile::tempdir().unwrap();
    let cl = dir.path().join("commitlog");
    let next = cl.join("00000000000000065536");
    let next_next = cl.join("00000000000000131072");
    let s = open(dir.path(), |_| {});
    let mut last = put_ok(&s, &msg("E", 0, 0));
    for i in 1..10 {
        last = put_ok(&s, &msg("E", 0, i));
    }
    s.shutdown();
    drop(s);
    let layouts: [(Option<usize>, Option<usize>); 4] = [
        (Some(0), Some(64 * 1024)),
        (None, Some(64 * 1024)),
        (Some(0), Some(0)),
        (Some(0), None),
    ];
    for (i, (n1, n2)) in layouts.into_iter().enumerate() {
        for (path, len) in [(&next, n1), (&next_next, n2)] {
            if let Some(len) = len {
                std::fs::write(path, vec![0u8; len]).unwrap();
            }
        }
        std::fs::write(dir.path().join("abort"), "1").unwrap();
        let s = open(dir.path(), |_| {});
        assert!(!next.exists() && !next_next.exists(), "layout {i}");
        assert_eq!(s.get_max_offset_in_queue("E", 0), 10 + i as i64);
        assert_eq!(
            s.get_max_phy_offset(),
            last.wrote_offset + last.wrote_bytes as i64
        );
        last = put_ok(&s, &msg("E", 0, 10 + i));
        assert_eq!(last.logics_offset, 10 + i as i64);
        s.shutdown();
        drop(s);
    }

    // A torn last file followed by a pre-made blank one: the blank file goes, the torn one is
    // cut after its last whole record.
    let first = cl.join("00000000000000000000");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&first)
        .unwrap();
    f.set_len((last.wrote_offset + 10) as u64).unwrap();
    drop(f);
    std::fs::write(&next, vec![0u8; 64 * 1024]).unwrap();
    std::fs::write(dir.path().join("abort"), "1").unwrap();
    let s = open(dir.path(), |_| {});
    assert!(!next.exists());
    assert_eq!(s.get_max_phy_offset(), last.wrote_offset);
    assert_eq!(s.get_max_offset_in_queue("E", 0), 13);
    s.shutdown();
    drop(s);

    // Data after an empty file is not a crash leftover: refused, naming the empty file,
    // and nothing is deleted.
    std::fs::write(&next, b"").unwrap();
    let mut data = vec![0u8; 64 * 1024];
    data[..4].copy_from_slice(&100i32.to_be_bytes());
    std::fs::write(&next_next, &data).unwrap();
    match DefaultMessageStore::open(test_config(dir.path())) {
        Err(StoreError::FileSizeMismatch {
            path, actual: 0, ..
        }) => assert_eq!(path, next),
        other => panic!("{other:?}"),
    }
    assert!(next.exists() && next_next.exists());
}

#[test]
fn corrupt_files_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |_| {});
    let a = put_ok(&s, &msg("C", 0, 1));
    put_ok(&s, &msg("C", 0, 2));
    s.shutdown();
    drop(s);
    flip_body_byte(dir.path(), 64 * 1024, a.wrote_offset);
    // Without CRC checking on recovery the record stays, and reading it says where it broke.
    let s = DefaultMessageStore::open(MessageStoreConfig {
        check_crc_on_recover: false,
        ..test_config(dir.path())
    })
    .unwrap();
    match s.read_message(a.wrote_offset) {
        Err(StoreError::CorruptMessage { phy_offset, .. }) => {
            assert_eq!(phy_offset, a.wrote_offset)
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        s.read_message(1 << 40),
        Err(StoreError::MessageNotFound { .. })
    ));
    drop(s);
    // A CommitLog file of the wrong size before one with data is refused, naming the file.
    std::fs::write(dir.path().join("commitlog/00000000000000000000"), b"short").unwrap();
    let mut data = vec![0u8; 64 * 1024];
    data[..4].copy_from_slice(&100i32.to_be_bytes());
    std::fs::write(dir.path().join("commitlog/00000000000000065536"), data).unwrap();
    match DefaultMessageStore::open(test_config(dir.path())) {
        Err(StoreError::FileSizeMismatch { path, .. }) => {
            assert!(path.ends_with("00000000000000000000"))
        }
        other => panic!("{other:?}"),
    }
    // Garbage in a ConsumeQueue is cut at the first bad unit.
    std::fs::remove_dir_all(dir.path().join("commitlog")).unwrap();
    let cq = dir.path().join("consumequeue/C/0/00000000000000000000");
    let mut data = std::fs::read(&cq).unwrap();
    data[20..40].fill(0xff);
    std::fs::write(&cq, data).unwrap();
    let s = DefaultMessageStore::open(test_config(dir.path())).unwrap();
    assert_eq!(s.get_max_offset_in_queue("C", 0), 0);
}

#[test]
fn cleaning_deletes_expired_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |c| {
        c.mapped_file_size_commit_log = 8 * 1024;
        c.mapped_file_size_consume_queue = 20 * 20;
        c.file_reserved_time = 1;
        c.delete_when = "99".into();
        c.delete_commit_log_files_interval = 0;
    });
    s.set_disk_usage_probe(Some(Box::new(|_| 0.10)));
    for i in 0..300 {
        put_ok(&s, &msg("X", 0, i));
    }
    wait_dispatched(&s);
    let files = |d: &str| std::fs::read_dir(dir.path().join(d)).unwrap().count();
    let before = files("commitlog");
    assert!(before >= 5);
    // Nothing is due: not the hour, disk fine, files young.
    assert_eq!(s.clean_files_periodically(), 0);
    // Age all but the last two files past fileReservedTime and ask for a manual delete.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    let mut names: Vec<_> = std::fs::read_dir(dir.path().join("commitlog"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for p in &names[..names.len() - 2] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    s.execute_delete_files_manually();
    let deleted = s.clean_files_periodically();
    assert_eq!(deleted, before - 2);
    assert_eq!(files("commitlog"), 2);
    let min = s.get_min_offset_in_queue("X", 0);
    assert!(min > 0);
    assert!(files("consumequeue/X/0") < 15);
    let r = s.get_message("g", "X", 0, min, 4, 1 << 20, None).unwrap();
    assert_eq!(r.status, GetMessageStatus::Found);
    s.shutdown();
}

#[test]
fn disk_watermarks_refuse_writes_at_90_percent() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |c| {
        c.mapped_file_size_commit_log = 8 * 1024;
        c.delete_when = "99".into();
        c.delete_commit_log_files_interval = 0;
    });
    let usage = Arc::new(std::sync::atomic::AtomicU64::new(0.80f64.to_bits()));
    let u = usage.clone();
    s.set_disk_usage_probe(Some(Box::new(move |_| {
        f64::from_bits(u.load(std::sync::atomic::Ordering::SeqCst))
    })));
    for i in 0..100 {
        put_ok(&s, &msg("W", 0, i));
    }
    wait_dispatched(&s);
    // 80% > diskMaxUsedSpaceRatio (75%): cleaning runs but young files are kept.
    assert_eq!(s.clean_files_periodically(), 0);
    // 87% > 85%: files are deleted whatever their age (never the last).
    usage.store(0.87f64.to_bits(), std::sync::atomic::Ordering::SeqCst);
    assert!(s.clean_files_periodically() > 0);
    assert!(!s.running_flags().is_disk_full());
    // 95% > 90%: the disk is marked full and puts are refused.
    usage.store(0.95f64.to_bits(), std::sync::atomic::Ordering::SeqCst);
    s.clean_files_periodically();
    assert!(s.running_flags().is_disk_full());
    assert_eq!(
        s.put_message(&msg("W", 0, 1)).wait().status,
        PutMessageStatus::ServiceNotAvailable
    );
    usage.store(0.50f64.to_bits(), std::sync::atomic::Ordering::SeqCst);
    s.clean_files_periodically();
    assert!(!s.running_flags().is_disk_full());
    put_ok(&s, &msg("W", 0, 2));
    let info = s.get_runtime_info();
    assert!(info["commitLogDirCapacity"].starts_with("Total : "));
    assert!(info.contains_key("putTps"));
    s.shutdown();
}
