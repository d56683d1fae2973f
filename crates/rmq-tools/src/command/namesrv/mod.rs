//! Name server subcommands (Java `tools/command/namesrv`).

pub mod add_write_perm_sub_command;
pub mod delete_kv_config_command;
pub mod get_namesrv_config_command;
pub mod update_kv_config_command;
pub mod update_namesrv_config_command;
pub mod wipe_write_perm_sub_command;

use crate::command::CommandContext;
use crate::error::ToolsError;

/// Adds (`add`) or wipes the write permission of the broker `-b` on every name server,
/// printing `<add|wipe> write perm of broker[...] in name server[...] OK, <topic count>` or
/// `... Failed` for each and returning the last failure (`AddWritePermSubCommand` and
/// `WipeWritePermSubCommand#execute`).
pub(crate) async fn execute_write_perm(
    ctx: &mut CommandContext<'_>,
    add: bool,
) -> Result<(), ToolsError> {
    let verb = if add { "add" } else { "wipe" };
    let broker_name = ctx.required("b").to_string();
    ctx.with_admin(async |admin, out| {
        let mut failure = None;
        for namesrv in admin.name_server_address_list()? {
            let changed = if add {
                admin.add_write_perm_of_broker(&namesrv, &broker_name).await
            } else {
                admin.wipe_write_perm_of_broker(&namesrv, &broker_name).await
            };
            match changed {
                Ok(count) => writeln!(
                    out,
                    "{verb} write perm of broker[{broker_name}] in name server[{namesrv}] OK, {count}"
                )?,
                Err(e) => {
                    writeln!(
                        out,
                        "{verb} write perm of broker[{broker_name}] in name server[{namesrv}] Failed"
                    )?;
                    failure = Some(e);
                }
            }
        }
        failure.map_or(Ok(()), Err)
    })
    .await
}

/// Splits the `-n` value into name servers (`servers.trim().split(";")`), `None` when empty.
pub fn server_list(servers: Option<&str>) -> Option<Vec<String>> {
    let s = servers?.trim();
    if s.is_empty() {
        return None;
    }
    Some(s.split(';').map(str::to_string).collect())
}

/// Java's `List#toString`: `[a, b]`.
pub fn java_list_to_string(list: &[String]) -> String {
    format!("[{}]", list.join(", "))
}
