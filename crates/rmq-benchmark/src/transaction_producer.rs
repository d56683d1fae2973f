//! `benchmark-tproducer` (Java `example/benchmark/TransactionProducer`): `-w` tasks (32)
//! send `-s`-byte (2048) transactional messages whose bodies carry the local transaction's
//! outcome (`-sr` rollback and `-su` unknown rates) and the answers to the broker's checks
//! (`-cr`, `-cu`). Prints `Current Time: ... | Send TPS: ... | Max RT(ms): ... | AVG RT(ms):
//! ... | Send Failed: ... | Check: ... | UnexpectedCheck: ... | DuplicatedCheck: ...` every
//! `-ri` ms with rmq's percentiles appended, and a `[Summary]` on SIGINT/SIGTERM.

use crate::latency::LatencyRecorder;
use crate::producer::format_summary;
use crate::snapshot_window::start_reporting;
use crate::{
    acl_credentials, add_options, flag, number, parse_command_line, stop_on_signal,
    warn_unsupported, ACL_KEY_OPTIONS, COMMON_OPTIONS,
};
use rmq_client::{
    DefaultMQProducer, LocalTransactionState, Message, MessageExt, SendStatus, TransactionListener,
    TransactionMQProducer,
};
use rmq_common::java_format::format_fixed;
use rmq_common::message::message_const::PROPERTY_TRANSACTION_CHECK_TIMES;
use rmq_common::util_all::{current_millis, time_millis_to_human_string2};
use rmq_srvutil::cli::{CliOption, Options};
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Check answers stored per message (`MAX_CHECK_RESULT_IN_MSG`).
pub const MAX_CHECK_RESULT_IN_MSG: usize = 20;

/// The counters of a run (Java `StatsBenchmarkTProducer`).
#[derive(Default)]
pub struct StatsBenchmarkTProducer {
    /// Transactions sent.
    pub send_request_success_count: AtomicU64,
    /// Transactions that failed.
    pub send_request_failed_count: AtomicU64,
    /// Sum of send times, ms.
    pub send_message_time_total: AtomicU64,
    /// Largest send time since the last report, ms.
    pub send_message_max_rt: AtomicU64,
    /// Checks answered.
    pub check_count: AtomicU64,
    /// Checks of messages whose outcome was already sent.
    pub unexpected_check_count: AtomicU64,
    /// Checks seen twice.
    pub duplicated_check_count: AtomicU64,
}

/// `[time, sendOk, sendFailed, rtTotal, checks, unexpected, duplicated]`.
pub type TxSnapshot = [i64; 7];

impl StatsBenchmarkTProducer {
    /// Takes a snapshot (`createSnapshot`).
    pub fn create_snapshot(&self) -> TxSnapshot {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed) as i64;
        [
            current_millis(),
            l(&self.send_request_success_count),
            l(&self.send_request_failed_count),
            l(&self.send_message_time_total),
            l(&self.check_count),
            l(&self.unexpected_check_count),
            l(&self.duplicated_check_count),
        ]
    }
}

/// Java's periodic line.
pub fn format_stats(b: &TxSnapshot, e: &TxSnapshot, max_rt: u64, now_millis: i64) -> String {
    let send_count = e[1] - b[1];
    let send_tps = (send_count * 1000) / (e[0] - b[0]).max(1);
    let average_rt = (e[3] - b[3]) as f64 / send_count as f64;
    format!(
        "Current Time: {} | Send TPS: {send_tps:>5} | Max RT(ms): {max_rt:>5} | AVG RT(ms): {:>3} | Send Failed: {} | Check: {} | UnexpectedCheck: {} | DuplicatedCheck: {}",
        time_millis_to_human_string2(now_millis),
        format_fixed(average_rt, 1),
        e[2] - b[2],
        e[4] - b[4],
        e[5] - b[5],
        e[6] - b[6]
    )
}

