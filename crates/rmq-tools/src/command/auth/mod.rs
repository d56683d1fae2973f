//! ACL 2.0 subcommands (Java `tools/command/auth`): users and ACLs of a broker (`-b`) or of
//! every broker of a cluster (`-c`), printed as Java prints them.

pub mod copy_acls_sub_command;
pub mod copy_users_sub_command;
pub mod create_acl_sub_command;
pub mod create_user_sub_command;
pub mod delete_acl_sub_command;
pub mod delete_user_sub_command;
pub mod get_acl_sub_command;
pub mod get_user_sub_command;
pub mod list_acl_sub_command;
pub mod list_user_sub_command;
pub mod update_acl_sub_command;
pub mod update_user_sub_command;

use crate::admin::auth_admin::{acl_info_of, AclInfo, UserInfo};
use crate::admin::DefaultMQAdminExt;
use crate::command::{command_util, CommandContext};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// Adds the required `-b`/`-c` group, in the order the command declares them.
pub(crate) fn target_group(options: &mut Options, first: CliOption, second: CliOption) {
    options.add_option_group(vec![first, second], true);
}

/// Java `Arrays.stream(StringUtils.split(v, ',')).map(StringUtils::trim)`: empty tokens
/// dropped, each trimmed.
pub(crate) fn split_trimmed(v: &str) -> Vec<String> {
    v.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim().to_string())
        .collect()
}

/// The brokers a command acts on: `-b`, or every broker of `-c` (masters only when
/// `masters_only`, as the read commands do; those fail when the cluster has none).
pub(crate) async fn targets(
    admin: &DefaultMQAdminExt,
    broker: Option<&str>,
    cluster: Option<&str>,
    masters_only: Option<&str>,
) -> Result<Vec<String>, ToolsError> {
    if let Some(b) = broker {
        return Ok(vec![b.to_string()]);
    }
    let Some(c) = cluster else {
        return Ok(Vec::new());
    };
    match masters_only {
        None => Ok(
            command_util::fetch_master_and_slave_addr_by_cluster_name(admin, c)
                .await?
                .into_iter()
                .collect(),
        ),
        Some(class) => {
            let masters: Vec<String> = command_util::fetch_master_addr_by_cluster_name(admin, c)
                .await?
                .into_iter()
                .collect();
            if masters.is_empty() {
                return Err(ToolsError::IllegalArgument(format!(
                    "{class} command failed, there is no broker in cluster."
                )));
            }
            Ok(masters)
        }
    }
}

/// Java's `%s` of a `String` that may be null.
pub(crate) fn jstr(v: Option<&str>) -> &str {
    v.unwrap_or("null")
}

/// Java's `%s` of a `List<String>` that may be null: `[a, b]`.
pub(crate) fn jlist(v: Option<&Vec<String>>) -> String {
    match v {
        Some(l) => format!("[{}]", l.join(", ")),
        None => "null".to_string(),
    }
}

/// The user table row (`%-16s  %-22s  %-22s  %-22s%n`).
pub(crate) fn user_row(a: &str, b: &str, c: &str, d: &str) -> String {
    format!("{a:<16}  {b:<22}  {c:<22}  {d:<22}\n")
}

/// The user table: a header, then one row per user (`printUsers`).
pub(crate) fn users_table(users: &[UserInfo]) -> String {
    let mut s = user_row("#UserName", "#Password", "#UserType", "#UserStatus");
    for u in users {
        s.push_str(&user_row(
            jstr(u.username.as_deref()),
            jstr(u.password.as_deref()),
            jstr(u.user_type.as_deref()),
            jstr(u.user_status.as_deref()),
        ));
    }
    s
}

/// The ACL table row (`%-16s  %-10s  %-22s  %-20s  %-24s  %-10s%n`).
fn acl_row(cols: [&str; 6]) -> String {
    let [a, b, c, d, e, f] = cols;
    format!("{a:<16}  {b:<10}  {c:<22}  {d:<20}  {e:<24}  {f:<10}\n")
}

/// The ACL table header.
pub(crate) fn acl_header() -> String {
    acl_row([
        "#Subject",
        "#PolicyType",
        "#Resource",
        "#Actions",
        "#SourceIp",
        "#Decision",
    ])
}

