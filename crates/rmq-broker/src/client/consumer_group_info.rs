//! `ConsumerGroupInfo`: the live members and subscriptions of one consumer group (Java
//! `broker/client/ConsumerGroupInfo`).

use super::client_channel_info::ClientChannelInfo;
use rmq_common::util_all::current_millis;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData,
};
use rmq_remoting::Channel;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One consumer group's members and subscriptions.
#[derive(Debug, Clone)]
pub struct ConsumerGroupInfo {
    pub group_name: String,
    pub subscription_table: HashMap<String, Arc<SubscriptionData>>,
    pub channel_info_table: HashMap<Channel, ClientChannelInfo>,
    pub consume_type: ConsumeType,
    pub message_model: MessageModel,
    pub consume_from_where: ConsumeFromWhere,
    pub last_update_timestamp: i64,
}

impl ConsumerGroupInfo {
    /// Builds an empty group.
    pub fn new(
        group_name: &str,
        consume_type: ConsumeType,
        message_model: MessageModel,
        consume_from_where: ConsumeFromWhere,
    ) -> Self {
        ConsumerGroupInfo {
            group_name: group_name.to_string(),
            subscription_table: HashMap::new(),
            channel_info_table: HashMap::new(),
            consume_type,
            message_model,
            consume_from_where,
            last_update_timestamp: current_millis(),
        }
    }

    /// Returns the member with `client_id`.
    pub fn find_channel_by_client_id(&self, client_id: &str) -> Option<&ClientChannelInfo> {
        self.channel_info_table
            .values()
            .find(|c| c.client_id == client_id)
    }

    /// Returns every member's connection.
    pub fn all_channels(&self) -> Vec<Channel> {
        self.channel_info_table.keys().cloned().collect()
    }

    /// Returns every member's client id.
    pub fn all_client_ids(&self) -> Vec<String> {
        self.channel_info_table
            .values()
            .map(|c| c.client_id.clone())
            .collect()
    }

    /// Adds or refreshes a member; true when it is new (Java `updateChannel`).
    pub fn update_channel(
        &mut self,
        info_new: ClientChannelInfo,
        consume_type: ConsumeType,
        message_model: MessageModel,
        consume_from_where: ConsumeFromWhere,
    ) -> bool {
        self.consume_type = consume_type;
        self.message_model = message_model;
        self.consume_from_where = consume_from_where;
        let now = current_millis();
        let updated = match self.channel_info_table.get(&info_new.channel) {
            None => {
                tracing::info!(
                    group = %self.group_name,
                    ?consume_type,
                    ?message_model,
                    channel = ?info_new,
                    "new consumer connected"
                );
                info_new.set_last_update_timestamp(now);
                self.channel_info_table
                    .insert(info_new.channel.clone(), info_new);
                true
            }
            Some(old) => {
                if old.client_id != info_new.client_id {
                    tracing::error!(
                        group = %self.group_name,
                        old = ?old,
                        new = ?info_new,
                        "ConsumerGroupInfo: consumer channel exists in broker, but clientId is not the same one"
                    );
                    info_new.set_last_update_timestamp(now);
                    self.channel_info_table
                        .insert(info_new.channel.clone(), info_new);
                } else {
                    old.set_last_update_timestamp(now);
                }
                false
            }
        };
        self.last_update_timestamp = now;
        updated
    }

    /// Replaces the subscriptions with `sub_list`; true when a topic was added or removed
    /// (Java `updateSubscription`; a newer subVersion replaces silently).
    pub fn update_subscription(&mut self, sub_list: &[SubscriptionData]) -> bool {
        let mut updated = false;
        let mut topics = HashSet::new();
        for sub in sub_list {
            match self.subscription_table.get(&sub.topic) {
                None => {
                    tracing::info!(group = %self.group_name, topic = %sub.topic, sub = %sub.sub_string, "subscription changed, add new topic");
                    self.subscription_table
                        .insert(sub.topic.clone(), Arc::new(sub.clone()));
                    updated = true;
                }
                Some(old) if sub.sub_version > old.sub_version => {
                    if self.consume_type == ConsumeType::ConsumePassively {
                        tracing::info!(group = %self.group_name, topic = %sub.topic, old = %old.sub_string, new = %sub.sub_string, "subscription changed");
                    }
                    self.subscription_table
                        .insert(sub.topic.clone(), Arc::new(sub.clone()));
                }
                Some(_) => {}
            }
            topics.insert(sub.topic.as_str());
        }
        let before = self.subscription_table.len();
        let group = self.group_name.clone();
        self.subscription_table.retain(|topic, _| {
            let keep = topics.contains(topic.as_str());
            if !keep {
                tracing::warn!(group = %group, topic, "subscription changed, remove topic");
            }
            keep
        });
        if self.subscription_table.len() != before {
            updated = true;
        }
        self.last_update_timestamp = current_millis();
        updated
    }

    /// Returns the subscribed topics.
    pub fn subscribe_topics(&self) -> Vec<String> {
        self.subscription_table.keys().cloned().collect()
    }
}
