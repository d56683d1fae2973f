//! Sends messages synchronously, with a callback and oneway (Java `quickstart/Producer`).
//!
//! `NAMESRV_ADDR=127.0.0.1:9876 cargo run -p rmq-client --example producer`

use rmq_client::{ClientError, DefaultMQProducer, Message};

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let producer = DefaultMQProducer::builder("please_rename_unique_group_name")
        .namesrv_addr(std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into()))
        .build();
    producer.start().await?;
    for i in 0..10 {
        let mut msg = Message::with_tags_keys(
            "TopicTest",
            "TagA",
            &format!("key-{i}"),
            format!("Hello RocketMQ {i}"),
        );
        msg.put_user_property("index", &i.to_string())
            .map_err(ClientError::IllegalArgument)?;
        let result = producer.send(msg).await?;
        println!("{result}");
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    producer.send_with_callback(Message::new("TopicTest", "async hello"), move |r| {
        let _ = tx.send(r);
    });
    if let Ok(r) = rx.await {
        println!("async: {}", r?);
    }
    producer
        .send_oneway(Message::new("TopicTest", "oneway hello"))
        .await?;
    producer.shutdown().await;
    Ok(())
}
