//! `updateTopicPerm` (Java `UpdateTopicPermSubCommand`): changes a topic's permission on one
//! master (`-b`) or on every master of a cluster (`-c`).

use crate::command::{command_util, CommandContext, SubCommand};
use crate::error::{parse_i32, ToolsError};
use crate::to_string::topic_config_to_string;
use rmq_common::{mix_all, TopicConfig};
use rmq_srvutil::cli::{CliOption, Options};

/// `updateTopicPerm`.
pub struct UpdateTopicPermSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateTopicPermSubCommand {
    fn command_name(&self) -> &'static str {
        "updateTopicPerm"
    }

    fn command_desc(&self) -> &'static str {
        "Update topic perm."
    }

    fn class_name(&self) -> &'static str {
        "UpdateTopicPermSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new(
            "b",
            "brokerAddr",
            true,
            "create topic to which broker",
        ));
        options.add_option(CliOption::new(
            "c",
            "clusterName",
            true,
            "create topic to which cluster",
        ));
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(
            CliOption::new(
                "p",
                "perm",
                true,
                "set topic's permission(2|4|6), intro[2:W; 4:R; 6:RW]",
            )
            .required(true),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let admin = ctx.start_admin().await?;
        let result = async {
            let topic = ctx.required("t").to_string();
            let route = admin.examine_topic_route_info(&topic).await?;
            let Some(qd) = route.queue_datas.first().cloned() else {
                return Err(ToolsError::IllegalArgument(format!(
                    "topic {topic} has no queue"
                )));
            };
            let perm = parse_i32(ctx.required("p"))?;
            let mut tc =
                TopicConfig::with_queues(&topic, qd.read_queue_nums, qd.write_queue_nums, perm);
            tc.topic_sys_flag = qd.topic_sys_flag;
            if let Some(broker_addr) = ctx.optional("b").map(str::to_string) {
                let broker_name = route
                    .broker_datas
                    .iter()
                    .find(|bd| bd.broker_addrs.get(&mix_all::MASTER_ID) == Some(&broker_addr))
                    .map(|bd| bd.broker_name.clone());
                let Some(broker_name) = broker_name else {
                    writeln!(
                        ctx.out,
                        "updateTopicPerm error broker not exit or broker is not master!."
                    )?;
                    return Ok(());
                };
                let old_perm = route
                    .queue_datas
                    .iter()
                    .find(|q| q.broker_name == broker_name)
                    .map_or(0, |q| q.perm);
                if old_perm == perm {
                    writeln!(ctx.out, "new perm equals to the old one!")?;
                    return Ok(());
                }
                admin.update_topic_config(&broker_addr, &tc).await?;
                writeln!(
                    ctx.out,
                    "update topic perm from {old_perm} to {perm} in {broker_addr} success."
                )?;
                writeln!(ctx.out, "{}.", topic_config_to_string(&tc))?;
                return Ok(());
            }
            if let Some(cluster) = ctx.optional("c").map(str::to_string) {
                for addr in
                    command_util::fetch_master_addr_by_cluster_name(&admin, &cluster).await?
                {
                    admin.update_topic_config(&addr, &tc).await?;
                    writeln!(
                        ctx.out,
                        "update topic perm from {} to {perm} in {addr} success.",
                        qd.perm
                    )?;
                }
                return Ok(());
            }
            ctx.print_help()
        }
        .await;
        admin.shutdown().await;
        result
    }
}
