//! `queryMsgByKey` (Java `QueryMsgByKeySubCommand`): message ids, queues and offsets of the
//! messages with a key.

use crate::command::{lmq_cluster_option, CommandContext, SubCommand};
use crate::error::{parse_i32, parse_i64, ToolsError};
use rmq_common::MessageExt;
use rmq_srvutil::cli::{CliOption, Options};

/// `queryMsgByKey`.
pub struct QueryMsgByKeySubCommand;

/// Renders the result table (`%-50s %4s %40s`).
pub fn format_key_result(msgs: &[MessageExt]) -> String {
    let mut s = format!("{:<50} {:>4} {:>40}\n", "#Message ID", "#QID", "#Offset");
    for m in msgs {
        s.push_str(&format!(
            "{:<50} {:>4} {:>40}\n",
            m.client_msg_id(),
            m.queue_id,
            m.queue_offset
        ));
    }
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for QueryMsgByKeySubCommand {
    fn command_name(&self) -> &'static str {
        "queryMsgByKey"
    }

    fn command_desc(&self) -> &'static str {
        "Query Message by Key."
    }

    fn class_name(&self) -> &'static str {
        "QueryMsgByKeySubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "Topic name").required(true));
        options.add_option(CliOption::new("k", "msgKey", true, "Message Key").required(true));
        options.add_option(CliOption::new(
            "b",
            "beginTimestamp",
            true,
            "Begin timestamp(ms). default:0, eg:1676730526212",
        ));
        options.add_option(CliOption::new(
            "e",
            "endTimestamp",
            true,
            "End timestamp(ms). default:Long.MAX_VALUE, eg:1676730526212",
        ));
        options.add_option(CliOption::new(
            "m",
            "maxNum",
            true,
            "The maximum number of messages returned by the query, default:64",
        ));
        options.add_option(lmq_cluster_option());
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let key = ctx.required("k").to_string();
        let begin = ctx.optional("b").map(parse_i64).transpose()?.unwrap_or(0);
        let end = ctx
            .optional("e")
            .map(parse_i64)
            .transpose()?
            .unwrap_or(i64::MAX);
        let max_num = ctx.optional("m").map(parse_i32).transpose()?.unwrap_or(64);
        ctx.with_admin(async |admin, out| {
            let msgs = admin
                .query_message(&topic, &key, max_num, begin, end)
                .await?;
            out.write_all(format_key_result(&msgs).as_bytes())?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_java() {
        let mut m = MessageExt::default();
        m.message.put_property(
            "UNIQ_KEY",
            "FD0000000000000000000000000000025CEF4E0E2F2A83354AB10000",
        );
        m.queue_id = 5;
        let expected = concat!(
            "#Message ID                                        #QID                                  #Offset\n",
            "FD0000000000000000000000000000025CEF4E0E2F2A83354AB10000    5                                        0\n",
        );
        assert_eq!(format_key_result(&[m]), expected);
    }
}
