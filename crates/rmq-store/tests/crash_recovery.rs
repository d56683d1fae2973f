//! Crash tests: a child process (this test binary re-executed) appends with SYNC_FLUSH and is
//! SIGKILLed at random moments; after each kill the store is recovered and checked:
//! every acknowledged message is present and intact, nothing beyond the last valid record
//! survives, and ConsumeQueues and the index agree with the CommitLog. Some rounds also cut
//! the last file or flip a byte in the last record's body before recovering.

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use rand::Rng;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_store::{
    DefaultMessageStore, FlushDiskType, GetMessageStatus, MessageExtBrokerInner, MessageStore,
    MessageStoreConfig, PutMessageStatus,
};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "RMQ_STORE_CRASH_CHILD";
const START_ENV: &str = "RMQ_STORE_CRASH_START";
const TOPIC: &str = "Crash";
const QUEUES: u64 = 4;
const CL_FILE: i64 = 64 * 1024;

fn config(dir: &Path) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: dir.join("store").to_string_lossy().into_owned(),
        mapped_file_size_commit_log: CL_FILE as i32,
        mapped_file_size_consume_queue: 20 * 500,
        max_hash_slot_num: 1024,
        max_index_num: 4096,
        flush_disk_type: FlushDiskType::SyncFlush,
        message_index_safe: true,
        ..Default::default()
    }
}

fn body_of(seq: u64) -> Vec<u8> {
    let len = 16 + (seq * 7919 % 700) as usize;
    (0..len).map(|i| (seq as usize * 31 + i) as u8).collect()
}

fn message(seq: u64) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: TOPIC.into(),
        queue_id: (seq % QUEUES) as i32,
        body: Bytes::from(body_of(seq)),
        properties_string: format!(
            "UNIQ_KEY\u{1}SEQ{seq:010}\u{2}KEYS\u{1}k{seq}\u{2}TAGS\u{1}t\u{2}"
        ),
        born_host: "127.0.0.1:9000".parse().unwrap(),
        store_host: "127.0.0.1:10911".parse().unwrap(),
        born_timestamp: 1,
        ..Default::default()
    }
}

/// The child: append forever, recording each acknowledged sequence number.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = Path::new(&dir);
    let start: u64 = std::env::var(START_ENV).unwrap().parse().unwrap();
    let store = DefaultMessageStore::open(config(dir)).unwrap();
    store.start().unwrap();
    let mut acks = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("acks"))
        .unwrap();
    for seq in start.. {
        let r = store.put_message(&message(seq)).wait();
        assert_eq!(r.status, PutMessageStatus::PutOk);
        acks.write_all(format!("{seq}\n").as_bytes()).unwrap();
    }
}

fn read_acks(dir: &Path) -> Vec<u64> {
    let text = std::fs::read_to_string(dir.join("acks")).unwrap_or_default();
    let complete = text.rfind('\n').map(|i| &text[..=i]).unwrap_or("");
    complete.lines().filter_map(|l| l.parse().ok()).collect()
}

/// Everything the store holds, read through the ConsumeQueues: seq -> (phy offset, size).
struct Scan {
    records: BTreeMap<u64, (i64, i32)>,
    max_phy: i64,
}

