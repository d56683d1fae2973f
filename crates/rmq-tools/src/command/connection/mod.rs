//! Connection subcommands (Java `tools/command/connection`).

pub mod consumer_connection_sub_command;
pub mod producer_connection_sub_command;
