//! `listUser` (Java `ListUserSubCommand`): lists users (from the first master that has some with `-c`).

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `listUser`.
pub struct ListUserSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for ListUserSubCommand {
    fn command_name(&self) -> &'static str {
        "listUser"
    }

    fn command_desc(&self) -> &'static str {
        "List user from cluster."
    }

    fn class_name(&self) -> &'static str {
        "ListUserSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("b", "brokerAddr", true, "list user for which broker"),
            CliOption::new("c", "clusterName", true, "list user for specified cluster"),
        );
        options.add_option(
            CliOption::new("f", "filter", true, "the filter to list users").required(false),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let filter = ctx.optional("f").map(str::to_string);
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        if broker.is_none() && cluster.is_none() {
            return ctx.print_help();
        }
        let by_cluster = broker.is_none();
        ctx.with_admin(async |admin, out| {
            let addrs = targets(
                admin,
                broker.as_deref(),
                cluster.as_deref(),
                Some("ListUserSubCommand"),
            )
            .await?;
            for addr in addrs {
                let users = admin.list_user(&addr, filter.as_deref()).await?;
                if !users.is_empty() {
                    out.write_all(users_table(&users).as_bytes())?;
                    if by_cluster {
                        writeln!(out, "get user from {addr} success.")?;
                    }
                    break;
                }
            }
            Ok(())
        })
        .await
    }
}
