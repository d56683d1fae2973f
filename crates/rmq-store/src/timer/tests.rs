//! Timer store tests: file layouts, delivery with Java's properties, rolls, recall markers
//! and recovery after a crash.

use super::timer_checkpoint::LAST_READ_TIME_MS;
use super::timer_log::{java_string_hash, TimerLog, TimerLogUnit, BLANK_MAGIC_CODE, UNIT_SIZE};
use super::timer_wheel::{TimerWheel, SLOTS_TOTAL};
use super::TimerMessageStore;
use crate::file_system::DefaultFileSystem;
use crate::store_tests::{open, wait_dispatched};
use crate::*;
use bytes::Bytes;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_common::mix_all::TIMER_TOPIC;
use rmq_common::util_all::current_millis;
use rmq_common::MessageExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PRECISION: i32 = 100;

fn timer_cfg(c: &mut MessageStoreConfig) {
    c.timer_precision_ms = PRECISION;
}

/// A message as the broker's send hook parks it: `TIMER_OUT_MS` aligned to the precision.
fn timer_msg(real: &str, qid: i32, i: usize, out_ms: i64, extra: &str) -> MessageExtBrokerInner {
    let props = format!(
        "UNIQ_KEY\u{1}U{i:08}\u{2}TIMER_OUT_MS\u{1}{out_ms}\u{2}REAL_TOPIC\u{1}{real}\u{2}REAL_QID\u{1}{qid}\u{2}{extra}"
    );
    MessageExtBrokerInner {
        topic: TIMER_TOPIC.to_string(),
        queue_id: 0,
        flag: 3,
        body: Bytes::from(format!("timer-{i}")),
        properties_string: props,
        born_timestamp: current_millis(),
        born_host: "10.0.0.1:5555".parse().unwrap(),
        store_host: "10.0.0.2:10911".parse().unwrap(),
        ..Default::default()
    }
}

fn put(s: &DefaultMessageStore, m: &MessageExtBrokerInner) {
    assert_eq!(s.put_message(m).wait().status, PutMessageStatus::PutOk);
}

/// Reads every message of `topic`/`qid`.
fn read_all(s: &DefaultMessageStore, topic: &str, qid: i32) -> Vec<MessageExt> {
    let Some(r) = s.get_message("G", topic, qid, 0, 1000, i32::MAX, None) else {
        return Vec::new();
    };
    let opts = DecodeOptions {
        read_body: true,
        decompress_body: false,
    };
    r.message_buffers
        .iter()
        .map(|b| decode(b, opts).unwrap().0)
        .collect()
}

