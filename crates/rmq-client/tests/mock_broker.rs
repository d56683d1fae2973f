//! The producer against a mock name server and two mock brokers over real loopback sockets:
//! retry on another broker, the error after the last try, compression, batches, unique ids
//! and the no-route error; the remote offset store and `MQAdminImpl`'s queue offsets.

#![allow(clippy::unwrap_used)]

use async_trait::async_trait;
use parking_lot::Mutex;
use rmq_client::{ClientError, DefaultMQProducer, Message, SendStatus};
use rmq_common::message::message_decoder;
use rmq_common::sys_flag::message_sys_flag;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::body::route::{BrokerData, QueueData, TopicRouteData};
use rmq_remoting::protocol::header::broker::{
    GetMaxOffsetRequestHeader, GetMaxOffsetResponseHeader, QueryConsumerOffsetRequestHeader,
    QueryConsumerOffsetResponseHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
    UpdateConsumerOffsetRequestHeader,
};
use rmq_remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use rmq_remoting::{
    Channel, NettyServerConfig, RemotingCommand, RemotingError, RemotingServer, RequestCode,
    RequestProcessor, ResponseCode, ServerHandle,
};
use std::sync::Arc;

/// A broker that answers sends with `code` and records the requests.
struct MockBroker {
    code: ResponseCode,
    requests: Mutex<Vec<RemotingCommand>>,
    offsets: Mutex<std::collections::HashMap<(String, String, i32), i64>>,
}

#[async_trait]
impl RequestProcessor for MockBroker {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let code = request.request_code();
        if code == RequestCode::UPDATE_CONSUMER_OFFSET {
            let h: UpdateConsumerOffsetRequestHeader = request.decode_header()?;
            self.offsets
                .lock()
                .insert((h.consumer_group, h.topic, h.queue_id), h.commit_offset);
            return Ok(Some(RemotingCommand::success()));
        }
        if code == RequestCode::QUERY_CONSUMER_OFFSET {
            let h: QueryConsumerOffsetRequestHeader = request.decode_header()?;
            let o = self
                .offsets
                .lock()
                .get(&(h.consumer_group, h.topic, h.queue_id))
                .copied();
            return Ok(Some(match o {
                Some(offset) => RemotingCommand::response_with_header(
                    ResponseCode::SUCCESS,
                    &QueryConsumerOffsetResponseHeader { offset },
                ),
                None => RemotingCommand::error(ResponseCode::QUERY_NOT_FOUND, "Not found"),
            }));
        }
        if code == RequestCode::GET_MAX_OFFSET {
            let h: GetMaxOffsetRequestHeader = request.decode_header()?;
            self.requests.lock().push(request);
            return Ok(Some(RemotingCommand::response_with_header(
                ResponseCode::SUCCESS,
                &GetMaxOffsetResponseHeader {
                    offset: 1000 + i64::from(h.queue_id),
                },
            )));
        }
        if code != RequestCode::SEND_MESSAGE_V2 && code != RequestCode::SEND_BATCH_MESSAGE {
            return Ok(Some(RemotingCommand::success()));
        }
        let h: SendMessageRequestHeaderV2 = request.decode_header()?;
        let n = {
            let mut r = self.requests.lock();
            r.push(request);
            r.len() as i64
        };
        if self.code != ResponseCode::SUCCESS {
            return Ok(Some(RemotingCommand::error(self.code, "[mock] busy")));
        }
        let resp = SendMessageResponseHeader {
            msg_id: message_decoder::create_message_id(
                &"127.0.0.1:10911".parse().unwrap(),
                n * 100,
            ),
            queue_id: h.queue_id,
            queue_offset: n - 1,
            ..Default::default()
        };
        Ok(Some(RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &resp,
        )))
    }
}

/// A name server that routes `topic` to the given brokers and knows nothing else.
struct MockNamesrv {
    topic: String,
    route: TopicRouteData,
}

