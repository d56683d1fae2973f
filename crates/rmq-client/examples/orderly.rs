//! Ordered messages: a selector keeps each order on one queue, an orderly listener consumes
//! each queue in order (Java `ordermessage/Producer` and `Consumer`).
//!
//! `NAMESRV_ADDR=127.0.0.1:9876 cargo run -p rmq-client --example orderly`

use rmq_client::consumer::{
    ConsumeFromWhere, ConsumeOrderlyContext, ConsumeOrderlyStatus, DefaultMQPushConsumer,
};
use rmq_client::producer::SelectMessageQueueByHash;
use rmq_client::{ClientError, DefaultMQProducer, Message, MessageExt};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let ns = std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into());
    let consumer = DefaultMQPushConsumer::builder("example_orderly_consumer")
        .namesrv_addr(ns.clone())
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe("TopicTestOrderly", "*")?;
    consumer.register_message_listener_orderly(
        |msgs: &[MessageExt], _ctx: &mut ConsumeOrderlyContext| {
            for m in msgs {
                println!(
                    "queue {} order {:?} step {:?}",
                    m.queue_id,
                    m.property("order"),
                    m.property("step")
                );
            }
            ConsumeOrderlyStatus::Success
        },
    );
    consumer.start().await?;

    let producer = DefaultMQProducer::builder("example_orderly_producer")
        .namesrv_addr(ns)
        .build();
    producer.start().await?;
    for step in 0..5 {
        for order in 0..4 {
            let mut msg = Message::with_tags_keys(
                "TopicTestOrderly",
                "TagA",
                "",
                format!("order {order} step {step}"),
            );
            msg.put_user_property("order", &order.to_string())
                .map_err(ClientError::IllegalArgument)?;
            msg.put_user_property("step", &step.to_string())
                .map_err(ClientError::IllegalArgument)?;
            let key = format!("order-{order}");
            producer
                .send_with_selector(msg, &SelectMessageQueueByHash, key.as_str())
                .await?;
        }
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    producer.shutdown().await;
    consumer.shutdown().await;
    Ok(())
}
