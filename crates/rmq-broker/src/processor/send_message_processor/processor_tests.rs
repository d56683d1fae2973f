//! SendMessageProcessor against the in-memory store: SEND_MESSAGE, SEND_MESSAGE_V2,
//! SEND_BATCH_MESSAGE and CONSUMER_SEND_MSG_BACK, stored and refused.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_remoting::protocol::header::broker::ConsumerSendMsgBackRequestHeader;
use rmq_remoting::ResponseCode;
use rmq_store::PutMessageStatus;

fn header(topic: &str) -> SendMessageRequestHeader {
    SendMessageRequestHeader {
        producer_group: "pg".into(),
        topic: topic.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id: 0,
        properties: Some("KEYS\u{1}k1\u{2}".into()),
        ..Default::default()
    }
}

fn request(code: RequestCode, h: &SendMessageRequestHeader) -> RemotingCommand {
    let mut r = if code == RequestCode::SEND_MESSAGE_V2 || code == RequestCode::SEND_BATCH_MESSAGE {
        RemotingCommand::create_request_command(code, &SendMessageRequestHeaderV2::from_v1(h))
    } else {
        RemotingCommand::create_request_command(code, h)
    };
    r.body = bytes::Bytes::from_static(b"hello");
    r
}

async fn call(p: &SendMessageProcessor, r: RemotingCommand) -> RemotingCommand {
    p.process_request(&client_channel(), r)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn send_message_stores_with_cluster_and_answers_the_offset() {
    let t = TestParts::new();
    let p = SendMessageProcessor::new(t.send_context());
    let r = call(&p, request(RequestCode::SEND_MESSAGE, &header("TopicS"))).await;
    assert_eq!(code_remark(&r), (ResponseCode::SUCCESS.0, None));
    let h: SendMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!((h.queue_id, h.queue_offset), (0, 0));
    assert!(h.transaction_id.is_some(), "UNIQ_KEY added");
    assert!(r.ext_fields.contains_key(PROPERTY_MSG_REGION));
    let record = t.store.record(t.store.queue("TopicS", 0)[0]).unwrap();
    let (msg, _) = decode(&record, DecodeOptions::default()).unwrap();
    assert_eq!(msg.property(PROPERTY_CLUSTER), Some("DefaultCluster"));
    assert_eq!(msg.property("KEYS"), Some("k1"));
    assert!(
        t.topics.contains_topic("TopicS"),
        "auto-created from TBW102"
    );
}

#[tokio::test]
async fn send_message_v2_and_batch_are_stored() {
    let t = TestParts::new();
    let p = SendMessageProcessor::new(t.send_context());
    let r = call(
        &p,
        request(RequestCode::SEND_MESSAGE_V2, &header("TopicV2")),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let mut batch = header("TopicB");
    batch.batch = Some(true);
    let r = call(&p, request(RequestCode::SEND_BATCH_MESSAGE, &batch)).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert_eq!(t.store.queue("TopicB", 0).len(), 1);
}

#[tokio::test]
async fn refused_sends_keep_java_codes_and_remarks() {
    let t = TestParts::new();
    let p = SendMessageProcessor::new(t.send_context());
    let r = call(
        &p,
        request(RequestCode::SEND_MESSAGE, &header("SCHEDULE_TOPIC_XXXX")),
    )
    .await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.")
        )
    );
    assert!(r.ext_fields.contains_key(PROPERTY_MSG_REGION), "shell kept");
    let r = call(&p, request(RequestCode::SEND_MESSAGE, &header("bad topic"))).await;
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);
    let mut h = header("TopicS");
    h.queue_id = 99;
    let r = call(&p, request(RequestCode::SEND_MESSAGE, &h)).await;
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);
    let mut h = header("TopicS");
    h.properties = Some(format!("{PROPERTY_TRANSACTION_PREPARED}\u{1}true\u{2}"));
    t.config.update(|bc| bc.reject_transaction_message = true);
    let r = call(&p, request(RequestCode::SEND_MESSAGE, &h)).await;
    t.config.update(|bc| bc.reject_transaction_message = false);
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("the broker[127.0.0.1] sending transaction message is forbidden")
        )
    );
    let mut batch = header("%RETRY%g");
    batch.batch = Some(true);
    let r = call(&p, request(RequestCode::SEND_BATCH_MESSAGE, &batch)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::MESSAGE_ILLEGAL.0,
            Some("batch request does not support retry group %RETRY%g")
        )
    );
}

