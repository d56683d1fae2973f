//! Consumes with a concurrent listener in CLUSTERING mode (Java `quickstart/Consumer`).
//!
//! `NAMESRV_ADDR=127.0.0.1:9876 cargo run -p rmq-client --example consumer`

use rmq_client::consumer::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};
use rmq_client::{ClientError, MessageExt};

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let consumer = DefaultMQPushConsumer::builder("please_rename_unique_group_name_4")
        .namesrv_addr(std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into()))
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe("TopicTest", "*")?;
    consumer.register_message_listener_concurrently(
        |msgs: &[MessageExt], _ctx: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                println!(
                    "received {} queue {} offset {}: {}",
                    m.client_msg_id(),
                    m.queue_id,
                    m.queue_offset,
                    String::from_utf8_lossy(m.body())
                );
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    consumer.start().await?;
    println!("Consumer Started; Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    consumer.shutdown().await;
    Ok(())
}
