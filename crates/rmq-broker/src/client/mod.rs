//! Client bookkeeping: producers and consumers known from heartbeats, their connections,
//! ordered-consumption locks, and calls back to clients (Java `broker/client`).

pub mod client_channel_info;
pub mod client_housekeeping_service;
pub mod consumer_group_info;
pub mod consumer_manager;
pub mod default_consumer_ids_change_listener;
pub mod net;
pub mod producer_manager;
pub mod rebalance;