#[async_trait]
impl RequestProcessor for MockNamesrv {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let h: GetRouteInfoRequestHeader = request.decode_header()?;
        if h.topic == self.topic {
            Ok(Some(
                RemotingCommand::success().with_body(encode(&self.route)),
            ))
        } else {
            Ok(Some(RemotingCommand::error(
                ResponseCode::TOPIC_NOT_EXIST,
                format!(
                    "No topic route info in name server for the topic: {}",
                    h.topic
                ),
            )))
        }
    }
}

async fn serve(p: Arc<dyn RequestProcessor>) -> ServerHandle {
    let mut d = RequestDispatcher::new();
    d.register_default_processor(p);
    let cfg = NettyServerConfig {
        bind_address: "127.0.0.1".into(),
        listen_port: 0,
        ..Default::default()
    };
    RemotingServer::bind(&cfg, Arc::new(d)).await.unwrap()
}

struct Cluster {
    namesrv: ServerHandle,
    brokers: Vec<(ServerHandle, Arc<MockBroker>)>,
}

async fn cluster(topic: &str, codes: &[ResponseCode]) -> Cluster {
    let mut brokers = Vec::new();
    let mut route = TopicRouteData::default();
    for (i, code) in codes.iter().enumerate() {
        let b = Arc::new(MockBroker {
            code: *code,
            requests: Mutex::new(Vec::new()),
            offsets: Mutex::new(std::collections::HashMap::new()),
        });
        let h = serve(b.clone()).await;
        let name = format!("broker-{i}");
        let mut bd = BrokerData::new("c", &name);
        bd.broker_addrs.insert(0, h.local_addr().to_string());
        route.broker_datas.push(bd);
        route.queue_datas.push(QueueData {
            broker_name: name,
            read_queue_nums: 2,
            write_queue_nums: 2,
            perm: 6,
            topic_sys_flag: 0,
        });
        brokers.push((h, b));
    }
    let namesrv = serve(Arc::new(MockNamesrv {
        topic: topic.to_string(),
        route,
    }))
    .await;
    Cluster { namesrv, brokers }
}

async fn producer(c: &Cluster, group: &str) -> DefaultMQProducer {
    let p = DefaultMQProducer::builder(group)
        .namesrv_addr(c.namesrv.local_addr().to_string())
        .build();
    p.start().await.unwrap();
    p
}

#[tokio::test]
async fn retries_on_another_broker() {
    let c = cluster("T", &[ResponseCode::SYSTEM_BUSY, ResponseCode::SUCCESS]).await;
    let p = producer(&c, "g_retry").await;
    for _ in 0..4 {
        let r = p.send(Message::new("T", "hello")).await.unwrap();
        assert_eq!(r.send_status, SendStatus::SendOk);
        assert_eq!(r.message_queue.broker_name, "broker-1");
        assert_eq!(r.msg_id.len(), 32);
    }
    // Round robin starts anywhere; broker-0 was tried at most once per send, never twice.
    let busy = c.brokers[0].1.requests.lock().len();
    assert!(busy <= 4, "{busy}");
    assert_eq!(c.brokers[1].1.requests.lock().len(), 4);
    p.shutdown().await;
}

