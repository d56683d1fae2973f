//! `listAcl` (Java `ListAclSubCommand`): lists ACLs (of every master with `-c`), filtered by subject and resource.

use super::*;
use crate::command::{CommandContext, SubCommand};

/// `listAcl`.
pub struct ListAclSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for ListAclSubCommand {
    fn command_name(&self) -> &'static str {
        "listAcl"
    }

    fn command_desc(&self) -> &'static str {
        "List acl from cluster."
    }

    fn class_name(&self) -> &'static str {
        "ListAclSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        target_group(
            options,
            CliOption::new("b", "brokerAddr", true, "list acl for which broker."),
            CliOption::new("c", "clusterName", true, "list acl for specified cluster."),
        );
        options.add_option(
            CliOption::new("s", "subject", true, "the subject of acl to filter.").required(false),
        );
        options.add_option(
            CliOption::new("r", "resource", true, "the resource of acl to filter.").required(false),
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
            let addrs = targets(
                admin,
                broker.as_deref(),
                cluster.as_deref(),
                Some("ListAclSubCommand"),
            )
            .await?;
            for addr in addrs {
                let acls = admin
                    .list_acl(&addr, subject.as_deref(), resource.as_deref())
                    .await?;
                if !acls.is_empty() {
                    let mut s = acl_header();
                    for acl in &acls {
                        s.push_str(&acl_rows(acl));
                    }
                    out.write_all(s.as_bytes())?;
                }
            }
            Ok(())
        })
        .await
    }
}
