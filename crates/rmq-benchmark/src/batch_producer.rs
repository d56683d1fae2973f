//! `benchmark-batchproducer` (Java `example/benchmark/BatchProducer`): `-w` tasks (64) send
//! batches of `-b` messages (16) of `-s` bytes (128). Prints `Current Time: ... | Send TPS: ...
//! | Send MPS: ... | Max RT(ms): ... | Average RT(ms): ... | Average Message RT(ms): ... |
//! Send Failed: ... | Send Message Failed: ...` every `-ri` ms with rmq's percentiles
//! appended, and a `[Complete]` and a `[Summary]` line on SIGINT/SIGTERM.

use crate::latency::LatencyRecorder;
use crate::producer::format_summary;
use crate::snapshot_window::start_reporting;
use crate::{
    acl_credentials, add_options, compress_options, flag, number, parse_command_line, random_body,
    stop_on_signal, warn_unsupported, COMMON_OPTIONS, COMPRESS_OPTIONS,
};
use rmq_client::{DefaultMQProducer, Message, SendStatus};
use rmq_common::java_format::format_fixed;
use rmq_common::util_all::{current_millis, time_millis_to_human_string2};
use rmq_srvutil::cli::{CliOption, Options};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The counters of a run (Java `StatsBenchmarkBatchProducer`).
#[derive(Default)]
pub struct StatsBenchmarkBatchProducer {
    /// Batches stored.
    pub send_request_success_count: AtomicU64,
    /// Batches that failed.
    pub send_request_failed_count: AtomicU64,
    /// Sum of batch send times, ms.
    pub send_message_success_time_total: AtomicU64,
    /// Largest batch send time, ms.
    pub send_message_max_rt: AtomicU64,
    /// Messages stored.
    pub send_message_success_count: AtomicU64,
    /// Messages that failed.
    pub send_message_failed_count: AtomicU64,
}

/// `[time, batchOk, batchFailed, msgOk, msgFailed, rtTotal]`.
pub type BatchSnapshot = [i64; 6];

impl StatsBenchmarkBatchProducer {
    /// Takes a snapshot (`createSnapshot`).
    pub fn create_snapshot(&self) -> BatchSnapshot {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed) as i64;
        [
            current_millis(),
            l(&self.send_request_success_count),
            l(&self.send_request_failed_count),
            l(&self.send_message_success_count),
            l(&self.send_message_failed_count),
            l(&self.send_message_success_time_total),
        ]
    }
}

/// Adds BatchProducer's options (its `-n` replaces the common one).
pub fn build_command_line_options(options: &mut Options) {
    for (opt, long, desc) in [
        ("w", "threadCount", "Thread count, Default: 64"),
        ("s", "messageSize", "Message Size, Default: 128"),
        ("b", "batchSize", "Batch Size, Default: 16"),
        ("k", "keyEnable", "Message Key Enable, Default: false"),
        ("t", "topic", "Topic name, Default: BenchmarkTest"),
        ("l", "tagCount", "Tag count, Default: 0"),
        ("ak", "accessKey", "Acl Access Key, Default: rocketmq2"),
        ("sk", "secretKey", "Acl Secret Key, Default: 123456789"),
        ("p", "propertySize", "Property Size, Default: 0"),
        ("n", "namesrv", "name server, Default: 127.0.0.1:9876"),
    ] {
        options.add_option(CliOption::new(opt, long, true, desc));
    }
    add_options(options, &COMPRESS_OPTIONS);
    add_options(options, &COMMON_OPTIONS);
}

/// Java's periodic line for a window.
pub fn format_stats(
    begin: &BatchSnapshot,
    end: &BatchSnapshot,
    max_rt: u64,
    now_millis: i64,
) -> String {
    let elapsed = (end[0] - begin[0]) as f64;
    let send_tps = (((end[1] - begin[1]) as f64 / elapsed) * 1000.0) as i64;
    let send_mps = (((end[3] - begin[3]) as f64 / elapsed) * 1000.0) as i64;
    let average_rt = (end[5] - begin[5]) as f64 / (end[1] - begin[1]) as f64;
    let average_msg_rt = (end[5] - begin[5]) as f64 / (end[3] - begin[3]) as f64;
    format!(
        "Current Time: {} | Send TPS: {send_tps} | Send MPS: {send_mps} | Max RT(ms): {max_rt} | Average RT(ms): {:>7} | Average Message RT(ms): {:>7} | Send Failed: {} | Send Message Failed: {}",
        time_millis_to_human_string2(now_millis),
        format_fixed(average_rt, 3),
        format_fixed(average_msg_rt, 3),
        end[2],
        end[4]
    )
}

