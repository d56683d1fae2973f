//! `queryMsgByUniqueKey` (Java `QueryMsgByUniqueKeySubCommand`): the message with a unique
//! key (`-a`: all copies, up to 32), or pushes it to a consumer with `-g -d`.

use crate::command::message::query_msg_by_id_sub_command::{
    create_body_file, format_message_detail,
};
use crate::command::{lmq_cluster_option, CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `queryMsgByUniqueKey`.
pub struct QueryMsgByUniqueKeySubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for QueryMsgByUniqueKeySubCommand {
    fn command_name(&self) -> &'static str {
        "queryMsgByUniqueKey"
    }

    fn command_desc(&self) -> &'static str {
        "Query Message by Unique key."
    }

    fn class_name(&self) -> &'static str {
        "QueryMsgByUniqueKeySubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("i", "msgId", true, "Message Id").required(true));
        options.add_option(CliOption::new(
            "g",
            "consumerGroup",
            true,
            "consumer group name",
        ));
        options.add_option(CliOption::new(
            "d",
            "clientId",
            true,
            "The consumer's client id",
        ));
        options.add_option(CliOption::new("t", "topic", true, "The topic of msg").required(true));
        options.add_option(CliOption::new(
            "a",
            "showAll",
            false,
            "Print all message, the limit is 32",
        ));
        options.add_option(lmq_cluster_option());
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let msg_id = ctx.required("i").to_string();
        let topic = ctx.required("t").to_string();
        let show_all = ctx.command_line.has_option("a");
        let group_client = match (ctx.optional("g"), ctx.optional("d")) {
            (Some(g), Some(d)) => Some((g.to_string(), d.to_string())),
            _ => None,
        };
        ctx.with_admin(async |admin, out| {
            if let Some((group, client_id)) = group_client {
                let info = admin.get_consumer_running_info(&group, &client_id, false).await;
                if info.is_err() {
                    writeln!(out, "get consumer runtime info for {client_id} client failed ")?;
                }
                let push = info.as_ref().is_ok_and(|i| {
                    i.properties.get("PROP_CONSUME_TYPE").map(String::as_str) == Some("CONSUME_PASSIVELY")
                });
                if push {
                    let offset_id = match admin.query_message_by_any_id(&topic, &msg_id).await? {
                        Some(m) => m.msg_id,
                        None => msg_id.clone(),
                    };
                    let r = admin
                        .consume_message_directly(&group, &client_id, &topic, &offset_id)
                        .await?;
                    write!(out, "{}", crate::to_string::consume_message_directly_result_to_string(&r))?;
                } else {
                    writeln!(
                        out,
                        "get consumer info failed or this {client_id} client is not push consumer, not support direct push "
                    )?;
                }
                return Ok(());
            }
            let list = admin
                .query_message_by_uniq_key_list(&topic, &msg_id, 32, 0, i64::MAX)
                .await?;
            let shown = if show_all { list.len() } else { list.len().min(1) };
            for (i, msg) in list.iter().take(shown).enumerate() {
                let name = if i > 0 {
                    format!("{}_{i}", msg.client_msg_id())
                } else {
                    msg.client_msg_id().to_string()
                };
                let path = create_body_file(msg, &name)?;
                out
                    .write_all(format_message_detail(msg, false, &path, None).as_bytes())?;
                match admin.message_track_detail(msg).await {
                    Ok(tracks) if tracks.is_empty() => write!(out, "\n\nWARN: No Consumer")?,
                    Ok(tracks) => {
                        write!(out, "\n\n")?;
                        for t in tracks {
                            write!(out, "{t}")?;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "messageTrackDetail failed"),
                }
            }
            Ok(())
        })
        .await
    }
}
