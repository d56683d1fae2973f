//! `getBrokerConfig` (Java `GetBrokerConfigCommand`): a broker's configuration, or every
//! master's and slave's of a cluster.

use crate::admin::DefaultMQAdminExt;
use crate::command::command_util::{fetch_master_and_slave_distinguish, NO_MASTER_PLACEHOLDER};
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};
use std::io::Write;

/// `getBrokerConfig`.
pub struct GetBrokerConfigCommand;

/// Renders config entries as `%-50s=  %s` lines plus a blank line (`getAndPrint`).
pub fn format_config<'a>(entries: impl IntoIterator<Item = (&'a String, &'a String)>) -> String {
    let mut s = String::new();
    for (k, v) in entries {
        s.push_str(&format!("{k:<50}=  {v}\n"));
    }
    s.push('\n');
    s
}

async fn get_and_print(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    prefix: &str,
    addr: &str,
) -> Result<(), ToolsError> {
    out.write_all(prefix.as_bytes())?;
    if addr == NO_MASTER_PLACEHOLDER {
        return Ok(());
    }
    let config = admin.get_broker_config(addr).await?;
    out.write_all(format_config(&config).as_bytes())?;
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for GetBrokerConfigCommand {
    fn command_name(&self) -> &'static str {
        "getBrokerConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Get broker config by cluster or special broker."
    }

    fn class_name(&self) -> &'static str {
        "GetBrokerConfigCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("b", "brokerAddr", true, "get which broker"));
        options.add_option(CliOption::new(
            "c",
            "clusterName",
            true,
            "get which cluster",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        if broker.is_none() && cluster.is_none() {
            return Ok(());
        }
        ctx.with_admin(async |admin, out| {
            if let Some(addr) = broker {
                get_and_print(
                    admin,
                    out,
                    &format!("============{addr}============\n"),
                    &addr,
                )
                .await?;
            } else if let Some(cluster) = cluster {
                for (master, slaves) in fetch_master_and_slave_distinguish(admin, &cluster).await? {
                    get_and_print(
                        admin,
                        out,
                        &format!("============Master: {master}============\n"),
                        &master,
                    )
                    .await?;
                    for slave in slaves {
                        get_and_print(
                            admin,
                            out,
                            &format!(
                                "============My Master: {master}=====Slave: {slave}============\n"
                            ),
                            &slave,
                        )
                        .await?;
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
    fn lines_match_java() {
        let k = "brokerName".to_string();
        let v = "broker-a".to_string();
        assert_eq!(
            format_config([(&k, &v)]),
            "brokerName                                        =  broker-a\n\n"
        );
    }
}