/// Probes until `topic`/`qid` holds `n` messages (fails after 20 s).
fn wait_for(s: &DefaultMessageStore, topic: &str, qid: i32, n: usize) -> Vec<MessageExt> {
    let start = Instant::now();
    loop {
        let got = read_all(s, topic, qid);
        if got.len() >= n {
            return got;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{} of {n}",
            got.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn align(ms: i64) -> i64 {
    ms / i64::from(PRECISION) * i64::from(PRECISION)
}

#[test]
fn timer_log_unit_is_java_layout() {
    assert_eq!(BLANK_MAGIC_CODE as u32, 0xCBD4_3194);
    assert_eq!(java_string_hash("abc"), 96354);
    assert_eq!(java_string_hash(""), 0);
    let u = TimerLogUnit {
        size: 52,
        prev_pos: -1,
        magic: 3,
        enqueue_time: 1_000,
        delayed_time: 5_000,
        offset_py: 77,
        size_py: 200,
        topic_hash: java_string_hash("abc"),
    };
    let b = u.encode();
    assert_eq!(&b[0..4], &52i32.to_be_bytes());
    assert_eq!(&b[4..12], &(-1i64).to_be_bytes());
    assert_eq!(&b[12..16], &3i32.to_be_bytes());
    assert_eq!(&b[16..24], &1000i64.to_be_bytes());
    assert_eq!(&b[24..28], &4000i32.to_be_bytes());
    assert_eq!(&b[28..36], &77i64.to_be_bytes());
    assert_eq!(&b[36..40], &200i32.to_be_bytes());
    assert_eq!(&b[40..44], &96354i32.to_be_bytes());
    assert_eq!(&b[44..52], &[0u8; 8]);
    assert_eq!(TimerLogUnit::decode(&b), Some(u));
}

#[test]
fn timer_log_ends_a_full_file_with_a_blank() {
    let dir = tempfile::tempdir().unwrap();
    // Room for two units plus a 30-byte tail: the third unit goes to the next file.
    let size = UNIT_SIZE * 2 + 30;
    let log = TimerLog::new(
        dir.path().join("timerlog"),
        size,
        Arc::new(DefaultFileSystem),
    );
    log.load().unwrap();
    let unit = |i: i64| TimerLogUnit {
        size: 52,
        prev_pos: i - 1,
        magic: 1,
        enqueue_time: 0,
        delayed_time: i,
        offset_py: i,
        size_py: 1,
        topic_hash: 0,
    };
    assert_eq!(log.append(&unit(0).encode()).unwrap(), 0);
    assert_eq!(log.append(&unit(1).encode()).unwrap(), 52);
    assert_eq!(log.append(&unit(2).encode()).unwrap(), size as i64);
    assert_eq!(log.read_unit(size as i64).unwrap().offset_py, 2);
    let first = std::fs::read(dir.path().join("timerlog").join("00000000000000000000")).unwrap();
    assert_eq!(&first[104..108], &30i32.to_be_bytes());
    assert_eq!(&first[116..120], &BLANK_MAGIC_CODE.to_be_bytes());
    assert!(dir
        .path()
        .join("timerlog")
        .join(rmq_common::util_all::offset_to_file_name(size as i64))
        .exists());
}

#[test]
fn timer_wheel_slots_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timerwheel");
    let w = TimerWheel::open(&path, SLOTS_TOTAL, 1000, Arc::new(DefaultFileSystem)).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 38_707_200);
    assert_eq!(w.slot(5_000).time_ms, -1);
    w.put_slot(5_400, 10, 62, 2, 0);
    let s = w.slot(5_999);
    assert_eq!(
        (s.time_ms, s.first_pos, s.last_pos, s.num),
        (5_000, 10, 62, 2)
    );
    // The same index a full turn later holds another time: empty.
    let turn = SLOTS_TOTAL * 2 * 1000;
    assert_eq!(w.slot(5_000 + turn).time_ms, -1);
    assert_eq!(w.raw_slot(5_000 + turn).time_ms, 5_000);
    assert_eq!(w.all_num(0), 2);
    w.revise_last(5_000, 114);
    assert_eq!(w.slot(5_000).last_pos, 114);
    w.revise_last(9_000, 200);
    let s = w.slot(9_000);
    assert_eq!((s.first_pos, s.last_pos), (200, 200));
    w.flush();
    drop(w);
    let raw = std::fs::read(&path).unwrap();
    assert_eq!(&raw[5 * 32..5 * 32 + 8], &5i64.to_be_bytes());
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1024)
        .unwrap();
    assert!(TimerWheel::open(&path, SLOTS_TOTAL, 1000, Arc::new(DefaultFileSystem)).is_err());
}

