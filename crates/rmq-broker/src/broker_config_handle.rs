//! [`BrokerConfigHandle`]: the broker config as the processors read it, a lock-free snapshot
//! (`arc_swap::ArcSwap`) published after every change of the shared, lock-protected copy the
//! managers and `Configuration` hold. Java reads the plain `BrokerConfig` fields; a request
//! here loads one snapshot and reads it without locking.

use crate::broker_config::BrokerConfig;
use arc_swap::ArcSwap;
use parking_lot::RwLock;
use std::sync::Arc;

/// The shared broker config plus its published snapshot.
#[derive(Clone)]
pub struct BrokerConfigHandle {
    shared: Arc<RwLock<BrokerConfig>>,
    snapshot: Arc<ArcSwap<BrokerConfig>>,
}

impl std::fmt::Debug for BrokerConfigHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerConfigHandle").finish_non_exhaustive()
    }
}

impl BrokerConfigHandle {
    /// Wraps a config; the first snapshot is a copy of it.
    pub fn new(config: BrokerConfig) -> Self {
        Self::from_shared(Arc::new(RwLock::new(config)))
    }

    /// Wraps an already shared config.
    pub fn from_shared(shared: Arc<RwLock<BrokerConfig>>) -> Self {
        let snapshot = Arc::new(ArcSwap::from_pointee(shared.read().clone()));
        BrokerConfigHandle { shared, snapshot }
    }

    /// Returns the current snapshot; read it for one request, no lock is held.
    pub fn load(&self) -> Arc<BrokerConfig> {
        self.snapshot.load_full()
    }

    /// Returns the lock-protected copy (managers and `Configuration` hold it).
    pub fn shared(&self) -> &Arc<RwLock<BrokerConfig>> {
        &self.shared
    }

    /// Publishes the shared copy as the new snapshot; call after it was written.
    pub fn publish(&self) {
        let next = self.shared.read().clone();
        self.snapshot.store(Arc::new(next));
    }

    /// Changes the shared copy and publishes it.
    pub fn update(&self, f: impl FnOnce(&mut BrokerConfig)) {
        f(&mut self.shared.write());
        self.publish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_changes_only_when_published() {
        let h = BrokerConfigHandle::new(BrokerConfig::default());
        let before = h.load();
        h.shared().write().broker_name = "changed".into();
        assert_ne!(h.load().broker_name, "changed");
        h.publish();
        assert_eq!(h.load().broker_name, "changed");
        assert_ne!(before.broker_name, "changed");
        h.update(|bc| bc.listen_port = 1234);
        assert_eq!(h.load().listen_port, 1234);
    }
}
