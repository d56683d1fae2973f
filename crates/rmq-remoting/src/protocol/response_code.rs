//! Response codes (Java `RemotingSysResponseCode` and `ResponseCode`)

use std::fmt;

/// Response codes as a newtype over Java's `int` (`ResponseCode.java`).
/// Unknown values are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResponseCode(pub i32);

impl ResponseCode {
    pub const SUCCESS: ResponseCode = ResponseCode(0);
    pub const SYSTEM_ERROR: ResponseCode = ResponseCode(1);
    pub const SYSTEM_BUSY: ResponseCode = ResponseCode(2);
    pub const REQUEST_CODE_NOT_SUPPORTED: ResponseCode = ResponseCode(3);
    pub const TRANSACTION_FAILED: ResponseCode = ResponseCode(4);
    pub const FLUSH_DISK_TIMEOUT: ResponseCode = ResponseCode(10);
    pub const SLAVE_NOT_AVAILABLE: ResponseCode = ResponseCode(11);
    pub const FLUSH_SLAVE_TIMEOUT: ResponseCode = ResponseCode(12);
    pub const MESSAGE_ILLEGAL: ResponseCode = ResponseCode(13);
    pub const SERVICE_NOT_AVAILABLE: ResponseCode = ResponseCode(14);
    pub const VERSION_NOT_SUPPORTED: ResponseCode = ResponseCode(15);
    pub const NO_PERMISSION: ResponseCode = ResponseCode(16);
    pub const TOPIC_NOT_EXIST: ResponseCode = ResponseCode(17);
    pub const TOPIC_EXIST_ALREADY: ResponseCode = ResponseCode(18);
    pub const PULL_NOT_FOUND: ResponseCode = ResponseCode(19);
    pub const PULL_RETRY_IMMEDIATELY: ResponseCode = ResponseCode(20);
    pub const PULL_OFFSET_MOVED: ResponseCode = ResponseCode(21);
    pub const QUERY_NOT_FOUND: ResponseCode = ResponseCode(22);
    pub const SUBSCRIPTION_PARSE_FAILED: ResponseCode = ResponseCode(23);
    pub const SUBSCRIPTION_NOT_EXIST: ResponseCode = ResponseCode(24);
    pub const SUBSCRIPTION_NOT_LATEST: ResponseCode = ResponseCode(25);
    pub const SUBSCRIPTION_GROUP_NOT_EXIST: ResponseCode = ResponseCode(26);
    pub const FILTER_DATA_NOT_EXIST: ResponseCode = ResponseCode(27);
    pub const FILTER_DATA_NOT_LATEST: ResponseCode = ResponseCode(28);
    pub const INVALID_PARAMETER: ResponseCode = ResponseCode(29);
    pub const TRANSACTION_SHOULD_COMMIT: ResponseCode = ResponseCode(200);
    pub const TRANSACTION_SHOULD_ROLLBACK: ResponseCode = ResponseCode(201);
    pub const TRANSACTION_STATE_UNKNOW: ResponseCode = ResponseCode(202);
    pub const TRANSACTION_STATE_GROUP_WRONG: ResponseCode = ResponseCode(203);
    pub const NO_BUYER_ID: ResponseCode = ResponseCode(204);
    pub const NOT_IN_CURRENT_UNIT: ResponseCode = ResponseCode(205);
    pub const CONSUMER_NOT_ONLINE: ResponseCode = ResponseCode(206);
    pub const CONSUME_MSG_TIMEOUT: ResponseCode = ResponseCode(207);
    pub const NO_MESSAGE: ResponseCode = ResponseCode(208);
    pub const POLLING_FULL: ResponseCode = ResponseCode(209);
    pub const POLLING_TIMEOUT: ResponseCode = ResponseCode(210);
    pub const BROKER_NOT_EXIST: ResponseCode = ResponseCode(211);
    pub const BROKER_DISPATCH_NOT_COMPLETE: ResponseCode = ResponseCode(212);
    pub const BROADCAST_CONSUMPTION: ResponseCode = ResponseCode(213);
    pub const FLOW_CONTROL: ResponseCode = ResponseCode(215);
    pub const NOT_LEADER_FOR_QUEUE: ResponseCode = ResponseCode(501);
    pub const ILLEGAL_OPERATION: ResponseCode = ResponseCode(604);
    pub const GO_AWAY: ResponseCode = ResponseCode(1500);
    // Controller mode (Java: ResponseCode 2000-2016).
    pub const CONTROLLER_FENCED_MASTER_EPOCH: ResponseCode = ResponseCode(2000);
    pub const CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH: ResponseCode = ResponseCode(2001);
    pub const CONTROLLER_INVALID_MASTER: ResponseCode = ResponseCode(2002);
    pub const CONTROLLER_INVALID_REPLICAS: ResponseCode = ResponseCode(2003);
    pub const CONTROLLER_MASTER_NOT_AVAILABLE: ResponseCode = ResponseCode(2004);
    pub const CONTROLLER_INVALID_REQUEST: ResponseCode = ResponseCode(2005);
    pub const CONTROLLER_BROKER_NOT_ALIVE: ResponseCode = ResponseCode(2006);
    pub const CONTROLLER_NOT_LEADER: ResponseCode = ResponseCode(2007);
    pub const CONTROLLER_BROKER_METADATA_NOT_EXIST: ResponseCode = ResponseCode(2008);
    pub const CONTROLLER_INVALID_CLEAN_BROKER_METADATA: ResponseCode = ResponseCode(2009);
    pub const CONTROLLER_BROKER_NEED_TO_BE_REGISTERED: ResponseCode = ResponseCode(2010);
    pub const CONTROLLER_MASTER_STILL_EXIST: ResponseCode = ResponseCode(2011);
    pub const CONTROLLER_ELECT_MASTER_FAILED: ResponseCode = ResponseCode(2012);
    pub const CONTROLLER_ALTER_SYNC_STATE_SET_FAILED: ResponseCode = ResponseCode(2013);
    pub const CONTROLLER_BROKER_ID_INVALID: ResponseCode = ResponseCode(2014);
    pub const CONTROLLER_JRAFT_INTERNAL_ERROR: ResponseCode = ResponseCode(2015);
    pub const CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS: ResponseCode = ResponseCode(2016);
    pub const USER_NOT_EXIST: ResponseCode = ResponseCode(3001);
    pub const POLICY_NOT_EXIST: ResponseCode = ResponseCode(3002);

