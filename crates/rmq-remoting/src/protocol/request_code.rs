//! Request codes (Java `RequestCode`)

use std::fmt;

/// Request codes as a newtype over Java's `int` (`remoting/protocol/RequestCode.java`).
/// Unknown values are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestCode(pub i32);

impl RequestCode {
    pub const SEND_MESSAGE: RequestCode = RequestCode(10);
    pub const PULL_MESSAGE: RequestCode = RequestCode(11);
    pub const QUERY_MESSAGE: RequestCode = RequestCode(12);
    pub const QUERY_BROKER_OFFSET: RequestCode = RequestCode(13);
    pub const QUERY_CONSUMER_OFFSET: RequestCode = RequestCode(14);
    pub const UPDATE_CONSUMER_OFFSET: RequestCode = RequestCode(15);
    pub const UPDATE_AND_CREATE_TOPIC: RequestCode = RequestCode(17);
    pub const UPDATE_AND_CREATE_TOPIC_LIST: RequestCode = RequestCode(18);
    pub const GET_ALL_TOPIC_CONFIG: RequestCode = RequestCode(21);
    pub const GET_TOPIC_CONFIG_LIST: RequestCode = RequestCode(22);
    pub const GET_TOPIC_NAME_LIST: RequestCode = RequestCode(23);
    pub const UPDATE_BROKER_CONFIG: RequestCode = RequestCode(25);
    pub const GET_BROKER_CONFIG: RequestCode = RequestCode(26);
    pub const TRIGGER_DELETE_FILES: RequestCode = RequestCode(27);
    pub const GET_BROKER_RUNTIME_INFO: RequestCode = RequestCode(28);
    pub const SEARCH_OFFSET_BY_TIMESTAMP: RequestCode = RequestCode(29);
    pub const GET_MAX_OFFSET: RequestCode = RequestCode(30);
    pub const GET_MIN_OFFSET: RequestCode = RequestCode(31);
    pub const GET_EARLIEST_MSG_STORETIME: RequestCode = RequestCode(32);
    pub const VIEW_MESSAGE_BY_ID: RequestCode = RequestCode(33);
    pub const HEART_BEAT: RequestCode = RequestCode(34);
    pub const UNREGISTER_CLIENT: RequestCode = RequestCode(35);
    pub const CONSUMER_SEND_MSG_BACK: RequestCode = RequestCode(36);
    pub const END_TRANSACTION: RequestCode = RequestCode(37);
    pub const GET_CONSUMER_LIST_BY_GROUP: RequestCode = RequestCode(38);
    pub const CHECK_TRANSACTION_STATE: RequestCode = RequestCode(39);
    pub const NOTIFY_CONSUMER_IDS_CHANGED: RequestCode = RequestCode(40);
    pub const LOCK_BATCH_MQ: RequestCode = RequestCode(41);
    pub const UNLOCK_BATCH_MQ: RequestCode = RequestCode(42);
    pub const GET_ALL_CONSUMER_OFFSET: RequestCode = RequestCode(43);
    pub const GET_ALL_DELAY_OFFSET: RequestCode = RequestCode(45);
    pub const CHECK_CLIENT_CONFIG: RequestCode = RequestCode(46);
    pub const GET_CLIENT_CONFIG: RequestCode = RequestCode(47);
    pub const UPDATE_AND_CREATE_ACL_CONFIG: RequestCode = RequestCode(50);
    pub const DELETE_ACL_CONFIG: RequestCode = RequestCode(51);
    pub const GET_BROKER_CLUSTER_ACL_INFO: RequestCode = RequestCode(52);
    pub const UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: RequestCode = RequestCode(53);
    pub const GET_BROKER_CLUSTER_ACL_CONFIG: RequestCode = RequestCode(54);
    pub const GET_TIMER_CHECK_POINT: RequestCode = RequestCode(60);
    pub const GET_TIMER_METRICS: RequestCode = RequestCode(61);
    pub const PUT_KV_CONFIG: RequestCode = RequestCode(100);
    pub const GET_KV_CONFIG: RequestCode = RequestCode(101);
    pub const DELETE_KV_CONFIG: RequestCode = RequestCode(102);
    pub const REGISTER_BROKER: RequestCode = RequestCode(103);
    pub const UNREGISTER_BROKER: RequestCode = RequestCode(104);
    pub const GET_ROUTEINFO_BY_TOPIC: RequestCode = RequestCode(105);
    pub const GET_BROKER_CLUSTER_INFO: RequestCode = RequestCode(106);
    pub const UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: RequestCode = RequestCode(200);
    pub const GET_ALL_SUBSCRIPTIONGROUP_CONFIG: RequestCode = RequestCode(201);
    pub const GET_TOPIC_STATS_INFO: RequestCode = RequestCode(202);
    pub const GET_CONSUMER_CONNECTION_LIST: RequestCode = RequestCode(203);
    pub const GET_PRODUCER_CONNECTION_LIST: RequestCode = RequestCode(204);
    pub const WIPE_WRITE_PERM_OF_BROKER: RequestCode = RequestCode(205);
    pub const GET_ALL_TOPIC_LIST_FROM_NAMESERVER: RequestCode = RequestCode(206);
    pub const DELETE_SUBSCRIPTIONGROUP: RequestCode = RequestCode(207);
    pub const GET_CONSUME_STATS: RequestCode = RequestCode(208);
    pub const SUSPEND_CONSUMER: RequestCode = RequestCode(209);
    pub const RESUME_CONSUMER: RequestCode = RequestCode(210);
    pub const RESET_CONSUMER_OFFSET_IN_CONSUMER: RequestCode = RequestCode(211);
    pub const RESET_CONSUMER_OFFSET_IN_BROKER: RequestCode = RequestCode(212);
    pub const ADJUST_CONSUMER_THREAD_POOL: RequestCode = RequestCode(213);
    pub const WHO_CONSUME_THE_MESSAGE: RequestCode = RequestCode(214);
    pub const DELETE_TOPIC_IN_BROKER: RequestCode = RequestCode(215);
    pub const DELETE_TOPIC_IN_NAMESRV: RequestCode = RequestCode(216);
    pub const REGISTER_TOPIC_IN_NAMESRV: RequestCode = RequestCode(217);
    pub const GET_KVLIST_BY_NAMESPACE: RequestCode = RequestCode(219);
    pub const RESET_CONSUMER_CLIENT_OFFSET: RequestCode = RequestCode(220);
    pub const GET_CONSUMER_STATUS_FROM_CLIENT: RequestCode = RequestCode(221);
    pub const INVOKE_BROKER_TO_RESET_OFFSET: RequestCode = RequestCode(222);
    pub const INVOKE_BROKER_TO_GET_CONSUMER_STATUS: RequestCode = RequestCode(223);
    pub const GET_TOPICS_BY_CLUSTER: RequestCode = RequestCode(224);
    pub const UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST: RequestCode = RequestCode(225);
    pub const QUERY_TOPIC_CONSUME_BY_WHO: RequestCode = RequestCode(300);
    pub const REGISTER_FILTER_SERVER: RequestCode = RequestCode(301);
    pub const REGISTER_MESSAGE_FILTER_CLASS: RequestCode = RequestCode(302);
    pub const QUERY_CONSUME_TIME_SPAN: RequestCode = RequestCode(303);
    pub const GET_SYSTEM_TOPIC_LIST_FROM_NS: RequestCode = RequestCode(304);
    pub const GET_SYSTEM_TOPIC_LIST_FROM_BROKER: RequestCode = RequestCode(305);
    pub const CLEAN_EXPIRED_CONSUMEQUEUE: RequestCode = RequestCode(306);
    pub const GET_CONSUMER_RUNNING_INFO: RequestCode = RequestCode(307);
    pub const QUERY_CORRECTION_OFFSET: RequestCode = RequestCode(308);
    pub const CONSUME_MESSAGE_DIRECTLY: RequestCode = RequestCode(309);
    pub const SEND_MESSAGE_V2: RequestCode = RequestCode(310);
    pub const GET_UNIT_TOPIC_LIST: RequestCode = RequestCode(311);
    pub const GET_HAS_UNIT_SUB_TOPIC_LIST: RequestCode = RequestCode(312);
    pub const GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: RequestCode = RequestCode(313);
    pub const CLONE_GROUP_OFFSET: RequestCode = RequestCode(314);
    pub const VIEW_BROKER_STATS_DATA: RequestCode = RequestCode(315);
    pub const CLEAN_UNUSED_TOPIC: RequestCode = RequestCode(316);
    pub const GET_BROKER_CONSUME_STATS: RequestCode = RequestCode(317);
    pub const UPDATE_NAMESRV_CONFIG: RequestCode = RequestCode(318);
    pub const GET_NAMESRV_CONFIG: RequestCode = RequestCode(319);
    pub const SEND_BATCH_MESSAGE: RequestCode = RequestCode(320);
    pub const QUERY_CONSUME_QUEUE: RequestCode = RequestCode(321);
    pub const QUERY_DATA_VERSION: RequestCode = RequestCode(322);
    pub const RESUME_CHECK_HALF_MESSAGE: RequestCode = RequestCode(323);
    pub const SEND_REPLY_MESSAGE: RequestCode = RequestCode(324);
    pub const SEND_REPLY_MESSAGE_V2: RequestCode = RequestCode(325);
    pub const PUSH_REPLY_MESSAGE_TO_CLIENT: RequestCode = RequestCode(326);
    pub const ADD_WRITE_PERM_OF_BROKER: RequestCode = RequestCode(327);
    pub const GET_ALL_PRODUCER_INFO: RequestCode = RequestCode(328);
    pub const DELETE_EXPIRED_COMMITLOG: RequestCode = RequestCode(329);
    pub const GET_TOPIC_CONFIG: RequestCode = RequestCode(351);
    pub const GET_SUBSCRIPTIONGROUP_CONFIG: RequestCode = RequestCode(352);
    pub const UPDATE_AND_GET_GROUP_FORBIDDEN: RequestCode = RequestCode(353);
    pub const CHECK_ROCKSDB_CQ_WRITE_PROGRESS: RequestCode = RequestCode(354);
    pub const EXPORT_ROCKSDB_CONFIG_TO_JSON: RequestCode = RequestCode(355);
    pub const QUERY_TOPICS_BY_CONSUMER: RequestCode = RequestCode(343);
    pub const QUERY_SUBSCRIPTION_BY_CONSUMER: RequestCode = RequestCode(345);
    pub const LITE_PULL_MESSAGE: RequestCode = RequestCode(361);
    pub const RECALL_MESSAGE: RequestCode = RequestCode(370);
    pub const QUERY_ASSIGNMENT: RequestCode = RequestCode(400);
    pub const SET_MESSAGE_REQUEST_MODE: RequestCode = RequestCode(401);
    pub const GET_ALL_MESSAGE_REQUEST_MODE: RequestCode = RequestCode(402);
    pub const UPDATE_AND_CREATE_STATIC_TOPIC: RequestCode = RequestCode(513);
    pub const GET_BROKER_MEMBER_GROUP: RequestCode = RequestCode(901);
    pub const ADD_BROKER: RequestCode = RequestCode(902);
    pub const REMOVE_BROKER: RequestCode = RequestCode(903);
    pub const BROKER_HEARTBEAT: RequestCode = RequestCode(904);
    pub const NOTIFY_MIN_BROKER_ID_CHANGE: RequestCode = RequestCode(905);
    pub const EXCHANGE_BROKER_HA_INFO: RequestCode = RequestCode(906);
    pub const GET_BROKER_HA_STATUS: RequestCode = RequestCode(907);
    pub const RESET_MASTER_FLUSH_OFFSET: RequestCode = RequestCode(908);
    pub const CONTROLLER_ALTER_SYNC_STATE_SET: RequestCode = RequestCode(1001);
    pub const CONTROLLER_ELECT_MASTER: RequestCode = RequestCode(1002);
    pub const CONTROLLER_REGISTER_BROKER: RequestCode = RequestCode(1003);
    pub const CONTROLLER_GET_REPLICA_INFO: RequestCode = RequestCode(1004);
    pub const CONTROLLER_GET_METADATA_INFO: RequestCode = RequestCode(1005);
    pub const CONTROLLER_GET_SYNC_STATE_DATA: RequestCode = RequestCode(1006);
    pub const GET_BROKER_EPOCH_CACHE: RequestCode = RequestCode(1007);
    pub const NOTIFY_BROKER_ROLE_CHANGED: RequestCode = RequestCode(1008);
    pub const UPDATE_CONTROLLER_CONFIG: RequestCode = RequestCode(1009);
    pub const GET_CONTROLLER_CONFIG: RequestCode = RequestCode(1010);
    pub const CLEAN_BROKER_DATA: RequestCode = RequestCode(1011);
    pub const CONTROLLER_GET_NEXT_BROKER_ID: RequestCode = RequestCode(1012);
    pub const CONTROLLER_APPLY_BROKER_ID: RequestCode = RequestCode(1013);
    pub const UPDATE_COLD_DATA_FLOW_CTR_CONFIG: RequestCode = RequestCode(2001);
    pub const REMOVE_COLD_DATA_FLOW_CTR_CONFIG: RequestCode = RequestCode(2002);
    pub const GET_COLD_DATA_FLOW_CTR_INFO: RequestCode = RequestCode(2003);
    pub const SET_COMMITLOG_READ_MODE: RequestCode = RequestCode(2004);
    pub const AUTH_CREATE_USER: RequestCode = RequestCode(3001);
    pub const AUTH_UPDATE_USER: RequestCode = RequestCode(3002);
    pub const AUTH_DELETE_USER: RequestCode = RequestCode(3003);
    pub const AUTH_GET_USER: RequestCode = RequestCode(3004);
    pub const AUTH_LIST_USER: RequestCode = RequestCode(3005);
    pub const AUTH_CREATE_ACL: RequestCode = RequestCode(3006);
    pub const AUTH_UPDATE_ACL: RequestCode = RequestCode(3007);
    pub const AUTH_DELETE_ACL: RequestCode = RequestCode(3008);
    pub const AUTH_GET_ACL: RequestCode = RequestCode(3009);
    pub const AUTH_LIST_ACL: RequestCode = RequestCode(3010);
    pub const POP_MESSAGE: RequestCode = RequestCode(200050);
    pub const ACK_MESSAGE: RequestCode = RequestCode(200051);
    pub const PEEK_MESSAGE: RequestCode = RequestCode(200052);
    pub const CHANGE_MESSAGE_INVISIBLETIME: RequestCode = RequestCode(200053);
    pub const NOTIFICATION: RequestCode = RequestCode(200054);
    pub const POLLING_INFO: RequestCode = RequestCode(200055);
    pub const POP_ROLLBACK: RequestCode = RequestCode(200056);
    pub const BATCH_ACK_MESSAGE: RequestCode = RequestCode(200151);

