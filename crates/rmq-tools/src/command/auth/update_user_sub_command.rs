//! `updateUser` (Java `UpdateUserSubCommand`): changes a user's password, type or status.

use super::*;
use crate::admin::auth_admin::user_info_of;
use crate::command::{CommandContext, SubCommand};

/// `updateUser`.
pub struct UpdateUserSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateUserSubCommand {
    fn command_name(&self) -> &'static str {
        "updateUser"
    }

    fn command_desc(&self) -> &'static str {
        "Update user to cluster."
    }

    fn class_name(&self) -> &'static str {
        "UpdateUserSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("c", "clusterName", true, "update user to which cluster"),
            CliOption::new("b", "brokerAddr", true, "update user to which broker"),
        );
        options.add_option(
            CliOption::new("u", "username", true, "the username of user to update.").required(true),
        );
        options.add_option_group(
            vec![
                CliOption::new("p", "password", true, "the password of user to update"),
                CliOption::new("t", "userType", true, "the userType of user to update"),
                CliOption::new("s", "userStatus", true, "the userStatus of user to update"),
            ],
            true,
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let user = user_info_of(
            ctx.optional("u"),
            ctx.optional("p"),
            ctx.optional("t"),
            ctx.optional("s"),
        );
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        if broker.is_none() && cluster.is_none() {
            return ctx.print_help();
        }
        ctx.with_admin(async |admin, out| {
            for addr in targets(admin, broker.as_deref(), cluster.as_deref(), None).await? {
                admin.update_user(&addr, &user).await?;
                writeln!(out, "update user to {addr} success.")?;
            }
            Ok(())
        })
        .await
    }
}
