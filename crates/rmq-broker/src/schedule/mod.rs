//! Delay levels (Java `broker/schedule`).

pub mod schedule_message_service;
