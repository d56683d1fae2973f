//! `addWritePerm` (Java `AddWritePermSubCommand`): asks every name server to add the write permission of a
//! broker's topics; prints the topic count per name server.

use crate::command::namesrv::execute_write_perm;
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `addWritePerm`.
pub struct AddWritePermSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for AddWritePermSubCommand {
    fn command_name(&self) -> &'static str {
        "addWritePerm"
    }

    fn command_desc(&self) -> &'static str {
        "Add write perm of broker in all name server you defined in the -n param."
    }

    fn class_name(&self) -> &'static str {
        "AddWritePermSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("b", "brokerName", true, "broker name").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        execute_write_perm(ctx, true).await
    }
}
