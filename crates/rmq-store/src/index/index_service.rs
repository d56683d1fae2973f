//! `IndexService`: the list of index files, building entries from dispatched records and
//! answering key queries (Java `IndexService`).

use super::IndexFile;
use crate::dispatch_request::DispatchRequest;
use crate::file_system::FileSystem;
use crate::store_checkpoint::StoreCheckpoint;
use crate::store_error::StoreError;
use parking_lot::RwLock;
use rmq_common::sys_flag::message_sys_flag;
use rmq_common::util_all::{current_millis, time_millis_to_human_string};
use std::path::PathBuf;
use std::sync::Arc;

/// Index files, oldest first; only the last one is written.
pub(crate) struct IndexService {
    dir: PathBuf,
    hash_slot_num: i32,
    index_num: i32,
    max_msgs_num_batch: usize,
    files: RwLock<Vec<Arc<IndexFile>>>,
    checkpoint: Arc<StoreCheckpoint>,
    fs: Arc<dyn FileSystem>,
}

impl IndexService {
    pub(crate) fn new(
        dir: PathBuf,
        hash_slot_num: i32,
        index_num: i32,
        max_msgs_num_batch: usize,
        checkpoint: Arc<StoreCheckpoint>,
        fs: Arc<dyn FileSystem>,
    ) -> Self {
        IndexService {
            dir,
            hash_slot_num,
            index_num,
            max_msgs_num_batch,
            files: RwLock::new(Vec::new()),
            checkpoint,
            fs,
        }
    }

    /// Opens the index files; after an abnormal exit, files written after the checkpoint's
    /// index time are deleted (their entries are rebuilt by recovery) (Java `load`).
    pub(crate) fn load(&self, last_exit_ok: bool) -> Result<(), StoreError> {
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&self.dir) {
            Ok(d) => d
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(StoreError::io(&self.dir, e)),
        };
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            let f = IndexFile::open(
                &p,
                self.hash_slot_num,
                self.index_num,
                0,
                0,
                self.fs.clone(),
            )?;
            if !last_exit_ok && f.end_timestamp() > self.checkpoint.index_msg_timestamp() {
                tracing::info!(file = %p.display(), "deleting index file newer than checkpoint");
                f.destroy();
                continue;
            }
            files.push(Arc::new(f));
        }
        *self.files.write() = files;
        Ok(())
    }

    /// Indexes the record's `UNIQ_KEY` and each `KEYS` word (Java `buildIndex`).
    ///
    /// Unlike Java, a record's keys all go into one file when they fit: a new file is started
    /// before the first key rather than between two. So when that file cannot be created (a
    /// full disk) nothing of the record is indexed yet, and the retry adds no key twice. The
    /// disk blocks of all its entries are likewise reserved before the first key is added.
    pub(crate) fn build_index(&self, req: &DispatchRequest<'_>) -> Result<(), StoreError> {
        let mut file = self.last_file_with_room(0)?;
        if req.commit_log_offset < file.end_phy_offset() {
            return Ok(());
        }
        if message_sys_flag::get_transaction_value(req.sys_flag)
            == message_sys_flag::TRANSACTION_ROLLBACK_TYPE
        {
            return Ok(());
        }
        let keys: Vec<&str> = req
            .uniq_key
            .into_iter()
            .chain(req.keys.split(' ').filter(|k| !k.is_empty()))
            .collect();
        if keys.is_empty() {
            return Ok(());
        }
        if !file.has_room_for(keys.len()) {
            file = self.last_file_with_room(keys.len())?;
        }
        file.reserve_entries(keys.len())?;
        for (i, key) in keys.iter().enumerate() {
            while !file.put_key(req.topic, key, req.commit_log_offset, req.store_timestamp)? {
                tracing::warn!(file = %file.path().display(), "index file is full, creating another one");
                file = self.last_file_with_room(1)?;
                file.reserve_entries(keys.len() - i)?;
            }
        }
        Ok(())
    }

    /// Returns the last file if it has room for `entries` keys (see
    /// [`IndexFile::has_room_for`]), else creates the next one (Java
    /// `getAndCreateLastIndexFile`, which only asks for a file that is not full).
    fn last_file_with_room(&self, entries: usize) -> Result<Arc<IndexFile>, StoreError> {
        let (prev, end_phy, end_ts) = {
            let files = self.files.read();
            match files.last() {
                Some(f) if f.has_room_for(entries) => return Ok(f.clone()),
                Some(f) => (Some(f.clone()), f.end_phy_offset(), f.end_timestamp()),
                None => (None, 0, 0),
            }
        };
        let mut files = self.files.write();
        if let Some(f) = files.last() {
            if f.has_room_for(entries) {
                return Ok(f.clone());
            }
        }
        // Two files created in the same millisecond would share a name: step past it.
        let mut now = current_millis();
        let mut path = self.dir.join(time_millis_to_human_string(now));
        while path.exists() {
            now += 1;
            path = self.dir.join(time_millis_to_human_string(now));
        }
        let f = Arc::new(IndexFile::open(
            &path,
            self.hash_slot_num,
            self.index_num,
            end_phy,
            end_ts,
            self.fs.clone(),
        )?);
        files.push(f.clone());
        drop(files);
        if let Some(prev) = prev {
            // Java flushes the full file on a "FlushIndexFileThread"; it is done once per file.
            let checkpoint = self.checkpoint.clone();
            let spawned = std::thread::Builder::new()
                .name("FlushIndexFileThread".into())
                .spawn(move || {
                    prev.flush();
                    checkpoint.set_index_msg_timestamp(prev.end_timestamp());
                    checkpoint.flush();
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start FlushIndexFileThread");
            }
        }
        Ok(f)
    }

    /// Finds offsets for `topic`/`key` in `[begin, end]`, newest files first; returns the
    /// offsets and the last file's end time and end offset (Java `queryOffset`).
    pub(crate) fn query_offset(
        &self,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) -> (Vec<i64>, i64, i64) {
        let max_num = max_num.min(self.max_msgs_num_batch);
        let mut out = Vec::new();
        let (mut last_ts, mut last_phy) = (0, 0);
        let files = self.files.read().clone();
        for (i, f) in files.iter().enumerate().rev() {
            if i + 1 == files.len() {
                last_ts = f.end_timestamp();
                last_phy = f.end_phy_offset();
            }
            if f.is_time_matched(begin, end) {
                f.select_phy_offset(&mut out, topic, key, max_num, begin, end);
            }
            if f.begin_timestamp() < begin || out.len() >= max_num {
                break;
            }
        }
        (out, last_ts, last_phy)
    }

    /// Deletes files (never the last) whose entries all point below `offset`.
    pub(crate) fn delete_expired_file(&self, offset: i64) {
        let mut files = self.files.write();
        let n = files.len();
        let mut remove = 0;
        for f in files.iter().take(n.saturating_sub(1)) {
            if f.end_phy_offset() < offset && f.destroy() {
                remove += 1;
            } else {
                break;
            }
        }
        files.drain(..remove);
    }

    /// Returns the files, oldest first.
    #[cfg(test)]
    pub(crate) fn files(&self) -> Vec<Arc<IndexFile>> {
        self.files.read().clone()
    }

    /// Flushes every file.
    pub(crate) fn flush_all(&self) {
        for f in self.files.read().iter() {
            f.flush();
        }
    }
}
