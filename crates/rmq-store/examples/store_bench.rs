//! Put/get throughput of rmq-store, for `bench/store-compare.sh` (which runs Java's
//! `DefaultMessageStore` with the same workload).
//!
//! ```text
//! store_bench put DIR WRITERS MESSAGES BODY_BYTES   ASYNC_FLUSH puts, WRITERS threads
//! store_bench get DIR MESSAGES BODY_BYTES           fill a backlog, then read it all back
//! store_bench dispatch DIR TOPICS QUEUES MESSAGES    puts spread over TOPICS x QUEUES, timed
//!                                                    until every one is dispatched
//! store_bench footprint DIR TOPICS QUEUES PER_QUEUE  a fresh store with a few messages per
//!                                                    queue: disk blocks used, per directory
//! ```
//! Prints one line: `rmq <mode> writers=W msgs=N secs=S msgs_per_sec=R` (footprint: the
//! blocks each store directory uses, as `du` counts them, while the store is running).

use bytes::Bytes;
use rmq_store::{
    DefaultMessageStore, GetMessageStatus, MessageExtBrokerInner, MessageStore, MessageStoreConfig,
};
use std::sync::Arc;
use std::time::Instant;

fn open(dir: &str) -> Arc<DefaultMessageStore> {
    let config = MessageStoreConfig {
        store_path_root_dir: dir.to_string(),
        ..Default::default()
    };
    let s = DefaultMessageStore::open(config).expect("open");
    s.start().expect("start");
    s
}

fn message(body: &Bytes, queue_id: i32) -> MessageExtBrokerInner {
    message_to("BenchTopic", body, queue_id)
}

fn message_to(topic: &str, body: &Bytes, queue_id: i32) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: topic.into(),
        queue_id,
        body: body.clone(),
        properties_string: "TAGS\u{1}bench\u{2}WAIT\u{1}true\u{2}".into(),
        born_timestamp: 1,
        born_host: "127.0.0.1:9000".parse().expect("addr"),
        store_host: "127.0.0.1:10911".parse().expect("addr"),
        ..Default::default()
    }
}

fn put(store: &Arc<DefaultMessageStore>, writers: usize, total: usize, body_len: usize) -> f64 {
    let body = Bytes::from(vec![b'x'; body_len]);
    let start = Instant::now();
    std::thread::scope(|s| {
        for w in 0..writers {
            let store = store.clone();
            let body = body.clone();
            s.spawn(move || {
                let msg = message(&body, (w % 8) as i32);
                for _ in 0..total / writers {
                    let r = store.put_message(&msg).wait();
                    assert!(r.is_ok(), "{r:?}");
                }
            });
        }
    });
    start.elapsed().as_secs_f64()
}

/// Puts `per_queue` messages into each of `topics` x `queues` queues (with a key each, so
/// the index is used), round-robin over the queues.
fn put_spread(store: &Arc<DefaultMessageStore>, topics: usize, queues: usize, per_queue: usize) {
    let body = Bytes::from(vec![b'x'; 256]);
    for i in 0..per_queue {
        for t in 0..topics {
            for q in 0..queues {
                let mut m = message_to(&format!("BenchTopic{t}"), &body, q as i32);
                m.properties_string = format!("KEYS\u{1}k{t}-{q}-{i}\u{2}TAGS\u{1}bench\u{2}");
                let r = store.put_message(&m).wait();
                assert!(r.is_ok(), "{r:?}");
            }
        }
    }
}

fn wait_dispatched(store: &DefaultMessageStore) {
    while store.dispatch_behind_bytes() > 0 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Returns the bytes of disk blocks used by the files under `p` (`du`'s count).
fn disk_usage(p: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(m) = std::fs::symlink_metadata(p) else {
        return 0;
    };
    let mut used = m.blocks() * 512;
    if m.is_dir() {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            used += disk_usage(&e.path());
        }
    }
    used
}

/// The `put` mode.
fn bench_put(dir: &str, a: &[String]) {
    let (writers, n, body): (usize, usize, usize) = (
        a[3].parse().expect("writers"),
        a[4].parse().expect("n"),
        a[5].parse().expect("body"),
    );
    let store = open(dir);
    let secs = put(&store, writers, n, body);
    println!(
        "rmq put writers={writers} msgs={n} secs={secs:.3} msgs_per_sec={:.0}",
        n as f64 / secs
    );
    store.shutdown();
}

/// The `get` mode.
fn bench_get(dir: &str, a: &[String]) {
    let (n, body): (usize, usize) = (a[3].parse().expect("n"), a[4].parse().expect("body"));
    let store = open(dir);
    put(&store, 4, n, body);
    while store.dispatch_behind_bytes() > 0 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let start = Instant::now();
    let mut read = 0usize;
    let mut bytes = 0usize;
    for q in 0..8 {
        let mut off = 0;
        loop {
            let r = store
                .get_message("g", "BenchTopic", q, off, 32, 1 << 30, None)
                .expect("get");
            if r.status != GetMessageStatus::Found {
                break;
            }
            read += r.msg_count as usize;
            bytes += r.buffer_total_size as usize;
            off = r.next_begin_offset;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(read, n / 4 * 4);
    println!(
        "rmq get msgs={read} secs={secs:.3} msgs_per_sec={:.0} mib_per_sec={:.0}",
        read as f64 / secs,
        bytes as f64 / secs / 1048576.0
    );
    store.shutdown();
}

/// The `dispatch` mode.
fn bench_dispatch(dir: &str, a: &[String]) {
    let (topics, queues, n): (usize, usize, usize) = (
        a[3].parse().expect("topics"),
        a[4].parse().expect("queues"),
        a[5].parse().expect("n"),
    );
    let store = open(dir);
    let start = Instant::now();
    put_spread(&store, topics, queues, n / (topics * queues));
    wait_dispatched(&store);
    let secs = start.elapsed().as_secs_f64();
    let n = n / (topics * queues) * topics * queues;
    println!(
        "rmq dispatch queues={} msgs={n} secs={secs:.3} msgs_per_sec={:.0}",
        topics * queues,
        n as f64 / secs
    );
    store.shutdown();
}

/// The `footprint` mode.
fn bench_footprint(dir: &str, a: &[String]) {
    let (topics, queues, per_queue): (usize, usize, usize) = (
        a[3].parse().expect("topics"),
        a[4].parse().expect("queues"),
        a[5].parse().expect("per_queue"),
    );
    let store = open(dir);
    put_spread(&store, topics, queues, per_queue);
    wait_dispatched(&store);
    let root = std::path::Path::new(dir);
    // The CommitLog file made ahead by AllocateMappedFileService counts too.
    for _ in 0..5000 {
        if std::fs::read_dir(root.join("commitlog")).map_or(0, |d| d.count()) >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let mib = |b: u64| b as f64 / 1048576.0;
    println!(
        "rmq footprint queues={} msgs={} total_mib={:.1} commitlog_mib={:.1} \
         consumequeue_mib={:.1} index_mib={:.1}",
        topics * queues,
        topics * queues * per_queue,
        mib(disk_usage(root)),
        mib(disk_usage(&root.join("commitlog"))),
        mib(disk_usage(&root.join("consumequeue"))),
        mib(disk_usage(&root.join("index"))),
    );
    store.shutdown();
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let dir = &a[2];
    match a[1].as_str() {
        "put" => bench_put(dir, &a),
        "get" => bench_get(dir, &a),
        "dispatch" => bench_dispatch(dir, &a),
        "footprint" => bench_footprint(dir, &a),
        other => panic!("unknown mode {other}"),
    }
}
