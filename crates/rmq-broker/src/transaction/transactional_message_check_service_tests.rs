//! The check pass against the in-memory store: checks, skips, immunity and discards.

use super::*;
use crate::client::client_channel_info::ClientChannelInfo;
use crate::test_support::TestParts;
use crate::transaction::transactional_message_util::test_half_inner;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_remoting::protocol::language_code::LanguageCode;
use rmq_remoting::Channel;
use rmq_store::MessageStore;
use tokio::sync::mpsc::Receiver;

struct Setup {
    t: TestParts,
    svc: Arc<TransactionalMessageService>,
    check: TransactionalMessageCheckService,
    rx: Receiver<RemotingCommand>,
    _channel: Channel,
}

fn setup() -> Setup {
    let t = TestParts::with_config(|bc| bc.transaction_time_out = 1000);
    let svc = Arc::new(TransactionalMessageService::new(
        t.dyn_store(),
        t.config.clone(),
        t.address.clone(),
        t.offsets.clone(),
        t.stats.clone(),
    ));
    let check = TransactionalMessageCheckService::new(
        svc.clone(),
        t.topics.clone(),
        t.producers.clone(),
        t.store_config.clone(),
        rmq_store::RoleState::new(t.store_config.broker_role),
    );
    let (channel, rx) = Channel::detached("127.0.0.1:6666".parse().unwrap());
    let info = ClientChannelInfo::new(channel.clone(), "c1".into(), LanguageCode::JAVA, 0);
    t.producers.register_producer("pg", info);
    Setup {
        t,
        svc,
        check,
        rx,
        _channel: channel,
    }
}

/// Stores a half message, then lets the clock pass its store time (a pass stops at records
/// stored at or after its start, Java's "fresh stored").
async fn store_half(s: &Setup, extra: &[(&str, &str)], born: i64) -> (i64, i64) {
    let msg = test_half_inner(extra, born, s.t.address.store_host());
    let a = s.t.store.put_message(&msg).await.append_result.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    (a.wrote_offset, a.logics_offset)
}

fn half_queue(s: &Setup) -> Vec<StoredMessage> {
    s.t.store
        .queue(mix_all::RMQ_SYS_TRANS_HALF_TOPIC, 0)
        .into_iter()
        .map(|phy| StoredMessage::decode(&s.t.store.record(phy).unwrap()).unwrap())
        .collect()
}

fn committed(s: &Setup, topic: &str) -> i64 {
    s.t.offsets
        .query_offset(mix_all::CID_SYS_RMQ_TRANS, topic, 0)
}

#[tokio::test]
async fn an_old_half_is_copied_with_check_times_and_checked_on_the_copy() {
    let mut s = setup();
    store_half(&s, &[], current_millis() - 5000).await;
    s.check.check().await;
    let half = half_queue(&s);
    assert_eq!(half.len(), 2, "copy appended");
    assert_eq!(
        half[1].property(PROPERTY_TRANSACTION_CHECK_TIMES),
        Some("1")
    );
    let req = s.rx.try_recv().expect("CHECK_TRANSACTION_STATE sent");
    assert_eq!(req.code, RequestCode::CHECK_TRANSACTION_STATE.0);
    let h: CheckTransactionStateRequestHeader = req.decode_header().unwrap();
    assert_eq!(h.topic.as_deref(), Some(mix_all::RMQ_SYS_TRANS_HALF_TOPIC));
    assert_eq!(h.tran_state_table_offset, 1);
    assert_eq!(h.commit_log_offset, half[1].ext.commit_log_offset);
    assert_eq!(h.msg_id.as_deref(), Some("UNIQ1"));
    assert_eq!(h.transaction_id.as_deref(), Some("UNIQ1"));
    assert_eq!(
        req.ext_fields.get("bname").map(String::as_str),
        Some("broker-a")
    );
    let (body, _) = decode(&req.body, DecodeOptions::default()).unwrap();
    assert_eq!((body.topic(), body.queue_id), ("TopicT", 1));
    assert_eq!(committed(&s, mix_all::RMQ_SYS_TRANS_HALF_TOPIC), 1);
    // The copy was stored after the pass began; a pass that begins later checks it.
    tokio::time::sleep(Duration::from_millis(5)).await;
    s.check.check().await;
    let req = s.rx.try_recv().expect("checked again");
    let h: CheckTransactionStateRequestHeader = req.decode_header().unwrap();
    assert_eq!(h.tran_state_table_offset, 2);
    assert_eq!(
        half_queue(&s)[2].property(PROPERTY_TRANSACTION_CHECK_TIMES),
        Some("2")
    );
}

