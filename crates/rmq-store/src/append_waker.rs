//! `AppendWaker`: lets a reader of the CommitLog sleep until the next append instead of
//! polling while the log is idle. The reput polls every millisecond as Java's does (that
//! batches records under load); after a stretch with nothing new it parks here, and the next
//! append wakes it. An append pays one atomic load unless a reader is parked.

use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

type Wake = Box<dyn Fn() + Send + Sync>;

/// The CommitLog's side of the parked reader.
#[derive(Default)]
pub(crate) struct AppendWaker {
    parked: AtomicBool,
    wake: Mutex<Option<Wake>>,
}

impl AppendWaker {
    /// Sets what an append calls while a reader is parked.
    pub(crate) fn set_wake(&self, wake: Wake) {
        *self.wake.lock() = Some(wake);
    }

    /// Marks the reader parked (true) or polling (false). SeqCst pairs with
    /// [`AppendWaker::appended`]: after parking, the reader looks at the log once more, so an
    /// append either is seen by that look or sees the reader parked.
    pub(crate) fn set_parked(&self, parked: bool) {
        self.parked.store(parked, Ordering::SeqCst);
    }

    /// Whether a reader is parked.
    #[cfg(test)]
    pub(crate) fn is_parked(&self) -> bool {
        self.parked.load(Ordering::SeqCst)
    }

    /// Called after every append that moved the end of the log.
    pub(crate) fn appended(&self) {
        if self.parked.load(Ordering::SeqCst) {
            if let Some(w) = self.wake.lock().as_ref() {
                w();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[test]
    fn wakes_only_a_parked_reader() {
        let w = AppendWaker::default();
        let n = Arc::new(AtomicUsize::new(0));
        let c = n.clone();
        w.set_wake(Box::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        }));
        w.appended();
        assert_eq!(n.load(Ordering::SeqCst), 0);
        w.set_parked(true);
        w.appended();
        w.appended();
        assert_eq!(n.load(Ordering::SeqCst), 2);
        w.set_parked(false);
        w.appended();
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }
}
