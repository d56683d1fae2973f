//! Headers of requests handled by the broker: send, pull, offsets, queries, admin
//! (Java `remoting/protocol/header`).
//!
//! SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE use [`SendMessageRequestHeaderV2`], whose keys are
//! single letters; convert with [`SendMessageRequestHeaderV2::to_v1`] and
//! [`SendMessageRequestHeaderV2::from_v1`].

use crate::command_header;

command_header! {
    /// Java `AckMessageRequestHeader`.
    pub struct AckMessageRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub extra_info: String => "extraInfo",
        pub offset: i64 => "offset",
    }
}

command_header! {
    /// Java `AddBrokerRequestHeader`.
    pub struct AddBrokerRequestHeader {
        pub config_path: Option<String> => "configPath",
    }
}

command_header! {
    /// Java `ChangeInvisibleTimeRequestHeader`.
    pub struct ChangeInvisibleTimeRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub extra_info: String => "extraInfo",
        pub offset: i64 => "offset",
        pub invisible_time: i64 => "invisibleTime",
    }
}

command_header! {
    /// Java `ChangeInvisibleTimeResponseHeader`.
    pub struct ChangeInvisibleTimeResponseHeader {
        pub pop_time: i64 => "popTime",
        pub invisible_time: i64 => "invisibleTime",
        pub revive_qid: i32 => "reviveQid",
    }
}

command_header! {
    /// Java `CloneGroupOffsetRequestHeader`.
    pub struct CloneGroupOffsetRequestHeader {
        pub src_group: String => "srcGroup",
        pub dest_group: String => "destGroup",
        pub topic: Option<String> => "topic",
        pub offline: Option<bool> => "offline",
    }
}

command_header! {
    /// Java `ConsumerSendMsgBackRequestHeader`.
    pub struct ConsumerSendMsgBackRequestHeader {
        pub offset: i64 => "offset",
        pub group: String => "group",
        pub delay_level: i32 => "delayLevel",
        pub origin_msg_id: Option<String> => "originMsgId",
        pub origin_topic: Option<String> => "originTopic",
        pub unit_mode: Option<bool> => "unitMode",
        pub max_reconsume_times: Option<i32> => "maxReconsumeTimes",
    }
}

command_header! {
    /// Java `CreateTopicListRequestHeader`.
    pub struct CreateTopicListRequestHeader {
    }
}

command_header! {
    /// Java `CreateTopicRequestHeader`.
    pub struct CreateTopicRequestHeader {
        pub topic: String => "topic",
        pub default_topic: String => "defaultTopic",
        pub read_queue_nums: i32 => "readQueueNums",
        pub write_queue_nums: i32 => "writeQueueNums",
        pub perm: i32 => "perm",
        pub topic_filter_type: String => "topicFilterType",
        pub topic_sys_flag: Option<i32> => "topicSysFlag",
        pub order: bool => "order",
        pub attributes: Option<String> => "attributes",
        pub force: Option<bool> => "force",
    }
}

command_header! {
    /// Java `DeleteSubscriptionGroupRequestHeader`.
    pub struct DeleteSubscriptionGroupRequestHeader {
        pub group_name: String => "groupName",
        pub clean_offset: Option<bool> => "cleanOffset",
    }
}

command_header! {
    /// Java `DeleteTopicRequestHeader`.
    pub struct DeleteTopicRequestHeader {
        pub topic: String => "topic",
    }
}

command_header! {
    /// Java `EndTransactionRequestHeader`.
    pub struct EndTransactionRequestHeader {
        pub topic: Option<String> => "topic",
        pub producer_group: String => "producerGroup",
        pub tran_state_table_offset: i64 => "tranStateTableOffset",
        pub commit_log_offset: i64 => "commitLogOffset",
        pub commit_or_rollback: i32 => "commitOrRollback",
        pub from_transaction_check: Option<bool> => "fromTransactionCheck",
        pub msg_id: String => "msgId",
        pub transaction_id: Option<String> => "transactionId",
    }
}

command_header! {
    /// Java `EndTransactionResponseHeader`.
    pub struct EndTransactionResponseHeader {
    }
}

