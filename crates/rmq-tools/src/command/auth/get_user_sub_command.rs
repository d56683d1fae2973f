//! `getUser` (Java `GetUserSubCommand`): prints a user (from the first master that has it with `-c`).

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `getUser`.
pub struct GetUserSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for GetUserSubCommand {
    fn command_name(&self) -> &'static str {
        "getUser"
    }

    fn command_desc(&self) -> &'static str {
        "Get user from cluster."
    }

    fn class_name(&self) -> &'static str {
        "GetUserSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("b", "brokerAddr", true, "get user for which broker"),
            CliOption::new("c", "clusterName", true, "get user for specified cluster"),
        );
        options.add_option(
            CliOption::new("u", "username", true, "the username of user to get").required(false),
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
            let addrs = targets(
                admin,
                broker.as_deref(),
                cluster.as_deref(),
                Some("GetUserSubCommand"),
            )
            .await?;
            for addr in addrs {
                if let Some(user) = admin.get_user(&addr, username.as_deref()).await? {
                    out.write_all(users_table(&[user]).as_bytes())?;
                    break;
                }
            }
            Ok(())
        })
        .await
    }
}
