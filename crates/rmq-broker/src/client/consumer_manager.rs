//! `ConsumerManager`: consumer groups learnt from heartbeats, expired after
//! `channelExpiredTimeout` without one, and `NOTIFY_CONSUMER_IDS_CHANGED` on membership
//! changes (Java `broker/client/ConsumerManager`, `DefaultConsumerIdsChangeListener`).

use super::client_channel_info::ClientChannelInfo;
use super::consumer_group_info::ConsumerGroupInfo;
use dashmap::DashMap;
use rmq_common::util_all::current_millis;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData,
};
use rmq_remoting::Channel;
use std::collections::HashSet;
use std::sync::Arc;

/// Told when a group's members change (Java `ConsumerIdsChangeListener`, CHANGE event), and
/// when a group registers its subscriptions or its last member leaves (REGISTER, UNREGISTER).
pub trait ConsumerIdsChangeListener: Send + Sync {
    /// `channels` are the group's remaining members.
    fn consumer_ids_changed(&self, group: &str, channels: Vec<Channel>);

    /// A member registered these subscriptions (Java REGISTER, after every
    /// `registerConsumer` with subscriptions).
    fn consumer_registered(&self, _group: &str, _sub_list: &[SubscriptionData]) {}

    /// The group's last member left and the group was removed (Java UNREGISTER).
    fn consumer_unregistered(&self, _group: &str) {}
}

/// The consumer group table.
pub struct ConsumerManager {
    consumer_table: DashMap<String, ConsumerGroupInfo>,
    topic_group_table: DashMap<String, HashSet<String>>,
    listener: Arc<dyn ConsumerIdsChangeListener>,
    channel_expired_timeout_millis: i64,
}

impl ConsumerManager {
    /// Builds an empty table.
    pub fn new(
        listener: Arc<dyn ConsumerIdsChangeListener>,
        channel_expired_timeout_millis: i64,
    ) -> Self {
        ConsumerManager {
            consumer_table: DashMap::new(),
            topic_group_table: DashMap::new(),
            listener,
            channel_expired_timeout_millis,
        }
    }

    /// Returns a copy of a group's info.
    pub fn get_consumer_group_info(&self, group: &str) -> Option<ConsumerGroupInfo> {
        self.consumer_table.get(group).map(|g| g.clone())
    }

    /// Returns the groups that have members.
    pub fn groups(&self) -> Vec<String> {
        self.consumer_table
            .iter()
            .map(|e| e.key().clone())
            .collect()
    }

    /// Returns the member of `group` with `client_id`.
    pub fn find_channel(&self, group: &str, client_id: &str) -> Option<ClientChannelInfo> {
        self.consumer_table
            .get(group)
            .and_then(|g| g.find_channel_by_client_id(client_id).cloned())
    }

    /// Returns the member of `group` on `channel`.
    pub fn find_channel_by_channel(
        &self,
        group: &str,
        channel: &Channel,
    ) -> Option<ClientChannelInfo> {
        self.consumer_table
            .get(group)
            .and_then(|g| g.channel_info_table.get(channel).cloned())
    }

    /// Returns the group's subscription of `topic` (Java `findSubscriptionData`).
    pub fn find_subscription_data(
        &self,
        group: &str,
        topic: &str,
    ) -> Option<Arc<SubscriptionData>> {
        self.consumer_table
            .get(group)
            .and_then(|g| g.subscription_table.get(topic).cloned())
    }

    /// Returns how many topics the group subscribes.
    pub fn find_subscription_data_count(&self, group: &str) -> usize {
        self.consumer_table
            .get(group)
            .map(|g| g.subscription_table.len())
            .unwrap_or(0)
    }

    /// Registers or refreshes a member and its subscriptions; true when members or topics
    /// changed (Java `registerConsumer`).
    #[allow(clippy::too_many_arguments)]
    pub fn register_consumer(
        &self,
        group: &str,
        client_channel_info: ClientChannelInfo,
        consume_type: ConsumeType,
        message_model: MessageModel,
        consume_from_where: ConsumeFromWhere,
        sub_list: Option<&[SubscriptionData]>,
        notify_consumer_ids_changed_enable: bool,
    ) -> bool {
        let (changed, broadcast, channels) = {
            let mut info = self
                .consumer_table
                .entry(group.to_string())
                .or_insert_with(|| {
                    ConsumerGroupInfo::new(group, consume_type, message_model, consume_from_where)
                });
            let topics: Vec<String> = match sub_list {
                Some(subs) => subs.iter().map(|s| s.topic.clone()).collect(),
                None => info.subscribe_topics(),
            };
            for topic in topics {
                // Java adds the topic (not the group) to the set; queryTopicConsumeByWho
                // then answers with topics. We keep the group, which is what callers want.
                self.topic_group_table
                    .entry(topic)
                    .or_default()
                    .insert(group.to_string());
            }
            let r1 = info.update_channel(
                client_channel_info,
                consume_type,
                message_model,
                consume_from_where,
            );
            let r2 = match sub_list {
                Some(subs) => info.update_subscription(subs),
                None => false,
            };
            (
                r1 || r2,
                info.message_model == MessageModel::Broadcasting,
                info.all_channels(),
            )
        };
        if changed && notify_consumer_ids_changed_enable && !broadcast {
            self.listener.consumer_ids_changed(group, channels);
        }
        if let Some(subs) = sub_list {
            self.listener.consumer_registered(group, subs);
        }
        changed
    }