command_header! {
    /// Java `ExchangeHAInfoRequestHeader`.
    pub struct ExchangeHAInfoRequestHeader {
    }
}

command_header! {
    /// Java `ExchangeHAInfoResponseHeader`.
    pub struct ExchangeHAInfoResponseHeader {
    }
}

command_header! {
    /// Java `GetAllProducerInfoRequestHeader`.
    pub struct GetAllProducerInfoRequestHeader {
    }
}

command_header! {
    /// Java `GetAllSubscriptionGroupRequestHeader`.
    pub struct GetAllSubscriptionGroupRequestHeader {
        pub group_seq: i32 => "groupSeq",
        pub data_version: Option<String> => "dataVersion",
        pub max_group_num: Option<i32> => "maxGroupNum",
    }
}

command_header! {
    /// Java `GetAllSubscriptionGroupResponseHeader`.
    pub struct GetAllSubscriptionGroupResponseHeader {
        pub total_group_num: i32 => "totalGroupNum",
    }
}

command_header! {
    /// Java `GetAllTopicConfigRequestHeader`.
    pub struct GetAllTopicConfigRequestHeader {
        pub topic_seq: i32 => "topicSeq",
        pub data_version: Option<String> => "dataVersion",
        pub max_topic_num: Option<i32> => "maxTopicNum",
    }
}

command_header! {
    /// Java `GetAllTopicConfigResponseHeader`.
    pub struct GetAllTopicConfigResponseHeader {
        pub total_topic_num: i32 => "totalTopicNum",
    }
}

command_header! {
    /// Java `GetBrokerConfigResponseHeader`.
    pub struct GetBrokerConfigResponseHeader {
        pub version: String => "version",
    }
}

command_header! {
    /// Java `GetConsumeStatsInBrokerHeader`.
    pub struct GetConsumeStatsInBrokerHeader {
        pub is_order: bool => "isOrder",
    }
}

command_header! {
    /// Java `GetConsumeStatsRequestHeader`.
    pub struct GetConsumeStatsRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: Option<String> => "topic",
        pub topic_list: Option<String> => "topicList",
    }
}

command_header! {
    /// Java `GetConsumerConnectionListRequestHeader`.
    pub struct GetConsumerConnectionListRequestHeader {
        pub consumer_group: String => "consumerGroup",
    }
}

command_header! {
    /// Java `GetConsumerListByGroupRequestHeader`.
    pub struct GetConsumerListByGroupRequestHeader {
        pub consumer_group: String => "consumerGroup",
    }
}

command_header! {
    /// Java `GetConsumerListByGroupResponseHeader`.
    pub struct GetConsumerListByGroupResponseHeader {
    }
}

command_header! {
    /// Java `GetEarliestMsgStoretimeRequestHeader`.
    pub struct GetEarliestMsgStoretimeRequestHeader {
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
    }
}

command_header! {
    /// Java `GetEarliestMsgStoretimeResponseHeader`.
    pub struct GetEarliestMsgStoretimeResponseHeader {
        pub timestamp: i64 => "timestamp",
    }
}

command_header! {
    /// Java `GetMaxOffsetRequestHeader`.
    pub struct GetMaxOffsetRequestHeader {
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub committed: Option<bool> => "committed",
    }
}

command_header! {
    /// Java `GetMaxOffsetResponseHeader`.
    pub struct GetMaxOffsetResponseHeader {
        pub offset: i64 => "offset",
    }
}

command_header! {
    /// Java `GetMinOffsetRequestHeader`.
    pub struct GetMinOffsetRequestHeader {
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
    }
}

command_header! {
    /// Java `GetMinOffsetResponseHeader`.
    pub struct GetMinOffsetResponseHeader {
        pub offset: i64 => "offset",
    }
}

command_header! {
    /// Java `GetProducerConnectionListRequestHeader`.
    pub struct GetProducerConnectionListRequestHeader {
        pub producer_group: String => "producerGroup",
    }
}

command_header! {
    /// Java `GetSubscriptionGroupConfigRequestHeader`.
    pub struct GetSubscriptionGroupConfigRequestHeader {
        pub group: String => "group",
    }
}

