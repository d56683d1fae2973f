//! AdminBrokerProcessor over the in-memory store: topic, broker config, runtime, offset,
//! lock and subscription group codes, answered and refused.

use super::*;
use crate::test_support::{client_channel, code_remark, TestParts};
use rmq_remoting::protocol::header::broker::{
    CreateTopicListRequestHeader, CreateTopicRequestHeader, DeleteTopicRequestHeader,
    GetConsumerConnectionListRequestHeader, GetMaxOffsetRequestHeader,
    GetSubscriptionGroupConfigRequestHeader, GetTopicConfigRequestHeader,
};
use rmq_store::{MessageExtBrokerInner, MessageStore};
use std::sync::atomic::Ordering;

async fn call(p: &AdminBrokerProcessor, r: RemotingCommand) -> RemotingCommand {
    p.process_request(&client_channel(), r)
        .await
        .unwrap()
        .unwrap()
}

fn no_header(code: RequestCode) -> RemotingCommand {
    RemotingCommand::create_request_command(code, &CreateTopicListRequestHeader::default())
}

fn create_topic(topic: &str) -> RemotingCommand {
    let h = CreateTopicRequestHeader {
        topic: topic.into(),
        default_topic: "TBW102".into(),
        read_queue_nums: 4,
        write_queue_nums: 4,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        ..Default::default()
    };
    RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &h)
}

#[tokio::test]
async fn topics_are_created_read_and_deleted() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let r = call(&p, create_topic("AdminT")).await;
    assert_eq!(code_remark(&r), (ResponseCode::SUCCESS.0, None));
    assert_eq!(t.registrar.increments.load(Ordering::SeqCst), 1);
    let r = call(&p, create_topic("bad topic")).await;
    assert_eq!(r.code, ResponseCode::INVALID_PARAMETER.0);
    let get = |topic: &str| {
        let h = GetTopicConfigRequestHeader {
            topic: topic.into(),
        };
        RemotingCommand::create_request_command(RequestCode::GET_TOPIC_CONFIG, &h)
    };
    assert_eq!(call(&p, get("AdminT")).await.code, ResponseCode::SUCCESS.0);
    assert_eq!(
        call(&p, get("NoSuch")).await.code,
        ResponseCode::TOPIC_NOT_EXIST.0
    );
    let all = call(&p, no_header(RequestCode::GET_ALL_TOPIC_CONFIG)).await;
    assert!(String::from_utf8_lossy(&all.body).contains("AdminT"));
    let h = DeleteTopicRequestHeader {
        topic: "AdminT".into(),
    };
    let r = RemotingCommand::create_request_command(RequestCode::DELETE_TOPIC_IN_BROKER, &h);
    assert_eq!(call(&p, r).await.code, ResponseCode::SUCCESS.0);
    assert!(!t.topics.contains_topic("AdminT"));
}

fn update_config(body: &str) -> RemotingCommand {
    let mut r = no_header(RequestCode::UPDATE_BROKER_CONFIG);
    r.body = bytes::Bytes::copy_from_slice(body.as_bytes());
    r
}

#[tokio::test]
async fn update_broker_config_publishes_a_new_snapshot() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let before = t.config.load();
    let r = call(&p, update_config("brokerPermission=4\n")).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert_eq!(t.config.load().broker_permission, 4);
    assert_eq!(
        before.broker_permission, 6,
        "old snapshots stay as they were"
    );
    assert_eq!(t.registrar.full.load(Ordering::SeqCst), 1);
    let r = call(&p, update_config("brokerConfigPath=/x\n")).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("Can not update config in black list.")
        )
    );
    let r = call(&p, no_header(RequestCode::GET_BROKER_CONFIG)).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let text = String::from_utf8_lossy(&r.body);
    assert!(text.contains("brokerPermission=4"), "{text}");
    assert!(text.contains("listenPort=10911"), "{text}");
}

