//! `getControllerMetaData` (Java `GetControllerMetaDataSubCommand`): the controller group,
//! its leader and peers, as the controller at `-a` sees them.

use super::controller_address_option;
use crate::command::namesrv::java_split_semicolon;
use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_common::java_format::jstr;
use rmq_remoting::protocol::header::controller::GetMetaDataResponseHeader;
use rmq_srvutil::cli::Options;

/// `getControllerMetaData`.
pub struct GetControllerMetaDataSubCommand;

/// Renders the metadata as Java's `printf`s do; `null` for what the controller left out.
pub fn format_meta_data(meta: &GetMetaDataResponseHeader) -> String {
    let mut s = format!(
        "\n#ControllerGroup\t{}\n#ControllerLeaderId\t{}\n#ControllerLeaderAddress\t{}",
        jstr(meta.group.as_deref()),
        jstr(meta.controller_leader_id.as_deref()),
        jstr(meta.controller_leader_address.as_deref())
    );
    if let Some(peers) = meta.peers.as_deref().filter(|p| !p.is_empty()) {
        for peer in java_split_semicolon(peers) {
            s.push_str(&format!("\n#Peer:\t{peer}"));
        }
    }
    s.push('\n');
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for GetControllerMetaDataSubCommand {
    fn command_name(&self) -> &'static str {
        "getControllerMetaData"
    }

    fn command_desc(&self) -> &'static str {
        "Get controller cluster's metadata."
    }

    fn class_name(&self) -> &'static str {
        "GetControllerMetaDataSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(controller_address_option("the address of controller"));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let controller_addr = ctx.required("a").to_string();
        ctx.with_controller_admin(async |admin, out| {
            let meta = admin.get_controller_meta_data(&controller_addr).await?;
            out.write_all(format_meta_data(&meta).as_bytes())?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_data_matches_java() {
        let meta = GetMetaDataResponseHeader {
            group: Some("DefaultControllerGroup".into()),
            controller_leader_id: Some("n0".into()),
            controller_leader_address: Some("127.0.0.1:9878".into()),
            is_leader: true,
            peers: Some("n0:127.0.0.1:9878;n1:127.0.0.1:9868;".into()),
        };
        assert_eq!(
            format_meta_data(&meta),
            "\n#ControllerGroup\tDefaultControllerGroup\n#ControllerLeaderId\tn0\n\
             #ControllerLeaderAddress\t127.0.0.1:9878\n#Peer:\tn0:127.0.0.1:9878\n\
             #Peer:\tn1:127.0.0.1:9868\n"
        );
        // No leader elected yet, no peers: Java prints null and no #Peer line.
        let meta = GetMetaDataResponseHeader {
            group: Some("g".into()),
            ..Default::default()
        };
        assert_eq!(
            format_meta_data(&meta),
            "\n#ControllerGroup\tg\n#ControllerLeaderId\tnull\n#ControllerLeaderAddress\tnull\n"
        );
    }
}
