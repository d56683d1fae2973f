//! `Configuration`: the NameServer's live settings as one property set — `NamesrvConfig`,
//! `NettyServerConfig` and any extra keys of the config file — read by GET_NAMESRV_CONFIG,
//! changed by UPDATE_NAMESRV_CONFIG and persisted to `configStorePath` (Java
//! `common/.../Configuration.java` as `NamesrvController` sets it up). The property set and its
//! persistence are [`rmq_common::Configuration`]'s; this type adds typed access to the two
//! objects and undoes an update whose write failed.

use crate::error::NamesrvError;
use crate::namesrv_config::NamesrvConfig;
use parking_lot::{Mutex, RwLock};
use rmq_common::configuration::SharedConfig;
use rmq_common::properties::{BindReport, Properties};
use rmq_common::DataVersion;
use rmq_remoting::NettyServerConfig;
use std::path::PathBuf;
use std::sync::Arc;

/// The registered config objects plus the file's extra properties.
pub struct Configuration {
    namesrv_config: Arc<RwLock<NamesrvConfig>>,
    netty_server_config: Arc<RwLock<NettyServerConfig>>,
    inner: rmq_common::Configuration,
    persist_lock: Mutex<()>,
}

impl Configuration {
    /// Registers the config file's properties and the two config objects (`registerConfig`),
    /// so keys of the file that no object knows are still reported; the store path is read
    /// from `configStorePath` at each persist (`setStorePathFromConfig`).
    pub fn new(
        namesrv_config: Arc<RwLock<NamesrvConfig>>,
        netty_server_config: NettyServerConfig,
        file_properties: Properties,
    ) -> Self {
        let netty_server_config = Arc::new(RwLock::new(netty_server_config));
        let path_source = namesrv_config.clone();
        let inner = rmq_common::Configuration::with_store_path_fn(Box::new(move || {
            PathBuf::from(path_source.read().config_store_path.clone())
        }))
        .register_properties(file_properties)
        .register_config(SharedConfig::new(namesrv_config.clone(), &[]))
        .register_config(SharedConfig::new(netty_server_config.clone(), &[]));
        Configuration {
            namesrv_config,
            netty_server_config,
            inner,
            persist_lock: Mutex::new(()),
        }
    }

    /// Returns the shared NameServer settings.
    pub fn namesrv_config(&self) -> &Arc<RwLock<NamesrvConfig>> {
        &self.namesrv_config
    }

    /// Returns a copy of the current NameServer settings.
    pub fn namesrv_config_snapshot(&self) -> NamesrvConfig {
        self.namesrv_config.read().clone()
    }

    /// Returns a copy of the server settings.
    pub fn netty_server_config(&self) -> NettyServerConfig {
        self.netty_server_config.read().clone()
    }

    /// Records the port actually bound when 0 was configured (as Java does).
    pub fn set_listen_port(&self, port: u16) {
        self.netty_server_config.write().listen_port = i32::from(port);
    }

    /// Returns the DataVersion bumped by each update.
    pub fn data_version(&self) -> DataVersion {
        self.inner.data_version()
    }

    /// Applies `props` to the config objects (keys unknown to all of them are ignored) and
    /// bumps the version (`Configuration#update` without the persist).
    pub fn update(&self, props: &Properties) -> BindReport {
        self.inner.update(props)
    }