fn verify(store: &DefaultMessageStore) -> Scan {
    let mut records = BTreeMap::new();
    let mut end_of_last = 0i64;
    for q in 0..QUEUES as i32 {
        let max = store.get_max_offset_in_queue(TOPIC, q);
        let mut offset = store.get_min_offset_in_queue(TOPIC, q).max(0);
        while offset < max {
            let r = store
                .get_message("g", TOPIC, q, offset, 32, 1 << 20, None)
                .unwrap();
            assert_eq!(
                r.status,
                GetMessageStatus::Found,
                "queue {q} offset {offset}"
            );
            for (buf, qo) in r.message_buffers.iter().zip(&r.message_queue_offsets) {
                let (m, _) = decode(buf, DecodeOptions::default()).unwrap_or_else(|e| {
                    panic!(
                        "q {q} qo {qo} len {} err {e} cl {}",
                        buf.len(),
                        store.get_commit_log_offset_in_queue(TOPIC, q, *qo)
                    )
                });
                assert_eq!(m.queue_offset, *qo, "queue offsets agree with the records");
                let seq: u64 = m.property("UNIQ_KEY").unwrap()[3..].parse().unwrap();
                assert_eq!(m.queue_id as u64, seq % QUEUES);
                assert_eq!(m.body(), &body_of(seq)[..], "message {seq} intact");
                assert!(records
                    .insert(seq, (m.commit_log_offset, m.store_size))
                    .is_none());
                end_of_last = end_of_last.max(m.commit_log_offset + m.store_size as i64);
            }
            offset = r.next_begin_offset;
        }
    }
    // Nothing beyond the last valid record: the CommitLog ends where the last record ends, or
    // at the end of its file when a blank record fills the rest.
    let max_phy = store.get_max_phy_offset();
    if max_phy != end_of_last {
        assert_eq!(
            max_phy % CL_FILE,
            0,
            "max {max_phy} last record end {end_of_last}"
        );
        assert!(
            max_phy - end_of_last < CL_FILE,
            "max {max_phy} last record end {end_of_last} min {} queues {:?}",
            store.get_min_phy_offset(),
            (0..QUEUES as i32)
                .map(|q| store.get_max_offset_in_queue(TOPIC, q))
                .collect::<Vec<_>>()
        );
        let blank = store.select_one_message_by_offset(end_of_last).unwrap();
        assert_eq!(
            i32::from_be_bytes(blank[4..8].try_into().unwrap()),
            -875286124
        );
    }
    // The CommitLog holds exactly the records the ConsumeQueues point to, in order.
    let mut phy = store.get_min_phy_offset().max(0);
    let mut n = 0;
    while phy < end_of_last {
        match store.select_one_message_by_offset(phy) {
            Some(b) if i32::from_be_bytes(b[4..8].try_into().unwrap()) == -875286124 => {
                phy += CL_FILE - phy % CL_FILE;
            }
            Some(b) => {
                let m = store.read_message(phy).unwrap();
                let seq: u64 = m.property("UNIQ_KEY").unwrap()[3..].parse().unwrap();
                assert_eq!(records.get(&seq).map(|r| r.0), Some(phy));
                phy += b.len() as i64;
                n += 1;
            }
            None => phy += CL_FILE - phy % CL_FILE,
        }
    }
    assert_eq!(n, records.len());
    // The index finds every record by its unique key.
    for (seq, (off, _)) in &records {
        let q = store.query_message(TOPIC, &format!("SEQ{seq:010}"), 32, 0, i64::MAX);
        let found = q.message_buffers.iter().any(|b| {
            decode(b, DecodeOptions::default()).map(|(m, _)| m.commit_log_offset) == Ok(*off)
        });
        assert!(found, "index finds {seq}");
    }
    Scan {
        records,
        max_phy: end_of_last,
    }
}

fn corrupt_last(dir: &Path, scan: &Scan, truncate: bool) -> u64 {
    let (&seq, &(off, size)) = scan
        .records
        .iter()
        .max_by_key(|(_, (off, _))| *off)
        .unwrap();
    assert_eq!(off + size as i64, scan.max_phy);
    let name = rmq_common::util_all::offset_to_file_name(off - off % CL_FILE);
    let path = dir.join("store/commitlog").join(name);
    let pos = (off % CL_FILE) as usize;
    let body_at = pos + 88;
    if truncate {
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len((body_at + 3) as u64).unwrap();
    } else {
        let mut data = std::fs::read(&path).unwrap();
        data[body_at + 1] ^= 0x80;
        std::fs::write(&path, data).unwrap();
    }
    seq
}

#[test]
fn sigkill_during_sync_flush_appends() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let exe = std::env::current_exe().unwrap();
    let mut rng = rand::rng();
    let mut next_seq = 0u64;
    let mut lost: BTreeSet<u64> = BTreeSet::new();
    let rounds = 24;
    for round in 0..rounds {
        let acked_before = read_acks(dir).len();
        let target = acked_before + rng.random_range(3..60);
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, dir)
            .env(START_ENV, next_seq.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while read_acks(dir).len() < target {
            assert!(Instant::now() < deadline, "child made no progress");
            if let Some(status) = child.try_wait().unwrap() {
                panic!("child exited early: {status}");
            }
            std::thread::yield_now();
        }
        // A random extra moment: spin a little so the kill lands mid-append or mid-flush.
        let spin = Instant::now() + Duration::from_micros(rng.random_range(0..3000));
        while Instant::now() < spin {
            std::hint::spin_loop();
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let acks = read_acks(dir);
        assert!(dir.join("store/abort").exists());

        let store = DefaultMessageStore::open(config(dir)).unwrap();
        let scan = verify(&store);
        for seq in &acks {
            assert!(
                scan.records.contains_key(seq) || lost.contains(seq),
                "round {round}: acknowledged message {seq} is missing"
            );
        }
        next_seq = scan
            .records
            .keys()
            .next_back()
            .map(|s| s + 1)
            .unwrap_or(0)
            .max(next_seq);

        if round % 4 == 1 || round % 4 == 3 {
            // Corrupt the last record on a cleanly shut down store (normal recovery) or with
            // the abort file left in place (abnormal recovery).
            store.start().unwrap();
            store.shutdown();
            drop(store);
            let truncate = round % 8 < 4;
            let victim = corrupt_last(dir, &scan, truncate);
            if round % 8 >= 4 {
                std::fs::write(dir.join("store/abort"), "0").unwrap();
            }
            lost.insert(victim);
            let store = DefaultMessageStore::open(config(dir)).unwrap();
            let after = verify(&store);
            assert!(
                !after.records.contains_key(&victim),
                "corrupt record {victim} dropped"
            );
            assert_eq!(after.records.len(), scan.records.len() - 1);
            store.start().unwrap();
            store.shutdown();
        } else {
            drop(store);
        }
    }
    assert!(read_acks(dir).len() > rounds);
}
