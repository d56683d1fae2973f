//! Broker subcommands (Java `tools/command/broker`).

pub mod broker_status_sub_command;
pub mod get_broker_config_command;
pub mod get_broker_epoch_sub_command;
pub mod update_broker_config_sub_command;