    /// Applies `props` and persists the result, on a blocking thread. When the file cannot
    /// be written every setting is put back as it was (so the running values match the file)
    /// and the error, naming the file and the OS error, is returned. Java logs the failure
    /// and keeps the unsaved values.
    pub async fn update_and_persist(
        self: &Arc<Self>,
        props: &Properties,
    ) -> Result<BindReport, NamesrvError> {
        let this = self.clone();
        let props = props.clone();
        tokio::task::spawn_blocking(move || {
            let _serialized = this.persist_lock.lock();
            let saved = (
                this.inner.snapshot(),
                this.namesrv_config.read().clone(),
                this.netty_server_config.read().clone(),
            );
            let report = this.update(&props);
            match this.write_file() {
                Ok(()) => Ok(report),
                Err(e) => {
                    tracing::error!(error = %e, "persist string2File error, update undone");
                    this.inner.restore(saved.0);
                    *this.namesrv_config.write() = saved.1;
                    *this.netty_server_config.write() = saved.2;
                    Err(e)
                }
            }
        })
        .await
        .map_err(|e| NamesrvError::Task(e.to_string()))?
    }

    /// Returns every setting as sorted `key=value` lines (`getAllConfigsFormatString`).
    pub fn all_configs_format_string(&self) -> String {
        self.inner.all_configs_format_string()
    }

    /// Writes every setting to `configStorePath` (blocking; atomic replace, previous file kept
    /// as `.bak`).
    pub fn persist(&self) -> Result<(), NamesrvError> {
        let _serialized = self.persist_lock.lock();
        self.write_file()
    }

    fn write_file(&self) -> Result<(), NamesrvError> {
        self.inner
            .persist()
            .map_err(|e| NamesrvError::io("write", self.inner.store_path(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::properties;

    #[test]
    fn update_format_and_persist() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("ns.properties");
        let ns = NamesrvConfig {
            config_store_path: store.to_string_lossy().into_owned(),
            ..Default::default()
        };
        let netty = NettyServerConfig {
            listen_port: 9876,
            ..Default::default()
        };
        let file = properties::parse("listenPort=9876\ncustomKey=1\n");
        let c = Configuration::new(Arc::new(RwLock::new(ns)), netty, file);
        let text = c.all_configs_format_string();
        assert!(text.contains("customKey=1\n"));
        assert!(text.contains("listenPort=9876\n"));
        assert!(text.contains("enableAllTopicList=true\n"));
        let lines: Vec<&str> = text.lines().collect();
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);

        let before = c.data_version().counter;
        let report = c.update(&properties::parse(
            "enableAllTopicList=false\ncustomKey=2\nserverWorkerThreads=3\nnewKey=x\n",
        ));
        assert_eq!(
            report.unknown_keys,
            vec!["customKey".to_string(), "newKey".to_string()]
        );
        assert!(!c.namesrv_config_snapshot().enable_all_topic_list);
        assert_eq!(c.netty_server_config().server_worker_threads, 3);
        assert_eq!(c.data_version().counter, before + 1);
        let text = c.all_configs_format_string();
        assert!(text.contains("customKey=2\n"));
        assert!(!text.contains("newKey"));
        c.persist().unwrap();
        let saved = properties::parse(&std::fs::read_to_string(&store).unwrap());
        assert_eq!(saved["enableAllTopicList"], "false");
        assert_eq!(saved["serverWorkerThreads"], "3");
    }

    #[tokio::test]
    async fn a_failed_write_is_reported_and_undone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("blocker"), "").unwrap();
        let store = dir.path().join("blocker/namesrv.properties");
        let ns = NamesrvConfig {
            config_store_path: store.to_string_lossy().into_owned(),
            ..Default::default()
        };
        let c = Arc::new(Configuration::new(
            Arc::new(RwLock::new(ns)),
            NettyServerConfig::default(),
            properties::parse("customKey=1\n"),
        ));
        let before = (c.all_configs_format_string(), c.data_version());
        let err = c
            .update_and_persist(&properties::parse(
                "enableAllTopicList=false\ncustomKey=2\nserverWorkerThreads=3\n",
            ))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("cannot write {}: ", store.display())),
            "{err}"
        );
        assert!(c.namesrv_config_snapshot().enable_all_topic_list);
        assert_eq!(c.netty_server_config().server_worker_threads, 8);
        assert_eq!((c.all_configs_format_string(), c.data_version()), before);
    }
}
