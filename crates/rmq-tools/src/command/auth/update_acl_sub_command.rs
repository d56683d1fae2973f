//! `updateAcl` (Java `UpdateAclSubCommand`): changes a subject's policy entries.

use super::*;
use crate::admin::auth_admin::acl_info_of;
use crate::command::{CommandContext, SubCommand};

/// `updateAcl`.
pub struct UpdateAclSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateAclSubCommand {
    fn command_name(&self) -> &'static str {
        "updateAcl"
    }

    fn command_desc(&self) -> &'static str {
        "Update acl to cluster."
    }

    fn class_name(&self) -> &'static str {
        "UpdateAclSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("c", "clusterName", true, "update acl to which cluster"),
            CliOption::new("b", "brokerAddr", true, "update acl to which broker"),
        );
        options.add_option(
            CliOption::new("s", "subject", true, "the subject of acl to update.").required(true),
        );
        options.add_option(
            CliOption::new("r", "resources", true, "the resources of acl to update").required(true),
        );
        options.add_option(
            CliOption::new("a", "actions", true, "the actions of acl to update").required(true),
        );
        options.add_option(
            CliOption::new("d", "decision", true, "the decision of acl to update").required(true),
        );
        options.add_option(
            CliOption::new("i", "sourceIp", true, "the sourceIps of acl to update").required(false),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let subject = ctx.optional("s").map(str::to_string);
        let resources = ctx.optional("r").map(split_trimmed).unwrap_or_default();
        let actions = ctx.optional("a").map(split_trimmed);
        let source_ips = ctx.optional("i").map(split_trimmed);
        let acl = acl_info_of(
            subject.as_deref(),
            &resources,
            actions,
            source_ips,
            ctx.optional("d"),
        );
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        if broker.is_none() && cluster.is_none() {
            return ctx.print_help();
        }
        ctx.with_admin(async |admin, out| {
            for addr in targets(admin, broker.as_deref(), cluster.as_deref(), None).await? {
                admin.update_acl(&addr, &acl).await?;
                writeln!(out, "update acl to {addr} success.")?;
            }
            Ok(())
        })
        .await
    }
}
