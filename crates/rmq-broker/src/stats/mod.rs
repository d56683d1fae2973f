//! Broker statistics: sampled counters per topic and group.

pub mod broker_stats_manager;
pub mod stats_item;
