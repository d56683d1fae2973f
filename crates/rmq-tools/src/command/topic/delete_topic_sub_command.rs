//! `deleteTopic` (Java `DeleteTopicSubCommand`): deletes a topic from a cluster's masters,
//! then from the name servers.

use crate::admin::DefaultMQAdminExt;
use crate::command::{command_util, CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};
use std::io::Write;

/// `deleteTopic`.
pub struct DeleteTopicSubCommand;

/// Deletes `topic` from the masters of `cluster` and the name servers, printing Java's two
/// lines (`DeleteTopicSubCommand.deleteTopic`).
pub async fn delete_topic(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    cluster: &str,
    topic: &str,
) -> Result<(), ToolsError> {
    let masters: Vec<String> = command_util::fetch_master_addr_by_cluster_name(admin, cluster)
        .await?
        .into_iter()
        .collect();
    admin.delete_topic_in_broker(&masters, topic).await?;
    writeln!(
        out,
        "delete topic [{topic}] from cluster [{cluster}] success."
    )?;
    admin
        .delete_topic_in_name_server_of_cluster(cluster, topic)
        .await?;
    writeln!(out, "delete topic [{topic}] from NameServer success.")?;
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for DeleteTopicSubCommand {
    fn command_name(&self) -> &'static str {
        "deleteTopic"
    }

    fn command_desc(&self) -> &'static str {
        "Delete topic from broker and NameServer."
    }

    fn class_name(&self) -> &'static str {
        "DeleteTopicSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(
            CliOption::new("c", "clusterName", true, "delete topic from which cluster")
                .required(true),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let cluster = ctx.required("c").to_string();
        ctx.with_admin(async |admin, out| delete_topic(admin, out, &cluster, &topic).await)
            .await
    }
}
