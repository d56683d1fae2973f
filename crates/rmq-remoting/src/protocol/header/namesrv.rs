//! Headers of the NameServer's requests and responses (Java `protocol/header/namesrv`).

use crate::command_header;

command_header! {
    /// Java `AddWritePermOfBrokerRequestHeader`.
    pub struct AddWritePermOfBrokerRequestHeader {
        pub broker_name: String => "brokerName",
    }
}

command_header! {
    /// Java `AddWritePermOfBrokerResponseHeader`.
    pub struct AddWritePermOfBrokerResponseHeader {
        pub add_topic_count: i32 => "addTopicCount",
    }
}

command_header! {
    /// Java `BrokerHeartbeatRequestHeader`.
    pub struct BrokerHeartbeatRequestHeader {
        pub cluster_name: String => "clusterName",
        pub broker_addr: String => "brokerAddr",
        pub broker_name: String => "brokerName",
        pub broker_id: Option<i64> => "brokerId",
        pub epoch: Option<i32> => "epoch",
        pub max_offset: Option<i64> => "maxOffset",
        pub confirm_offset: Option<i64> => "confirmOffset",
        pub heartbeat_timeout_mills: Option<i64> => "heartbeatTimeoutMills",
        pub election_priority: Option<i32> => "electionPriority",
    }
}

command_header! {
    /// Java `DeleteKVConfigRequestHeader`.
    pub struct DeleteKVConfigRequestHeader {
        pub namespace: String => "namespace",
        pub key: String => "key",
    }
}

command_header! {
    /// Java `DeleteTopicFromNamesrvRequestHeader`.
    pub struct DeleteTopicFromNamesrvRequestHeader {
        pub topic: String => "topic",
        pub cluster_name: Option<String> => "clusterName",
    }
}

command_header! {
    /// Java `GetBrokerMemberGroupRequestHeader`.
    pub struct GetBrokerMemberGroupRequestHeader {
        pub cluster_name: String => "clusterName",
        pub broker_name: String => "brokerName",
    }
}

command_header! {
    /// Java `GetKVConfigRequestHeader`.
    pub struct GetKVConfigRequestHeader {
        pub namespace: String => "namespace",
        pub key: String => "key",
    }
}

command_header! {
    /// Java `GetKVConfigResponseHeader`.
    pub struct GetKVConfigResponseHeader {
        pub value: Option<String> => "value",
    }
}

command_header! {
    /// Java `GetKVListByNamespaceRequestHeader`.
    pub struct GetKVListByNamespaceRequestHeader {
        pub namespace: String => "namespace",
    }
}

command_header! {
    /// Java `GetRouteInfoRequestHeader`.
    pub struct GetRouteInfoRequestHeader {
        pub topic: String => "topic",
        pub accept_standard_json_only: Option<bool> => "acceptStandardJsonOnly",
    }
}

command_header! {
    /// Java `GetTopicsByClusterRequestHeader`.
    pub struct GetTopicsByClusterRequestHeader {
        pub cluster: String => "cluster",
    }
}

command_header! {
    /// Java `PutKVConfigRequestHeader`.
    pub struct PutKVConfigRequestHeader {
        pub namespace: String => "namespace",
        pub key: String => "key",
        pub value: String => "value",
    }
}

command_header! {
    /// Java `QueryDataVersionRequestHeader`.
    pub struct QueryDataVersionRequestHeader {
        pub broker_name: String => "brokerName",
        pub broker_addr: String => "brokerAddr",
        pub cluster_name: String => "clusterName",
        pub broker_id: i64 => "brokerId",
    }
}

command_header! {
    /// Java `QueryDataVersionResponseHeader`.
    pub struct QueryDataVersionResponseHeader {
        pub changed: bool => "changed",
    }
}

command_header! {
    /// Java `RegisterBrokerRequestHeader`.
    pub struct RegisterBrokerRequestHeader {
        pub broker_name: String => "brokerName",
        pub broker_addr: String => "brokerAddr",
        pub cluster_name: String => "clusterName",
        pub ha_server_addr: String => "haServerAddr",
        pub broker_id: i64 => "brokerId",
        pub heartbeat_timeout_millis: Option<i64> => "heartbeatTimeoutMillis",
        pub enable_acting_master: Option<bool> => "enableActingMaster",
        pub compressed: Option<bool> => "compressed",
        pub body_crc32: Option<i32> => "bodyCrc32",
    }
}

command_header! {
    /// Java `RegisterBrokerResponseHeader`.
    pub struct RegisterBrokerResponseHeader {
        pub ha_server_addr: Option<String> => "haServerAddr",
        pub master_addr: Option<String> => "masterAddr",
    }
}

command_header! {
    /// Java `RegisterOrderTopicRequestHeader`.
    pub struct RegisterOrderTopicRequestHeader {
        pub topic: String => "topic",
        pub order_topic_string: String => "orderTopicString",
    }
}

command_header! {
    /// Java `RegisterTopicRequestHeader`.
    pub struct RegisterTopicRequestHeader {
        pub topic: String => "topic",
    }
}

command_header! {
    /// Java `UnRegisterBrokerRequestHeader`.
    pub struct UnRegisterBrokerRequestHeader {
        pub broker_name: String => "brokerName",
        pub broker_addr: String => "brokerAddr",
        pub cluster_name: String => "clusterName",
        pub broker_id: i64 => "brokerId",
    }
}

command_header! {
    /// Java `WipeWritePermOfBrokerRequestHeader`.
    pub struct WipeWritePermOfBrokerRequestHeader {
        pub broker_name: String => "brokerName",
    }
}

command_header! {
    /// Java `WipeWritePermOfBrokerResponseHeader`.
    pub struct WipeWritePermOfBrokerResponseHeader {
        pub wipe_topic_count: i32 => "wipeTopicCount",
    }
}
