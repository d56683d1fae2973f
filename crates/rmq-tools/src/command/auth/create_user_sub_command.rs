//! `createUser` (Java `CreateUserSubCommand`): creates a user on a broker or on every broker of a cluster.

use super::*;
use crate::admin::auth_admin::user_info_of;
use crate::command::{CommandContext, SubCommand};

/// `createUser`.
pub struct CreateUserSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for CreateUserSubCommand {
    fn command_name(&self) -> &'static str {
        "createUser"
    }

    fn command_desc(&self) -> &'static str {
        "Create user to cluster."
    }

    fn class_name(&self) -> &'static str {
        "CreateUserSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("c", "clusterName", true, "create user to which cluster"),
            CliOption::new("b", "brokerAddr", true, "create user to which broker"),
        );
        options.add_option(
            CliOption::new("u", "username", true, "the username of user to create.").required(true),
        );
        options.add_option(
            CliOption::new("p", "password", true, "the password of user to create").required(true),
        );
        options.add_option(
            CliOption::new("t", "userType", true, "the userType of user to create").required(false),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let user = user_info_of(
            ctx.optional("u"),
            ctx.optional("p"),
            ctx.optional("t"),
            None,
        );
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        if broker.is_none() && cluster.is_none() {
            return ctx.print_help();
        }
        ctx.with_admin(async |admin, out| {
            for addr in targets(admin, broker.as_deref(), cluster.as_deref(), None).await? {
                admin.create_user(&addr, &user).await?;
                writeln!(out, "create user to {addr} success.")?;
            }
            Ok(())
        })
        .await
    }
}
