//! `getControllerConfig` (Java `GetControllerConfigSubCommand`): the configuration of each
//! controller of `-a`.

use super::controller_address_option;
use crate::command::namesrv::{print_server_configs, server_list};
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::Options;

/// `getControllerConfig`.
pub struct GetControllerConfigSubCommand;

/// `-a`'s description in both controller config commands.
pub(crate) const CONTROLLER_LIST_DESC: &str =
    "Controller address list, eg: 192.168.0.1:9878;192.168.0.2:9878";

#[async_trait::async_trait(?Send)]
impl SubCommand for GetControllerConfigSubCommand {
    fn command_name(&self) -> &'static str {
        "getControllerConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Get controller config."
    }

    fn class_name(&self) -> &'static str {
        "GetControllerConfigSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(controller_address_option(CONTROLLER_LIST_DESC));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let controllers = server_list(ctx.command_line.get_option_value("a"));
        ctx.with_controller_admin(async |admin, out| {
            let configs = admin.get_controller_config(controllers.as_deref()).await?;
            Ok(print_server_configs(out, &configs)?)
        })
        .await
    }
}
