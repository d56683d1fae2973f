//! `DefaultConsumerIdsChangeListener`: tells every member of a consumer group that the
//! membership changed, so they rebalance at once (Java
//! `broker/client/DefaultConsumerIdsChangeListener`, real-time mode), and keeps the
//! [`ConsumerFilterManager`] in step with the groups' subscriptions (REGISTER, UNREGISTER).

use super::consumer_manager::ConsumerIdsChangeListener;
use super::net::broker2client;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::filter::consumer_filter_manager::ConsumerFilterManager;
use rmq_remoting::protocol::body::heartbeat::SubscriptionData;
use rmq_remoting::Channel;
use std::sync::Arc;

/// Sends NOTIFY_CONSUMER_IDS_CHANGED to a group's members on change.
pub struct DefaultConsumerIdsChangeListener {
    broker_config: BrokerConfigHandle,
    consumer_filter_manager: Arc<ConsumerFilterManager>,
}

impl DefaultConsumerIdsChangeListener {
    /// Builds the listener; `notifyConsumerIdsChangedEnable` is read on each change.
    pub fn new(
        broker_config: BrokerConfigHandle,
        consumer_filter_manager: Arc<ConsumerFilterManager>,
    ) -> Self {
        DefaultConsumerIdsChangeListener {
            broker_config,
            consumer_filter_manager,
        }
    }
}

impl ConsumerIdsChangeListener for DefaultConsumerIdsChangeListener {
    fn consumer_ids_changed(&self, group: &str, channels: Vec<Channel>) {
        if channels.is_empty() || !self.broker_config.load().notify_consumer_ids_changed_enable {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let group = group.to_string();
        handle.spawn(async move {
            for ch in channels {
                broker2client::notify_consumer_ids_changed(&ch, &group).await;
            }
        });
    }

    fn consumer_registered(&self, group: &str, sub_list: &[SubscriptionData]) {
        self.consumer_filter_manager.register_group(group, sub_list);
    }

    fn consumer_unregistered(&self, group: &str) {
        self.consumer_filter_manager.unregister(group);
    }
}
