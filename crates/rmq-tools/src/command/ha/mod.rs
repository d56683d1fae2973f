//! HA subcommands (Java `tools/command/ha`).

pub mod ha_status_sub_command;
