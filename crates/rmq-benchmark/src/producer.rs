//! `benchmark-producer` (Java `example/benchmark/Producer`): `-w` tasks (64) send `-s`-byte
//! messages (128) to `-t` (BenchmarkTest) synchronously, or one task sends asynchronously
//! with `-y true`; `-q` stops after that many messages. Prints Java's config echo, then
//! `Current Time: ... | Send TPS: ... | Max RT(ms): ... | Average RT(ms): ... | Send Failed:
//! ... | Response Failed: ...` every `-ri` ms with rmq's percentiles appended, and
//! `[Complete] ...` plus a `[Summary] ...` line at the end. rmq adds `-tm MS` (and `-tmr MS`):
//! every message is a 5.x timer message due `MS` (plus a random `0..tmr`) after its send.

use crate::latency::LatencyRecorder;
use crate::snapshot_window::start_reporting;
use crate::{
    acl_credentials, add_options, compress_options, flag, number, parse_command_line, random_body,
    shutdown_signal, warn_unsupported, ACL_KEY_OPTIONS, COMMON_OPTIONS, COMPRESS_OPTIONS,
};
use rmq_client::{ClientError, DefaultMQProducer, Message};
use rmq_common::java_format::format_fixed;
use rmq_common::util_all::{current_millis, time_millis_to_human_string2};
use rmq_srvutil::cli::{CliOption, Options};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Java's async flow control: at most this many sends in flight.
const MAX_LENGTH_ASYNC_QUEUE: usize = 10_000;

/// The counters of a run (Java `StatsBenchmarkProducer`).
#[derive(Default)]
pub struct StatsBenchmarkProducer {
    /// Sends that succeeded.
    pub send_request_success_count: AtomicU64,
    /// Sends that failed on the client side or the wire.
    pub send_request_failed_count: AtomicU64,
    /// Responses that arrived (successful sends).
    pub receive_response_success_count: AtomicU64,
    /// Sends the broker refused.
    pub receive_response_failed_count: AtomicU64,
    /// Sum of successful send times, ms.
    pub send_message_success_time_total: AtomicU64,
    /// Largest successful send time, ms.
    pub send_message_max_rt: AtomicU64,
}

/// `[time, sendOk, sendFailed, responseOk, responseFailed, rtTotal]` (`createSnapshot`).
pub type ProducerSnapshot = [i64; 6];

impl StatsBenchmarkProducer {
    /// Takes a snapshot.
    pub fn create_snapshot(&self) -> ProducerSnapshot {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed) as i64;
        [
            current_millis(),
            l(&self.send_request_success_count),
            l(&self.send_request_failed_count),
            l(&self.receive_response_success_count),
            l(&self.receive_response_failed_count),
            l(&self.send_message_success_time_total),
        ]
    }

    fn update_success(&self, begin: Instant, latency: &LatencyRecorder) {
        latency.record_rt(
            begin.elapsed(),
            &self.send_message_success_time_total,
            &self.send_message_max_rt,
        );
        self.send_request_success_count
            .fetch_add(1, Ordering::Relaxed);
        self.receive_response_success_count
            .fetch_add(1, Ordering::Relaxed);
    }
}

/// Adds Producer's options (`buildCommandlineOptions`).
pub fn build_command_line_options(options: &mut Options) {
    for (opt, long, desc) in [
        ("w", "threadCount", "Thread count, Default: 64"),
        ("s", "messageSize", "Message Size, Default: 128"),
        ("k", "keyEnable", "Message Key Enable, Default: false"),
        ("t", "topic", "Topic name, Default: BenchmarkTest"),
        ("l", "tagCount", "Tag count, Default: 0"),
        (
            "q",
            "messageQuantity",
            "Send message quantity, Default: 0, running forever",
        ),
        ("d", "delayEnable", "Delay message Enable, Default: false"),
        ("e", "delayLevel", "Delay message level, Default: 1"),
        ("y", "asyncEnable", "Enable async produce, Default: false"),
        (
            "tm",
            "timerDelayMs",
            "rmq: send timer messages due this many ms after the send (TIMER_DELIVER_MS), Default: 0 (off)",
        ),
        (
            "tmr",
            "timerDelayRangeMs",
            "rmq: add a random 0..range ms to each timer message's delay, Default: 0",
        ),
    ] {
        options.add_option(CliOption::new(opt, long, true, desc));
    }
    add_options(options, &ACL_KEY_OPTIONS);
    add_options(options, &COMPRESS_OPTIONS);
    add_options(options, &COMMON_OPTIONS);
}

