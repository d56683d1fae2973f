//! `statsAll` (Java `StatsAllSubCommand`): per topic and consumer group, the backlog, in/out
//! TPS and the messages of the last 24 hours, from the masters' statistics.

use crate::admin::broker_admin::{stats, BrokerStatsData};
use crate::admin::DefaultMQAdminExt;
use crate::command::topic::topic_list_sub_command::java_set_order;
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_common::java_format::format_fixed;
use rmq_common::mix_all;
use rmq_common::util_all::front_string_at_least;
use rmq_srvutil::cli::{CliOption, Options};
use std::io::Write;

/// `statsAll`.
pub struct StatsAllSubCommand;

/// The messages of the last day, else hour, else minute (`compute24HourSum`).
pub fn compute_24_hour_sum(bsd: &BrokerStatsData) -> i64 {
    [bsd.stats_day.sum, bsd.stats_hour.sum, bsd.stats_minute.sum]
        .into_iter()
        .find(|s| *s != 0)
        .unwrap_or(0)
}

/// The header line.
pub fn header() -> String {
    format!(
        "{:<64}  {:<64} {:>12} {:>11} {:>11} {:>14} {:>14}\n",
        "#Topic",
        "#Consumer Group",
        "#Accumulation",
        "#InTPS",
        "#OutTPS",
        "#InMsg24Hour",
        "#OutMsg24Hour"
    )
}

/// A row of a topic with a consumer group.
pub fn group_row(
    topic: &str,
    group: &str,
    accumulate: i64,
    in_tps: f64,
    out_tps: f64,
    in_day: i64,
    out_day: i64,
) -> String {
    format!(
        "{:<64}  {:<64} {:>12} {:>11} {:>11} {:>14} {:>14}\n",
        front_string_at_least(topic, 64),
        front_string_at_least(group, 64),
        accumulate,
        format_fixed(in_tps, 2),
        format_fixed(out_tps, 2),
        in_day,
        out_day
    )
}

/// A row of a topic without consumers.
pub fn no_consumer_row(topic: &str, in_tps: f64, in_day: i64) -> String {
    format!(
        "{:<64}  {:<64} {:>12} {:>11} {:>11} {:>14} {:>14}\n",
        front_string_at_least(topic, 64),
        "",
        0,
        format_fixed(in_tps, 2),
        "",
        in_day,
        "NO_CONSUMER"
    )
}

/// Prints one topic's rows (`printTopicDetail`).
pub async fn print_topic_detail(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    topic: &str,
    active_only: bool,
) -> Result<(), ToolsError> {
    let route = admin.examine_topic_route_info(topic).await?;
    let groups = admin
        .query_topic_consume_by_who(topic)
        .await?
        .map(|g| java_set_order(g.group_list))
        .unwrap_or_default();
    let masters: Vec<String> = route
        .broker_datas
        .iter()
        .filter_map(|bd| bd.master_addr().map(str::to_string))
        .collect();
    let (mut in_tps, mut in_day) = (0.0, 0i64);
    for addr in &masters {
        if let Ok(bsd) = admin
            .view_broker_stats_data(addr, stats::TOPIC_PUT_NUMS, topic)
            .await
        {
            in_tps += bsd.stats_minute.tps;
            in_day += compute_24_hour_sum(&bsd);
        }
    }
    if groups.is_empty() {
        if !active_only || in_day > 0 {
            out.write_all(no_consumer_row(topic, in_tps, in_day).as_bytes())?;
        }
        return Ok(());
    }
    for group in groups {
        let (mut out_tps, mut out_day) = (0.0, 0i64);
        for addr in &masters {
            let key = format!("{topic}@{group}");
            if let Ok(bsd) = admin
                .view_broker_stats_data(addr, stats::GROUP_GET_NUMS, &key)
                .await
            {
                out_tps += bsd.stats_minute.tps;
                out_day += compute_24_hour_sum(&bsd);
            }
        }
        let accumulate = admin
            .examine_consume_stats(None, &group, Some(topic))
            .await
            .map(|cs| cs.compute_total_diff().max(0))
            .unwrap_or(0);
        if !active_only || in_day > 0 || out_day > 0 {
            out.write_all(
                group_row(topic, &group, accumulate, in_tps, out_tps, in_day, out_day).as_bytes(),
            )?;
        }
    }
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for StatsAllSubCommand {
    fn command_name(&self) -> &'static str {
        "statsAll"
    }

    fn command_desc(&self) -> &'static str {
        "Topic and Consumer tps stats."
    }

    fn class_name(&self) -> &'static str {
        "StatsAllSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new(
            "a",
            "activeTopic",
            false,
            "print active topic only",
        ));
        options.add_option(CliOption::new(
            "t",
            "topic",
            true,
            "print select topic only",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let active_only = ctx.command_line.has_option("a");
        let select = ctx
            .command_line
            .get_option_value("t")
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        ctx.with_admin(async |admin, out| {
            let topics = admin.fetch_all_topic_list().await?;
            out.write_all(header().as_bytes())?;
            for topic in java_set_order(topics.topic_list) {
                if topic.starts_with(mix_all::RETRY_GROUP_TOPIC_PREFIX)
                    || topic.starts_with(mix_all::DLQ_GROUP_TOPIC_PREFIX)
                {
                    continue;
                }
                if select.as_ref().is_some_and(|s| *s != topic) {
                    continue;
                }
                if let Err(e) = print_topic_detail(admin, out, &topic, active_only).await {
                    tracing::debug!(topic = %topic, error = %e, "statsAll skipped a topic");
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

    #[test]
    fn rows_match_java() {
        assert_eq!(
            header(),
            "#Topic                                                            #Consumer Group                                                  #Accumulation      #InTPS     #OutTPS   #InMsg24Hour  #OutMsg24Hour\n"
        );
        assert_eq!(
            no_consumer_row("TBW102", 0.0, 0),
            "TBW102                                                                                                                                        0        0.00                          0    NO_CONSUMER\n"
        );
    }
}
