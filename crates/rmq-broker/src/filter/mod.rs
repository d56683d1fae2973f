//! Broker-side message filters (Java `broker/filter`).

pub mod expression_message_filter;
