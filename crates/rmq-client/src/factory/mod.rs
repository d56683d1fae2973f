//! The shared client core (Java `impl/factory`).

pub mod mq_client_instance;

pub use mq_client_instance::MQClientInstance;
