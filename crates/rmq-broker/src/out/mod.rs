//! Calls to name servers (Java `broker/out`).

pub mod broker_outer_api;
pub mod controller_api;
pub mod registrar;
