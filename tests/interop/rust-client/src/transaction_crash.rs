//! `transaction-crash`: half messages survive a `kill -9` of the broker and the check-back of
//! the restarted broker commits them.
//!
//! COUNT half messages are sent whose local transaction answers UNKNOW; the broker's checks are
//! answered UNKNOW too until `--release-file` exists. Once every message was checked at least
//! once the scenario prints `KILL-BROKER-NOW`; the driving script (client.sh) kills the broker
//! with SIGKILL, restarts it on the same store and port, and creates the release file. From
//! then on checks answer COMMIT, and the consumer (subscribed before anything was sent) must
//! receive all COUNT. Nothing may be delivered before the first COMMIT answer, and no message
//! more often than COMMIT answers were given for it: the restarted broker may check a copy of a
//! half message again (its check progress is saved periodically), and each committed copy is
//! delivered, as with Java's broker.

use crate::common::*;
use crate::Common;
use anyhow::{ensure, Context, Result};
use parking_lot::Mutex;
use rmq_client::consumer::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};
use rmq_client::{DefaultMQProducer, LocalTransactionState, Message, MessageExt, SendStatus};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const MODE: &str = "txcrash";

/// What the producer's listener answered, by seq.
struct CrashListener {
    release: PathBuf,
    log: ReceiveLog,
    state: Mutex<ListenerState>,
}

#[derive(Default)]
struct ListenerState {
    checks: HashMap<String, usize>,
    commits: HashMap<String, usize>,
    /// Half messages delivered when the first COMMIT was about to be answered.
    delivered_at_release: Option<usize>,
}

fn seq_of(m: &Message) -> String {
    m.property(PROP_SEQ).unwrap_or_default().to_string()
}

#[async_trait::async_trait]
impl rmq_client::TransactionListener for CrashListener {
    async fn execute_local_transaction(
        &self,
        _msg: &Message,
        _arg: Option<&(dyn std::any::Any + Send + Sync)>,
    ) -> LocalTransactionState {
        LocalTransactionState::Unknow
    }

    async fn check_local_transaction(&self, msg: &MessageExt) -> LocalTransactionState {
        let seq = seq_of(&msg.message);
        let released = self.release.exists();
        let mut s = self.state.lock();
        *s.checks.entry(seq.clone()).or_default() += 1;
        if !released {
            return LocalTransactionState::Unknow;
        }
        if s.delivered_at_release.is_none() {
            s.delivered_at_release = Some(by_mode(&self.log).get(MODE).copied().unwrap_or(0));
        }
        *s.commits.entry(seq).or_default() += 1;
        LocalTransactionState::CommitMessage
    }
}

impl CrashListener {
    fn checked(&self, seqs: &[String]) -> usize {
        let s = self.state.lock();
        seqs.iter().filter(|q| s.checks.contains_key(*q)).count()
    }

    fn check_count(&self) -> usize {
        self.state.lock().checks.values().sum()
    }
}

async fn consumer(c: &Common, topic: &str, log: &ReceiveLog) -> Result<DefaultMQPushConsumer> {
    let cons = DefaultMQPushConsumer::builder(format!("rust_txcrash_c_{}", unique()))
        .namesrv_addr(&c.namesrv)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    cons.subscribe(topic, "*")?;
    let log = log.clone();
    cons.register_message_listener_concurrently(
        move |msgs: &[MessageExt], _: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                log.record(0, m);
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    cons.start().await?;
    Ok(cons)
}

/// Runs the scenario (see the module documentation).
pub async fn transaction_crash(c: &Common, count: usize, release: &str) -> Result<()> {
    let topic = c
        .topic
        .clone()
        .unwrap_or_else(|| format!("RustTxCrash_{}", unique()));
    let release = PathBuf::from(release);
    let timeout = Duration::from_secs(c.timeout_s);
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    admin.shutdown().await;
    let log = ReceiveLog::default();
    let cons = consumer(c, &topic, &log).await?;
    let listener = Arc::new(CrashListener {
        release: release.clone(),
        log: log.clone(),
        state: Mutex::default(),
    });
    // A restarted broker knows where to send checks from the producer's next heartbeat.
    let builder = DefaultMQProducer::builder(format!("rust_txcrash_p_{}", unique()))
        .namesrv_addr(&c.namesrv)
        .heartbeat_broker_interval(1000);
    let p = rmq_client::TransactionMQProducer::new(builder, listener.clone());
    p.start().await?;
    // The consumer is live once it received a plain message sent after its start.
    let warm = make_message(&topic, "warmup", 0);
    p.producer().send(warm).await.context("warm-up send")?;
    ensure!(
        log.wait_for(timeout, |l| !l.get("warmup-0").is_empty())
            .await,
        "the consumer did not receive the warm-up message"
    );
    let mut seqs = Vec::new();
    for i in 0..count {
        let r = p
            .send_message_in_transaction(make_message(&topic, MODE, i), None)
            .await?;
        ensure!(
            r.send_result.send_status == SendStatus::SendOk,
            "half send #{i}: {:?}",
            r.send_result
        );
        seqs.push(format!("{MODE}-{i}"));
    }
    let end = tokio::time::Instant::now() + Duration::from_secs(60);
    while listener.checked(&seqs) < count && tokio::time::Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let checked = listener.checked(&seqs);
    ensure!(
        checked == count,
        "the broker checked only {checked} of {count} half messages within 60 s"
    );
    let before = by_mode(&log).get(MODE).copied().unwrap_or(0);
    println!(
        "KILL-BROKER-NOW {count} half messages, each checked and answered UNKNOW ({} checks), {before} delivered",
        listener.check_count()
    );
    std::io::stdout().flush()?;
    ensure!(
        before == 0,
        "{before} UNKNOW messages delivered before the kill"
    );

    let end = tokio::time::Instant::now() + timeout;
    while !release.exists() && tokio::time::Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(release.exists(), "no release file {}", release.display());
    let checks_before = listener.check_count();
    println!("released: checks answer COMMIT now");
    let all = log
        .wait_for(timeout, |l| seqs.iter().all(|s| !l.get(s).is_empty()))
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let r = verdict(&listener, &log, &seqs, all, checks_before);
    cons.shutdown().await;
    p.shutdown().await;
    r
}

/// The checks after the release: every half message delivered, each at most once per COMMIT
/// answer for it, none before the first COMMIT answer.
fn verdict(
    listener: &CrashListener,
    log: &ReceiveLog,
    seqs: &[String],
    all: bool,
    checks_before: usize,
) -> Result<()> {
    let count = seqs.len();
    let s = listener.state.lock();
    let mut dups = 0;
    let mut over = Vec::new();
    for seq in seqs {
        let n = log.get(seq).len();
        let commits = s.commits.get(seq).copied().unwrap_or(0);
        dups += n.saturating_sub(1);
        if n > commits {
            over.push(format!(
                "{seq} delivered {n} times for {commits} COMMIT answers"
            ));
        }
    }
    let delivered = seqs.iter().filter(|q| !log.get(q).is_empty()).count();
    println!(
        "delivered {delivered} of {count} ({dups} duplicates); checks after the release: {}",
        s.checks.values().sum::<usize>() - checks_before
    );
    ensure!(over.is_empty(), "{over:?}");
    ensure!(
        log.errors().is_empty(),
        "content errors: {:?}",
        log.errors()
    );
    let early = s.delivered_at_release.unwrap_or(0);
    ensure!(
        early == 0,
        "{early} half messages delivered before the first COMMIT answer"
    );
    ensure!(
        all,
        "{} of {count} half messages never delivered after the restart",
        count - delivered
    );
    Ok(())
}
