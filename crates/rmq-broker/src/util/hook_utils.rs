//! Transformations applied before a message reaches the store (Java `broker/util/HookUtils`,
//! registered in 5.x as store put hooks): a message with a delay level is parked in
//! `SCHEDULE_TOPIC_XXXX`, queue `level - 1`, with its real topic and queue saved; a 5.x timer
//! message (`TIMER_DELIVER_MS`, `TIMER_DELAY_SEC`, `TIMER_DELAY_MS`) is parked in
//! `rmq_sys_wheel_timer` queue 0 with `TIMER_OUT_MS` for the timer store.

use rmq_common::java_hash_map::JavaHashMap;
use rmq_common::message::message_const::{
    PROPERTY_DELAY_TIME_LEVEL, PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC,
    PROPERTY_TIMER_DELAY_MS, PROPERTY_TIMER_DELAY_SEC, PROPERTY_TIMER_DELIVER_MS,
    PROPERTY_TIMER_OUT_MS,
};
use rmq_common::mix_all;
use rmq_common::sys_flag::message_sys_flag;
use rmq_store::timer::TIMER_DEL_UNIQKEY as PROPERTY_TIMER_DEL_UNIQKEY;

/// Returns the delay level of a property map (0 when absent or invalid).
pub fn delay_time_level(props: &JavaHashMap) -> i32 {
    props
        .get(PROPERTY_DELAY_TIME_LEVEL)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Returns true for a 5.x timer message (`TIMER_DELIVER_MS`, `TIMER_DELAY_MS` or
/// `TIMER_DELAY_SEC` without a delay level; Java `HookUtils.checkIfTimerMessage`).
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

/// Why a timer message was refused (Java's `PutMessageStatus.WHEEL_TIMER_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerReject {
    /// `timerWheelEnable` is false (Java `WHEEL_TIMER_NOT_ENABLE`).
    NotEnable,
    /// Unparsable time, too far ahead, or a recall marker already due
    /// (`WHEEL_TIMER_MSG_ILLEGAL`).
    MsgIllegal,
    /// The slot is congested (`WHEEL_TIMER_FLOW_CONTROL`).
    FlowControl,
}

/// What the timer transform needs from the broker.
pub struct TimerSettings<'a> {
    pub timer_wheel_enable: bool,
    pub timer_max_delay_sec: i32,
    pub timer_precision_ms: i32,
    /// Java `TimerMessageStore.isReject` for an aligned delivery time.
    pub is_reject: &'a dyn Fn(i64) -> bool,
}

