//! Request processors (Java `namesrv/.../processor`).

pub mod client_request_processor;
pub mod default_request_processor;

pub use client_request_processor::ClientRequestProcessor;
pub use default_request_processor::DefaultRequestProcessor;
