//! HA subcommands (Java `tools/command/ha`).

pub mod get_sync_state_set_sub_command;
pub mod ha_status_sub_command;
