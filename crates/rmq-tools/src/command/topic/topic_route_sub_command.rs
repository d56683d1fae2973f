//! `topicRoute` (Java `TopicRouteSubCommand`): a topic's route as fastjson pretty JSON, or
//! with `-l` as a table with totals.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use crate::to_string::topic_route_data_to_pretty_json;
use rmq_remoting::protocol::body::route::TopicRouteData;
use rmq_srvutil::cli::{CliOption, Options};
use std::collections::BTreeMap;

/// `topicRoute`.
pub struct TopicRouteSubCommand;

fn row(a: &str, b: &str, c: &str, d: &str, e: &str, f: &str) -> String {
    // Java: "%-45s %-32s %-50s %-10s %-11s %-5s%n"
    format!("{a:<45} {b:<32} {c:<50} {d:<10} {e:<11} {f:<5}\n")
}

/// Renders `-l` output (`printData(route, true)`).
pub fn format_route_list(route: &TopicRouteData) -> String {
    let by_broker: BTreeMap<&str, _> = route
        .queue_datas
        .iter()
        .map(|q| (q.broker_name.as_str(), q))
        .collect();
    let mut brokers: Vec<_> = route.broker_datas.iter().collect();
    brokers.sort_by(|a, b| a.broker_name.cmp(&b.broker_name));
    let mut s = row(
        "#ClusterName",
        "#BrokerName",
        "#BrokerAddrs",
        "#ReadQueue",
        "#WriteQueue",
        "#Perm",
    );
    let (mut total_read, mut total_write) = (0i64, 0i64);
    for bd in brokers {
        let Some(qd) = by_broker.get(bd.broker_name.as_str()) else {
            continue;
        };
        total_read += i64::from(qd.read_queue_nums);
        total_write += i64::from(qd.write_queue_nums);
        // Java prints the HashMap<Long, String>: {0=ip:port, 1=ip:port}.
        let addrs = bd
            .broker_addrs
            .iter()
            .map(|(id, a)| format!("{id}={a}"))
            .collect::<Vec<_>>()
            .join(", ");
        s.push_str(&row(
            &bd.cluster,
            &bd.broker_name,
            &format!("{{{addrs}}}"),
            &qd.read_queue_nums.to_string(),
            &qd.write_queue_nums.to_string(),
            &qd.perm.to_string(),
        ));
    }
    s.push_str(&"-".repeat(158));
    s.push('\n');
    s.push_str(&row(
        "Total:",
        &by_broker.len().to_string(),
        "",
        &total_read.to_string(),
        &total_write.to_string(),
        "",
    ));
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for TopicRouteSubCommand {
    fn command_name(&self) -> &'static str {
        "topicRoute"
    }

    fn command_desc(&self) -> &'static str {
        "Examine topic route info."
    }

    fn class_name(&self) -> &'static str {
        "TopicRouteSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(CliOption::new(
            "l",
            "list",
            false,
            "Use list format to print data",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let as_list = ctx.command_line.has_option("l");
        ctx.with_admin(async |admin, out| {
            let route = admin.examine_topic_route_info(&topic).await?;
            if as_list {
                out.write_all(format_route_list(&route).as_bytes())?;
            } else {
                writeln!(out, "{}", topic_route_data_to_pretty_json(&route))?;
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
    fn list_format_matches_java() {
        let route = crate::to_string::sample_route();
        // Captured from Java 5.3.3 `mqadmin topicRoute -t TopicTest -l`.
        let expected = concat!(
            "#ClusterName                                  #BrokerName                      #BrokerAddrs                                       #ReadQueue #WriteQueue #Perm\n",
            "DefaultCluster                                broker-a                         {0=127.0.0.1:29911}                                8          8           6    \n",
            "--------------------------------------------------------------------------------------------------------------------------------------------------------------\n",
            "Total:                                        1                                                                                   8          8                \n",
        );
        assert_eq!(format_route_list(&route), expected);
    }
}
