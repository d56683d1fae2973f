//! `getBrokerEpoch` (Java `GetBrokerEpochSubCommand`): the epoch entries of each broker of a
//! broker set (`-b`) or cluster (`-c`), addresses from the name server; `-i` repeats.

use crate::admin::DefaultMQAdminExt;
use crate::command::{
    add_broker_or_cluster_options, command_util, execute_broker_or_cluster_rounds, BrokerOrCluster,
    CommandContext, SubCommand,
};
use crate::error::ToolsError;
use rmq_remoting::protocol::body::controller::{EpochEntry, EpochEntryCache};
use rmq_srvutil::cli::Options;
use std::collections::BTreeSet;
use std::io::Write;

/// `getBrokerEpoch`.
pub struct GetBrokerEpochSubCommand;

/// Java's `EpochEntry#toString`.
pub fn epoch_entry_to_string(e: &EpochEntry) -> String {
    format!(
        "EpochEntry{{epoch={}, startOffset={}, endOffset={}}}",
        e.epoch, e.start_offset, e.end_offset
    )
}

/// Renders one broker's epoch cache as Java's `printData` does; the last entry ends at the
/// broker's max offset.
pub fn format_epoch_cache(broker_addr: &str, cache: &EpochEntryCache) -> String {
    let mut s = format!(
        "\n#clusterName\t{}\n#brokerName\t{}\n#brokerAddr\t{broker_addr}\n#brokerId\t{}",
        cache.cluster_name, cache.broker_name, cache.broker_id
    );
    let last = cache.epoch_list.len().saturating_sub(1);
    for (i, entry) in cache.epoch_list.iter().enumerate() {
        let mut entry = *entry;
        if i == last {
            entry.end_offset = cache.max_offset;
        }
        s.push_str(&format!("\n#Epoch: {}", epoch_entry_to_string(&entry)));
    }
    s.push('\n');
    s
}

async fn inner_exec(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    target: &BrokerOrCluster,
) -> Result<(), ToolsError> {
    let brokers: BTreeSet<String> = match target {
        BrokerOrCluster::Broker(name) => {
            command_util::fetch_master_and_slave_addr_by_broker_name(admin, name).await?
        }
        BrokerOrCluster::Cluster(cluster) => {
            command_util::fetch_master_and_slave_addr_by_cluster_name(admin, cluster).await?
        }
        BrokerOrCluster::Help(help) => {
            out.write_all(help.as_bytes())?;
            return Ok(());
        }
    };
    for addr in brokers {
        let cache = admin.get_broker_epoch_cache(&addr).await?;
        out.write_all(format_epoch_cache(&addr, &cache).as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for GetBrokerEpochSubCommand {
    fn command_name(&self) -> &'static str {
        "getBrokerEpoch"
    }

    fn command_desc(&self) -> &'static str {
        "Fetch broker epoch entries."
    }

    fn class_name(&self) -> &'static str {
        "GetBrokerEpochSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        add_broker_or_cluster_options(options, "brokerName");
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        execute_broker_or_cluster_rounds(ctx, true, inner_exec).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_cache_matches_java() {
        let cache = EpochEntryCache {
            cluster_name: "DefaultCluster".into(),
            broker_name: "broker-a".into(),
            broker_id: 1,
            epoch_list: vec![
                EpochEntry {
                    epoch: 1,
                    start_offset: 0,
                    end_offset: 4096,
                },
                EpochEntry::new(2, 4096),
            ],
            max_offset: 8192,
        };
        assert_eq!(
            format_epoch_cache("127.0.0.1:30911", &cache),
            "\n#clusterName\tDefaultCluster\n#brokerName\tbroker-a\n#brokerAddr\t127.0.0.1:30911\n#brokerId\t1\
             \n#Epoch: EpochEntry{epoch=1, startOffset=0, endOffset=4096}\
             \n#Epoch: EpochEntry{epoch=2, startOffset=4096, endOffset=8192}\n"
        );
        let empty = EpochEntryCache::default();
        assert_eq!(
            format_epoch_cache("a:1", &empty),
            "\n#clusterName\t\n#brokerName\t\n#brokerAddr\ta:1\n#brokerId\t0\n"
        );
    }
}