/// Adds TransactionProducer's options.
pub fn build_command_line_options(options: &mut Options) {
    for (opt, long, desc) in [
        ("w", "threadCount", "Thread count, Default: 32"),
        ("s", "messageSize", "Message Size, Default: 2048"),
        ("t", "topic", "Topic name, Default: BenchmarkTest"),
        (
            "sr",
            "send rollback rate",
            "Send rollback rate, Default: 0.0",
        ),
        ("su", "send unknown rate", "Send unknown rate, Default: 0.0"),
        (
            "cr",
            "check rollback rate",
            "Check rollback rate, Default: 0.0",
        ),
        (
            "cu",
            "check unknown rate",
            "Check unknown rate, Default: 0.0",
        ),
        (
            "b",
            "test batch id",
            "test batch id, Default: System.currentMillis()",
        ),
        (
            "i",
            "send interval",
            "sleep interval in millis between messages, Default: 0",
        ),
    ] {
        options.add_option(CliOption::new(opt, long, true, desc));
    }
    add_options(options, &ACL_KEY_OPTIONS);
    add_options(options, &COMMON_OPTIONS);
}

/// Settings of a run (Java `TxSendConfig`).
#[derive(Debug, Clone)]
struct TxSendConfig {
    topic: String,
    message_size: usize,
    send_rollback_rate: f64,
    send_unknown_rate: f64,
    check_rollback_rate: f64,
    check_unknown_rate: f64,
    batch_id: i64,
    send_interval: u64,
}

fn state_byte(s: LocalTransactionState) -> u8 {
    match s {
        LocalTransactionState::CommitMessage => 0,
        LocalTransactionState::RollbackMessage => 1,
        LocalTransactionState::Unknow => 2,
    }
}

fn byte_state(b: u8) -> LocalTransactionState {
    match b {
        1 => LocalTransactionState::RollbackMessage,
        2 => LocalTransactionState::Unknow,
        _ => LocalTransactionState::CommitMessage,
    }
}

/// What a message body says: batch id, message id, send outcome, check answers.
struct MsgMeta {
    batch_id: i64,
    msg_id: i64,
    send_result: LocalTransactionState,
    check_result: Vec<LocalTransactionState>,
}

fn parse_meta(body: &[u8]) -> Option<MsgMeta> {
    let head = body.get(..17 + MAX_CHECK_RESULT_IN_MSG)?;
    Some(MsgMeta {
        batch_id: i64::from_be_bytes(head.get(0..8)?.try_into().ok()?),
        msg_id: i64::from_be_bytes(head.get(8..16)?.try_into().ok()?),
        send_result: byte_state(*head.get(16)?),
        check_result: head.get(17..)?.iter().map(|b| byte_state(*b)).collect(),
    })
}

fn build_message(cfg: &TxSendConfig, start_time: i64, count: &AtomicU64) -> Message {
    let size = cfg.message_size.max(17 + MAX_CHECK_RESULT_IN_MSG);
    let mut bs: Vec<u8> = (0..size).map(|_| rand::random::<u8>()).collect();
    let msg_id = (start_time << 32) | count.fetch_add(1, Ordering::Relaxed) as i64;
    bs[0..8].copy_from_slice(&cfg.batch_id.to_be_bytes());
    bs[8..16].copy_from_slice(&msg_id.to_be_bytes());
    let pick = |rollback: f64, unknown: f64| {
        if rand::random::<f64>() < rollback {
            LocalTransactionState::RollbackMessage
        } else if rand::random::<f64>() < unknown {
            LocalTransactionState::Unknow
        } else {
            LocalTransactionState::CommitMessage
        }
    };
    bs[16] = state_byte(pick(cfg.send_rollback_rate, cfg.send_unknown_rate));
    for i in 0..MAX_CHECK_RESULT_IN_MSG {
        bs[17 + i] = state_byte(pick(cfg.check_rollback_rate, cfg.check_unknown_rate));
    }
    Message::new(cfg.topic.clone(), bs)
}

/// The listener: the outcome comes from the body (Java `TransactionListenerImpl`).
struct TransactionListenerImpl {
    stats: Arc<StatsBenchmarkTProducer>,
    batch_id: i64,
    checks_seen: parking_lot::Mutex<HashMap<i64, u32>>,
}