    /// Returns Java's constant name, or `None` for a code Java does not define.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            10 => "SEND_MESSAGE",
            11 => "PULL_MESSAGE",
            12 => "QUERY_MESSAGE",
            13 => "QUERY_BROKER_OFFSET",
            14 => "QUERY_CONSUMER_OFFSET",
            15 => "UPDATE_CONSUMER_OFFSET",
            17 => "UPDATE_AND_CREATE_TOPIC",
            18 => "UPDATE_AND_CREATE_TOPIC_LIST",
            21 => "GET_ALL_TOPIC_CONFIG",
            22 => "GET_TOPIC_CONFIG_LIST",
            23 => "GET_TOPIC_NAME_LIST",
            25 => "UPDATE_BROKER_CONFIG",
            26 => "GET_BROKER_CONFIG",
            27 => "TRIGGER_DELETE_FILES",
            28 => "GET_BROKER_RUNTIME_INFO",
            29 => "SEARCH_OFFSET_BY_TIMESTAMP",
            30 => "GET_MAX_OFFSET",
            31 => "GET_MIN_OFFSET",
            32 => "GET_EARLIEST_MSG_STORETIME",
            33 => "VIEW_MESSAGE_BY_ID",
            34 => "HEART_BEAT",
            35 => "UNREGISTER_CLIENT",
            36 => "CONSUMER_SEND_MSG_BACK",
            37 => "END_TRANSACTION",
            38 => "GET_CONSUMER_LIST_BY_GROUP",
            39 => "CHECK_TRANSACTION_STATE",
            40 => "NOTIFY_CONSUMER_IDS_CHANGED",
            41 => "LOCK_BATCH_MQ",
            42 => "UNLOCK_BATCH_MQ",
            43 => "GET_ALL_CONSUMER_OFFSET",
            45 => "GET_ALL_DELAY_OFFSET",
            46 => "CHECK_CLIENT_CONFIG",
            47 => "GET_CLIENT_CONFIG",
            50 => "UPDATE_AND_CREATE_ACL_CONFIG",
            51 => "DELETE_ACL_CONFIG",
            52 => "GET_BROKER_CLUSTER_ACL_INFO",
            53 => "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG",
            54 => "GET_BROKER_CLUSTER_ACL_CONFIG",
            60 => "GET_TIMER_CHECK_POINT",
            61 => "GET_TIMER_METRICS",
            100 => "PUT_KV_CONFIG",
            101 => "GET_KV_CONFIG",
            102 => "DELETE_KV_CONFIG",
            103 => "REGISTER_BROKER",
            104 => "UNREGISTER_BROKER",
            105 => "GET_ROUTEINFO_BY_TOPIC",
            106 => "GET_BROKER_CLUSTER_INFO",
            200 => "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP",
            201 => "GET_ALL_SUBSCRIPTIONGROUP_CONFIG",
            202 => "GET_TOPIC_STATS_INFO",
            203 => "GET_CONSUMER_CONNECTION_LIST",
            204 => "GET_PRODUCER_CONNECTION_LIST",
            205 => "WIPE_WRITE_PERM_OF_BROKER",
            206 => "GET_ALL_TOPIC_LIST_FROM_NAMESERVER",
            207 => "DELETE_SUBSCRIPTIONGROUP",
            208 => "GET_CONSUME_STATS",
            209 => "SUSPEND_CONSUMER",
            210 => "RESUME_CONSUMER",
            211 => "RESET_CONSUMER_OFFSET_IN_CONSUMER",
            212 => "RESET_CONSUMER_OFFSET_IN_BROKER",
            213 => "ADJUST_CONSUMER_THREAD_POOL",
            214 => "WHO_CONSUME_THE_MESSAGE",
            215 => "DELETE_TOPIC_IN_BROKER",
            216 => "DELETE_TOPIC_IN_NAMESRV",
            217 => "REGISTER_TOPIC_IN_NAMESRV",
            219 => "GET_KVLIST_BY_NAMESPACE",
            220 => "RESET_CONSUMER_CLIENT_OFFSET",
            221 => "GET_CONSUMER_STATUS_FROM_CLIENT",
            222 => "INVOKE_BROKER_TO_RESET_OFFSET",
            223 => "INVOKE_BROKER_TO_GET_CONSUMER_STATUS",
            224 => "GET_TOPICS_BY_CLUSTER",
            225 => "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST",
            300 => "QUERY_TOPIC_CONSUME_BY_WHO",
            301 => "REGISTER_FILTER_SERVER",
            302 => "REGISTER_MESSAGE_FILTER_CLASS",
            303 => "QUERY_CONSUME_TIME_SPAN",
            304 => "GET_SYSTEM_TOPIC_LIST_FROM_NS",
            305 => "GET_SYSTEM_TOPIC_LIST_FROM_BROKER",
            306 => "CLEAN_EXPIRED_CONSUMEQUEUE",
            307 => "GET_CONSUMER_RUNNING_INFO",
            308 => "QUERY_CORRECTION_OFFSET",
            309 => "CONSUME_MESSAGE_DIRECTLY",
            310 => "SEND_MESSAGE_V2",
            311 => "GET_UNIT_TOPIC_LIST",
            312 => "GET_HAS_UNIT_SUB_TOPIC_LIST",
            313 => "GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST",
            314 => "CLONE_GROUP_OFFSET",
            315 => "VIEW_BROKER_STATS_DATA",
            316 => "CLEAN_UNUSED_TOPIC",
            317 => "GET_BROKER_CONSUME_STATS",
            318 => "UPDATE_NAMESRV_CONFIG",
            319 => "GET_NAMESRV_CONFIG",
            320 => "SEND_BATCH_MESSAGE",
            321 => "QUERY_CONSUME_QUEUE",
            322 => "QUERY_DATA_VERSION",
            323 => "RESUME_CHECK_HALF_MESSAGE",
            324 => "SEND_REPLY_MESSAGE",
            325 => "SEND_REPLY_MESSAGE_V2",
            326 => "PUSH_REPLY_MESSAGE_TO_CLIENT",
            327 => "ADD_WRITE_PERM_OF_BROKER",
            328 => "GET_ALL_PRODUCER_INFO",
            329 => "DELETE_EXPIRED_COMMITLOG",
            351 => "GET_TOPIC_CONFIG",
            352 => "GET_SUBSCRIPTIONGROUP_CONFIG",
            353 => "UPDATE_AND_GET_GROUP_FORBIDDEN",
            354 => "CHECK_ROCKSDB_CQ_WRITE_PROGRESS",
            355 => "EXPORT_ROCKSDB_CONFIG_TO_JSON",
            343 => "QUERY_TOPICS_BY_CONSUMER",
            345 => "QUERY_SUBSCRIPTION_BY_CONSUMER",
            361 => "LITE_PULL_MESSAGE",
            370 => "RECALL_MESSAGE",
            400 => "QUERY_ASSIGNMENT",
            401 => "SET_MESSAGE_REQUEST_MODE",
            402 => "GET_ALL_MESSAGE_REQUEST_MODE",
            513 => "UPDATE_AND_CREATE_STATIC_TOPIC",
            901 => "GET_BROKER_MEMBER_GROUP",
            902 => "ADD_BROKER",
            903 => "REMOVE_BROKER",
            904 => "BROKER_HEARTBEAT",
            905 => "NOTIFY_MIN_BROKER_ID_CHANGE",
            906 => "EXCHANGE_BROKER_HA_INFO",
            907 => "GET_BROKER_HA_STATUS",
            908 => "RESET_MASTER_FLUSH_OFFSET",
            1001 => "CONTROLLER_ALTER_SYNC_STATE_SET",
            1002 => "CONTROLLER_ELECT_MASTER",
            1003 => "CONTROLLER_REGISTER_BROKER",
            1004 => "CONTROLLER_GET_REPLICA_INFO",
            1005 => "CONTROLLER_GET_METADATA_INFO",
            1006 => "CONTROLLER_GET_SYNC_STATE_DATA",
            1007 => "GET_BROKER_EPOCH_CACHE",
            1008 => "NOTIFY_BROKER_ROLE_CHANGED",
            1009 => "UPDATE_CONTROLLER_CONFIG",
            1010 => "GET_CONTROLLER_CONFIG",
            1011 => "CLEAN_BROKER_DATA",
            1012 => "CONTROLLER_GET_NEXT_BROKER_ID",
            1013 => "CONTROLLER_APPLY_BROKER_ID",
            2001 => "UPDATE_COLD_DATA_FLOW_CTR_CONFIG",
            2002 => "REMOVE_COLD_DATA_FLOW_CTR_CONFIG",
            2003 => "GET_COLD_DATA_FLOW_CTR_INFO",
            2004 => "SET_COMMITLOG_READ_MODE",
            3001 => "AUTH_CREATE_USER",
            3002 => "AUTH_UPDATE_USER",
            3003 => "AUTH_DELETE_USER",
            3004 => "AUTH_GET_USER",
            3005 => "AUTH_LIST_USER",
            3006 => "AUTH_CREATE_ACL",
            3007 => "AUTH_UPDATE_ACL",
            3008 => "AUTH_DELETE_ACL",
            3009 => "AUTH_GET_ACL",
            3010 => "AUTH_LIST_ACL",
            200050 => "POP_MESSAGE",
            200051 => "ACK_MESSAGE",
            200052 => "PEEK_MESSAGE",
            200053 => "CHANGE_MESSAGE_INVISIBLETIME",
            200054 => "NOTIFICATION",
            200055 => "POLLING_INFO",
            200056 => "POP_ROLLBACK",
            200151 => "BATCH_ACK_MESSAGE",
            _ => return None,
        })
    }
}

impl fmt::Display for RequestCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<i32> for RequestCode {
    fn from(v: i32) -> Self {
        RequestCode(v)
    }
}

impl From<RequestCode> for i32 {
    fn from(c: RequestCode) -> i32 {
        c.0
    }
}
