//! Name server subcommands (Java `tools/command/namesrv`).

pub mod add_write_perm_sub_command;
pub mod delete_kv_config_command;
pub mod get_namesrv_config_command;
pub mod update_kv_config_command;
pub mod update_namesrv_config_command;
pub mod wipe_write_perm_sub_command;

use crate::command::CommandContext;
use crate::error::ToolsError;
use std::io::Write;

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

/// Splits a server list option (`-n` of the name server commands, `-a` of the controller
/// config ones) as Java does (`servers.trim().split(";")`, which drops trailing empty
/// parts); `None` when empty.
pub fn server_list(servers: Option<&str>) -> Option<Vec<String>> {
    let s = servers?.trim();
    if s.is_empty() {
        return None;
    }
    Some(
        java_split_semicolon(s)
            .into_iter()
            .map(str::to_string)
            .collect(),
    )
}

/// Java's `String#split(";")`: trailing empty parts are dropped.
pub(crate) fn java_split_semicolon(s: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split(';').collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// Java's `List#toString`: `[a, b]`.
pub fn java_list_to_string(list: &[String]) -> String {
    format!("[{}]", list.join(", "))
}

/// Prints each server's config as `getNamesrvConfig` and `getControllerConfig` do: a
/// `============addr============` line, then `%-50s=  %s` per entry.
pub(crate) fn print_server_configs(
    out: &mut dyn Write,
    configs: &[(String, Vec<(String, String)>)],
) -> std::io::Result<()> {
    for (addr, config) in configs {
        writeln!(out, "============{addr}============")?;
        for (k, v) in config {
            writeln!(out, "{k:<50}=  {v}")?;
        }
    }
    Ok(())
}

/// Prints what `updateNamesrvConfig` and `updateControllerConfig` print on success:
/// `update <what> config success!<servers>` (`[a, b]`, or nothing for no list), then
/// `key : value`.
pub(crate) fn print_update_success(
    out: &mut dyn Write,
    what: &str,
    servers: Option<&[String]>,
    key: &str,
    value: &str,
) -> std::io::Result<()> {
    writeln!(
        out,
        "update {what} config success!{}\n{key} : {value}",
        servers.map_or(String::new(), java_list_to_string)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_lists_split_as_java() {
        assert_eq!(server_list(None), None);
        assert_eq!(server_list(Some("  ")), None);
        assert_eq!(
            server_list(Some(" a:1;b:2; ")),
            Some(vec!["a:1".to_string(), "b:2".to_string()])
        );
        assert_eq!(
            server_list(Some("a;;b")),
            Some(vec!["a".to_string(), String::new(), "b".to_string()])
        );
        assert_eq!(java_split_semicolon("a;;b;;"), vec!["a", "", "b"]);
    }

    #[test]
    fn prints_configs_and_updates_as_java() {
        let mut out = Vec::new();
        let configs = vec![("127.0.0.1:9878".to_string(), vec![("k".into(), "v".into())])];
        print_server_configs(&mut out, &configs).unwrap();
        let servers = ["a:1".to_string(), "b:2".to_string()];
        print_update_success(&mut out, "controller", Some(&servers), "k", "v").unwrap();
        print_update_success(&mut out, "name server", None, "k", "v").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out),
            format!(
                "============127.0.0.1:9878============\n{:<50}=  v\n\
                 update controller config success![a:1, b:2]\nk : v\n\
                 update name server config success!\nk : v\n",
                "k"
            )
        );
    }
}
