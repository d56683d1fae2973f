//! Transformations applied before a message reaches the store (Java `broker/util/HookUtils`,
//! registered in 5.x as store put hooks): a message with a delay level is parked in
//! `SCHEDULE_TOPIC_XXXX`, queue `level - 1`, with its real topic and queue saved.

use rmq_common::java_hash_map::JavaHashMap;
use rmq_common::message::message_const::{
    PROPERTY_DELAY_TIME_LEVEL, PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC,
    PROPERTY_TIMER_DELAY_MS, PROPERTY_TIMER_DELAY_SEC, PROPERTY_TIMER_DELIVER_MS,
    PROPERTY_TIMER_OUT_MS,
};
use rmq_common::mix_all;
use rmq_common::sys_flag::message_sys_flag;

/// Returns the delay level of a property map (0 when absent or invalid).
pub fn delay_time_level(props: &JavaHashMap) -> i32 {
    props
        .get(PROPERTY_DELAY_TIME_LEVEL)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Returns true for a 5.x timer message (`TIMER_DELIVER_MS`, `TIMER_DELAY_MS` or
/// `TIMER_DELAY_SEC` without a delay level; Java `HookUtils.checkIfTimerMessage`). rmq has no
/// timer wheel, so the send path answers these as Java does with `timerWheelEnable=false`.
pub fn is_timer_message(sys_flag: i32, topic: &str, props: &JavaHashMap) -> bool {
    let tran_type = message_sys_flag::get_transaction_value(sys_flag);
    if tran_type != message_sys_flag::TRANSACTION_NOT_TYPE
        && tran_type != message_sys_flag::TRANSACTION_COMMIT_TYPE
    {
        return false;
    }
    if delay_time_level(props) > 0
        || topic == mix_all::TIMER_TOPIC
        || props.contains_key(PROPERTY_TIMER_OUT_MS)
    {
        return false;
    }
    [
        PROPERTY_TIMER_DELIVER_MS,
        PROPERTY_TIMER_DELAY_MS,
        PROPERTY_TIMER_DELAY_SEC,
    ]
    .iter()
    .any(|k| props.contains_key(k))
}

/// Parks a delayed NOT/COMMIT message in the schedule topic (Java `handleScheduleMessage` +
/// `transformDelayLevelMessage`): caps the level at `max_delay_level`, saves `REAL_TOPIC` and
/// `REAL_QID`, and moves it to `SCHEDULE_TOPIC_XXXX` queue `level - 1`. Timer properties are
/// cleared when a delay level is set, as Java does. Returns true when the message was moved.
pub fn handle_schedule_message(
    sys_flag: i32,
    topic: &mut String,
    queue_id: &mut i32,
    props: &mut JavaHashMap,
    max_delay_level: i32,
) -> bool {
    let tran_type = message_sys_flag::get_transaction_value(sys_flag);
    if tran_type != message_sys_flag::TRANSACTION_NOT_TYPE
        && tran_type != message_sys_flag::TRANSACTION_COMMIT_TYPE
    {
        return false;
    }
    let mut level = delay_time_level(props);
    if level <= 0 {
        return false;
    }
    // `checkIfTimerMessage` drops timer properties from a delayed message, except from a
    // timer message rolled back into the timer topic.
    if topic != mix_all::TIMER_TOPIC {
        for k in [
            PROPERTY_TIMER_DELIVER_MS,
            PROPERTY_TIMER_DELAY_SEC,
            PROPERTY_TIMER_DELAY_MS,
        ] {
            props.remove(k);
        }
    }
    if max_delay_level > 0 && level > max_delay_level {
        level = max_delay_level;
        props.insert(PROPERTY_DELAY_TIME_LEVEL, level.to_string());
    }
    props.insert(PROPERTY_REAL_TOPIC, topic.clone());
    props.insert(PROPERTY_REAL_QUEUE_ID, queue_id.to_string());
    *topic = mix_all::RMQ_SYS_SCHEDULE_TOPIC.to_string();
    *queue_id = level - 1;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_messages() {
        let mut timer = JavaHashMap::new();
        timer.insert("TIMER_DELAY_MS", "3000");
        assert!(is_timer_message(0, "T", &timer));
        let mut with_level = timer.clone();
        with_level.insert("DELAY", "2");
        assert!(!is_timer_message(0, "T", &with_level));
        assert!(!is_timer_message(0, "T", &JavaHashMap::new()));
    }

    #[test]
    fn parks_delayed_messages() {
        let mut topic = "T".to_string();
        let mut qid = 3;
        let mut props = JavaHashMap::new();
        props.insert("DELAY", "40");
        assert!(handle_schedule_message(
            0, &mut topic, &mut qid, &mut props, 18
        ));
        assert_eq!((topic.as_str(), qid), ("SCHEDULE_TOPIC_XXXX", 17));
        assert_eq!(props.get("REAL_TOPIC"), Some("T"));
        assert_eq!(props.get("REAL_QID"), Some("3"));
        assert_eq!(props.get("DELAY"), Some("18"));
        let mut topic = "T".to_string();
        let mut none = JavaHashMap::new();
        assert!(!handle_schedule_message(
            0, &mut topic, &mut qid, &mut none, 18
        ));
        let mut prepared = JavaHashMap::new();
        prepared.insert("DELAY", "2");
        assert!(!handle_schedule_message(
            message_sys_flag::TRANSACTION_PREPARED_TYPE,
            &mut topic,
            &mut qid,
            &mut prepared,
            18
        ));
    }
}