#[tokio::test]
async fn runtime_info_and_offsets_come_from_the_store() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let r = call(&p, no_header(RequestCode::GET_BROKER_RUNTIME_INFO)).await;
    let text = String::from_utf8_lossy(&r.body).to_string();
    for key in [
        "brokerVersionDesc",
        "sendThreadPoolQueueCapacity",
        "timerEnqueueTps",
    ] {
        assert!(text.contains(key), "{key} in {text}");
    }
    let msg = MessageExtBrokerInner {
        topic: "OffT".into(),
        ..Default::default()
    };
    let put = t.store.put_message(&msg).wait();
    assert_eq!(put.status, rmq_store::PutMessageStatus::PutOk);
    let h = GetMaxOffsetRequestHeader {
        topic: "OffT".into(),
        queue_id: 0,
        committed: None,
    };
    let r = RemotingCommand::create_request_command(RequestCode::GET_MAX_OFFSET, &h);
    let r = call(&p, r).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    assert_eq!(r.ext_field("offset"), Some("1"));
    let r = RemotingCommand::create_request_command(RequestCode::GET_MIN_OFFSET, &h);
    assert_eq!(call(&p, r).await.ext_field("offset"), Some("0"));
}

#[tokio::test]
async fn subscription_groups_and_consumer_codes() {
    let t = TestParts::with_config(|bc| bc.auto_create_subscription_group = false);
    let p = AdminBrokerProcessor::new(t.admin_context());
    let get = RemotingCommand::create_request_command(
        RequestCode::GET_SUBSCRIPTIONGROUP_CONFIG,
        &GetSubscriptionGroupConfigRequestHeader { group: "ag".into() },
    );
    let r = call(&p, get.clone()).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST.0,
            Some("No group in this broker")
        )
    );
    let mut create = no_header(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP);
    create.body = bytes::Bytes::from_static(br#"{"groupName":"ag"}"#);
    assert_eq!(call(&p, create).await.code, ResponseCode::SUCCESS.0);
    assert_eq!(call(&p, get).await.code, ResponseCode::SUCCESS.0);
    let conns = RemotingCommand::create_request_command(
        RequestCode::GET_CONSUMER_CONNECTION_LIST,
        &GetConsumerConnectionListRequestHeader {
            consumer_group: "ag".into(),
        },
    );
    let r = call(&p, conns).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::CONSUMER_NOT_ONLINE.0,
            Some("the consumer group[ag] not online")
        )
    );
    for code in [
        RequestCode::GET_ALL_CONSUMER_OFFSET,
        RequestCode::GET_ALL_DELAY_OFFSET,
        RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
        RequestCode::GET_ALL_PRODUCER_INFO,
        RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_BROKER,
        RequestCode::CLEAN_UNUSED_TOPIC,
    ] {
        assert_eq!(call(&p, no_header(code)).await.code, 0, "{code:?}");
    }
}

#[tokio::test]
async fn unknown_codes_are_not_supported() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let r = call(&p, no_header(RequestCode(9999))).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::REQUEST_CODE_NOT_SUPPORTED.0,
            Some(" request type 9999 not supported")
        )
    );
}

#[tokio::test]
async fn controller_mode_codes_outside_controller_mode_answer_as_java() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let r = call(&p, no_header(RequestCode::GET_BROKER_EPOCH_CACHE)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("this request only for controllerMode ")
        )
    );
    // NOTIFY_BROKER_ROLE_CHANGED is acknowledged (Java ignores it without a ReplicasManager).
    let header = rmq_remoting::protocol::header::controller::NotifyBrokerRoleChangedRequestHeader {
        master_address: Some("127.0.0.1:10911".into()),
        master_epoch: Some(2),
        sync_state_set_epoch: Some(1),
        master_broker_id: Some(1),
    };
    let body = rmq_remoting::protocol::body::controller::SyncStateSet {
        sync_state_set: [1].into(),
        sync_state_set_epoch: 1,
    };
    let req =
        RemotingCommand::create_request_command(RequestCode::NOTIFY_BROKER_ROLE_CHANGED, &header)
            .with_body(rmq_remoting::protocol::body::encode(&body));
    let r = call(&p, req).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
}

