//! `getConsumerConfig` (Java `GetConsumerConfigSubCommand`): a subscription group's config on
//! every broker that has it, one `%-40s=  %s` line per field.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use crate::to_string::java_btree_map_to_string;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_srvutil::cli::{CliOption, Options};

/// `getConsumerConfig`.
pub struct GetConsumerConfigSubCommand;

/// The field lines Java prints by reflection over `SubscriptionGroupConfig`, in declaration
/// order (`null` fields print as empty).
pub fn format_config_fields(c: &SubscriptionGroupConfig) -> String {
    let policy = crate::to_string::subscription_group_config_to_string(c);
    // The retry policy's toString is the part between "groupRetryPolicy=" and ", brokerId=".
    let retry = policy
        .split_once("groupRetryPolicy=")
        .and_then(|(_, rest)| rest.split_once(", brokerId="))
        .map_or(String::new(), |(p, _)| p.to_string());
    let fields: Vec<(&str, String)> = vec![
        ("groupName", c.group_name.clone()),
        ("consumeEnable", c.consume_enable.to_string()),
        (
            "consumeFromMinEnable",
            c.consume_from_min_enable.to_string(),
        ),
        (
            "consumeBroadcastEnable",
            c.consume_broadcast_enable.to_string(),
        ),
        (
            "consumeMessageOrderly",
            c.consume_message_orderly.to_string(),
        ),
        ("retryQueueNums", c.retry_queue_nums.to_string()),
        ("retryMaxTimes", c.retry_max_times.to_string()),
        ("groupRetryPolicy", retry),
        ("brokerId", c.broker_id.to_string()),
        (
            "whichBrokerWhenConsumeSlowly",
            c.which_broker_when_consume_slowly.to_string(),
        ),
        (
            "notifyConsumerIdsChangedEnable",
            c.notify_consumer_ids_changed_enable.to_string(),
        ),
        ("groupSysFlag", c.group_sys_flag.to_string()),
        ("consumeTimeoutMinute", c.consume_timeout_minute.to_string()),
        (
            "subscriptionDataSet",
            c.subscription_data_set
                .as_ref()
                .filter(|v| !v.is_null())
                .map_or(String::new(), |v| v.to_string()),
        ),
        ("attributes", java_btree_map_to_string(&c.attributes)),
    ];
    fields
        .into_iter()
        .map(|(k, v)| format!("{k:<40}=  {v}\n"))
        .collect()
}

#[async_trait::async_trait(?Send)]
impl SubCommand for GetConsumerConfigSubCommand {
    fn command_name(&self) -> &'static str {
        "getConsumerConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Get consumer config by subscription group name."
    }

    fn class_name(&self) -> &'static str {
        "GetConsumerConfigSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new("g", "groupName", true, "subscription group name").required(true),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let group = ctx.required("g").to_string();
        ctx.with_admin(async |admin, out| {
            let ci = admin.examine_broker_cluster_info().await?;
            for (broker_name, bd) in &ci.broker_addr_table {
                let cluster = ci
                    .cluster_addr_table
                    .iter()
                    .find(|(_, names)| names.contains(broker_name))
                    .map_or("null", |(c, _)| c.as_str());
                let Some(addr) = bd.select_broker_addr() else {
                    continue;
                };
                let Some(config) = admin.examine_subscription_group_config(addr, &group).await? else {
                    continue;
                };
                write!(
                    out,
                    "============================={cluster}:{broker_name}=============================\n{}",
                    format_config_fields(&config)
                )?;
            }
            Ok(())
        })
        .await
    }
}
