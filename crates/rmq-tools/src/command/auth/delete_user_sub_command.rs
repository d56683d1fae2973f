//! `deleteUser` (Java `DeleteUserSubCommand`): deletes a user.

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `deleteUser`.
pub struct DeleteUserSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for DeleteUserSubCommand {
    fn command_name(&self) -> &'static str {
        "deleteUser"
    }

    fn command_desc(&self) -> &'static str {
        "Delete user from cluster."
    }

    fn class_name(&self) -> &'static str {
        "DeleteUserSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("c", "clusterName", true, "delete acl from which cluster"),
            CliOption::new("b", "brokerAddr", true, "delete user from which broker"),
        );
        options.add_option(
            CliOption::new("u", "username", true, "the username of user to delete.").required(true),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let username = ctx.optional("u").map(str::to_string);
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        if broker.is_none() && cluster.is_none() {
            return ctx.print_help();
        }
        ctx.with_admin(async |admin, out| {
            for addr in targets(admin, broker.as_deref(), cluster.as_deref(), None).await? {
                admin.delete_user(&addr, username.as_deref()).await?;
                writeln!(out, "delete user to {addr} success.")?;
            }
            Ok(())
        })
        .await
    }
}
