//! A NameServer process under hostile REGISTER_BROKER bodies: zlib bombs from several clients
//! get an error answer, the NameServer's memory stays bounded and other clients keep being
//! served.

use bytes::{BufMut, Bytes};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::register_broker_body::{RegisterBrokerBody, MAX_INFLATED_BYTES};
use rmq_remoting::protocol::header::namesrv::{
    GetKVConfigRequestHeader, PutKVConfigRequestHeader, RegisterBrokerRequestHeader,
};
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use rmq_testkit::Cluster;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BOMB_CLIENTS: usize = 8;
const LATENCY_SAMPLES: usize = 300;
/// Latency is sampled at least this long, every 5 ms, while the bombs keep coming.
const MEASURE_FOR: Duration = Duration::from_secs(3);

fn zlib(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(raw).unwrap();
    enc.finish().unwrap()
}

/// The bomb: 70 MiB of zeros, about 71 KB compressed.
fn zero_bomb() -> Vec<u8> {
    zlib(&vec![0u8; 70 * 1024 * 1024])
}

/// A nastier one: a valid start, then one topic config section just under the inflate limit
/// (so it is inflated in full before its text is refused).
fn long_section_bomb() -> Vec<u8> {
    let len = MAX_INFLATED_BYTES as usize - 64;
    let mut raw = Vec::with_capacity(len + 64);
    raw.put_i32(2);
    raw.extend_from_slice(b"{}");
    raw.put_i32(1);
    raw.put_i32(len as i32);
    raw.resize(raw.len() + len, b'a');
    zlib(&raw)
}

fn register(body: &[u8], broker: &str) -> RemotingCommand {
    let header = RegisterBrokerRequestHeader {
        broker_name: broker.into(),
        broker_addr: "127.0.0.1:40911".into(),
        cluster_name: "BombCluster".into(),
        ha_server_addr: "127.0.0.1:40912".into(),
        broker_id: 0,
        heartbeat_timeout_millis: None,
        enable_acting_master: Some(false),
        compressed: Some(true),
        body_crc32: Some(rmq_common::util_all::crc32(body)),
    };
    RemotingCommand::create_request_command(RequestCode::REGISTER_BROKER, &header)
        .with_body(Bytes::copy_from_slice(body))
}

/// Returns the peak resident set size of process `pid` in KiB (`VmHWM`).
fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn new_client() -> RemotingClient {
    RemotingClient::new(Default::default(), Arc::new(RequestDispatcher::new()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn zlib_bombs_are_refused_with_bounded_memory_while_others_are_served() {
    let cluster = Cluster::builder().start_processes().await.unwrap();
    let ns = cluster.namesrv_addr();
    let pid = cluster.namesrv_pid(0).unwrap();
    let probe = new_client();
    let put = RemotingCommand::create_request_command(
        RequestCode::PUT_KV_CONFIG,
        &PutKVConfigRequestHeader {
            namespace: "bomb".into(),
            key: "k".into(),
            value: "v".into(),
        },
    );
    let resp = probe.invoke(&ns, put, 3000).await.unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    // A real compressed registration works before and after.
    let mut real = RegisterBrokerBody::default();
    for t in ["TopicReal", "TBW102"] {
        real.topic_config_serialize_wrapper
            .topic_config_table
            .insert(t.into(), rmq_common::TopicConfig::with_queues(t, 4, 4, 6));
    }
    let real = real.encode(true);
    let resp = probe
        .invoke(&ns, register(&real, "real"), 3000)
        .await
        .unwrap();
    assert_eq!(
        resp.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        resp.remark
    );
    let hwm_before = vm_hwm_kib(pid);

    let bombs = Arc::new([zero_bomb(), long_section_bomb()]);
    println!(
        "bomb sizes: {} and {} bytes compressed",
        bombs[0].len(),
        bombs[1].len()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for i in 0..BOMB_CLIENTS {
        let (ns, bombs, stop) = (ns.clone(), bombs.clone(), stop.clone());
        let (answered, failures) = (answered.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            let client = new_client();
            let mut n = i;
            while !stop.load(Ordering::Relaxed) {
                let kind = n % bombs.len();
                let req = register(&bombs[kind], &format!("bomb-{i}"));
                n += 1;
                match client.invoke(&ns, req, 30_000).await {
                    Ok(resp)
                        if resp.response_code() == ResponseCode::SYSTEM_ERROR
                            && resp.remark.as_deref().is_some_and(|r| {
                                r.starts_with("Failed to decode RegisterBrokerBody")
                            }) =>
                    {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(resp) => {
                        let remark: String = resp
                            .remark
                            .as_deref()
                            .unwrap_or_default()
                            .chars()
                            .take(200)
                            .collect();
                        failures.lock().unwrap().push(format!(
                            "bomb {kind} answered {:?} {remark}",
                            resp.response_code()
                        ));
                        break;
                    }
                    Err(e) => {
                        failures.lock().unwrap().push(format!("bomb {kind}: {e}"));
                        break;
                    }
                }
            }
            client.shutdown().await;
        }));
    }
    let no_failures = || failures.lock().unwrap().is_empty();

    // Every bomb client has had an answer before the measurement starts.
    let deadline = Instant::now() + Duration::from_secs(120);
    while answered.load(Ordering::Relaxed) < BOMB_CLIENTS && no_failures() {
        assert!(Instant::now() < deadline, "the bombs got no answers");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Another client's GET_KV_CONFIG while the bombs fly.
    let get = RemotingCommand::create_request_command(
        RequestCode::GET_KV_CONFIG,
        &GetKVConfigRequestHeader {
            namespace: "bomb".into(),
            key: "k".into(),
        },
    );
    let mut latencies = Vec::with_capacity(LATENCY_SAMPLES);
    let window = Instant::now();
    while no_failures() && (latencies.len() < LATENCY_SAMPLES || window.elapsed() < MEASURE_FOR) {
        let started = Instant::now();
        let resp = probe.invoke(&ns, get.clone(), 10_000).await.unwrap();
        latencies.push(started.elapsed());
        assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    assert!(no_failures(), "{:?}", failures.lock().unwrap());
    latencies.sort();
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    let hwm_after = vm_hwm_kib(pid);
    println!(
        "GET_KV_CONFIG under {BOMB_CLIENTS} bomb clients ({} samples): p50 {:?} p90 {:?} \
         p99 {:?} max {:?}; {} bombs answered; NameServer VmHWM {} KiB -> {} KiB (+{} KiB)",
        latencies.len(),
        pct(50),
        pct(90),
        pct(99),
        latencies[latencies.len() - 1],
        answered.load(Ordering::Relaxed),
        hwm_before,
        hwm_after,
        hwm_after.saturating_sub(hwm_before)
    );
    assert!(
        hwm_after.saturating_sub(hwm_before) < 64 * 1024,
        "peak RSS grew from {hwm_before} KiB to {hwm_after} KiB"
    );
    // Still up and registering real brokers.
    let resp = probe
        .invoke(&ns, register(&real, "real"), 3000)
        .await
        .unwrap();
    assert_eq!(
        resp.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        resp.remark
    );
}
