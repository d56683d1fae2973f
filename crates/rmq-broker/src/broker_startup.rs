//! Building the four config objects from a `broker.conf` and the command line, as Java's
//! `BrokerStartup#buildBrokerController` does: defaults < file < command line; one properties
//! file feeds `BrokerConfig`, `NettyServerConfig`, `NettyClientConfig` and
//! `MessageStoreConfig`; a key none of them knows is reported so the caller can warn.

use crate::broker_config::{self, BrokerConfig};
use rmq_common::properties::{self, Properties};
use rmq_remoting::{NettyClientConfig, NettyServerConfig};
use rmq_store::{BrokerRole, MessageStoreConfig};
use serde::Serialize;

/// Java's default broker port (`nettyServerConfig.setListenPort(10911)` in `BrokerStartup`).
pub const DEFAULT_LISTEN_PORT: i32 = 10911;

/// Everything a broker is configured with.
#[derive(Debug, Clone)]
pub struct BrokerConfigs {
    pub broker_config: BrokerConfig,
    pub netty_server_config: NettyServerConfig,
    pub netty_client_config: NettyClientConfig,
    pub message_store_config: MessageStoreConfig,
    /// The ACL 2.0 keys (Java binds the same properties to its `AuthConfig`).
    pub auth_config: broker_config::AuthConfig,
}

impl Default for BrokerConfigs {
    fn default() -> Self {
        let netty_server_config = NettyServerConfig {
            listen_port: DEFAULT_LISTEN_PORT,
            ..Default::default()
        };
        let message_store_config = MessageStoreConfig {
            ha_listen_port: 0,
            ..Default::default()
        };
        BrokerConfigs {
            broker_config: BrokerConfig::default(),
            netty_server_config,
            netty_client_config: NettyClientConfig::default(),
            message_store_config,
            auth_config: broker_config::AuthConfig::default(),
        }
    }
}

/// Keys of a properties file that no config object knows, and keys whose value did not parse.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConfigReport {
    pub unknown_keys: Vec<String>,
    pub invalid_keys: Vec<String>,
}

impl BrokerConfigs {
    /// Binds `props` to every config object (Java `MixAll.properties2Object` on each); a key is
    /// unknown only if no object has it.
    pub fn apply_properties(&mut self, props: &Properties) -> ConfigReport {
        let r1 = properties::bind(
            &mut self.broker_config,
            props,
            broker_config::BROKER_CONFIG_ALIASES,
        );
        let r2 = properties::bind(&mut self.netty_server_config, props, &[]);
        let r3 = properties::bind(
            &mut self.netty_client_config,
            props,
            rmq_remoting::NETTY_CLIENT_CONFIG_ALIASES,
        );
        let r4 = properties::bind(
            &mut self.message_store_config,
            props,
            rmq_store::config::MESSAGE_STORE_CONFIG_ALIASES,
        );
        let r5 = properties::bind(&mut self.auth_config, props, &[]);
        let reports = [r1, r2, r3, r4, r5];
        let mut report = ConfigReport::default();
        for key in props.keys() {
            if reports.iter().all(|r| r.unknown_keys.contains(key)) {
                report.unknown_keys.push(key.clone());
            } else if reports.iter().any(|r| r.invalid_keys.contains(key)) {
                report.invalid_keys.push(key.clone());
            }
        }
        report
    }

    /// Returns the properties of the config objects other than `BrokerConfig`, merged in
    /// Java's registration order (netty server, netty client, store).
    pub fn fixed_properties(&self) -> Properties {
        let mut all = Properties::new();
        all.extend(properties::object_to_properties(&self.netty_server_config));
        all.extend(properties::object_to_properties(&self.netty_client_config));
        all.extend(properties::object_to_properties(&self.message_store_config));
        all
    }

    /// Applies Java's post-parse rules: a master's id is 0, a slave's must be > 0, the HA port
    /// defaults to `listenPort + 1`, the name server list must parse. Returns Java's message and exit code on failure.
    pub fn finish(&mut self) -> Result<(), (String, i32)> {
        if let Some(addr) = self.broker_config.namesrv_addr.as_deref() {
            if !addr.trim().is_empty() && !valid_namesrv_addr(addr) {
                return Err((
                    format!(
                        "The Name Server Address[{addr}] illegal, please set it as follows, \"127.0.0.1:9876;192.168.0.1:9876\""
                    ),
                    -3,
                ));
            }
        }
        // In controller mode the controller assigns the id and the role (Java skips these
        // rules then).
        let controller_mode = self.broker_config.enable_controller_mode;
        match self.message_store_config.broker_role {
            BrokerRole::AsyncMaster | BrokerRole::SyncMaster if !controller_mode => {
                self.broker_config.broker_id = 0
            }
            BrokerRole::AsyncMaster | BrokerRole::SyncMaster => {}
            BrokerRole::Slave => {
                if self.broker_config.broker_id <= 0 && !controller_mode {
                    return Err(("Slave's brokerId must be > 0".into(), -3));
                }
                self.message_store_config.access_message_in_memory_max_ratio -= 10;
            }
        }
        if self.message_store_config.ha_listen_port <= 0 {
            // With listenPort 0 (any free port) the HA port is any free port too, not Java's
            // 0 + 1.
            let listen = self.netty_server_config.listen_port;
            self.message_store_config.ha_listen_port = if listen == 0 { 0 } else { listen + 1 };
        }
        Ok(())
    }

