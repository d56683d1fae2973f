//! Cross-language checks: what rmq-client sends, a Java consumer must receive identically, and
//! what a Java producer sends, rmq-client must receive identically. Both sides write and read
//! one JSON object per line: `{"uniqKey","topic","tags","keys","props":{..},"bodyHex"}`.

use crate::common::{admin, create_topic, unique, PROP_NAME};
use crate::Common;
use anyhow::{anyhow, ensure, Result};
use parking_lot::Mutex;
use rmq_client::consumer::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};
use rmq_client::{DefaultMQProducer, Message, MessageExt};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The message Rust sends for cross-language checks.
fn rust_message(topic: &str, i: usize) -> Message {
    let body = if i % 250 == 0 {
        format!("rust-{i}-压缩-").repeat(700)
    } else {
        format!("rust body {i} ✓ äöü 中文")
    };
    let mut m = Message::with_tags_keys(
        topic,
        if i % 2 == 0 { "TagA" } else { "TagB" },
        "",
        body.into_bytes(),
    );
    m.set_key_list([format!("rkey-{i}"), format!("rk2-{}", i % 5)]);
    let _ = m.put_user_property("seq", &format!("rust-{i}"));
    let _ = m.put_user_property(PROP_NAME, &format!("值-{i}-✓"));
    let _ = m.put_user_property("lang", "rust");
    m
}

pub async fn produce(c: &Common, count: usize, out: &str) -> Result<()> {
    let topic = c.topic.clone().ok_or_else(|| anyhow!("-t is required"))?;
    let admin = admin(&c.namesrv).await?;
    create_topic(&admin, &topic, 4).await?;
    let p = DefaultMQProducer::builder(format!("rust_xlang_p_{}", unique()))
        .namesrv_addr(&c.namesrv)
        .build();
    p.start().await?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    for i in 0..count {
        let m = rust_message(&topic, i);
        let r = p.send(m.clone()).await?;
        let mut props: BTreeMap<String, String> = m.properties.clone().into_iter().collect();
        props.insert("UNIQ_KEY".into(), r.msg_id.clone());
        let line = serde_json::json!({
            "uniqKey": r.msg_id,
            "topic": topic,
            "tags": m.tags(),
            "keys": m.keys(),
            "props": props,
            "bodyHex": hex(&m.body),
        });
        writeln!(f, "{line}")?;
    }
    f.flush()?;
    println!("rust producer sent {count} messages to {topic}, wrote {out}");
    p.shutdown().await;
    admin.shutdown().await;
    Ok(())
}

pub async fn consume(c: &Common, expect: &str, group: Option<String>) -> Result<()> {
    let topic = c.topic.clone().ok_or_else(|| anyhow!("-t is required"))?;
    let mut want: HashMap<String, serde_json::Value> = HashMap::new();
    for line in std::fs::read_to_string(expect)?
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let k = v["uniqKey"]
            .as_str()
            .ok_or_else(|| anyhow!("line without uniqKey"))?
            .to_string();
        want.insert(k, v);
    }
    let got: Arc<Mutex<HashMap<String, MessageExt>>> = Arc::default();
    let group = group.unwrap_or_else(|| format!("rust_xlang_c_{}", unique()));
    let cons = DefaultMQPushConsumer::builder(&group)
        .namesrv_addr(&c.namesrv)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    cons.subscribe(&topic, "*")?;
    let g2 = got.clone();
    cons.register_message_listener_concurrently(
        move |msgs: &[MessageExt], _: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                g2.lock().insert(m.client_msg_id().to_string(), m.clone());
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    cons.start().await?;
    let end = Instant::now() + Duration::from_secs(c.timeout_s);
    while Instant::now() < end && !want.keys().all(|k| got.lock().contains_key(k)) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    cons.shutdown().await;
    let got = got.lock().clone();
    let mut errors = Vec::new();
    for (k, v) in &want {
        let Some(m) = got.get(k) else {
            errors.push(format!("{k}: not received"));
            continue;
        };
        if m.topic() != v["topic"].as_str().unwrap_or_default() {
            errors.push(format!("{k}: topic {}", m.topic()));
        }
        if m.tags() != v["tags"].as_str() {
            errors.push(format!("{k}: tags {:?} vs {}", m.tags(), v["tags"]));
        }
        if m.keys() != v["keys"].as_str() {
            errors.push(format!("{k}: keys {:?} vs {}", m.keys(), v["keys"]));
        }
        if hex(m.body()) != v["bodyHex"].as_str().unwrap_or_default() {
            errors.push(format!("{k}: body differs ({} bytes)", m.body().len()));
        }
        if let Some(props) = v["props"].as_object() {
            for (pk, pv) in props {
                if m.property(pk) != pv.as_str() {
                    errors.push(format!(
                        "{k}: property {pk} = {:?}, want {pv}",
                        m.property(pk)
                    ));
                }
            }
        }
    }
    println!(
        "expected {} messages from the Java producer, received {} distinct; {} mismatches",
        want.len(),
        got.len(),
        errors.len()
    );
    for e in errors.iter().take(10) {
        println!("  {e}");
    }
    ensure!(errors.is_empty(), "cross-language check failed");
    Ok(())
}
