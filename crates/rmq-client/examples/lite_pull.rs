//! Lite pull consumer: assign a queue, seek, poll, commit, then read on as a `Stream`
//! (Java `simple/LitePullConsumerAssign`).
//!
//! `NAMESRV_ADDR=127.0.0.1:9876 cargo run -p rmq-client --example lite_pull`

use futures::StreamExt;
use rmq_client::consumer::DefaultLitePullConsumer;
use rmq_client::ClientError;
use std::collections::{BTreeSet, HashMap};

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let consumer = DefaultLitePullConsumer::builder("please_rename_unique_group_name")
        .namesrv_addr(std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into()))
        .auto_commit(false)
        .build();
    consumer.start().await?;
    let mqs = consumer.fetch_message_queues("TopicTest").await?;
    let assigned: BTreeSet<_> = mqs.into_iter().take(2).collect();
    consumer.assign(assigned.clone())?;
    if let Some(first) = assigned.iter().next() {
        consumer.seek(first, 0).await?;
    }
    let msgs = consumer.poll().await?;
    let mut commits = HashMap::new();
    for m in &msgs {
        println!("polled {} offset {}", m.client_msg_id(), m.queue_offset);
        let mq = rmq_client::MessageQueue::new(m.topic(), &m.broker_name, m.queue_id);
        commits.insert(mq, m.queue_offset + 1);
    }
    consumer.commit(&commits, true).await?;
    let mut stream = Box::pin(consumer.stream()).take(10);
    while let Some(m) = stream.next().await {
        println!("streamed {}", m?.client_msg_id());
    }
    consumer.shutdown().await;
    Ok(())
}
