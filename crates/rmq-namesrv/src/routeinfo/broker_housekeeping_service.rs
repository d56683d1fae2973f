//! `BrokerHousekeepingService`: unregisters a broker as soon as the connection its
//! registration came over closes, fails or idles out (Java
//! `namesrv/.../routeinfo/BrokerHousekeepingService.java`).

use super::route_info_manager::RouteInfoManager;
use rmq_remoting::{Channel, ChannelEventListener};
use std::sync::Arc;

/// The NameServer's connection listener.
pub struct BrokerHousekeepingService {
    route_info_manager: Arc<RouteInfoManager>,
}

impl BrokerHousekeepingService {
    /// Builds the listener for `route_info_manager`.
    pub fn new(route_info_manager: Arc<RouteInfoManager>) -> Self {
        BrokerHousekeepingService { route_info_manager }
    }
}

impl ChannelEventListener for BrokerHousekeepingService {
    fn on_channel_close(&self, _remote_addr: &str, channel: &Channel) {
        self.route_info_manager.on_channel_destroy(channel);
    }

    fn on_channel_exception(&self, _remote_addr: &str, channel: &Channel) {
        self.route_info_manager.on_channel_destroy(channel);
    }

    fn on_channel_idle(&self, _remote_addr: &str, channel: &Channel) {
        self.route_info_manager.on_channel_destroy(channel);
    }
}
