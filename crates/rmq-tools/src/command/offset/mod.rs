//! Offset subcommands (Java `tools/command/offset`).

pub mod clone_group_offset_command;
pub mod reset_offset_by_time_command;
pub mod skip_accumulation_sub_command;
