//! Helpers of the put path (Java `broker/util`).

pub mod hook_utils;