    /// Checks the three ports a broker uses: `listenPort`, the fast channel (`listenPort - 2`)
    /// and the store's HA listener (`haListenPort`). Java binds them and fails with `Failed
    /// to bind to <addr>:<port>` when two are equal; rmq refuses before binding anything, so
    /// no half-started broker is left. Call after [`BrokerConfigs::finish`], which fills
    /// `haListenPort`.
    pub fn validate_ports(&self) -> Result<(), String> {
        let listen = self.netty_server_config.listen_port;
        let ha = self.message_store_config.ha_listen_port;
        if !(0..=i32::from(u16::MAX)).contains(&listen) {
            return Err(format!(
                "invalid value {listen} for config key listenPort: a port must be 0..=65535"
            ));
        }
        if listen == 1 {
            return Err(
                "invalid value 1 for config key listenPort: the fast channel listens on \
                 listenPort - 2, so listenPort must be 0 or 2..=65535"
                    .into(),
            );
        }
        if !(0..=i32::from(u16::MAX)).contains(&ha) {
            return Err(format!(
                "invalid value {ha} for config key haListenPort: a port must be 0..=65535 \
                 (it defaults to listenPort + 1)"
            ));
        }
        if listen != 0 && ha == listen {
            return Err(format!(
                "haListenPort {ha} is the same port as listenPort: the HA service needs a port \
                 of its own (default listenPort + 1)"
            ));
        }
        if listen != 0 && ha == listen - 2 {
            return Err(format!(
                "haListenPort {ha} is the fast channel's port (listenPort - 2): the HA service \
                 needs a port of its own (default listenPort + 1)"
            ));
        }
        Ok(())
    }

    /// Returns `name=value` lines of every config object, as `mqbroker -p` (or, with
    /// `important_only`, `-m`) prints them.
    pub fn print_lines(&self, important_only: bool) -> Vec<String> {
        let mut out = Vec::new();
        let broker: Vec<(String, String)> =
            properties::object_to_ordered_pairs(&self.broker_config)
                .into_iter()
                .filter(|(k, _)| !broker_config::BROKER_IDENTITY_KEYS.contains(&k.as_str()))
                .filter(|(k, _)| {
                    !important_only || broker_config::IMPORTANT_FIELDS.contains(&k.as_str())
                })
                .collect();
        out.extend(broker.into_iter().map(|(k, v)| format!("{k}={v}")));
        if !important_only {
            push_pairs(&mut out, &self.netty_server_config);
            push_pairs(&mut out, &self.netty_client_config);
            push_pairs(&mut out, &self.message_store_config);
        } else {
            // Java's @ImportantField keys of the other classes.
            let store = properties::object_to_ordered_pairs(&self.message_store_config);
            for (k, v) in store {
                if matches!(
                    k.as_str(),
                    "storePathRootDir"
                        | "storePathCommitLog"
                        | "mappedFileSizeCommitLog"
                        | "mappedFileSizeConsumeQueue"
                        | "fileReservedTime"
                        | "deleteWhen"
                        | "brokerRole"
                        | "flushDiskType"
                        | "haListenPort"
                        | "haMasterAddress"
                ) {
                    out.push(format!("{k}={v}"));
                }
            }
        }
        out
    }
}

fn push_pairs<T: Serialize>(out: &mut Vec<String>, obj: &T) {
    out.extend(
        properties::object_to_ordered_pairs(obj)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}")),
    );
}