#[async_trait::async_trait]
impl TransactionListener for TransactionListenerImpl {
    async fn execute_local_transaction(
        &self,
        msg: &Message,
        _arg: Option<&(dyn Any + Send + Sync)>,
    ) -> LocalTransactionState {
        parse_meta(&msg.body).map_or(LocalTransactionState::RollbackMessage, |m| m.send_result)
    }

    async fn check_local_transaction(&self, msg: &MessageExt) -> LocalTransactionState {
        let Some(meta) = parse_meta(&msg.message.body) else {
            return LocalTransactionState::RollbackMessage;
        };
        if meta.batch_id != self.batch_id {
            return LocalTransactionState::RollbackMessage;
        }
        self.stats.check_count.fetch_add(1, Ordering::Relaxed);
        let Some(times) = msg
            .property(PROPERTY_TRANSACTION_CHECK_TIMES)
            .and_then(|t| t.parse::<u32>().ok())
        else {
            return LocalTransactionState::RollbackMessage;
        };
        let times = times.clamp(1, 31);
        let dup = {
            let mut seen = self.checks_seen.lock();
            let old = seen.get(&meta.msg_id).copied();
            let new = old.unwrap_or(0) | (1 << (times - 1));
            seen.insert(meta.msg_id, new);
            old == Some(new)
        };
        if dup {
            self.stats
                .duplicated_check_count
                .fetch_add(1, Ordering::Relaxed);
        }
        let now = chrono::Local::now().format("%H:%M:%S,%3f");
        if meta.send_result != LocalTransactionState::Unknow {
            println!(
                "{now} unexpected check: msgId={},txId={},checkTimes={times},sendResult={}",
                msg.client_msg_id(),
                msg.message.transaction_id.as_deref().unwrap_or("null"),
                meta.send_result.as_str()
            );
            self.stats
                .unexpected_check_count
                .fetch_add(1, Ordering::Relaxed);
            return meta.send_result;
        }
        for s in meta.check_result.iter().take(times as usize - 1) {
            if *s != LocalTransactionState::Unknow {
                println!(
                    "{now} unexpected check: msgId={},txId={},checkTimes={times},sendResult,lastCheckResult={}",
                    msg.client_msg_id(),
                    msg.message.transaction_id.as_deref().unwrap_or("null"),
                    s.as_str()
                );
                self.stats
                    .unexpected_check_count
                    .fetch_add(1, Ordering::Relaxed);
                return *s;
            }
        }
        meta.check_result
            .get(times as usize - 1)
            .copied()
            .unwrap_or(LocalTransactionState::RollbackMessage)
    }
}

