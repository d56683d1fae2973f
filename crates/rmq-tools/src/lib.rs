//! rmq-tools: the admin client and the `mqadmin` subcommands (Java `rocketmq-tools`), built
//! on rmq-client's API.
//!
//! - [`command`]: one module per Java `SubCommand` class, in Java's package layout, and
//!   [`command::mq_admin_startup::main0`], the `mqadmin` entry point;
//! - [`admin::DefaultMQAdminExt`]: the admin client (Java `tools/admin/DefaultMQAdminExt`
//!   and `DefaultMQAdminExtImpl`), on rmq-client's `MQClientInstance`, `MQAdminImpl` and
//!   `MQClientAPIImpl`;
//! - [`to_string`]: Java's `toString()` renderings (number formatting is in
//!   `rmq_common::java_format`, command line handling in `rmq_srvutil::cli`), so that output
//!   matches Java's byte for byte where it is deterministic.

pub mod acl_utils;
pub mod admin;
pub mod command;
pub mod error;
pub mod to_string;

pub use admin::DefaultMQAdminExt;
pub use error::ToolsError;
