//! Request processors, one per Java class (Java `broker/processor`).

pub mod admin_broker_processor;
pub mod client_manage_processor;
pub mod consumer_manage_processor;
pub mod end_transaction_processor;
pub mod pull_message_processor;
pub mod query_message_processor;
pub mod reply_message_processor;
pub mod send_message_processor;
