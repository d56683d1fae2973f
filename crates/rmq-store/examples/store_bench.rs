//! Put/get throughput of rmq-store, for `bench/store-compare.sh` (which runs Java's
//! `DefaultMessageStore` with the same workload).
//!
//! ```text
//! store_bench put DIR WRITERS MESSAGES BODY_BYTES   ASYNC_FLUSH puts, WRITERS threads
//! store_bench get DIR MESSAGES BODY_BYTES           fill a backlog, then read it all back
//! ```
//! Prints one line: `rmq <mode> writers=W msgs=N secs=S msgs_per_sec=R`.

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
    MessageExtBrokerInner {
        topic: "BenchTopic".into(),
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

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let dir = &a[2];
    match a[1].as_str() {
        "put" => {
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
        "get" => {
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
        other => panic!("unknown mode {other}"),
    }
}
