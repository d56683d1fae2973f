//! `updateSubGroup` (Java `UpdateSubGroupSubCommand`): creates or updates a subscription group
//! on one broker (`-b`) or on a cluster's masters (`-c`).

use crate::command::topic::update_topic_sub_command::parse_attributes;
use crate::command::{command_util, CommandContext, SubCommand};
use crate::error::{parse_bool, parse_i32, parse_i64, ToolsError};
use crate::to_string::subscription_group_config_to_string;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_srvutil::cli::{CliOption, Options};

/// `updateSubGroup`.
pub struct UpdateSubGroupSubCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateSubGroupSubCommand {
    fn command_name(&self) -> &'static str {
        "updateSubGroup"
    }

    fn command_desc(&self) -> &'static str {
        "Update or create subscription group."
    }

    fn class_name(&self) -> &'static str {
        "UpdateSubGroupSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new(
            "b",
            "brokerAddr",
            true,
            "create subscription group to which broker",
        ));
        options.add_option(CliOption::new(
            "c",
            "clusterName",
            true,
            "create subscription group to which cluster",
        ));
        options.add_option(
            CliOption::new("g", "groupName", true, "consumer group name").required(true),
        );
        options.add_option(CliOption::new("s", "consumeEnable", true, "consume enable"));
        options.add_option(CliOption::new(
            "m",
            "consumeFromMinEnable",
            true,
            "from min offset",
        ));
        options.add_option(CliOption::new(
            "d",
            "consumeBroadcastEnable",
            true,
            "broadcast",
        ));
        options.add_option(CliOption::new(
            "o",
            "consumeMessageOrderly",
            true,
            "consume message orderly",
        ));
        options.add_option(CliOption::new(
            "q",
            "retryQueueNums",
            true,
            "retry queue nums",
        ));
        options.add_option(CliOption::new(
            "r",
            "retryMaxTimes",
            true,
            "retry max times",
        ));
        options.add_option(CliOption::new(
            "p",
            "groupRetryPolicy",
            true,
            "the json string of retry policy ( exp: {\"type\":\"EXPONENTIAL\",\"exponentialRetryPolicy\":{\"initial\":5000,\"max\":7200000,\"multiplier\":2}} {\"type\":\"CUSTOMIZED\",\"customizedRetryPolicy\":{\"next\":[1000,5000,10000]}} )",
        ));
        options.add_option(CliOption::new(
            "i",
            "brokerId",
            true,
            "consumer from which broker id",
        ));
        options.add_option(CliOption::new(
            "w",
            "whichBrokerWhenConsumeSlowly",
            true,
            "which broker id when consume slowly",
        ));
        options.add_option(CliOption::new(
            "a",
            "notifyConsumerIdsChanged",
            true,
            "notify consumerId changed",
        ));
        options.add_option(CliOption::long_only(
            "attributes",
            true,
            "attribute(+a=b,+c=d,-e)",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let mut c = SubscriptionGroupConfig::new(ctx.required("g"));
        c.consume_broadcast_enable = false;
        c.consume_from_min_enable = false;
        if let Some(v) = ctx.optional("s") {
            c.consume_enable = parse_bool(v);
        }
        if let Some(v) = ctx.optional("m") {
            c.consume_from_min_enable = parse_bool(v);
        }
        if let Some(v) = ctx.optional("d") {
            c.consume_broadcast_enable = parse_bool(v);
        }
        if let Some(v) = ctx.optional("o") {
            c.consume_message_orderly = parse_bool(v);
        }
        if let Some(v) = ctx.optional("q") {
            c.retry_queue_nums = parse_i32(v)?;
        }
        if let Some(v) = ctx.optional("r") {
            c.retry_max_times = parse_i32(v)?;
        }
        if let Some(v) = ctx.optional("p") {
            c.group_retry_policy = serde_json::from_str(v)
                .map_err(|e| ToolsError::IllegalArgument(format!("bad groupRetryPolicy: {e}")))?;
        }
        if let Some(v) = ctx.optional("i") {
            c.broker_id = parse_i64(v)?;
        }
        if let Some(v) = ctx.optional("w") {
            c.which_broker_when_consume_slowly = parse_i64(v)?;
        }
        if let Some(v) = ctx.optional("a") {
            c.notify_consumer_ids_changed_enable = parse_bool(v);
        }
        if let Some(v) = ctx.optional("attributes") {
            c.attributes = parse_attributes(v)?;
        }
        if let Some(addr) = ctx.optional("b").map(str::to_string) {
            return ctx
                .with_admin(async |admin, out| {
                    admin
                        .create_and_update_subscription_group_config(&addr, &c)
                        .await?;
                    writeln!(out, "create subscription group to {addr} success.")?;
                    write!(out, "{}", subscription_group_config_to_string(&c))?;
                    Ok(())
                })
                .await;
        }
        if let Some(cluster) = ctx.optional("c").map(str::to_string) {
            return ctx
                .with_admin(async |admin, out| {
                    let mut failure = None;
                    for addr in
                        command_util::fetch_master_addr_by_cluster_name(admin, &cluster).await?
                    {
                        match admin
                            .create_and_update_subscription_group_config(&addr, &c)
                            .await
                        {
                            Ok(()) => {
                                writeln!(out, "create subscription group to {addr} success.")?
                            }
                            Err(e) => failure = Some(ToolsError::from(e)),
                        }
                    }
                    write!(out, "{}", subscription_group_config_to_string(&c))?;
                    failure.map_or(Ok(()), Err)
                })
                .await;
        }
        ctx.print_help()
    }
}
