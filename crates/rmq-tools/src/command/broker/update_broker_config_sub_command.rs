//! `updateBrokerConfig` (Java `UpdateBrokerConfigSubCommand`): sets one config key on a
//! broker, or on a cluster's masters (`-a`: and slaves).

use crate::command::{command_util, CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `updateBrokerConfig`.
pub struct UpdateBrokerConfigSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateBrokerConfigSubCommand {
    fn command_name(&self) -> &'static str {
        "updateBrokerConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Update broker's config."
    }

    fn class_name(&self) -> &'static str {
        "UpdateBrokerConfigSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new(
            "b",
            "brokerAddr",
            true,
            "update which broker",
        ));
        options.add_option(CliOption::new(
            "c",
            "clusterName",
            true,
            "update which cluster",
        ));
        options.add_option(CliOption::new(
            "a",
            "updateAllBroker",
            true,
            "update all brokers include slave",
        ));
        options.add_option(CliOption::new("k", "key", true, "config key").required(true));
        options.add_option(CliOption::new("v", "value", true, "config value").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let props = vec![(ctx.required("k").to_string(), ctx.required("v").to_string())];
        if let Some(addr) = ctx.optional("b").map(str::to_string) {
            return ctx
                .with_admin(async |admin, out| {
                    admin.update_broker_config(&addr, &props).await?;
                    writeln!(out, "update broker config success, {addr}")?;
                    Ok(())
                })
                .await;
        }
        if let Some(cluster) = ctx.optional("c").map(str::to_string) {
            let all = ctx.command_line.has_option("a");
            return ctx
                .with_admin(async |admin, out| {
                    let addrs = if all {
                        command_util::fetch_master_and_slave_addr_by_cluster_name(admin, &cluster)
                            .await?
                    } else {
                        command_util::fetch_master_addr_by_cluster_name(admin, &cluster).await?
                    };
                    let mut failure = None;
                    for addr in addrs {
                        match admin.update_broker_config(&addr, &props).await {
                            Ok(()) => writeln!(out, "update broker config success, {addr}")?,
                            Err(e) => failure = Some(e),
                        }
                    }
                    failure.map_or(Ok(()), Err)
                })
                .await;
        }
        ctx.print_help()
    }
}
