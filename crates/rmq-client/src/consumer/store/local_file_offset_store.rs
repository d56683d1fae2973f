//! `LocalFileOffsetStore`: BROADCASTING offsets in
//! `~/.rocketmq_offsets/<clientId>/<group>/offsets.json` plus `.bak`, in fastjson's
//! `OffsetSerializeWrapper` form (Java `consumer/store/LocalFileOffsetStore`).

use super::{read_offset_from_memory, ReadOffsetType};
use crate::error::ClientError;
use parking_lot::Mutex;
use rmq_common::mix_all::{file_to_string, string_to_file};
use rmq_common::MessageQueue;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// `{"offsetTable":{{"brokerName":..,"queueId":..,"topic":..}:offset}}`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct OffsetSerializeWrapper {
    #[serde(with = "rmq_common::fastjson::object_key_map")]
    offset_table: HashMap<MessageQueue, i64>,
}

/// Returns the offsets directory (`rocketmq.client.localOffsetStoreDir`, env
/// `ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR`, default `~/.rocketmq_offsets`).
pub fn local_offset_store_dir() -> PathBuf {
    std::env::var_os("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| rmq_common::mix_all::user_home().join(".rocketmq_offsets"))
}

/// Offsets stored in a local file.
pub struct LocalFileOffsetStore {
    store_path: PathBuf,
    offset_table: Mutex<HashMap<MessageQueue, i64>>,
}

impl LocalFileOffsetStore {
    /// Builds the store of `group` for client `client_id` under `dir`.
    pub fn new(dir: &Path, client_id: &str, group_name: &str) -> Self {
        LocalFileOffsetStore {
            store_path: dir.join(client_id).join(group_name).join("offsets.json"),
            offset_table: Mutex::new(HashMap::new()),
        }
    }

    /// Returns the file path.
    pub fn store_path(&self) -> &Path {
        &self.store_path
    }

    pub(crate) fn table(&self) -> &Mutex<HashMap<MessageQueue, i64>> {
        &self.offset_table
    }

    /// Reads the file, or its `.bak` when the file is missing, empty or does not decode
    /// (`readLocalOffset` / `readLocalOffsetBak`, `MixAll.file2String`).
    async fn read_local_offset(&self) -> Result<Option<OffsetSerializeWrapper>, ClientError> {
        let path = self.store_path.clone();
        let texts = tokio::task::spawn_blocking(move || {
            let bak = rmq_common::mix_all::with_suffix(&path, ".bak");
            Ok::<_, std::io::Error>([(file_to_string(&path)?, path), (file_to_string(&bak)?, bak)])
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
        for (text, path) in texts {
            let Some(text) = text.filter(|t| !t.is_empty()) else {
                continue;
            };
            match rmq_common::fastjson::from_str::<OffsetSerializeWrapper>(&text) {
                Ok(w) => return Ok(Some(w)),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "readLocalOffset failed, trying the backup")
                }
            }
        }
        Ok(None)
    }

    /// Loads the file into memory (`load`).
    pub async fn load(&self) -> Result<(), ClientError> {
        if let Some(w) = self.read_local_offset().await? {
            let mut t = self.offset_table.lock();
            for (mq, o) in w.offset_table {
                tracing::info!(mq = %mq, offset = o, "load consumer's offset");
                t.insert(mq, o);
            }
        }
        Ok(())
    }

    /// Returns a queue's offset, -1 when unknown (`readOffset`).
    pub async fn read_offset(&self, mq: &MessageQueue, kind: ReadOffsetType) -> i64 {
        if let Some(o) = read_offset_from_memory(&self.offset_table, mq, kind) {
            return o;
        }
        match self.read_local_offset().await {
            Ok(Some(w)) => match w.offset_table.get(mq) {
                Some(o) => {
                    self.offset_table.lock().insert(mq.clone(), *o);
                    *o
                }
                None => -1,
            },
            Ok(None) => -1,
            Err(_) => -1,
        }
    }

    /// Writes the offsets of `mqs` to the file, keeping the previous file as `.bak`
    /// (`persistAll`, `MixAll.string2File`).
    pub async fn persist_all(&self, mqs: &HashSet<MessageQueue>) {
        if mqs.is_empty() {
            return;
        }
        let wrapper = OffsetSerializeWrapper {
            offset_table: self
                .offset_table
                .lock()
                .iter()
                .filter(|(mq, _)| mqs.contains(*mq))
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        };
        let json =
            String::from_utf8(rmq_common::fastjson::to_vec_pretty(&wrapper)).unwrap_or_default();
        let path = self.store_path.clone();
        let written = tokio::task::spawn_blocking(move || string_to_file(&json, &path)).await;
        let result = written.unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
        if let Err(e) = result {
            tracing::error!(path = %self.store_path.display(), error = %e, "persistAll consumer offset Exception");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::OffsetStore;
    use super::*;

    #[tokio::test]
    async fn persists_and_loads_java_format() {
        let dir = tempfile::tempdir().unwrap();
        let store = OffsetStore::Local(LocalFileOffsetStore::new(dir.path(), "127.0.0.1@1#2", "g"));
        let mq = MessageQueue::new("T", "b", 1);
        store.update_offset(&mq, 10, false);
        store.update_offset(&mq, 5, true);
        assert_eq!(
            store.read_offset(&mq, ReadOffsetType::ReadFromMemory).await,
            10
        );
        store.persist_all(&HashSet::from([mq.clone()])).await;
        store.update_offset(&mq, 12, false);
        store.persist_all(&HashSet::from([mq.clone()])).await;
        let path = dir.path().join("127.0.0.1@1#2/g/offsets.json");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(r#""offsetTable""#), "{text}");
        assert!(text.contains(r#""topic":"T""#), "{text}");
        assert!(path.with_extension("json.bak").exists());
        assert!(!path.with_extension("json.tmp").exists());
        // A fresh store reads the file, as Java's consumer would.
        let again = OffsetStore::Local(LocalFileOffsetStore::new(dir.path(), "127.0.0.1@1#2", "g"));
        assert_eq!(
            again.read_offset(&mq, ReadOffsetType::ReadFromMemory).await,
            -1
        );
        again.load().await.unwrap();
        assert_eq!(
            again.read_offset(&mq, ReadOffsetType::ReadFromMemory).await,
            12
        );
        // Java writes object keys raw; we read them too.
        std::fs::write(
            &path,
            br#"{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:33}}"#,
        )
        .unwrap();
        assert_eq!(
            again.read_offset(&mq, ReadOffsetType::ReadFromStore).await,
            33
        );
        assert_eq!(again.clone_offset_table(Some("T")).len(), 1);
        assert!(again.clone_offset_table(Some("X")).is_empty());
    }
}
