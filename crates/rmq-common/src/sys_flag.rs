//! Flag words carried by messages, topics and pull requests (Java `MessageSysFlag`,
//! `TopicSysFlag`, `PullSysFlag`).

/// Message `sysFlag` bits (`MessageSysFlag`).
pub mod message_sys_flag {
    pub const COMPRESSED_FLAG: i32 = 0x1;
    pub const MULTI_TAGS_FLAG: i32 = 0x1 << 1;
    pub const TRANSACTION_NOT_TYPE: i32 = 0;
    pub const TRANSACTION_PREPARED_TYPE: i32 = 0x1 << 2;
    pub const TRANSACTION_COMMIT_TYPE: i32 = 0x2 << 2;
    pub const TRANSACTION_ROLLBACK_TYPE: i32 = 0x3 << 2;
    pub const BORNHOST_V6_FLAG: i32 = 0x1 << 4;
    pub const STOREHOSTADDRESS_V6_FLAG: i32 = 0x1 << 5;
    pub const NEED_UNWRAP_FLAG: i32 = 0x1 << 6;
    pub const INNER_BATCH_FLAG: i32 = 0x1 << 7;
    /// Mask of the compression type bits; 0 or 3 (`<< 8`) means zlib.
    pub const COMPRESSION_TYPE_MASK: i32 = 0x7 << 8;
    pub const COMPRESSION_ZLIB_TYPE: i32 = 0x3 << 8;

    /// Returns the transaction type bits of `flag`.
    pub fn get_transaction_value(flag: i32) -> i32 {
        flag & TRANSACTION_ROLLBACK_TYPE
    }

    /// Replaces the transaction type bits of `flag` with `type_value`.
    pub fn reset_transaction_value(flag: i32, type_value: i32) -> i32 {
        (flag & !TRANSACTION_ROLLBACK_TYPE) | type_value
    }
}

/// Topic `topicSysFlag` bits (`TopicSysFlag`).
pub mod topic_sys_flag {
    pub const FLAG_UNIT: i32 = 0x1;
    pub const FLAG_UNIT_SUB: i32 = 0x1 << 1;

    /// Builds a topic sys flag from its two booleans.
    pub fn build_sys_flag(unit: bool, has_unit_sub: bool) -> i32 {
        let mut f = 0;
        if unit {
            f |= FLAG_UNIT;
        }
        if has_unit_sub {
            f |= FLAG_UNIT_SUB;
        }
        f
    }

    pub fn has_unit_flag(f: i32) -> bool {
        f & FLAG_UNIT == FLAG_UNIT
    }

    pub fn has_unit_sub_flag(f: i32) -> bool {
        f & FLAG_UNIT_SUB == FLAG_UNIT_SUB
    }
}

/// Pull request `sysFlag` bits (`PullSysFlag`).
pub mod pull_sys_flag {
    pub const FLAG_COMMIT_OFFSET: i32 = 0x1;
    pub const FLAG_SUSPEND: i32 = 0x1 << 1;
    pub const FLAG_SUBSCRIPTION: i32 = 0x1 << 2;
    pub const FLAG_CLASS_FILTER: i32 = 0x1 << 3;
    pub const FLAG_LITE_PULL_MESSAGE: i32 = 0x1 << 4;

    /// Builds a pull sys flag as the Java client does.
    pub fn build_sys_flag(
        commit_offset: bool,
        suspend: bool,
        subscription: bool,
        class_filter: bool,
    ) -> i32 {
        let mut f = 0;
        if commit_offset {
            f |= FLAG_COMMIT_OFFSET;
        }
        if suspend {
            f |= FLAG_SUSPEND;
        }
        if subscription {
            f |= FLAG_SUBSCRIPTION;
        }
        if class_filter {
            f |= FLAG_CLASS_FILTER;
        }
        f
    }

    pub fn has_commit_offset_flag(f: i32) -> bool {
        f & FLAG_COMMIT_OFFSET == FLAG_COMMIT_OFFSET
    }

    pub fn has_suspend_flag(f: i32) -> bool {
        f & FLAG_SUSPEND == FLAG_SUSPEND
    }

    pub fn has_subscription_flag(f: i32) -> bool {
        f & FLAG_SUBSCRIPTION == FLAG_SUBSCRIPTION
    }

    pub fn has_class_filter_flag(f: i32) -> bool {
        f & FLAG_CLASS_FILTER == FLAG_CLASS_FILTER
    }

    pub fn clear_commit_offset_flag(f: i32) -> i32 {
        f & !FLAG_COMMIT_OFFSET
    }

    pub fn clear_suspend_flag(f: i32) -> i32 {
        f & !FLAG_SUSPEND
    }
}
