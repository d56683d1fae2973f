//! ClientManageProcessor: HEART_BEAT, UNREGISTER_CLIENT and CHECK_CLIENT_CONFIG.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumerData, MessageModel, ProducerData, SubscriptionData,
};

fn heartbeat(fingerprint: i32) -> RemotingCommand {
    let data = HeartbeatData {
        client_id: "client-1".into(),
        producer_data_set: vec![ProducerData {
            group_name: "pg".into(),
        }],
        consumer_data_set: vec![ConsumerData {
            group_name: "cg".into(),
            consume_type: ConsumeType::ConsumePassively,
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            subscription_data_set: vec![SubscriptionData::build_tag("T", "*")],
            unit_mode: false,
        }],
        heartbeat_fingerprint: fingerprint,
        without_sub: false,
    };
    let mut r = RemotingCommand::create_request_command(
        RequestCode::HEART_BEAT,
        &rmq_remoting::protocol::header::broker::CreateTopicListRequestHeader::default(),
    );
    r.body = encode(&data).into();
    r
}

#[tokio::test]
async fn heartbeat_registers_groups_and_unregister_removes_them() {
    let t = TestParts::new();
    let p = ClientManageProcessor::new(t.client_manage_context());
    let ch = client_channel();
    let r = p.process_request(&ch, heartbeat(0)).await.unwrap().unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert_eq!(r.ext_field(IS_SUPPORT_HEART_BEAT_V2), Some("true"));
    assert_eq!(
        r.ext_field(IS_SUB_CHANGE),
        Some("true"),
        "v1 always says changed"
    );
    let group = t.consumers.get_consumer_group_info("cg").unwrap();
    assert_eq!(group.all_client_ids(), vec!["client-1".to_string()]);
    assert!(t.topics.contains_topic("%RETRY%cg"));
    assert!(t.producers.find_channel("client-1").is_some());
    // v2: the same fingerprint again is no change.
    p.process_request(&ch, heartbeat(7)).await.unwrap();
    let r = p.process_request(&ch, heartbeat(7)).await.unwrap().unwrap();
    assert_eq!(r.ext_field(IS_SUB_CHANGE), Some("false"));

    let h = UnregisterClientRequestHeader {
        client_id: "client-1".into(),
        producer_group: Some("pg".into()),
        consumer_group: Some("cg".into()),
    };
    let r = RemotingCommand::create_request_command(RequestCode::UNREGISTER_CLIENT, &h);
    let r = p.process_request(&ch, r).await.unwrap().unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert!(t.consumers.get_consumer_group_info("cg").is_none());
}

fn check(expression_type: &str, expression: &str) -> RemotingCommand {
    let body = CheckClientRequestBody {
        client_id: "c".into(),
        group: "cg".into(),
        subscription_data: Some(SubscriptionData::build("T", expression, expression_type)),
        namespace: None,
    };
    let mut r = RemotingCommand::create_request_command(
        RequestCode::CHECK_CLIENT_CONFIG,
        &rmq_remoting::protocol::header::broker::CreateTopicListRequestHeader::default(),
    );
    r.body = encode(&body).into();
    r
}

#[tokio::test]
async fn check_client_config_compiles_sql92_when_enabled() {
    let t = TestParts::with_config(|bc| bc.enable_property_filter = true);
    let p = ClientManageProcessor::new(t.client_manage_context());
    let ch = client_channel();
    let ok = |r: Option<RemotingCommand>| r.map(|r| r.code);
    assert_eq!(
        ok(p.process_request(&ch, check("TAG", "a||b")).await.unwrap()),
        Some(0)
    );
    assert_eq!(
        ok(p.process_request(&ch, check("SQL92", "a > 1"))
            .await
            .unwrap()),
        Some(0)
    );
    let r = p
        .process_request(&ch, check("SQL92", "a >>> ("))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUBSCRIPTION_PARSE_FAILED.0);

    let t = TestParts::with_config(|bc| bc.enable_property_filter = false);
    let p = ClientManageProcessor::new(t.client_manage_context());
    let r = p
        .process_request(&ch, check("SQL92", "a > 1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("The broker does not support consumer to filter message by SQL92")
        )
    );
}

/// Builds the context of the processor under test from the shared parts.
impl crate::test_support::TestParts {
    /// What the client management processor uses.
    pub(crate) fn client_manage_context(
        &self,
    ) -> crate::processor::client_manage_processor::ClientManageContext {
        crate::processor::client_manage_processor::ClientManageContext {
            config: self.config.clone(),
            consumer_manager: self.consumers.clone(),
            producer_manager: self.producers.clone(),
            topic_config_manager: self.topics.clone(),
            subscription_group_manager: self.groups.clone(),
        }
    }
}
