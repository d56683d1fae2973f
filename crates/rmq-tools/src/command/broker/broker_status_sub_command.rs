//! `brokerStatus` (Java `BrokerStatusSubCommand`): a broker's runtime statistics, keys
//! sorted; with `-c` every broker of the cluster, each line prefixed by its address.

use crate::command::{command_util, CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_remoting::protocol::body::route::KVTable;
use rmq_srvutil::cli::{CliOption, Options};

/// `brokerStatus`.
pub struct BrokerStatusSubCommand;

/// Renders a runtime table (`printBrokerRuntimeStats`): `%-32s: %s`, or with the broker
/// address `%-24s %-32s: %s`.
pub fn format_runtime_stats(table: &KVTable, broker_addr: Option<&str>) -> String {
    let mut s = String::new();
    for (k, v) in &table.table {
        match broker_addr {
            Some(addr) => s.push_str(&format!("{addr:<24} {k:<32}: {v}\n")),
            None => s.push_str(&format!("{k:<32}: {v}\n")),
        }
    }
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for BrokerStatusSubCommand {
    fn command_name(&self) -> &'static str {
        "brokerStatus"
    }

    fn command_desc(&self) -> &'static str {
        "Fetch broker runtime status data."
    }

    fn class_name(&self) -> &'static str {
        "BrokerStatusSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option_group(
            vec![
                CliOption::new("b", "brokerAddr", true, "Broker address"),
                CliOption::new("c", "clusterName", true, "which cluster"),
            ],
            true,
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let broker = ctx.optional("b").map(str::to_string);
        let cluster = ctx.optional("c").map(str::to_string);
        ctx.with_admin(async |admin, out| {
            if let Some(addr) = broker {
                let table = admin.fetch_broker_runtime_stats(&addr).await?;
                out.write_all(format_runtime_stats(&table, None).as_bytes())?;
            } else if let Some(cluster) = cluster {
                let addrs =
                    command_util::fetch_master_and_slave_addr_by_cluster_name(admin, &cluster)
                        .await?;
                for addr in addrs {
                    let table = admin.fetch_broker_runtime_stats(&addr).await?;
                    out.write_all(format_runtime_stats(&table, Some(&addr)).as_bytes())?;
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
        let mut t = KVTable::default();
        t.table.insert("brokerVersionDesc".into(), "V5_3_3".into());
        t.table.insert("EndTransactionQueueSize".into(), "0".into());
        t.table.insert(
            "commitLogDiskRatio_/tmp/store/commitlog".into(),
            "0.25".into(),
        );
        assert_eq!(
            format_runtime_stats(&t, None),
            "EndTransactionQueueSize         : 0\nbrokerVersionDesc               : V5_3_3\ncommitLogDiskRatio_/tmp/store/commitlog: 0.25\n"
        );
        assert!(format_runtime_stats(&t, Some("127.0.0.1:10911"))
            .starts_with("127.0.0.1:10911          EndTransactionQueueSize         : 0\n"));
    }
}
