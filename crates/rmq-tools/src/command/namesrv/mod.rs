//! Name server subcommands (Java `tools/command/namesrv`).

pub mod add_write_perm_sub_command;
pub mod delete_kv_config_command;
pub mod get_namesrv_config_command;
pub mod update_kv_config_command;
pub mod update_namesrv_config_command;
pub mod wipe_write_perm_sub_command;

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
