//! The broker issue's scenarios, run with rmq-client.

use crate::common::*;
use crate::Common;
use anyhow::{anyhow, bail, ensure, Context, Result};
use futures::StreamExt;
use parking_lot::Mutex;
use rmq_client::consumer::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, ConsumeFromWhere, ConsumeOrderlyContext,
    ConsumeOrderlyStatus, DefaultLitePullConsumer, DefaultMQPushConsumer, MessageModel,
};
use rmq_client::producer::SelectMessageQueueByHash;
use rmq_client::{DefaultMQProducer, MessageExt, MessageQueue, SendStatus};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn topic_of(c: &Common, prefix: &str) -> String {
    c.topic
        .clone()
        .unwrap_or_else(|| format!("{prefix}_{}", unique()))
}

async fn producer(ns: &str, group: &str) -> Result<DefaultMQProducer> {
    let p = DefaultMQProducer::builder(group).namesrv_addr(ns).build();
    p.start().await?;
    Ok(p)
}

/// Starts a concurrent push consumer that records into `log` as consumer `idx`.
async fn recording_consumer(
    ns: &str,
    group: &str,
    topic: &str,
    expr: &str,
    idx: usize,
    log: &ReceiveLog,
    model: MessageModel,
) -> Result<DefaultMQPushConsumer> {
    let c = DefaultMQPushConsumer::builder(group)
        .namesrv_addr(ns)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .message_model(model)
        .build();
    c.subscribe(topic, expr)?;
    let log = log.clone();
    c.register_message_listener_concurrently(
        move |msgs: &[MessageExt], _ctx: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                log.record(idx, m);
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    c.start().await?;
    Ok(c)
}

/// Waits until the consumers own disjoint, non-empty queue sets covering `total` queues.
async fn wait_split(
    consumers: &[&DefaultMQPushConsumer],
    topic: &str,
    total: usize,
    timeout: Duration,
) -> Result<Vec<BTreeSet<MessageQueue>>> {
    let end = Instant::now() + timeout;
    loop {
        let sets: Vec<BTreeSet<MessageQueue>> = consumers
            .iter()
            .map(|c| {
                c.assigned_message_queues()
                    .into_iter()
                    .filter(|q| q.topic == topic)
                    .collect()
            })
            .collect();
        let union: BTreeSet<&MessageQueue> = sets.iter().flatten().collect();
        let sum: usize = sets.iter().map(BTreeSet::len).sum();
        if sets.iter().all(|s| !s.is_empty()) && union.len() == total && sum == total {
            return Ok(sets);
        }
        if Instant::now() > end {
            bail!(
                "queues not split between consumers after {:?}: {:?}",
                timeout,
                sets.iter().map(BTreeSet::len).collect::<Vec<_>>()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn rate(n: usize, d: Duration) -> String {
    format!(
        "{n} in {:.2}s ({:.0} msg/s)",
        d.as_secs_f64(),
        n as f64 / d.as_secs_f64().max(1e-6)
    )
}

pub async fn send_modes(c: &Common, count: usize) -> Result<()> {
    let topic = topic_of(c, "RustSendModes");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 8).await?;
    let group = format!("rust_send_modes_{}", unique());
    let log = ReceiveLog::default();
    let c1 = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        0,
        &log,
        MessageModel::Clustering,
    )
    .await?;
    let c2 = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        1,
        &log,
        MessageModel::Clustering,
    )
    .await?;
    let split = wait_split(&[&c1, &c2], &topic, 8, Duration::from_secs(60)).await?;
    println!(
        "queues split: consumer0 {:?}, consumer1 {:?}",
        split[0].iter().map(|q| q.queue_id).collect::<Vec<_>>(),
        split[1].iter().map(|q| q.queue_id).collect::<Vec<_>>()
    );
    let p = producer(&c.namesrv, &format!("rust_send_modes_p_{}", unique())).await?;

    // sync: `send` awaited, 32 in flight.
    let t = Instant::now();
    let results: Vec<_> = futures::stream::iter(0..count)
        .map(|i| {
            let p = p.clone();
            let m = make_message(&topic, "sync", i);
            async move { p.send(m).await }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let mut ids = HashSet::new();
    for r in &results {
        let r = r.as_ref().map_err(|e| anyhow!("sync send failed: {e}"))?;
        ensure!(
            r.send_status == SendStatus::SendOk,
            "status {}",
            r.send_status
        );
        ensure!(
            r.msg_id.len() == 32,
            "msgId {} is not a 32-char unique id",
            r.msg_id
        );
        ids.insert(r.msg_id.clone());
    }
    ensure!(
        ids.len() == count,
        "unique ids repeated: {} distinct of {count}",
        ids.len()
    );
    println!("sync:   {}", rate(count, t.elapsed()));

    // async: callbacks, up to 1000 in flight.
    let t = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let permits = Arc::new(tokio::sync::Semaphore::new(1000));
    for i in 0..count {
        let permit = permits.clone().acquire_owned().await?;
        let tx = tx.clone();
        p.send_with_callback(make_message(&topic, "async", i), move |r| {
            drop(permit);
            let _ = tx.send(r.map(|_| ()).map_err(|e| e.to_string()));
        });
    }
    drop(tx);
    let mut async_ok = 0;
    while let Some(r) = rx.recv().await {
        r.map_err(|e| anyhow!("async send failed: {e}"))?;
        async_ok += 1;
    }
    ensure!(async_ok == count, "async callbacks: {async_ok} of {count}");
    println!("async:  {}", rate(count, t.elapsed()));

    // oneway.
    let t = Instant::now();
    let results: Vec<_> = futures::stream::iter(0..count)
        .map(|i| {
            let p = p.clone();
            let m = make_message(&topic, "oneway", i);
            async move { p.send_oneway(m).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    for r in results {
        r.map_err(|e| anyhow!("oneway send failed: {e}"))?;
    }
    println!("oneway: {}", rate(count, t.elapsed()));

    // batch of 50.
    let t = Instant::now();
    let batches: Vec<Vec<_>> = (0..count)
        .collect::<Vec<_>>()
        .chunks(50)
        .map(|ch| {
            ch.iter()
                .map(|&i| make_message(&topic, "batch", i))
                .collect()
        })
        .collect();
    let results: Vec<_> = futures::stream::iter(batches)
        .map(|b| {
            let p = p.clone();
            let n = b.len();
            async move { p.send_batch(b).await.map(|r| (n, r)) }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for r in results {
        let (n, r) = r.map_err(|e| anyhow!("batch send failed: {e}"))?;
        ensure!(
            r.msg_id.split(',').count() == n,
            "batch msgId lists {} ids for {n}",
            r.msg_id.split(',').count()
        );
    }
    println!("batch:  {}", rate(count, t.elapsed()));

    let want = 4 * count;
    let t = Instant::now();
    let done = log
        .wait_for(Duration::from_secs(c.timeout_s), |l| l.distinct() >= want)
        .await;
    println!(
        "received {} distinct ({} deliveries) of {want}, by mode {:?}, waited {:.1}s after the last send",
        log.distinct(),
        log.total(),
        by_mode(&log),
        t.elapsed().as_secs_f64()
    );
    ensure!(
        log.errors().is_empty(),
        "content errors: {:?}",
        log.errors()
    );
    ensure!(done, "not every message arrived");
    // The queues stayed split: each queue was consumed by one consumer only.
    let mut per_queue: BTreeMap<i32, BTreeSet<usize>> = BTreeMap::new();
    let mut per_consumer = [0usize; 2];
    for ds in log.snapshot().values() {
        for d in ds {
            per_queue.entry(d.queue_id).or_default().insert(d.consumer);
            per_consumer[d.consumer] += 1;
        }
    }
    println!("deliveries per consumer {per_consumer:?}; consumers per queue {per_queue:?}");
    ensure!(
        per_consumer.iter().all(|&n| n > 0),
        "one consumer got nothing"
    );
    ensure!(
        per_queue.values().all(|s| s.len() == 1),
        "a queue was consumed by both consumers"
    );
    c1.shutdown().await;
    c2.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn tag_filter(c: &Common) -> Result<()> {
    let topic = topic_of(c, "RustTagFilter");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let group = format!("rust_tag_filter_{}", unique());
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let consumer = DefaultMQPushConsumer::builder(&group)
        .namesrv_addr(&c.namesrv)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe(&topic, "TagA || TagB")?;
    let g2 = got.clone();
    consumer.register_message_listener_concurrently(
        move |msgs: &[MessageExt], _: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                g2.lock().push(m.tags().unwrap_or_default().to_string());
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    consumer.start().await?;
    let p = producer(&c.namesrv, &format!("rust_tag_p_{}", unique())).await?;
    let n = 300;
    for i in 0..n {
        let mut m = make_message(&topic, "tag", i);
        m.set_tags(["TagA", "TagB", "TagC"][i % 3]);
        p.send(m).await?;
    }
    let want = 2 * n / 3;
    let end = Instant::now() + Duration::from_secs(c.timeout_s);
    while got.lock().len() < want && Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Anything else would arrive with or right after these.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let tags = got.lock().clone();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for t in &tags {
        *counts.entry(t.clone()).or_default() += 1;
    }
    println!("sent {n} (TagA/TagB/TagC equally), received {counts:?}");
    ensure!(!counts.contains_key("TagC"), "TagC was delivered");
    ensure!(
        counts.get("TagA").copied().unwrap_or(0) >= n / 3,
        "TagA missing"
    );
    ensure!(
        counts.get("TagB").copied().unwrap_or(0) >= n / 3,
        "TagB missing"
    );
    consumer.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

async fn poll_until(
    consumer: &DefaultLitePullConsumer,
    n: usize,
    timeout: Duration,
) -> Result<Vec<MessageExt>> {
    let end = Instant::now() + timeout;
    let mut out = Vec::new();
    while out.len() < n && Instant::now() < end {
        out.extend(consumer.poll_with_timeout(1000).await?);
    }
    Ok(out)
}

pub async fn lite_pull(c: &Common) -> Result<()> {
    let topic = topic_of(c, "RustLitePull");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let p = producer(&c.namesrv, &format!("rust_lite_p_{}", unique())).await?;
    let mqs = p.fetch_publish_message_queues(&topic).await?;
    let mq = mqs.first().cloned().ok_or_else(|| anyhow!("no queue"))?;
    for i in 0..100 {
        p.send_to_queue(make_message(&topic, "lite", i), &mq)
            .await?;
    }
    let group = format!("rust_lite_{}", unique());
    let lite = DefaultLitePullConsumer::builder(&group)
        .namesrv_addr(&c.namesrv)
        .auto_commit(false)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    lite.assign(BTreeSet::from([mq.clone()]))?;
    lite.start().await?;
    let msgs = poll_until(&lite, 100, Duration::from_secs(30)).await?;
    let offsets: Vec<i64> = msgs.iter().map(|m| m.queue_offset).collect();
    ensure!(
        offsets == (0..100).collect::<Vec<_>>(),
        "assign+poll offsets: {:?}",
        &offsets[..offsets.len().min(10)]
    );
    for m in &msgs {
        check_message(m)?;
    }
    println!("assign {mq}: polled offsets 0..99 in order");
    lite.seek(&mq, 50).await?;
    let msgs = poll_until(&lite, 50, Duration::from_secs(30)).await?;
    ensure!(
        msgs.first().map(|m| m.queue_offset) == Some(50),
        "after seek(50) first offset {:?}",
        msgs.first().map(|m| m.queue_offset)
    );
    ensure!(
        msgs.len() == 50,
        "after seek(50) got {} messages",
        msgs.len()
    );
    println!("seek(50): polled offsets 50..99");
    lite.commit(&HashMap::from([(mq.clone(), 100)]), true)
        .await?;
    let committed = lite.committed(&mq).await?;
    ensure!(committed == 100, "committed offset {committed}, want 100");
    println!("commit(100): the broker returns committed offset {committed}");
    lite.seek_to_begin(&mq).await?;
    let mut stream = Box::pin(lite.stream());
    let mut first5 = Vec::new();
    while first5.len() < 5 {
        match tokio::time::timeout(Duration::from_secs(30), stream.next()).await {
            Ok(Some(m)) => first5.push(m?.queue_offset),
            _ => bail!("stream ended early"),
        }
    }
    ensure!(
        first5 == vec![0, 1, 2, 3, 4],
        "stream after seekToBegin: {first5:?}"
    );
    println!("seekToBegin + Stream: offsets {first5:?}");
    drop(stream);
    lite.shutdown().await;
    // A new consumer of the group resumes from the committed offset.
    for i in 100..110 {
        p.send_to_queue(make_message(&topic, "lite", i), &mq)
            .await?;
    }
    let lite2 = DefaultLitePullConsumer::builder(&group)
        .namesrv_addr(&c.namesrv)
        .build();
    lite2.assign(BTreeSet::from([mq.clone()]))?;
    lite2.start().await?;
    let msgs = poll_until(&lite2, 10, Duration::from_secs(30)).await?;
    ensure!(
        msgs.first().map(|m| m.queue_offset) == Some(100),
        "restarted consumer starts at {:?}",
        msgs.first().map(|m| m.queue_offset)
    );
    println!(
        "new consumer of the group resumed at offset 100 ({} messages)",
        msgs.len()
    );
    lite2.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn orderly(c: &Common, orders: usize, steps: usize) -> Result<()> {
    let topic = topic_of(c, "RustOrderly");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 8).await?;
    let group = format!("rust_orderly_{}", unique());
    // (consumer, order, step, queue)
    type Seen = Vec<(usize, usize, usize, i32)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let mut consumers = Vec::new();
    for idx in 0..2 {
        let cons = DefaultMQPushConsumer::builder(&group)
            .namesrv_addr(&c.namesrv)
            .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
            .build();
        cons.subscribe(&topic, "*")?;
        let s = seen.clone();
        cons.register_message_listener_orderly(
            move |msgs: &[MessageExt], _: &mut ConsumeOrderlyContext| {
                for m in msgs {
                    let o = m
                        .property("order")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(usize::MAX);
                    let st = m
                        .property("step")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(usize::MAX);
                    s.lock().push((idx, o, st, m.queue_id));
                }
                ConsumeOrderlyStatus::Success
            },
        );
        cons.start().await?;
        consumers.push(cons);
    }
    wait_split(
        &consumers.iter().collect::<Vec<_>>(),
        &topic,
        8,
        Duration::from_secs(60),
    )
    .await?;
    let p = producer(&c.namesrv, &format!("rust_orderly_p_{}", unique())).await?;
    let t = Instant::now();
    for s in 0..steps {
        for o in 0..orders {
            let mut m = make_message(&topic, "orderly", o * steps + s);
            let _ = m.put_user_property("order", &o.to_string());
            let _ = m.put_user_property("step", &s.to_string());
            p.send_with_selector(m, &SelectMessageQueueByHash, format!("order-{o}").as_str())
                .await?;
        }
    }
    println!(
        "sent {} ordered messages ({orders} orders x {steps} steps) in {:.2}s",
        orders * steps,
        t.elapsed().as_secs_f64()
    );
    let want = orders * steps;
    let end = Instant::now() + Duration::from_secs(c.timeout_s);
    loop {
        let distinct: HashSet<(usize, usize)> =
            seen.lock().iter().map(|&(_, o, s, _)| (o, s)).collect();
        if distinct.len() >= want || Instant::now() > end {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = seen.lock().clone();
    let mut firsts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut seen_pairs = HashSet::new();
    let mut queues: BTreeMap<usize, BTreeSet<i32>> = BTreeMap::new();
    let mut per_consumer = [0usize; 2];
    for &(cidx, o, s, q) in &log {
        per_consumer[cidx] += 1;
        queues.entry(o).or_default().insert(q);
        if seen_pairs.insert((o, s)) {
            firsts.entry(o).or_default().push(s);
        }
    }
    println!(
        "received {} deliveries, {} distinct; per consumer {per_consumer:?}",
        log.len(),
        seen_pairs.len()
    );
    ensure!(
        seen_pairs.len() == want,
        "missing messages: {} of {want}",
        seen_pairs.len()
    );
    for (o, st) in &firsts {
        ensure!(
            *st == (0..steps).collect::<Vec<_>>(),
            "order {o} arrived out of order: {:?}",
            &st[..st.len().min(20)]
        );
        ensure!(
            queues[o].len() == 1,
            "order {o} spread over queues {:?}",
            queues[o]
        );
    }
    ensure!(
        per_consumer.iter().all(|&n| n > 0),
        "one consumer got nothing"
    );
    println!("every order arrived in step order on one queue");
    for cons in &consumers {
        cons.shutdown().await;
    }
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn retry_dlq(c: &Common, max_reconsume_times: i32) -> Result<()> {
    let topic = topic_of(c, "RustRetry");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let group = format!("rust_retry_{}", unique());
    let log = ReceiveLog::default();
    let consumer = DefaultMQPushConsumer::builder(&group)
        .namesrv_addr(&c.namesrv)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .max_reconsume_times(max_reconsume_times)
        .build();
    consumer.subscribe(&topic, "*")?;
    let l2 = log.clone();
    consumer.register_message_listener_concurrently(
        move |msgs: &[MessageExt], ctx: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                l2.record(0, m);
            }
            // Retry after delay level 1 (1 s) instead of the default 10 s, 30 s, ...
            ctx.delay_level_when_next_consume = 1;
            ConsumeConcurrentlyStatus::ReconsumeLater
        },
    );
    consumer.start().await?;
    let p = producer(&c.namesrv, &format!("rust_retry_p_{}", unique())).await?;
    let n = 5;
    let t0 = Instant::now();
    for i in 0..n {
        p.send(make_message(&topic, "retry", i)).await?;
    }
    let attempts = (max_reconsume_times + 1) as usize;
    let ok = log
        .wait_for(Duration::from_secs(c.timeout_s), |l| {
            (0..n).all(|i| l.get(&format!("retry-{i}")).len() >= attempts)
        })
        .await;
    for i in 0..n {
        let ds = log.get(&format!("retry-{i}"));
        let times: Vec<i32> = ds.iter().map(|d| d.reconsume_times).collect();
        println!(
            "retry-{i}: delivered {} times, reconsumeTimes {:?}",
            ds.len(),
            times
        );
    }
    ensure!(
        log.errors().is_empty(),
        "content errors: {:?}",
        log.errors()
    );
    ensure!(
        ok,
        "messages did not come back {attempts} times through %RETRY%"
    );
    println!(
        "all {n} messages came back through %RETRY%{group} {max_reconsume_times} times in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    // Past maxReconsumeTimes: %DLQ%<group>.
    let dlq = rmq_common::mix_all::get_dlq_topic(&group);
    let end = Instant::now() + Duration::from_secs(60);
    let mut found = HashSet::new();
    while found.len() < n && Instant::now() < end {
        for i in 0..n {
            if found.contains(&i) {
                continue;
            }
            if let Ok(ms) = admin
                .query_message(&dlq, &format!("key-retry-{i}"), 32, 0, i64::MAX)
                .await
            {
                if let Some(m) = ms.first() {
                    check_message(m).context("DLQ message content")?;
                    found.insert(i);
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    ensure!(
        found.len() == n,
        "only {} of {n} messages found in {dlq}",
        found.len()
    );
    // No further deliveries after the DLQ.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let extra: Vec<usize> = (0..n)
        .map(|i| log.get(&format!("retry-{i}")).len())
        .collect();
    ensure!(
        extra.iter().all(|&d| d == attempts),
        "deliveries after DLQ: {extra:?}"
    );
    println!("all {n} messages are in {dlq} (query by key), none delivered again");
    consumer.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn delay(c: &Common) -> Result<()> {
    let topic = topic_of(c, "RustDelay");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let group = format!("rust_delay_{}", unique());
    let got: Arc<Mutex<Vec<(String, i64, i64)>>> = Arc::default();
    let consumer = DefaultMQPushConsumer::builder(&group)
        .namesrv_addr(&c.namesrv)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe(&topic, "*")?;
    let g2 = got.clone();
    consumer.register_message_listener_concurrently(
        move |msgs: &[MessageExt], _: &mut ConsumeConcurrentlyContext| {
            let now = rmq_common::util_all::current_millis();
            for m in msgs {
                g2.lock().push((
                    m.property(PROP_SEQ).unwrap_or_default().to_string(),
                    m.born_timestamp,
                    now,
                ));
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    consumer.start().await?;
    let p = producer(&c.namesrv, &format!("rust_delay_p_{}", unique())).await?;
    let mut sent_at = HashMap::new();
    for i in 0..3 {
        let mut m = make_message(&topic, "delay", i);
        m.set_delay_time_level(2);
        p.send(m).await?;
        sent_at.insert(format!("delay-{i}"), rmq_common::util_all::current_millis());
    }
    let end = Instant::now() + Duration::from_secs(60);
    while got.lock().len() < 3 && Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = got.lock().clone();
    ensure!(
        got.len() >= 3,
        "only {} of 3 delayed messages arrived",
        got.len()
    );
    for (seq, born, recv) in &got {
        let after_send = recv - sent_at.get(seq).copied().unwrap_or(*recv);
        println!(
            "{seq}: received {} ms after born, {after_send} ms after send returned",
            recv - born
        );
        ensure!(
            recv - born >= 5000,
            "{seq} arrived {} ms after it was born",
            recv - born
        );
    }
    consumer.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn broadcast(c: &Common) -> Result<()> {
    let topic = topic_of(c, "RustBroadcast");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let group = format!("rust_broadcast_{}", unique());
    let logs = [ReceiveLog::default(), ReceiveLog::default()];
    let c1 = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        0,
        &logs[0],
        MessageModel::Broadcasting,
    )
    .await?;
    let c2 = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        1,
        &logs[1],
        MessageModel::Broadcasting,
    )
    .await?;
    let p = producer(&c.namesrv, &format!("rust_broadcast_p_{}", unique())).await?;
    let n = 200;
    for i in 0..n {
        p.send(make_message(&topic, "bc", i)).await?;
    }
    for (i, l) in logs.iter().enumerate() {
        let ok = l
            .wait_for(Duration::from_secs(c.timeout_s), |l| l.distinct() >= n)
            .await;
        ensure!(l.errors().is_empty(), "content errors: {:?}", l.errors());
        ensure!(ok, "consumer {i} got {} of {n}", l.distinct());
    }
    println!("both broadcasting consumers received all {n} messages");
    let ids = [c1.client_id(), c2.client_id()];
    c1.shutdown().await;
    c2.shutdown().await;
    let dir = rmq_client::consumer::store::local_file_offset_store::local_offset_store_dir();
    for id in ids.iter().flatten() {
        let path = dir.join(id).join(&group).join("offsets.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        ensure!(
            text.contains("offsetTable"),
            "bad offsets file {}",
            path.display()
        );
        println!("local offsets written to {}", path.display());
    }
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn admin_api(c: &Common) -> Result<()> {
    let topic = topic_of(c, "RustAdmin");
    let admin = admin(&c.namesrv).await?;
    let clusters = create_topic(&admin, &topic, 8).await?;
    let ci = admin.examine_broker_cluster_info().await?;
    println!(
        "clusters {clusters:?}, brokers {:?}",
        ci.broker_addr_table.keys().collect::<Vec<_>>()
    );
    let list = admin.fetch_all_topic_list().await?;
    ensure!(list.topic_list.contains(&topic), "topic list lacks {topic}");
    let route = admin.examine_topic_route_info(&topic).await?;
    let qn: i32 = route.queue_datas.iter().map(|q| q.write_queue_nums).sum();
    ensure!(
        qn == 8 * ci.broker_addr_table.len() as i32,
        "route has {qn} write queues"
    );
    let pgroup = format!("rust_admin_p_{}", unique());
    let p = producer(&c.namesrv, &pgroup).await?;
    let mut sent = Vec::new();
    for i in 0..20 {
        sent.push(p.send(make_message(&topic, "admin", i)).await?);
    }
    // The consume queues are built asynchronously (ReputMessageService): wait a little.
    let end = Instant::now() + Duration::from_secs(10);
    let (total, per_queue) = loop {
        let mut per_queue = Vec::new();
        for bd in &route.broker_datas {
            for q in 0..8 {
                let mq = MessageQueue::new(&topic, &bd.broker_name, q);
                per_queue.push(admin.max_offset(&mq).await?);
            }
        }
        let total: i64 = per_queue.iter().sum();
        if total >= 20 || Instant::now() > end {
            break (total, per_queue);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let sent_per_queue: BTreeMap<i32, usize> = sent.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.message_queue.queue_id).or_default() += 1;
        m
    });
    ensure!(
        total == 20,
        "max offsets {per_queue:?} sum to {total}, want 20 (sent per queue {sent_per_queue:?})"
    );
    let r = &sent[3];
    let by_id = admin.view_message(&r.offset_msg_id).await?;
    ensure!(
        check_message(&by_id)?.1 == 3,
        "viewMessage(offsetMsgId) returned another message"
    );
    let by_offset = admin
        .query_message_by_offset(&r.message_queue, r.queue_offset)
        .await?;
    ensure!(
        check_message(&by_offset)?.1 == 3,
        "queryMsgByOffset returned another message"
    );
    let end = Instant::now() + Duration::from_secs(30);
    let (by_key, by_uniq) = loop {
        let k = admin
            .query_message(&topic, "key-admin-3", 32, 0, i64::MAX)
            .await
            .unwrap_or_default();
        let u = admin
            .query_message_by_uniq_key(&topic, &r.msg_id)
            .await
            .ok();
        if (!k.is_empty() && u.is_some()) || Instant::now() > end {
            break (k, u);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    ensure!(
        by_key.len() == 1 && check_message(&by_key[0])?.1 == 3,
        "query by key found {}",
        by_key.len()
    );
    let by_uniq = by_uniq.ok_or_else(|| anyhow!("query by unique key found nothing"))?;
    ensure!(
        by_uniq.client_msg_id() == r.msg_id,
        "query by unique key returned another message"
    );
    println!("message 3 found by offset id, queue offset, key and unique key");
    // A consumer answers GET_CONSUMER_RUNNING_INFO and CONSUME_MESSAGE_DIRECTLY.
    let group = format!("rust_admin_c_{}", unique());
    let log = ReceiveLog::default();
    let cons = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        0,
        &log,
        MessageModel::Clustering,
    )
    .await?;
    log.wait_for(Duration::from_secs(60), |l| l.distinct() >= 20)
        .await;
    let client_id = cons.client_id().ok_or_else(|| anyhow!("no client id"))?;
    let info = admin
        .get_consumer_running_info(&group, &client_id, false)
        .await?;
    ensure!(
        info.subscription_set.iter().any(|s| s.topic == topic),
        "running info lacks the subscription"
    );
    println!(
        "consumerRunningInfo of {client_id}: {} queues, properties {:?}",
        info.mq_table.len(),
        info.properties.get("PROP_CONSUME_TYPE")
    );
    let direct = admin
        .consume_message_directly(&group, &client_id, &topic, &r.offset_msg_id)
        .await?;
    println!("consumeMessageDirectly: {:?}", direct.consume_result);
    ensure!(
        direct.consume_result.map(|r| r.as_str()) == Some("CR_SUCCESS"),
        "consumeMessageDirectly: {direct:?}"
    );
    let ts = admin.examine_topic_stats(&topic).await?;
    let total: i64 = ts
        .offset_table
        .values()
        .map(|o| o.max_offset - o.min_offset)
        .sum();
    ensure!(total == 20, "topic stats count {total} messages, want 20");
    let cc = admin.examine_consumer_connection_info(&group).await?;
    ensure!(
        cc.connection_set.iter().any(|c| c.client_id == client_id),
        "consumer connection lacks {client_id}"
    );
    println!(
        "topicStats: {} queues, 20 messages; consumerConnection: {} client(s), language {:?}",
        ts.offset_table.len(),
        cc.connection_set.len(),
        cc.connection_set
            .iter()
            .map(|c| c.language.clone())
            .collect::<Vec<_>>()
    );
    // Brokers learn about a producer from its heartbeats (every 30 s, the first 1 s after start).
    let end = Instant::now() + Duration::from_secs(10);
    let pc = loop {
        match admin
            .examine_producer_connection_info(&pgroup, &topic)
            .await
        {
            Ok(pc) if !pc.connection_set.is_empty() => break pc,
            r if Instant::now() > end => bail!("producer connection: {:?}", r.err()),
            _ => tokio::time::sleep(Duration::from_millis(300)).await,
        }
    };
    // Java 5.3.3's ConsumerManager files the topic (not the group) in its topic-group table,
    // so a Java broker only reports the group once the consumer's first offset commit (5 s
    // after start) put it in the offset table.
    let end = Instant::now() + Duration::from_secs(20);
    let who = loop {
        let who = admin
            .query_topic_consume_by_who(&topic)
            .await?
            .unwrap_or_default();
        if who.group_list.contains(&group) || Instant::now() > end {
            break who;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    ensure!(
        who.group_list.contains(&group),
        "queryTopicConsumeByWho lacks {group}: {:?}",
        who.group_list
    );
    let end = Instant::now() + Duration::from_secs(20);
    let diff = loop {
        // Java's examineConsumeStats fails while the broker has no offset of the group yet.
        let cs = match admin
            .examine_consume_stats(None, &group, Some(&topic))
            .await
        {
            Ok(cs) => cs,
            Err(_) if Instant::now() <= end => {
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let d = cs.compute_total_diff();
        if (d == 0 && !cs.offset_table.is_empty()) || Instant::now() > end {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    ensure!(
        diff == 0,
        "consume stats diff {diff} after consuming everything"
    );
    println!(
        "producerConnection: {} client(s); consumeByWho has the group; consumeStats diff 0",
        pc.connection_set.len()
    );
    for bd in &route.broker_datas {
        if let Some(addr) = bd.master_addr() {
            let stats = admin.fetch_broker_runtime_stats(addr).await?;
            ensure!(!stats.table.is_empty(), "empty runtime stats");
            println!(
                "broker {} runtime stats: {} entries, msgPutTotalTodayNow={:?}",
                bd.broker_name,
                stats.table.len(),
                stats.table.get("msgPutTotalTodayNow")
            );
        }
    }
    cons.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn soak(
    c: &Common,
    duration_s: u64,
    rate: u64,
    drain_timeout_s: u64,
    ready_file: Option<String>,
) -> Result<()> {
    let topic = topic_of(c, "RustSoak");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 8).await?;
    let group = format!("rust_soak_{}", unique());
    let log = ReceiveLog::default();
    let c1 = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        0,
        &log,
        MessageModel::Clustering,
    )
    .await?;
    let c2 = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        1,
        &log,
        MessageModel::Clustering,
    )
    .await?;
    wait_split(&[&c1, &c2], &topic, 8, Duration::from_secs(60)).await?;
    let p = DefaultMQProducer::builder(format!("rust_soak_p_{}", unique()))
        .namesrv_addr(&c.namesrv)
        .send_latency_fault_enable(true)
        .build();
    p.start().await?;
    if let Some(f) = &ready_file {
        std::fs::write(f, b"producing\n")?;
    }
    let ok_ids: Arc<Mutex<Vec<String>>> = Arc::default();
    let failed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let interval = Duration::from_micros(1_000_000 / rate.max(1));
    let mut i = 0usize;
    let mut last_report = Instant::now();
    let mut tasks = Vec::new();
    let inflight = Arc::new(tokio::sync::Semaphore::new(64));
    while start.elapsed() < Duration::from_secs(duration_s) {
        let permit = inflight.clone().acquire_owned().await?;
        let (p2, ok2, f2) = (p.clone(), ok_ids.clone(), failed.clone());
        let m = make_message(&topic, "soak", i);
        tasks.push(tokio::spawn(async move {
            match p2.send(m).await {
                Ok(_) => ok2.lock().push(format!("soak-{i}")),
                Err(_) => {
                    f2.fetch_add(1, Ordering::Relaxed);
                }
            }
            drop(permit);
        }));
        i += 1;
        if last_report.elapsed() > Duration::from_secs(5) {
            println!(
                "t={:>3}s sent_ok={} send_failed={} received={}",
                start.elapsed().as_secs(),
                ok_ids.lock().len(),
                failed.load(Ordering::Relaxed),
                log.distinct()
            );
            last_report = Instant::now();
        }
        tokio::time::sleep(interval).await;
    }
    for t in tasks {
        let _ = t.await;
    }
    let ok: Vec<String> = ok_ids.lock().clone();
    println!(
        "produced for {duration_s}s: sent_ok={} send_failed={}",
        ok.len(),
        failed.load(Ordering::Relaxed)
    );
    let t = Instant::now();
    let all = log
        .wait_for(Duration::from_secs(drain_timeout_s), |l| {
            let snap = l.snapshot();
            ok.iter().all(|s| snap.contains_key(s))
        })
        .await;
    let snap = log.snapshot();
    let lost: Vec<&String> = ok.iter().filter(|s| !snap.contains_key(*s)).collect();
    let dups = log.total() - log.distinct();
    println!(
        "after {:.1}s drain: received {} distinct, {} duplicate deliveries, lost {} of {} successfully sent",
        t.elapsed().as_secs_f64(),
        log.distinct(),
        dups,
        lost.len(),
        ok.len()
    );
    ensure!(
        log.errors().is_empty(),
        "content errors: {:?}",
        log.errors()
    );
    ensure!(
        all && lost.is_empty(),
        "lost messages, e.g. {:?}",
        &lost[..lost.len().min(10)]
    );
    ensure!(!ok.is_empty(), "nothing was sent successfully");
    c1.shutdown().await;
    c2.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn wait_broker(c: &Common) -> Result<()> {
    let end = Instant::now() + Duration::from_secs(c.timeout_s);
    for ns in c.namesrv.split(';').filter(|s| !s.trim().is_empty()) {
        let a = admin(ns).await?;
        loop {
            match a
                .examine_topic_route_info(rmq_common::mix_all::AUTO_CREATE_TOPIC_KEY_TOPIC)
                .await
            {
                Ok(r) if !r.broker_datas.is_empty() => break,
                _ if Instant::now() > end => bail!("name server {ns} routes no broker"),
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        a.shutdown().await;
        println!("name server {ns} routes TBW102");
    }
    Ok(())
}

struct TxListener {
    checks: AtomicUsize,
}

#[async_trait::async_trait]
impl rmq_client::TransactionListener for TxListener {
    async fn execute_local_transaction(
        &self,
        msg: &rmq_client::Message,
        _arg: Option<&(dyn std::any::Any + Send + Sync)>,
    ) -> rmq_client::LocalTransactionState {
        match msg.property("tx") {
            Some("commit") => rmq_client::LocalTransactionState::CommitMessage,
            Some("rollback") => rmq_client::LocalTransactionState::RollbackMessage,
            _ => rmq_client::LocalTransactionState::Unknow,
        }
    }

    async fn check_local_transaction(&self, msg: &MessageExt) -> rmq_client::LocalTransactionState {
        self.checks.fetch_add(1, Ordering::Relaxed);
        if msg.property("tx") == Some("unknown") {
            rmq_client::LocalTransactionState::CommitMessage
        } else {
            rmq_client::LocalTransactionState::RollbackMessage
        }
    }
}

pub async fn transaction(c: &Common) -> Result<()> {
    let topic = topic_of(c, "RustTx");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let log = ReceiveLog::default();
    let group = format!("rust_tx_c_{}", unique());
    let cons = recording_consumer(
        &c.namesrv,
        &group,
        &topic,
        "*",
        0,
        &log,
        MessageModel::Clustering,
    )
    .await?;
    let listener = Arc::new(TxListener {
        checks: AtomicUsize::new(0),
    });
    let p = rmq_client::TransactionMQProducer::new(
        DefaultMQProducer::builder(format!("rust_tx_p_{}", unique())).namesrv_addr(&c.namesrv),
        listener.clone(),
    );
    p.start().await?;
    let mut states = BTreeMap::new();
    for (i, kind) in ["commit", "rollback", "unknown"]
        .iter()
        .cycle()
        .take(15)
        .enumerate()
    {
        let mut m = make_message(&topic, kind, i);
        let _ = m.put_user_property("tx", kind);
        let r = p.send_message_in_transaction(m, None).await?;
        *states
            .entry(r.local_transaction_state.as_str())
            .or_insert(0) += 1;
    }
    println!("half messages sent, local states {states:?}");
    let ok = log
        .wait_for(Duration::from_secs(c.timeout_s), |l| {
            by_mode(l).get("commit") == Some(&5) && by_mode(l).get("unknown") == Some(&5)
        })
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let modes = by_mode(&log);
    println!(
        "delivered {modes:?}; broker checks answered: {}",
        listener.checks.load(Ordering::Relaxed)
    );
    ensure!(
        log.errors().is_empty(),
        "content errors: {:?}",
        log.errors()
    );
    ensure!(ok, "committed or checked messages missing: {modes:?}");
    ensure!(
        !modes.contains_key("rollback"),
        "a rolled back message was delivered"
    );
    ensure!(
        listener.checks.load(Ordering::Relaxed) >= 5,
        "the broker did not check the UNKNOW ones"
    );
    cons.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn sql_filter(c: &Common) -> Result<()> {
    let topic = topic_of(c, "RustSqlFilter");
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let group = format!("rust_sql_filter_{}", unique());
    let got: Arc<Mutex<Vec<i64>>> = Arc::default();
    let consumer = DefaultMQPushConsumer::builder(&group)
        .namesrv_addr(&c.namesrv)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe_with_selector(
        &topic,
        &rmq_client::consumer::MessageSelector::by_sql("a BETWEEN 10 AND 19 AND TAGS = 'TagA'"),
    )?;
    let g2 = got.clone();
    consumer.register_message_listener_concurrently(
        move |msgs: &[MessageExt], _: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                g2.lock()
                    .push(m.property("a").and_then(|v| v.parse().ok()).unwrap_or(-1));
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    consumer.start().await?;
    let p = producer(&c.namesrv, &format!("rust_sql_p_{}", unique())).await?;
    for i in 0..40 {
        let mut m = make_message(&topic, "sql", i);
        let _ = m.put_user_property("a", &i.to_string());
        p.send(m).await?;
    }
    // a in 10..=19 and an even i (TagA): 10, 12, 14, 16, 18.
    let want: Vec<i64> = vec![10, 12, 14, 16, 18];
    let end = Instant::now() + Duration::from_secs(c.timeout_s);
    while got.lock().len() < want.len() && Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut got = got.lock().clone();
    got.sort_unstable();
    got.dedup();
    println!("sent a = 0..39 (TagA for even a); SQL92 `a BETWEEN 10 AND 19 AND TAGS = 'TagA'` delivered {got:?}");
    ensure!(got == want, "SQL92 filter delivered {got:?}, want {want:?}");
    consumer.shutdown().await;
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}
