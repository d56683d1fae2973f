//! End-to-end tests: each module starts real `mqnamesrv` / `mqbroker` processes through
//! `rmq-testkit` (127.0.0.1, port 0, temporary homes and stores) and drives them over the
//! remoting protocol. One test binary keeps link time down.

#![allow(clippy::unwrap_used)]

mod broker;
mod broker_config;
mod client_paths;
mod disk_full;
mod namesrv;
mod namesrv_hostile;
mod replication;
mod tarball;
