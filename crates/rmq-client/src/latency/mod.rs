//! Broker latency tracking for sends (Java `client/latency`).

pub mod latency_fault_tolerance_impl;
pub mod mq_fault_strategy;

pub use latency_fault_tolerance_impl::LatencyFaultToleranceImpl;
pub use mq_fault_strategy::MQFaultStrategy;
