//! `ServiceThread`: a named std thread that sleeps until woken or a timeout, and stops on
//! request (Java `common/ServiceThread`).

use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Shared stop/wake-up state of one service thread.
#[derive(Debug, Default)]
pub(crate) struct ServiceState {
    stopped: AtomicBool,
    notified: Mutex<bool>,
    cond: Condvar,
}

impl ServiceState {
    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Wakes the thread out of `wait_for_running` (Java `wakeup`).
    pub(crate) fn wakeup(&self) {
        let mut n = self.notified.lock();
        if !*n {
            *n = true;
            self.cond.notify_one();
        }
    }

    /// Sleeps up to `millis` unless already woken; clears the wake-up (Java `waitForRunning`).
    pub(crate) fn wait_for_running(&self, millis: u64) {
        let mut n = self.notified.lock();
        if !*n && !self.is_stopped() {
            self.cond.wait_for(&mut n, Duration::from_millis(millis));
        }
        *n = false;
    }
}

/// A running service thread; `shutdown` stops and joins it.
#[derive(Debug)]
pub(crate) struct ServiceThread {
    pub(crate) state: Arc<ServiceState>,
    handle: Mutex<Option<JoinHandle<()>>>,
}

impl ServiceThread {
    /// Starts `run` on a thread named `name`; `run` loops until `state.is_stopped()`.
    pub(crate) fn start<F>(name: &str, state: Arc<ServiceState>, run: F) -> std::io::Result<Self>
    where
        F: FnOnce(Arc<ServiceState>) + Send + 'static,
    {
        let s = state.clone();
        let handle = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || run(s))?;
        Ok(ServiceThread {
            state,
            handle: Mutex::new(Some(handle)),
        })
    }

    /// Asks the thread to stop, wakes it and waits for it to end.
    pub(crate) fn shutdown(&self) {
        self.state.stopped.store(true, Ordering::Release);
        self.state.wakeup();
        if let Some(h) = self.handle.lock().take() {
            if h.join().is_err() {
                tracing::error!("service thread panicked");
            }
        }
    }
}

/// The thread of a service that owns its state: empty until started, emptied by `shutdown`.
#[derive(Debug, Default)]
pub(crate) struct ServiceSlot(Mutex<Option<ServiceThread>>);

impl ServiceSlot {
    /// Starts `run` on a thread named `name` (see [`ServiceThread::start`]).
    pub(crate) fn start<F>(&self, name: &str, run: F) -> std::io::Result<()>
    where
        F: FnOnce(Arc<ServiceState>) + Send + 'static,
    {
        let t = ServiceThread::start(name, Arc::new(ServiceState::default()), run)?;
        *self.0.lock() = Some(t);
        Ok(())
    }

    /// Wakes the thread out of `wait_for_running`, if it runs.
    pub(crate) fn wakeup(&self) {
        if let Some(t) = self.0.lock().as_ref() {
            t.state.wakeup();
        }
    }

    /// Stops and joins the thread, if it runs.
    pub(crate) fn shutdown(&self) {
        let t = self.0.lock().take();
        if let Some(t) = t {
            t.shutdown();
        }
    }
}