command_header! {
    /// Java `GetTopicConfigRequestHeader`.
    pub struct GetTopicConfigRequestHeader {
        pub topic: String => "topic",
    }
}

command_header! {
    /// Java `GetTopicStatsInfoRequestHeader`.
    pub struct GetTopicStatsInfoRequestHeader {
        pub topic: String => "topic",
    }
}

command_header! {
    /// Java `HeartbeatRequestHeader`.
    pub struct HeartbeatRequestHeader {
    }
}

command_header! {
    /// Java `InitConsumerOffsetRequestHeader`.
    pub struct InitConsumerOffsetRequestHeader {
        pub topic: Option<String> => "topic",
        pub init_mode: Option<i32> => "initMode",
    }
}

command_header! {
    /// Java `LockBatchMqRequestHeader`.
    pub struct LockBatchMqRequestHeader {
    }
}

command_header! {
    /// Java `NotificationRequestHeader`.
    pub struct NotificationRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub poll_time: i64 => "pollTime",
        pub born_time: i64 => "bornTime",
        pub order: Option<bool> => "order",
        pub attempt_id: Option<String> => "attemptId",
    }
}

command_header! {
    /// Java `NotificationResponseHeader`.
    pub struct NotificationResponseHeader {
        pub has_msg: bool => "hasMsg",
        pub polling_full: Option<bool> => "pollingFull",
    }
}

command_header! {
    /// Java `NotifyBrokerRoleChangedRequestHeader`.
    pub struct NotifyBrokerRoleChangedRequestHeader {
        pub master_address: Option<String> => "masterAddress",
        pub master_epoch: Option<i32> => "masterEpoch",
        pub sync_state_set_epoch: Option<i32> => "syncStateSetEpoch",
        pub master_broker_id: Option<i64> => "masterBrokerId",
    }
}

command_header! {
    /// Java `NotifyMinBrokerIdChangeRequestHeader`.
    pub struct NotifyMinBrokerIdChangeRequestHeader {
        pub min_broker_id: Option<i64> => "minBrokerId",
        pub broker_name: Option<String> => "brokerName",
        pub min_broker_addr: Option<String> => "minBrokerAddr",
        pub offline_broker_addr: Option<String> => "offlineBrokerAddr",
        pub ha_broker_addr: Option<String> => "haBrokerAddr",
    }
}

command_header! {
    /// Java `PeekMessageRequestHeader`.
    pub struct PeekMessageRequestHeader {
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub max_msg_nums: i32 => "maxMsgNums",
        pub consumer_group: String => "consumerGroup",
    }
}

command_header! {
    /// Java `PollingInfoRequestHeader`.
    pub struct PollingInfoRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
    }
}

command_header! {
    /// Java `PollingInfoResponseHeader`.
    pub struct PollingInfoResponseHeader {
        pub polling_num: i32 => "pollingNum",
    }
}

command_header! {
    /// Java `PopMessageRequestHeader`.
    pub struct PopMessageRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub max_msg_nums: i32 => "maxMsgNums",
        pub invisible_time: i64 => "invisibleTime",
        pub poll_time: i64 => "pollTime",
        pub born_time: i64 => "bornTime",
        pub init_mode: i32 => "initMode",
        pub exp_type: Option<String> => "expType",
        pub exp: Option<String> => "exp",
        pub order: Option<bool> => "order",
        pub attempt_id: Option<String> => "attemptId",
    }
}

command_header! {
    /// Java `PopMessageResponseHeader`.
    pub struct PopMessageResponseHeader {
        pub pop_time: i64 => "popTime",
        pub invisible_time: i64 => "invisibleTime",
        pub revive_qid: i32 => "reviveQid",
        pub rest_num: i64 => "restNum",
        pub start_offset_info: Option<String> => "startOffsetInfo",
        pub msg_offset_info: Option<String> => "msgOffsetInfo",
        pub order_count_info: Option<String> => "orderCountInfo",
    }
}

