//! Client internals shared by every client type (Java `impl` package).

pub mod client_remoting_processor;
pub mod mq_client_api_impl;

pub use mq_client_api_impl::MQClientAPIImpl;
