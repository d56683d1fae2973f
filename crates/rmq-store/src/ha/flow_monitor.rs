//! Bytes transferred in the last whole second (Java `FlowMonitor`, without flow control).

use parking_lot::Mutex;
use rmq_common::util_all::current_millis;

/// Counts bytes per wall-clock second.
#[derive(Debug, Default)]
pub(crate) struct FlowMonitor {
    /// (second, bytes in that second, bytes in the second before it).
    state: Mutex<(i64, i64, i64)>,
}

impl FlowMonitor {
    /// Adds `n` transferred bytes.
    pub(crate) fn add(&self, n: usize) {
        let now = current_millis() / 1000;
        let mut s = self.state.lock();
        roll(&mut s, now);
        s.1 += n as i64;
    }

    /// Returns how many bytes may still go out this second under a limit of `max_per_second`
    /// (Java `canTransferMaxByteNum` with `haFlowControlEnable`).
    pub(crate) fn budget(&self, max_per_second: i64) -> usize {
        let now = current_millis() / 1000;
        let mut s = self.state.lock();
        roll(&mut s, now);
        (max_per_second - s.1).max(0) as usize
    }

    /// Returns the bytes transferred during the last complete second.
    pub(crate) fn transferred_byte_in_second(&self) -> i64 {
        let now = current_millis() / 1000;
        let mut s = self.state.lock();
        roll(&mut s, now);
        s.2
    }
}

fn roll(s: &mut (i64, i64, i64), now: i64) {
    if now == s.0 {
        return;
    }
    s.2 = if now == s.0 + 1 { s.1 } else { 0 };
    s.0 = now;
    s.1 = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolls_per_second() {
        let mut s = (10, 5, 0);
        roll(&mut s, 11);
        assert_eq!(s, (11, 0, 5));
        s.1 = 7;
        roll(&mut s, 13);
        assert_eq!(s, (13, 0, 0));
    }

    #[test]
    fn budget_is_what_is_left_of_this_second() {
        let f = FlowMonitor::default();
        f.add(100);
        // Unless the second just turned, 100 bytes are spent.
        assert!(f.budget(150) == 50 || f.budget(150) == 150);
        assert_eq!(f.budget(0), 0);
    }
}
