//! The broker's replication role at run time.
//!
//! `brokerRole` in the configuration is only where a broker starts: in controller mode Java's
//! `ReplicasManager` turns a slave into the master (and back) while the broker runs, by
//! setting `messageStoreConfig.brokerRole`. rmq's configuration is immutable, so the role the
//! store and the broker act on lives here, shared by both; every decision that depends on
//! the role reads it from this state, and the services that only a master runs (delay
//! levels, timer dequeue, transaction check-back: Java's `changeSpecialServiceStatus`) learn
//! of a change through [`RoleState::on_change`].

use crate::config::BrokerRole;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

type Listener = Arc<dyn Fn(BrokerRole) + Send + Sync>;

/// The current role, and who wants to hear of a change.
pub struct RoleState {
    role: AtomicU8,
    listeners: Mutex<Vec<Listener>>,
}

impl std::fmt::Debug for RoleState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoleState")
            .field("role", &self.role())
            .finish()
    }
}

fn encode(role: BrokerRole) -> u8 {
    match role {
        BrokerRole::AsyncMaster => 0,
        BrokerRole::SyncMaster => 1,
        BrokerRole::Slave => 2,
    }
}

fn decode(v: u8) -> BrokerRole {
    match v {
        1 => BrokerRole::SyncMaster,
        2 => BrokerRole::Slave,
        _ => BrokerRole::AsyncMaster,
    }
}

impl RoleState {
    pub fn new(role: BrokerRole) -> Arc<Self> {
        Arc::new(RoleState {
            role: AtomicU8::new(encode(role)),
            listeners: Mutex::new(Vec::new()),
        })
    }

    pub fn role(&self) -> BrokerRole {
        decode(self.role.load(Ordering::Acquire))
    }

    pub fn is_slave(&self) -> bool {
        self.role() == BrokerRole::Slave
    }

    /// Sets the role; the listeners hear of it when it differs from the one before, on the
    /// caller's thread, after the new role is visible.
    pub fn set(&self, role: BrokerRole) {
        let before = decode(self.role.swap(encode(role), Ordering::AcqRel));
        if before == role {
            return;
        }
        tracing::info!(?before, now = ?role, "broker role changed");
        let listeners: Vec<Listener> = self.listeners.lock().clone();
        for l in listeners {
            l(role);
        }
    }

    /// Calls `f` with the new role on every change from now on.
    pub fn on_change(&self, f: impl Fn(BrokerRole) + Send + Sync + 'static) {
        self.listeners.lock().push(Arc::new(f));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn listeners_hear_changes_but_not_repeats() {
        let state = RoleState::new(BrokerRole::Slave);
        let heard = Arc::new(Mutex::new(Vec::new()));
        let h = heard.clone();
        state.on_change(move |r| h.lock().push(r));
        state.set(BrokerRole::Slave);
        state.set(BrokerRole::SyncMaster);
        state.set(BrokerRole::SyncMaster);
        state.set(BrokerRole::Slave);
        assert_eq!(*heard.lock(), [BrokerRole::SyncMaster, BrokerRole::Slave]);
        assert!(state.is_slave());
    }

    #[test]
    fn every_role_round_trips() {
        let calls = Arc::new(AtomicUsize::new(0));
        let state = RoleState::new(BrokerRole::AsyncMaster);
        let c = calls.clone();
        state.on_change(move |_| {
            c.fetch_add(1, Ordering::Relaxed);
        });
        for r in [
            BrokerRole::SyncMaster,
            BrokerRole::Slave,
            BrokerRole::AsyncMaster,
        ] {
            state.set(r);
            assert_eq!(state.role(), r);
        }
        assert_eq!(calls.load(Ordering::Relaxed), 3);
    }
}
