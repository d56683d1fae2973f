//! Ordered-consumption queue locks (Java `broker/client/rebalance`).

pub mod rebalance_lock_manager;
