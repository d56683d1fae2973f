//! `updateOrderConf` (Java `UpdateOrderConfCommand`): reads, writes or deletes a topic's
//! order config (`brokerName:queueNums;...`) in the name servers' `ORDER_TOPIC_CONFIG` KV
//! namespace.

use crate::admin::topic_admin::NAMESPACE_ORDER_TOPIC_CONFIG;
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `updateOrderConf`.
pub struct UpdateOrderConfCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateOrderConfCommand {
    fn command_name(&self) -> &'static str {
        "updateOrderConf"
    }

    fn command_desc(&self) -> &'static str {
        "Create or update or delete order conf."
    }

    fn class_name(&self) -> &'static str {
        "UpdateOrderConfCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        options.add_option(CliOption::new(
            "v",
            "orderConf",
            true,
            "set order conf [eg. brokerName1:num;brokerName2:num]",
        ));
        options.add_option(
            CliOption::new("m", "method", true, "option type [eg. put|get|delete").required(true),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let topic = ctx.required("t").to_string();
        let method = ctx.required("m").to_string();
        if !matches!(method.as_str(), "get" | "put" | "delete") {
            return ctx.print_help();
        }
        let order_conf = ctx.optional("v").unwrap_or_default().to_string();
        ctx.with_admin(async |admin, out| {
            match method.as_str() {
                "get" => {
                    let conf = admin
                        .get_kv_config(NAMESPACE_ORDER_TOPIC_CONFIG, &topic)
                        .await?;
                    write!(
                        out,
                        "get orderConf success. topic=[{topic}], orderConf=[{conf}] "
                    )?;
                }
                "put" => {
                    if order_conf.trim().is_empty() {
                        return Err(ToolsError::IllegalArgument(
                            "please set orderConf with option -v.".into(),
                        ));
                    }
                    admin
                        .create_or_update_order_conf(&topic, &order_conf, true)
                        .await?;
                    write!(
                        out,
                        "update orderConf success. topic=[{topic}], orderConf=[{order_conf}]"
                    )?;
                }
                _ => {
                    admin
                        .delete_kv_config(NAMESPACE_ORDER_TOPIC_CONFIG, &topic)
                        .await?;
                    write!(out, "delete orderConf success. topic=[{topic}]")?;
                }
            }
            Ok(())
        })
        .await
    }
}
