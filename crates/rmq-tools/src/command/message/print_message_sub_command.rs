//! `printMsg` (Java `PrintMessageSubCommand`): prints every message of every queue of a topic
//! (optionally a tag expression and a time range), pulled as `TOOLS_CONSUMER`.

use crate::admin::DefaultMQAdminExt;
use crate::command::message::query_msg_by_id_sub_command::decode_body;
use crate::command::{CommandContext, SubCommand};
use crate::error::{parse_bool, ToolsError};
use crate::to_string::message_ext_to_string;
use rmq_client::consumer::pull_result::{PullResult, PullStatus};
use rmq_common::{mix_all, MessageExt, MessageQueue};
use rmq_srvutil::cli::{CliOption, Options};
use std::io::Write;

/// `printMsg`.
pub struct PrintMessageSubCommand;

/// Parses `-b`/`-e` values: epoch millis or `yyyy-MM-dd#HH:mm:ss:SSS` in the local zone
/// (`timestampFormat`).
pub fn timestamp_format(value: &str) -> Result<i64, ToolsError> {
    if let Ok(v) = value.parse::<i64>() {
        return Ok(v);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d#%H:%M:%S:%3f")
        .map_err(|_| ToolsError::IllegalArgument(format!("Unparseable date: \"{value}\"")))?;
    use chrono::TimeZone;
    chrono::Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| ToolsError::IllegalArgument(format!("Unparseable date: \"{value}\"")))
}

/// One message line: `MSGID: <id> <MessageExt> BODY: <body or NOT PRINT BODY>`
/// (`printMessage`).
pub fn format_message_line(msg: &MessageExt, charset: &str, print_body: bool) -> String {
    let body = if print_body {
        decode_body(&msg.message.body, charset)
    } else {
        "NOT PRINT BODY".to_string()
    };
    format!(
        "MSGID: {} {} BODY: {}\n",
        msg.client_msg_id(),
        message_ext_to_string(msg),
        body
    )
}

/// Returns the offsets of `mq` to print: its min and max offsets, replaced by the offsets
/// found for the `begin`/`end` timestamps when given (`printMsg`, `consumeMessage`).
pub async fn queue_offset_range(
    admin: &DefaultMQAdminExt,
    mq: &MessageQueue,
    begin: Option<i64>,
    end: Option<i64>,
) -> Result<(i64, i64), ToolsError> {
    let mut min_offset = admin.min_offset(mq).await?;
    let mut max_offset = admin.max_offset(mq).await?;
    if let Some(ts) = begin {
        min_offset = admin.search_offset(mq, ts).await?;
    }
    if let Some(ts) = end {
        max_offset = admin.search_offset(mq, ts).await?;
    }
    Ok((min_offset, max_offset))
}

/// Prints the outcome of one pull of `mq`: `found_header` (if any) and the messages of a
/// FOUND pull, or Java's status line; returns false once the queue has nothing more
/// (`printMsg`, `consumeMessage`).
pub fn print_pull_result(
    out: &mut dyn Write,
    mq: &MessageQueue,
    r: &PullResult,
    found_header: Option<&str>,
    charset: &str,
    print_body: bool,
) -> Result<bool, ToolsError> {
    let offset = r.next_begin_offset;
    match r.pull_status {
        PullStatus::Found => {
            if let Some(header) = found_header {
                writeln!(out, "{header}")?;
            }
            for m in &r.msg_found_list {
                out.write_all(format_message_line(m, charset, print_body).as_bytes())?;
            }
        }
        PullStatus::NoMatchedMsg => {
            writeln!(
                out,
                "{mq} no matched msg. status={}, offset={offset}",
                r.pull_status
            )?;
        }
        PullStatus::NoNewMsg | PullStatus::OffsetIllegal => {
            writeln!(
                out,
                "{mq} print msg finished. status={}, offset={offset}",
                r.pull_status
            )?;
            return Ok(false);
        }
    }
    Ok(true)
}

