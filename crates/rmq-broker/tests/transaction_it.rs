#![allow(clippy::unwrap_used)]
//! Transactional messages end to end against an in-process broker: half messages stay out of
//! the real topic, END_TRANSACTION commits or rolls back, the check-back asks the producer
//! (also after a restart on the same store), and rmq's `TransactionMQProducer` works against
//! it through a NameServer.

mod common;

use async_trait::async_trait;
use common::*;
use rmq_broker::{BrokerController, BrokerHandle};
use rmq_client::producer::transaction_mq_producer::{
    LocalTransactionState, TransactionListener, TransactionMQProducer,
};
use rmq_client::DefaultMQProducer;
use rmq_common::message::message_const::*;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_common::sys_flag::message_sys_flag::*;
use rmq_common::{mix_all, Message, MessageExt};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::heartbeat::{HeartbeatData, ProducerData};
use rmq_remoting::protocol::header::broker::EndTransactionRequestHeader;
use rmq_remoting::protocol::header::client::CheckTransactionStateRequestHeader;
use rmq_remoting::{
    Channel, NettyClientConfig, RemotingClient, RemotingCommand, RemotingError, RequestCode,
    RequestProcessor,
};
use rmq_store::MessageStore;
use std::any::Any;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const TOPIC: &str = "TopicTx";

/// Starts a broker whose check-back runs every `check_interval_ms`, checking halves older
/// than 1 s, with op records written after 100 ms.
async fn start_tx_broker(store: &Path, check_interval_ms: i64, ns: Option<String>) -> BrokerHandle {
    let mut c = test_configs(store, ns);
    c.broker_config.transaction_check_interval = check_interval_ms;
    c.broker_config.transaction_time_out = 1000;
    c.broker_config.transaction_op_batch_interval = 100;
    BrokerController::start(c).await.unwrap()
}

fn half_props() -> Vec<(&'static str, &'static str)> {
    vec![
        (PROPERTY_TRANSACTION_PREPARED, "true"),
        (PROPERTY_PRODUCER_GROUP, "pg"),
        ("TAGS", "TagA"),
    ]
}

fn end_request(
    kind: i32,
    from_check: bool,
    queue_offset: i64,
    commit_log_offset: i64,
    msg_id: &str,
) -> RemotingCommand {
    let h = EndTransactionRequestHeader {
        topic: Some(TOPIC.into()),
        producer_group: "pg".into(),
        tran_state_table_offset: queue_offset,
        commit_log_offset,
        commit_or_rollback: kind,
        from_transaction_check: Some(from_check),
        msg_id: msg_id.into(),
        transaction_id: Some(msg_id.into()),
    };
    RemotingCommand::create_request_command(RequestCode::END_TRANSACTION, &h)
}

/// Sends a half message to `TOPIC` queue 1; returns (queue offset, commit log offset, uniq).
async fn send_half(client: &RemotingClient, addr: &str, body: &[u8]) -> (i64, i64, String) {
    let h = send_ok(client, addr, TOPIC, 1, &half_props(), body).await;
    assert_eq!(h.queue_id, 1, "the answer keeps the real queue");
    let id = rmq_common::message::message_decoder::decode_message_id(&h.msg_id).unwrap();
    (h.queue_offset, id.offset, h.transaction_id.unwrap())
}

/// The op entries written so far (half offsets, in order).
fn op_entries(broker: &BrokerHandle) -> Vec<i64> {
    let store = broker.controller().message_store();
    let op = mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC;
    let max = store.get_max_offset_in_queue(op, 0);
    (0..max)
        .filter_map(|i| {
            let phy = store.get_commit_log_offset_in_queue(op, 0, i);
            store.look_message_by_offset(phy)
        })
        .flat_map(|m| {
            String::from_utf8_lossy(m.body())
                .split(',')
                .filter_map(|s| s.parse().ok())
                .collect::<Vec<i64>>()
        })
        .collect()
}

