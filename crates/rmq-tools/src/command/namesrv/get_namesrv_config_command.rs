//! `getNamesrvConfig` (Java `GetNamesrvConfigCommand`): the configuration of each name server.

use super::{print_server_configs, server_list};
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::Options;

/// `getNamesrvConfig`.
pub struct GetNamesrvConfigCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for GetNamesrvConfigCommand {
    fn command_name(&self) -> &'static str {
        "getNamesrvConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Get configs of name server."
    }

    fn class_name(&self) -> &'static str {
        "GetNamesrvConfigCommand"
    }

    fn build_command_line_options(&self, _options: &mut Options) {}

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let servers = server_list(ctx.command_line.get_option_value("n"));
        ctx.with_admin(async |admin, out| {
            let configs = admin.get_name_server_config(servers.as_deref()).await?;
            Ok(print_server_configs(out, &configs)?)
        })
        .await
    }
}
