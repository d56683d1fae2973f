//! Long polling of pulls (Java `broker/longpolling`).

pub mod pull_request_hold_service;
