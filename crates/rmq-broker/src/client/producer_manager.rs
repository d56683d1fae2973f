//! `ProducerManager`: producer groups learnt from heartbeats, expired after 120 s without one
//! (Java `broker/client/ProducerManager`).

use super::client_channel_info::ClientChannelInfo;
use dashmap::DashMap;
use rmq_common::util_all::current_millis;
use rmq_remoting::Channel;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Java `ProducerManager.CHANNEL_EXPIRED_TIMEOUT`.
pub const CHANNEL_EXPIRED_TIMEOUT_MILLIS: i64 = 1000 * 120;
const GET_AVAILABLE_CHANNEL_RETRY_COUNT: usize = 3;

/// The producer group table.
#[derive(Default)]
pub struct ProducerManager {
    group_channel_table: DashMap<String, HashMap<Channel, ClientChannelInfo>>,
    client_channel_table: DashMap<String, Channel>,
    positive_counter: AtomicUsize,
}

impl ProducerManager {
    /// Builds an empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the number of groups.
    pub fn group_size(&self) -> usize {
        self.group_channel_table.len()
    }

    /// Returns true when the group has a live member.
    pub fn group_online(&self, group: &str) -> bool {
        self.group_channel_table
            .get(group)
            .is_some_and(|m| !m.is_empty())
    }

    /// Returns the members of a group.
    pub fn group_channels(&self, group: &str) -> Vec<ClientChannelInfo> {
        self.group_channel_table
            .get(group)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Returns every group with its members.
    pub fn producer_table(&self) -> Vec<(String, Vec<ClientChannelInfo>)> {
        self.group_channel_table
            .iter()
            .map(|e| (e.key().clone(), e.value().values().cloned().collect()))
            .collect()
    }

    /// Registers or refreshes a member (Java `registerProducer`).
    pub fn register_producer(&self, group: &str, info: ClientChannelInfo) {
        let mut table = self
            .group_channel_table
            .entry(group.to_string())
            .or_default();
        match table.get(&info.channel) {
            Some(found) => found.set_last_update_timestamp(current_millis()),
            None => {
                tracing::info!(group, channel = ?info, "new producer connected");
                self.client_channel_table
                    .insert(info.client_id.clone(), info.channel.clone());
                table.insert(info.channel.clone(), info);
            }
        }
    }

    /// Removes a member (Java `unregisterProducer`).
    pub fn unregister_producer(&self, group: &str, info: &ClientChannelInfo) {
        let empty = {
            let Some(mut table) = self.group_channel_table.get_mut(group) else {
                return;
            };
            if table.is_empty() {
                return;
            }
            let old = table.remove(&info.channel);
            self.client_channel_table.remove(&info.client_id);
            if old.is_some() {
                tracing::info!(group, client = ?info, "unregister a producer from groupChannelTable");
            }
            table.is_empty()
        };
        if empty {
            self.group_channel_table
                .remove_if(group, |_, t| t.is_empty());
            tracing::info!(group, "unregister a producer group from groupChannelTable");
        }
    }

    /// Removes a closed connection from every group (Java `doChannelCloseEvent`).
    pub fn do_channel_close_event(&self, remote_addr: &str, channel: &Channel) -> bool {
        let mut removed = false;
        let mut empty = Vec::new();
        for mut entry in self.group_channel_table.iter_mut() {
            if let Some(info) = entry.remove(channel) {
                self.client_channel_table
                    .remove_if(&info.client_id, |_, c| c == channel);
                removed = true;
                tracing::info!(
                    client = ?info,
                    remote_addr,
                    group = %entry.key(),
                    "NETTY EVENT: remove channel from ProducerManager groupChannelTable"
                );
                if entry.is_empty() {
                    empty.push(entry.key().clone());
                }
            }
        }
        for g in empty {
            if self
                .group_channel_table
                .remove_if(&g, |_, t| t.is_empty())
                .is_some()
            {
                tracing::info!(group = %g, "unregister a producer group from groupChannelTable");
            }
        }
        removed
    }

    /// Drops members silent for more than 120 s (Java `scanNotActiveChannel`).
    pub fn scan_not_active_channel(&self) {
        let now = current_millis();
        let mut empty = Vec::new();
        for mut entry in self.group_channel_table.iter_mut() {
            let group = entry.key().clone();
            entry.retain(|_, info| {
                let expired = now - info.last_update_timestamp() > CHANNEL_EXPIRED_TIMEOUT_MILLIS;
                if expired {
                    self.client_channel_table
                        .remove_if(&info.client_id, |_, c| *c == info.channel);
                    tracing::warn!(
                        channel = %info.channel.remote_addr(),
                        group = %group,
                        "ProducerManager#scanNotActiveChannel: remove expired channel from ProducerManager groupChannelTable"
                    );
                    info.channel.close();
                }
                !expired
            });
            if entry.is_empty() {
                empty.push(group);
            }
        }
        for g in empty {
            if self
                .group_channel_table
                .remove_if(&g, |_, t| t.is_empty())
                .is_some()
            {
                tracing::warn!(group = %g, "SCAN: remove expired channel from ProducerManager groupChannelTable, all clear");
            }
        }
    }

    /// Returns a live connection of the group, round robin (Java `getAvailableChannel`).
    pub fn get_available_channel(&self, group: &str) -> Option<Channel> {
        let channels: Vec<Channel> = self
            .group_channel_table
            .get(group)
            .map(|m| m.keys().cloned().collect())?;
        if channels.is_empty() {
            tracing::warn!(group, "Channel list is empty");
            return None;
        }
        let start = self.positive_counter.fetch_add(1, Ordering::Relaxed);
        (0..=GET_AVAILABLE_CHANNEL_RETRY_COUNT)
            .map(|i| &channels[(start + i) % channels.len()])
            .find(|c| c.is_active())
            .cloned()
    }

    /// Returns the connection of a client id (Java `findChannel`).
    pub fn find_channel(&self, client_id: &str) -> Option<Channel> {
        self.client_channel_table.get(client_id).map(|c| c.clone())
    }
}
