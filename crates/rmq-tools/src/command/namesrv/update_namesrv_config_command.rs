//! `updateNamesrvConfig` (Java `UpdateNamesrvConfigCommand`): sets one config key on each
//! name server.

use super::{print_update_success, server_list};
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `updateNamesrvConfig`.
pub struct UpdateNamesrvConfigCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateNamesrvConfigCommand {
    fn command_name(&self) -> &'static str {
        "updateNamesrvConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Update configs of name server."
    }

    fn class_name(&self) -> &'static str {
        "UpdateNamesrvConfigCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("k", "key", true, "config key").required(true));
        options.add_option(CliOption::new("v", "value", true, "config value").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let key = ctx.required("k").to_string();
        let value = ctx.required("v").to_string();
        let servers = server_list(ctx.command_line.get_option_value("n"));
        ctx.with_admin(async |admin, out| {
            admin
                .update_name_server_config(&[(key.clone(), value.clone())], servers.as_deref())
                .await?;
            print_update_success(out, "name server", servers.as_deref(), &key, &value)?;
            Ok(())
        })
        .await
    }
}
