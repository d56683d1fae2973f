//! ACL 1.0 → 2.0 (Java `AuthMigrator` with `PlainPermissionManager.getAllAclConfig`): every
//! account of `${ROCKETMQ_HOME}/conf/plain_acl.yml` and of the `.yml`/`.yaml` files under
//! `${ROCKETMQ_HOME}/conf/acl` becomes a user (`admin: true` ⇒ Super, else Normal) with an
//! ACL: `topicPerms`/`groupPerms` ⇒ the Custom policy, `defaultTopicPerm`/`defaultGroupPerm`
//! ⇒ the Default policy on `Topic:*`/`Group:*`. Users that exist are left alone;
//! `whiteRemoteAddress` and `globalWhiteRemoteAddresses` are not carried over (as in Java).
//!
//! The files are read with a small block-YAML reader ([`parse_yaml`]) that covers what
//! `plain_acl.yml` uses — mappings, `-` sequences, plain and quoted scalars, `[a, b]` flow
//! lists, comments — rather than a YAML dependency.

use super::model::{
    Acl, Action, Decision, Policy, PolicyEntry, PolicyType, Resource, ResourcePattern,
    ResourceType, User, UserType,
};
use super::AuthService;
use std::path::{Path, PathBuf};

/// A parsed YAML node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Yaml {
    Null,
    Scalar(String),
    List(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Yaml::Scalar(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn strings(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Yaml::List(l)) => l
                .iter()
                .filter_map(|v| match v {
                    Yaml::Scalar(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn strip_comment(line: &str) -> &str {
    let (mut quote, mut prev_space) = (None, true);
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev_space => return &line[..i],
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    line
}

fn scalar(s: &str) -> Yaml {
    let s = s.trim();
    if s.is_empty() || s == "~" || s == "null" {
        return Yaml::Null;
    }
    if s.len() >= 2 && (s.starts_with('"') && s.ends_with('"') || s.starts_with('\'') && s.ends_with('\'')) {
        return Yaml::Scalar(s[1..s.len() - 1].to_string());
    }
    if let Some(inner) = s.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        return Yaml::List(
            inner
                .split(',')
                .filter(|x| !x.trim().is_empty())
                .map(scalar)
                .collect(),
        );
    }
    Yaml::Scalar(s.to_string())
}

/// Splits `key: value` / `key:`; `None` if the line is not a mapping entry.
fn split_key(s: &str) -> Option<(String, &str)> {
    let at = s.find(": ").or_else(|| s.ends_with(':').then(|| s.len() - 1))?;
    let key = s[..at].trim().trim_matches(|c| c == '"' || c == '\'');
    Some((key.to_string(), s[at + 1..].trim()))
}

/// Reads the block-YAML subset described in the module doc.
pub fn parse_yaml(text: &str) -> Yaml {
    let mut lines: Vec<(usize, String)> = text
        .lines()
        .map(|l| strip_comment(l).trim_end())
        .filter(|l| !l.trim().is_empty() && l.trim() != "---")
        .map(|l| (l.len() - l.trim_start().len(), l.trim_start().to_string()))
        .collect();
    let mut i = 0;
    let indent = lines.first().map_or(0, |l| l.0);
    block(&mut lines, &mut i, indent)
}

fn block(lines: &mut [(usize, String)], i: &mut usize, indent: usize) -> Yaml {
    if *i >= lines.len() {
        return Yaml::Null;
    }
    if lines[*i].1 == "-" || lines[*i].1.starts_with("- ") {
        let mut items = Vec::new();
        while *i < lines.len() && lines[*i].0 == indent && (lines[*i].1 == "-" || lines[*i].1.starts_with("- ")) {
            let rest = lines[*i].1[1..].trim_start().to_string();
            if rest.is_empty() {
                *i += 1;
                let child = lines.get(*i).map_or(indent + 1, |l| l.0);
                items.push(if child > indent { block(lines, i, child) } else { Yaml::Null });
            } else if split_key(&rest).is_some() {
                let col = indent + (lines[*i].1.len() - rest.len());
                lines[*i] = (col, rest);
                items.push(block(lines, i, col));
            } else {
                items.push(scalar(&rest));
                *i += 1;
            }
        }
        return Yaml::List(items);
    }
    let mut map = Vec::new();
    while *i < lines.len() && lines[*i].0 == indent {
        let Some((key, value)) = split_key(&lines[*i].1) else {
            *i += 1;
            continue;
        };
        let value = value.to_string();
        *i += 1;
        let v = if !value.is_empty() {
            scalar(&value)
        } else {
            match lines.get(*i) {
                Some(l) if l.0 > indent => block(lines, i, l.0),
                Some(l) if l.0 == indent && l.1.starts_with('-') => block(lines, i, indent),
                _ => Yaml::Null,
            }
        };
        map.push((key, v));
    }
    Yaml::Map(map)
}

/// Java `PlainPermissionManager`: `conf/acl/**/*.y(a)ml`, then `conf/plain_acl.yml`.
fn acl_files(home: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p.to_string_lossy();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                out.push(p);
            } else if p.is_dir() {
                walk(&p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&home.join("conf").join("acl"), &mut out);
    let default = home.join("conf").join("plain_acl.yml");
    if default.exists() && !out.contains(&default) {
        out.push(default);
    }
    out
}

/// Java `parseActions`.
fn parse_actions(perm: &str) -> Vec<Action> {
    match perm.trim() {
        "PUB" => vec![Action::Pub],
        "SUB" => vec![Action::Sub],
        "PUB|SUB" | "SUB|PUB" => vec![Action::Pub, Action::Sub],
        _ => vec![Action::All],
    }
}

/// Java `parseDecision`.
fn parse_decision(perm: &str) -> Decision {
    if perm.trim().is_empty() || perm == "DENY" {
        Decision::Deny
    } else {
        Decision::Allow
    }
}

fn entry(resource: Resource, perm: &str) -> PolicyEntry {
    PolicyEntry {
        resource,
        actions: parse_actions(perm),
        source_ips: Vec::new(),
        decision: parse_decision(perm),
    }
}

/// The Custom and Default policies of one account (Java `createAcl`).
pub fn account_policies(account: &Yaml) -> Vec<Policy> {
    let mut custom = Vec::new();
    for (key, group) in [("topicPerms", false), ("groupPerms", true)] {
        for perm in account.strings(key) {
            let parts: Vec<&str> = perm.split('=').filter(|p| !p.is_empty()).collect();
            if parts.len() != 2 {
                continue;
            }
            let name = Some(parts[0].trim());
            let r = if group { Resource::group(name) } else { Resource::topic(name) };
            custom.push(entry(r, parts[1].trim()));
        }
    }
    let mut default = Vec::new();
    for (key, t) in [("defaultTopicPerm", ResourceType::Topic), ("defaultGroupPerm", ResourceType::Group)] {
        if let Some(perm) = account.str(key).filter(|p| !p.trim().is_empty()) {
            let r = Resource { resource_type: t, name: None, pattern: ResourcePattern::Any };
            default.push(entry(r, perm.trim()));
        }
    }
    let mut policies = Vec::new();
    if !custom.is_empty() {
        policies.push(Policy { policy_type: PolicyType::Custom, entries: custom });
    }
    if !default.is_empty() {
        policies.push(Policy { policy_type: PolicyType::Default, entries: default });
    }
    policies
}

/// Converts the ACL 1.0 files under `home` into users and ACLs of `service`'s metadata.
pub fn migrate(service: &AuthService, home: &Path) -> Result<(), String> {
    let Some(store) = service.metadata() else {
        return Err("migrateAuthFromV1Enabled needs authenticationMetadataProvider".into());
    };
    let mut seen = std::collections::HashSet::new();
    for file in acl_files(home) {
        let text = match rmq_common::mix_all::file_to_string(&file) {
            Ok(Some(t)) => t,
            _ => continue,
        };
        let doc = parse_yaml(&text);
        let accounts = match doc.get("accounts") {
            Some(Yaml::List(l)) => l.clone(),
            _ => Vec::new(),
        };
        for account in accounts {
            let Some(ak) = account.str("accessKey") else { continue };
            if !seen.insert(ak.clone()) || store.user(&ak).is_some() {
                continue;
            }
            let admin = account.str("admin").is_some_and(|a| a.eq_ignore_ascii_case("true"));
            let user = User {
                username: ak.clone(),
                password: account.str("secretKey"),
                user_type: Some(if admin { UserType::Super } else { UserType::Normal }),
                user_status: None,
            };
            let policies = account_policies(&account);
            let done = store.create_user(user).and_then(|()| {
                if policies.is_empty() {
                    return Ok(());
                }
                store.put_acl(Acl { username: ak.clone(), policies })
            });
            if let Err(e) = done {
                tracing::error!(access_key = %ak, error = ?e, "[ACL MIGRATE] migrating an account failed");
            } else {
                tracing::info!(access_key = %ak, file = %file.display(), "[ACL MIGRATE] account converted");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "migrate_tests.rs"]
mod tests;
