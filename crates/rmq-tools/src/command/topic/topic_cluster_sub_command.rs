//! `topicClusterList` (Java `TopicClusterSubCommand`): the clusters a topic lives in.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `topicClusterList`.
pub struct TopicClusterSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for TopicClusterSubCommand {
    fn command_name(&self) -> &'static str {
        "topicClusterList"
    }

    fn command_desc(&self) -> &'static str {
        "Get cluster info for topic."
    }

    fn class_name(&self) -> &'static str {
        "TopicClusterSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        ctx.with_admin(async |admin, out| {
            for cluster in admin.get_topic_cluster_list(&topic).await? {
                writeln!(out, "{cluster}")?;
            }
            Ok(())
        })
        .await
    }
}