#[tokio::test]
async fn ended_halves_are_skipped_and_op_progress_committed() {
    let mut s = setup();
    let (_, qo) = store_half(&s, &[], current_millis() - 5000).await;
    let half = half_queue(&s).remove(0);
    s.svc.delete_prepare_message(&half).await;
    s.svc.flush_op_buffers_for_test().await;
    assert_eq!(qo, 0);
    s.check.check().await;
    assert!(s.rx.try_recv().is_err(), "no check for an ended half");
    assert_eq!(half_queue(&s).len(), 1, "no copy");
    assert_eq!(committed(&s, mix_all::RMQ_SYS_TRANS_HALF_TOPIC), 1);
    assert_eq!(committed(&s, mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC), 1);
}

#[tokio::test]
async fn a_young_half_waits_for_the_transaction_timeout() {
    let mut s = setup();
    store_half(&s, &[], current_millis() + 60_000).await;
    // Born in the future counts as a clock skew and is checked (Java `age <= -1`).
    s.check.check().await;
    assert!(s.rx.try_recv().is_ok());
    let mut s = setup();
    s.t.config.update(|bc| bc.transaction_time_out = 600_000);
    store_half(&s, &[], current_millis()).await;
    s.check.check().await;
    assert!(s.rx.try_recv().is_err(), "within transactionTimeOut");
    assert_eq!(half_queue(&s).len(), 1);
    assert_eq!(
        committed(&s, mix_all::RMQ_SYS_TRANS_HALF_TOPIC),
        -1,
        "nothing done"
    );
}

#[tokio::test]
async fn immunity_reappends_with_the_prepared_offset_until_due() {
    let mut s = setup();
    let immunity = [(PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS, "600")];
    store_half(&s, &immunity, current_millis() - 5000).await;
    s.check.check().await;
    assert!(s.rx.try_recv().is_err(), "immune for 600 s");
    let half = half_queue(&s);
    assert_eq!(half.len(), 2);
    assert_eq!(
        half[1].property(PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET),
        Some("0")
    );
    // The op for offset 0 comes after the pass moved past it: Java reads only op entries at
    // or above the committed half offset, so the copy is re-appended again, still immune.
    s.svc.delete_prepare_message(&half[0]).await;
    s.svc.flush_op_buffers_for_test().await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    s.check.check().await;
    assert!(s.rx.try_recv().is_err());
    let half = half_queue(&s);
    assert_eq!(half.len(), 3);
    assert_eq!(
        half[2].property(PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET),
        Some("0")
    );
    assert_eq!(committed(&s, mix_all::RMQ_SYS_TRANS_HALF_TOPIC), 2);
    assert_eq!(committed(&s, mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC), 1);
}

#[tokio::test]
async fn a_half_checked_too_often_moves_to_the_discard_topic() {
    let mut s = setup();
    s.t.config.update(|bc| bc.transaction_check_max = 2);
    store_half(
        &s,
        &[(PROPERTY_TRANSACTION_CHECK_TIMES, "2")],
        current_millis() - 5000,
    )
    .await;
    s.check.check().await;
    assert!(s.rx.try_recv().is_err());
    let discarded =
        s.t.store
            .queue(mix_all::RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, 0);
    assert_eq!(discarded.len(), 1);
    let m = StoredMessage::decode(&s.t.store.record(discarded[0]).unwrap()).unwrap();
    assert_eq!(m.property(PROPERTY_REAL_TOPIC), Some("TopicT"));
    assert_eq!(m.property(PROPERTY_TRANSACTION_CHECK_TIMES), Some("2"));
    assert!(s
        .t
        .topics
        .contains_topic(mix_all::RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC));
    assert_eq!(committed(&s, mix_all::RMQ_SYS_TRANS_HALF_TOPIC), 1);
}

#[test]
fn op_offset_advances_over_the_contiguous_done_prefix() {
    assert_eq!(calculate_op_offset(&mut [5, 3, 4, 7], 3), 6);
    assert_eq!(calculate_op_offset(&mut [], 3), 3);
    assert_eq!(calculate_op_offset(&mut [4], 3), 3);
}