/// Java's periodic or final line for a window (`doPrintStats`).
pub fn format_stats(
    begin: &ProducerSnapshot,
    end: &ProducerSnapshot,
    max_rt: u64,
    done: Option<i64>,
    now_millis: i64,
) -> String {
    let elapsed = (end[0] - begin[0]) as f64;
    let send_tps = (((end[3] - begin[3]) as f64 / elapsed) * 1000.0) as i64;
    let average_rt = (end[5] - begin[5]) as f64 / (end[3] - begin[3]) as f64;
    let tail = format!(
        "Send TPS: {send_tps} | Max RT(ms): {max_rt} | Average RT(ms): {:>7} | Send Failed: {} | Response Failed: {}",
        format_fixed(average_rt, 3),
        end[2],
        end[4]
    );
    match done {
        Some(total) => format!("[Complete] Send Total: {total} | {tail}"),
        None => format!(
            "Current Time: {} | {tail}",
            time_millis_to_human_string2(now_millis)
        ),
    }
}

/// The run's `[Summary]` line: totals over the whole run and the latency distribution.
pub fn format_summary(
    label: &str,
    elapsed: Duration,
    ok: u64,
    failed: u64,
    latency: &crate::latency::Percentiles,
) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    format!(
        "[Summary] {label} | Elapsed(s): {:.1} | Success: {ok} | Failed: {failed} | TPS: {:.0} | RT(ms) avg: {:.3} | p50: {:.3} | p99: {:.3} | p999: {:.3} | max: {:.3}",
        elapsed.as_secs_f64(),
        ok as f64 / secs,
        latency.mean,
        latency.p50,
        latency.p99,
        latency.p999,
        latency.max
    )
}

/// Settings read from the command line.
#[derive(Debug, Clone)]
struct ProducerConfig {
    topic: String,
    message_size: usize,
    key_enable: bool,
    property_size: usize,
    tag_count: i64,
    message_num: u64,
    delay_enable: bool,
    delay_level: i32,
    async_enable: bool,
    thread_count: usize,
    compress: bool,
    report_interval: u64,
    /// Timer messages: due `timer_delay_ms` (+ random `0..timer_delay_range_ms`) after the send.
    timer_delay_ms: i64,
    timer_delay_range_ms: i64,
}

fn build_message(cfg: &ProducerConfig, body: &bytes::Bytes) -> Message {
    let mut msg = Message::new(cfg.topic.clone(), body.clone());
    let now = current_millis();
    if cfg.key_enable {
        msg.set_keys(&(now / 1000).to_string());
    }
    if cfg.delay_enable {
        msg.set_delay_time_level(cfg.delay_level);
    }
    if cfg.timer_delay_ms > 0 {
        let extra = if cfg.timer_delay_range_ms > 0 {
            rand::random_range(0..cfg.timer_delay_range_ms)
        } else {
            0
        };
        msg.set_deliver_time_ms(now + cfg.timer_delay_ms + extra);
    }
    if cfg.tag_count > 0 {
        msg.set_tags(&format!("tag{}", now % cfg.tag_count));
    }
    if cfg.property_size > 0 {
        let mut start: u32 = rand::random_range(0..100);
        let (mut i, mut size) = (0, 0usize);
        loop {
            let (k1, v1) = (format!("prop{i}"), format!("hello{start}"));
            let (k2, v2) = (format!("prop{}", i + 1), start.to_string());
            size += k1.len() + k2.len() + v1.len() + v2.len();
            let _ = msg.put_user_property(&k1, &v1);
            let _ = msg.put_user_property(&k2, &v2);
            if size > cfg.property_size {
                break;
            }
            i += 2;
            start += 2;
        }
    }
    msg
}

