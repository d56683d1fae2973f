//! Which brokers are alive: their BROKER_HEARTBEATs, expiry and closed connections (Java
//! `DefaultBrokerHeartbeatManager`). Not replicated: each controller learns it from the
//! brokers that talk to it; only the leader acts on it.

use crate::elect::{BrokerLiveInfo, BrokerLiveness};
use parking_lot::Mutex;
use rmq_remoting::protocol::header::namesrv::BrokerHeartbeatRequestHeader;
use rmq_remoting::Channel;
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// A broker's heartbeat timeout when it sends none (Java `DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`).
pub const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME: i64 = 10_000;

/// (cluster, broker name, broker id): the key of the live table (`BrokerIdentityInfo`).
pub type BrokerIdentity = (String, String, i64);

struct Entry {
    info: BrokerLiveInfo,
    channel: Option<Channel>,
}

/// The live table.
#[derive(Default)]
pub struct BrokerHeartbeatManager {
    table: Mutex<HashMap<BrokerIdentity, Entry>>,
}

pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl BrokerHeartbeatManager {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a heartbeat received at `now` (`onBrokerHeartbeat`). The epoch and offsets
    /// only move forward: a report older than the last one keeps the last one's.
    pub fn on_broker_heartbeat(
        &self,
        header: &BrokerHeartbeatRequestHeader,
        channel: Option<Channel>,
        now: i64,
    ) {
        let id = header.broker_id.unwrap_or(-1);
        let epoch = header.epoch.unwrap_or(-1);
        let max_offset = header.max_offset.unwrap_or(-1);
        let confirm_offset = header.confirm_offset.unwrap_or(-1);
        let timeout = header
            .heartbeat_timeout_mills
            .unwrap_or(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME);
        let priority = header.election_priority.unwrap_or(i32::MAX);
        let key = (header.cluster_name.clone(), header.broker_name.clone(), id);
        let mut table = self.table.lock();
        match table.get_mut(&key) {
            None => {
                tracing::info!(cluster = %header.cluster_name, broker = %header.broker_name, id, "new broker registered");
                table.insert(
                    key,
                    Entry {
                        info: BrokerLiveInfo {
                            broker_name: header.broker_name.clone(),
                            broker_addr: header.broker_addr.clone(),
                            broker_id: id,
                            last_update_timestamp: now,
                            heartbeat_timeout_millis: timeout,
                            epoch,
                            max_offset,
                            confirm_offset: 0,
                            election_priority: priority,
                        },
                        channel,
                    },
                );
            }
            Some(entry) => {
                let info = &mut entry.info;
                info.last_update_timestamp = now;
                info.heartbeat_timeout_millis = timeout;
                info.election_priority = priority;
                if epoch > info.epoch || (epoch == info.epoch && max_offset > info.max_offset) {
                    info.epoch = epoch;
                    info.max_offset = max_offset;
                    info.confirm_offset = confirm_offset;
                }
            }
        }
    }

    /// Removes the brokers whose heartbeat expired at `now`, closes their connections and
    /// returns them (`scanNotActiveBroker`).
    pub fn scan_not_active(&self, now: i64) -> Vec<BrokerIdentity> {
        let mut expired = Vec::new();
        self.table.lock().retain(|key, entry| {
            let alive = now - entry.info.last_update_timestamp <= entry.info.heartbeat_timeout_millis;
            if !alive {
                if let Some(channel) = &entry.channel {
                    channel.close();
                }
                tracing::warn!(broker = ?key, timeout = entry.info.heartbeat_timeout_millis, "broker heartbeat expired");
                expired.push(key.clone());
            }
            alive
        });
        expired
    }

    /// Removes the broker whose heartbeats came on the closed connection `channel_id` and
    /// returns it (`onBrokerChannelClose`).
    pub fn on_channel_close(&self, channel_id: u64) -> Option<BrokerIdentity> {
        let mut table = self.table.lock();
        let key = table
            .iter()
            .find(|(_, e)| e.channel.as_ref().is_some_and(|c| c.id() == channel_id))
            .map(|(k, _)| k.clone())?;
        table.remove(&key);
        tracing::info!(broker = ?key, "broker connection closed");
        Some(key)
    }

    /// True if the broker's last heartbeat is within its timeout at `now`.
    pub fn is_active_at(&self, cluster: &str, broker_name: &str, id: i64, now: i64) -> bool {
        self.table
            .lock()
            .get(&(cluster.to_string(), broker_name.to_string(), id))
            .is_some_and(|e| e.info.last_update_timestamp + e.info.heartbeat_timeout_millis >= now)
    }

    /// Active brokers per cluster and broker name (`getActiveBrokersNum`).
    pub fn active_brokers_num(&self, now: i64) -> HashMap<String, HashMap<String, i32>> {
        let mut map: HashMap<String, HashMap<String, i32>> = HashMap::new();
        for ((cluster, name, _), e) in self.table.lock().iter() {
            if e.info.last_update_timestamp + e.info.heartbeat_timeout_millis >= now {
                *map.entry(cluster.clone())
                    .or_default()
                    .entry(name.clone())
                    .or_default() += 1;
            }
        }
        map
    }
}