/// Prints `[min, max)` of one queue, 32 at a time, as `printMsg` does.
pub async fn print_queue(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    mq: &MessageQueue,
    sub_expression: &str,
    offsets: std::ops::Range<i64>,
    charset: &str,
    print_body: bool,
) -> Result<(), ToolsError> {
    let mut offset = offsets.start;
    while offset < offsets.end {
        let r = match admin
            .pull(
                mix_all::TOOLS_CONSUMER_GROUP,
                mq,
                sub_expression,
                offset,
                32,
            )
            .await
        {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, queue = %mq, "pull failed");
                break;
            }
        };
        offset = r.next_begin_offset;
        if !print_pull_result(out, mq, &r, None, charset, print_body)? {
            break;
        }
    }
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for PrintMessageSubCommand {
    fn command_name(&self) -> &'static str {
        "printMsg"
    }

    fn command_desc(&self) -> &'static str {
        "Print Message Detail."
    }

    fn class_name(&self) -> &'static str {
        "PrintMessageSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(CliOption::new(
            "c",
            "charsetName ",
            true,
            "CharsetName(eg: UTF-8,GBK)",
        ));
        options.add_option(CliOption::new(
            "s",
            "subExpression ",
            true,
            "Subscribe Expression(eg: TagA || TagB)",
        ));
        options.add_option(CliOption::new(
            "b",
            "beginTimestamp ",
            true,
            "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]",
        ));
        options.add_option(CliOption::new(
            "e",
            "endTimestamp ",
            true,
            "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]",
        ));
        options.add_option(CliOption::new("d", "printBody ", true, "print body"));
        options.add_option(CliOption::new(
            "l",
            "lmqParentTopic",
            true,
            "Lmq parent topic, lmq is used to find the route.",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let charset = ctx.optional("c").unwrap_or("UTF-8").to_string();
        let sub_expression = ctx.optional("s").unwrap_or("*").to_string();
        let lmq_parent = ctx.optional("l").map(str::to_string);
        let print_body = ctx.optional("d").is_none_or(parse_bool);
        let begin = ctx.optional("b").map(timestamp_format).transpose()?;
        let end = ctx.optional("e").map(timestamp_format).transpose()?;
        ctx.with_admin(async |admin, out| {
            let queues = match &lmq_parent {
                Some(parent) => admin
                    .fetch_subscribe_message_queues(parent)
                    .await?
                    .into_iter()
                    .map(|mut mq| {
                        mq.topic = topic.clone();
                        mq
                    })
                    .collect(),
                None => admin.fetch_subscribe_message_queues(&topic).await?,
            };
            for mq in queues {
                let (min_offset, max_offset) = queue_offset_range(admin, &mq, begin, end).await?;
                writeln!(out, "minOffset={min_offset}, maxOffset={max_offset}, {mq}")?;
                print_queue(
                    admin,
                    out,
                    &mq,
                    &sub_expression,
                    min_offset..max_offset,
                    &charset,
                    print_body,
                )
                .await?;
                writeln!(out, "{}", "-".repeat(56))?;
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
    fn timestamps_parse_both_forms() {
        assert_eq!(timestamp_format("1676730526212").unwrap(), 1676730526212);
        assert!(timestamp_format("2023-02-18#12:00:00:000").is_ok());
        assert!(timestamp_format("yesterday").is_err());
    }

    #[test]
    fn message_line_matches_java() {
        let mut m = MessageExt {
            broker_name: "broker-a".into(),
            queue_id: 3,
            store_size: 244,
            born_timestamp: 1795692512009,
            born_host: "127.0.0.1:55918".parse().unwrap(),
            store_timestamp: 1795692512039,
            store_host: "127.0.0.1:29911".parse().unwrap(),
            msg_id: "7F000001000074D70000000000000110".into(),
            commit_log_offset: 272,
            body_crc: 833819743,
            ..Default::default()
        };
        m.message.topic = "TopicTest".into();
        m.message.body = bytes::Bytes::from_static(b"Second");
        for (k, v) in [
            ("MSG_REGION", "DefaultRegion"),
            (
                "UNIQ_KEY",
                "FD0000000000000000000000000000025D224E0E2F2A83355B080000",
            ),
            ("CLUSTER", "DefaultCluster"),
            ("MIN_OFFSET", "0"),
            ("WAIT", "true"),
            ("TRACE_ON", "true"),
            ("MAX_OFFSET", "1"),
        ] {
            m.message.put_property(k, v);
        }
        // Captured from Java 5.3.3 `mqadmin printMsg`.
        let expected = "MSGID: FD0000000000000000000000000000025D224E0E2F2A83355B080000 MessageExt [brokerName=broker-a, queueId=3, storeSize=244, queueOffset=0, sysFlag=0, bornTimestamp=1795692512009, bornHost=/127.0.0.1:55918, storeTimestamp=1795692512039, storeHost=/127.0.0.1:29911, msgId=7F000001000074D70000000000000110, commitLogOffset=272, bodyCRC=833819743, reconsumeTimes=0, preparedTransactionOffset=0, toString()=Message{topic='TopicTest', flag=0, properties={MSG_REGION=DefaultRegion, UNIQ_KEY=FD0000000000000000000000000000025D224E0E2F2A83355B080000, CLUSTER=DefaultCluster, MIN_OFFSET=0, WAIT=true, TRACE_ON=true, MAX_OFFSET=1}, body=[83, 101, 99, 111, 110, 100], transactionId='null'}] BODY: Second\n";
        assert_eq!(format_message_line(&m, "UTF-8", true), expected);
    }
}
