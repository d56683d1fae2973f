//! Store configuration (Java `store/config`).

mod message_store_config;

pub use message_store_config::{
    is_it_time_to_do, BrokerRole, FlushDiskType, MessageStoreConfig, CQ_STORE_UNIT_SIZE,
    MESSAGE_STORE_CONFIG_ALIASES,
};
