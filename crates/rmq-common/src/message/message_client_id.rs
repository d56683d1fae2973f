//! Unique message ids made by producers, the `UNIQ_KEY` property (Java
//! `MessageClientIDSetter`).
//!
//! Layout before hex encoding: client ip (4 or 16 bytes), pid as i16, a per-process i32
//! (Java uses the class loader's hash), then per message the milliseconds since the start of
//! the current month as i32 and a wrapping i16 counter.

use crate::util_all::bytes_to_hex;
use chrono::{Datelike, Local, TimeZone};
use parking_lot::Mutex;
use std::net::IpAddr;

struct State {
    fix: String,
    start_time: i64,
    next_start_time: i64,
    counter: u16,
}

fn month_bounds(now_millis: i64) -> (i64, i64) {
    let now = Local
        .timestamp_millis_opt(now_millis)
        .single()
        .unwrap_or_else(Local::now);
    let start = Local
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or(now_millis);
    let (ny, nm) = if now.month() == 12 {
        (now.year() + 1, 1)
    } else {
        (now.year(), now.month() + 1)
    };
    let next = Local
        .with_ymd_and_hms(ny, nm, 1, 0, 0, 0)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or(now_millis + 28 * 86_400_000);
    (start, next)
}

fn state() -> &'static Mutex<State> {
    static STATE: std::sync::OnceLock<Mutex<State>> = std::sync::OnceLock::new();
    STATE.get_or_init(|| {
        let mut fix = Vec::with_capacity(22);
        match crate::util_all::local_address() {
            IpAddr::V4(ip) => fix.extend_from_slice(&ip.octets()),
            IpAddr::V6(ip) => fix.extend_from_slice(&ip.octets()),
        }
        fix.extend_from_slice(&(crate::util_all::pid() as u16).to_be_bytes());
        fix.extend_from_slice(&rand::random::<i32>().to_be_bytes());
        let (start, next) = month_bounds(crate::util_all::current_millis());
        Mutex::new(State {
            fix: bytes_to_hex(&fix),
            start_time: start,
            next_start_time: next,
            counter: rand::random::<u16>(),
        })
    })
}

/// Returns a new unique message id (32 hex chars for an IPv4 host, 56 for IPv6).
pub fn create_uniq_id() -> String {
    let now = crate::util_all::current_millis();
    let mut st = state().lock();
    if now >= st.next_start_time {
        let (start, next) = month_bounds(now);
        st.start_time = start;
        st.next_start_time = next;
    }
    let diff = (now - st.start_time) as i32;
    let counter = st.counter;
    st.counter = st.counter.wrapping_add(1);
    let mut tail = [0u8; 6];
    tail[..4].copy_from_slice(&diff.to_be_bytes());
    tail[4..].copy_from_slice(&counter.to_be_bytes());
    let mut id = String::with_capacity(st.fix.len() + 12);
    id.push_str(&st.fix);
    id.push_str(&bytes_to_hex(&tail));
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sized() {
        let a = create_uniq_id();
        let b = create_uniq_id();
        assert_ne!(a, b);
        assert!(a.len() == 32 || a.len() == 56, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