#[tokio::test]
async fn half_message_goes_to_queue_0_of_the_half_topic_and_answers_the_real_queue() {
    let t = TestParts::new();
    let p = SendMessageProcessor::new(t.send_context());
    let mut h = header("TopicS");
    h.queue_id = 2;
    h.sys_flag = rmq_common::sys_flag::message_sys_flag::TRANSACTION_PREPARED_TYPE;
    h.properties = Some(format!(
        "{PROPERTY_TRANSACTION_PREPARED}\u{1}true\u{2}{PROPERTY_PRODUCER_GROUP}\u{1}pg\u{2}"
    ));
    let r = call(&p, request(RequestCode::SEND_MESSAGE, &h)).await;
    assert_eq!(code_remark(&r), (ResponseCode::SUCCESS.0, None));
    let rh: SendMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!((rh.queue_id, rh.queue_offset), (2, 0));
    assert!(
        t.store.queue("TopicS", 2).is_empty(),
        "not visible in the real topic"
    );
    let half = t.store.queue(mix_all::RMQ_SYS_TRANS_HALF_TOPIC, 0);
    assert_eq!(half.len(), 1);
    let (msg, _) = decode(&t.store.record(half[0]).unwrap(), DecodeOptions::default()).unwrap();
    assert_eq!(msg.sys_flag & 0xC, 0, "transaction bits reset");
    assert_eq!(msg.property(PROPERTY_REAL_TOPIC), Some("TopicS"));
    assert_eq!(msg.property(PROPERTY_REAL_QUEUE_ID), Some("2"));
    assert_eq!(
        msg.property(PROPERTY_TRANSACTION_ID),
        msg.property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
    );
    assert_eq!(
        rh.transaction_id.as_deref(),
        msg.property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
    );
}

#[tokio::test]
async fn missing_topic_without_auto_create_is_topic_not_exist() {
    let t = TestParts::with_config(|bc| bc.auto_create_topic_enable = false);
    let p = SendMessageProcessor::new(t.send_context());
    let mut h = header("NoSuchTopic");
    h.default_topic = "NoDefault".into();
    let r = call(&p, request(RequestCode::SEND_MESSAGE, &h)).await;
    assert_eq!(r.code, ResponseCode::TOPIC_NOT_EXIST.0);
    assert!(r
        .remark
        .as_deref()
        .is_some_and(|m| m.starts_with("topic[NoSuchTopic] not exist, apply first please!")));
}

#[tokio::test]
async fn failed_put_maps_the_store_status() {
    let t = TestParts::new();
    let p = SendMessageProcessor::new(t.send_context());
    t.store.fail_puts_with(PutMessageStatus::OsPageCacheBusy);
    let r = call(&p, request(RequestCode::SEND_MESSAGE, &header("TopicS"))).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_BUSY.0,
            Some("[PC_SYNCHRONIZED]broker busy, start flow control for a while")
        )
    );
}

fn send_back(group: &str, offset: i64) -> RemotingCommand {
    let h = ConsumerSendMsgBackRequestHeader {
        offset,
        group: group.into(),
        delay_level: 0,
        ..Default::default()
    };
    RemotingCommand::create_request_command(RequestCode::CONSUMER_SEND_MSG_BACK, &h)
}

#[tokio::test]
async fn send_back_parks_the_message_in_its_delay_level() {
    let t = TestParts::new();
    let p = SendMessageProcessor::new(t.send_context());
    call(&p, request(RequestCode::SEND_MESSAGE, &header("TopicS"))).await;
    let r = call(&p, send_back("cg", 0)).await;
    assert_eq!(code_remark(&r), (ResponseCode::SUCCESS.0, None));
    // reconsumeTimes 0 -> delay level 3, stored in SCHEDULE_TOPIC_XXXX queue 2.
    let parked = t.store.queue(mix_all::RMQ_SYS_SCHEDULE_TOPIC, 2);
    let record = t.store.record(parked[0]).unwrap();
    let (msg, _) = decode(&record, DecodeOptions::default()).unwrap();
    assert_eq!(msg.property(PROPERTY_RETRY_TOPIC), Some("TopicS"));
    assert_eq!(msg.property(PROPERTY_REAL_TOPIC), Some("%RETRY%cg"));
    assert_eq!(msg.reconsume_times, 1);
    let r = call(&p, send_back("cg", 999_999)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("look message by offset failed, 999999")
        )
    );
}

