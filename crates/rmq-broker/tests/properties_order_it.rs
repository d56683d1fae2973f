#![allow(clippy::unwrap_used)]
//! The broker stores the properties string Java 5.3.3's broker stores: Java parses the
//! client's string into a `HashMap`, adds its own properties and encodes the map again, so the
//! pairs come out in `HashMap` order. `tests/data/java_properties_golden.json` holds what
//! Java's own `MessageDecoder` gives for each step (written by
//! `tests/interop/java5/.../PropertiesOrderGolden.java`): sends, sends to a DLQ, batches,
//! messages sent back for retry or to the DLQ; the delayed-delivery and reply steps are
//! checked by unit tests beside their code.

mod common;

use bytes::Bytes;
use common::*;
use rmq_broker::BrokerHandle;
use rmq_common::message::message_decoder::{decode_message_id, decode_properties_string};
use rmq_remoting::protocol::header::broker::{
    ConsumerSendMsgBackRequestHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
};
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode};
use rmq_store::MessageStore;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    input: String,
    send: String,
    /// None where DELAY=-1 would make a timer message (not modelled).
    send_dlq: Option<String>,
    batch: String,
    send_back: String,
    send_back_dlq: String,
}

fn golden() -> Vec<Case> {
    serde_json::from_str(include_str!("data/java_properties_golden.json")).unwrap()
}

/// Replaces the value of `key` (a generated id) so the string compares with the golden one;
/// values do not affect the order, only names do.
fn with_value(props: &str, key: &str, value: &str) -> String {
    props
        .split_terminator('\u{2}')
        .map(|pair| match pair.split_once('\u{1}') {
            Some((k, _)) if k == key => format!("{k}\u{1}{value}\u{2}"),
            _ => format!("{pair}\u{2}"),
        })
        .collect()
}

fn send_request(
    topic: &str,
    queue_id: i32,
    properties: &str,
    reconsume_times: i32,
    batch: bool,
    body: Bytes,
) -> RemotingCommand {
    let header = SendMessageRequestHeaderV2 {
        producer_group: "pg".into(),
        topic: topic.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id,
        sys_flag: 0,
        born_timestamp: rmq_common::util_all::current_millis(),
        flag: 0,
        properties: Some(properties.into()),
        reconsume_times: Some(reconsume_times),
        unit_mode: Some(false),
        max_reconsume_times: None,
        batch: Some(batch),
        broker_name: None,
    };
    let code = if batch {
        RequestCode::SEND_BATCH_MESSAGE
    } else {
        RequestCode::SEND_MESSAGE_V2
    };
    RemotingCommand::create_request_command(code, &header).with_body(body)
}

/// Sends and returns the CommitLog offset of the stored record.
async fn send_raw(c: &RemotingClient, addr: &str, request: RemotingCommand) -> i64 {
    let r = c.invoke(addr, request, 5000).await.unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let h: SendMessageResponseHeader = r.decode_header().unwrap();
    decode_message_id(&h.msg_id).unwrap().offset
}

fn stored_properties(broker: &BrokerHandle, offset: i64) -> String {
    let record = broker
        .controller()
        .message_store()
        .select_one_message_by_offset(offset)
        .unwrap();
    decode_properties_string(&record).unwrap().into_owned()
}

/// The properties of the newest record of a queue.
async fn newest_properties(broker: &BrokerHandle, topic: &str, queue_id: i32, n: i64) -> String {
    wait_dispatched(broker, topic, queue_id, n).await;
    let store = broker.controller().message_store();
    let offset = store.get_commit_log_offset_in_queue(topic, queue_id, n - 1);
    stored_properties(broker, offset)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_properties_are_in_javas_hash_map_order() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let mut schedule_level3 = 0;
    let mut dlq = 0;
    for case in golden() {
        let name = &case.name;
        // A send (the delayed one is parked in SCHEDULE_TOPIC_XXXX).
        let offset = send_raw(
            &c,
            &addr,
            send_request("TopicA", 3, &case.input, 0, false, Bytes::from_static(b"b")),
        )
        .await;
        let stored = stored_properties(&broker, offset);
        assert_eq!(
            with_value(&stored, "UNIQ_KEY", "FIXEDUNIQ"),
            with_value(&case.send, "UNIQ_KEY", "FIXEDUNIQ"),
            "send {name}"
        );
        if name == "no_uniq_key" {
            assert_ne!(stored, case.send, "the broker generated its own UNIQ_KEY");
        }

        dlq += dlq_send_keeps_java_order(&c, &addr, &broker, &case).await;
        if !batch_keeps_java_order(&c, &addr, &broker, &case).await {
            continue;
        }
        send_back_keeps_java_order(
            &c,
            &addr,
            &broker,
            &case,
            offset,
            &mut schedule_level3,
            &mut dlq,
        )
        .await;
    }
    broker.shutdown().await;
}