/// One row per policy entry of `acl`; a subject without policies gets one row with empty
/// columns (`printAcl`).
pub(crate) fn acl_rows(acl: &AclInfo) -> String {
    let subject = jstr(acl.subject.as_deref());
    let policies = acl.policies.as_deref().unwrap_or_default();
    let mut s = String::new();
    if policies.is_empty() {
        s.push_str(&acl_row([subject, "", "", "", "", ""]));
    }
    for p in policies {
        for e in p.entries.as_deref().unwrap_or_default() {
            s.push_str(&acl_row([
                subject,
                jstr(p.policy_type.as_deref()),
                jstr(e.resource.as_deref()),
                &jlist(e.actions.as_ref()),
                &jlist(e.source_ips.as_ref()),
                jstr(e.decision.as_deref()),
            ]));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::auth_admin::{PolicyEntryInfo, PolicyInfo};

    #[test]
    fn tables_print_as_java() {
        let u = UserInfo {
            username: Some("u1".into()),
            password: Some("p1".into()),
            user_type: Some("Normal".into()),
            user_status: None,
        };
        assert_eq!(
            users_table(&[u]),
            format!(
                "#UserName{}#Password{}#UserType{}#UserStatus{}\nu1{}p1{}Normal{}null{}\n",
                " ".repeat(16 - 9 + 2),
                " ".repeat(22 - 9 + 2),
                " ".repeat(22 - 9 + 2),
                " ".repeat(22 - 11),
                " ".repeat(16 - 2 + 2),
                " ".repeat(22 - 2 + 2),
                " ".repeat(22 - 6 + 2),
                " ".repeat(22 - 4),
            )
        );
        let acl = AclInfo {
            subject: Some("User:u1".into()),
            policies: Some(vec![PolicyInfo {
                policy_type: Some("Custom".into()),
                entries: Some(vec![PolicyEntryInfo {
                    resource: Some("Topic:T".into()),
                    actions: Some(vec!["Pub".into(), "Sub".into()]),
                    source_ips: None,
                    decision: Some("Allow".into()),
                }]),
            }]),
        };
        assert_eq!(
            acl_header() + &acl_rows(&acl),
            format!(
                "#Subject{}#PolicyType  #Resource{}#Actions{}#SourceIp{}#Decision \n\
                 User:u1{}Custom{}Topic:T{}[Pub, Sub]{}null{}Allow{}\n",
                " ".repeat(16 - 8 + 2),
                " ".repeat(22 - 9 + 2),
                " ".repeat(20 - 8 + 2),
                " ".repeat(24 - 9 + 2),
                " ".repeat(16 - 7 + 2),
                " ".repeat(10 - 6 + 2),
                " ".repeat(22 - 7 + 2),
                " ".repeat(20 - 10 + 2),
                " ".repeat(24 - 4 + 2),
                " ".repeat(10 - 5),
            )
        );
        let empty = AclInfo {
            subject: Some("User:u2".into()),
            policies: None,
        };
        assert_eq!(acl_rows(&empty).trim_end(), "User:u2");
        assert_eq!(
            split_trimmed("Topic:A, Group:B,,"),
            vec!["Topic:A", "Group:B"]
        );
    }
}

/// `createAcl` and `updateAcl` differ only in the request they send and the word they print.
#[derive(Clone, Copy)]
pub(crate) enum AclWrite {
    Create,
    Update,
}

/// Runs `createAcl` / `updateAcl`: builds the AclInfo from `-s -r -a -i -d` and sends it to
/// `-b` or to every broker of `-c`, printing one line per broker.
pub(crate) async fn write_acl(
    ctx: &mut CommandContext<'_>,
    kind: AclWrite,
) -> Result<(), ToolsError> {
    let subject = ctx.optional("s").map(str::to_string);
    let resources = ctx.optional("r").map(split_trimmed).unwrap_or_default();
    let actions = ctx.optional("a").map(split_trimmed);
    let source_ips = ctx.optional("i").map(split_trimmed);
    let acl = acl_info_of(
        subject.as_deref(),
        &resources,
        actions,
        source_ips,
        ctx.optional("d"),
    );
    let broker = ctx.optional("b").map(str::to_string);
    let cluster = ctx.optional("c").map(str::to_string);
    if broker.is_none() && cluster.is_none() {
        return ctx.print_help();
    }
    ctx.with_admin(async |admin, out| {
        for addr in targets(admin, broker.as_deref(), cluster.as_deref(), None).await? {
            let verb = match kind {
                AclWrite::Create => {
                    admin.create_acl(&addr, &acl).await?;
                    "create"
                }
                AclWrite::Update => {
                    admin.update_acl(&addr, &acl).await?;
                    "update"
                }
            };
            writeln!(out, "{verb} acl to {addr} success.")?;
        }
        Ok(())
    })
    .await
}