/// Returns true when every `;`-separated entry is `host:port` (Java
/// `NetworkUtil.string2SocketAddress` on each).
pub fn valid_namesrv_addr(addrs: &str) -> bool {
    addrs
        .split(';')
        .filter(|a| !a.trim().is_empty())
        .all(|a| match a.trim().rsplit_once(':') {
            Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
            None => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Java 5.3.3's config keys (see tests/interop/README.md): `class, declaring class,
    /// field, setter key` per line, in declaration order.
    const JAVA_533_FIELDS: &str = include_str!("../../../tests/interop/config_fields_5.3.3.tsv");

    /// Java's printed keys of `class`; with `own_only`, without those of superclasses (as
    /// `printObjectProperties` prints them).
    fn java_keys(class: &str, own_only: bool) -> Vec<&'static str> {
        JAVA_533_FIELDS
            .lines()
            .filter_map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                (cols[0] == class && (!own_only || cols[1] == class)).then_some(cols[2])
            })
            .collect()
    }

    #[test]
    fn get_broker_config_prints_java_533_field_names() {
        let mut c = BrokerConfigs::default();
        // Keys whose value is null (by default in Java too) are not printed; set them.
        let r = c.apply_properties(&properties::parse(
            "brokerConfigPath=/x/broker.conf\nrocketmqHome=/x\nnamesrvAddr=127.0.0.1:9876\n\
             dLegerGroup=g\ndLegerPeers=p\ndLegerSelfId=n0\nhaMasterAddress=127.0.0.1:10912\n\
             preferredLeaderId=n0\nreadOnlyCommitLogStorePaths=/r\nstorePathBrokerIdentity=/b\n\
             storePathCommitLog=/c\nstorePathDLedgerCommitLog=/d\nstorePathEpochFile=/e\n",
        ));
        assert_eq!(r, ConfigReport::default());
        let conf = crate::configuration::Configuration::new(
            std::sync::Arc::new(parking_lot::RwLock::new(c.broker_config.clone())),
            c.fixed_properties(),
            "/x/broker.conf".into(),
        );
        let ours: BTreeSet<String> = conf.all_configs().into_keys().collect();
        let java: BTreeSet<String> = [
            "BrokerConfig",
            "MessageStoreConfig",
            "NettyServerConfig",
            "NettyClientConfig",
        ]
        .iter()
        .flat_map(|class| java_keys(class, false))
        .map(str::to_string)
        .collect();
        assert_eq!(
            ours.difference(&java).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys Java does not print"
        );
        assert_eq!(
            java.difference(&ours).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "Java keys rmq does not print"
        );
    }

    #[test]
    fn print_config_items_in_java_533_order() {
        let mut c = BrokerConfigs::default();
        c.broker_config.broker_config_path = Some("/x/broker.conf".into());
        let ours: Vec<String> = c
            .print_lines(false)
            .into_iter()
            .map(|l| l.split_once('=').map(|(k, _)| k.to_string()).unwrap_or(l))
            .collect();
        let java: Vec<&str> = java_keys("BrokerConfig", true)
            .into_iter()
            .chain(java_keys("NettyServerConfig", true))
            .chain(java_keys("NettyClientConfig", true))
            .chain(java_keys("MessageStoreConfig", true))
            .collect();
        assert_eq!(ours, java);
    }

    #[test]
    fn setter_and_field_spellings_are_both_read() {
        for (text, inside, scan) in [
            (
                "inBrokerContainer=true\nscanAvailableNameSrv=false\n",
                true,
                false,
            ),
            (
                "isInBrokerContainer=true\nisScanAvailableNameSrv=false\n",
                true,
                false,
            ),
        ] {
            let mut c = BrokerConfigs::default();
            let r = c.apply_properties(&properties::parse(text));
            assert_eq!(r, ConfigReport::default(), "{text}");
            assert_eq!(c.broker_config.in_broker_container, inside);
            assert_eq!(c.netty_client_config.scan_available_name_srv, scan);
        }
    }

    #[test]
    fn every_java_netty_key_is_known() {
        // Setter-derived keys of Java 5.3.3 NettyServerConfig and NettyClientConfig.
        let keys = "bindAddress listenPort serverWorkerThreads serverCallbackExecutorThreads \
            serverSelectorThreads serverOnewaySemaphoreValue serverAsyncSemaphoreValue \
            serverChannelMaxIdleTimeSeconds serverSocketSndBufSize serverSocketRcvBufSize \
            writeBufferHighWaterMark writeBufferLowWaterMark serverSocketBacklog \
            serverNettyWorkerGroupEnable serverPooledByteBufAllocatorEnable \
            enableShutdownGracefully shutdownWaitTimeSeconds useEpollNativeSelector \
            clientWorkerThreads clientCallbackExecutorThreads clientOnewaySemaphoreValue \
            clientAsyncSemaphoreValue connectTimeoutMillis channelNotActiveInterval \
            scanAvailableNameSrv clientChannelMaxIdleTimeSeconds clientSocketSndBufSize \
            clientSocketRcvBufSize clientPooledByteBufAllocatorEnable \
            clientCloseSocketIfTimeout useTLS socksProxyConfig disableCallbackExecutor \
            disableNettyWorkerGroup maxReconnectIntervalTimeSeconds enableReconnectForGoAway";
        let mut c = BrokerConfigs::default();
        let defaults: String = properties::object_to_ordered_pairs(&c.netty_server_config)
            .into_iter()
            .chain(properties::object_to_ordered_pairs(&c.netty_client_config))
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect();
        let mut props = properties::parse(&defaults);
        for k in keys.split_whitespace() {
            props
                .entry(k.to_string())
                .or_insert_with(|| "true".to_string());
        }
        let r = c.apply_properties(&props);
        assert!(r.unknown_keys.is_empty(), "{r:?}");
        let r = c.apply_properties(&properties::parse(
            "useTLS=true\nserverNettyWorkerGroupEnable=false\nscanAvailableNameSrv=false\n",
        ));
        assert_eq!(r, ConfigReport::default());
        assert!(c.netty_client_config.use_tls);
        assert!(!c.netty_server_config.server_netty_worker_group_enable);
        assert!(!c.netty_client_config.scan_available_name_srv);
        let lines = c.print_lines(false);
        assert!(lines.contains(&"serverNettyWorkerGroupEnable=false".to_string()));
        assert!(lines.contains(&"socksProxyConfig={}".to_string()));
    }

    #[test]
    fn one_file_feeds_all_configs() {
        let mut c = BrokerConfigs::default();
        let props = properties::parse(
            "brokerClusterName = DefaultCluster\nbrokerName = broker-a\nbrokerId = 3\n\
             deleteWhen = 04\nfileReservedTime = 48\nbrokerRole = ASYNC_MASTER\n\
             flushDiskType = ASYNC_FLUSH\nlistenPort=12911\nmapedFileSizeCommitLog=4096\n\
             clientWorkerThreads=2\nnoSuchKey=1\nautoCreateTopicEnable=false\n",
        );
        let r = c.apply_properties(&props);
        assert_eq!(r.unknown_keys, vec!["noSuchKey".to_string()]);
        assert!(r.invalid_keys.is_empty(), "{r:?}");
        c.finish().unwrap();
        assert_eq!(c.broker_config.broker_name, "broker-a");
        assert_eq!(c.broker_config.broker_id, 0, "a master's id is forced to 0");
        assert!(!c.broker_config.auto_create_topic_enable);
        assert_eq!(c.netty_server_config.listen_port, 12911);
        assert_eq!(c.message_store_config.ha_listen_port, 12912);
        assert_eq!(c.message_store_config.mapped_file_size_commit_log, 4096);
        assert_eq!(c.message_store_config.file_reserved_time, 48);
        assert_eq!(c.netty_client_config.client_worker_threads, 2);
        let lines = c.print_lines(false);
        assert!(lines.contains(&"autoCreateTopicEnable=false".to_string()));
        assert!(lines.iter().any(|l| l.starts_with("listenPort=")));
        assert!(!lines.iter().any(|l| l.starts_with("brokerName=")));
    }

    #[test]
    fn ports_must_be_in_range_and_distinct() {
        let check = |text: &str| {
            let mut c = BrokerConfigs::default();
            c.apply_properties(&properties::parse(text));
            c.finish().unwrap();
            c.validate_ports()
        };
        assert_eq!(check(""), Ok(()));
        assert_eq!(
            check(
                "listenPort=0
"
            ),
            Ok(())
        );
        assert_eq!(
            check(
                "listenPort=20911
haListenPort=20000
"
            ),
            Ok(())
        );
        let err = check(
            "listenPort=70000
",
        )
        .unwrap_err();
        assert!(err.contains("70000 for config key listenPort"), "{err}");
        assert!(check(
            "listenPort=1
"
        )
        .unwrap_err()
        .contains("fast channel"));
        let err = check(
            "listenPort=65535
",
        )
        .unwrap_err();
        assert!(err.contains("65536 for config key haListenPort"), "{err}");
        let err = check(
            "listenPort=20911
haListenPort=20911
",
        )
        .unwrap_err();
        assert!(
            err.starts_with("haListenPort 20911 is the same port as listenPort"),
            "{err}"
        );
        let err = check(
            "listenPort=20911
haListenPort=20909
",
        )
        .unwrap_err();
        assert!(err.contains("fast channel's port"), "{err}");
    }

    #[test]
    fn slave_needs_id_and_namesrv_must_parse() {
        let mut c = BrokerConfigs::default();
        c.apply_properties(&properties::parse("brokerRole=SLAVE\n"));
        assert_eq!(c.finish().unwrap_err().0, "Slave's brokerId must be > 0");
        let mut c = BrokerConfigs::default();
        c.broker_config.namesrv_addr = Some("nope".into());
        assert!(c
            .finish()
            .unwrap_err()
            .0
            .starts_with("The Name Server Address[nope] illegal"));
        assert!(valid_namesrv_addr("127.0.0.1:9876;10.0.0.1:9876"));
    }
}
