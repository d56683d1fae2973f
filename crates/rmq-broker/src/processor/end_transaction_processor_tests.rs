//! END_TRANSACTION against the in-memory store: every refusal of Java's
//! `EndTransactionProcessor`, the committed record, and the op records.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use crate::transaction::transactional_message_util::test_half_inner;
use rmq_common::mix_all;
use rmq_store::{BrokerRole, MessageStore};

fn context(t: &TestParts) -> EndTransactionContext {
    EndTransactionContext {
        config: t.config.clone(),
        message_store_config: t.store_config.clone(),
        role: rmq_store::RoleState::new(t.store_config.broker_role),
        transactional_message_service: Arc::new(TransactionalMessageService::new(
            t.dyn_store(),
            t.config.clone(),
            t.address.clone(),
            t.offsets.clone(),
            t.stats.clone(),
        )),
        broker_stats_manager: t.stats.clone(),
    }
}

/// Stores a half message of group `pg` for `TopicT` queue 1; returns (phy, queue offset).
async fn store_half(t: &TestParts, extra: &[(&str, &str)], born: i64) -> (i64, i64) {
    let msg = test_half_inner(extra, born, t.address.store_host());
    let r = t.store.put_message(&msg).await;
    let a = r.append_result.unwrap();
    (a.wrote_offset, a.logics_offset)
}

fn end(phy: i64, queue_offset: i64, kind: i32, from_check: bool) -> RemotingCommand {
    let h = EndTransactionRequestHeader {
        topic: Some("TopicT".into()),
        producer_group: "pg".into(),
        tran_state_table_offset: queue_offset,
        commit_log_offset: phy,
        commit_or_rollback: kind,
        from_transaction_check: Some(from_check),
        msg_id: "UNIQ1".into(),
        transaction_id: Some("UNIQ1".into()),
    };
    RemotingCommand::create_request_command(rmq_remoting::RequestCode::END_TRANSACTION, &h)
}

async fn call(p: &EndTransactionProcessor, r: RemotingCommand) -> Option<RemotingCommand> {
    p.process_request(&client_channel(), r).await.unwrap()
}