    /// Removes a member (Java `unregisterConsumer`).
    pub fn unregister_consumer(
        &self,
        group: &str,
        client_channel_info: &ClientChannelInfo,
        notify_consumer_ids_changed_enable: bool,
    ) {
        let outcome = {
            let Some(mut info) = self.consumer_table.get_mut(group) else {
                return;
            };
            if info
                .channel_info_table
                .remove(&client_channel_info.channel)
                .is_some()
            {
                tracing::info!(group, client = ?client_channel_info, "unregister a consumer from consumerGroupInfo");
            }
            (
                info.channel_info_table.is_empty(),
                info.message_model == MessageModel::Broadcasting,
                info.all_channels(),
            )
        };
        let (empty, broadcast, channels) = outcome;
        if empty {
            if let Some((_, removed)) = self.consumer_table.remove(group) {
                tracing::info!(
                    group,
                    "unregister consumer ok, no any connection, and remove consumer group"
                );
                self.listener.consumer_unregistered(group);
                self.clear_topic_group_table(&removed);
            }
        }
        if notify_consumer_ids_changed_enable && !broadcast {
            self.listener.consumer_ids_changed(group, channels);
        }
    }

    /// Removes a closed connection from every group (Java `doChannelCloseEvent`).
    pub fn do_channel_close_event(&self, remote_addr: &str, channel: &Channel) -> bool {
        let groups: Vec<String> = self.groups();
        let mut removed_any = false;
        for group in groups {
            let outcome = {
                let Some(mut info) = self.consumer_table.get_mut(&group) else {
                    continue;
                };
                let Some(old) = info.channel_info_table.remove(channel) else {
                    continue;
                };
                tracing::warn!(
                    channel = ?old,
                    remote_addr,
                    group = %group,
                    "NETTY EVENT: remove not active channel from ConsumerGroupInfo groupChannelTable"
                );
                (
                    info.channel_info_table.is_empty(),
                    info.message_model == MessageModel::Broadcasting,
                    info.all_channels(),
                )
            };
            removed_any = true;
            let (empty, broadcast, channels) = outcome;
            if empty {
                if let Some((_, removed)) = self.consumer_table.remove(&group) {
                    tracing::info!(group = %group, "unregister consumer ok, no any connection, and remove consumer group");
                    self.listener.consumer_unregistered(&group);
                    self.clear_topic_group_table(&removed);
                }
            }
            if !broadcast {
                self.listener.consumer_ids_changed(&group, channels);
            }
        }
        removed_any
    }

    /// Drops members silent for longer than `channelExpiredTimeout` (Java
    /// `scanNotActiveChannel`).
    pub fn scan_not_active_channel(&self) {
        let now = current_millis();
        let mut empty_groups = Vec::new();
        for mut entry in self.consumer_table.iter_mut() {
            let group = entry.key().clone();
            let timeout = self.channel_expired_timeout_millis;
            entry.channel_info_table.retain(|_, info| {
                let expired = now - info.last_update_timestamp() > timeout;
                if expired {
                    tracing::warn!(
                        channel = %info.channel.remote_addr(),
                        consumer_group = %group,
                        "SCAN: remove expired channel from ConsumerManager consumerTable"
                    );
                    info.channel.close();
                }
                !expired
            });
            if entry.channel_info_table.is_empty() {
                empty_groups.push(group);
            }
        }
        for group in empty_groups {
            let removed = self
                .consumer_table
                .remove_if(&group, |_, info| info.channel_info_table.is_empty());
            if let Some((_, info)) = removed {
                tracing::warn!(consumer_group = %group, "SCAN: remove expired channel from ConsumerManager consumerTable, all clear");
                self.clear_topic_group_table(&info);
            }
        }
    }

    /// Returns the groups subscribing `topic` (Java `queryTopicConsumeByWho`).
    pub fn query_topic_consume_by_who(&self, topic: &str) -> HashSet<String> {
        self.topic_group_table
            .get(topic)
            .map(|g| g.clone())
            .unwrap_or_default()
    }

    fn clear_topic_group_table(&self, info: &ConsumerGroupInfo) {
        for topic in info.subscription_table.keys() {
            if let Some(mut groups) = self.topic_group_table.get_mut(topic) {
                groups.remove(&info.group_name);
            }
            self.topic_group_table.remove_if(topic, |_, g| g.is_empty());
        }
    }
}
