//! `queryMsgById` (Java `QueryMsgByIdSubCommand`): looks messages up by offset id or unique
//! key and prints their details, body file and consumer tracks; `-g -d` pushes one to a
//! consumer instead, `-s true` sends it again.

use crate::admin::DefaultMQAdminExt;
use crate::command::{lmq_cluster_option, CommandContext, SubCommand};
use crate::error::{parse_bool, ToolsError};
use crate::to_string::{java_map_to_string, socket_addr_addr, MESSAGE_PROPERTIES_CAPACITY};
use rmq_client::{DefaultMQProducer, Message};
use rmq_common::util_all::time_millis_to_human_string2;
use rmq_common::MessageExt;
use rmq_srvutil::cli::{CliOption, Options};
use std::io::Write;

/// `queryMsgById`.
pub struct QueryMsgByIdSubCommand;

/// Where bodies are written (`/tmp/rocketmq/msgbodys`).
pub const BODY_DIR: &str = "/tmp/rocketmq/msgbodys";

/// Writes the body to `/tmp/rocketmq/msgbodys/<file_name>` and returns the path
/// (`createBodyFile`).
pub fn create_body_file(msg: &MessageExt, file_name: &str) -> Result<String, ToolsError> {
    std::fs::create_dir_all(BODY_DIR)?;
    let path = format!("{BODY_DIR}/{file_name}");
    std::fs::write(&path, &msg.message.body)?;
    Ok(path)
}

/// Renders the detail lines (`%-20s %s`) up to the body; `offset_id_line` adds `OffsetID:`,
/// `body` adds `Message Body:`.
pub fn format_message_detail(
    msg: &MessageExt,
    offset_id_line: bool,
    body_path: &str,
    body: Option<&str>,
) -> String {
    let mut s = String::new();
    let mut line = |k: &str, v: &str| s.push_str(&format!("{k:<20} {v}\n"));
    if offset_id_line {
        line("OffsetID:", &msg.msg_id);
    }
    line("Topic:", &msg.message.topic);
    line("Tags:", &format!("[{}]", msg.tags().unwrap_or("null")));
    line("Keys:", &format!("[{}]", msg.keys().unwrap_or("null")));
    line("Queue ID:", &msg.queue_id.to_string());
    line("Queue Offset:", &msg.queue_offset.to_string());
    line("CommitLog Offset:", &msg.commit_log_offset.to_string());
    line("Reconsume Times:", &msg.reconsume_times.to_string());
    line(
        "Born Timestamp:",
        &time_millis_to_human_string2(msg.born_timestamp),
    );
    line(
        "Store Timestamp:",
        &time_millis_to_human_string2(msg.store_timestamp),
    );
    line("Born Host:", &socket_addr_addr(&msg.born_host));
    line("Store Host:", &socket_addr_addr(&msg.store_host));
    line("System Flag:", &msg.sys_flag.to_string());
    line(
        "Properties:",
        &java_map_to_string(&msg.message.properties, MESSAGE_PROPERTIES_CAPACITY),
    );
    line("Message Body Path:", body_path);
    if let Some(b) = body {
        line("Message Body:", b);
    }
    s
}

/// Decodes a body with the charset named by `-f` (UTF-8 and ISO-8859-1 are known; other
/// names are read as UTF-8).
pub fn decode_body(body: &[u8], charset: &str) -> String {
    if charset.eq_ignore_ascii_case("ISO-8859-1") || charset.eq_ignore_ascii_case("latin1") {
        body.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(body).into_owned()
    }
}

