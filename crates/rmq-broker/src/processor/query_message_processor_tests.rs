//! QueryMessageProcessor over the in-memory store: QUERY_MESSAGE and VIEW_MESSAGE_BY_ID.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_store::{MessageExtBrokerInner, MessageStore};

#[tokio::test]
async fn view_by_id_answers_the_record_or_system_error() {
    let t = TestParts::new();
    let p = QueryMessageProcessor::new(t.query_context());
    let msg = MessageExtBrokerInner {
        topic: "T".into(),
        body: bytes::Bytes::from_static(b"x"),
        ..Default::default()
    };
    let put = t.store.put_message(&msg).wait();
    assert_eq!(put.status, rmq_store::PutMessageStatus::PutOk);
    let view = |offset| {
        let h = ViewMessageRequestHeader {
            topic: None,
            offset,
        };
        RemotingCommand::create_request_command(RequestCode::VIEW_MESSAGE_BY_ID, &h)
    };
    let r = p
        .process_request(&client_channel(), view(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert_eq!(Some(r.body), t.store.record(0));
    let r = p
        .process_request(&client_channel(), view(77))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("can not find message by the offset, 77")
        )
    );
}

#[tokio::test]
async fn query_without_match_is_query_not_found() {
    let t = TestParts::new();
    let p = QueryMessageProcessor::new(t.query_context());
    let h = QueryMessageRequestHeader {
        topic: "T".into(),
        key: "k".into(),
        max_num: 32,
        begin_timestamp: 0,
        end_timestamp: i64::MAX,
    };
    let r = RemotingCommand::create_request_command(RequestCode::QUERY_MESSAGE, &h);
    let r = p
        .process_request(&client_channel(), r)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::QUERY_NOT_FOUND.0,
            Some("can not find message, maybe time range not correct")
        )
    );
}

/// Builds the context of the processor under test from the shared parts.
impl crate::test_support::TestParts {
    /// What the query processor uses.
    pub(crate) fn query_context(
        &self,
    ) -> crate::processor::query_message_processor::QueryMessageContext {
        crate::processor::query_message_processor::QueryMessageContext {
            message_store: self.dyn_store(),
            message_store_config: self.store_config.clone(),
        }
    }
}