#[tokio::test]
async fn ha_status_is_the_stores_runtime_info_in_java_names() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    // No HA service: Java's remark.
    let r = call(&p, no_header(RequestCode::GET_BROKER_HA_STATUS)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("Can not get HARuntimeInfo, may be duplicationEnable is true")
        )
    );
    let info = rmq_store::ha::HaRuntimeInfo {
        master: true,
        master_commit_log_max_offset: 2048,
        in_sync_slave_nums: 1,
        ha_connection_info: vec![rmq_store::ha::HaConnectionRuntimeInfo {
            addr: "127.0.0.1:50000".into(),
            slave_ack_offset: 1024,
            diff: 1024,
            in_sync: true,
            transferred_byte_in_second: 512,
            transfer_from_where: 2048,
        }],
        ha_client_runtime_info: Default::default(),
    };
    t.store.set_ha_runtime_info(info);
    let r = call(&p, no_header(RequestCode::GET_BROKER_HA_STATUS)).await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    // fastjson: members in name order, the null masterAddr left out.
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        concat!(
            r#"{"haClientRuntimeInfo":{"lastReadTimestamp":0,"lastWriteTimestamp":0,"#,
            r#""masterFlushOffset":0,"maxOffset":0,"transferredByteInSecond":0},"#,
            r#""haConnectionInfo":[{"addr":"127.0.0.1:50000","diff":1024,"inSync":true,"#,
            r#""slaveAckOffset":1024,"transferFromWhere":2048,"transferredByteInSecond":512}],"#,
            r#""inSyncSlaveNums":1,"master":true,"masterCommitLogMaxOffset":2048}"#
        )
    );
}

#[tokio::test]
async fn timer_sync_codes_are_answered_as_java_without_timer_wheel() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let r = call(&p, no_header(RequestCode::GET_TIMER_CHECK_POINT)).await;
    assert_eq!(
        code_remark(&r),
        (ResponseCode::SYSTEM_ERROR.0, Some("The checkpoint is null"))
    );
    let r = call(&p, no_header(RequestCode::GET_TIMER_METRICS)).await;
    assert_eq!(
        code_remark(&r),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("The timer message store is null")
        )
    );
}

#[tokio::test]
async fn message_request_modes_are_an_empty_map() {
    let t = TestParts::new();
    let p = AdminBrokerProcessor::new(t.admin_context());
    let r = call(&p, no_header(RequestCode::GET_ALL_MESSAGE_REQUEST_MODE)).await;
    assert_eq!(code_remark(&r), (ResponseCode::SUCCESS.0, None));
    assert_eq!(&r.body[..], br#"{"messageRequestModeMap":{}}"#);
}

/// Builds the context of the processor under test from the shared parts.
impl crate::test_support::TestParts {
    /// What the admin processor uses.
    pub(crate) fn admin_context(
        &self,
    ) -> crate::processor::admin_broker_processor::AdminBrokerContext {
        let configuration = crate::configuration::Configuration::new(
            self.config.shared().clone(),
            Default::default(),
            self.dir.path().join("broker.properties"),
        );
        crate::processor::admin_broker_processor::AdminBrokerContext {
            config: self.config.clone(),
            configuration: std::sync::Arc::new(configuration),
            address: self.address.clone(),
            registrar: self.registrar.clone(),
            message_store: self.dyn_store(),
            message_store_config: self.store_config.clone(),
            role: rmq_store::RoleState::new(self.store_config.broker_role),
            topic_config_manager: self.topics.clone(),
            subscription_group_manager: self.groups.clone(),
            consumer_offset_manager: self.offsets.clone(),
            consumer_manager: self.consumers.clone(),
            producer_manager: self.producers.clone(),
            rebalance_lock_manager: self.locks.clone(),
            schedule_message_service: self.schedule.clone(),
            timer_message_store: None,
            broker_stats_manager: self.stats.clone(),
            broker_stats: std::sync::Arc::new(crate::broker_stats::BrokerStats::new(
                self.stats.clone(),
            )),
            send_thread_pool_queue: std::sync::Arc::new(
                crate::thread_pool_queue::ThreadPoolQueue::default(),
            ),
            broker2client: self.broker2client_context(),
            replicas: None,
        }
    }
}
