//! `consumeMessage` (Java `ConsumeMessageCommand`): pulls up to `-c` messages (128) of a
//! topic, or of one queue (`-b -i`, from `-o`), optionally within a time range, and prints
//! them.

use crate::admin::DefaultMQAdminExt;
use crate::command::message::print_message_sub_command::{
    print_pull_result, queue_offset_range, timestamp_format,
};
use crate::command::{CommandContext, SubCommand};
use crate::error::{parse_i32, parse_i64, ToolsError};
use rmq_common::{mix_all, MessageQueue};
use rmq_srvutil::cli::{CliOption, Options};
use std::io::Write;

/// `consumeMessage`.
pub struct ConsumeMessageCommand;

/// Pulls `[min, max]` of one queue and prints it (`pullMessageByQueue`).
async fn pull_message_by_queue(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    group: &str,
    mq: &MessageQueue,
    min_offset: i64,
    max_offset: i64,
) -> Result<(), ToolsError> {
    let mut offset = min_offset;
    while offset <= max_offset {
        let max_nums = i32::try_from(max_offset - offset + 1).unwrap_or(i32::MAX);
        let r = match admin.pull(group, mq, "*", offset, max_nums).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, queue = %mq, "pull failed");
                return Ok(());
            }
        };
        offset = r.next_begin_offset;
        if !print_pull_result(out, mq, &r, Some("Consume ok"), "UTF-8", true)? {
            break;
        }
    }
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for ConsumeMessageCommand {
    fn command_name(&self) -> &'static str {
        "consumeMessage"
    }

    fn command_desc(&self) -> &'static str {
        "Consume message."
    }

    fn class_name(&self) -> &'static str {
        "ConsumeMessageCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "Topic name").required(true));
        options.add_option(CliOption::new("b", "brokerName", true, "Broker name"));
        options.add_option(CliOption::new("i", "queueId", true, "Queue Id"));
        options.add_option(CliOption::new("o", "offset", true, "Queue offset"));
        options.add_option(CliOption::new(
            "g",
            "consumerGroup",
            true,
            "Consumer group name",
        ));
        options.add_option(CliOption::new(
            "s",
            "beginTimestamp ",
            true,
            "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]",
        ));
        options.add_option(CliOption::new(
            "e",
            "endTimestamp ",
            true,
            "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]",
        ));
        options.add_option(CliOption::new(
            "c",
            "MessageNumber",
            true,
            "Number of message to be consumed",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let group = ctx
            .optional("g")
            .unwrap_or(mix_all::TOOLS_CONSUMER_GROUP)
            .to_string();
        let topic = ctx.required("t").to_string();
        let mut message_count: i64 = 128;
        if let Some(c) = ctx.optional("c") {
            message_count = parse_i64(c)?;
            if message_count <= 0 {
                write!(ctx.out, "Please input a positive messageNumber!")?;
                return Ok(());
            }
        }
        let broker = ctx.optional("b").map(str::to_string);
        let mut queue: Option<i32> = None;
        if let Some(i) = ctx.optional("i") {
            if broker.is_none() {
                write!(ctx.out, "Please set the brokerName before queueId!")?;
                return Ok(());
            }
            queue = Some(parse_i32(i)?);
        }
        let mut offset = 0i64;
        if let Some(o) = ctx.optional("o") {
            if queue.is_none() {
                write!(ctx.out, "Please set queueId before offset!")?;
                return Ok(());
            }
            offset = parse_i64(o)?;
        }
        let now = rmq_common::util_all::current_millis();
        let mut begin = 0i64;
        let mut end = 0i64;
        if let Some(s) = ctx.optional("s") {
            begin = timestamp_format(s)?;
            if begin > now {
                write!(ctx.out, "Please set the beginTimestamp before now!")?;
                return Ok(());
            }
        }
        if let Some(e) = ctx.optional("e") {
            end = timestamp_format(e)?;
            if end > now {
                write!(ctx.out, "Please set the endTimestamp before now!")?;
                return Ok(());
            }
            if begin > end {
                write!(
                    ctx.out,
                    "Please make sure that the beginTimestamp is less than or equal to the endTimestamp"
                )?;
                return Ok(());
            }
        }
        // Java treats a timestamp of 0 as not given.
        let (begin, end) = ((begin > 0).then_some(begin), (end > 0).then_some(end));
        ctx.with_admin(async |admin, out| {
            match (broker, queue) {
                (Some(b), Some(q)) => {
                    // executeByCondition
                    let mq = MessageQueue::new(topic.clone(), b, q);
                    let (mut min, mut max) = queue_offset_range(admin, &mq, begin, end).await?;
                    if offset > max {
                        writeln!(out, "{mq} no matched msg, offset={offset}")?;
                        return Ok(());
                    }
                    min = min.max(offset);
                    if max - min > message_count {
                        writeln!(out, "The oldler {message_count} message will be provided")?;
                        max = min + message_count - 1;
                    }
                    pull_message_by_queue(admin, out, &group, &mq, min, max).await
                }
                _ => {
                    // executeDefault
                    let mut count_left = message_count;
                    for mq in admin.fetch_subscribe_message_queues(&topic).await? {
                        if count_left == 0 {
                            return Ok(());
                        }
                        let (min, mut max) = queue_offset_range(admin, &mq, begin, end).await?;
                        if max - min > count_left {
                            writeln!(
                                out,
                                "The older {count_left} message of the {} queue will be provided",
                                mq.queue_id
                            )?;
                            max = min + count_left - 1;
                            count_left = 0;
                        } else {
                            count_left = count_left - (max - min) - 1;
                        }
                        pull_message_by_queue(admin, out, &group, &mq, min, max).await?;
                    }
                    Ok(())
                }
            }
        })
        .await
    }
}
