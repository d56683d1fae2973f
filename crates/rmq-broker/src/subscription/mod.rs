//! Consumer group settings (Java `broker/subscription`).

pub mod subscription_group_manager;