/// Java `transformTimerMessage` (under `handleScheduleMessage`): for a timer message due
/// later, aligns the delivery time to the precision (a multiple goes one precision earlier,
/// anything else is floored), saves `TIMER_OUT_MS`, `REAL_TOPIC` and `REAL_QID` and moves it
/// to the timer topic, queue 0. A message already due is stored as it is. Returns true when
/// the message was moved.
pub fn handle_timer_message(
    sys_flag: i32,
    topic: &mut String,
    queue_id: &mut i32,
    props: &mut JavaHashMap,
    now: i64,
    settings: &TimerSettings<'_>,
) -> Result<bool, TimerReject> {
    if !is_timer_message(sys_flag, topic, props) {
        return Ok(false);
    }
    if !settings.timer_wheel_enable {
        return Err(TimerReject::NotEnable);
    }
    let parse = |k: &str| props.get(k).map(|v| v.trim().parse::<i64>());
    let deliver_ms = if let Some(sec) = parse(PROPERTY_TIMER_DELAY_SEC) {
        sec.map(|s| now.wrapping_add(s.wrapping_mul(1000)))
    } else if let Some(ms) = parse(PROPERTY_TIMER_DELAY_MS) {
        ms.map(|m| now.wrapping_add(m))
    } else {
        parse(PROPERTY_TIMER_DELIVER_MS).unwrap_or(Ok(0))
    }
    .map_err(|_| TimerReject::MsgIllegal)?;
    if deliver_ms <= now {
        if props.contains_key(PROPERTY_TIMER_DEL_UNIQKEY) {
            return Err(TimerReject::MsgIllegal);
        }
        return Ok(false);
    }
    if deliver_ms - now > i64::from(settings.timer_max_delay_sec) * 1000 {
        return Err(TimerReject::MsgIllegal);
    }
    let precision = i64::from(settings.timer_precision_ms.max(1));
    let aligned = if deliver_ms % precision == 0 {
        deliver_ms - precision
    } else {
        deliver_ms / precision * precision
    };
    if (settings.is_reject)(aligned) {
        return Err(TimerReject::FlowControl);
    }
    props.insert(PROPERTY_TIMER_OUT_MS, aligned.to_string());
    props.insert(PROPERTY_REAL_TOPIC, topic.clone());
    props.insert(PROPERTY_REAL_QUEUE_ID, queue_id.to_string());
    *topic = mix_all::TIMER_TOPIC.to_string();
    *queue_id = 0;
    Ok(true)
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

    fn settings(reject: &dyn Fn(i64) -> bool) -> TimerSettings<'_> {
        TimerSettings {
            timer_wheel_enable: true,
            timer_max_delay_sec: 10,
            timer_precision_ms: 1000,
            is_reject: reject,
        }
    }

    fn timer(
        k: &str,
        v: &str,
        now: i64,
        s: &TimerSettings<'_>,
    ) -> (Result<bool, TimerReject>, String, i32, JavaHashMap) {
        let mut topic = "T".to_string();
        let mut qid = 2;
        let mut props = JavaHashMap::new();
        props.insert(k, v);
        let r = handle_timer_message(0, &mut topic, &mut qid, &mut props, now, s);
        (r, topic, qid, props)
    }

    #[test]
    fn parks_timer_messages_as_java() {
        let never = |_| false;
        let s = settings(&never);
        let now = 1_000_000_500;
        let (r, topic, qid, props) = timer("TIMER_DELAY_SEC", "3", now, &s);
        assert_eq!(r, Ok(true));
        assert_eq!((topic.as_str(), qid), ("rmq_sys_wheel_timer", 0));
        assert_eq!(props.get("TIMER_OUT_MS"), Some("1000003000"));
        assert_eq!(props.get("REAL_TOPIC"), Some("T"));
        assert_eq!(props.get("REAL_QID"), Some("2"));
        // A multiple of the precision goes one precision earlier.
        let (_, _, _, props) = timer("TIMER_DELIVER_MS", "1000004000", now, &s);
        assert_eq!(props.get("TIMER_OUT_MS"), Some("1000003000"));
        let (_, _, _, props) = timer("TIMER_DELAY_MS", "1700", now, &s);
        assert_eq!(props.get("TIMER_OUT_MS"), Some("1000002000"));
        // Due already: stored as it is.
        let (r, topic, _, props) = timer("TIMER_DELIVER_MS", "5", now, &s);
        assert_eq!((r, topic.as_str()), (Ok(false), "T"));
        assert!(props.get("TIMER_OUT_MS").is_none());
        assert_eq!(
            timer("TIMER_DELAY_SEC", "11", now, &s).0,
            Err(TimerReject::MsgIllegal)
        );
        assert_eq!(
            timer("TIMER_DELAY_MS", "x", now, &s).0,
            Err(TimerReject::MsgIllegal)
        );
        let always = |_| true;
        assert_eq!(
            timer("TIMER_DELAY_SEC", "1", now, &settings(&always)).0,
            Err(TimerReject::FlowControl)
        );
        let off = TimerSettings {
            timer_wheel_enable: false,
            ..settings(&never)
        };
        assert_eq!(
            timer("TIMER_DELAY_SEC", "1", now, &off).0,
            Err(TimerReject::NotEnable)
        );
        // A recall marker must be in the future.
        let mut topic = "T".to_string();
        let mut props = JavaHashMap::new();
        props.insert("TIMER_DELIVER_MS", "5");
        props.insert("TIMER_DEL_UNIQKEY", "T+U1");
        assert_eq!(
            handle_timer_message(0, &mut topic, &mut 0, &mut props, now, &s),
            Err(TimerReject::MsgIllegal)
        );
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