/// Prints a message as `QueryMsgByIdSubCommand.printMsg` does: details, body file and
/// `MessageTrack` lines (or `WARN: No Consumer`). Java holds a `MessageClientExt` in every
/// path, so the body file is named after the unique key.
pub async fn print_msg(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    msg: &MessageExt,
    charset: Option<&str>,
) -> Result<(), ToolsError> {
    let path = create_body_file(msg, msg.client_msg_id())?;
    let body = charset.map(|c| decode_body(&msg.message.body, c));
    out.write_all(format_message_detail(msg, true, &path, body.as_deref()).as_bytes())?;
    match admin.message_track_detail(msg).await {
        Ok(tracks) if tracks.is_empty() => write!(out, "\n\nWARN: No Consumer")?,
        Ok(tracks) => {
            write!(out, "\n\n")?;
            for t in tracks {
                writeln!(out, "{t}")?;
            }
        }
        Err(e) => tracing::warn!(error = %e, "messageTrackDetail failed"),
    }
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for QueryMsgByIdSubCommand {
    fn command_name(&self) -> &'static str {
        "queryMsgById"
    }

    fn command_desc(&self) -> &'static str {
        "Query Message by Id."
    }

    fn class_name(&self) -> &'static str {
        "QueryMsgByIdSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
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
        options.add_option(CliOption::new("s", "sendMessage", true, "resend message"));
        options.add_option(CliOption::new("u", "unitName", true, "unit name"));
        options.add_option(CliOption::new(
            "f",
            "bodyFormat",
            true,
            "print message body by the specified format",
        ));
        options.add_option(lmq_cluster_option());
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let ids: Vec<String> = ctx
            .required("i")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let group_client = match (ctx.optional("g"), ctx.optional("d")) {
            (Some(g), Some(d)) => Some((g.to_string(), d.to_string())),
            _ => None,
        };
        let resend = ctx.command_line.has_option("s");
        let resend_enabled = ctx.optional("s").is_some_and(parse_bool);
        let charset = ctx.optional("f").map(str::to_string);
        let unit = ctx.optional("u").map(str::to_string);
        let namesrv = ctx.namesrv_addr().ok_or(ToolsError::NoNameServer)?;
        let credentials = ctx.credentials.clone();
        ctx.with_admin(async |admin, out| {
            if let Some((group, client_id)) = group_client {
                for id in &ids {
                    let r = async {
                        let info = admin.get_consumer_running_info(&group, &client_id, false).await?;
                        let push = info.properties.get("PROP_CONSUME_TYPE").map(String::as_str)
                            == Some("CONSUME_PASSIVELY");
                        if push {
                            // Java: viewMessage, then CONSUME_MESSAGE_DIRECTLY to its store host.
                            let offset_id = match admin.query_message_by_any_id(&topic, id).await? {
                                Some(m) => m.msg_id,
                                None => id.clone(),
                            };
                            let r = admin
                                .consume_message_directly(&group, &client_id, &topic, &offset_id)
                                .await?;
                            write!(out, "{}", crate::to_string::consume_message_directly_result_to_string(&r))?;
                        } else {
                            writeln!(out, "this {client_id} client is not push consumer ,not support direct push ")?;
                        }
                        Ok::<(), ToolsError>(())
                    }
                    .await;
                    if let Err(e) = r {
                        tracing::warn!(error = %e, "push message to consumer failed");
                    }
                }
            } else if resend {
                if resend_enabled {
                    let millis = rmq_common::util_all::current_millis().to_string();
                    let mut cc = rmq_client::ClientConfig {
                        namesrv_addr: Some(namesrv.clone()),
                        instance_name: format!("{millis}-resend"),
                        credentials: credentials.clone(),
                        ..Default::default()
                    };
                    cc.unit_name = unit;
                    let producer = DefaultMQProducer::builder("ReSendMsgById").client_config(cc).build();
                    producer.start().await?;
                    for id in &ids {
                        match admin.query_message_by_any_id(&topic, id).await? {
                            Some(msg) => {
                                write!(out, "prepare resend msg. originalMsgId={id}")?;
                                let mut m = Message::new(msg.message.topic.clone(), msg.message.body.clone());
                                m.properties = msg.message.properties.clone();
                                m.flag = msg.message.flag;
                                let r = producer.send(m).await?;
                                write!(out, "{r}")?;
                            }
                            None => write!(out, "no message. msgId={id}")?,
                        }
                    }
                    producer.shutdown().await;
                }
            } else {
                for id in &ids {
                    match admin.query_message_by_any_id(&topic, id).await? {
                        Some(msg) => {
                            print_msg(admin, out, &msg, charset.as_deref()).await?;
                        }
                        None => write!(out, "\nMessage not found!")?,
                    }
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
    fn detail_lines_match_java() {
        let mut m = MessageExt::default();
        m.message.topic = "TopicTest".into();
        m.message.put_property("TAGS", "TagA");
        m.message.put_property("KEYS", "key1");
        m.queue_id = 5;
        m.msg_id = "7F000001000074D70000000000000000".into();
        m.born_host = "127.0.0.1:49228".parse().unwrap();
        m.store_host = "127.0.0.1:29911".parse().unwrap();
        let s = format_message_detail(&m, true, "/tmp/rocketmq/msgbodys/x", Some("Second"));
        assert!(s.starts_with(
            "OffsetID:            7F000001000074D70000000000000000\nTopic:               TopicTest\nTags:                [TagA]\nKeys:                [key1]\nQueue ID:            5\n"
        ), "{s}");
        assert!(s.contains(
            "\nBorn Host:           127.0.0.1:49228\nStore Host:          127.0.0.1:29911\n"
        ));
        assert!(s.ends_with(
            "Message Body Path:   /tmp/rocketmq/msgbodys/x\nMessage Body:        Second\n"
        ));
        let plain = format_message_detail(&MessageExt::default(), false, "p", None);
        assert!(plain.starts_with("Topic:               \nTags:                [null]\n"));
    }
}
