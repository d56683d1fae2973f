//! `updateTopic` (Java `UpdateTopicSubCommand`): creates or updates a topic on one broker
//! (`-b`) or on every master of a cluster (`-c`), optionally ordered.

use crate::command::{command_util, CommandContext, SubCommand};
use crate::error::{parse_bool, parse_i32, ToolsError};
use crate::to_string::topic_config_to_string;
use rmq_common::sys_flag::topic_sys_flag;
use rmq_common::TopicConfig;
use rmq_srvutil::cli::{CliOption, Options};
use std::collections::BTreeMap;

/// `updateTopic`.
pub struct UpdateTopicSubCommand;

/// Parses Java's attribute modification syntax `+a=b,+c=d,-e` (`AttributeParser.parseToMap`):
/// additions keep their value, deletions map to an empty value under `-key`.
pub fn parse_attributes(s: &str) -> Result<BTreeMap<String, String>, ToolsError> {
    let mut map = BTreeMap::new();
    if s.trim().is_empty() {
        return Ok(map);
    }
    for kv in s.split(',') {
        let kv = kv.trim();
        if let Some(add) = kv.strip_prefix('+') {
            let (k, v) = add.split_once('=').ok_or_else(|| {
                ToolsError::IllegalArgument(format!("add/alter attribute format is wrong: {kv}"))
            })?;
            if k.is_empty() || v.is_empty() {
                return Err(ToolsError::IllegalArgument(format!(
                    "add/alter attribute format is wrong: {kv}"
                )));
            }
            map.insert(format!("+{k}"), v.to_string());
        } else if let Some(del) = kv.strip_prefix('-') {
            if del.is_empty() || del.contains('=') {
                return Err(ToolsError::IllegalArgument(format!(
                    "delete attribute format is wrong: {kv}"
                )));
            }
            map.insert(format!("-{del}"), String::new());
        } else {
            return Err(ToolsError::IllegalArgument(format!(
                "attribute format is wrong: {kv}"
            )));
        }
    }
    Ok(map)
}

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateTopicSubCommand {
    fn command_name(&self) -> &'static str {
        "updateTopic"
    }

    fn command_desc(&self) -> &'static str {
        "Update or create topic."
    }

    fn class_name(&self) -> &'static str {
        "UpdateTopicSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option_group(
            vec![
                CliOption::new("b", "brokerAddr", true, "create topic to which broker"),
                CliOption::new("c", "clusterName", true, "create topic to which cluster"),
            ],
            true,
        );
        options.add_option(CliOption::new(
            "a",
            "attributes",
            true,
            "attribute(+a=b,+c=d,-e)",
        ));
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(CliOption::new(
            "r",
            "readQueueNums",
            true,
            "set read queue nums",
        ));
        options.add_option(CliOption::new(
            "w",
            "writeQueueNums",
            true,
            "set write queue nums",
        ));
        options.add_option(CliOption::new(
            "p",
            "perm",
            true,
            "set topic's permission(2|4|6), intro[2:W 4:R; 6:RW]",
        ));
        options.add_option(CliOption::new(
            "o",
            "order",
            true,
            "set topic's order(true|false)",
        ));
        options.add_option(CliOption::new(
            "u",
            "unit",
            true,
            "is unit topic (true|false)",
        ));
        options.add_option(CliOption::new(
            "s",
            "hasUnitSub",
            true,
            "has unit sub (true|false)",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let mut tc = TopicConfig::with_queues(ctx.required("t"), 8, 8, 6);
        if let Some(a) = ctx.optional("a") {
            tc.attributes = parse_attributes(a)?;
        }
        if let Some(r) = ctx.optional("r") {
            tc.read_queue_nums = parse_i32(r)?;
        }
        if let Some(w) = ctx.optional("w") {
            tc.write_queue_nums = parse_i32(w)?;
        }
        if let Some(p) = ctx.optional("p") {
            tc.perm = parse_i32(p)?;
        }
        let is_unit = ctx.optional("u").is_some_and(parse_bool);
        let is_center_sync = ctx.optional("s").is_some_and(parse_bool);
        tc.topic_sys_flag = topic_sys_flag::build_sys_flag(is_unit, is_center_sync);
        tc.order = ctx.optional("o").is_some_and(parse_bool);

        if let Some(addr) = ctx.optional("b").map(str::to_string) {
            return ctx
                .with_admin(async |admin, out| {
                    admin.update_topic_config(&addr, &tc).await?;
                    if tc.order {
                        let broker_name =
                            command_util::fetch_broker_name_by_addr(admin, &addr).await?;
                        let order_conf = format!("{broker_name}:{}", tc.write_queue_nums);
                        admin
                            .create_or_update_order_conf(&tc.topic_name, &order_conf, false)
                            .await?;
                        writeln!(
                            out,
                            "set broker orderConf. isOrder={}, orderConf=[{order_conf}]",
                            tc.order
                        )?;
                    }
                    writeln!(out, "create topic to {addr} success.")?;
                    writeln!(out, "{}", topic_config_to_string(&tc))?;
                    Ok(())
                })
                .await;
        }
        if let Some(cluster) = ctx.optional("c").map(str::to_string) {
            return ctx
                .with_admin(async |admin, out| {
                    let masters =
                        command_util::fetch_master_addr_by_cluster_name(admin, &cluster).await?;
                    for addr in &masters {
                        admin.update_topic_config(addr, &tc).await?;
                        writeln!(out, "create topic to {addr} success.")?;
                    }
                    if tc.order {
                        let names =
                            command_util::fetch_broker_name_by_cluster_name(admin, &cluster)
                                .await?;
                        let order_conf = names
                            .iter()
                            .map(|n| format!("{n}:{}", tc.write_queue_nums))
                            .collect::<Vec<_>>()
                            .join(";");
                        admin
                            .create_or_update_order_conf(&tc.topic_name, &order_conf, true)
                            .await?;
                        writeln!(
                            out,
                            "set cluster orderConf. isOrder={}, orderConf=[{order_conf}]",
                            tc.order
                        )?;
                    }
                    writeln!(out, "{}", topic_config_to_string(&tc))?;
                    Ok(())
                })
                .await;
        }
        ctx.print_help()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_follow_java_syntax() {
        let m = parse_attributes("+message.type=FIFO,-x").unwrap();
        assert_eq!(m.get("+message.type").map(String::as_str), Some("FIFO"));
        assert_eq!(m.get("-x").map(String::as_str), Some(""));
        assert!(parse_attributes("a=b").is_err());
    }
}