    /// Returns Java's constant name, or `None` for a code Java does not define.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "SUCCESS",
            1 => "SYSTEM_ERROR",
            2 => "SYSTEM_BUSY",
            3 => "REQUEST_CODE_NOT_SUPPORTED",
            4 => "TRANSACTION_FAILED",
            10 => "FLUSH_DISK_TIMEOUT",
            11 => "SLAVE_NOT_AVAILABLE",
            12 => "FLUSH_SLAVE_TIMEOUT",
            13 => "MESSAGE_ILLEGAL",
            14 => "SERVICE_NOT_AVAILABLE",
            15 => "VERSION_NOT_SUPPORTED",
            16 => "NO_PERMISSION",
            17 => "TOPIC_NOT_EXIST",
            18 => "TOPIC_EXIST_ALREADY",
            19 => "PULL_NOT_FOUND",
            20 => "PULL_RETRY_IMMEDIATELY",
            21 => "PULL_OFFSET_MOVED",
            22 => "QUERY_NOT_FOUND",
            23 => "SUBSCRIPTION_PARSE_FAILED",
            24 => "SUBSCRIPTION_NOT_EXIST",
            25 => "SUBSCRIPTION_NOT_LATEST",
            26 => "SUBSCRIPTION_GROUP_NOT_EXIST",
            27 => "FILTER_DATA_NOT_EXIST",
            28 => "FILTER_DATA_NOT_LATEST",
            29 => "INVALID_PARAMETER",
            200 => "TRANSACTION_SHOULD_COMMIT",
            201 => "TRANSACTION_SHOULD_ROLLBACK",
            202 => "TRANSACTION_STATE_UNKNOW",
            203 => "TRANSACTION_STATE_GROUP_WRONG",
            204 => "NO_BUYER_ID",
            205 => "NOT_IN_CURRENT_UNIT",
            206 => "CONSUMER_NOT_ONLINE",
            207 => "CONSUME_MSG_TIMEOUT",
            208 => "NO_MESSAGE",
            209 => "POLLING_FULL",
            210 => "POLLING_TIMEOUT",
            211 => "BROKER_NOT_EXIST",
            212 => "BROKER_DISPATCH_NOT_COMPLETE",
            213 => "BROADCAST_CONSUMPTION",
            215 => "FLOW_CONTROL",
            501 => "NOT_LEADER_FOR_QUEUE",
            604 => "ILLEGAL_OPERATION",
            1500 => "GO_AWAY",
            2000 => "CONTROLLER_FENCED_MASTER_EPOCH",
            2001 => "CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH",
            2002 => "CONTROLLER_INVALID_MASTER",
            2003 => "CONTROLLER_INVALID_REPLICAS",
            2004 => "CONTROLLER_MASTER_NOT_AVAILABLE",
            2005 => "CONTROLLER_INVALID_REQUEST",
            2006 => "CONTROLLER_BROKER_NOT_ALIVE",
            2007 => "CONTROLLER_NOT_LEADER",
            2008 => "CONTROLLER_BROKER_METADATA_NOT_EXIST",
            2009 => "CONTROLLER_INVALID_CLEAN_BROKER_METADATA",
            2010 => "CONTROLLER_BROKER_NEED_TO_BE_REGISTERED",
            2011 => "CONTROLLER_MASTER_STILL_EXIST",
            2012 => "CONTROLLER_ELECT_MASTER_FAILED",
            2013 => "CONTROLLER_ALTER_SYNC_STATE_SET_FAILED",
            2014 => "CONTROLLER_BROKER_ID_INVALID",
            2015 => "CONTROLLER_JRAFT_INTERNAL_ERROR",
            2016 => "CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS",
            3001 => "USER_NOT_EXIST",
            3002 => "POLICY_NOT_EXIST",
            _ => return None,
        })
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<i32> for ResponseCode {
    fn from(v: i32) -> Self {
        ResponseCode(v)
    }
}

impl From<ResponseCode> for i32 {
    fn from(c: ResponseCode) -> i32 {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controller_codes_match_java() {
        assert_eq!(ResponseCode::CONTROLLER_FENCED_MASTER_EPOCH.0, 2000);
        assert_eq!(ResponseCode::CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS.0, 2016);
        for code in 2000..=2016 {
            let name = ResponseCode(code).name().unwrap_or_default();
            assert!(name.starts_with("CONTROLLER_"), "{code}: {name}");
        }
        assert_eq!(
            ResponseCode::CONTROLLER_MASTER_STILL_EXIST.to_string(),
            "CONTROLLER_MASTER_STILL_EXIST(2011)"
        );
        assert_eq!(ResponseCode(2017).name(), None);
    }
}
