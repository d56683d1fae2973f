//! Config keys rmq parses but does not act on yet, so that a server can say so when a config
//! file sets one (Java acts on every one of them). Each config struct has one table; the
//! servers print one warning line per key a file sets.
//!
//! Maintaining the tables: a key belongs in a table when no code outside its struct's own
//! file reads the field (`grep -rn '\.<field_name>\b' crates/*/src`, tests excluded); when a
//! component starts honouring a key, it removes the key here in the same change. The unit
//! tests check that every listed key is a key of its struct (so a renamed or removed field
//! cannot leave a stale entry), not that the field is unread; docs/configuration.md lists
//! the same keys.

/// A key and why rmq does not act on it.
pub type NotImplementedKey = (&'static str, &'static str);

/// Reason shared by thread-pool and executor sizes.
pub const TOKIO_POOLS: &str =
    "requests run on tokio tasks; there is no thread pool or queue to size";
/// Reason shared by Netty socket and allocator tuning.
pub const NETTY_TUNING: &str =
    "Netty tuning; rmq's tokio sockets use the operating system's defaults";

/// `NettyServerConfig` keys no rmq listener reads (`bindAddress`, `listenPort` and
/// `serverChannelMaxIdleTimeSeconds` are honoured; `enableShutdownGracefully` and
/// `shutdownWaitTimeSeconds` by the NameServer only).
pub const NETTY_SERVER_CONFIG: &[NotImplementedKey] = &[
    ("serverWorkerThreads", TOKIO_POOLS),
    ("serverCallbackExecutorThreads", TOKIO_POOLS),
    ("serverSelectorThreads", TOKIO_POOLS),
    (
        "serverOnewaySemaphoreValue",
        "oneway requests are not limited",
    ),
    (
        "serverAsyncSemaphoreValue",
        "asynchronous requests are not limited",
    ),
    ("serverSocketSndBufSize", NETTY_TUNING),
    ("serverSocketRcvBufSize", NETTY_TUNING),
    ("writeBufferHighWaterMark", NETTY_TUNING),
    ("writeBufferLowWaterMark", NETTY_TUNING),
    ("serverSocketBacklog", NETTY_TUNING),
    ("serverNettyWorkerGroupEnable", NETTY_TUNING),
    ("serverPooledByteBufAllocatorEnable", NETTY_TUNING),
    ("useEpollNativeSelector", NETTY_TUNING),
];

/// `NettyClientConfig` keys the rmq client does not read (`connectTimeoutMillis` and
/// `clientChannelMaxIdleTimeSeconds` are honoured).
pub const NETTY_CLIENT_CONFIG: &[NotImplementedKey] = &[
    ("clientWorkerThreads", TOKIO_POOLS),
    ("clientCallbackExecutorThreads", TOKIO_POOLS),
    (
        "clientOnewaySemaphoreValue",
        "oneway requests are not limited",
    ),
    (
        "clientAsyncSemaphoreValue",
        "asynchronous requests are not limited",
    ),
    (
        "channelNotActiveInterval",
        "no periodic scan of inactive channels",
    ),
    (
        "isScanAvailableNameSrv",
        "name servers are not probed in the background; a failed one is skipped on use",
    ),
    ("clientSocketSndBufSize", NETTY_TUNING),
    ("clientSocketRcvBufSize", NETTY_TUNING),
    ("clientPooledByteBufAllocatorEnable", NETTY_TUNING),
    (
        "clientCloseSocketIfTimeout",
        "a timed-out request leaves its connection open",
    ),
    ("socksProxyConfig", "no SOCKS proxy support"),
    ("writeBufferHighWaterMark", NETTY_TUNING),
    ("writeBufferLowWaterMark", NETTY_TUNING),
    ("disableCallbackExecutor", TOKIO_POOLS),
    ("disableNettyWorkerGroup", TOKIO_POOLS),
    ("maxReconnectIntervalTimeSeconds", "no reconnect back-off"),
    ("enableReconnectForGoAway", "no GOAWAY handling"),
];

/// Returns the warning line for `key`.
pub fn warning(key: &str, reason: &str) -> String {
    format!("config key {key} is parsed but not implemented by rmq yet ({reason})")
}

/// Returns one warning per key of `set_keys` listed in `tables`, in `set_keys` order. A key
/// written in a setter spelling of `aliases` (`scanAvailableNameSrv`) matches its printed
/// name (`isScanAvailableNameSrv`).
pub fn warnings<'a>(
    set_keys: impl IntoIterator<Item = &'a String>,
    tables: &[&[NotImplementedKey]],
    aliases: &[(&str, &str)],
) -> Vec<String> {
    let mut out = Vec::new();
    for key in set_keys {
        let name = aliases
            .iter()
            .find(|(alias, _)| alias == key)
            .map_or(key.as_str(), |(_, field)| field);
        if let Some((_, reason)) = tables
            .iter()
            .flat_map(|t| t.iter())
            .find(|(k, _)| *k == name)
        {
            out.push(warning(key, reason));
        }
    }
    out
}

/// Checks a table against its struct (for tests): every key must be a printed key of
/// `config`, listed once, with a reason. Returns the problems found.
pub fn table_problems<T: serde::Serialize>(table: &[NotImplementedKey], config: &T) -> Vec<String> {
    let keys: std::collections::BTreeSet<String> =
        rmq_common::properties::object_to_ordered_pairs(config)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for (key, reason) in table {
        if !keys.contains(*key) {
            problems.push(format!("{key} is not a key of the struct"));
        }
        if !seen.insert(*key) {
            problems.push(format!("{key} is listed twice"));
        }
        if reason.is_empty() {
            problems.push(format!("{key} has no reason"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NettyClientConfig, NettyServerConfig, NETTY_CLIENT_CONFIG_ALIASES};

    #[test]
    fn every_listed_key_exists() {
        assert_eq!(
            table_problems(NETTY_SERVER_CONFIG, &NettyServerConfig::default()),
            Vec::<String>::new()
        );
        assert_eq!(
            table_problems(NETTY_CLIENT_CONFIG, &NettyClientConfig::default()),
            Vec::<String>::new()
        );
        let bad: &[NotImplementedKey] = &[("noSuchKey", "x"), ("useTLS", "")];
        assert_eq!(
            table_problems(bad, &NettyClientConfig::default()),
            vec![
                "noSuchKey is not a key of the struct",
                "useTLS has no reason"
            ]
        );
    }

    #[test]
    fn warns_for_listed_keys_in_either_spelling() {
        let set: Vec<String> = [
            "listenPort",
            "useTLS",
            "socksProxyConfig",
            "scanAvailableNameSrv",
            "noSuchKey",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let w = warnings(
            &set,
            &[NETTY_SERVER_CONFIG, NETTY_CLIENT_CONFIG],
            NETTY_CLIENT_CONFIG_ALIASES,
        );
        assert_eq!(
            w,
            vec![
                "config key socksProxyConfig is parsed but not implemented by rmq yet (no SOCKS proxy support)".to_string(),
                "config key scanAvailableNameSrv is parsed but not implemented by rmq yet (name servers are not probed in the background; a failed one is skipped on use)".to_string(),
            ]
        );
    }
}
