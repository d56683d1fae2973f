//! `deleteSubGroup` (Java `DeleteSubscriptionGroupCommand`): deletes a subscription group from
//! a broker, or from a cluster's masters together with its retry and DLQ topics.

use crate::command::topic::delete_topic_sub_command::delete_topic;
use crate::command::{command_util, CommandContext, SubCommand};
use crate::error::{parse_bool, ToolsError};
use rmq_common::mix_all;
use rmq_srvutil::cli::{CliOption, Options};

/// `deleteSubGroup`.
pub struct DeleteSubscriptionGroupCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for DeleteSubscriptionGroupCommand {
    fn command_name(&self) -> &'static str {
        "deleteSubGroup"
    }

    fn command_desc(&self) -> &'static str {
        "Delete subscription group from broker."
    }

    fn class_name(&self) -> &'static str {
        "DeleteSubscriptionGroupCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new(
            "b",
            "brokerAddr",
            true,
            "delete subscription group from which broker",
        ));
        options.add_option(CliOption::new(
            "c",
            "clusterName",
            true,
            "delete subscription group from which cluster",
        ));
        options.add_option(
            CliOption::new("g", "groupName", true, "subscription group name").required(true),
        );
        options.add_option(CliOption::new("r", "removeOffset", true, "remove offset"));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let group = ctx.required("g").to_string();
        let clean_offset = ctx.optional("r").is_some_and(parse_bool);
        if let Some(addr) = ctx.optional("b").map(str::to_string) {
            return ctx
                .with_admin(async |admin, out| {
                    admin
                        .delete_subscription_group(&addr, &group, clean_offset)
                        .await?;
                    writeln!(
                        out,
                        "delete subscription group [{group}] from broker [{addr}] success."
                    )?;
                    Ok(())
                })
                .await;
        }
        if let Some(cluster) = ctx.optional("c").map(str::to_string) {
            return ctx.with_admin(async |admin, out| {
                for master in command_util::fetch_master_addr_by_cluster_name(admin, &cluster).await? {
                    admin.delete_subscription_group(&master, &group, clean_offset).await?;
                    writeln!(
                        out,
                        "delete subscription group [{group}] from broker [{master}] in cluster [{cluster}] success."
                    )?;
                }
                // Java prints a failure here and goes on; the group itself is gone by now.
                let mut sink = Vec::new();
                for topic in [mix_all::get_retry_topic(&group), mix_all::get_dlq_topic(&group)] {
                    if let Err(e) = delete_topic(admin, &mut sink, &cluster, &topic).await {
                        tracing::warn!(topic = %topic, error = %e, "delete topic of subscription group failed");
                    }
                }
                Ok(())
            })
            .await;
        }
        ctx.print_help()
    }
}
