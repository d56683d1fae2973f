//! The tokio transport (Java `netty` package): connections, server, client, processors.

pub mod channel;
pub mod client;
mod connection;
pub mod processor;
pub mod server;
