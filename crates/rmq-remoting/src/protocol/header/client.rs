//! Headers of requests the broker sends to clients (Java `ClientRemotingProcessor` inputs).

use crate::command_header;

command_header! {
    /// Java `CheckTransactionStateRequestHeader`.
    pub struct CheckTransactionStateRequestHeader {
        pub topic: Option<String> => "topic",
        pub tran_state_table_offset: i64 => "tranStateTableOffset",
        pub commit_log_offset: i64 => "commitLogOffset",
        pub msg_id: Option<String> => "msgId",
        pub transaction_id: Option<String> => "transactionId",
        pub offset_msg_id: Option<String> => "offsetMsgId",
    }
}

command_header! {
    /// Java `CheckTransactionStateResponseHeader`.
    pub struct CheckTransactionStateResponseHeader {
        pub producer_group: String => "producerGroup",
        pub tran_state_table_offset: i64 => "tranStateTableOffset",
        pub commit_log_offset: i64 => "commitLogOffset",
        pub commit_or_rollback: i32 => "commitOrRollback",
    }
}

command_header! {
    /// Java `ConsumeMessageDirectlyResultRequestHeader`.
    pub struct ConsumeMessageDirectlyResultRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub client_id: Option<String> => "clientId",
        pub msg_id: Option<String> => "msgId",
        pub broker_name: Option<String> => "brokerName",
        pub topic: Option<String> => "topic",
        pub topic_sys_flag: Option<i32> => "topicSysFlag",
        pub group_sys_flag: Option<i32> => "groupSysFlag",
    }
}

command_header! {
    /// Java `GetConsumerRunningInfoRequestHeader`.
    pub struct GetConsumerRunningInfoRequestHeader {
        pub consumer_group: String => "consumerGroup",
        pub client_id: String => "clientId",
        pub jstack_enable: Option<bool> => "jstackEnable",
    }
}

command_header! {
    /// Java `GetConsumerStatusRequestHeader`.
    pub struct GetConsumerStatusRequestHeader {
        pub topic: String => "topic",
        pub group: String => "group",
        pub client_addr: Option<String> => "clientAddr",
    }
}

command_header! {
    /// Java `NotifyConsumerIdsChangedRequestHeader`.
    pub struct NotifyConsumerIdsChangedRequestHeader {
        pub consumer_group: String => "consumerGroup",
    }
}
