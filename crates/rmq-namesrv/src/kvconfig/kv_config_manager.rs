//! `KVConfigManager`: namespaced key-value settings (e.g. `ORDER_TOPIC_CONFIG`) kept in
//! memory and persisted to `kvConfigPath` as `{"configTable":{namespace:{key:value}}}` after
//! every change (Java `namesrv/.../kvconfig/KVConfigManager.java`).

use super::kv_config_serialize_wrapper::KVConfigSerializeWrapper;
use crate::error::NamesrvError;
use parking_lot::{Mutex, RwLock};
use rmq_common::mix_all::{file_to_string, string_to_file};
use rmq_remoting::protocol::body::route::KVTable;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

type ConfigTable = BTreeMap<String, BTreeMap<String, String>>;

/// The KV store. Reads and writes of the table are cheap and synchronous; the async
/// `put_kv_config`/`delete_kv_config` also persist the file on a blocking thread.
pub struct KVConfigManager {
    kv_config_path: PathBuf,
    config_table: RwLock<ConfigTable>,
    /// Serializes file writes so a later write always carries a newer table.
    persist_lock: Mutex<()>,
}

impl KVConfigManager {
    /// Builds an empty store persisted at `kv_config_path`.
    pub fn new(kv_config_path: impl Into<PathBuf>) -> Self {
        KVConfigManager {
            kv_config_path: kv_config_path.into(),
            config_table: RwLock::new(ConfigTable::new()),
            persist_lock: Mutex::new(()),
        }
    }

    /// Returns the file the store is persisted to.
    pub fn kv_config_path(&self) -> &std::path::Path {
        &self.kv_config_path
    }