/// A retry beyond its maximum goes to the DLQ with DELAY=-1; returns the DLQ messages added.
async fn dlq_send_keeps_java_order(
    c: &RemotingClient,
    addr: &str,
    broker: &BrokerHandle,
    case: &Case,
) -> i64 {
    let name = &case.name;
    let Some(expected) = &case.send_dlq else {
        return 0;
    };
    let to_dlq = send_raw(
        c,
        addr,
        send_request(
            "%RETRY%g",
            0,
            &case.input,
            17,
            false,
            Bytes::from_static(b"b"),
        ),
    )
    .await;
    assert_eq!(
        with_value(&stored_properties(broker, to_dlq), "UNIQ_KEY", "FIXEDUNIQ"),
        with_value(expected, "UNIQ_KEY", "FIXEDUNIQ"),
        "DLQ send {name}"
    );
    1
}

/// A batch of one message keeps its own properties, then the batch's; false for the delayed
/// case, which Java refuses as a batch.
async fn batch_keeps_java_order(
    c: &RemotingClient,
    addr: &str,
    broker: &BrokerHandle,
    case: &Case,
) -> bool {
    let name = &case.name;
    let item = rmq_common::Message {
        topic: "TopicA".into(),
        body: Bytes::from_static(b"item"),
        properties: [("X".to_string(), "y".to_string())].into(),
        ..Default::default()
    };
    let body = rmq_common::message::message_decoder::encode_messages(&[item]);
    let request = send_request("TopicB", 0, &case.input, 0, true, body.clone());
    if name == "delay" {
        // Java's CommitLog refuses a delayed batch too.
        let r = c.invoke(addr, request, 5000).await.unwrap();
        assert_eq!(r.code, rmq_remoting::ResponseCode::MESSAGE_ILLEGAL.0);
        return false;
    }
    let batch = send_raw(
        c,
        addr,
        send_request("TopicB", 0, &case.input, 0, true, body),
    )
    .await;
    assert_eq!(
        stored_properties(broker, batch),
        format!("X\u{1}y\u{2}{}", case.batch),
        "batch {name}"
    );

    true
}

/// Sent back for a retry (delay level 3) and to the DLQ, in Java's order.
async fn send_back_keeps_java_order(
    c: &RemotingClient,
    addr: &str,
    broker: &BrokerHandle,
    case: &Case,
    offset: i64,
    schedule_level3: &mut i64,
    dlq: &mut i64,
) {
    let name = &case.name;
    // Delay level 3 is parked in SCHEDULE_TOPIC_XXXX queue 2.
    for (delay_level, expected) in [(3, &case.send_back), (-1, &case.send_back_dlq)] {
        let header = ConsumerSendMsgBackRequestHeader {
            offset,
            group: "g".into(),
            delay_level,
            origin_msg_id: None,
            origin_topic: Some("TopicA".into()),
            unit_mode: None,
            max_reconsume_times: None,
        };
        let r = c
            .invoke(
                addr,
                RemotingCommand::create_request_command(
                    RequestCode::CONSUMER_SEND_MSG_BACK,
                    &header,
                ),
                5000,
            )
            .await
            .unwrap();
        assert_eq!(r.code, 0, "{:?}", r.remark);
        let props = if delay_level > 0 {
            *schedule_level3 += 1;
            newest_properties(broker, "SCHEDULE_TOPIC_XXXX", 2, *schedule_level3).await
        } else {
            *dlq += 1;
            newest_properties(broker, "%DLQ%g", 0, *dlq).await
        };
        let props = with_value(&props, "ORIGIN_MESSAGE_ID", "MSGID");
        assert_eq!(
            with_value(&props, "UNIQ_KEY", "FIXEDUNIQ"),
            with_value(expected, "UNIQ_KEY", "FIXEDUNIQ"),
            "send back {name} at level {delay_level}"
        );
    }
}
