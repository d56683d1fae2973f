//! `electMaster` (Java `ReElectMasterSubCommand`): asks the controller leader to make broker
//! `-b` of the broker set `-bn` its master.

use super::{broker_name_option, controller_address_option};
use crate::command::{CommandContext, SubCommand};
use crate::error::{parse_i64, ToolsError};
use rmq_common::java_format::jstr;
use rmq_remoting::protocol::body::route::BrokerMemberGroup;
use rmq_remoting::protocol::header::controller::ElectMasterResponseHeader;
use rmq_srvutil::cli::{CliOption, Options};

/// `electMaster`.
pub struct ReElectMasterSubCommand;

/// Java's `%s` of a boxed value: `null` when absent.
fn or_null<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "null".to_string(), |v| v.to_string())
}

/// Renders the election's outcome as Java's `printf`s do: the new master, then one
/// `\t#Broker` line per member of the group Java decoded from the body.
pub fn format_elect_result(
    cluster_name: &str,
    broker_name: &str,
    header: &ElectMasterResponseHeader,
    group: Option<&BrokerMemberGroup>,
) -> String {
    let mut s = format!(
        "\n#ClusterName\t{cluster_name}\n#BrokerName\t{broker_name}\n#BrokerMasterAddr\t{}\n#MasterEpoch\t{}\n#SyncStateSetEpoch\t{}\n",
        jstr(header.master_address.as_deref()),
        or_null(header.master_epoch),
        or_null(header.sync_state_set_epoch)
    );
    for (id, addr) in group.map(|g| &g.broker_addrs).into_iter().flatten() {
        s.push_str(&format!("\t#Broker\t{id}\t{addr}\n"));
    }
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for ReElectMasterSubCommand {
    fn command_name(&self) -> &'static str {
        "electMaster"
    }

    fn command_desc(&self) -> &'static str {
        "Re-elect the specified broker as master."
    }

    fn class_name(&self) -> &'static str {
        "ReElectMasterSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(controller_address_option("The address of controller"));
        options.add_option(
            CliOption::new(
                "b",
                "brokerId",
                true,
                "The id of the broker which requires to become master",
            )
            .required(true),
        );
        options.add_option(broker_name_option());
        options.add_option(
            CliOption::new("c", "clusterName", true, "the clusterName of broker").required(true),
        );
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let controller_addr = ctx.required("a").to_string();
        let cluster_name = ctx.required("c").to_string();
        let broker_name = ctx.required("bn").to_string();
        // Java: `Long.valueOf`, before the admin starts.
        let broker_id = parse_i64(ctx.required("b"))?;
        ctx.with_controller_admin(async |admin, out| {
            let (header, group) = admin
                .elect_master(&controller_addr, &cluster_name, &broker_name, broker_id)
                .await?;
            let text = format_elect_result(&cluster_name, &broker_name, &header, group.as_ref());
            out.write_all(text.as_bytes())?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elect_result_matches_java() {
        let header = ElectMasterResponseHeader {
            master_broker_id: Some(2),
            master_address: Some("127.0.0.1:30921".into()),
            master_epoch: Some(3),
            sync_state_set_epoch: Some(4),
        };
        let mut group = BrokerMemberGroup::default();
        group.broker_addrs.insert(1, "127.0.0.1:30911".into());
        group.broker_addrs.insert(2, "127.0.0.1:30921".into());
        assert_eq!(
            format_elect_result("DefaultCluster", "broker-a", &header, Some(&group)),
            "\n#ClusterName\tDefaultCluster\n#BrokerName\tbroker-a\n#BrokerMasterAddr\t127.0.0.1:30921\
             \n#MasterEpoch\t3\n#SyncStateSetEpoch\t4\n\t#Broker\t1\t127.0.0.1:30911\n\t#Broker\t2\t127.0.0.1:30921\n"
        );
        assert_eq!(
            format_elect_result("c", "b", &ElectMasterResponseHeader::default(), None),
            "\n#ClusterName\tc\n#BrokerName\tb\n#BrokerMasterAddr\tnull\n#MasterEpoch\tnull\n#SyncStateSetEpoch\tnull\n"
        );
    }
}