#[test]
fn delivers_due_messages_with_java_properties() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), timer_cfg);
    let t =
        TimerMessageStore::open(&s.config().clone(), s.clone(), s.role_state().clone()).unwrap();
    t.start().unwrap();
    let now = current_millis();
    let outs: Vec<i64> = (0..6).map(|i| align(now + 300 + i * 150)).collect();
    for (i, out) in outs.iter().enumerate() {
        put(&s, &timer_msg("Real", (i % 2) as i32, i, *out, ""));
    }
    // Already due: delivered at once, marked as never enqueued.
    put(&s, &timer_msg("Real", 3, 99, align(now) - 5_000, ""));
    let got = [wait_for(&s, "Real", 0, 3), wait_for(&s, "Real", 1, 3)].concat();
    for m in &got {
        let i: usize = std::str::from_utf8(&m.body()[6..])
            .unwrap()
            .parse()
            .unwrap();
        let out: i64 = m.property("TIMER_OUT_MS").unwrap().parse().unwrap();
        assert_eq!(out, outs[i]);
        let dequeued: i64 = m.property("TIMER_DEQUEUE_MS").unwrap().parse().unwrap();
        assert!(dequeued >= out + i64::from(PRECISION), "delivered early");
        assert!(m.property("TIMER_ENQUEUE_MS").is_some());
        assert_eq!(m.property("REAL_TOPIC"), Some("Real"));
        assert_eq!(m.message.flag, 3);
        assert_eq!(m.queue_id, (i % 2) as i32);
    }
    let now_due = wait_for(&s, "Real", 3, 1);
    assert_eq!(
        now_due[0].property("TIMER_ENQUEUE_MS"),
        Some(i64::MAX.to_string().as_str())
    );
    t.shutdown();
    assert_eq!(t.enqueue_behind_messages(), 0);
    s.shutdown();
}

#[test]
fn rolls_past_the_window_and_honours_recall_markers() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), |c| {
        timer_cfg(c);
        c.timer_roll_window_slot = 2;
    });
    let t =
        TimerMessageStore::open(&s.config().clone(), s.clone(), s.role_state().clone()).unwrap();
    let out = align(current_millis() + 1_200);
    // A recall marker for message 1 (same slot), then messages 1 and 2.
    put(
        &s,
        &timer_msg(
            "Real",
            0,
            0,
            out,
            "TIMER_DEL_UNIQKEY\u{1}Real+U00000001\u{2}",
        ),
    );
    put(&s, &timer_msg("Real", 0, 1, out, ""));
    put(&s, &timer_msg("Real", 0, 2, out, ""));
    t.start().unwrap();
    let got = wait_for(&s, "Real", 0, 1);
    assert_eq!(got[0].body(), b"timer-2");
    let rolls: i32 = got[0]
        .property("TIMER_ROLL_TIMES")
        .unwrap()
        .parse()
        .unwrap();
    assert!(rolls >= 1);
    // Rolled copies went back through the timer topic.
    assert!(s.get_max_offset_in_queue(TIMER_TOPIC, 0) > 3);
    // Give a wrongly delivered message 1 the time to show up, then check it did not.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(read_all(&s, "Real", 0).len(), 1);
    t.shutdown();
    s.shutdown();
}

#[test]
fn recovers_pending_timers_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), timer_cfg);
    let t =
        TimerMessageStore::open(&s.config().clone(), s.clone(), s.role_state().clone()).unwrap();
    t.start().unwrap();
    let out = align(current_millis() + 1_500);
    for i in 0..20 {
        put(&s, &timer_msg("Real", 0, i, out + (i as i64 % 3) * 100, ""));
    }
    wait_dispatched(&s);
    let start = Instant::now();
    while t.enqueue_behind_messages() > 0 {
        assert!(start.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(t.checkpoint_value(LAST_READ_TIME_MS) < out);
    // kill -9: no final flush of the timer files; the store is reopened as after a crash.
    t.halt();
    drop(t);
    s.shutdown();
    drop(s);
    std::fs::write(dir.path().join("abort"), "1").unwrap();
    // Lose the wheel's pages: only the replay of the timer log can find the timers again.
    std::fs::write(dir.path().join("timerwheel"), vec![0u8; 38_707_200]).unwrap();
    let s = open(dir.path(), timer_cfg);
    let t =
        TimerMessageStore::open(&s.config().clone(), s.clone(), s.role_state().clone()).unwrap();
    t.start().unwrap();
    let got = wait_for(&s, "Real", 0, 20);
    let mut bodies: Vec<_> = got.iter().map(|m| m.body().to_vec()).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 20, "a pending timer was lost");
    t.shutdown();
    s.shutdown();
}