command_header! {
    /// Java `PullMessageRequestHeader`.
    pub struct PullMessageRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub queue_offset: i64 => "queueOffset",
        pub max_msg_nums: i32 => "maxMsgNums",
        pub sys_flag: i32 => "sysFlag",
        pub commit_offset: i64 => "commitOffset",
        pub suspend_timeout_millis: i64 => "suspendTimeoutMillis",
        pub subscription: Option<String> => "subscription",
        pub sub_version: i64 => "subVersion",
        pub expression_type: Option<String> => "expressionType",
        pub max_msg_bytes: Option<i32> => "maxMsgBytes",
        pub request_source: Option<i32> => "requestSource",
        pub proxy_froward_client_id: Option<String> => "proxyFrowardClientId",
    }
}

command_header! {
    /// Java `PullMessageResponseHeader`.
    pub struct PullMessageResponseHeader {
        pub suggest_which_broker_id: i64 => "suggestWhichBrokerId",
        pub next_begin_offset: i64 => "nextBeginOffset",
        pub min_offset: i64 => "minOffset",
        pub max_offset: i64 => "maxOffset",
        pub offset_delta: Option<i64> => "offsetDelta",
        pub topic_sys_flag: Option<i32> => "topicSysFlag",
        pub group_sys_flag: Option<i32> => "groupSysFlag",
        pub forbidden_type: Option<i32> => "forbiddenType",
    }
}

command_header! {
    /// Java `QueryConsumeQueueRequestHeader`.
    pub struct QueryConsumeQueueRequestHeader {
        pub topic: Option<String> => "topic",
        pub queue_id: Option<i32> => "queueId",
        pub index: Option<i64> => "index",
        pub count: Option<i32> => "count",
        pub consumer_group: Option<String> => "consumerGroup",
    }
}

command_header! {
    /// Java `QueryConsumeTimeSpanRequestHeader`.
    pub struct QueryConsumeTimeSpanRequestHeader {
        pub topic: String => "topic",
        pub group: String => "group",
    }
}

command_header! {
    /// Java `QueryConsumerOffsetRequestHeader`.
    pub struct QueryConsumerOffsetRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub set_zero_if_not_found: Option<bool> => "setZeroIfNotFound",
    }
}

command_header! {
    /// Java `QueryConsumerOffsetResponseHeader`.
    pub struct QueryConsumerOffsetResponseHeader {
        pub offset: i64 => "offset",
    }
}

command_header! {
    /// Java `QueryCorrectionOffsetHeader`.
    pub struct QueryCorrectionOffsetHeader {
        pub filter_groups: Option<String> => "filterGroups",
        pub compare_group: String => "compareGroup",
        pub topic: String => "topic",
    }
}

command_header! {
    /// Java `QueryMessageRequestHeader`.
    pub struct QueryMessageRequestHeader {
        pub topic: String => "topic",
        pub key: String => "key",
        pub max_num: i32 => "maxNum",
        pub begin_timestamp: i64 => "beginTimestamp",
        pub end_timestamp: i64 => "endTimestamp",
    }
}

command_header! {
    /// Java `QueryMessageResponseHeader`.
    pub struct QueryMessageResponseHeader {
        pub index_last_update_timestamp: i64 => "indexLastUpdateTimestamp",
        pub index_last_update_phyoffset: i64 => "indexLastUpdatePhyoffset",
    }
}

command_header! {
    /// Java `QuerySubscriptionByConsumerRequestHeader`.
    pub struct QuerySubscriptionByConsumerRequestHeader {
        pub group: String => "group",
        pub topic: Option<String> => "topic",
    }
}

command_header! {
    /// Java `QueryTopicConsumeByWhoRequestHeader`.
    pub struct QueryTopicConsumeByWhoRequestHeader {
        pub topic: String => "topic",
    }
}

command_header! {
    /// Java `QueryTopicsByConsumerRequestHeader`.
    pub struct QueryTopicsByConsumerRequestHeader {
        pub group: String => "group",
    }
}

command_header! {
    /// Java `RecallMessageRequestHeader`.
    pub struct RecallMessageRequestHeader {
        pub producer_group: Option<String> => "producerGroup",
        pub topic: String => "topic",
        pub recall_handle: String => "recallHandle",
    }
}

command_header! {
    /// Java `RecallMessageResponseHeader`.
    pub struct RecallMessageResponseHeader {
        pub msg_id: String => "msgId",
    }
}

