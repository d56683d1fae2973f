//! `createAcl` (Java `CreateAclSubCommand`): grants a subject actions on resources.

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `createAcl`.
pub struct CreateAclSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for CreateAclSubCommand {
    fn command_name(&self) -> &'static str {
        "createAcl"
    }

    fn command_desc(&self) -> &'static str {
        "Create acl to cluster."
    }

    fn class_name(&self) -> &'static str {
        "CreateAclSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("c", "clusterName", true, "create acl to which cluster"),
            CliOption::new("b", "brokerAddr", true, "create acl to which broker"),
        );
        options.add_option(
            CliOption::new("s", "subject", true, "the subject of acl to create.").required(true),
        );
        options.add_option(
            CliOption::new("r", "resources", true, "the resources of acl to create").required(true),
        );
        options.add_option(
            CliOption::new("a", "actions", true, "the actions of acl to create").required(true),
        );
        options.add_option(
            CliOption::new("i", "sourceIp", true, "the sourceIps of acl to create").required(false),
        );
        options.add_option(
            CliOption::new("d", "decision", true, "the decision of acl to create").required(true),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        write_acl(ctx, AclWrite::Create).await
    }
}
