//! Consumer offsets (Java `broker/offset`).

pub mod consumer_offset_manager;
