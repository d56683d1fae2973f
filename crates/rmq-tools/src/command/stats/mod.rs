//! Statistics subcommands (Java `tools/command/stats`).

pub mod stats_all_sub_command;
