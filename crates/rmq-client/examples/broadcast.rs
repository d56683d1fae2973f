//! A BROADCASTING consumer: every instance receives every message; offsets are kept in
//! `~/.rocketmq_offsets` (Java `broadcast/PushConsumer`).
//!
//! `NAMESRV_ADDR=127.0.0.1:9876 cargo run -p rmq-client --example broadcast`

use rmq_client::consumer::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
    MessageModel,
};
use rmq_client::{ClientError, MessageExt};

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let consumer = DefaultMQPushConsumer::builder("please_rename_unique_group_name_1")
        .namesrv_addr(std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into()))
        .message_model(MessageModel::Broadcasting)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe("TopicTest", "TagA || TagC || TagD")?;
    consumer.register_message_listener_concurrently(
        |msgs: &[MessageExt], _ctx: &mut ConsumeConcurrentlyContext| {
            for m in msgs {
                println!("broadcast received {} {:?}", m.client_msg_id(), m.tags());
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        },
    );
    consumer.start().await?;
    println!("Broadcast Consumer Started; Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    consumer.shutdown().await;
    Ok(())
}
