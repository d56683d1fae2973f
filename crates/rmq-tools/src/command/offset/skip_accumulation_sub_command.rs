//! `skipAccumulatedMessage` (Java `SkipAccumulationSubCommand`): moves a group's offsets of a
//! topic to the end of each queue (a reset to timestamp -1), through the broker, or by
//! writing the offsets when the group is offline.

use crate::command::{lmq_cluster_option, CommandContext, SubCommand};
use crate::error::{parse_bool, ToolsError};
use rmq_client::ClientError;
use rmq_common::util_all::front_string_at_least;
use rmq_remoting::ResponseCode;
use rmq_srvutil::cli::{CliOption, Options};

/// `skipAccumulatedMessage`.
pub struct SkipAccumulationSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for SkipAccumulationSubCommand {
    fn command_name(&self) -> &'static str {
        "skipAccumulatedMessage"
    }

    fn command_desc(&self) -> &'static str {
        "Skip all messages that are accumulated (not consumed) currently."
    }

    fn class_name(&self) -> &'static str {
        "SkipAccumulationSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new("g", "group", true, "set the consumer group").required(true),
        );
        options.add_option(CliOption::new("t", "topic", true, "set the topic").required(true));
        options.add_option(CliOption::new(
            "f",
            "force",
            true,
            "set the force rollback by timestamp switch[true|false]",
        ));
        options.add_option(lmq_cluster_option());
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let group = ctx.required("g").to_string();
        let topic = ctx.required("t").to_string();
        let cluster = ctx.optional("c").map(str::to_string);
        let force = ctx.optional("f").is_none_or(parse_bool);
        ctx.with_admin(async |admin, out| {
            match admin
                .reset_offset_by_timestamp_in_cluster(
                    cluster.as_deref(),
                    &topic,
                    &group,
                    -1,
                    force,
                    false,
                )
                .await
            {
                Ok(table) => {
                    writeln!(
                        out,
                        "{:<40}  {:<40}  {:<40}",
                        "#brokerName", "#queueId", "#offset"
                    )?;
                    let mut entries: Vec<_> = table.into_iter().collect();
                    entries.sort();
                    for (mq, offset) in entries {
                        writeln!(
                            out,
                            "{:<40}  {:<40}  {:<40}",
                            front_string_at_least(&mq.broker_name, 32),
                            mq.queue_id,
                            offset
                        )?;
                    }
                    Ok(())
                }
                Err(ToolsError::Client(ClientError::MQClientException { code, .. }))
                    if code == ResponseCode::CONSUMER_NOT_ONLINE.0 =>
                {
                    let stats = admin
                        .reset_offset_by_timestamp_old(None, &group, &topic, -1, force)
                        .await?;
                    writeln!(
                        out,
                        "{:<20}  {:<20}  {:<20}  {:<20}  {:<20}  {:<20}",
                        "#brokerName",
                        "#queueId",
                        "#brokerOffset",
                        "#consumerOffset",
                        "#timestampOffset",
                        "#rollbackOffset"
                    )?;
                    for r in stats {
                        writeln!(
                            out,
                            "{:<20}  {:<20}  {:<20}  {:<20}  {:<20}  {:<20}",
                            front_string_at_least(&r.broker_name, 32),
                            r.queue_id,
                            r.broker_offset,
                            r.consumer_offset,
                            r.timestamp_offset,
                            r.rollback_offset
                        )?;
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            }
        })
        .await
    }
}
