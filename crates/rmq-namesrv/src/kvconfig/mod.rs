//! The NameServer's key-value store (Java `namesrv/.../kvconfig`).

pub mod kv_config_manager;
pub mod kv_config_serialize_wrapper;

pub use kv_config_manager::KVConfigManager;
pub use kv_config_serialize_wrapper::KVConfigSerializeWrapper;
