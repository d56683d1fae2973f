//! The sampling scheme all of Java's benchmark tools use: a timer takes a snapshot of the
//! counters every second and keeps the last ten; every report interval the tool compares the
//! oldest and newest (`snapshotList` in `Producer`, `Consumer`, ...).

use crate::latency::LatencyRecorder;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Snapshots kept (Java: `if (snapshotList.size() > 10) removeFirst()`).
pub const WINDOW: usize = 10;

/// The last [`WINDOW`] snapshots.
pub struct SnapshotWindow<T> {
    snapshots: Mutex<VecDeque<T>>,
}

impl<T: Clone> Default for SnapshotWindow<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> SnapshotWindow<T> {
    /// Creates an empty window.
    pub fn new() -> Self {
        SnapshotWindow {
            snapshots: Mutex::new(VecDeque::with_capacity(WINDOW + 1)),
        }
    }

    /// Adds a snapshot, dropping the oldest beyond [`WINDOW`].
    pub fn push(&self, s: T) {
        let mut q = self.snapshots.lock();
        q.push_back(s);
        while q.len() > WINDOW {
            q.pop_front();
        }
    }

    /// Returns (oldest, newest) once the window is full (`snapshotList.size() >= 10`).
    pub fn full_range(&self) -> Option<(T, T)> {
        let q = self.snapshots.lock();
        if q.len() < WINDOW {
            return None;
        }
        Some((q.front()?.clone(), q.back()?.clone()))
    }

    /// Returns (oldest, newest) when there are at least two snapshots
    /// (`snapshotList.size() > 1`, the condition of the `[Complete]` line).
    pub fn range(&self) -> Option<(T, T)> {
        let q = self.snapshots.lock();
        if q.len() < 2 {
            return None;
        }
        Some((q.front()?.clone(), q.back()?.clone()))
    }
}

/// Spawns the 1 s snapshot timer (first after 1 s, as `scheduleAtFixedRate(.., 1000, 1000)`).
pub fn spawn_sampler<T, F>(window: std::sync::Arc<SnapshotWindow<T>>, snapshot: F)
where
    T: Clone + Send + 'static,
    F: Fn() -> T + Send + 'static,
{
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
        let mut tick = tokio::time::interval_at(start, std::time::Duration::from_secs(1));
        loop {
            tick.tick().await;
            window.push(snapshot());
        }
    });
}

/// Starts a tool's sampling and periodic report: every second `snapshot()` goes into a new
/// window; every `report_interval_millis` ms, once the window is full, the report task prints
/// `line(oldest, newest)` followed by the period's latency percentiles labelled
/// `latency_label` (` | RT p50/p99/p999(ms): ...`). Returns the window and the report task,
/// which the tool aborts before its final lines.
pub fn start_reporting<T, S, L>(
    snapshot: S,
    report_interval_millis: u64,
    latency: Arc<LatencyRecorder>,
    latency_label: &'static str,
    line: L,
) -> (Arc<SnapshotWindow<T>>, JoinHandle<()>)
where
    T: Clone + Send + 'static,
    S: Fn() -> T + Send + 'static,
    L: Fn(&T, &T) -> String + Send + 'static,
{
    let window = Arc::new(SnapshotWindow::new());
    spawn_sampler(window.clone(), snapshot);
    let report = {
        let window = window.clone();
        let every = Duration::from_millis(report_interval_millis);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                tick.tick().await;
                if let Some((b, e)) = window.full_range() {
                    let line = line(&b, &e);
                    println!("{line}{}", latency.take_period().suffix(latency_label));
                }
            }
        })
    };
    (window, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_ten() {
        let w = SnapshotWindow::new();
        for i in 0..9 {
            w.push(i);
        }
        assert_eq!(w.full_range(), None);
        assert_eq!(w.range(), Some((0, 8)));
        for i in 9..15 {
            w.push(i);
        }
        assert_eq!(w.full_range(), Some((5, 14)));
    }
}
