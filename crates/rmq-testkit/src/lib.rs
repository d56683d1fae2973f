//! Test harness that runs real `mqnamesrv` and `mqbroker` processes on 127.0.0.1 with
//! temporary homes and stores (STYLE: tikv's `Cluster` with a process backend).
//!
//! Ports: every server is started with `listenPort=0` and its bound address is read from its
//! boot line, so tests never race for guessed free ports. Readiness is probed over the
//! protocol. Dropping a [`Cluster`] kills every process and removes every directory.
//!
//! Binaries come from `RMQ_BIN_DIR` when set, else from the `target/<profile>/` directory
//! of the running test (built with `cargo build` on first use if missing).

#![allow(clippy::unwrap_used)]

mod binaries;
mod cluster;
mod process;

pub use binaries::binary_path;
pub use cluster::{eventually, pick_port, BrokerSpec, Cluster, ClusterBuilder};
pub use process::ServerProcess;
