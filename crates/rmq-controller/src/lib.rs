//! The RocketMQ 5.x controller (Java `controller` module): it keeps which brokers of each
//! broker set exist, which one is master and which replicas are in sync, elects a new master
//! when one dies, and replicates that state among controllers through Raft.

pub mod config;
pub mod elect;
pub mod event;
pub mod heartbeat;
pub mod manager;
pub mod processor;
pub mod raft;
pub mod replicas;
pub mod result;
pub mod server;

pub use config::ControllerConfig;
pub use server::{ControllerError, ControllerHandle};