impl BrokerLiveness for BrokerHeartbeatManager {
    fn is_active(&self, cluster_name: &str, broker_name: &str, broker_id: i64) -> bool {
        self.is_active_at(cluster_name, broker_name, broker_id, now_millis())
    }

    fn live_info(
        &self,
        cluster_name: &str,
        broker_name: &str,
        broker_id: i64,
    ) -> Option<BrokerLiveInfo> {
        self.table
            .lock()
            .get(&(cluster_name.to_string(), broker_name.to_string(), broker_id))
            .map(|e| e.info.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(id: i64, epoch: i32, max_offset: i64) -> BrokerHeartbeatRequestHeader {
        BrokerHeartbeatRequestHeader {
            cluster_name: "c".into(),
            broker_addr: format!("127.0.0.1:{}", 30000 + id),
            broker_name: "b".into(),
            broker_id: Some(id),
            epoch: Some(epoch),
            max_offset: Some(max_offset),
            confirm_offset: Some(max_offset),
            heartbeat_timeout_mills: Some(1000),
            election_priority: None,
        }
    }

    #[test]
    fn a_broker_is_active_until_its_timeout_then_scanned_out() {
        let m = BrokerHeartbeatManager::new();
        m.on_broker_heartbeat(&beat(1, 1, 10), None, 10_000);
        assert!(m.is_active_at("c", "b", 1, 11_000));
        assert!(!m.is_active_at("c", "b", 1, 11_001));
        assert!(m.scan_not_active(11_000).is_empty());
        assert_eq!(
            m.scan_not_active(11_001),
            vec![("c".to_string(), "b".to_string(), 1)]
        );
        assert!(m.live_info("c", "b", 1).is_none());
    }

    #[test]
    fn an_older_report_does_not_move_epoch_or_offset_back() {
        let m = BrokerHeartbeatManager::new();
        m.on_broker_heartbeat(&beat(1, 2, 100), None, 0);
        m.on_broker_heartbeat(&beat(1, 1, 500), None, 1);
        m.on_broker_heartbeat(&beat(1, 2, 50), None, 2);
        let info = m.live_info("c", "b", 1).expect("live");
        assert_eq!(
            (info.epoch, info.max_offset, info.last_update_timestamp),
            (2, 100, 2)
        );
        assert_eq!(info.election_priority, i32::MAX);
        m.on_broker_heartbeat(&beat(1, 3, 0), None, 3);
        assert_eq!(m.live_info("c", "b", 1).map(|i| i.epoch), Some(3));
    }

    #[test]
    fn a_closed_connection_removes_its_broker() {
        let m = BrokerHeartbeatManager::new();
        let (channel, _rx) = Channel::detached("127.0.0.1:1".parse().expect("addr"));
        let id = channel.id();
        m.on_broker_heartbeat(&beat(2, 1, 1), Some(channel), 0);
        assert_eq!(m.on_channel_close(id + 1), None);
        assert_eq!(m.on_channel_close(id), Some(("c".into(), "b".into(), 2)));
        assert!(!m.is_active_at("c", "b", 2, 0));
    }
}
