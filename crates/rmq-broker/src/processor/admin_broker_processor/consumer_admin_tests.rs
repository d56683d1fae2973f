//! The consumer-side admin codes (consumer_admin.rs) over the in-memory store.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::group_list::GroupList;
use rmq_remoting::protocol::body::route::TopicList;
use rmq_remoting::protocol::header::broker::{
    CreateTopicListRequestHeader, DeleteSubscriptionGroupRequestHeader,
    GetProducerConnectionListRequestHeader, QueryTopicConsumeByWhoRequestHeader,
    QueryTopicsByConsumerRequestHeader, UpdateGroupForbiddenRequestHeader,
};
use rmq_remoting::protocol::header::client::{
    GetConsumerRunningInfoRequestHeader, GetConsumerStatusRequestHeader,
};

async fn call(p: &AdminBrokerProcessor, r: RemotingCommand) -> RemotingCommand {
    p.process_request(&client_channel(), r)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn group_forbidden_delete_and_offset_queries() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    t.groups.find_subscription_group_config("cg");
    t.offsets.commit_offset("127.0.0.1:5555", "cg", "CT", 0, 4);
    let h = UpdateGroupForbiddenRequestHeader {
        group: "cg".into(),
        topic: "CT".into(),
        readable: Some(false),
    };
    let r = call(
        &p,
        RemotingCommand::create_request_command(RequestCode::UPDATE_AND_GET_GROUP_FORBIDDEN, &h),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert!(String::from_utf8_lossy(&r.body).contains("\"readable\":false"));

    let by_consumer = QueryTopicsByConsumerRequestHeader { group: "cg".into() };
    let r = call(
        &p,
        RemotingCommand::create_request_command(
            RequestCode::QUERY_TOPICS_BY_CONSUMER,
            &by_consumer,
        ),
    )
    .await;
    let list: TopicList = decode(&r.body).unwrap();
    assert!(list.topic_list.contains("CT"));
    assert_eq!(list.broker_addr.as_deref(), Some("127.0.0.1:10911"));
    let by_who = QueryTopicConsumeByWhoRequestHeader { topic: "CT".into() };
    let r = call(
        &p,
        RemotingCommand::create_request_command(RequestCode::QUERY_TOPIC_CONSUME_BY_WHO, &by_who),
    )
    .await;
    let groups: GroupList = decode(&r.body).unwrap();
    assert!(groups.group_list.contains("cg"));

    let delete = DeleteSubscriptionGroupRequestHeader {
        group_name: "cg".into(),
        clean_offset: Some(true),
    };
    let r = call(
        &p,
        RemotingCommand::create_request_command(RequestCode::DELETE_SUBSCRIPTIONGROUP, &delete),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert_eq!(t.offsets.query_offset("cg", "CT", 0), -1);
}

#[tokio::test]
async fn codes_relayed_to_clients_need_them_online() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let status = GetConsumerStatusRequestHeader {
        topic: "CT".into(),
        group: "cg".into(),
        client_addr: None,
    };
    let r = call(
        &p,
        RemotingCommand::create_request_command(
            RequestCode::INVOKE_BROKER_TO_GET_CONSUMER_STATUS,
            &status,
        ),
    )
    .await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("No Any Consumer online in the consumer group: [cg]")
        )
    );
    let running = GetConsumerRunningInfoRequestHeader {
        consumer_group: "cg".into(),
        client_id: "c1".into(),
        jstack_enable: None,
    };
    let r = call(
        &p,
        RemotingCommand::create_request_command(RequestCode::GET_CONSUMER_RUNNING_INFO, &running),
    )
    .await;
    assert_ne!(r.code, ResponseCode::SUCCESS.0);
    let producers = GetProducerConnectionListRequestHeader {
        producer_group: "pg".into(),
    };
    let r = call(
        &p,
        RemotingCommand::create_request_command(
            RequestCode::GET_PRODUCER_CONNECTION_LIST,
            &producers,
        ),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    let r = call(
        &p,
        RemotingCommand::create_request_command(
            RequestCode::GET_ALL_PRODUCER_INFO,
            &CreateTopicListRequestHeader::default(),
        ),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
}
