//! Topic configuration (Java `broker/topic`).

pub mod topic_config_manager;