    /// Loads the persisted table (blocking). A missing file is an empty store; an unreadable
    /// or corrupt file is logged, copied aside as `<file>.corrupt`, and the store starts empty
    /// (Java would fail to start).
    pub fn load(&self) {
        let path = &self.kv_config_path;
        let content = match file_to_string(path) {
            Ok(Some(c)) => c,
            Ok(None) => {
                tracing::info!(path = %path.display(), "no KV config file yet, starting empty");
                return;
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "Load KV config table exception");
                return;
            }
        };
        if content.trim().is_empty() {
            return;
        }
        match rmq_common::fastjson::from_str::<KVConfigSerializeWrapper>(&content) {
            Ok(w) => {
                let mut table = self.config_table.write();
                for (ns, kv) in w.config_table {
                    table.entry(ns).or_default().extend(kv);
                }
                tracing::info!("load KV config table OK");
            }
            Err(e) => {
                let aside = PathBuf::from(format!("{}.corrupt", path.display()));
                let copied = std::fs::copy(path, &aside).is_ok();
                tracing::error!(
                    path = %path.display(),
                    error = %e,
                    copied_to = %if copied { aside.display().to_string() } else { "-".into() },
                    "KV config file is corrupt; starting with an empty KV table (the file is rewritten on the next change)"
                );
            }
        }
    }

    /// Sets `namespace`/`key` to `value` in memory (`putKVConfig` without the persist).
    pub fn put_kv_config_in_memory(&self, namespace: &str, key: &str, value: &str) {
        let mut table = self.config_table.write();
        let kv = match table.get_mut(namespace) {
            Some(kv) => kv,
            None => {
                tracing::info!("putKVConfig create new Namespace {namespace}");
                table.entry(namespace.to_string()).or_default()
            }
        };
        let prev = kv.insert(key.to_string(), value.to_string());
        if prev.is_some() {
            tracing::info!(
                "putKVConfig update config item, Namespace: {namespace} Key: {key} Value: {value}"
            );
        } else {
            tracing::info!(
                "putKVConfig create new config item, Namespace: {namespace} Key: {key} Value: {value}"
            );
        }
    }

    /// Removes `namespace`/`key` in memory (`deleteKVConfig` without the persist). An emptied
    /// namespace stays, as in Java.
    pub fn delete_kv_config_in_memory(&self, namespace: &str, key: &str) {
        let mut table = self.config_table.write();
        if let Some(kv) = table.get_mut(namespace) {
            let value = kv.remove(key);
            tracing::info!(
                "deleteKVConfig delete a config item, Namespace: {namespace} Key: {key} Value: {}",
                value.as_deref().unwrap_or("null")
            );
        }
    }

    /// Sets a value and persists the file (on a blocking thread). When the file cannot be
    /// written the change is undone, so the table never holds what the file does not, and
    /// the error (naming the file and the OS error) is returned. Java logs the failure and
    /// keeps the unsaved value; rmq reports it.
    pub async fn put_kv_config(
        self: &Arc<Self>,
        namespace: &str,
        key: &str,
        value: &str,
    ) -> Result<(), NamesrvError> {
        let (ns, k, v) = (namespace.to_string(), key.to_string(), value.to_string());
        self.change_and_persist(move |m| {
            let previous = m.get_kv_config(&ns, &k);
            let had_namespace = m.config_table.read().contains_key(&ns);
            m.put_kv_config_in_memory(&ns, &k, &v);
            Box::new(move |m: &Self| m.restore(&ns, &k, previous, had_namespace))
        })
        .await
    }

    /// Removes a value and persists the file; on a write failure the value is put back and
    /// the error returned, as for [`KVConfigManager::put_kv_config`].
    pub async fn delete_kv_config(
        self: &Arc<Self>,
        namespace: &str,
        key: &str,
    ) -> Result<(), NamesrvError> {
        let (ns, k) = (namespace.to_string(), key.to_string());
        self.change_and_persist(move |m| {
            let previous = m.get_kv_config(&ns, &k);
            m.delete_kv_config_in_memory(&ns, &k);
            Box::new(move |m: &Self| m.restore(&ns, &k, previous, true))
        })
        .await
    }

    /// Sets `namespace`/`key` back to `previous` (absent when `None`), dropping the namespace
    /// again if the undone change created it.
    fn restore(&self, namespace: &str, key: &str, previous: Option<String>, had_namespace: bool) {
        let mut table = self.config_table.write();
        if !had_namespace {
            table.remove(namespace);
            return;
        }
        let kv = table.entry(namespace.to_string()).or_default();
        match previous {
            Some(v) => kv.insert(key.to_string(), v),
            None => kv.remove(key),
        };
    }

    /// Applies `change` and writes the file under the persist lock, on a blocking thread; if
    /// the write fails, runs the undo `change` returned.
    async fn change_and_persist<F>(self: &Arc<Self>, change: F) -> Result<(), NamesrvError>
    where
        F: FnOnce(&Self) -> Box<dyn FnOnce(&Self) + Send> + Send + 'static,
    {
        let this = self.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let _serialized = this.persist_lock.lock();
            let undo = change(&this);
            let result = this.write_file();
            if result.is_err() {
                undo(&this);
            }
            result
        })
        .await
        .map_err(|e| NamesrvError::Task(e.to_string()))?;
        if let Err(e) = &outcome {
            tracing::error!(path = %self.kv_config_path.display(), error = %e, "persist kvconfig Exception, change undone");
        }
        outcome
    }

    /// Writes the whole table to `kvConfigPath` (blocking; atomic replace).
    pub fn persist(&self) -> Result<(), NamesrvError> {
        let _serialized = self.persist_lock.lock();
        self.write_file()
    }

    fn write_file(&self) -> Result<(), NamesrvError> {
        let content = {
            let table = self.config_table.read();
            let wrapper = KVConfigSerializeWrapper {
                config_table: table.clone(),
            };
            rmq_common::fastjson::to_string(&wrapper)
        };
        string_to_file(&content, &self.kv_config_path)
            .map_err(|e| NamesrvError::io("write", &self.kv_config_path, e))
    }

    /// Returns the value of `namespace`/`key`.
    pub fn get_kv_config(&self, namespace: &str, key: &str) -> Option<String> {
        self.config_table
            .read()
            .get(namespace)
            .and_then(|kv| kv.get(key).cloned())
    }

    /// Returns a namespace as a KVTable, `None` if the namespace does not exist.
    pub fn get_kv_list_by_namespace(&self, namespace: &str) -> Option<KVTable> {
        self.config_table
            .read()
            .get(namespace)
            .map(|kv| KVTable { table: kv.clone() })
    }

    /// Logs every entry (`printAllPeriodically`, every 10 minutes).
    pub fn print_all_periodically(&self) {
        let table = self.config_table.read();
        tracing::info!("--------------------------------------------------------");
        tracing::info!("configTable SIZE: {}", table.len());
        for (ns, kv) in table.iter() {
            for (k, v) in kv {
                tracing::info!("configTable NS: {ns} Key: {k} Value: {v}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_get_delete_persist_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("namesrv/kvConfig.json");
        let m = Arc::new(KVConfigManager::new(&path));
        m.load();
        m.put_kv_config("ORDER_TOPIC_CONFIG", "T", "broker-a:4")
            .await
            .unwrap();
        m.put_kv_config("ns", "k", "v").await.unwrap();
        m.put_kv_config("ns", "k", "v2").await.unwrap();
        assert_eq!(m.get_kv_config("ns", "k").as_deref(), Some("v2"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            r#"{"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:4"},"ns":{"k":"v2"}}}"#
        );
        m.delete_kv_config("ns", "k").await.unwrap();
        assert_eq!(m.get_kv_config("ns", "k"), None);
        assert!(m.get_kv_list_by_namespace("ns").unwrap().table.is_empty());
        assert!(m.get_kv_list_by_namespace("none").is_none());

        let again = KVConfigManager::new(&path);
        again.load();
        assert_eq!(
            again.get_kv_config("ORDER_TOPIC_CONFIG", "T").as_deref(),
            Some("broker-a:4")
        );
        assert_eq!(again.get_kv_config("ns", "k"), None);
    }

    #[tokio::test]
    async fn a_failed_write_is_reported_and_undone() {
        let dir = tempfile::tempdir().unwrap();
        // A regular file where a directory should be: unwritable even for root.
        std::fs::write(dir.path().join("blocker"), "").unwrap();
        let path = dir.path().join("blocker/kvConfig.json");
        let m = Arc::new(KVConfigManager::new(&path));
        m.load();
        let err = m
            .put_kv_config("ns", "k", "v")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("cannot write {}: ", path.display())),
            "{err}"
        );
        assert!(err.contains("os error"), "{err}");
        assert_eq!(m.get_kv_config("ns", "k"), None);
        assert!(
            m.get_kv_list_by_namespace("ns").is_none(),
            "no namespace left behind"
        );

        // An existing value survives a failed overwrite and a failed delete.
        m.put_kv_config_in_memory("ns", "k", "old");
        assert!(m.put_kv_config("ns", "k", "new").await.is_err());
        assert_eq!(m.get_kv_config("ns", "k").as_deref(), Some("old"));
        assert!(m.delete_kv_config("ns", "k").await.is_err());
        assert_eq!(m.get_kv_config("ns", "k").as_deref(), Some("old"));
        assert!(m.put_kv_config("ns", "other", "x").await.is_err());
        assert_eq!(m.get_kv_list_by_namespace("ns").unwrap().table.len(), 1);
    }

    #[test]
    fn corrupt_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kvConfig.json");
        std::fs::write(&path, "{not json").unwrap();
        let m = KVConfigManager::new(&path);
        m.load();
        assert!(m.get_kv_list_by_namespace("x").is_none());
        assert!(dir.path().join("kvConfig.json.corrupt").exists());
    }

    #[test]
    fn reads_java_written_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kvConfig.json");
        std::fs::write(
            &path,
            r#"{"configTable":{"ORDER_TOPIC_CONFIG":{"TopicOrder":"broker-a:8;broker-b:8"}}}"#,
        )
        .unwrap();
        let m = KVConfigManager::new(&path);
        m.load();
        assert_eq!(
            m.get_kv_config("ORDER_TOPIC_CONFIG", "TopicOrder")
                .as_deref(),
            Some("broker-a:8;broker-b:8")
        );
    }
}
