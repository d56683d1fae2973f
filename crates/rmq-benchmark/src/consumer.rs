//! `benchmark-consumer` (Java `example/benchmark/Consumer`): a push consumer in group
//! `benchmark_consumer` (`-g`, `-p true` adds `_<n>`) on `-t` with `-w` consume tasks (20),
//! failing `-r` of the messages with RECONSUME_LATER. Prints `Consumer Started.`, then
//! `Current Time: ... | Consume TPS: ... | AVG(B2C) RT(ms): ... | AVG(S2C) RT(ms): ... |
//! MAX(B2C) RT(ms): ... | MAX(S2C) RT(ms): ... | Consume Fail: ...` every `-ri` ms with the
//! born-to-consume percentiles appended, and on SIGINT/SIGTERM a `[Complete]` and a
//! `[Summary]` line.

use crate::latency::LatencyRecorder;
use crate::producer::format_summary;
use crate::snapshot_window::start_reporting;
use crate::{
    acl_credentials, add_options, flag, number, parse_command_line, shutdown_signal,
    warn_unsupported, ACL_KEY_OPTIONS, COMMON_OPTIONS,
};
use rmq_client::consumer::listener::{ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus};
use rmq_client::consumer::ConsumeFromWhere;
use rmq_client::{DefaultMQPushConsumer, MessageExt};
use rmq_common::java_format::format_fixed;
use rmq_common::util_all::{current_millis, time_millis_to_human_string2};
use rmq_srvutil::cli::{CliOption, Options};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The counters of a run (Java `StatsBenchmarkConsumer`).
#[derive(Default)]
pub struct StatsBenchmarkConsumer {
    /// Messages consumed.
    pub receive_message_total_count: AtomicU64,
    /// Sum of born-to-consume times, ms.
    pub born2consumer_total_rt: AtomicU64,
    /// Sum of store-to-consume times, ms.
    pub store2consumer_total_rt: AtomicU64,
    /// Largest born-to-consume time since the last report, ms.
    pub born2consumer_max_rt: AtomicU64,
    /// Largest store-to-consume time since the last report, ms.
    pub store2consumer_max_rt: AtomicU64,
    /// Messages answered with RECONSUME_LATER.
    pub fail_count: AtomicU64,
}

/// `[time, received, b2cTotal, s2cTotal, failed]` (`createSnapshot`).
pub type ConsumerSnapshot = [i64; 5];

impl StatsBenchmarkConsumer {
    /// Takes a snapshot.
    pub fn create_snapshot(&self) -> ConsumerSnapshot {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed) as i64;
        [
            current_millis(),
            l(&self.receive_message_total_count),
            l(&self.born2consumer_total_rt),
            l(&self.store2consumer_total_rt),
            l(&self.fail_count),
        ]
    }
}

/// Adds Consumer's options (`buildCommandlineOptions`).
pub fn build_command_line_options(options: &mut Options) {
    for (opt, long, desc) in [
        ("t", "topic", "Topic name, Default: BenchmarkTest"),
        ("w", "threadCount", "Thread count, Default: 20"),
        (
            "g",
            "group",
            "Consumer group name, Default: benchmark_consumer",
        ),
        (
            "p",
            "group prefix enable",
            "Is group prefix enable, Default: false",
        ),
        ("f", "filterType", "TAG, SQL92"),
        (
            "e",
            "expression",
            "filter expression content file path.ie: ./test/expr",
        ),
        ("r", "fail rate", "consumer fail rate, default 0"),
        (
            "cf",
            "consumeFromFirst",
            "rmq: a new group starts at each queue's first offset, Default: false",
        ),
    ] {
        options.add_option(CliOption::new(opt, long, true, desc));
    }
    add_options(options, &ACL_KEY_OPTIONS);
    add_options(options, &COMMON_OPTIONS);
}

