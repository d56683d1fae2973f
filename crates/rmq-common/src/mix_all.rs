//! Constants from Java's `MixAll`, `TopicValidator` system names and well-known groups.

/// Broker id of a master (`MixAll.MASTER_ID`).
pub const MASTER_ID: u64 = 0;
/// Topic used as the template for auto-created topics (`TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`).
pub const AUTO_CREATE_TOPIC_KEY_TOPIC: &str = "TBW102";
/// Default producer group, rejected by producers (`MixAll.DEFAULT_PRODUCER_GROUP`).
pub const DEFAULT_PRODUCER_GROUP: &str = "DEFAULT_PRODUCER";
/// Default consumer group (`MixAll.DEFAULT_CONSUMER_GROUP`).
pub const DEFAULT_CONSUMER_GROUP: &str = "DEFAULT_CONSUMER";
/// Producer group of the internal producer every client instance has.
pub const CLIENT_INNER_PRODUCER_GROUP: &str = "CLIENT_INNER_PRODUCER";
/// Group used by the admin tools for consuming (`MixAll.TOOLS_CONSUMER_GROUP`).
pub const TOOLS_CONSUMER_GROUP: &str = "TOOLS_CONSUMER";
/// Filter server group (`MixAll.FILTERSRV_CONSUMER_GROUP`).
pub const FILTERSRV_CONSUMER_GROUP: &str = "FILTERSRV_CONSUMER";
/// Self test consumer group (`MixAll.SELF_TEST_CONSUMER_GROUP`).
pub const SELF_TEST_CONSUMER_GROUP: &str = "SELF_TEST_C_GROUP";
/// ONS HTTP proxy group.
pub const ONS_HTTP_PROXY_GROUP: &str = "CID_ONS-HTTP-PROXY";
/// ONS pull group.
pub const CID_ONSAPI_PULL_GROUP: &str = "CID_ONSAPI_PULL";
/// ONS permission group.
pub const CID_ONSAPI_PERMISSION_GROUP: &str = "CID_ONSAPI_PERMISSION";
/// ONS owner group.
pub const CID_ONSAPI_OWNER_GROUP: &str = "CID_ONSAPI_OWNER";
/// Group whose offsets track transaction half/op progress (`MixAll.CID_SYS_RMQ_TRANS`).
pub const CID_SYS_RMQ_TRANS: &str = "CID_RMQ_SYS_TRANS";
/// Admin tools' group (`DefaultMQAdminExt`).
pub const ADMIN_EXT_GROUP: &str = "admin_ext_group";

/// Prefix of retry topics: `%RETRY%<group>`.
pub const RETRY_GROUP_TOPIC_PREFIX: &str = "%RETRY%";
/// Prefix of dead letter topics: `%DLQ%<group>`.
pub const DLQ_GROUP_TOPIC_PREFIX: &str = "%DLQ%";
/// Suffix of a cluster's reply topic.
pub const REPLY_TOPIC_POSTFIX: &str = "REPLY_TOPIC";
/// Prefix of light message queue topics.
pub const LMQ_PREFIX: &str = "%LMQ%";

/// Key-value namespace the name server keeps order topic configuration in.
pub const ORDER_TOPIC_CONFIG: &str = "ORDER_TOPIC_CONFIG";

/// System topics (`TopicValidator`).
pub const RMQ_SYS_SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
pub const RMQ_SYS_BENCHMARK_TOPIC: &str = "BenchmarkTest";
pub const RMQ_SYS_TRANS_HALF_TOPIC: &str = "RMQ_SYS_TRANS_HALF_TOPIC";
pub const RMQ_SYS_TRACE_TOPIC: &str = "RMQ_SYS_TRACE_TOPIC";
pub const RMQ_SYS_TRANS_OP_HALF_TOPIC: &str = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
pub const RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: &str = "TRANS_CHECK_MAX_TIME_TOPIC";
pub const RMQ_SYS_SELF_TEST_TOPIC: &str = "SELF_TEST_TOPIC";
pub const RMQ_SYS_OFFSET_MOVED_EVENT: &str = "OFFSET_MOVED_EVENT";
pub const RMQ_SYS_ROCKSDB_OFFSET_TOPIC: &str = "CHECKPOINT_TOPIC";
pub const SYSTEM_TOPIC_PREFIX: &str = "rmq_sys_";
pub const SYNC_BROKER_MEMBER_GROUP_PREFIX: &str = "rmq_sys_SYNC_BROKER_MEMBER_";
pub const REVIVE_LOG_PREFIX: &str = "rmq_sys_REVIVE_LOG_";
pub const TIMER_TOPIC: &str = "rmq_sys_wheel_timer";

