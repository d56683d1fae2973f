//! Criterion benches: CommitLog append (1 KiB messages, ASYNC_FLUSH) and ConsumeQueue lookup
//! (`get_message` of 32 messages from a dispatched backlog).

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rmq_store::{DefaultMessageStore, MessageExtBrokerInner, MessageStore, MessageStoreConfig};

fn message(body: &Bytes) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: "BenchTopic".into(),
        queue_id: 0,
        body: body.clone(),
        properties_string: "TAGS\u{1}bench\u{2}".into(),
        born_host: "127.0.0.1:9000".parse().expect("addr"),
        store_host: "127.0.0.1:10911".parse().expect("addr"),
        ..Default::default()
    }
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = MessageStoreConfig {
        store_path_root_dir: dir.path().to_string_lossy().into_owned(),
        mapped_file_size_commit_log: 64 * 1024 * 1024,
        ..Default::default()
    };
    let store = DefaultMessageStore::open(config).expect("open");
    store.start().expect("start");
    let msg = message(&Bytes::from(vec![b'x'; 1024]));

    let mut g = c.benchmark_group("commit_log");
    g.throughput(Throughput::Elements(1));
    g.bench_function("append_1k", |b| b.iter(|| store.put_message(&msg).wait()));
    g.finish();

    while store.dispatch_behind_bytes() > 0 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let max = store.get_max_offset_in_queue("BenchTopic", 0).max(33);
    let mut offset = 0;
    let mut g = c.benchmark_group("consume_queue");
    g.throughput(Throughput::Elements(32));
    g.bench_function("get_message_32", |b| {
        b.iter(|| {
            offset = (offset + 32) % (max - 32);
            store.get_message("g", "BenchTopic", 0, offset, 32, 1 << 20, None)
        })
    });
    g.finish();
    store.shutdown();
}

criterion_group!(store, benches);
criterion_main!(store);
