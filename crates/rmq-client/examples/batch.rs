//! Sends one batch of messages of the same topic (Java `batch/SimpleBatchProducer`).
//!
//! `NAMESRV_ADDR=127.0.0.1:9876 cargo run -p rmq-client --example batch`

use rmq_client::{ClientError, DefaultMQProducer, Message};

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let producer = DefaultMQProducer::builder("BatchProducerGroupName")
        .namesrv_addr(std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into()))
        .build();
    producer.start().await?;
    let msgs: Vec<Message> = (0..3)
        .map(|i| {
            Message::with_tags_keys(
                "BatchTest",
                "Tag",
                &format!("OrderID00{i}"),
                format!("Hello world {i}"),
            )
        })
        .collect();
    let result = producer.send_batch(msgs).await?;
    println!("{result}");
    producer.shutdown().await;
    Ok(())
}
