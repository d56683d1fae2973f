//! Unit-test support: an in-process broker on 127.0.0.1 port 0 with a temp store, no name
//! server, and messages put straight into its store.

use crate::{BrokerConfigs, BrokerController, BrokerHandle};
use bytes::Bytes;
use rmq_store::{MessageExtBrokerInner, MessageStore, PutMessageStatus};
use std::path::Path;

/// Starts a broker storing under `store`.
pub(crate) async fn start(store: &Path) -> BrokerHandle {
    let mut c = BrokerConfigs::default();
    c.broker_config.broker_name = "broker-a".into();
    c.broker_config.broker_ip1 = "127.0.0.1".into();
    c.broker_config.broker_ip2 = "127.0.0.1".into();
    c.broker_config.namesrv_addr = None;
    c.broker_config.rocketmq_home = Some(store.display().to_string());
    c.broker_config.broker_config_path =
        Some(store.join("broker.properties").display().to_string());
    c.netty_server_config.listen_port = 0;
    c.netty_server_config.bind_address = "127.0.0.1".into();
    c.message_store_config.store_path_root_dir = store.display().to_string();
    c.message_store_config.mapped_file_size_commit_log = 1024 * 1024;
    c.message_store_config.mapped_file_size_consume_queue = 6000;
    c.finish().unwrap();
    BrokerController::start(c).await.unwrap()
}

/// Puts one message into the store and returns its queue offset.
pub(crate) async fn put(c: &BrokerController, topic: &str, queue_id: i32, body: &str) -> i64 {
    let msg = MessageExtBrokerInner {
        topic: topic.into(),
        queue_id,
        body: Bytes::copy_from_slice(body.as_bytes()),
        born_host: "127.0.0.1:5555".parse().unwrap(),
        store_host: c.store_host(),
        ..Default::default()
    };
    let r = MessageStore::put_message(c.message_store().as_ref(), &msg).await;
    assert_eq!(r.status, PutMessageStatus::PutOk);
    r.append_result.unwrap().logics_offset
}
