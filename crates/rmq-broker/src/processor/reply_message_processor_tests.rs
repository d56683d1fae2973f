//! ReplyMessageProcessor over the in-memory store: SEND_REPLY_MESSAGE(_V2) whose requester
//! cannot be reached is answered SYSTEM_ERROR and, with `storeReplyMessageEnable`, stored.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_remoting::protocol::header::broker::SendMessageRequestHeaderV2;

fn reply(code: RequestCode, properties: &str) -> RemotingCommand {
    let h = SendMessageRequestHeader {
        producer_group: "pg".into(),
        topic: "ReplyT".into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id: 0,
        properties: Some(properties.into()),
        ..Default::default()
    };
    let mut r = if code == RequestCode::SEND_REPLY_MESSAGE_V2 {
        RemotingCommand::create_request_command(code, &SendMessageRequestHeaderV2::from_v1(&h))
    } else {
        RemotingCommand::create_request_command(code, &h)
    };
    r.body = Bytes::from_static(b"answer");
    r
}

#[tokio::test]
async fn unreachable_requester_is_system_error_and_the_reply_is_stored() {
    let t = TestParts::with_config(|bc| bc.store_reply_message_enable = true);
    let p = ReplyMessageProcessor::new(t.reply_context());
    let r = p
        .process_request(
            &client_channel(),
            reply(RequestCode::SEND_REPLY_MESSAGE, ""),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("reply message properties[REPLY_TO_CLIENT] is null")
        )
    );
    let h: SendMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!(h.queue_offset, 0, "stored anyway");
    assert_eq!(t.store.queue("ReplyT", 0).len(), 1);

    let props = format!("{PROPERTY_MESSAGE_REPLY_TO_CLIENT}\u{1}nobody\u{2}");
    let r = p
        .process_request(
            &client_channel(),
            reply(RequestCode::SEND_REPLY_MESSAGE_V2, &props),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("push reply message fail, channel of <nobody> not found.")
        )
    );
}

#[tokio::test]
async fn reply_to_a_forbidden_topic_is_refused_with_the_send_checks() {
    let t = TestParts::new();
    let p = ReplyMessageProcessor::new(t.reply_context());
    let mut r = reply(RequestCode::SEND_REPLY_MESSAGE, "");
    r.ext_fields
        .insert("topic".into(), "SCHEDULE_TOPIC_XXXX".into());
    let r = p
        .process_request(&client_channel(), r)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.")
        )
    );
}

/// Builds the context of the processor under test from the shared parts.
impl crate::test_support::TestParts {
    /// What the reply processor uses.
    pub(crate) fn reply_context(
        &self,
    ) -> crate::processor::reply_message_processor::ReplyMessageContext {
        crate::processor::reply_message_processor::ReplyMessageContext {
            config: self.config.clone(),
            address: self.address.clone(),
            message_store: self.dyn_store(),
            producer_manager: self.producers.clone(),
            broker_stats_manager: self.stats.clone(),
            topic_config_manager: self.topics.clone(),
        }
    }
}
