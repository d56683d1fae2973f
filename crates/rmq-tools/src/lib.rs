//! rmq-tools: the `mqadmin` subcommands (Java `rocketmq-tools`) on rmq-client's admin API.
//!
//! - [`command`]: one module per Java `SubCommand` class, in Java's package layout, and
//!   [`command::mq_admin_startup::main0`], the `mqadmin` entry point;
//! - [`admin_ext::MQAdminExt`]: rmq-client's `DefaultMQAdminExt` plus the
//!   `DefaultMQAdminExtImpl` calls the commands need that the client lacks;
//! - [`to_string`]: Java's `toString()` renderings (number formatting is in
//!   `rmq_common::java_format`, command line handling in `rmq_srvutil::cli`), so that output
//!   matches Java's byte for byte where it is deterministic.

pub mod admin_ext;
pub mod command;
pub mod error;
pub mod to_string;

pub use admin_ext::MQAdminExt;
pub use error::ToolsError;
