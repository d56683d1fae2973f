//! `Configuration`: a server's registered config objects seen as one property set — printed by
//! `GET_*_CONFIG`, changed by `UPDATE_*_CONFIG` and persisted to the store path (Java
//! `org.apache.rocketmq.common.Configuration`).

use crate::mix_all::string_to_file;
use crate::properties::{self, BindReport, Properties};
use crate::DataVersion;
use parking_lot::{Mutex, RwLock};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// A config object registered with a [`Configuration`] (Java: any bean passed to
/// `registerConfig`, read with `MixAll.object2Properties`, written with `properties2Object`).
pub trait ConfigObject: Send + Sync {
    /// Returns the object's fields as properties.
    fn to_properties(&self) -> Properties;
    /// Sets the fields named by keys of `props`; reports the keys it has no field for.
    fn bind(&self, props: &Properties) -> BindReport;
}

/// The keys an update request may not change: `fixed` plus each `;`-separated key of the
/// `configBlackList` value, without repeats (Java's processors' `initConfigBlackList`).
pub fn black_list_keys(fixed: &[&str], config_black_list: &str) -> Vec<String> {
    let mut keys: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    for k in config_black_list.split(';').map(str::trim) {
        if !k.is_empty() && !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    keys
}

/// A shared, live config struct with its accepted old key spellings.
pub struct SharedConfig<T> {
    object: Arc<RwLock<T>>,
    aliases: &'static [(&'static str, &'static str)],
}

impl<T> SharedConfig<T> {
    /// Registers `object`; `aliases` maps old key spellings to field names.
    pub fn new(object: Arc<RwLock<T>>, aliases: &'static [(&'static str, &'static str)]) -> Self {
        SharedConfig { object, aliases }
    }
}

impl<T: Serialize + DeserializeOwned + Send + Sync> ConfigObject for SharedConfig<T> {
    fn to_properties(&self) -> Properties {
        properties::object_to_properties(&*self.object.read())
    }

    fn bind(&self, props: &Properties) -> BindReport {
        properties::bind(&mut *self.object.write(), props, self.aliases)
    }
}

type StorePathFn = Box<dyn Fn() -> PathBuf + Send + Sync>;

/// The registered objects, every key ever registered with its latest value, the data version
/// and the file `persist` writes.
pub struct Configuration {
    objects: Vec<Box<dyn ConfigObject>>,
    all_configs: RwLock<Properties>,
    data_version: Mutex<DataVersion>,
    store_path: StorePathFn,
}

impl Configuration {
    /// An empty configuration persisted to `store_path` (Java `setStorePath`).
    pub fn new(store_path: PathBuf) -> Self {
        Self::with_store_path_fn(Box::new(move || store_path.clone()))
    }

    /// An empty configuration persisted to the path `store_path` returns at each persist (Java
    /// `setStorePathFromConfig`, e.g. the NameServer's `configStorePath` field).
    pub fn with_store_path_fn(store_path: StorePathFn) -> Self {
        Configuration {
            objects: Vec::new(),
            all_configs: RwLock::new(Properties::new()),
            data_version: Mutex::new(DataVersion::new()),
            store_path,
        }
    }

    /// Registers a live config object; its fields join the property set (Java
    /// `registerConfig(Object)`).
    pub fn register_config(mut self, object: impl ConfigObject + 'static) -> Self {
        self.all_configs.get_mut().extend(object.to_properties());
        self.objects.push(Box::new(object));
        self
    }

    /// Registers plain properties: kept and updated by key, bound to no object (Java
    /// `registerConfig(Properties)`).
    pub fn register_properties(mut self, props: Properties) -> Self {
        self.all_configs.get_mut().extend(props);
        self
    }

    /// Returns the file `persist` writes.
    pub fn store_path(&self) -> PathBuf {
        (self.store_path)()
    }

    /// Returns every key and value, the objects' current fields included (Java
    /// `getAllConfigs`).
    pub fn all_configs(&self) -> Properties {
        let mut all = self.all_configs.write();
        for o in &self.objects {
            all.extend(o.to_properties());
        }
        all.clone()
    }

    /// Returns every setting as sorted `key=value` lines (Java `getAllConfigsFormatString`).
    pub fn all_configs_format_string(&self) -> String {
        properties::to_string(&self.all_configs())
    }

    /// Returns the version bumped by each update.
    pub fn data_version(&self) -> DataVersion {
        self.data_version.lock().clone()
    }

    /// Returns the data version as JSON (Java `getDataVersionJson`).
    pub fn data_version_json(&self) -> String {
        crate::fastjson::to_string(&*self.data_version.lock())
    }

    /// Applies `props`: known keys take the new value, each object binds the keys it has, and
    /// the version is bumped (Java `update` without its `persist`). The report lists the keys
    /// no object knows and the values some object could not parse.
    pub fn update(&self, props: &Properties) -> BindReport {
        {
            let mut all = self.all_configs.write();
            for (k, v) in props {
                if let Some(cur) = all.get_mut(k) {
                    if cur != v {
                        tracing::info!("Replace, key: {k}, value: {cur} -> {v}");
                    }
                    cur.clone_from(v);
                }
            }
        }
        let mut report: Option<BindReport> = None;
        for o in &self.objects {
            let r = o.bind(props);
            report = Some(match report {
                None => r,
                Some(acc) => BindReport {
                    unknown_keys: acc
                        .unknown_keys
                        .into_iter()
                        .filter(|k| r.unknown_keys.contains(k))
                        .collect(),
                    invalid_keys: acc.invalid_keys.into_iter().chain(r.invalid_keys).collect(),
                },
            });
        }
        self.data_version.lock().next_version();
        report.unwrap_or_default()
    }

    /// Writes [`Configuration::all_configs_format_string`] to the store path, keeping the
    /// previous file as `.bak` (Java `persist`, `MixAll.string2File`). Blocking.
    pub fn persist(&self) -> std::io::Result<()> {
        string_to_file(&self.all_configs_format_string(), &self.store_path())
    }

    /// Returns the property set and version, to undo an update with [`Configuration::restore`].
    pub fn snapshot(&self) -> (Properties, DataVersion) {
        (self.all_configs.read().clone(), self.data_version())
    }

    /// Puts back a [`Configuration::snapshot`] (the objects are the caller's to restore).
    pub fn restore(&self, snapshot: (Properties, DataVersion)) {
        *self.all_configs.write() = snapshot.0;
        *self.data_version.lock() = snapshot.1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Default)]
    #[serde(rename_all = "camelCase", default)]
    struct A {
        enable: bool,
        #[serde(rename = "isOld")]
        old: bool,
    }

    #[derive(Serialize, Deserialize, Default)]
    #[serde(rename_all = "camelCase", default)]
    struct B {
        threads: i32,
    }

    #[test]
    fn update_binds_objects_keeps_extra_keys_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.properties");
        std::fs::write(&path, "old=1\n").unwrap();
        let a = Arc::new(RwLock::new(A::default()));
        let b = Arc::new(RwLock::new(B { threads: 8 }));
        let c = Configuration::new(path.clone())
            .register_properties(properties::parse("custom=1\nthreads=1\n"))
            .register_config(SharedConfig::new(a.clone(), &[("old", "isOld")]))
            .register_config(SharedConfig::new(b.clone(), &[]));
        assert_eq!(
            c.all_configs_format_string(),
            "custom=1\nenable=false\nisOld=false\nthreads=8\n"
        );
        let v0 = c.data_version_json();
        let snap = c.snapshot();
        let report = c.update(&properties::parse(
            "enable=true\nold=true\nthreads=x\ncustom=2\nnewKey=1\n",
        ));
        assert_eq!(report.unknown_keys, ["custom", "newKey"]);
        assert_eq!(report.invalid_keys, ["threads"]);
        assert!(a.read().enable && a.read().old);
        assert_eq!(b.read().threads, 8);
        assert_ne!(c.data_version_json(), v0);
        let all = c.all_configs();
        assert_eq!(all["custom"], "2");
        assert_eq!(all["threads"], "8");
        assert!(!all.contains_key("newKey"));
        c.persist().unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written, "custom=2\nenable=true\nisOld=true\nthreads=8\n");
        let bak = std::fs::read_to_string(dir.path().join("x.properties.bak")).unwrap();
        assert_eq!(bak, "old=1\n");
        c.restore(snap);
        assert_eq!(c.data_version_json(), v0);
        assert_eq!(c.all_configs()["custom"], "1");
    }
}
