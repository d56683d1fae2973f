//! `topicList` (Java `TopicListSubCommand`): every topic the name servers know, or with `-c`
//! a table of cluster, topic and consumer groups.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use crate::to_string::{java_hash_order, DEFAULT_CAPACITY};
use rmq_common::java_hash::string_hash_code;
use rmq_common::mix_all;
use rmq_common::util_all::front_string_at_least;
use rmq_remoting::protocol::body::route::ClusterInfo;
use rmq_srvutil::cli::{CliOption, Options};

/// `topicList`.
pub struct TopicListSubCommand;

/// Orders topic names as Java's `TopicList` (a `HashSet`) iterates them.
pub fn java_set_order(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let items = names
        .into_iter()
        .map(|t| (string_hash_code(&t), t))
        .collect();
    java_hash_order(items, DEFAULT_CAPACITY)
}

/// The cluster of the broker in the topic route's first entry
/// (`findTopicBelongToWhichCluster`).
fn cluster_of(broker_name: &str, ci: &ClusterInfo) -> Option<String> {
    ci.cluster_addr_table
        .iter()
        .find(|(_, names)| names.contains(broker_name))
        .map(|(c, _)| c.clone())
}

/// One `-c` row: `%-20s  %-64s  %-64s`, each value cut to its width.
pub fn format_cluster_row(cluster: &str, topic: &str, group: &str) -> String {
    format!(
        "{:<20}  {:<64}  {:<64}",
        front_string_at_least(cluster, 20),
        front_string_at_least(topic, 64),
        front_string_at_least(group, 64)
    )
}

#[async_trait::async_trait(?Send)]
impl SubCommand for TopicListSubCommand {
    fn command_name(&self) -> &'static str {
        "topicList"
    }

    fn command_desc(&self) -> &'static str {
        "Fetch all topic list from name server."
    }

    fn class_name(&self) -> &'static str {
        "TopicListSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("c", "clusterModel", false, "clusterModel"));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let with_cluster = ctx.command_line.has_option("c");
        ctx.with_admin(async |admin, out| {
            if with_cluster {
                let ci = admin.examine_broker_cluster_info().await?;
                writeln!(
                    out,
                    "{:<20}  {:<48}  {:<48}",
                    "#Cluster Name", "#Topic", "#Consumer Group"
                )?;
                let topics = admin.fetch_all_topic_list().await?;
                for topic in java_set_order(topics.topic_list) {
                    if topic.starts_with(mix_all::RETRY_GROUP_TOPIC_PREFIX)
                        || topic.starts_with(mix_all::DLQ_GROUP_TOPIC_PREFIX)
                    {
                        continue;
                    }
                    let mut cluster = String::new();
                    let mut groups: Vec<String> = Vec::new();
                    if let Ok(route) = admin.examine_topic_route_info(&topic).await {
                        if let Some(bd) = route.broker_datas.first() {
                            cluster = cluster_of(&bd.broker_name, &ci).unwrap_or_default();
                        }
                        if let Ok(Some(gl)) = admin.query_topic_consume_by_who(&topic).await {
                            groups = java_set_order(gl.group_list);
                        }
                    }
                    if groups.is_empty() {
                        groups.push(String::new());
                    }
                    for group in groups {
                        writeln!(out, "{}", format_cluster_row(&cluster, &topic, &group))?;
                    }
                }
            } else {
                let topics = admin.fetch_all_topic_list().await?;
                for topic in java_set_order(topics.topic_list) {
                    writeln!(out, "{topic}")?;
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
    fn rows_follow_java_widths() {
        let row = format_cluster_row("DefaultCluster", "TopicTest", "");
        assert_eq!(row.len(), 20 + 2 + 64 + 2 + 64);
        assert!(row.starts_with("DefaultCluster        TopicTest "));
        let header = format!(
            "{:<20}  {:<48}  {:<48}",
            "#Cluster Name", "#Topic", "#Consumer Group"
        );
        assert_eq!(
            header,
            "#Cluster Name         #Topic                                            #Consumer Group                                 "
        );
    }

    #[test]
    fn topics_in_java_hash_set_order() {
        // Java 5.3.3's topicList printed these 15 topics in this order; the only names
        // sharing a bucket (BenchmarkTest/OFFSET_MOVED_EVENT, TopicB/DefaultCluster_REPLY_TOPIC)
        // follow insertion order there, sorted order here.
        let java = [
            "RMQ_SYS_TRANS_HALF_TOPIC",
            "BenchmarkTest",
            "OFFSET_MOVED_EVENT",
            "TBW102",
            "rmq_sys_REVIVE_LOG_DefaultCluster",
            "SELF_TEST_TOPIC",
            "DefaultCluster",
            "SCHEDULE_TOPIC_XXXX",
            "DefaultCluster_REPLY_TOPIC",
            "TopicB",
            "rmq_sys_wheel_timer",
            "rmq_sys_SYNC_BROKER_MEMBER_broker-a",
            "RMQ_SYS_TRANS_OP_HALF_TOPIC",
            "TopicTest",
            "broker-a",
        ];
        let mut sorted: Vec<String> = java.iter().map(|s| s.to_string()).collect();
        sorted.sort();
        assert_eq!(java_set_order(sorted), java);
    }
}
