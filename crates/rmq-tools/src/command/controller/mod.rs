//! Controller subcommands (Java `tools/command/controller`): they talk to the controller
//! given with `-a`, or to the leader of its group, and need no name server.

pub mod clean_controller_broker_meta_sub_command;
pub mod get_controller_config_sub_command;
pub mod get_controller_meta_data_sub_command;
pub mod re_elect_master_sub_command;
pub mod update_controller_config_sub_command;

use rmq_srvutil::cli::CliOption;

/// The required `-a` option, worded as each Java command declares it.
pub(crate) fn controller_address_option(description: &str) -> CliOption {
    CliOption::new("a", "controllerAddress", true, description).required(true)
}

/// The required `-bn` option of `electMaster` and `cleanBrokerMetadata`.
pub(crate) fn broker_name_option() -> CliOption {
    CliOption::new(
        "bn",
        "brokerName",
        true,
        "The broker name of the replicas that require to be manipulated",
    )
    .required(true)
}