command_header! {
    /// Java `RemoveBrokerRequestHeader`.
    pub struct RemoveBrokerRequestHeader {
        pub broker_name: String => "brokerName",
        pub broker_cluster_name: String => "brokerClusterName",
        pub broker_id: i64 => "brokerId",
    }
}

command_header! {
    /// Java `ReplyMessageRequestHeader`.
    pub struct ReplyMessageRequestHeader {
        pub producer_group: String => "producerGroup",
        pub topic: String => "topic",
        pub default_topic: String => "defaultTopic",
        pub default_topic_queue_nums: i32 => "defaultTopicQueueNums",
        pub queue_id: i32 => "queueId",
        pub sys_flag: i32 => "sysFlag",
        pub born_timestamp: i64 => "bornTimestamp",
        pub flag: i32 => "flag",
        pub properties: Option<String> => "properties",
        pub reconsume_times: Option<i32> => "reconsumeTimes",
        pub unit_mode: Option<bool> => "unitMode",
        pub born_host: String => "bornHost",
        pub store_host: String => "storeHost",
        pub store_timestamp: i64 => "storeTimestamp",
    }
}

command_header! {
    /// Java `ResetMasterFlushOffsetHeader`.
    pub struct ResetMasterFlushOffsetHeader {
        pub master_flush_offset: i64 => "masterFlushOffset",
    }
}

command_header! {
    /// Java `ResetOffsetRequestHeader`.
    pub struct ResetOffsetRequestHeader {
        pub group: String => "group",
        pub topic: String => "topic",
        pub queue_id: Option<i32> => "queueId",
        pub offset: Option<i64> => "offset",
        pub timestamp: i64 => "timestamp",
        pub is_force: bool => "isForce",
    }
}

command_header! {
    /// Java `ResumeCheckHalfMessageRequestHeader`.
    pub struct ResumeCheckHalfMessageRequestHeader {
        pub topic: Option<String> => "topic",
        pub msg_id: Option<String> => "msgId",
    }
}

command_header! {
    /// Java `SearchOffsetRequestHeader`.
    pub struct SearchOffsetRequestHeader {
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub timestamp: i64 => "timestamp",
        pub boundary_type: Option<String> => "boundaryType",
    }
}

command_header! {
    /// Java `SearchOffsetResponseHeader`.
    pub struct SearchOffsetResponseHeader {
        pub offset: i64 => "offset",
    }
}

command_header! {
    /// Java `SendMessageRequestHeader`.
    pub struct SendMessageRequestHeader {
        pub producer_group: String => "producerGroup",
        pub topic: String => "topic",
        pub default_topic: String => "defaultTopic",
        pub default_topic_queue_nums: i32 => "defaultTopicQueueNums",
        pub queue_id: i32 => "queueId",
        pub sys_flag: i32 => "sysFlag",
        pub born_timestamp: i64 => "bornTimestamp",
        pub flag: i32 => "flag",
        pub properties: Option<String> => "properties",
        pub reconsume_times: Option<i32> => "reconsumeTimes",
        pub unit_mode: Option<bool> => "unitMode",
        pub batch: Option<bool> => "batch",
        pub max_reconsume_times: Option<i32> => "maxReconsumeTimes",
        /// Carried as the RPC header's `bname`.
        pub broker_name: Option<String> => "bname",
    }
}

command_header! {
    /// Java `SendMessageRequestHeaderV2`.
    pub struct SendMessageRequestHeaderV2 {
        pub producer_group: String => "a",
        pub topic: String => "b",
        pub default_topic: String => "c",
        pub default_topic_queue_nums: i32 => "d",
        pub queue_id: i32 => "e",
        pub sys_flag: i32 => "f",
        pub born_timestamp: i64 => "g",
        pub flag: i32 => "h",
        pub properties: Option<String> => "i",
        pub reconsume_times: Option<i32> => "j",
        pub unit_mode: Option<bool> => "k",
        pub max_reconsume_times: Option<i32> => "l",
        pub batch: Option<bool> => "m",
        pub broker_name: Option<String> => "n",
    }
}

