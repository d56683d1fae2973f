//! `getAcl` (Java `GetAclSubCommand`): prints a subject's ACL (of every master with `-c`).

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `getAcl`.
pub struct GetAclSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for GetAclSubCommand {
    fn command_name(&self) -> &'static str {
        "getAcl"
    }

    fn command_desc(&self) -> &'static str {
        "Get acl from cluster."
    }

    fn class_name(&self) -> &'static str {
        "GetAclSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("b", "brokerAddr", true, "get acl for which broker"),
            CliOption::new("c", "clusterName", true, "get acl for specified cluster"),
        );
        options.add_option(CliOption::new(
            "s",
            "subject",
            true,
            "the subject of acl to get",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let subject = ctx.optional("s").map(str::to_string);
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
                Some("GetAclSubCommand"),
            )
            .await?;
            for addr in addrs {
                if let Some(acl) = admin.get_acl(&addr, subject.as_deref()).await? {
                    out.write_all((acl_header() + &acl_rows(&acl)).as_bytes())?;
                }
            }
            Ok(())
        })
        .await
    }
}
