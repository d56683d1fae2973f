//! The RocketMQ broker (Java `rocketmq-broker`): [`BrokerController`] wires the message store,
//! the topic, subscription-group and consumer-offset managers, client bookkeeping, long
//! polling, delay levels and name server registration, and serves the request processors
//! on `listenPort` and the fast channel `listenPort - 2`.

pub mod attribute_util;
pub mod auth;
pub mod broker_address;
pub mod broker_config;
pub mod broker_config_handle;
pub mod broker_controller;
pub mod broker_error;
pub mod broker_path_config_helper;
pub mod broker_startup;
pub mod broker_stats;
pub mod client;
pub mod config_manager;
pub mod configuration;
pub mod controller;
pub mod filter;
pub mod longpolling;
pub mod not_implemented_keys;
pub mod offset;
pub mod out;
pub mod processor;
pub mod schedule;
pub mod slave;
pub mod stats;
pub mod subscription;
#[cfg(test)]
mod test_support;
pub mod thread_pool_queue;
pub mod topic;
pub mod transaction;
pub mod util;

pub use broker_config::BrokerConfig;
pub use broker_controller::{BrokerController, BrokerHandle, StoreOpener};
pub use broker_error::BrokerError;
pub use broker_startup::BrokerConfigs;