#[tokio::test]
async fn send_back_refusals() {
    let t = TestParts::with_config(|bc| bc.auto_create_subscription_group = false);
    let p = SendMessageProcessor::new(t.send_context());
    let r = call(&p, send_back("unknown_group", 0)).await;
    assert_eq!(r.code, ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST.0);
    let t = TestParts::with_config(|bc| bc.broker_permission = perm_name::PERM_READ);
    let p = SendMessageProcessor::new(t.send_context());
    let r = call(&p, send_back("cg", 0)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("the broker[127.0.0.1] sending message is forbidden")
        )
    );
}

#[tokio::test]
async fn undecodable_header_is_left_to_the_remoting_layer() {
    let t = TestParts::new();
    let p = SendMessageProcessor::new(t.send_context());
    let r = RemotingCommand::create_request_command(
        RequestCode::SEND_MESSAGE,
        &rmq_remoting::protocol::header::broker::ViewMessageRequestHeader::default(),
    );
    assert!(p.process_request(&client_channel(), r).await.is_err());
}

#[test]
fn v1_and_v2_headers_decode_to_one_v1_header() {
    let mut h = header("T");
    h.reconsume_times = Some(2);
    h.max_reconsume_times = Some(16);
    h.batch = Some(true);
    h.broker_name = Some("broker-a".into());
    for code in [
        RequestCode::SEND_MESSAGE,
        RequestCode::SEND_MESSAGE_V2,
        RequestCode::SEND_BATCH_MESSAGE,
    ] {
        let parsed = SendMessageProcessor::parse_request_header(&request(code, &h)).unwrap();
        assert_eq!(parsed, h, "{code:?}");
    }
    // A V2 request's short keys are read as V2, not as V1.
    let v2 = request(RequestCode::SEND_MESSAGE_V2, &h);
    assert!(v2.ext_field("topic").is_none() && v2.ext_field("b") == Some("T"));
}

/// Builds the context of the processor under test from the shared parts.
impl crate::test_support::TestParts {
    /// What the send processor uses.
    pub(crate) fn send_context(
        &self,
    ) -> crate::processor::send_message_processor::SendMessageContext {
        crate::processor::send_message_processor::SendMessageContext {
            config: self.config.clone(),
            address: self.address.clone(),
            message_store: self.dyn_store(),
            message_store_config: self.store_config.clone(),
            role: rmq_store::RoleState::new(self.store_config.broker_role),
            topic_config_manager: self.topics.clone(),
            subscription_group_manager: self.groups.clone(),
            rebalance_lock_manager: self.locks.clone(),
            schedule_message_service: self.schedule.clone(),
            timer_message_store: None,
            broker_stats_manager: self.stats.clone(),
            send_thread_pool_queue: std::sync::Arc::new(
                crate::thread_pool_queue::ThreadPoolQueue::default(),
            ),
        }
    }
}

#[tokio::test]
async fn a_slave_refuses_sends_unless_acting_master() {
    let slave = |acting: bool| {
        let mut t = TestParts::with_config(|bc| {
            bc.broker_id = 1;
            bc.enable_slave_acting_master = acting;
        });
        t.store_config = std::sync::Arc::new(rmq_store::MessageStoreConfig {
            broker_role: rmq_store::BrokerRole::Slave,
            ..(*t.store_config).clone()
        });
        t
    };
    // The dispatcher answers a rejected request SYSTEM_BUSY "[REJECTREQUEST]system busy,
    // start flow control for a while" (master_slave_it checks it over a socket).
    assert!(SendMessageProcessor::new(slave(false).send_context()).reject_request());
    assert!(!SendMessageProcessor::new(slave(true).send_context()).reject_request());
    assert!(!SendMessageProcessor::new(TestParts::new().send_context()).reject_request());
}
