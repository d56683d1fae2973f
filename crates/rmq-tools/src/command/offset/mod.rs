//! Offset subcommands (Java `tools/command/offset`).

pub mod reset_offset_by_time_command;
