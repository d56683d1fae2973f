//! The sampling scheme all of Java's benchmark tools use: a timer takes a snapshot of the
//! counters every second and keeps the last ten; every report interval the tool compares the
//! oldest and newest (`snapshotList` in `Producer`, `Consumer`, ...).

use parking_lot::Mutex;
use std::collections::VecDeque;

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
