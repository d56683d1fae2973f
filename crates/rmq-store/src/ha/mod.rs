//! Classic master/slave replication (Java `store/ha`, `DefaultHAService`).

mod runtime_info;

pub use runtime_info::{HaClientRuntimeInfo, HaConnectionRuntimeInfo, HaRuntimeInfo};