/// Java's periodic line for a window.
pub fn format_stats(
    begin: &ConsumerSnapshot,
    end: &ConsumerSnapshot,
    b2c_max: u64,
    s2c_max: u64,
    now_millis: i64,
) -> String {
    let consume_tps = (((end[1] - begin[1]) as f64 / (end[0] - begin[0]) as f64) * 1000.0) as i64;
    let avg_b2c = (end[2] - begin[2]) as f64 / (end[1] - begin[1]) as f64;
    let avg_s2c = (end[3] - begin[3]) as f64 / (end[1] - begin[1]) as f64;
    format!(
        "Current Time: {} | Consume TPS: {consume_tps} | AVG(B2C) RT(ms): {:>7} | AVG(S2C) RT(ms): {:>7} | MAX(B2C) RT(ms): {b2c_max} | MAX(S2C) RT(ms): {s2c_max} | Consume Fail: {}",
        time_millis_to_human_string2(now_millis),
        format_fixed(avg_b2c, 3),
        format_fixed(avg_s2c, 3),
        end[4] - begin[4]
    )
}

/// Runs the tool with `args` (without the program name); returns the exit code.
pub async fn run(args: Vec<String>) -> i32 {
    let cl = match parse_command_line("benchmarkConsumer", &args, build_command_line_options) {
        Ok(cl) => cl,
        Err(code) => return code,
    };
    let topic = cl.get_trimmed("t").unwrap_or("BenchmarkTest").to_string();
    let thread_count = match number(&cl, "w", 20usize) {
        Ok(v) => v.max(1),
        Err(c) => return c,
    };
    let group_prefix = cl
        .get_trimmed("g")
        .unwrap_or("benchmark_consumer")
        .to_string();
    let suffix_enable = cl.get_trimmed("p").unwrap_or("false").to_string();
    let filter_type = cl.get_trimmed("f").map(str::to_string);
    let expression = cl.get_trimmed("e").map(str::to_string);
    let fail_rate = match number(&cl, "r", 0.0f64) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let trace = flag(&cl, "m");
    let acl = flag(&cl, "a");
    let report_interval = match number(&cl, "ri", 10_000u64) {
        Ok(v) => v.max(1),
        Err(c) => return c,
    };
    let group = if suffix_enable.eq_ignore_ascii_case("true") {
        format!("{group_prefix}_{}", current_millis() % 100)
    } else {
        group_prefix
    };
    println!(
        "topic: {topic}, threadCount {thread_count}, group: {group}, suffix: {suffix_enable}, filterType: {}, expression: {}, msgTraceEnable: {trace}, aclEnable: {acl}, reportInterval: {report_interval}",
        filter_type.as_deref().unwrap_or("null"),
        expression.as_deref().unwrap_or("null")
    );
    if trace {
        warn_unsupported("msgTraceEnable");
    }

    let stats = Arc::new(StatsBenchmarkConsumer::default());
    let latency = Arc::new(LatencyRecorder::new());
    let (window, report) = {
        let (sampled, reported) = (stats.clone(), stats.clone());
        start_reporting(
            move || sampled.create_snapshot(),
            report_interval,
            latency.clone(),
            "B2C",
            move |b, e| {
                let b2c = reported.born2consumer_max_rt.swap(0, Ordering::Relaxed);
                let s2c = reported.store2consumer_max_rt.swap(0, Ordering::Relaxed);
                format_stats(b, e, b2c, s2c, current_millis())
            },
        )
    };

    let mut builder = DefaultMQPushConsumer::builder(group)
        .instance_name(current_millis().to_string())
        .consume_thread_min(thread_count)
        .consume_thread_max(thread_count);
    if let Some(c) = acl_credentials(&cl) {
        builder = builder.credentials(c);
    }
    if let Some(ns) = cl.get_option_value("n") {
        builder = builder.namesrv_addr(ns);
    }
    if flag(&cl, "cf") {
        // A backlog still in the page cache would otherwise be skipped: Java's broker answers
        // a new group's offset query with "not found" then, and the client starts at the end.
        builder = builder.consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset);
    }
    let consumer = builder.build();
    let subscribed = match (filter_type.as_deref(), expression.as_deref()) {
        (Some("TAG"), Some(path)) => match std::fs::read_to_string(path) {
            Ok(expr) => {
                println!("Expression: {expr}");
                consumer.subscribe(&topic, expr.trim())
            }
            Err(e) => {
                eprintln!("cannot read the expression file {path}: {e}");
                return 1;
            }
        },
        (Some(other), Some(_)) => {
            eprintln!("java.lang.IllegalArgumentException: Not support filter type! {other}");
            return 1;
        }
        _ => consumer.subscribe(&topic, "*"),
    };
    if let Err(e) = subscribed {
        eprintln!("benchmark consumer failed to subscribe: {e}");
        return 1;
    }
    {
        let (stats, latency) = (stats.clone(), latency.clone());
        consumer.register_message_listener_concurrently(
            move |msgs: &[MessageExt], _ctx: &mut ConsumeConcurrentlyContext| {
                let Some(msg) = msgs.first() else {
                    return ConsumeConcurrentlyStatus::ConsumeSuccess;
                };
                let now = current_millis();
                stats
                    .receive_message_total_count
                    .fetch_add(1, Ordering::Relaxed);
                let b2c = (now - msg.born_timestamp).max(0);
                let s2c = (now - msg.store_timestamp).max(0);
                stats
                    .born2consumer_total_rt
                    .fetch_add(b2c as u64, Ordering::Relaxed);
                stats
                    .store2consumer_total_rt
                    .fetch_add(s2c as u64, Ordering::Relaxed);
                stats
                    .born2consumer_max_rt
                    .fetch_max(b2c as u64, Ordering::Relaxed);
                stats
                    .store2consumer_max_rt
                    .fetch_max(s2c as u64, Ordering::Relaxed);
                latency.record_millis(b2c);
                if rand::random::<f64>() < fail_rate {
                    stats.fail_count.fetch_add(1, Ordering::Relaxed);
                    ConsumeConcurrentlyStatus::ReconsumeLater
                } else {
                    ConsumeConcurrentlyStatus::ConsumeSuccess
                }
            },
        );
    }
    let started = Instant::now();
    if let Err(e) = consumer.start().await {
        eprintln!("benchmark consumer failed to start: {e}");
        return 1;
    }
    println!("Consumer Started.");
    shutdown_signal().await;
    report.abort();
    let elapsed = started.elapsed();
    window.push(stats.create_snapshot());
    let total = stats.receive_message_total_count.load(Ordering::Relaxed);
    let failed = stats.fail_count.load(Ordering::Relaxed);
    if let Some((b, e)) = window.range() {
        let tps = (((e[1] - b[1]) as f64 / (e[0] - b[0]).max(1) as f64) * 1000.0) as i64;
        println!("[Complete] Consume Total: {total} | Consume TPS: {tps} | Consume Fail: {failed}");
    } else {
        println!("[Complete] Consume Total: {total} | Consume Fail: {failed}");
    }
    println!(
        "{}",
        format_summary(
            "Consume (B2C RT)",
            elapsed,
            total - failed.min(total),
            failed,
            &latency.total()
        )
    );
    consumer.shutdown().await;
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_follows_java_format() {
        let b = [0, 0, 0, 0, 0];
        let e = [10_000, 1000, 3000, 2000, 4];
        let line = format_stats(&b, &e, 30, 20, 0);
        assert!(line.ends_with(
            " | Consume TPS: 100 | AVG(B2C) RT(ms):   3.000 | AVG(S2C) RT(ms):   2.000 | MAX(B2C) RT(ms): 30 | MAX(S2C) RT(ms): 20 | Consume Fail: 4"
        ), "{line}");
    }
}