fn op_bodies(t: &TestParts) -> Vec<String> {
    t.store
        .queue(mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC, 0)
        .into_iter()
        .map(|phy| {
            let m = StoredMessage::decode(&t.store.record(phy).unwrap()).unwrap();
            String::from_utf8(m.ext.message.body.to_vec()).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn commit_stores_the_real_message_as_java_and_queues_an_op() {
    let t = TestParts::with_config(|bc| bc.transaction_op_msg_max_size = 1);
    let ctx = context(&t);
    let p = EndTransactionProcessor::new(ctx.clone());
    let (phy, qo) = store_half(&t, &[], current_millis()).await;
    let r = call(&p, end(phy, qo, TRANSACTION_COMMIT_TYPE, false))
        .await
        .unwrap();
    assert_eq!(code_remark(&r), (ResponseCode::SUCCESS.0, None));
    let real = t.store.queue("TopicT", 1);
    assert_eq!(real.len(), 1);
    let m = StoredMessage::decode(&t.store.record(real[0]).unwrap()).unwrap();
    assert_eq!(m.ext.sys_flag & 0xC, TRANSACTION_COMMIT_TYPE);
    assert_eq!(m.ext.prepared_transaction_offset, phy);
    assert_eq!(m.property(PROPERTY_TRANSACTION_PREPARED), Some("true"));
    assert_eq!(m.property(PROPERTY_REAL_TOPIC), Some("TopicT"));
    assert_eq!(m.property(PROPERTY_REAL_QUEUE_ID), Some("1"));
    assert_eq!(&m.ext.message.body[..], b"body");
    // Over transactionOpMsgMaxSize: the op batch writes the buffer at once.
    ctx.transactional_message_service
        .flush_op_buffers_for_test()
        .await;
    assert_eq!(op_bodies(&t), vec![format!("{qo},")]);
}

#[tokio::test]
async fn rollback_writes_only_the_op_and_unknown_answers_nothing() {
    let t = TestParts::new();
    let ctx = context(&t);
    let p = EndTransactionProcessor::new(ctx.clone());
    let (phy, qo) = store_half(&t, &[], current_millis()).await;
    assert!(call(&p, end(phy, qo, TRANSACTION_NOT_TYPE, false))
        .await
        .is_none());
    assert!(call(&p, end(phy, qo, TRANSACTION_NOT_TYPE, true))
        .await
        .is_none());
    let r = call(&p, end(phy, qo, TRANSACTION_ROLLBACK_TYPE, true))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert!(t.store.queue("TopicT", 1).is_empty());
    ctx.transactional_message_service
        .flush_op_buffers_for_test()
        .await;
    assert_eq!(op_bodies(&t), vec![format!("{qo},")]);
}

#[tokio::test]
async fn refusals_answer_java_codes_and_texts() {
    let t = TestParts::new();
    let p = EndTransactionProcessor::new(context(&t));
    let (phy, qo) = store_half(&t, &[], current_millis()).await;
    let err = |r: Option<RemotingCommand>| {
        let r = r.unwrap();
        (r.code, r.remark)
    };
    let sys = |s: &str| (ResponseCode::SYSTEM_ERROR.0, Some(s.to_string()));
    let r = call(&p, end(phy + 100_000, qo, TRANSACTION_COMMIT_TYPE, false)).await;
    assert_eq!(err(r), sys("Find prepared transaction message failed"));
    let r = call(&p, end(phy, qo + 1, TRANSACTION_COMMIT_TYPE, false)).await;
    assert_eq!(err(r), sys("The transaction state table offset wrong"));
    let mut wrong_group = end(phy, qo, TRANSACTION_ROLLBACK_TYPE, false);
    wrong_group.add_ext_field("producerGroup", "other");
    assert_eq!(
        err(call(&p, wrong_group).await),
        sys("The producer group wrong")
    );
    let (phy2, _) = store_half(&t, &[], current_millis()).await;
    let r = call(&p, end(phy2, qo, TRANSACTION_COMMIT_TYPE, false)).await;
    assert_eq!(err(r), sys("The transaction state table offset wrong"));
    assert!(t.store.queue("TopicT", 1).is_empty(), "nothing committed");
    // Wrong type: the header's checkFields fails, the remoting layer answers.
    assert!(p
        .process_request(&client_channel(), end(phy, qo, 3, false))
        .await
        .is_err());
}

#[tokio::test]
async fn late_end_after_the_immunity_time_is_illegal_unless_from_a_check() {
    let t = TestParts::new();
    let p = EndTransactionProcessor::new(context(&t));
    let born = current_millis() - 60_000;
    let (phy, qo) = store_half(&t, &[(PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS, "10")], born).await;
    let r = call(&p, end(phy, qo, TRANSACTION_COMMIT_TYPE, false))
        .await
        .unwrap();
    assert_eq!(code_remark(&r), (ResponseCode::ILLEGAL_OPERATION.0, None));
    let r = call(&p, end(phy, qo, TRANSACTION_COMMIT_TYPE, true))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    // Within the immunity time (at least transactionTimeOut) a producer may still end it.
    let (phy, qo) = store_half(
        &t,
        &[(PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS, "1")],
        current_millis() - 3000,
    )
    .await;
    let r = call(&p, end(phy, qo, TRANSACTION_ROLLBACK_TYPE, false))
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
}

#[tokio::test]
async fn a_slave_refuses_with_slave_not_available() {
    let mut t = TestParts::new();
    t.store_config = Arc::new(rmq_store::MessageStoreConfig {
        broker_role: BrokerRole::Slave,
        ..(*t.store_config).clone()
    });
    let p = EndTransactionProcessor::new(context(&t));
    let (phy, qo) = store_half(&t, &[], current_millis()).await;
    let r = call(&p, end(phy, qo, TRANSACTION_COMMIT_TYPE, false))
        .await
        .unwrap();
    assert_eq!(code_remark(&r), (ResponseCode::SLAVE_NOT_AVAILABLE.0, None));
    assert!(t.store.queue("TopicT", 1).is_empty());
}
