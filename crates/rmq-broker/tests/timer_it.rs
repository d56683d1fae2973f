#![allow(clippy::unwrap_used)]
//! Timer messages (5.x `TIMER_DELAY_SEC`, `TIMER_DELAY_MS`, `TIMER_DELIVER_MS`) through a
//! running broker: parked in `rmq_sys_wheel_timer`, delivered to their real topic and queue
//! no earlier than their time, and not lost when the broker restarts after a crash.

mod common;

use common::*;
use rmq_common::mix_all::TIMER_TOPIC;
use rmq_common::util_all::current_millis;
use rmq_common::MessageExt;
use rmq_store::MessageStore;
use std::time::Duration;

const TOPIC: &str = "TimerT";
const PRECISION_MS: i64 = 1000;

/// Pulls queue `qid` of `TOPIC` until it holds `n` messages (15 s at most).
async fn delivered(broker: &rmq_broker::BrokerHandle, qid: i32, n: usize) -> Vec<MessageExt> {
    let c = client();
    let addr = broker.broker_addr();
    assert_eq!(heartbeat(&c, &addr, "timer-g", TOPIC, "*").await.code, 0);
    let got = wait_for(Duration::from_secs(15), || {
        let (c, addr) = (&c, addr.clone());
        async move {
            let (_, _, msgs) = pull(c, &addr, "timer-g", TOPIC, qid, 0).await;
            (msgs.len() >= n).then_some(msgs)
        }
    })
    .await;
    got.unwrap_or_else(|| panic!("{n} timer messages not delivered to queue {qid}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timer_messages_arrive_at_their_time() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let c = client();
    let addr = broker.broker_addr();
    let before = current_millis();
    let deliver_at = (before + 3_000).to_string();
    let delays: [(&str, String, i64); 5] = [
        ("TIMER_DELAY_SEC", "1".into(), 1_000),
        ("TIMER_DELAY_MS", "2000".into(), 2_000),
        ("TIMER_DELIVER_MS", deliver_at, 3_000),
        ("TIMER_DELAY_SEC", "4".into(), 4_000),
        ("TIMER_DELAY_MS", "5000".into(), 5_000),
    ];
    for (i, (k, v, _)) in delays.iter().enumerate() {
        let body = format!("t{i}");
        let h = send_ok(&c, &addr, TOPIC, 1, &[(k, v.as_str())], body.as_bytes()).await;
        // The answer keeps the asked queue; the record went to the timer topic.
        assert_eq!(h.queue_id, 1);
    }
    wait_dispatched(&broker, TIMER_TOPIC, 0, 5).await;
    let store = broker.controller().message_store().clone();
    assert_eq!(
        store.get_max_offset_in_queue(TOPIC, 1),
        0,
        "parked, not delivered"
    );
    // Due already: stored at once, as Java does.
    send_ok(&c, &addr, TOPIC, 2, &[("TIMER_DELIVER_MS", "1000")], b"now").await;
    assert_eq!(
        delivered(&broker, 2, 1).await[0].property("TIMER_OUT_MS"),
        None
    );

    let got = delivered(&broker, 1, 5).await;
    assert_eq!(got.len(), 5, "each timer message is delivered once");
    for m in &got {
        let i: usize = std::str::from_utf8(&m.body()[1..])
            .unwrap()
            .parse()
            .unwrap();
        let delay = delays[i].2;
        let out: i64 = m.property("TIMER_OUT_MS").unwrap().parse().unwrap();
        // Never early: not before the asked time, and not before its slot is over.
        assert!(m.store_timestamp >= before + delay, "message {i} early");
        assert!(m.store_timestamp >= out + PRECISION_MS, "message {i} early");
        // Within the precision plus one second after it.
        assert!(
            m.store_timestamp <= out + 2 * PRECISION_MS + 1_000,
            "message {i} late by {} ms",
            m.store_timestamp - out
        );
        assert_eq!((m.topic(), m.queue_id), (TOPIC, 1));
        assert_eq!(m.property("REAL_TOPIC"), Some(TOPIC));
        assert!(m.property("TIMER_ENQUEUE_MS").is_some());
        assert!(m.property("TIMER_DEQUEUE_MS").is_some());
    }
    // Too far ahead: Java's MESSAGE_ILLEGAL.
    let r = send(&c, &addr, TOPIC, 1, &[("TIMER_DELAY_SEC", "259201")], b"x").await;
    assert_eq!(r.code, rmq_remoting::ResponseCode::MESSAGE_ILLEGAL.0);
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_timers_survive_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let c = client();
    let addr = broker.broker_addr();
    for i in 0..5 {
        let delay = (2_000 + i * 300).to_string();
        let body = format!("c{i}");
        send_ok(
            &c,
            &addr,
            TOPIC,
            0,
            &[("TIMER_DELAY_MS", &delay)],
            body.as_bytes(),
        )
        .await;
    }
    let timer = broker.controller().timer_message_store().unwrap().clone();
    let enqueued = wait_for(Duration::from_secs(5), || {
        let t = timer.clone();
        async move { (t.enqueue_behind_messages() == 0).then_some(()) }
    })
    .await;
    assert!(enqueued.is_some(), "timer messages not enqueued");
    drop(timer);
    broker.shutdown().await;
    // A crash: the store recovers abnormally, the timer checkpoint is the one of a fresh
    // broker and the wheel's pages are lost, so only the timer log can bring the timers
    // back.
    std::fs::write(dir.path().join("abort"), "1").unwrap();
    std::fs::write(dir.path().join("config/timercheck"), vec![0u8; 4096]).unwrap();
    let wheel = dir.path().join("timerwheel");
    let len = std::fs::metadata(&wheel).unwrap().len() as usize;
    std::fs::write(&wheel, vec![0u8; len]).unwrap();

    let broker = start_broker(dir.path()).await;
    let got = delivered(&broker, 0, 5).await;
    let mut bodies: Vec<String> = got
        .iter()
        .map(|m| String::from_utf8_lossy(m.body()).into_owned())
        .collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(
        bodies,
        ["c0", "c1", "c2", "c3", "c4"],
        "a pending timer was lost"
    );
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_producer_sends_timer_messages() {
    let ns = start_namesrv().await;
    let ns_addr = ns.connect_addr();
    let dir = tempfile::tempdir().unwrap();
    let broker =
        rmq_broker::BrokerController::start(test_configs(dir.path(), Some(ns_addr.clone())))
            .await
            .unwrap();
    let producer = rmq_client::DefaultMQProducer::builder("timer_pg")
        .namesrv_addr(&ns_addr)
        .build();
    producer.start().await.unwrap();
    let before = current_millis();
    let mut msg = rmq_common::Message::new(TOPIC, b"from-rust".to_vec());
    msg.set_delay_time_ms(1_500);
    assert_eq!(msg.delay_time_ms(), 1_500);
    let sent = wait_for(Duration::from_secs(20), || {
        let (p, m) = (&producer, msg.clone());
        async move { p.send(m).await.ok() }
    })
    .await
    .expect("timer send");
    let got = delivered(&broker, sent.message_queue.queue_id, 1).await;
    assert_eq!(got[0].body(), b"from-rust");
    assert_eq!(got[0].property("TIMER_DELAY_MS"), Some("1500"));
    assert!(got[0].store_timestamp >= before + 1_500, "delivered early");
    producer.shutdown().await;
    broker.shutdown().await;
    ns.shutdown().await;
}
