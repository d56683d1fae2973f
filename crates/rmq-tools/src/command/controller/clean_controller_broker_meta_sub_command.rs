//! `cleanBrokerMetadata` (Java `CleanControllerBrokerMetaSubCommand`): asks the controller
//! leader to forget brokers of the broker set `-bn` (those of `-b`, else all; living ones only
//! with `-l`).

use super::{broker_name_option, controller_address_option};
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_remoting::protocol::header::controller::CleanControllerBrokerDataRequestHeader;
use rmq_srvutil::cli::{CliOption, Options};

/// `cleanBrokerMetadata`.
pub struct CleanControllerBrokerMetaSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for CleanControllerBrokerMetaSubCommand {
    fn command_name(&self) -> &'static str {
        "cleanBrokerMetadata"
    }

    fn command_desc(&self) -> &'static str {
        "Clean metadata of broker on controller."
    }

    fn class_name(&self) -> &'static str {
        "CleanControllerBrokerMetaSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(controller_address_option("The address of controller"));
        options.add_option(CliOption::new(
            "b",
            "brokerControllerIdsToClean",
            true,
            "The brokerController id list which requires to clean metadata. eg: 1;2;3, means that clean broker-1, broker-2 and broker-3",
        ));
        options.add_option(broker_name_option());
        options.add_option(CliOption::new(
            "c",
            "clusterName",
            true,
            "The clusterName of broker",
        ));
        options.add_option(CliOption::new(
            "l",
            "cleanLivingBroker",
            false,
            "Whether clean up living brokers,default value is false",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let controller_addr = ctx.required("a").to_string();
        let broker_name = ctx.required("bn").to_string();
        let cluster_name = ctx.optional("c").map(str::to_string);
        // Java's id check maps a lazy stream that never runs: any -b value goes to the
        // controller, which rejects ids that do not parse.
        let ids_to_clean = ctx.optional("b").map(str::to_string);
        let clean_living_broker = ctx.command_line.has_option("l");
        if !clean_living_broker && cluster_name.as_deref().is_none_or(str::is_empty) {
            return Err(ToolsError::IllegalArgument(
                "cleanLivingBroker option is false, clusterName option can not be empty.".into(),
            ));
        }
        let header = CleanControllerBrokerDataRequestHeader::new(
            cluster_name,
            broker_name.clone(),
            ids_to_clean,
            clean_living_broker,
        );
        ctx.with_controller_admin(async |admin, out| {
            admin
                .clean_controller_broker_data(&controller_addr, &header)
                .await?;
            writeln!(
                out,
                "clear broker {broker_name} metadata from controller success! "
            )?;
            Ok(())
        })
        .await
    }
}