/// Runs the tool with `args` (without the program name); returns the exit code.
pub async fn run(args: Vec<String>) -> i32 {
    let cl = match parse_command_line("benchmarkProducer", &args, build_command_line_options) {
        Ok(cl) => cl,
        Err(code) => return code,
    };
    let parsed = (|| -> Result<ProducerConfig, i32> {
        let async_enable = flag(&cl, "y");
        Ok(ProducerConfig {
            topic: cl.get_trimmed("t").unwrap_or("BenchmarkTest").to_string(),
            message_size: number(&cl, "s", 128usize)?,
            key_enable: flag(&cl, "k"),
            property_size: number(&cl, "p", 0usize)?,
            tag_count: number(&cl, "l", 0i64)?,
            message_num: number(&cl, "q", 0u64)?,
            delay_enable: flag(&cl, "d"),
            delay_level: number(&cl, "e", 1i32)?,
            async_enable,
            thread_count: if async_enable {
                1
            } else {
                number(&cl, "w", 64usize)?.max(1)
            },
            compress: flag(&cl, "c"),
            report_interval: number(&cl, "ri", 10_000u64)?.max(1),
            timer_delay_ms: number(&cl, "tm", 0i64)?.max(0),
            timer_delay_range_ms: number(&cl, "tmr", 0i64)?.max(0),
        })
    })();
    let cfg = match parsed {
        Ok(c) => c,
        Err(code) => return code,
    };
    let trace = flag(&cl, "m");
    let acl = flag(&cl, "a");
    println!(
        "topic: {}, threadCount: {}, messageSize: {}, keyEnable: {}, propertySize: {}, tagCount: {}, traceEnable: {}, aclEnable: {}, messageQuantity: {}, delayEnable: {}, delayLevel: {}, asyncEnable: {}\n compressEnable: {}, reportInterval: {}",
        cfg.topic, cfg.thread_count, cfg.message_size, cfg.key_enable, cfg.property_size,
        cfg.tag_count, trace, acl, cfg.message_num, cfg.delay_enable, cfg.delay_level,
        cfg.async_enable, cfg.compress, cfg.report_interval
    );
    if cfg.timer_delay_ms > 0 {
        println!(
            "timerDelayMs: {}, timerDelayRangeMs: {}",
            cfg.timer_delay_ms, cfg.timer_delay_range_ms
        );
    }
    if trace {
        warn_unsupported("msgTraceEnable");
    }
    let body = random_body(cfg.message_size);
    let stats = Arc::new(StatsBenchmarkProducer::default());
    let latency = Arc::new(LatencyRecorder::new());
    let (window, report) = {
        let (sampled, reported) = (stats.clone(), stats.clone());
        start_reporting(
            move || sampled.create_snapshot(),
            cfg.report_interval,
            latency.clone(),
            "RT",
            move |b, e| {
                let max = reported.send_message_max_rt.load(Ordering::Relaxed);
                format_stats(b, e, max, None, current_millis())
            },
        )
    };

    let mut builder = DefaultMQProducer::builder("benchmark_producer")
        .instance_name(current_millis().to_string());
    if let Some(c) = acl_credentials(&cl) {
        builder = builder.credentials(c);
    }
    if let Some(ns) = cl.get_option_value("n") {
        builder = builder.namesrv_addr(ns);
    }
    if cfg.compress {
        let (compress_type, level, over) = match compress_options(&cl) {
            Ok(v) => v,
            Err(code) => return code,
        };
        if !compress_type.eq_ignore_ascii_case("ZLIB") {
            warn_unsupported(&format!("compressType {compress_type} (only ZLIB)"));
        }
        builder = builder
            .compress_level(level)
            .compress_msg_body_over_howmuch(over);
        println!("compressType: {compress_type} compressLevel: {level}");
    } else {
        builder = builder.compress_msg_body_over_howmuch(usize::MAX);
    }
    let producer = builder.build();
    if let Err(e) = producer.start().await {
        eprintln!("benchmark producer failed to start: {e}");
        return 1;
    }

    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let per_task: Vec<u64> = (0..cfg.thread_count)
        .map(|i| {
            if cfg.message_num == 0 {
                0
            } else {
                let base = cfg.message_num / cfg.thread_count as u64;
                if i == 0 {
                    base + cfg.message_num % cfg.thread_count as u64
                } else {
                    base
                }
            }
        })
        .collect();
    let in_flight = Arc::new(tokio::sync::Semaphore::new(MAX_LENGTH_ASYNC_QUEUE));
    for limit in per_task {
        if cfg.message_num > 0 && limit == 0 {
            break;
        }
        let (producer, stats, latency, stop, cfg, body, in_flight) = (
            producer.clone(),
            stats.clone(),
            latency.clone(),
            stop.clone(),
            cfg.clone(),
            body.clone(),
            in_flight.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut num = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let msg = build_message(&cfg, &body);
                let begin = Instant::now();
                if cfg.async_enable {
                    let Ok(permit) = in_flight.clone().acquire_owned().await else {
                        break;
                    };
                    let (stats, latency) = (stats.clone(), latency.clone());
                    producer.send_with_callback(msg, move |r| {
                        match r {
                            Ok(_) => stats.update_success(begin, &latency),
                            Err(_) => {
                                stats
                                    .send_request_failed_count
                                    .fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        drop(permit);
                    });
                } else {
                    match producer.send(msg).await {
                        Ok(_) => stats.update_success(begin, &latency),
                        Err(e) => on_send_error(&stats, &e).await,
                    }
                }
                num += 1;
                if cfg.message_num > 0 && num >= limit {
                    break;
                }
            }
        }));
    }

    let all_done = async {
        for t in tasks {
            let _ = t.await;
        }
    };
    tokio::select! {
        _ = all_done => {}
        _ = shutdown_signal() => { stop.store(true, Ordering::Relaxed); }
    }
    if cfg.async_enable {
        // Let the callbacks in flight finish.
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            in_flight.acquire_many(MAX_LENGTH_ASYNC_QUEUE as u32),
        )
        .await;
    }
    report.abort();
    let elapsed = started.elapsed();
    let final_snapshot = stats.create_snapshot();
    window.push(final_snapshot);
    let ok = stats.send_request_success_count.load(Ordering::Relaxed);
    let failed = stats.send_request_failed_count.load(Ordering::Relaxed);
    match window.range() {
        Some((b, e)) => println!(
            "{}",
            format_stats(
                &b,
                &e,
                stats.send_message_max_rt.load(Ordering::Relaxed),
                Some((ok + failed) as i64),
                current_millis()
            )
        ),
        None => println!(
            "[Complete] Send Total: {} Send Failed: {} Response Failed: {}",
            ok + failed,
            failed,
            stats.receive_response_failed_count.load(Ordering::Relaxed)
        ),
    }
    println!(
        "{}",
        format_summary(
            "Send",
            elapsed,
            ok,
            failed + stats.receive_response_failed_count.load(Ordering::Relaxed),
            &latency.total()
        )
    );
    producer.shutdown().await;
    0
}

