//! The tools' credentials (Java `AclUtils.getAclRPCHook(ROCKETMQ_HOME + "/conf/tools.yml")`):
//! `mqadmin` signs every request with the `accessKey`/`secretKey` of that file when it
//! exists and names both.
//!
//! Java reads the file with SnakeYAML into a map; the file Java ships is two top-level
//! `key: value` lines. This reads top-level scalar entries only (plain, `'single'` or
//! `"double"` quoted, `#` comments), enough for that format; nested or multi-line values are
//! ignored.

use rmq_client::SessionCredentials;
use std::path::{Path, PathBuf};

/// Java `MixAll.ACL_CONF_TOOLS_FILE`.
pub const ACL_CONF_TOOLS_FILE: &str = "/conf/tools.yml";
/// Java `AclConstants.CONFIG_ACCESS_KEY`.
pub const CONFIG_ACCESS_KEY: &str = "accessKey";
/// Java `AclConstants.CONFIG_SECRET_KEY`.
pub const CONFIG_SECRET_KEY: &str = "secretKey";

/// `$ROCKETMQ_HOME/conf/tools.yml`, or `None` when `ROCKETMQ_HOME` is not set.
pub fn tools_yml_path() -> Option<PathBuf> {
    let home = std::env::var("ROCKETMQ_HOME").ok()?;
    Some(PathBuf::from(format!("{home}{ACL_CONF_TOOLS_FILE}")))
}

/// The credentials of a tools file; `None` when it is missing, unreadable or lacks a
/// non-blank key (Java logs a warning and signs nothing).
pub fn get_acl_credentials(path: &Path) -> Option<SessionCredentials> {
    let text = std::fs::read_to_string(path).ok()?;
    let creds = parse_tools_yml(&text);
    if creds.is_none() {
        tracing::warn!(path = %path.display(), "Failed to enable ACL. Either AccessKey or secretKey is blank");
    }
    creds
}

/// The credentials `mqadmin` uses: those of [`tools_yml_path`], if any.
pub fn tools_credentials() -> Option<SessionCredentials> {
    get_acl_credentials(&tools_yml_path()?)
}

/// Reads `accessKey` and `secretKey` from the text of a tools file.
pub fn parse_tools_yml(text: &str) -> Option<SessionCredentials> {
    let mut access_key = None;
    let mut secret_key = None;
    for line in text.lines() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = scalar(value);
        match key.trim() {
            CONFIG_ACCESS_KEY => access_key = value,
            CONFIG_SECRET_KEY => secret_key = value,
            _ => {}
        }
    }
    let (ak, sk) = (access_key?, secret_key?);
    if ak.trim().is_empty() || sk.trim().is_empty() {
        return None;
    }
    Some(SessionCredentials::new(ak, sk))
}

/// A YAML scalar after `key:`: quoted, or plain up to a ` #` comment.
fn scalar(raw: &str) -> Option<String> {
    let v = raw.trim();
    for q in ['"', '\''] {
        if let Some(rest) = v.strip_prefix(q) {
            let end = rest.find(q)?;
            let inner = &rest[..end];
            return Some(if q == '\'' {
                inner.to_string()
            } else {
                inner.replace("\\\"", "\"").replace("\\\\", "\\")
            });
        }
    }
    let plain = match v.find(" #") {
        Some(i) => v[..i].trim_end(),
        None => v,
    };
    (!plain.is_empty() && plain != "~" && plain != "null").then(|| plain.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_file_java_ships() {
        let text = "# Licensed to the Apache Software Foundation (ASF)\n#  limitations.\n\n\naccessKey: rocketmq2\nsecretKey: 12345678\n";
        let c = parse_tools_yml(text).unwrap();
        assert_eq!(
            (c.access_key.as_str(), c.secret_key.as_str()),
            ("rocketmq2", "12345678")
        );
    }

    #[test]
    fn quotes_comments_and_blank_keys() {
        let c = parse_tools_yml(
            "accessKey: 'a b'\nsecretKey: \"s#1\" # note\nother:\n  accessKey: x\n",
        )
        .unwrap();
        assert_eq!(
            (c.access_key.as_str(), c.secret_key.as_str()),
            ("a b", "s#1")
        );
        let c = parse_tools_yml("accessKey: ak # the key\nsecretKey: sk\n").unwrap();
        assert_eq!(c.access_key, "ak");
        assert!(parse_tools_yml("accessKey: ak\nsecretKey:\n").is_none());
        assert!(parse_tools_yml("accessKey: ak\n").is_none());
        assert!(parse_tools_yml("accessKey: \"  \"\nsecretKey: sk\n").is_none());
        assert!(parse_tools_yml("").is_none());
    }

    #[test]
    fn a_missing_file_gives_no_credentials() {
        assert!(get_acl_credentials(Path::new("/nonexistent/conf/tools.yml")).is_none());
        let dir = std::env::temp_dir().join(format!("rmq-tools-yml-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("tools.yml");
        std::fs::write(&f, "accessKey: rocketmq2\nsecretKey: 12345678\n").unwrap();
        assert_eq!(get_acl_credentials(&f).unwrap().access_key, "rocketmq2");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