/// Link to Java's FAQ page that Java appends to client errors.
pub const FAQ_URL: &str = "https://rocketmq.apache.org/docs/bestPractice/06FAQ";

/// Returns `%RETRY%<group>`.
pub fn get_retry_topic(group: &str) -> String {
    format!("{RETRY_GROUP_TOPIC_PREFIX}{group}")
}

/// Returns `%DLQ%<group>`.
pub fn get_dlq_topic(group: &str) -> String {
    format!("{DLQ_GROUP_TOPIC_PREFIX}{group}")
}

/// Returns true for `%RETRY%` topics.
pub fn is_retry_topic(topic: &str) -> bool {
    topic.starts_with(RETRY_GROUP_TOPIC_PREFIX)
}

/// Returns true for `%DLQ%` topics.
pub fn is_dlq_topic(topic: &str) -> bool {
    topic.starts_with(DLQ_GROUP_TOPIC_PREFIX)
}

/// Returns true for a light message queue topic.
pub fn is_lmq(topic: &str) -> bool {
    topic.starts_with(LMQ_PREFIX)
}

/// Returns `<cluster>_REPLY_TOPIC`.
pub fn get_reply_topic(cluster_name: &str) -> String {
    format!("{cluster_name}_{REPLY_TOPIC_POSTFIX}")
}

/// Appends Java's FAQ pointer to a client-facing error text (`FAQUrl.suggestTodo`).
pub fn suggest_todo(text: &str) -> String {
    format!("{text}\nSee {FAQ_URL} for further details.")
}

/// Returns the user's home directory (`System.getProperty("user.home")`).
pub fn user_home() -> std::path::PathBuf {
    std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/tmp"))
}

/// Reads `NAMESRV_ADDR` (`MixAll.NAMESRV_ADDR_ENV`) when set and not blank.
pub fn namesrv_addr_from_env() -> Option<String> {
    std::env::var("NAMESRV_ADDR")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Serializes [`string_to_file`] calls, as Java's `static synchronized` does.
static STRING_TO_FILE_LOCK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// Returns `path` with `suffix` appended to its file name (`<file>.bak`, `<file>.tmp`).
pub fn with_suffix(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    std::path::PathBuf::from(s)
}

/// Writes `content` to `path` (Java `MixAll.string2File`): the new content goes to
/// `<path>.tmp` and is fsynced, the previous content (if any) is copied to `<path>.bak`, then
/// the temp file is renamed over `path`, so `path` is always whole and `.bak` holds the previous
/// version. Creates missing parent directories. Blocking.
pub fn string_to_file(content: &str, path: &std::path::Path) -> std::io::Result<()> {
    use std::io::Write;
    let _serialized = STRING_TO_FILE_LOCK.lock();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let tmp = with_suffix(path, ".tmp");
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    match std::fs::read(path) {
        Ok(prev) => std::fs::write(with_suffix(path, ".bak"), prev)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Reads `path` as UTF-8 text (invalid bytes replaced); `Ok(None)` when the file does not
/// exist (Java `MixAll.file2String`). Blocking.
pub fn file_to_string(path: &std::path::Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_to_file_keeps_the_previous_content_as_bak() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/c.json");
        assert_eq!(file_to_string(&p).unwrap(), None);
        string_to_file("one", &p).unwrap();
        assert!(!with_suffix(&p, ".bak").exists());
        string_to_file("two", &p).unwrap();
        assert_eq!(file_to_string(&p).unwrap().as_deref(), Some("two"));
        assert_eq!(
            file_to_string(&with_suffix(&p, ".bak")).unwrap().as_deref(),
            Some("one")
        );
        let mut names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["c.json", "c.json.bak"], "temp file left behind");
    }

    #[test]
    fn string_to_file_reports_an_unwritable_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("blocker"), "").unwrap();
        assert!(string_to_file("x", &dir.path().join("blocker/f.json")).is_err());
    }
}
