//! `updateAcl` (Java `UpdateAclSubCommand`): changes a subject's policy entries.

use super::*;
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
        write_acl(ctx, AclWrite::Update).await
    }
}
