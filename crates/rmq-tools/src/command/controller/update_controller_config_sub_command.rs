//! `updateControllerConfig` (Java `UpdateControllerConfigSubCommand`): sets one config key on
//! each controller of `-a`.

use super::controller_address_option;
use super::get_controller_config_sub_command::CONTROLLER_LIST_DESC;
use crate::command::namesrv::{print_update_success, server_list};
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `updateControllerConfig`.
pub struct UpdateControllerConfigSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateControllerConfigSubCommand {
    fn command_name(&self) -> &'static str {
        "updateControllerConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Update controller config."
    }

    fn class_name(&self) -> &'static str {
        "UpdateControllerConfigSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(controller_address_option(CONTROLLER_LIST_DESC));
        options.add_option(CliOption::new("k", "key", true, "config key").required(true));
        options.add_option(CliOption::new("v", "value", true, "config value").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let key = ctx.required("k").to_string();
        let value = ctx.required("v").to_string();
        let controllers = server_list(ctx.command_line.get_option_value("a"));
        ctx.with_controller_admin(async |admin, out| {
            let property = [(key.clone(), value.clone())];
            admin
                .update_controller_config(&property, controllers.as_deref().unwrap_or_default())
                .await?;
            print_update_success(out, "controller", controllers.as_deref(), &key, &value)?;
            Ok(())
        })
        .await
    }
}
