//! `consumerProgress` (Java `ConsumerProgressSubCommand`): with `-g`, a group's offsets per
//! queue, lag and in-flight counts; without, one summary row per consumer group found
//! through its `%RETRY%` topic.

use crate::admin::DefaultMQAdminExt;
use crate::command::topic::topic_list_sub_command::java_set_order;
use crate::command::{lmq_cluster_option, CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_common::java_format::format_fixed;
use rmq_common::mq_version::get_version_desc;
use rmq_common::util_all::format_millis;
use rmq_common::util_all::front_string_at_least;
use rmq_common::{mix_all, MessageQueue};
use rmq_remoting::protocol::body::consume_stats::ConsumeStats;
use rmq_remoting::protocol::body::consumer_connection::ConsumerConnection;
use rmq_remoting::protocol::body::heartbeat::ConsumeType;
use rmq_srvutil::cli::{CliOption, Options};
use std::collections::HashMap;

/// `consumerProgress`.
pub struct ConsumerProgressSubCommand;

/// `KeyBuilder.parseGroup`: the group of a `%RETRY%` topic (pop v2 topics `%RETRY%g+t`).
pub fn parse_group(retry_topic: &str) -> String {
    let rest = retry_topic
        .strip_prefix(mix_all::RETRY_GROUP_TOPIC_PREFIX)
        .unwrap_or(retry_topic);
    if retry_topic.starts_with(mix_all::RETRY_GROUP_TOPIC_PREFIX) && retry_topic.contains('+') {
        let parts: Vec<&str> = retry_topic.split('+').collect();
        if parts.len() == 2 {
            if let Some(g) = parts[0].strip_prefix(mix_all::RETRY_GROUP_TOPIC_PREFIX) {
                return g.to_string();
            }
        }
    }
    rest.to_string()
}

/// Renders the per-queue table and totals of one group (`-g`); `client_ips` is given with
/// `-s true`.
pub fn format_group_progress(
    stats: &ConsumeStats,
    client_ips: Option<&HashMap<MessageQueue, String>>,
) -> String {
    let mut s = match client_ips {
        Some(_) => format!(
            "{:<64}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20} {:<20}{}\n",
            "#Topic",
            "#Broker Name",
            "#QID",
            "#Broker Offset",
            "#Consumer Offset",
            "#Client IP",
            "#Diff",
            "#Inflight",
            "#LastTime"
        ),
        None => format!(
            "{:<64}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20}{}\n",
            "#Topic",
            "#Broker Name",
            "#QID",
            "#Broker Offset",
            "#Consumer Offset",
            "#Diff",
            "#Inflight",
            "#LastTime"
        ),
    };
    let mut queues: Vec<_> = stats.offset_table.iter().collect();
    queues.sort_by(|a, b| a.0.cmp(b.0));
    let (mut diff_total, mut inflight_total) = (0i64, 0i64);
    for (mq, ow) in queues {
        let diff = ow.broker_offset - ow.consumer_offset;
        let inflight = ow.pull_offset - ow.consumer_offset;
        diff_total += diff;
        inflight_total += inflight;
        let last_time = if ow.last_timestamp == 0 {
            "N/A".to_string()
        } else {
            format_millis(ow.last_timestamp, "%Y-%m-%d %H:%M:%S")
        };
        let topic = front_string_at_least(&mq.topic, 64);
        let broker = front_string_at_least(&mq.broker_name, 32);
        match client_ips {
            Some(ips) => s.push_str(&format!(
                "{topic:<64}  {broker:<32}  {:<4}  {:<20}  {:<20}  {:<20} {diff:<20} {inflight:<20} {last_time}\n",
                mq.queue_id,
                ow.broker_offset,
                ow.consumer_offset,
                ips.get(mq).map_or("N/A", String::as_str)
            )),
            None => s.push_str(&format!(
                "{topic:<64}  {broker:<32}  {:<4}  {:<20}  {:<20}  {diff:<20} {inflight:<20} {last_time}\n",
                mq.queue_id, ow.broker_offset, ow.consumer_offset
            )),
        }
    }
    s.push('\n');
    s.push_str(&format!(
        "Consume TPS: {}\n",
        format_fixed(stats.consume_tps, 2)
    ));
    s.push_str(&format!("Consume Diff Total: {diff_total}\n"));
    s.push_str(&format!("Consume Inflight Total: {inflight_total}\n"));
    s
}

/// The summary header (no `-g`).
pub fn group_summary_header() -> String {
    format!(
        "{:<64}  {:<6}  {:<24} {:<5}  {:<14}  {:<7}  {}\n",
        "#Group", "#Count", "#Version", "#Type", "#Model", "#TPS", "#Diff Total"
    )
}

/// One summary row (`GroupConsumeInfo`).
pub fn group_summary_row(
    group: &str,
    stats: Option<&ConsumeStats>,
    cc: Option<&ConsumerConnection>,
) -> String {
    let count = cc.map_or(0, |c| c.connection_set.len());
    let (consume_type, model, version) = match cc {
        Some(c) if count > 0 => {
            let min_version = c
                .connection_set
                .iter()
                .map(|x| x.version)
                .min()
                .unwrap_or(i32::MAX);
            let t = if c.consume_type == Some(ConsumeType::ConsumeActively) {
                "PULL"
            } else {
                "PUSH"
            };
            let m = if c.consume_type == Some(ConsumeType::ConsumePassively) {
                c.message_model.map_or("null", |m| m.as_str())
            } else {
                ""
            };
            (t, m, get_version_desc(min_version).to_string())
        }
        _ => ("", "", "OFFLINE".to_string()),
    };
    let tps = stats.map_or(0, |s| s.consume_tps as i32);
    let diff_total = stats.map_or(0, ConsumeStats::compute_total_diff);
    format!(
        "{:<64}  {count:<6}  {version:<24} {consume_type:<5}  {model:<14}  {tps:<7}  {diff_total}\n",
        front_string_at_least(group, 64)
    )
}

async fn client_ip_by_queue(
    admin: &DefaultMQAdminExt,
    group: &str,
) -> HashMap<MessageQueue, String> {
    let mut results = HashMap::new();
    let Ok(cc) = admin.examine_consumer_connection_info(group).await else {
        return results;
    };
    for conn in &cc.connection_set {
        if let Ok(info) = admin
            .get_consumer_running_info(group, &conn.client_id, false)
            .await
        {
            let ip = conn
                .client_id
                .split('@')
                .next()
                .unwrap_or_default()
                .to_string();
            for mq in info.mq_table.keys() {
                results.insert(mq.clone(), ip.clone());
            }
        }
    }
    results
}

#[async_trait::async_trait(?Send)]
impl SubCommand for ConsumerProgressSubCommand {
    fn command_name(&self) -> &'static str {
        "consumerProgress"
    }

    fn command_desc(&self) -> &'static str {
        "Query consumer's progress, speed."
    }

    fn class_name(&self) -> &'static str {
        "ConsumerProgressSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new(
            "g",
            "groupName",
            true,
            "consumer group name",
        ));
        options.add_option(CliOption::new("t", "topicName", true, "topic name"));
        options.add_option(CliOption::new(
            "s",
            "showClientIP",
            true,
            "Show Client IP per Queue",
        ));
        options.add_option(lmq_cluster_option());
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let show_client_ip = ctx
            .command_line
            .get_option_value("s")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let cluster = ctx.optional("c").map(str::to_string);
        let group = ctx.optional("g").map(str::to_string);
        let topic = ctx.optional("t").map(str::to_string);
        ctx.with_admin(async |admin, out| {
            if let Some(group) = group {
                let stats = admin
                    .examine_consume_stats(cluster.as_deref(), &group, topic.as_deref())
                    .await?;
                let ips = if show_client_ip {
                    Some(client_ip_by_queue(admin, &group).await)
                } else {
                    None
                };
                out.write_all(format_group_progress(&stats, ips.as_ref()).as_bytes())?;
            } else {
                out.write_all(group_summary_header().as_bytes())?;
                let topics = admin.fetch_all_topic_list().await?;
                for t in java_set_order(topics.topic_list) {
                    if !t.starts_with(mix_all::RETRY_GROUP_TOPIC_PREFIX) {
                        continue;
                    }
                    let g = parse_group(&t);
                    let stats = admin.examine_consume_stats(None, &g, None).await.ok();
                    let cc = admin.examine_consumer_connection_info(&g).await.ok();
                    out.write_all(group_summary_row(&g, stats.as_ref(), cc.as_ref()).as_bytes())?;
                }
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::consume_stats::OffsetWrapper;

    #[test]
    fn summary_row_matches_java_for_an_offline_group() {
        assert_eq!(
            group_summary_header(),
            "#Group                                                            #Count  #Version                 #Type  #Model          #TPS     #Diff Total\n"
        );
        assert_eq!(
            group_summary_row("TOOLS_CONSUMER", None, None),
            "TOOLS_CONSUMER                                                    0       OFFLINE                                         0        0\n"
        );
    }

    #[test]
    fn group_table_totals() {
        let mut stats = ConsumeStats::default();
        stats.offset_table.insert(
            MessageQueue::new("T", "broker-a", 0),
            OffsetWrapper {
                broker_offset: 10,
                consumer_offset: 4,
                pull_offset: 6,
                last_timestamp: 0,
            },
        );
        let s = format_group_progress(&stats, None);
        assert!(
            s.contains("  6                    2                    N/A\n"),
            "{s}"
        );
        assert!(
            s.ends_with("\nConsume TPS: 0.00\nConsume Diff Total: 6\nConsume Inflight Total: 2\n")
        );
        assert_eq!(parse_group("%RETRY%g1"), "g1");
        assert_eq!(parse_group("%RETRY%g1+TopicA"), "g1");
    }
}