async fn wait_ops(broker: &BrokerHandle, n: usize) {
    let ok = wait_for(Duration::from_secs(10), || {
        let got = op_entries(broker).len();
        async move { (got >= n).then_some(()) }
    })
    .await;
    assert!(ok.is_some(), "fewer than {n} op entries");
}

fn real_messages(broker: &BrokerHandle, topic: &str) -> Vec<MessageExt> {
    let store = broker.controller().message_store();
    let mut out = Vec::new();
    for q in 0..8 {
        for i in 0..store.get_max_offset_in_queue(topic, q) {
            let phy = store.get_commit_log_offset_in_queue(topic, q, i);
            out.extend(store.look_message_by_offset(phy));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_delivers_and_rollback_never_does() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_tx_broker(dir.path(), 3_600_000, None).await;
    let addr = broker.broker_addr();
    let c = client();
    assert_eq!(heartbeat(&c, &addr, "g", TOPIC, "*").await.code, 0);
    let (qo, phy, uniq) = send_half(&c, &addr, b"to-commit").await;
    let (code, _, msgs) = pull(&c, &addr, "g", TOPIC, 1, 0).await;
    assert!(msgs.is_empty(), "half visible: code {code}");
    let r = c
        .invoke(
            &addr,
            end_request(TRANSACTION_COMMIT_TYPE, false, qo, phy, &uniq),
            5000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    wait_dispatched(&broker, TOPIC, 1, 1).await;
    let (code, _, msgs) = pull(&c, &addr, "g", TOPIC, 1, 0).await;
    assert_eq!(msgs.len(), 1, "pull code {code}");
    let m = &msgs[0];
    assert_eq!(m.body(), b"to-commit");
    assert_eq!(
        m.sys_flag & TRANSACTION_ROLLBACK_TYPE,
        TRANSACTION_COMMIT_TYPE
    );
    assert_eq!(m.prepared_transaction_offset, phy);
    assert_eq!(m.property(PROPERTY_TRANSACTION_PREPARED), Some("true"));
    assert_eq!(m.property(PROPERTY_REAL_TOPIC), Some(TOPIC));
    assert_eq!(m.property(PROPERTY_REAL_QUEUE_ID), Some("1"));
    assert_eq!(m.message.uniq_key(), Some(uniq.as_str()));
    // Rollback: only an op record. Once both ops are dispatched, no commit can be pending.
    let (qo2, phy2, uniq2) = send_half(&c, &addr, b"to-rollback").await;
    let r = c
        .invoke(
            &addr,
            end_request(TRANSACTION_ROLLBACK_TYPE, false, qo2, phy2, &uniq2),
            5000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0);
    wait_ops(&broker, 2).await;
    assert_eq!(op_entries(&broker), vec![qo, qo2]);
    assert_eq!(real_messages(&broker, TOPIC).len(), 1);
    // A request naming another queue offset than the half's is refused.
    let stale = end_request(TRANSACTION_COMMIT_TYPE, false, qo2 + 5, phy2, &uniq2);
    let r = c.invoke(&addr, stale, 5000).await.unwrap();
    assert_eq!(
        r.remark.as_deref(),
        Some("The transaction state table offset wrong")
    );
    broker.shutdown().await;
}

/// Records the CHECK_TRANSACTION_STATE requests a producer connection receives.
struct CheckRecorder(mpsc::UnboundedSender<RemotingCommand>);

#[async_trait]
impl RequestProcessor for CheckRecorder {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let _ = self.0.send(request);
        Ok(None)
    }
}

fn producer_client() -> (RemotingClient, mpsc::UnboundedReceiver<RemotingCommand>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut d = RequestDispatcher::new();
    d.register_processor(
        RequestCode::CHECK_TRANSACTION_STATE,
        Arc::new(CheckRecorder(tx)),
    );
    (
        RemotingClient::new(NettyClientConfig::default(), Arc::new(d)),
        rx,
    )
}

async fn producer_heartbeat(c: &RemotingClient, addr: &str) {
    let hb = HeartbeatData {
        client_id: "127.0.0.1@tx".into(),
        producer_data_set: vec![ProducerData {
            group_name: "pg".into(),
        }],
        consumer_data_set: Vec::new(),
        heartbeat_fingerprint: 0,
        without_sub: false,
    };
    let mut r = RemotingCommand::new_request(RequestCode::HEART_BEAT);
    r.body = bytes::Bytes::from(rmq_remoting::protocol::body::encode(&hb));
    assert_eq!(c.invoke(addr, r, 5000).await.unwrap().code, 0);
}

async fn next_check(
    rx: &mut mpsc::UnboundedReceiver<RemotingCommand>,
) -> (CheckTransactionStateRequestHeader, MessageExt) {
    let req = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("no CHECK_TRANSACTION_STATE within 20 s")
        .unwrap();
    let h: CheckTransactionStateRequestHeader = req.decode_header().unwrap();
    let (m, _) = decode(&req.body, DecodeOptions::default()).unwrap();
    (h, m)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_back_after_a_restart_then_commit_from_the_check() {
    let dir = tempfile::tempdir().unwrap();
    // No check while the first broker runs.
    let broker = start_tx_broker(dir.path(), 3_600_000, None).await;
    let (c, mut rx) = producer_client();
    let (_, phy, uniq) = send_half(&c, &broker.broker_addr(), b"checked").await;
    broker.shutdown().await;
    let broker = start_tx_broker(dir.path(), 300, None).await;
    let addr = broker.broker_addr();
    producer_heartbeat(&c, &addr).await;
    let (h, m) = next_check(&mut rx).await;
    assert_eq!(h.topic.as_deref(), Some(mix_all::RMQ_SYS_TRANS_HALF_TOPIC));
    assert_eq!(h.msg_id.as_deref(), Some(uniq.as_str()));
    assert_ne!(
        h.commit_log_offset, phy,
        "the check names the re-appended copy"
    );
    assert_eq!((m.topic(), m.queue_id), (TOPIC, 1));
    assert_eq!(m.property(PROPERTY_TRANSACTION_CHECK_TIMES), Some("1"));
    // UNKNOWN: nothing happens and the broker asks again.
    let unknown = end_request(
        TRANSACTION_NOT_TYPE,
        true,
        h.tran_state_table_offset,
        h.commit_log_offset,
        &uniq,
    );
    c.invoke_oneway(&addr, unknown, 3000).await.unwrap();
    let (h, m) = next_check(&mut rx).await;
    assert_eq!(m.property(PROPERTY_TRANSACTION_CHECK_TIMES), Some("2"));
    let commit = end_request(
        TRANSACTION_COMMIT_TYPE,
        true,
        h.tran_state_table_offset,
        h.commit_log_offset,
        &uniq,
    );
    let r = c.invoke(&addr, commit, 5000).await.unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    wait_dispatched(&broker, TOPIC, 1, 1).await;
    let got = real_messages(&broker, TOPIC);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body(), b"checked");
    assert_eq!(got[0].message.uniq_key(), Some(uniq.as_str()));
    broker.shutdown().await;
}

/// Decides by body: `commit`, `rollback`, anything else unknown; every check commits.
struct Listener;

#[async_trait]
impl TransactionListener for Listener {
    async fn execute_local_transaction(
        &self,
        msg: &Message,
        _arg: Option<&(dyn Any + Send + Sync)>,
    ) -> LocalTransactionState {
        match &msg.body[..] {
            b"commit" => LocalTransactionState::CommitMessage,
            b"rollback" => LocalTransactionState::RollbackMessage,
            _ => LocalTransactionState::Unknow,
        }
    }

    async fn check_local_transaction(&self, _msg: &MessageExt) -> LocalTransactionState {
        LocalTransactionState::CommitMessage
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rust_transaction_producer_commit_rollback_and_checked_unknown() {
    let ns = start_namesrv().await;
    let ns_addr = ns.connect_addr();
    let dir = tempfile::tempdir().unwrap();
    let broker = start_tx_broker(dir.path(), 500, Some(ns_addr.clone())).await;
    let producer = TransactionMQProducer::new(
        DefaultMQProducer::builder("pg_rust").namesrv_addr(&ns_addr),
        Arc::new(Listener),
    );
    producer.start().await.unwrap();
    let mut states = Vec::new();
    for body in ["commit", "rollback", "unknown"] {
        let msg = Message::new(TOPIC, body.as_bytes().to_vec());
        let r = wait_for(Duration::from_secs(20), || {
            let (p, m) = (&producer, msg.clone());
            async move { p.send_message_in_transaction(m, None).await.ok() }
        })
        .await
        .expect("transactional send");
        states.push(r.local_transaction_state);
    }
    assert_eq!(states[2], LocalTransactionState::Unknow);
    let delivered = wait_for(Duration::from_secs(30), || {
        let got = real_messages(&broker, TOPIC);
        async move { (got.len() >= 2).then_some(got) }
    })
    .await
    .expect("commit and checked unknown delivered");
    // Ops for commit, rollback and the checked copy: anything committed is dispatched by now.
    wait_ops(&broker, 3).await;
    let mut bodies: Vec<String> = real_messages(&broker, TOPIC)
        .iter()
        .map(|m| String::from_utf8_lossy(m.body()).into_owned())
        .collect();
    bodies.sort();
    assert_eq!(bodies, vec!["commit", "unknown"], "{delivered:?}");
    producer.shutdown().await;
    broker.shutdown().await;
    ns.shutdown().await;
}

/// Thousands of transactions ended at once, a few left open: the op records span more than one op
/// message (4096 characters each) and more than one read of 32 op messages. The check passes
/// ask the producer about the open ones only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ended_transactions_are_never_checked_when_their_ops_span_many_op_messages() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_tx_broker(dir.path(), 1500, None).await;
    let addr = broker.broker_addr();
    let (c, mut rx) = producer_client();
    producer_heartbeat(&c, &addr).await;
    let n = 8_000;
    let mut unknown = Vec::new(); // their half queue offsets
    for i in 0..n {
        let (qo, phy, uniq) = send_half(&c, &addr, format!("m{i}").as_bytes()).await;
        if i % 97 == 5 {
            unknown.push(qo);
            continue;
        }
        let kind = if i % 3 == 0 {
            TRANSACTION_ROLLBACK_TYPE
        } else {
            TRANSACTION_COMMIT_TYPE
        };
        let r = c
            .invoke(&addr, end_request(kind, false, qo, phy, &uniq), 5000)
            .await
            .unwrap();
        assert_eq!(r.code, 0, "{:?}", r.remark);
    }
    wait_ops(&broker, n - unknown.len()).await;
    // Two check passes run over halves older than 1 s.
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let mut checked = Vec::new();
    while let Ok(req) = rx.try_recv() {
        let (m, _) = decode(&req.body, DecodeOptions::default()).unwrap();
        let i: i64 = String::from_utf8_lossy(m.body())[1..].parse().unwrap();
        checked.push(i);
    }
    let first: Vec<i64> = checked.iter().copied().take(5).collect();
    let ended: Vec<i64> = checked
        .iter()
        .copied()
        .filter(|i| i % 97 != 5)
        .take(5)
        .collect();
    assert!(
        ended.is_empty(),
        "ended transactions checked: {ended:?} (first checks {first:?})"
    );
    assert!(
        checked.len() >= unknown.len(),
        "{} checks for {} unknown",
        checked.len(),
        unknown.len()
    );
    broker.shutdown().await;
}
