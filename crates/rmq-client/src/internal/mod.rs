//! Client internals shared by every client type (Java `impl` package).

pub mod client_remoting_processor;
mod mq_admin_impl;
mod mq_client_api_admin;
mod mq_client_api_auth;
pub mod mq_client_api_impl;
mod mq_client_api_topic_group;

pub use mq_admin_impl::MQAdminImpl;
pub use mq_client_api_impl::{expect_success, expect_success_as_client, MQClientAPIImpl};
