//! `topicStatus` (Java `TopicStatusSubCommand`): min/max offset and last update time of each
//! queue of a topic, then the topic's put TPS.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_common::java_format::double_to_string;
use rmq_common::util_all::front_string_at_least;
use rmq_common::util_all::time_millis_to_human_string2;
use rmq_remoting::protocol::body::topic_stats_table::TopicStatsTable;
use rmq_srvutil::cli::{CliOption, Options};

/// `topicStatus`.
pub struct TopicStatusSubCommand;

/// Renders the table (`execute`'s printing part).
pub fn format_topic_status(table: &TopicStatsTable) -> String {
    let mut s = format!(
        "{:<32}  {:<4}  {:<20}  {:<20}    {}\n",
        "#Broker Name", "#QID", "#Min Offset", "#Max Offset", "#Last Updated"
    );
    let mut queues: Vec<_> = table.offset_table.iter().collect();
    queues.sort_by(|a, b| a.0.cmp(b.0));
    for (mq, offset) in queues {
        let human = if offset.last_update_timestamp > 0 {
            time_millis_to_human_string2(offset.last_update_timestamp)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "{:<32}  {:<4}  {:<20}  {:<20}    {}\n",
            front_string_at_least(&mq.broker_name, 32),
            mq.queue_id,
            offset.min_offset,
            offset.max_offset,
            human
        ));
    }
    s.push('\n');
    s.push_str(&format!(
        "Topic Put TPS: {}\n",
        double_to_string(table.topic_put_tps)
    ));
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for TopicStatusSubCommand {
    fn command_name(&self) -> &'static str {
        "topicStatus"
    }

    fn command_desc(&self) -> &'static str {
        "Examine topic Status info."
    }

    fn class_name(&self) -> &'static str {
        "TopicStatusSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(CliOption::new(
            "c",
            "cluster",
            true,
            "cluster name or lmq parent topic, lmq is used to find the route.",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let cluster = ctx.optional("c").map(str::to_string);
        ctx.with_admin(async |admin, out| {
            let table = match cluster {
                Some(cluster) => {
                    let route = admin.examine_topic_route_info(&cluster).await?;
                    let mut table = TopicStatsTable::default();
                    for bd in &route.broker_datas {
                        if let Some(addr) = bd.select_broker_addr() {
                            let t = admin.examine_topic_stats_in_broker(addr, &topic).await?;
                            table.offset_table.extend(t.offset_table);
                        }
                    }
                    table
                }
                None => admin.examine_topic_stats(&topic).await?,
            };
            out.write_all(format_topic_status(&table).as_bytes())?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::MessageQueue;
    use rmq_remoting::protocol::body::topic_stats_table::TopicOffset;

    #[test]
    fn table_matches_java() {
        let mut t = TopicStatsTable::default();
        for q in [1, 0] {
            t.offset_table.insert(
                MessageQueue::new("TopicTest", "broker-a", q),
                TopicOffset::default(),
            );
        }
        // Captured from Java 5.3.3 for an empty topic (two of its queues).
        let expected = concat!(
            "#Broker Name                      #QID  #Min Offset           #Max Offset             #Last Updated\n",
            "broker-a                          0     0                     0                       \n",
            "broker-a                          1     0                     0                       \n",
            "\n",
            "Topic Put TPS: 0.0\n",
        );
        assert_eq!(format_topic_status(&t), expected);
    }
}
