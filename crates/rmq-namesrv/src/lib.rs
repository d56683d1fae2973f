//! The RocketMQ NameServer (Java `rocketmq-namesrv`): the route registry brokers register
//! with and clients ask for topic routes, a small persistent KV store, and the processors
//! serving every NameServer request code.
//!
//! Start one with [`NamesrvController::start`]; the returned [`NamesrvHandle`] reports the
//! bound address and shuts the server down.

pub mod configuration;
pub mod error;
pub mod kvconfig;
pub mod namesrv_config;
pub mod namesrv_controller;
pub mod processor;
pub mod route;
pub mod routeinfo;

pub use configuration::Configuration;
pub use error::NamesrvError;
pub use kvconfig::KVConfigManager;
pub use namesrv_config::NamesrvConfig;
pub use namesrv_controller::{NamesrvController, NamesrvHandle};
pub use routeinfo::RouteInfoManager;
