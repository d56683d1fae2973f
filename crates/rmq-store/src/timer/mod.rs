//! Timer messages (Java `store/timer`): messages with `TIMER_OUT_MS` parked in
//! `rmq_sys_wheel_timer` queue 0 are moved into a wheel of time slots and put back to their
//! real topic when their slot is due.
//!
//! Files under the store root, in Java's byte layout: `timerlog/` ([`timer_log`]),
//! `timerwheel` ([`timer_wheel`]) and `config/timercheck` ([`timer_checkpoint`]). The
//! threads and their progress are in [`timer_message_store`]. `config/timermetrics` (Java
//! `TimerMetrics`) is not written: the per-topic counts are kept in memory only.

#[cfg(test)]
mod tests;
mod timer_checkpoint;
mod timer_log;
mod timer_message_store;
mod timer_wheel;

pub use timer_message_store::{timer_paths, TimerMessageStore};

/// When the message left the wheel (Java `TimerMessageStore.TIMER_DEQUEUE_MS`).
pub const TIMER_DEQUEUE_MS: &str = "TIMER_DEQUEUE_MS";
/// How often the message rolled over the roll window (Java `TIMER_ROLL_TIMES`).
pub const TIMER_ROLL_TIMES: &str = "TIMER_ROLL_TIMES";
/// Key of a recall marker: `<topic>+<uniqKey>` (Java `MessageConst.PROPERTY_TIMER_DEL_UNIQKEY`).
pub const TIMER_DEL_UNIQKEY: &str = "TIMER_DEL_UNIQKEY";
