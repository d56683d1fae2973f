//! Encoding and decoding a typical SEND_MESSAGE_V2 request in both serializations.

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rmq_remoting::protocol::header::broker::SendMessageRequestHeaderV2;
use rmq_remoting::{RemotingCommand, RequestCode, SerializeType};

fn send_v2(t: SerializeType) -> RemotingCommand {
    let h = SendMessageRequestHeaderV2 {
        producer_group: "benchmark_producer".into(),
        topic: "BenchmarkTest".into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id: 3,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        flag: 0,
        properties: Some(
            "KEYS\u{1}key-1\u{2}UNIQ_KEY\u{1}7F0000010A6C18B4AAC2712A4E1A0000\u{2}WAIT\u{1}true\u{2}TAGS\u{1}TagA\u{2}".into(),
        ),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(false),
        max_reconsume_times: None,
        broker_name: Some("broker-a".into()),
    };
    let mut cmd = RemotingCommand::create_request_command(RequestCode::SEND_MESSAGE_V2, &h)
        .with_body(vec![b'x'; 1024]);
    cmd.serialize_type = t;
    cmd
}

fn bench(c: &mut Criterion) {
    for t in [SerializeType::Json, SerializeType::RocketMQ] {
        let cmd = send_v2(t);
        let frame = cmd.encode_to_bytes().expect("encode");
        let mut g = c.benchmark_group(format!("send_message_v2_{}", t.name()));
        g.throughput(Throughput::Bytes(frame.len() as u64));
        g.bench_function("encode", |b| {
            let mut buf = BytesMut::with_capacity(4096);
            b.iter(|| {
                buf.clear();
                cmd.encode(&mut buf).expect("encode");
            })
        });
        g.bench_function("decode", |b| {
            b.iter(|| {
                let mut buf = BytesMut::from(&frame[..]);
                RemotingCommand::decode(&mut buf)
                    .expect("decode")
                    .expect("frame")
            })
        });
        g.bench_function("decode_header", |b| {
            b.iter(|| {
                cmd.decode_header::<SendMessageRequestHeaderV2>()
                    .expect("header")
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
