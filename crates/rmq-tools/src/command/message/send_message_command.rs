//! `sendMessage` (Java `SendMessageCommand`): sends one message, optionally to a given
//! broker and queue, and prints where it went.

use crate::command::{CommandContext, SubCommand};
use crate::error::{parse_i32, ToolsError};
use rmq_client::{DefaultMQProducer, Message, MessageQueue, SendResult};
use rmq_srvutil::cli::{CliOption, Options};

/// `sendMessage`.
pub struct SendMessageCommand;

/// Renders the header and result row (`%-32s  %-4s  %-20s    %s`).
pub fn format_send_result(result: Option<&SendResult>) -> String {
    let mut s = format!(
        "{:<32}  {:<4}  {:<20}    {}\n",
        "#Broker Name", "#QID", "#Send Result", "#MsgId"
    );
    match result {
        Some(r) => s.push_str(&format!(
            "{:<32}  {:<4}  {:<20}    {}\n",
            r.message_queue.broker_name,
            r.message_queue.queue_id,
            r.send_status.as_str(),
            r.msg_id
        )),
        None => s.push_str(&format!(
            "{:<32}  {:<4}  {:<20}    {}\n",
            "Unknown", "Unknown", "Failed", "None"
        )),
    }
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for SendMessageCommand {
    fn command_name(&self) -> &'static str {
        "sendMessage"
    }

    fn command_desc(&self) -> &'static str {
        "Send a message."
    }

    fn class_name(&self) -> &'static str {
        "SendMessageCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "Topic name").required(true));
        options.add_option(
            CliOption::new("p", "body", true, "UTF-8 string format of the message body")
                .required(true),
        );
        options.add_option(CliOption::new("k", "key", true, "Message keys"));
        options.add_option(CliOption::new("c", "tags", true, "Message tags"));
        options.add_option(CliOption::new(
            "b",
            "broker",
            true,
            "Send message to target broker",
        ));
        options.add_option(CliOption::new(
            "i",
            "qid",
            true,
            "Send message to target queue",
        ));
        options.add_option(CliOption::new(
            "m",
            "msgTraceEnable",
            true,
            "Message Trace Enable, Default: false",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let body = ctx.required("p").to_string();
        let broker = ctx.optional("b").map(str::to_string);
        let queue_id = match ctx.optional("i") {
            Some(i) => {
                if broker.is_none() {
                    write!(ctx.out, "Broker name must be set if the queue is chosen!")?;
                    return Ok(());
                }
                parse_i32(i)?
            }
            None => -1,
        };
        let mut msg = Message::new(topic.clone(), body.into_bytes());
        if let Some(k) = ctx.optional("k").filter(|k| !k.is_empty()) {
            msg.set_keys(k);
        }
        if let Some(c) = ctx.optional("c").filter(|c| !c.is_empty()) {
            msg.set_tags(c);
        }
        let namesrv = ctx.namesrv_addr().ok_or(ToolsError::NoNameServer)?;
        let millis = rmq_common::util_all::current_millis().to_string();
        let mut builder = DefaultMQProducer::builder(millis.clone())
            .namesrv_addr(namesrv)
            .instance_name(millis);
        if let Some(c) = ctx.credentials.clone() {
            builder = builder.credentials(c);
        }
        let producer = builder.build();
        let sent = async {
            producer.start().await?;
            match broker {
                Some(b) if queue_id > -1 => {
                    producer
                        .send_to_queue(msg, &MessageQueue::new(topic, b, queue_id))
                        .await
                }
                _ => producer.send(msg).await,
            }
        }
        .await;
        producer.shutdown().await;
        let result = sent?;
        ctx.out
            .write_all(format_send_result(Some(&result)).as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_row_matches_java() {
        assert_eq!(
            format_send_result(None),
            "#Broker Name                      #QID  #Send Result            #MsgId\nUnknown                           Unknown  Failed                  None\n"
        );
    }
}
