//! The request-header annotations of Java 5.3.3 that `DefaultAuthorizationContextBuilder`
//! falls back to for codes it does not list.

use super::model::{Action, ResourceType as RT};

/// One annotated header.
pub(super) type Annotation = (i32, RT, &'static [Action], &'static [(&'static str, RT, &'static str)]);

/// `(code, resource type, actions, [(header field, resource type, splitter)])` of every
/// request header Java 5.3.3 annotates with `@RocketMQAction` / `@RocketMQResource` (generated
/// from the Java sources; fields in declaration order).
pub(super) const ANNOTATIONS: &[Annotation] = &[
    (10, RT::Unknown, &[Action::Pub], &[("topic", RT::Topic, "")]), // SEND_MESSAGE
    (11, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // PULL_MESSAGE
    (12, RT::Unknown, &[Action::Sub, Action::Get], &[("topic", RT::Topic, "")]), // QUERY_MESSAGE
    (14, RT::Unknown, &[Action::Get], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // QUERY_CONSUMER_OFFSET
    (15, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // UPDATE_CONSUMER_OFFSET
    (17, RT::Unknown, &[Action::Create], &[("topic", RT::Topic, "")]), // UPDATE_AND_CREATE_TOPIC
    (18, RT::Unknown, &[Action::Create], &[]), // UPDATE_AND_CREATE_TOPIC_LIST
    (21, RT::Topic, &[Action::List], &[]), // GET_ALL_TOPIC_CONFIG
    (29, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // SEARCH_OFFSET_BY_TIMESTAMP
    (30, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // GET_MAX_OFFSET
    (31, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // GET_MIN_OFFSET
    (32, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // GET_EARLIEST_MSG_STORETIME
    (33, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // VIEW_MESSAGE_BY_ID
    (34, RT::Group, &[Action::Pub, Action::Sub], &[]), // HEART_BEAT
    (35, RT::Unknown, &[Action::Pub, Action::Sub], &[("consumerGroup", RT::Group, "")]), // UNREGISTER_CLIENT
    (36, RT::Unknown, &[Action::Sub], &[("group", RT::Group, ""), ("originTopic", RT::Topic, "")]), // CONSUMER_SEND_MSG_BACK
    (37, RT::Unknown, &[Action::Pub], &[("topic", RT::Topic, "")]), // END_TRANSACTION
    (38, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, "")]), // GET_CONSUMER_LIST_BY_GROUP
    (39, RT::Unknown, &[Action::Pub], &[("topic", RT::Topic, "")]), // CHECK_TRANSACTION_STATE
    (40, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, "")]), // NOTIFY_CONSUMER_IDS_CHANGED
    (41, RT::Unknown, &[Action::Sub], &[]), // LOCK_BATCH_MQ
    (42, RT::Unknown, &[Action::Sub], &[]), // UNLOCK_BATCH_MQ
    (100, RT::Cluster, &[Action::Update], &[]), // PUT_KV_CONFIG
    (101, RT::Cluster, &[Action::Get], &[]), // GET_KV_CONFIG
    (102, RT::Cluster, &[Action::Update], &[]), // DELETE_KV_CONFIG
    (103, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // REGISTER_BROKER
    (104, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // UNREGISTER_BROKER
    (105, RT::Cluster, &[Action::Get], &[]), // GET_ROUTEINFO_BY_TOPIC
    (202, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // GET_TOPIC_STATS_INFO
    (203, RT::Unknown, &[Action::Get], &[("consumerGroup", RT::Group, "")]), // GET_CONSUMER_CONNECTION_LIST
    (204, RT::Cluster, &[Action::Get], &[]), // GET_PRODUCER_CONNECTION_LIST
    (205, RT::Cluster, &[Action::Update], &[]), // WIPE_WRITE_PERM_OF_BROKER
    (207, RT::Unknown, &[Action::Delete], &[("groupName", RT::Group, "")]), // DELETE_SUBSCRIPTIONGROUP
    (208, RT::Unknown, &[Action::Get], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, ""), ("topicList", RT::Topic, "")]), // GET_CONSUME_STATS
    (215, RT::Unknown, &[Action::Delete], &[("topic", RT::Topic, "")]), // DELETE_TOPIC_IN_BROKER
    (216, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // DELETE_TOPIC_IN_NAMESRV
    (217, RT::Cluster, &[Action::Update], &[]), // REGISTER_TOPIC_IN_NAMESRV
    (219, RT::Cluster, &[Action::Get], &[]), // GET_KVLIST_BY_NAMESPACE
    (222, RT::Unknown, &[Action::Update], &[("group", RT::Group, ""), ("topic", RT::Topic, "")]), // INVOKE_BROKER_TO_RESET_OFFSET
    (223, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, ""), ("group", RT::Group, "")]), // INVOKE_BROKER_TO_GET_CONSUMER_STATUS
    (224, RT::Topic, &[Action::List], &[]), // GET_TOPICS_BY_CLUSTER
    (300, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // QUERY_TOPIC_CONSUME_BY_WHO
    (303, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, ""), ("group", RT::Group, "")]), // QUERY_CONSUME_TIME_SPAN
    (307, RT::Unknown, &[Action::Get], &[("consumerGroup", RT::Group, "")]), // GET_CONSUMER_RUNNING_INFO
    (308, RT::Unknown, &[Action::Get], &[("filterGroups", RT::Group, ","), ("compareGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // QUERY_CORRECTION_OFFSET
    (309, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // CONSUME_MESSAGE_DIRECTLY
    (310, RT::Unknown, &[Action::Pub], &[("b", RT::Topic, "")]), // SEND_MESSAGE_V2
    (314, RT::Unknown, &[Action::Update], &[("destGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // CLONE_GROUP_OFFSET
    (315, RT::Cluster, &[Action::Get], &[]), // VIEW_BROKER_STATS_DATA
    (317, RT::Cluster, &[Action::Get], &[]), // GET_BROKER_CONSUME_STATS
    (321, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, ""), ("consumerGroup", RT::Group, "")]), // QUERY_CONSUME_QUEUE
    (322, RT::Cluster, &[Action::Get], &[("clusterName", RT::Cluster, "")]), // QUERY_DATA_VERSION
    (323, RT::Unknown, &[Action::Update], &[("topic", RT::Topic, "")]), // RESUME_CHECK_HALF_MESSAGE
    (326, RT::Unknown, &[Action::Sub], &[("producerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // PUSH_REPLY_MESSAGE_TO_CLIENT
    (327, RT::Cluster, &[Action::Update], &[]), // ADD_WRITE_PERM_OF_BROKER
    (328, RT::Cluster, &[Action::Get], &[]), // GET_ALL_PRODUCER_INFO
    (343, RT::Unknown, &[Action::Get], &[("group", RT::Group, "")]), // QUERY_TOPICS_BY_CONSUMER
    (345, RT::Unknown, &[Action::Get], &[("group", RT::Group, ""), ("topic", RT::Topic, "")]), // QUERY_SUBSCRIPTION_BY_CONSUMER
    (351, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // GET_TOPIC_CONFIG
    (352, RT::Unknown, &[Action::Get], &[("group", RT::Group, "")]), // GET_SUBSCRIPTIONGROUP_CONFIG
    (353, RT::Unknown, &[Action::Update], &[("group", RT::Group, ""), ("topic", RT::Topic, "")]), // UPDATE_AND_GET_GROUP_FORBIDDEN
    (354, RT::Unknown, &[Action::Get], &[("topic", RT::Topic, "")]), // CHECK_ROCKSDB_CQ_WRITE_PROGRESS
    (355, RT::Cluster, &[Action::Get], &[]), // EXPORT_ROCKSDB_CONFIG_TO_JSON
    (370, RT::Unknown, &[Action::Pub], &[("topic", RT::Topic, "")]), // RECALL_MESSAGE
    (901, RT::Unknown, &[Action::Get], &[("clusterName", RT::Cluster, "")]), // GET_BROKER_MEMBER_GROUP
    (902, RT::Cluster, &[Action::Update], &[]), // ADD_BROKER
    (903, RT::Cluster, &[Action::Update], &[("brokerClusterName", RT::Cluster, "")]), // REMOVE_BROKER
    (904, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // BROKER_HEARTBEAT
    (905, RT::Cluster, &[Action::Update], &[]), // NOTIFY_MIN_BROKER_ID_CHANGE
    (906, RT::Cluster, &[Action::Update], &[]), // EXCHANGE_BROKER_HA_INFO
    (908, RT::Cluster, &[Action::Update], &[]), // RESET_MASTER_FLUSH_OFFSET
    (1001, RT::Cluster, &[Action::Update], &[]), // CONTROLLER_ALTER_SYNC_STATE_SET
    (1002, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // CONTROLLER_ELECT_MASTER
    (1003, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // CONTROLLER_REGISTER_BROKER
    (1004, RT::Cluster, &[Action::Get], &[]), // CONTROLLER_GET_REPLICA_INFO
    (1008, RT::Cluster, &[Action::Update], &[]), // NOTIFY_BROKER_ROLE_CHANGED
    (1011, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // CLEAN_BROKER_DATA
    (1012, RT::Cluster, &[Action::Get], &[("clusterName", RT::Cluster, "")]), // CONTROLLER_GET_NEXT_BROKER_ID
    (1013, RT::Cluster, &[Action::Update], &[("clusterName", RT::Cluster, "")]), // CONTROLLER_APPLY_BROKER_ID
    (3001, RT::Cluster, &[Action::Update], &[]), // AUTH_CREATE_USER
    (3002, RT::Cluster, &[Action::Update], &[]), // AUTH_UPDATE_USER
    (3003, RT::Cluster, &[Action::Update], &[]), // AUTH_DELETE_USER
    (3004, RT::Cluster, &[Action::Get], &[]), // AUTH_GET_USER
    (3005, RT::Cluster, &[Action::Get], &[]), // AUTH_LIST_USER
    (3006, RT::Cluster, &[Action::Update], &[]), // AUTH_CREATE_ACL
    (3007, RT::Cluster, &[Action::Update], &[]), // AUTH_UPDATE_ACL
    (3008, RT::Cluster, &[Action::Update], &[]), // AUTH_DELETE_ACL
    (3009, RT::Cluster, &[Action::Get], &[]), // AUTH_GET_ACL
    (3010, RT::Cluster, &[Action::Get], &[]), // AUTH_LIST_ACL
    (200050, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // POP_MESSAGE
    (200051, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // ACK_MESSAGE
    (200052, RT::Unknown, &[Action::Sub], &[("topic", RT::Topic, ""), ("consumerGroup", RT::Group, "")]), // PEEK_MESSAGE
    (200053, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // CHANGE_MESSAGE_INVISIBLETIME
    (200054, RT::Unknown, &[Action::Sub], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // NOTIFICATION
    (200055, RT::Unknown, &[Action::Get], &[("consumerGroup", RT::Group, ""), ("topic", RT::Topic, "")]), // POLLING_INFO
];