/// Runs the tool with `args` (without the program name); returns the exit code.
pub async fn run(args: Vec<String>) -> i32 {
    let cl = match parse_command_line("benchmarkBatchProducer", &args, build_command_line_options) {
        Ok(cl) => cl,
        Err(code) => return code,
    };
    let get = || -> Result<(usize, usize, usize, usize, i64, u64), i32> {
        Ok((
            number(&cl, "w", 64usize)?.max(1),
            number(&cl, "s", 128usize)?,
            number(&cl, "b", 16usize)?.max(1),
            number(&cl, "p", 0usize)?,
            number(&cl, "l", 0i64)?,
            number(&cl, "ri", 10_000u64)?.max(1),
        ))
    };
    let (thread_count, message_size, batch_size, property_size, tag_count, report_interval) =
        match get() {
            Ok(v) => v,
            Err(c) => return c,
        };
    let namesrv = cl.get_trimmed("n").unwrap_or("127.0.0.1:9876").to_string();
    let topic = cl.get_trimmed("t").unwrap_or("BenchmarkTest").to_string();
    let key_enable = flag(&cl, "k");
    let trace = flag(&cl, "m");
    let acl = flag(&cl, "a");
    let compress = flag(&cl, "c");
    println!(
        "topic: {topic}, threadCount: {thread_count}, messageSize: {message_size}, batchSize: {batch_size}, keyEnable: {key_enable}, propertySize: {property_size}, tagCount: {tag_count}, traceEnable: {trace}, aclEnable: {acl}\n compressEnable: {compress}, reportInterval: {report_interval}"
    );
    if trace {
        warn_unsupported("msgTraceEnable");
    }
    let body = random_body(message_size);
    let stats = Arc::new(StatsBenchmarkBatchProducer::default());
    let latency = Arc::new(LatencyRecorder::new());
    let (window, report) = {
        let (sampled, reported) = (stats.clone(), stats.clone());
        start_reporting(
            move || sampled.create_snapshot(),
            report_interval,
            latency.clone(),
            "RT",
            move |b, e| {
                let max = reported.send_message_max_rt.load(Ordering::Relaxed);
                format_stats(b, e, max, current_millis())
            },
        )
    };
    let mut builder = DefaultMQProducer::builder("benchmark_batch_producer")
        .instance_name(current_millis().to_string())
        .namesrv_addr(namesrv);
    if let Some(c) = acl_credentials(&cl) {
        builder = builder.credentials(c);
    }
    if compress {
        let (compress_type, level, over) = match compress_options(&cl) {
            Ok(v) => v,
            Err(c) => return c,
        };
        builder = builder
            .compress_level(level)
            .compress_msg_body_over_howmuch(over);
        println!("compressType: {compress_type} compressLevel: {level}");
    } else {
        builder = builder.compress_msg_body_over_howmuch(usize::MAX);
    }
    let producer = builder.build();
    if let Err(e) = producer.start().await {
        eprintln!("benchmark batch producer failed to start: {e}");
        return 1;
    }
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..thread_count {
        let (producer, stats, latency, stop, topic, body) = (
            producer.clone(),
            stats.clone(),
            latency.clone(),
            stop.clone(),
            topic.clone(),
            body.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let begin = Instant::now();
                let now = current_millis();
                let success_so_far =
                    stats.send_message_success_count.load(Ordering::Relaxed) as i64;
                let msgs: Vec<Message> = (0..batch_size)
                    .map(|i| {
                        let mut m = Message::new(topic.clone(), body.clone());
                        if key_enable {
                            m.set_keys(&(now / 1000).to_string());
                        }
                        if tag_count > 0 {
                            m.set_tags(&format!("tag{}", (success_so_far % tag_count) + i as i64));
                        }
                        if property_size > 0 {
                            let start: u32 = rand::random_range(0..100);
                            let mut size = 0usize;
                            for (p, value) in (start..).enumerate() {
                                let (k, v) = (format!("prop{p}"), format!("hello{value}"));
                                size += k.len() + v.len();
                                let _ = m.put_user_property(&k, &v);
                                if size > property_size {
                                    break;
                                }
                            }
                        }
                        m
                    })
                    .collect();
                let n = msgs.len() as u64;
                let result = producer.send_batch(msgs).await;
                let elapsed = begin.elapsed();
                match result {
                    Ok(r) if r.send_status == SendStatus::SendOk => {
                        stats
                            .send_request_success_count
                            .fetch_add(1, Ordering::Relaxed);
                        stats
                            .send_message_success_count
                            .fetch_add(n, Ordering::Relaxed);
                    }
                    Ok(_) => {
                        stats
                            .send_request_failed_count
                            .fetch_add(1, Ordering::Relaxed);
                        stats
                            .send_message_failed_count
                            .fetch_add(n, Ordering::Relaxed);
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "[BENCHMARK_PRODUCER] Send Exception");
                        stats
                            .send_request_failed_count
                            .fetch_add(1, Ordering::Relaxed);
                        stats
                            .send_message_failed_count
                            .fetch_add(n, Ordering::Relaxed);
                        if e.is_remoting()
                            || matches!(e, rmq_client::ClientError::MQBrokerException { .. })
                        {
                            tokio::time::sleep(Duration::from_secs(3)).await;
                        }
                        continue;
                    }
                }
                latency.record_rt(
                    elapsed,
                    &stats.send_message_success_time_total,
                    &stats.send_message_max_rt,
                );
            }
        }));
    }
    stop_on_signal(&stop, tasks).await;
    report.abort();
    let elapsed = started.elapsed();
    let ok = stats.send_message_success_count.load(Ordering::Relaxed);
    let failed = stats.send_message_failed_count.load(Ordering::Relaxed);
    window.push(stats.create_snapshot());
    if let Some((b, e)) = window.range() {
        let line = format_stats(
            &b,
            &e,
            stats.send_message_max_rt.load(Ordering::Relaxed),
            current_millis(),
        );
        println!(
            "[Complete] Send Message Total: {} | {}",
            ok + failed,
            line.split_once(" | ").map_or("", |x| x.1)
        );
    }
    println!(
        "{}",
        format_summary(
            "Send batch (RT per batch, counts per message)",
            elapsed,
            ok,
            failed,
            &latency.total()
        )
    );
    producer.shutdown().await;
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_follows_java_format() {
        let line = format_stats(&[0, 0, 0, 0, 0, 0], &[10_000, 100, 0, 1600, 0, 500], 12, 0);
        assert!(line.ends_with(
            " | Send TPS: 10 | Send MPS: 160 | Max RT(ms): 12 | Average RT(ms):   5.000 | Average Message RT(ms):   0.313 | Send Failed: 0 | Send Message Failed: 0"
        ), "{line}");
    }
}
