//! Calls from the broker to clients (Java `broker/client/net`).

pub mod broker2client;
