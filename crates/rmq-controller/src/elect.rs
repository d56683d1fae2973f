//! Choosing a new master (Java `ElectPolicy`, `DefaultElectPolicy`).

use std::collections::BTreeSet;

/// What the controller knows of a live broker from its heartbeats (the fields of Java's
/// `BrokerLiveInfo` that elections read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerLiveInfo {
    pub broker_name: String,
    pub broker_addr: String,
    pub broker_id: i64,
    pub last_update_timestamp: i64,
    pub heartbeat_timeout_millis: i64,
    pub epoch: i32,
    pub max_offset: i64,
    pub confirm_offset: i64,
    pub election_priority: i32,
}

/// Which brokers are alive, and what they last reported.
pub trait BrokerLiveness: Send + Sync {
    /// True while the broker's last heartbeat is within its timeout (`isBrokerActive`).
    fn is_active(&self, cluster_name: &str, broker_name: &str, broker_id: i64) -> bool;
    /// The broker's last report (`getBrokerLiveInfo`).
    fn live_info(
        &self,
        cluster_name: &str,
        broker_name: &str,
        broker_id: i64,
    ) -> Option<BrokerLiveInfo>;
}

/// Java's default policy: keep a valid old master; else the designated broker if valid;
/// else the valid candidate with the highest epoch, then the highest max offset, then the
/// lowest election priority. Candidates are the alive members of the SyncStateSet, then
/// (only with `enableElectUncleanMaster`) all alive replicas.
pub struct ElectPolicy<'a> {
    liveness: &'a dyn BrokerLiveness,
}

impl<'a> ElectPolicy<'a> {
    pub fn new(liveness: &'a dyn BrokerLiveness) -> Self {
        ElectPolicy { liveness }
    }

    /// Elects among `sync_state_brokers`, then among `all_replica_brokers` if given.
    pub fn elect(
        &self,
        cluster_name: &str,
        broker_name: &str,
        sync_state_brokers: Option<&BTreeSet<i64>>,
        all_replica_brokers: Option<&BTreeSet<i64>>,
        old_master: Option<i64>,
        prefer: Option<i64>,
    ) -> Option<i64> {
        [sync_state_brokers, all_replica_brokers]
            .into_iter()
            .flatten()
            .find_map(|brokers| {
                self.try_elect(cluster_name, broker_name, brokers, old_master, prefer)
            })
    }

    fn try_elect(
        &self,
        cluster_name: &str,
        broker_name: &str,
        brokers: &BTreeSet<i64>,
        old_master: Option<i64>,
        prefer: Option<i64>,
    ) -> Option<i64> {
        let valid: Vec<i64> = brokers
            .iter()
            .copied()
            .filter(|&id| self.liveness.is_active(cluster_name, broker_name, id))
            .collect();
        if valid.is_empty() {
            return None;
        }
        if let Some(old) = old_master {
            if valid.contains(&old) && prefer.is_none_or(|p| p == old) {
                return Some(old);
            }
        }
        if let Some(prefer) = prefer {
            return valid.contains(&prefer).then_some(prefer);
        }
        // Java sorts with (epoch desc, maxOffset desc, priority asc) in a TreeSet and takes
        // the first; among equals the lowest id wins here (Java: the first inserted).
        let best = valid
            .iter()
            .filter_map(|&id| self.liveness.live_info(cluster_name, broker_name, id))
            .min_by(|a, b| {
                b.epoch
                    .cmp(&a.epoch)
                    .then(b.max_offset.cmp(&a.max_offset))
                    .then(a.election_priority.cmp(&b.election_priority))
                    .then(a.broker_id.cmp(&b.broker_id))
            });
        Some(best.map_or(valid[0], |info| info.broker_id))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A liveness table for tests: (id → (epoch, max offset, priority)); absent ids are dead.
    #[derive(Default)]
    pub(crate) struct FakeLiveness {
        pub(crate) alive: HashMap<i64, (i32, i64, i32)>,
    }

    impl FakeLiveness {
        pub(crate) fn with(ids: &[(i64, i32, i64, i32)]) -> Self {
            FakeLiveness {
                alive: ids.iter().map(|&(id, e, o, p)| (id, (e, o, p))).collect(),
            }
        }
    }

    impl BrokerLiveness for FakeLiveness {
        fn is_active(&self, _c: &str, _b: &str, id: i64) -> bool {
            self.alive.contains_key(&id)
        }
        fn live_info(&self, _c: &str, b: &str, id: i64) -> Option<BrokerLiveInfo> {
            self.alive
                .get(&id)
                .map(|&(epoch, max_offset, election_priority)| BrokerLiveInfo {
                    broker_name: b.to_string(),
                    broker_addr: format!("127.0.0.1:{}", 30000 + id),
                    broker_id: id,
                    last_update_timestamp: 0,
                    heartbeat_timeout_millis: 10_000,
                    epoch,
                    max_offset,
                    confirm_offset: 0,
                    election_priority,
                })
        }
    }

    fn set(ids: &[i64]) -> BTreeSet<i64> {
        ids.iter().copied().collect()
    }

    #[test]
    fn a_valid_old_master_is_kept() {
        let live = FakeLiveness::with(&[(1, 1, 100, 0), (2, 2, 900, 0)]);
        let p = ElectPolicy::new(&live);
        assert_eq!(
            p.elect("c", "b", Some(&set(&[1, 2])), None, Some(1), None),
            Some(1)
        );
    }

    #[test]
    fn the_highest_epoch_then_offset_then_lowest_priority_wins() {
        let live = FakeLiveness::with(&[
            (1, 1, 900, 0),
            (2, 2, 100, 5),
            (3, 2, 500, 9),
            (4, 2, 500, 1),
        ]);
        let p = ElectPolicy::new(&live);
        assert_eq!(
            p.elect("c", "b", Some(&set(&[1, 2, 3, 4])), None, Some(9), None),
            Some(4)
        );
        // epoch beats offset
        assert_eq!(
            p.elect("c", "b", Some(&set(&[1, 2])), None, None, None),
            Some(2)
        );
    }

    #[test]
    fn a_designated_broker_wins_only_if_valid() {
        let live = FakeLiveness::with(&[(1, 1, 1, 0), (2, 1, 1, 0)]);
        let p = ElectPolicy::new(&live);
        assert_eq!(
            p.elect("c", "b", Some(&set(&[1, 2])), None, Some(1), Some(2)),
            Some(2)
        );
        assert_eq!(
            p.elect("c", "b", Some(&set(&[1, 2])), None, Some(1), Some(3)),
            None
        );
    }

    #[test]
    fn dead_in_sync_replicas_fall_back_to_all_replicas_only_when_given() {
        let live = FakeLiveness::with(&[(3, 1, 1, 0)]);
        let p = ElectPolicy::new(&live);
        assert_eq!(
            p.elect("c", "b", Some(&set(&[1, 2])), None, Some(1), None),
            None
        );
        assert_eq!(
            p.elect(
                "c",
                "b",
                Some(&set(&[1, 2])),
                Some(&set(&[1, 2, 3])),
                Some(1),
                None
            ),
            Some(3)
        );
    }
}