command_header! {
    /// Java `SendMessageResponseHeader`.
    pub struct SendMessageResponseHeader {
        pub msg_id: String => "msgId",
        pub queue_id: i32 => "queueId",
        pub queue_offset: i64 => "queueOffset",
        pub transaction_id: Option<String> => "transactionId",
        pub batch_uniq_id: Option<String> => "batchUniqId",
        pub recall_handle: Option<String> => "recallHandle",
    }
}

command_header! {
    /// Java `StatisticsMessagesRequestHeader`.
    pub struct StatisticsMessagesRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub from_time: Option<i64> => "fromTime",
        pub to_time: Option<i64> => "toTime",
    }
}

command_header! {
    /// Java `UnlockBatchMqRequestHeader`.
    pub struct UnlockBatchMqRequestHeader {
    }
}

command_header! {
    /// Java `UnregisterClientRequestHeader`.
    pub struct UnregisterClientRequestHeader {
        pub client_id: String => "clientID",
        pub producer_group: Option<String> => "producerGroup",
        pub consumer_group: Option<String> => "consumerGroup",
    }
}

command_header! {
    /// Java `UnregisterClientResponseHeader`.
    pub struct UnregisterClientResponseHeader {
    }
}

command_header! {
    /// Java `UpdateConsumerOffsetRequestHeader`.
    pub struct UpdateConsumerOffsetRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub topic: String => "topic",
        pub queue_id: i32 => "queueId",
        pub commit_offset: i64 => "commitOffset",
    }
}

command_header! {
    /// Java `UpdateConsumerOffsetResponseHeader`.
    pub struct UpdateConsumerOffsetResponseHeader {
    }
}

command_header! {
    /// Java `UpdateGroupForbiddenRequestHeader`.
    pub struct UpdateGroupForbiddenRequestHeader {
        pub group: String => "group",
        pub topic: String => "topic",
        pub readable: Option<bool> => "readable",
    }
}

command_header! {
    /// Java `ViewBrokerStatsDataRequestHeader`.
    pub struct ViewBrokerStatsDataRequestHeader {
        pub stats_name: String => "statsName",
        pub stats_key: String => "statsKey",
    }
}

command_header! {
    /// Java `ViewMessageRequestHeader`.
    pub struct ViewMessageRequestHeader {
        pub topic: Option<String> => "topic",
        pub offset: i64 => "offset",
    }
}

command_header! {
    /// Java `ViewMessageResponseHeader`.
    pub struct ViewMessageResponseHeader {
    }
}

impl SendMessageRequestHeaderV2 {
    /// Converts to the long-key header (`SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1`).
    pub fn to_v1(&self) -> SendMessageRequestHeader {
        self.clone().into_v1()
    }

    /// Converts to the long-key header, moving the strings (what a broker does once per
    /// SEND_MESSAGE_V2).
    pub fn into_v1(self) -> SendMessageRequestHeader {
        SendMessageRequestHeader {
            producer_group: self.producer_group,
            topic: self.topic,
            default_topic: self.default_topic,
            default_topic_queue_nums: self.default_topic_queue_nums,
            queue_id: self.queue_id,
            sys_flag: self.sys_flag,
            born_timestamp: self.born_timestamp,
            flag: self.flag,
            properties: self.properties,
            reconsume_times: self.reconsume_times,
            unit_mode: self.unit_mode,
            max_reconsume_times: self.max_reconsume_times,
            batch: self.batch,
            broker_name: self.broker_name,
        }
    }

    /// Converts from the long-key header (`createSendMessageRequestHeaderV2`).
    pub fn from_v1(v1: &SendMessageRequestHeader) -> Self {
        SendMessageRequestHeaderV2 {
            producer_group: v1.producer_group.clone(),
            topic: v1.topic.clone(),
            default_topic: v1.default_topic.clone(),
            default_topic_queue_nums: v1.default_topic_queue_nums,
            queue_id: v1.queue_id,
            sys_flag: v1.sys_flag,
            born_timestamp: v1.born_timestamp,
            flag: v1.flag,
            properties: v1.properties.clone(),
            reconsume_times: v1.reconsume_times,
            unit_mode: v1.unit_mode,
            max_reconsume_times: v1.max_reconsume_times,
            batch: v1.batch,
            broker_name: v1.broker_name.clone(),
        }
    }
}
