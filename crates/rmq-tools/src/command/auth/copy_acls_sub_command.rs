//! `copyAcl` (Java `CopyAclsSubCommand`): copies ACLs from one broker to another (create, or update when present).

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `copyAcl`.
pub struct CopyAclsSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for CopyAclsSubCommand {
    fn command_name(&self) -> &'static str {
        "copyAcl"
    }

    fn command_desc(&self) -> &'static str {
        "Copy acl to cluster."
    }

    fn class_name(&self) -> &'static str {
        "CopyAclsSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new(
                "f",
                "fromBroker",
                true,
                "the source broker that the acls copy from",
            )
            .required(true),
        );
        options.add_option(
            CliOption::new(
                "t",
                "toBroker",
                true,
                "the target broker that the acls copy to",
            )
            .required(true),
        );
        options.add_option(
            CliOption::new("s", "subjects", true, "the subject list of acl to copy.")
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
        let subjects: Vec<String> = ctx
            .optional("s")
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        ctx.with_admin(async |admin, out| {
            let acls = if subjects.iter().any(|n| !n.trim().is_empty()) {
                let mut acls = Vec::new();
                for s in &subjects {
                    if let Some(a) = admin.get_acl(&from, Some(s)).await? {
                        acls.push(a);
                    }
                }
                acls
            } else {
                admin.list_acl(&from, None, None).await?
            };
            for acl in acls {
                let subject = acl.subject.clone();
                if admin.get_acl(&to, subject.as_deref()).await?.is_none() {
                    admin.create_acl(&to, &acl).await?;
                } else {
                    admin.update_acl(&to, &acl).await?;
                }
                writeln!(
                    out,
                    "copy acl of {} from {from} to {to} success.",
                    jstr(subject.as_deref())
                )?;
            }
            Ok(())
        })
        .await
    }
}
