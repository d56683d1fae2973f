//! Rust side of the store interop test (`tests/interop/store.sh`), mirroring
//! `tests/interop/java5/src/main/java/rmq/interop/store/StoreTool.java`:
//!
//! ```text
//! store_interop write DIR N   write N generated messages with rmq-store
//! store_interop dump DIR N    print every message by queue and by key, in StoreTool's format
//! ```

use bytes::Bytes;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_common::util_all::{bytes_to_hex, crc32};
use rmq_common::MessageExt;
use rmq_store::{
    DefaultMessageStore, GetMessageStatus, MessageExtBrokerInner, MessageStore, MessageStoreConfig,
};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::{IpAddr, SocketAddr};

fn topics() -> [(String, i32); 3] {
    [
        ("InteropA".into(), 4),
        ("InteropB".into(), 2),
        ("L".repeat(150), 1),
    ]
}

fn config(dir: &str) -> MessageStoreConfig {
    MessageStoreConfig {
        store_path_root_dir: dir.to_string(),
        store_path_commit_log: Some(format!("{dir}/commitlog")),
        mapped_file_size_commit_log: 256 * 1024,
        mapped_file_size_consume_queue: 20 * 1000,
        max_hash_slot_num: 10_000,
        max_index_num: 40_000,
        ..Default::default()
    }
}

fn message(i: usize) -> MessageExtBrokerInner {
    let t = if i % 7 == 6 {
        2
    } else if i % 3 == 2 {
        1
    } else {
        0
    };
    let (topic, queues) = topics()[t].clone();
    let mut body = format!("body-{i}-");
    for k in 0..i % 300 {
        body.push((b'a' + (k % 26) as u8) as char);
    }
    MessageExtBrokerInner {
        topic,
        queue_id: (i as i32) % queues,
        flag: (i % 5) as i32,
        body: Bytes::from(body),
        properties_string: format!(
            "KEYS\u{1}k{i} kk{}\u{2}TAGS\u{1}tag{}\u{2}UNIQ_KEY\u{1}UNIQ{i:08}\u{2}",
            i % 7,
            i % 3
        ),
        tags_code: rmq_common::java_hash::tags_string_to_tags_code(Some(&format!("tag{}", i % 3))),
        born_timestamp: 1_700_000_000_000 + i as i64,
        born_host: if i % 10 == 9 {
            SocketAddr::new("::1".parse().expect("ip"), 4000 + (i % 7) as u16)
        } else {
            "10.0.0.1:5555".parse().expect("addr")
        },
        store_host: if i % 15 == 14 {
            SocketAddr::new("fe80::2".parse().expect("ip"), 10911)
        } else {
            "10.0.0.2:10911".parse().expect("addr")
        },
        reconsume_times: (i % 4) as i32,
        ..Default::default()
    }
}

fn ip_hex(a: &SocketAddr) -> String {
    match a.ip() {
        IpAddr::V4(ip) => bytes_to_hex(&ip.octets()),
        IpAddr::V6(ip) => bytes_to_hex(&ip.octets()),
    }
}

fn line(m: &MessageExt) -> String {
    let props: BTreeMap<_, _> = m.message.properties.iter().collect();
    let mut p = String::new();
    for (k, v) in props {
        let _ = write!(p, "{k}={v};");
    }
    let topic = m.topic();
    format!(
        "{}:{} q={} qo={} phy={} size={} sys={} flag={} born={}@{}:{} store={}:{} recon={} crc={} body={}/{} msgId={} props={}",
        topic.len(),
        &topic[..topic.len().min(10)],
        m.queue_id,
        m.queue_offset,
        m.commit_log_offset,
        m.store_size,
        m.sys_flag,
        m.message.flag,
        m.born_timestamp,
        ip_hex(&m.born_host),
        m.born_host.port(),
        ip_hex(&m.store_host),
        m.store_host.port(),
        m.reconsume_times,
        m.body_crc,
        crc32(m.body()),
        m.body().len(),
        m.msg_id,
        p
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (mode, dir, n) = (
        args[1].as_str(),
        args[2].as_str(),
        args[3].parse::<usize>()?,
    );
    let store = DefaultMessageStore::open(config(dir))?;
    store.start()?;
    match mode {
        "write" => {
            for i in 0..n {
                let r = store.put_message(&message(i)).wait();
                if !r.is_ok() {
                    return Err(format!("put {i} failed: {r:?}").into());
                }
            }
            while store.dispatch_behind_bytes() > 0 {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        "dump" => {
            let mut out = String::new();
            let opts = DecodeOptions {
                read_body: true,
                decompress_body: false,
            };
            for (t, (topic, queues)) in topics().iter().enumerate() {
                for q in 0..*queues {
                    let min = store.get_min_offset_in_queue(topic, q);
                    let max = store.get_max_offset_in_queue(topic, q);
                    let _ = writeln!(out, "queue {t}/{q} min={min} max={max}");
                    let mut off = min;
                    while off < max {
                        let r = store
                            .get_message("g", topic, q, off, 32, 1 << 30, None)
                            .ok_or("store closed")?;
                        if r.status != GetMessageStatus::Found {
                            return Err(format!("get {t}/{q}@{off}: {}", r.status).into());
                        }
                        for b in &r.message_buffers {
                            let _ = writeln!(out, "{}", line(&decode(b, opts)?.0));
                        }
                        off = r.next_begin_offset;
                    }
                }
            }
            for i in 0..n {
                let m = message(i);
                let r = store.query_message(&m.topic, &format!("UNIQ{i:08}"), 32, 0, i64::MAX);
                let mut offs: Vec<i64> = r
                    .message_buffers
                    .iter()
                    .filter_map(|b| decode(b, opts).ok().map(|(m, _)| m.commit_log_offset))
                    .collect();
                offs.sort_unstable();
                let list = offs
                    .iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(out, "key {i} [{list}]");
            }
            print!("{out}");
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    store.shutdown();
    Ok(())
}