/// Counts a failed send as Java does and backs off 3 s after transport and broker errors.
async fn on_send_error(stats: &StatsBenchmarkProducer, e: &ClientError) {
    tracing::error!(error = %e, "[BENCHMARK_PRODUCER] Send Exception");
    match e {
        ClientError::MQBrokerException { .. } => {
            stats
                .receive_response_failed_count
                .fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        e if e.is_remoting() => {
            stats
                .send_request_failed_count
                .fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        _ => {
            stats
                .send_request_failed_count
                .fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_java_format() {
        let b = [1000, 0, 0, 0, 0, 0];
        let e = [11000, 5000, 2, 5000, 1, 12500];
        assert_eq!(
            format_stats(&b, &e, 9, Some(5002), 0),
            "[Complete] Send Total: 5002 | Send TPS: 500 | Max RT(ms): 9 | Average RT(ms):   2.500 | Send Failed: 2 | Response Failed: 1"
        );
        assert!(format_stats(&b, &e, 9, None, 0).starts_with("Current Time: "));
        let s = format_summary(
            "Send",
            Duration::from_secs(10),
            5000,
            0,
            &Default::default(),
        );
        assert!(
            s.starts_with(
                "[Summary] Send | Elapsed(s): 10.0 | Success: 5000 | Failed: 0 | TPS: 500 |"
            ),
            "{s}"
        );
    }

    #[test]
    fn timer_option_sets_the_delivery_time() {
        let mut cfg = ProducerConfig {
            topic: "T".into(),
            message_size: 4,
            key_enable: false,
            property_size: 0,
            tag_count: 0,
            message_num: 0,
            delay_enable: false,
            delay_level: 1,
            async_enable: false,
            thread_count: 1,
            compress: false,
            report_interval: 1000,
            timer_delay_ms: 0,
            timer_delay_range_ms: 0,
        };
        let body = bytes::Bytes::from_static(b"body");
        assert_eq!(build_message(&cfg, &body).deliver_time_ms(), 0);
        cfg.timer_delay_ms = 600_000;
        cfg.timer_delay_range_ms = 1000;
        let before = current_millis();
        let due = build_message(&cfg, &body).deliver_time_ms();
        let after = current_millis();
        assert!(due >= before + 600_000 && due < after + 601_000, "{due}");
    }

    #[test]
    fn options_match_java_help() {
        let mut o = Options::new();
        rmq_srvutil::server_util::build_command_line_options(&mut o);
        build_command_line_options(&mut o);
        let help = rmq_srvutil::cli::render_help("benchmarkProducer", &o);
        assert!(help.contains(" -ri,--reportInterval <arg>"), "{help}");
        let args: Vec<String> = ["-ri", "1000", "-w", "4"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cl = rmq_srvutil::cli::CommandLine::parse(&o, &args).unwrap();
        assert_eq!(cl.get_option_value("ri"), Some("1000"));
    }
}
