//! [`BrokerRegistrar`]: what a processor may ask of the name server registration (Java
//! `BrokerController#registerBrokerAll`), so it need not hold the controller.

use futures::future::BoxFuture;
use rmq_common::{DataVersion, TopicConfig};
use std::sync::Arc;

/// Registers this broker with the name servers.
pub trait BrokerRegistrar: Send + Sync {
    /// Registers every topic (Java `registerBrokerAll(checkOrderConfig, oneway, force)`).
    fn register_broker_all(
        &self,
        check_order_config: bool,
        oneway: bool,
        force: bool,
    ) -> BoxFuture<'_, ()>;
    /// Registers only the changed topics (Java `registerIncrementBrokerData`).
    fn register_increment(
        &self,
        topics: Vec<Arc<TopicConfig>>,
        data_version: DataVersion,
    ) -> BoxFuture<'_, ()>;
}
