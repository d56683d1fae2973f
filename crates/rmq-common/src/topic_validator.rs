//! Topic and group name rules (Java `TopicValidator`, `Validators`).

use crate::mix_all;

/// Longest topic name a client may use.
pub const TOPIC_MAX_LENGTH: usize = 127;
/// Longest retry or DLQ topic name (5.x).
pub const RETRY_OR_DLQ_TOPIC_MAX_LENGTH: usize = 255;
/// Longest consumer or producer group name.
pub const GROUP_MAX_LENGTH: usize = 120;

/// Returns true when every character is in `[%|a-zA-Z0-9_-]`.
pub fn is_topic_or_group_legal(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'%' | b'|' | b'_' | b'-'))
}

/// Validates a topic name as the broker does; returns Java's remark on failure.
pub fn validate_topic(topic: &str) -> Result<(), String> {
    if topic.trim().is_empty() {
        return Err("The specified topic is blank.".into());
    }
    let max = if mix_all::is_retry_topic(topic) || mix_all::is_dlq_topic(topic) {
        RETRY_OR_DLQ_TOPIC_MAX_LENGTH
    } else {
        TOPIC_MAX_LENGTH
    };
    if topic.len() > max {
        return Err(format!(
            "The specified topic is longer than topic max length {max}."
        ));
    }
    if !is_topic_or_group_legal(topic) {
        return Err(format!(
            "The specified topic[{topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        ));
    }
    Ok(())
}

/// Validates a group name; returns Java's message on failure.
pub fn validate_group(group: &str) -> Result<(), String> {
    if group.trim().is_empty() {
        return Err("the specified group is blank".into());
    }
    if group.len() > GROUP_MAX_LENGTH {
        return Err("the specified group is longer than group max length 255.".into());
    }
    if !is_topic_or_group_legal(group) {
        return Err(format!(
            "the specified group[{group}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        ));
    }
    Ok(())
}

/// Topics producers may not send to (`TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET`).
pub fn is_not_allowed_send_topic(topic: &str) -> bool {
    matches!(
        topic,
        mix_all::RMQ_SYS_SCHEDULE_TOPIC
            | mix_all::RMQ_SYS_TRANS_HALF_TOPIC
            | mix_all::RMQ_SYS_TRANS_OP_HALF_TOPIC
            | mix_all::RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC
            | mix_all::RMQ_SYS_SELF_TEST_TOPIC
            | mix_all::RMQ_SYS_OFFSET_MOVED_EVENT
    )
}

/// System topics (`TopicValidator.isSystemTopic`).
pub fn is_system_topic(topic: &str) -> bool {
    is_not_allowed_send_topic(topic)
        || matches!(
            topic,
            mix_all::AUTO_CREATE_TOPIC_KEY_TOPIC
                | mix_all::RMQ_SYS_BENCHMARK_TOPIC
                | mix_all::RMQ_SYS_TRACE_TOPIC
                | mix_all::RMQ_SYS_ROCKSDB_OFFSET_TOPIC
        )
        || topic.starts_with(mix_all::SYSTEM_TOPIC_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_rules() {
        assert!(validate_topic("TopicTest_1-a%|b").is_ok());
        assert!(validate_topic("bad topic").is_err());
        assert!(validate_topic(&"a".repeat(128)).is_err());
        assert!(validate_topic(&format!("%RETRY%{}", "a".repeat(200))).is_ok());
        assert!(is_not_allowed_send_topic("SCHEDULE_TOPIC_XXXX"));
        assert!(is_system_topic("rmq_sys_wheel_timer"));
    }
}
