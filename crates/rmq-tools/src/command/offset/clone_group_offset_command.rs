//! `cloneGroupOffset` (Java `CloneGroupOffsetCommand`): copies one consumer group's committed
//! offsets to another group.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `cloneGroupOffset`.
pub struct CloneGroupOffsetCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for CloneGroupOffsetCommand {
    fn command_name(&self) -> &'static str {
        "cloneGroupOffset"
    }

    fn command_desc(&self) -> &'static str {
        "Clone offset from other group."
    }

    fn class_name(&self) -> &'static str {
        "CloneGroupOffsetCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new("s", "srcGroup", true, "set source consumer group").required(true),
        );
        options.add_option(
            CliOption::new("d", "destGroup", true, "set destination consumer group").required(true),
        );
        options.add_option(CliOption::new("t", "topic", true, "set the topic").required(true));
        options.add_option(CliOption::new(
            "o",
            "offline",
            true,
            "the group or the topic is offline",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let src = ctx.required("s").to_string();
        let dest = ctx.required("d").to_string();
        let topic = ctx.required("t").to_string();
        ctx.with_admin(async |admin, out| {
            let stats = admin.examine_consume_stats(None, &src, None).await?;
            if !stats.offset_table.is_empty() {
                let route = admin.examine_topic_route_info(&topic).await?;
                let mut entries: Vec<_> = stats.offset_table.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (mq, ow) in entries {
                    let addr = route
                        .broker_datas
                        .iter()
                        .find(|bd| bd.broker_name == mq.broker_name)
                        .and_then(|bd| bd.select_broker_addr());
                    if let (Some(addr), true) = (addr, ow.consumer_offset >= 0) {
                        admin
                            .update_consumer_offset(addr, &dest, mq, ow.consumer_offset)
                            .await?;
                    }
                }
            }
            write!(
                out,
                "clone group offset success. srcGroup[{src}], destGroup=[{dest}], topic[{topic}]"
            )?;
            Ok(())
        })
        .await
    }
}
