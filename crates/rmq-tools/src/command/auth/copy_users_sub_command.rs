//! `copyUser` (Java `CopyUsersSubCommand`): copies users from one broker to another (create, or update when present).

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `copyUser`.
pub struct CopyUsersSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for CopyUsersSubCommand {
    fn command_name(&self) -> &'static str {
        "copyUser"
    }

    fn command_desc(&self) -> &'static str {
        "Copy user to cluster."
    }

    fn class_name(&self) -> &'static str {
        "CopyUsersSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new(
                "f",
                "fromBroker",
                true,
                "the source broker that the users copy from",
            )
            .required(true),
        );
        options.add_option(
            CliOption::new(
                "t",
                "toBroker",
                true,
                "the target broker that the users copy to",
            )
            .required(true),
        );
        options.add_option(
            CliOption::new("u", "usernames", true, "the username list of user to copy.")
                .required(false),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let (Some(from), Some(to)) = (
            ctx.optional("f").map(str::to_string),
            ctx.optional("t").map(str::to_string),
        ) else {
            return ctx.print_help();
        };
        let names: Vec<String> = ctx
            .optional("u")
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        ctx.with_admin(async |admin, out| {
            let users = if names.iter().any(|n| !n.trim().is_empty()) {
                let mut users = Vec::new();
                for n in &names {
                    if let Some(u) = admin.get_user(&from, Some(n)).await? {
                        users.push(u);
                    }
                }
                users
            } else {
                admin.list_user(&from, None).await?
            };
            for user in users {
                let name = user.username.clone();
                if admin.get_user(&to, name.as_deref()).await?.is_none() {
                    admin.create_user(&to, &user).await?;
                } else {
                    admin.update_user(&to, &user).await?;
                }
                writeln!(
                    out,
                    "copy user of {} from {from} to {to} success.",
                    jstr(name.as_deref())
                )?;
            }
            Ok(())
        })
        .await
    }
}
