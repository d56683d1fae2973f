//! `getSyncStateSet` (Java `GetSyncStateSetSubCommand`): the master and in-sync replicas of
//! broker sets, asked of the leader of the controller group `-a` belongs to. `-b` names one
//! broker set, `-c` takes every broker name of a cluster from the name server; `-i` repeats.

use crate::admin::DefaultMQAdminExt;
use crate::command::controller::controller_address_option;
use crate::command::{
    add_broker_or_cluster_options, command_util, execute_broker_or_cluster_rounds, BrokerOrCluster,
    CommandContext, SubCommand,
};
use crate::error::ToolsError;
use crate::to_string::{java_hash_order, DEFAULT_CAPACITY};
use rmq_common::java_format::jstr;
use rmq_common::java_hash::string_hash_code;
use rmq_remoting::protocol::body::controller::{BrokerReplicasInfo, ReplicaIdentity};
use rmq_srvutil::cli::Options;
use std::io::Write;

/// `getSyncStateSet`.
pub struct GetSyncStateSetSubCommand;

/// Java's `BrokerReplicasInfo.ReplicaIdentity#toString`.
pub fn replica_identity_to_string(r: &ReplicaIdentity) -> String {
    format!(
        "ReplicaIdentity{{brokerName='{}', brokerId={}, brokerAddress='{}', alive={}}}",
        r.broker_name, r.broker_id, r.broker_address, r.alive
    )
}

/// Renders the replica state of each broker set as Java's `printData` does, in the order
/// of the `HashMap` fastjson decodes the table into.
pub fn format_replicas_info(info: &BrokerReplicasInfo) -> String {
    let entries = info
        .replicas_info_table
        .iter()
        .map(|(name, r)| (string_hash_code(name), (name, r)))
        .collect();
    let mut s = String::new();
    for (name, r) in java_hash_order(entries, DEFAULT_CAPACITY) {
        s.push_str(&format!(
            "\n#brokerName\t{name}\n#MasterBrokerId\t{}\n#MasterAddr\t{}\n#MasterEpoch\t{}\n#SyncStateSetEpoch\t{}\n#SyncStateSetNums\t{}\n",
            r.master_broker_id.map_or_else(|| "null".to_string(), |id| id.to_string()),
            jstr(r.master_address.as_deref()),
            r.master_epoch,
            r.sync_state_set_epoch,
            r.in_sync_replicas.len()
        ));
        for m in &r.in_sync_replicas {
            s.push_str(&format!(
                "\nInSyncReplica:\t{}\n",
                replica_identity_to_string(m)
            ));
        }
        for m in &r.not_in_sync_replicas {
            s.push_str(&format!(
                "\nNotInSyncReplica:\t{}\n",
                replica_identity_to_string(m)
            ));
        }
    }
    s
}

async fn inner_exec(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    controller_addr: &str,
    target: &BrokerOrCluster,
) -> Result<(), ToolsError> {
    let broker_names: Vec<String> = match target {
        BrokerOrCluster::Broker(name) => vec![name.clone()],
        BrokerOrCluster::Cluster(cluster) => {
            command_util::fetch_broker_name_by_cluster_name(admin, cluster)
                .await?
                .into_iter()
                .collect()
        }
        BrokerOrCluster::Help(help) => {
            out.write_all(help.as_bytes())?;
            return Ok(());
        }
    };
    if !broker_names.is_empty() {
        let info = admin
            .get_in_sync_state_data(controller_addr, &broker_names)
            .await?;
        out.write_all(format_replicas_info(&info).as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for GetSyncStateSetSubCommand {
    fn command_name(&self) -> &'static str {
        "getSyncStateSet"
    }

    fn command_desc(&self) -> &'static str {
        "Fetch syncStateSet for target brokers."
    }

    fn class_name(&self) -> &'static str {
        "GetSyncStateSetSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(controller_address_option("the address of controller"));
        add_broker_or_cluster_options(options, "brokerName");
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        // Java: `getOptionValue('a').trim().split(";")[0]`.
        let controller_addr = ctx
            .required("a")
            .split(';')
            .next()
            .unwrap_or_default()
            .to_string();
        execute_broker_or_cluster_rounds(ctx, false, async |admin, out, target| {
            inner_exec(admin, out, &controller_addr, target).await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::controller::ReplicasInfo;

    #[test]
    fn replicas_info_matches_java() {
        let mut info = BrokerReplicasInfo::default();
        info.replicas_info_table.insert(
            "broker-a".into(),
            ReplicasInfo {
                master_broker_id: Some(1),
                master_address: Some("127.0.0.1:30911".into()),
                master_epoch: 2,
                sync_state_set_epoch: 3,
                in_sync_replicas: vec![
                    ReplicaIdentity {
                        broker_name: "broker-a".into(),
                        broker_id: 1,
                        broker_address: "127.0.0.1:30911".into(),
                        alive: true,
                    },
                    ReplicaIdentity::new("broker-a", 2, "127.0.0.1:30921"),
                ],
                not_in_sync_replicas: vec![ReplicaIdentity::new("broker-a", 3, "127.0.0.1:30931")],
            },
        );
        info.replicas_info_table
            .insert("broker-b".into(), ReplicasInfo::default());
        // A HashMap of 16 buckets puts "broker-a" in bucket 11, "broker-b" in 8.
        assert_eq!(
            format_replicas_info(&info),
            concat!(
                "\n#brokerName\tbroker-b\n#MasterBrokerId\tnull\n#MasterAddr\tnull\n#MasterEpoch\t0\n#SyncStateSetEpoch\t0\n#SyncStateSetNums\t0\n",
                "\n#brokerName\tbroker-a\n#MasterBrokerId\t1\n#MasterAddr\t127.0.0.1:30911\n#MasterEpoch\t2\n#SyncStateSetEpoch\t3\n#SyncStateSetNums\t2\n",
                "\nInSyncReplica:\tReplicaIdentity{brokerName='broker-a', brokerId=1, brokerAddress='127.0.0.1:30911', alive=true}\n",
                "\nInSyncReplica:\tReplicaIdentity{brokerName='broker-a', brokerId=2, brokerAddress='127.0.0.1:30921', alive=false}\n",
                "\nNotInSyncReplica:\tReplicaIdentity{brokerName='broker-a', brokerId=3, brokerAddress='127.0.0.1:30931', alive=false}\n",
            )
        );
    }
}
