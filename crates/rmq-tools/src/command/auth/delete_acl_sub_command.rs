//! `deleteAcl` (Java `DeleteAclSubCommand`): removes a subject's ACL, or its entry for one resource.

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `deleteAcl`.
pub struct DeleteAclSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for DeleteAclSubCommand {
    fn command_name(&self) -> &'static str {
        "deleteAcl"
    }

    fn command_desc(&self) -> &'static str {
        "Delete acl from cluster."
    }

    fn class_name(&self) -> &'static str {
        "DeleteAclSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("c", "clusterName", true, "delete acl from which cluster"),
            CliOption::new("b", "brokerAddr", true, "delete acl from which broker"),
        );
        options.add_option(
            CliOption::new("s", "subject", true, "the subject of acl to delete.").required(true),
        );
        options.add_option(
            CliOption::new("r", "resources", true, "the resources of acl to delete")
                .required(false),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let subject = ctx.optional("s").map(str::to_string);
        let resource = ctx.optional("r").map(str::to_string);
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        if broker.is_none() && cluster.is_none() {
            return ctx.print_help();
        }
        ctx.with_admin(async |admin, out| {
            for addr in targets(admin, broker.as_deref(), cluster.as_deref(), None).await? {
                admin
                    .delete_acl(&addr, subject.as_deref(), resource.as_deref())
                    .await?;
                writeln!(out, "delete acl to {addr} success.")?;
            }
            Ok(())
        })
        .await
    }
}
