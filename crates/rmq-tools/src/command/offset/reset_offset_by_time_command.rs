//! `resetOffsetByTime` (Java `ResetOffsetByTimeCommand`): moves a consumer group's offsets of
//! a topic to a point in time, through the broker (online clients reset at once); for an
//! offline group it falls back to writing the offsets (`ResetOffsetByTimeOldCommand`).

use crate::admin::consumer_admin::RollbackStats;
use crate::command::message::print_message_sub_command::timestamp_format;
use crate::command::{lmq_cluster_option, CommandContext, SubCommand};
use crate::error::{parse_bool, parse_i32, parse_i64, ToolsError};
use rmq_client::ClientError;
use rmq_common::util_all::front_string_at_least;
use rmq_common::MessageQueue;
use rmq_remoting::ResponseCode;
use rmq_srvutil::cli::{CliOption, Options};
use std::collections::HashMap;

/// `resetOffsetByTime`.
pub struct ResetOffsetByTimeCommand;

/// Renders the new-protocol result (`#brokerName #queueId #offset`).
pub fn format_reset_result(
    group: &str,
    topic: &str,
    force: bool,
    ts_str: &str,
    ts: i64,
    table: &HashMap<MessageQueue, i64>,
) -> String {
    let mut s = format!(
        "start reset consumer offset by specified, group[{group}], topic[{topic}], force[{force}], timestamp(string)[{ts_str}], timestamp(long)[{ts}]\n"
    );
    s.push_str(&format!(
        "{:<40}  {:<40}  {:<40}\n",
        "#brokerName", "#queueId", "#offset"
    ));
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort();
    for (mq, offset) in entries {
        s.push_str(&format!(
            "{:<40}  {:<40}  {:<40}\n",
            front_string_at_least(&mq.broker_name, 32),
            mq.queue_id,
            offset
        ));
    }
    s
}

/// Renders the old-protocol result (`ResetOffsetByTimeOldCommand.resetOffset`).
pub fn format_rollback(
    group: &str,
    topic: &str,
    force: bool,
    ts_str: &str,
    ts: i64,
    stats: &[RollbackStats],
) -> String {
    let mut s = format!(
        "reset consumer offset by specified consumerGroup[{group}], topic[{topic}], force[{force}], timestamp(string)[{ts_str}], timestamp(long)[{ts}]\n"
    );
    s.push_str(&format!(
        "{:<20}  {:<20}  {:<20}  {:<20}  {:<20}  {:<20}\n",
        "#brokerName",
        "#queueId",
        "#brokerOffset",
        "#consumerOffset",
        "#timestampOffset",
        "#resetOffset"
    ));
    for r in stats {
        s.push_str(&format!(
            "{:<20}  {:<20}  {:<20}  {:<20}  {:<20}  {:<20}\n",
            front_string_at_least(&r.broker_name, 32),
            r.queue_id,
            r.broker_offset,
            r.consumer_offset,
            r.timestamp_offset,
            r.rollback_offset
        ));
    }
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for ResetOffsetByTimeCommand {
    fn command_name(&self) -> &'static str {
        "resetOffsetByTime"
    }

    fn command_desc(&self) -> &'static str {
        "Reset consumer offset by timestamp(without client restart)."
    }

    fn class_name(&self) -> &'static str {
        "ResetOffsetByTimeCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new("g", "group", true, "set the consumer group").required(true),
        );
        options.add_option(CliOption::new("t", "topic", true, "set the topic").required(true));
        options.add_option(
            CliOption::new(
                "s",
                "timestamp",
                true,
                "set the timestamp[now|currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]",
            )
            .required(true),
        );
        options.add_option(CliOption::new(
            "f",
            "force",
            true,
            "set the force rollback by timestamp switch[true|false]. Deprecated.",
        ));
        // Java declares `-c` twice (cplus, then cluster); the second wins.
        options.add_option(CliOption::new(
            "c",
            "cplus",
            false,
            "reset c++ client offset. Deprecated.",
        ));
        options.add_option(CliOption::new("b", "broker", true, "broker addr"));
        options.add_option(CliOption::new("q", "queue", true, "queue id"));
        options.add_option(CliOption::new(
            "o",
            "offset",
            true,
            "Expect queue offset, not support old version broker",
        ));
        options.add_option(lmq_cluster_option());
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let group = ctx.required("g").to_string();
        let topic = ctx.required("t").to_string();
        let ts_str = ctx.required("s").to_string();
        let cluster = ctx.optional("c").map(str::to_string);
        let timestamp = if ts_str == "now" {
            rmq_common::util_all::current_millis()
        } else {
            timestamp_format(&ts_str)?
        };
        let force = ctx.optional("f").is_none_or(parse_bool);
        let is_c = ctx.command_line.has_option("c");
        let broker_addr = ctx.command_line.get_option_value("b").map(str::to_string);
        let queue_id = match ctx.command_line.get_option_value("q") {
            Some(q) => parse_i32(q)?,
            None => -1,
        };
        let offset = ctx
            .command_line
            .get_option_value("o")
            .map(parse_i64)
            .transpose()?;
        ctx.with_admin(async |admin, out| {
            if let (Some(addr), true) = (&broker_addr, queue_id >= 0) {
                writeln!(
                    out,
                    "start reset consumer offset by specified, group[{group}], topic[{topic}], queueId[{queue_id}], broker[{addr}], timestamp(string)[{ts_str}], timestamp(long)[{timestamp}]"
                )?;
                let reset_offset = match offset {
                    Some(o) => o,
                    None => {
                        admin
                            .search_offset_in_broker(addr, &topic, queue_id, timestamp, 3000)
                            .await?
                    }
                };
                writeln!(out, "reset consumer offset to {reset_offset}")?;
                if reset_offset > 0 {
                    admin
                        .reset_offset_by_queue_id(addr, &group, &topic, queue_id, reset_offset)
                        .await?;
                }
                return Ok(());
            }
            match admin
                .reset_offset_by_timestamp_in_cluster(cluster.as_deref(), &topic, &group, timestamp, force, is_c)
                .await
            {
                Ok(table) => {
                    out.write_all(
                        format_reset_result(&group, &topic, force, &ts_str, timestamp, &table).as_bytes(),
                    )?;
                    Ok(())
                }
                Err(ToolsError::Client(ClientError::MQClientException { code, .. }))
                    if code == ResponseCode::CONSUMER_NOT_ONLINE.0 =>
                {
                    let stats = admin
                        .reset_offset_by_timestamp_old(cluster.as_deref(), &group, &topic, timestamp, force)
                        .await?;
                    out.write_all(
                        format_rollback(&group, &topic, force, &ts_str, timestamp, &stats).as_bytes(),
                    )?;
                    Ok(())
                }
                Err(e) => Err(e),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_follow_java_widths() {
        let mut t = HashMap::new();
        t.insert(MessageQueue::new("T", "broker-a", 0), 42);
        let s = format_reset_result("g", "T", true, "now", 1, &t);
        assert!(s.starts_with("start reset consumer offset by specified, group[g], topic[T], force[true], timestamp(string)[now], timestamp(long)[1]\n#brokerName "));
        assert!(s.ends_with(&format!("{:<40}  {:<40}  {:<40}\n", "broker-a", 0, 42)));
        let r = format_rollback("g", "T", false, "x", 2, &[RollbackStats::default()]);
        assert!(r.starts_with(
            "reset consumer offset by specified consumerGroup[g], topic[T], force[false]"
        ));
    }
}
