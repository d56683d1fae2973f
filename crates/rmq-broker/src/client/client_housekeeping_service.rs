//! `ClientHousekeepingService`: drops a client from the producer and consumer tables when its
//! connection closes, fails or idles out (Java `broker/client/ClientHousekeepingService`;
//! the 10 s expiry scan runs in `BrokerController`).

use super::consumer_manager::ConsumerManager;
use super::producer_manager::ProducerManager;
use rmq_remoting::{Channel, ChannelEventListener};
use std::sync::Arc;

/// Connection events to client tables.
pub struct ClientHousekeepingService {
    consumer_manager: Arc<ConsumerManager>,
    producer_manager: Arc<ProducerManager>,
}

impl ClientHousekeepingService {
    /// Builds the listener.
    pub fn new(
        consumer_manager: Arc<ConsumerManager>,
        producer_manager: Arc<ProducerManager>,
    ) -> Self {
        ClientHousekeepingService {
            consumer_manager,
            producer_manager,
        }
    }

    /// Runs the expiry scans (Java `scanExceptionChannel`).
    pub fn scan_exception_channel(&self) {
        self.producer_manager.scan_not_active_channel();
        self.consumer_manager.scan_not_active_channel();
    }

    fn forget(&self, remote_addr: &str, channel: &Channel) {
        self.producer_manager
            .do_channel_close_event(remote_addr, channel);
        self.consumer_manager
            .do_channel_close_event(remote_addr, channel);
    }
}

impl ChannelEventListener for ClientHousekeepingService {
    fn on_channel_close(&self, remote_addr: &str, channel: &Channel) {
        self.forget(remote_addr, channel);
    }

    fn on_channel_exception(&self, remote_addr: &str, channel: &Channel) {
        self.forget(remote_addr, channel);
    }

    fn on_channel_idle(&self, remote_addr: &str, channel: &Channel) {
        self.forget(remote_addr, channel);
    }
}