#[tokio::test]
async fn fails_after_three_tries_with_java_text() {
    let c = cluster("T", &[ResponseCode::SYSTEM_BUSY, ResponseCode::SYSTEM_BUSY]).await;
    let p = producer(&c, "g_fail").await;
    let e = p.send(Message::new("T", "hello")).await.unwrap_err();
    match &e {
        ClientError::MQClientException { code, message } => {
            assert_eq!(*code, ResponseCode::SYSTEM_BUSY.0);
            assert!(
                message.starts_with("Send [3] times, still failed"),
                "{message}"
            );
            assert!(message.contains("Topic: T"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let tries: usize = c.brokers.iter().map(|(_, b)| b.requests.lock().len()).sum();
    assert_eq!(tries, 3);
    // A code outside the retry list fails at once.
    let c2 = cluster("T", &[ResponseCode::MESSAGE_ILLEGAL]).await;
    let p2 = producer(&c2, "g_fail2").await;
    let e = p2.send(Message::new("T", "x")).await.unwrap_err();
    assert!(
        matches!(e, ClientError::MQBrokerException { code: 13, .. }),
        "{e:?}"
    );
    assert_eq!(c2.brokers[0].1.requests.lock().len(), 1);
    p.shutdown().await;
    p2.shutdown().await;
}

#[tokio::test]
async fn compresses_large_bodies_and_encodes_batches() {
    let c = cluster("T", &[ResponseCode::SUCCESS]).await;
    let p = producer(&c, "g_compress").await;
    let big = "0123456789".repeat(500);
    let mut m = Message::with_tags_keys("T", "TagA", "k1 k2", big.clone().into_bytes());
    m.put_user_property("名字", "值").unwrap();
    p.send(m).await.unwrap();
    p.send(Message::new("T", "small")).await.unwrap();
    let msgs = vec![Message::new("T", "a"), Message::new("T", "b")];
    let r = p.send_batch(msgs).await.unwrap();
    assert_eq!(r.msg_id.split(',').count(), 2);
    let reqs = c.brokers[0].1.requests.lock().clone();
    assert_eq!(reqs.len(), 3);
    let h: SendMessageRequestHeaderV2 = reqs[0].decode_header().unwrap();
    assert_eq!(
        h.sys_flag & (message_sys_flag::COMPRESSED_FLAG | message_sys_flag::COMPRESSION_ZLIB_TYPE),
        message_sys_flag::COMPRESSED_FLAG | message_sys_flag::COMPRESSION_ZLIB_TYPE
    );
    assert_eq!(
        message_decoder::inflate(&reqs[0].body).unwrap(),
        big.as_bytes()
    );
    let props = message_decoder::string_to_message_properties(h.properties.as_deref().unwrap());
    assert_eq!(props["名字"], "值");
    assert_eq!(props["KEYS"], "k1 k2");
    assert_eq!(props["WAIT"], "true");
    assert_eq!(props["UNIQ_KEY"].len(), 32);
    let h: SendMessageRequestHeaderV2 = reqs[1].decode_header().unwrap();
    assert_eq!(h.sys_flag & message_sys_flag::COMPRESSED_FLAG, 0);
    assert_eq!(&reqs[1].body[..], b"small");
    assert_eq!(reqs[2].code, RequestCode::SEND_BATCH_MESSAGE.0);
    let h: SendMessageRequestHeaderV2 = reqs[2].decode_header().unwrap();
    assert_eq!(h.batch, Some(true));
    let items = message_decoder::decode_messages(&reqs[2].body).unwrap();
    assert_eq!(items.len(), 2);
    let ids: Vec<String> = items
        .iter()
        .map(|i| message_decoder::string_to_message_properties(&i.properties)["UNIQ_KEY"].clone())
        .collect();
    assert_eq!(ids.join(","), r.msg_id);
    p.shutdown().await;
}

#[tokio::test]
async fn validation_and_no_route() {
    let c = cluster("T", &[ResponseCode::SUCCESS]).await;
    let p = producer(&c, "g_validate").await;
    let e = p.send(Message::new("Unknown", "x")).await.unwrap_err();
    match e {
        ClientError::NoRouteInfo { topic, message } => {
            assert_eq!(topic, "Unknown");
            assert!(message.starts_with("No route info of this topic: Unknown\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let e = p.send(Message::new("T", "")).await.unwrap_err();
    assert_eq!(e.response_code(), Some(13));
    let big = DefaultMQProducer::builder("g_small")
        .namesrv_addr(c.namesrv.local_addr().to_string())
        .max_message_size(10)
        .build();
    big.start().await.unwrap();
    let e = big
        .send(Message::new("T", "01234567890"))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("the message body size over max value, MAX: 10"),
        "{e}"
    );
    let mut delayed = Message::new("T", "x");
    delayed.set_delay_time_level(2);
    let e = p
        .send_batch(vec![Message::new("T", "a"), delayed])
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("TimeDelayLevel is not supported for batching"),
        "{e}"
    );
    let e = p
        .send_batch(vec![Message::new("T", "a"), Message::new("U", "b")])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("should be the same"), "{e}");
    // The group is taken in this client instance only; DEFAULT_PRODUCER is refused.
    let e = DefaultMQProducer::builder("DEFAULT_PRODUCER")
        .namesrv_addr(c.namesrv.local_addr().to_string())
        .build()
        .start()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("producerGroup can not equal DEFAULT_PRODUCER"),
        "{e}"
    );
    p.shutdown().await;
    big.shutdown().await;
}

#[tokio::test]
async fn remote_offset_store_reads_and_persists_on_the_broker() {
    use rmq_client::consumer::store::{OffsetStore, ReadOffsetType, RemoteBrokerOffsetStore};
    use rmq_client::{ClientConfig, MQClientInstance, MessageQueue};
    use std::collections::HashSet;
    let c = cluster("T", &[ResponseCode::SUCCESS]).await;
    let cfg = ClientConfig {
        namesrv_addr: Some(c.namesrv.local_addr().to_string()),
        instance_name: "offset_store_test".into(),
        ..Default::default()
    };
    let inst = MQClientInstance::get_or_create(&cfg);
    inst.update_topic_route_info_from_name_server("T")
        .await
        .unwrap();
    let store = OffsetStore::Remote(RemoteBrokerOffsetStore::new(inst.clone(), "g"));
    let q0 = MessageQueue::new("T", "broker-0", 0);
    let q1 = MessageQueue::new("T", "broker-0", 1);
    // Nothing on the broker: -1 (QUERY_NOT_FOUND), not an error.
    assert_eq!(
        store.read_offset(&q0, ReadOffsetType::ReadFromStore).await,
        -1
    );
    store.update_offset(&q0, 42, false);
    store.update_offset(&q0, 40, true);
    store.update_offset(&q1, 7, false);
    store.persist_all(&HashSet::from([q0.clone()])).await;
    // Oneway: wait until the broker has it.
    for _ in 0..100 {
        if !c.brokers[0].1.offsets.lock().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        c.brokers[0]
            .1
            .offsets
            .lock()
            .get(&("g".to_string(), "T".to_string(), 0)),
        Some(&42)
    );
    // q1 was not in the set: forgotten locally, never sent.
    assert_eq!(
        store.read_offset(&q1, ReadOffsetType::ReadFromMemory).await,
        -1
    );
    store.remove_offset(&q0);
    assert_eq!(
        store
            .read_offset(&q0, ReadOffsetType::MemoryFirstThenStore)
            .await,
        42
    );
}

#[tokio::test]
async fn mq_admin_impl_asks_the_broker_of_the_queue() {
    use rmq_client::{ClientConfig, MQAdminImpl, MQClientInstance, MessageQueue};
    let c = cluster("T", &[ResponseCode::SUCCESS, ResponseCode::SUCCESS]).await;
    let cfg = ClientConfig {
        namesrv_addr: Some(c.namesrv.local_addr().to_string()),
        instance_name: "mq_admin_impl_test".into(),
        ..Default::default()
    };
    let admin = MQAdminImpl::new(MQClientInstance::get_or_create(&cfg), 3000);
    // The route is not known yet: the first call fetches it from the name server.
    let mq = MessageQueue::new("T", "broker-1", 1);
    assert_eq!(admin.max_offset(&mq).await.unwrap(), 1001);
    assert!(c.brokers[0].1.requests.lock().is_empty());
    assert_eq!(c.brokers[1].1.requests.lock().len(), 1);
    let unknown = MessageQueue::new("T", "broker-9", 0);
    let err = admin.max_offset(&unknown).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "CODE: -1  DESC: The broker[broker-9] not exist"
    );
}
