//! Consumer group subcommands (Java `tools/command/consumer`).

pub mod consumer_progress_sub_command;
pub mod delete_subscription_group_command;
pub mod get_consumer_config_sub_command;
pub mod update_sub_group_sub_command;
