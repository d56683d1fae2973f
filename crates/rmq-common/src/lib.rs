//! Types and encodings shared by every rmq crate: messages and their Java-compatible
//! serialized forms, topic configuration, permission and system flags, MixAll constants,
//! Java `Properties` files and fastjson-compatible JSON, and the persisted-config machinery
//! every server shares: `MixAll.string2File`/`file2String` ([`mix_all`]), [`ConfigManager`]
//! and [`Configuration`].
//!
//! Mirrors Java's `rocketmq-common` module.

pub mod config_manager;
pub mod configuration;
pub mod data_version;
pub mod fastjson;
pub mod java_format;
pub mod java_hash;
pub mod java_hash_map;
pub mod message;
pub mod mix_all;
pub mod mq_version;
pub mod perm_name;
pub mod properties;
pub mod sys_flag;
pub mod topic_config;
pub mod topic_validator;
pub mod util_all;

pub use config_manager::ConfigManager;
pub use configuration::Configuration;
pub use data_version::DataVersion;
pub use message::{Message, MessageExt, MessageQueue};
pub use topic_config::{TopicConfig, TopicFilterType};
