//! ConsumerManageProcessor over the in-memory store: GET_CONSUMER_LIST_BY_GROUP,
//! UPDATE_CONSUMER_OFFSET and QUERY_CONSUMER_OFFSET.

use super::*;
use crate::client::client_channel_info::ClientChannelInfo;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_remoting::protocol::body::heartbeat::{ConsumeFromWhere, ConsumeType, MessageModel};
use rmq_remoting::LanguageCode;

async fn call(p: &ConsumerManageProcessor, r: RemotingCommand) -> RemotingCommand {
    p.process_request(&client_channel(), r)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn consumer_list_names_the_online_clients() {
    let t = TestParts::new();
    let p = ConsumerManageProcessor::new(t.consumer_manage_context());
    let h = GetConsumerListByGroupRequestHeader {
        consumer_group: "cg".into(),
    };
    let req =
        || RemotingCommand::create_request_command(RequestCode::GET_CONSUMER_LIST_BY_GROUP, &h);
    let r = call(&p, req()).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("no consumer for this group, cg")
        )
    );
    let info = ClientChannelInfo::new(client_channel(), "c1".into(), LanguageCode::JAVA, 0);
    t.consumers.register_consumer(
        "cg",
        info,
        ConsumeType::ConsumePassively,
        MessageModel::Clustering,
        ConsumeFromWhere::ConsumeFromLastOffset,
        Some(&[]),
        false,
    );
    let r = call(&p, req()).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let body: GetConsumerListByGroupResponseBody =
        rmq_remoting::protocol::body::decode(&r.body).unwrap();
    assert_eq!(body.consumer_id_list, vec!["c1".to_string()]);
}

fn update(group: &str, topic: &str, offset: i64) -> RemotingCommand {
    let h = UpdateConsumerOffsetRequestHeader {
        consumer_group: group.into(),
        topic: topic.into(),
        queue_id: 0,
        commit_offset: offset,
    };
    RemotingCommand::create_request_command(RequestCode::UPDATE_CONSUMER_OFFSET, &h)
}

fn query(set_zero: Option<bool>) -> RemotingCommand {
    let h = QueryConsumerOffsetRequestHeader {
        consumer_group: "cg".into(),
        topic: "TopicO".into(),
        queue_id: 0,
        set_zero_if_not_found: set_zero,
    };
    RemotingCommand::create_request_command(RequestCode::QUERY_CONSUMER_OFFSET, &h)
}

#[tokio::test]
async fn offsets_are_committed_and_queried() {
    let t = TestParts::with_config(|bc| bc.auto_create_subscription_group = false);
    let p = ConsumerManageProcessor::new(t.consumer_manage_context());
    t.topics
        .update_topic_config(rmq_common::TopicConfig::new("TopicO"));
    let r = call(&p, update("cg", "TopicO", 5)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST.0,
            Some("Group cg not exist!")
        )
    );
    let r = call(&p, query(Some(false))).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::QUERY_NOT_FOUND.0,
            Some("Not found, do not set to zero, maybe this group boot first")
        )
    );
    let t = TestParts::new();
    let p = ConsumerManageProcessor::new(t.consumer_manage_context());
    t.topics
        .update_topic_config(rmq_common::TopicConfig::new("TopicO"));
    // Known group (auto-created), unknown topic.
    t.groups.find_subscription_group_config("cg");
    let r = call(&p, update("cg", "NoTopic", 5)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::TOPIC_NOT_EXIST.0,
            Some("Topic NoTopic not exist!")
        )
    );
    let r = call(&p, update("cg", "TopicO", 5)).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let r = call(&p, query(None)).await;
    let h: QueryConsumerOffsetResponseHeader = r.decode_header().unwrap();
    assert_eq!((r.code, h.offset), (ResponseCode::SUCCESS.0, 5));
    let mut no_queue = update("cg", "TopicO", 1);
    no_queue.ext_fields.remove("queueId");
    let r = call(&p, no_queue).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::INVALID_PARAMETER.0,
            Some("QueueId is null, topic is TopicO")
        )
    );
}