/// Runs the tool with `args` (without the program name); returns the exit code.
pub async fn run(args: Vec<String>) -> i32 {
    let cl = match parse_command_line("TransactionProducer", &args, build_command_line_options) {
        Ok(cl) => cl,
        Err(code) => return code,
    };
    let parsed = (|| -> Result<(TxSendConfig, usize, u64), i32> {
        Ok((
            TxSendConfig {
                topic: cl.get_trimmed("t").unwrap_or("BenchmarkTest").to_string(),
                message_size: number(&cl, "s", 2048usize)?,
                send_rollback_rate: number(&cl, "sr", 0.0f64)?,
                send_unknown_rate: number(&cl, "su", 0.0f64)?,
                check_rollback_rate: number(&cl, "cr", 0.0f64)?,
                check_unknown_rate: number(&cl, "cu", 0.0f64)?,
                batch_id: number(&cl, "b", current_millis())?,
                send_interval: number(&cl, "i", 0u64)?,
            },
            number(&cl, "w", 32usize)?.max(1),
            number(&cl, "ri", 10_000u64)?.max(1),
        ))
    })();
    let (cfg, thread_count, report_interval) = match parsed {
        Ok(v) => v,
        Err(c) => return c,
    };
    if flag(&cl, "m") {
        warn_unsupported("msgTraceEnable");
    }
    let stats = Arc::new(StatsBenchmarkTProducer::default());
    let latency = Arc::new(LatencyRecorder::new());
    let (_window, report) = {
        let (sampled, reported) = (stats.clone(), stats.clone());
        start_reporting(
            move || sampled.create_snapshot(),
            report_interval,
            latency.clone(),
            "RT",
            move |b, e| {
                let max = reported.send_message_max_rt.swap(0, Ordering::Relaxed);
                format_stats(b, e, max, current_millis())
            },
        )
    };
    let mut builder = DefaultMQProducer::builder("benchmark_transaction_producer")
        .instance_name(current_millis().to_string())
        .default_topic_queue_nums(1000);
    if let Some(c) = acl_credentials(&cl) {
        builder = builder.credentials(c);
    }
    if let Some(ns) = cl.get_option_value("n") {
        builder = builder.namesrv_addr(ns);
    }
    let listener = Arc::new(TransactionListenerImpl {
        stats: stats.clone(),
        batch_id: cfg.batch_id,
        checks_seen: parking_lot::Mutex::new(HashMap::new()),
    });
    let producer = Arc::new(TransactionMQProducer::new(builder, listener));
    if let Err(e) = producer.start().await {
        eprintln!("benchmark transaction producer failed to start: {e}");
        return 1;
    }
    let started = Instant::now();
    let start_time = current_millis();
    let count = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..thread_count {
        let (producer, stats, latency, stop, cfg, count) = (
            producer.clone(),
            stats.clone(),
            latency.clone(),
            stop.clone(),
            cfg.clone(),
            count.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let begin = Instant::now();
                let msg = build_message(&cfg, start_time, &count);
                let ok = matches!(
                    producer.send_message_in_transaction(msg, None).await,
                    Ok(r) if r.send_result.send_status == SendStatus::SendOk
                );
                latency.record_rt(
                    begin.elapsed(),
                    &stats.send_message_time_total,
                    &stats.send_message_max_rt,
                );
                if ok {
                    stats
                        .send_request_success_count
                        .fetch_add(1, Ordering::Relaxed);
                } else {
                    stats
                        .send_request_failed_count
                        .fetch_add(1, Ordering::Relaxed);
                }
                if cfg.send_interval > 0 {
                    tokio::time::sleep(Duration::from_millis(cfg.send_interval)).await;
                }
            }
        }));
    }
    stop_on_signal(&stop, tasks).await;
    report.abort();
    let ok = stats.send_request_success_count.load(Ordering::Relaxed);
    let failed = stats.send_request_failed_count.load(Ordering::Relaxed);
    println!(
        "{}",
        format_summary(
            "Transaction send",
            started.elapsed(),
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
    fn body_round_trip_and_line() {
        let cfg = TxSendConfig {
            topic: "T".into(),
            message_size: 64,
            send_rollback_rate: 0.0,
            send_unknown_rate: 1.0,
            check_rollback_rate: 0.0,
            check_unknown_rate: 0.0,
            batch_id: 42,
            send_interval: 0,
        };
        let count = AtomicU64::new(7);
        let m = build_message(&cfg, 1, &count);
        let meta = parse_meta(&m.body).unwrap();
        assert_eq!(meta.batch_id, 42);
        assert_eq!(meta.msg_id, (1 << 32) | 7);
        assert_eq!(meta.send_result, LocalTransactionState::Unknow);
        assert!(meta
            .check_result
            .iter()
            .all(|s| *s == LocalTransactionState::CommitMessage));
        let line = format_stats(
            &[0, 0, 0, 0, 0, 0, 0],
            &[10_000, 100, 1, 250, 3, 0, 0],
            9,
            0,
        );
        assert!(line.ends_with(
            " | Send TPS:    10 | Max RT(ms):     9 | AVG RT(ms): 2.5 | Send Failed: 1 | Check: 3 | UnexpectedCheck: 0 | DuplicatedCheck: 0"
        ), "{line}");
    }
}
