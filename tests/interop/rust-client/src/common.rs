//! Shared helpers of the scenarios: deterministic messages, their checks, a receive log and
//! small admin helpers.

use anyhow::{anyhow, bail, Result};
use parking_lot::Mutex;
use rmq_client::{Message, MessageExt};
use rmq_tools::admin::DefaultMQAdminExt;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Non-ASCII user property name and value prefix carried by every message.
pub const PROP_NAME: &str = "名字";
/// The property that identifies a message: `<mode>-<i>`.
pub const PROP_SEQ: &str = "seq";

/// Builds the `i`-th message of `mode`: tags TagA/TagB, two keys, user properties (one
/// non-ASCII), every 250th body ~10 KiB so that it is compressed.
pub fn make_message(topic: &str, mode: &str, i: usize) -> Message {
    let tags = if i % 2 == 0 { "TagA" } else { "TagB" };
    let body = if i % 250 == 0 {
        format!("{mode}-{i}-").repeat(10_240 / (mode.len() + 8) + 1)
    } else {
        format!("body {mode} {i} ✓ äöü")
    };
    let mut m = Message::with_tags_keys(topic, tags, "", body.into_bytes());
    m.set_key_list([format!("key-{mode}-{i}"), format!("k2-{}", i % 7)]);
    let _ = m.put_user_property(PROP_SEQ, &format!("{mode}-{i}"));
    let _ = m.put_user_property(PROP_NAME, &format!("值-{i}-✓"));
    let _ = m.put_user_property("mode", mode);
    m
}

/// Checks that a received message is exactly [`make_message`]'s; returns `(mode, i)`.
pub fn check_message(m: &MessageExt) -> Result<(String, usize)> {
    let seq = m
        .property(PROP_SEQ)
        .ok_or_else(|| anyhow!("message {} has no seq property", m.msg_id))?;
    let (mode, i) = seq
        .rsplit_once('-')
        .ok_or_else(|| anyhow!("bad seq {seq}"))?;
    let i: usize = i.parse()?;
    let want = make_message(m.topic(), mode, i);
    if m.body() != &want.body[..] {
        bail!(
            "{seq}: body differs ({} vs {} bytes)",
            m.body().len(),
            want.body.len()
        );
    }
    for k in ["TAGS", "KEYS", PROP_SEQ, PROP_NAME, "mode"] {
        if m.property(k) != want.property(k) {
            bail!(
                "{seq}: property {k} is {:?}, want {:?}",
                m.property(k),
                want.property(k)
            );
        }
    }
    if m.message.uniq_key().is_none_or(|u| u.len() != 32) {
        bail!("{seq}: no 32-char UNIQ_KEY: {:?}", m.message.uniq_key());
    }
    Ok((mode.to_string(), i))
}

/// One delivery seen by a consumer.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub consumer: usize,
    pub queue_id: i32,
    pub reconsume_times: i32,
}

/// Deliveries by seq, plus errors found while checking.
type Deliveries = HashMap<String, Vec<Delivery>>;

#[derive(Default, Clone)]
pub struct ReceiveLog {
    inner: Arc<Mutex<(Deliveries, Vec<String>)>>,
}

impl ReceiveLog {
    /// Records and checks a delivery.
    pub fn record(&self, consumer: usize, m: &MessageExt) {
        let mut g = self.inner.lock();
        match check_message(m) {
            Ok((mode, i)) => {
                g.0.entry(format!("{mode}-{i}"))
                    .or_default()
                    .push(Delivery {
                        consumer,
                        queue_id: m.queue_id,
                        reconsume_times: m.reconsume_times,
                    });
            }
            Err(e) => {
                if g.1.len() < 20 {
                    g.1.push(e.to_string());
                }
            }
        }
    }

    /// Returns the number of distinct messages received.
    pub fn distinct(&self) -> usize {
        self.inner.lock().0.len()
    }

    /// Returns the total number of deliveries.
    pub fn total(&self) -> usize {
        self.inner.lock().0.values().map(Vec::len).sum()
    }

    /// Returns the deliveries of one seq.
    pub fn get(&self, seq: &str) -> Vec<Delivery> {
        self.inner.lock().0.get(seq).cloned().unwrap_or_default()
    }

    /// Returns the check errors.
    pub fn errors(&self) -> Vec<String> {
        self.inner.lock().1.clone()
    }

    /// Returns a copy of everything.
    pub fn snapshot(&self) -> HashMap<String, Vec<Delivery>> {
        self.inner.lock().0.clone()
    }

    /// Waits until `pred` holds or `timeout` passes; returns whether it held.
    pub async fn wait_for(&self, timeout: Duration, pred: impl Fn(&Self) -> bool) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if pred(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        pred(self)
    }
}

/// Creates `topic` with `queues` queues on every master of every cluster and waits until it
/// is routed; returns the cluster names.
pub async fn create_topic(
    admin: &DefaultMQAdminExt,
    topic: &str,
    queues: i32,
) -> Result<Vec<String>> {
    let ci = admin.examine_broker_cluster_info().await?;
    let clusters: Vec<String> = ci.cluster_addr_table.keys().cloned().collect();
    if clusters.is_empty() {
        bail!("no cluster registered on the name server");
    }
    for c in &clusters {
        admin.create_topic_in_cluster(c, topic, queues).await?;
    }
    Ok(clusters)
}

/// Starts an admin client.
pub async fn admin(namesrv: &str) -> Result<DefaultMQAdminExt> {
    let a = DefaultMQAdminExt::new(namesrv);
    a.start().await?;
    Ok(a)
}

/// Counts seqs by mode.
pub fn by_mode(log: &ReceiveLog) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for k in log.snapshot().keys() {
        if let Some((mode, _)) = k.rsplit_once('-') {
            *m.entry(mode.to_string()).or_default() += 1;
        }
    }
    m
}

/// A unique suffix for group and topic names.
pub fn unique() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        rmq_common::util_all::current_millis() % 1_000_000
    )
}
