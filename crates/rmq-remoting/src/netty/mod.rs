//! The tokio transport (Java `netty` package): connections, server, client, processors.

pub mod channel;
pub mod client;
mod connection;
mod frame_batch;
pub mod processor;
pub mod server;
pub mod tls_helper;
pub mod tls_system_config;
