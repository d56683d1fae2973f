//! `queryMsgByOffset` (Java `QueryMsgByOffsetSubCommand`): the message at a queue offset,
//! pulled as `TOOLS_CONSUMER`.

use crate::command::message::query_msg_by_id_sub_command::print_msg;
use crate::command::{CommandContext, SubCommand};
use crate::error::{parse_i32, parse_i64, ToolsError};
use rmq_client::consumer::pull_result::PullStatus;
use rmq_common::{mix_all, MessageQueue};
use rmq_srvutil::cli::{CliOption, Options};

/// `queryMsgByOffset`.
pub struct QueryMsgByOffsetSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for QueryMsgByOffsetSubCommand {
    fn command_name(&self) -> &'static str {
        "queryMsgByOffset"
    }

    fn command_desc(&self) -> &'static str {
        "Query Message by offset."
    }

    fn class_name(&self) -> &'static str {
        "QueryMsgByOffsetSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(CliOption::new("b", "brokerName", true, "Broker Name").required(true));
        options.add_option(CliOption::new("i", "queueId", true, "Queue Id").required(true));
        options.add_option(CliOption::new("o", "offset", true, "Queue Offset").required(true));
        options.add_option(CliOption::new(
            "f",
            "bodyFormat",
            true,
            "print message body by the specified format",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let mq = MessageQueue::new(
            ctx.required("t"),
            ctx.required("b"),
            parse_i32(ctx.required("i"))?,
        );
        let offset = parse_i64(ctx.required("o"))?;
        let charset = ctx.optional("f").map(str::to_string);
        ctx.with_admin(async |admin, out| {
            let r = admin
                .pull(mix_all::TOOLS_CONSUMER_GROUP, &mq, "*", offset, 1)
                .await?;
            if r.pull_status == PullStatus::Found {
                if let Some(msg) = r.msg_found_list.first() {
                    print_msg(admin, out, msg, charset.as_deref()).await?;
                }
            }
            Ok(())
        })
        .await
    }
}
