//! `CleanCommitLogService` and `CleanConsumeQueueService` (Java, inner classes of
//! `DefaultMessageStore`): deletes expired CommitLog files, then ConsumeQueue and index files
//! that only point below the new CommitLog min offset; watches disk usage.
//!
//! Triggers: the current hour is in `deleteWhen`; disk usage above `diskMaxUsedSpaceRatio`
//! (75%); a manual request (20 rounds). Usage above `diskSpaceCleanForciblyRatio` (85%, capped
//! there) deletes regardless of age; above `diskSpaceWarningLevelRatio` (90%, capped there) the
//! disk is marked full and puts get SERVICE_NOT_AVAILABLE until it drops.
//!
//! Both run on the `StoreScheduledThread` (see `store_scheduled_service`).

use crate::commit_log::CommitLog;
use crate::config::MessageStoreConfig;
use crate::consume_queue_store::ConsumeQueueStore;
use crate::file_system::{used_ratio, FileSystem};
use crate::index::IndexService;
use crate::running_flags::RunningFlags;
use chrono::Timelike;
use parking_lot::RwLock;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};
use std::sync::Arc;

const MAX_MANUAL_DELETE_FILE_TIMES: i32 = 20;

/// Probe of a partition's used ratio (0.0..=1.0, -1 when unknown) for a path.
pub type DiskUsageProbe = Box<dyn Fn(&Path) -> f64 + Send + Sync>;

/// Deletes expired CommitLog files and watches disk usage (Java `CleanCommitLogService`).
pub(crate) struct CleanCommitLogService {
    config: Arc<MessageStoreConfig>,
    commit_log: Arc<CommitLog>,
    running_flags: Arc<RunningFlags>,
    fs: Arc<dyn FileSystem>,
    manual_delete_file_several_times: AtomicI32,
    clean_immediately: AtomicBool,
    disk_probe: RwLock<Option<DiskUsageProbe>>,
    /// Called with the new CommitLog min offset after files were deleted (controller mode
    /// drops the epoch entries below it).
    on_files_deleted: std::sync::OnceLock<Box<dyn Fn(i64) + Send + Sync>>,
}

impl CleanCommitLogService {
    pub(crate) fn new(
        config: Arc<MessageStoreConfig>,
        commit_log: Arc<CommitLog>,
        running_flags: Arc<RunningFlags>,
        fs: Arc<dyn FileSystem>,
    ) -> Self {
        CleanCommitLogService {
            config,
            commit_log,
            running_flags,
            fs,
            manual_delete_file_several_times: AtomicI32::new(0),
            clean_immediately: AtomicBool::new(false),
            disk_probe: RwLock::new(None),
            on_files_deleted: std::sync::OnceLock::new(),
        }
    }

    /// Registers what runs after a round deleted files (Java: controller mode's
    /// `truncateEpochFilePrefix(minPhyOffset - 1)`).
    pub(crate) fn set_on_files_deleted(&self, f: Box<dyn Fn(i64) + Send + Sync>) {
        let _ = self.on_files_deleted.set(f);
    }

    /// Replaces how disk usage is measured; `None` restores `statvfs`.
    pub(crate) fn set_disk_usage_probe(&self, probe: Option<DiskUsageProbe>) {
        *self.disk_probe.write() = probe;
    }

    fn disk_used_ratio(&self, path: &Path) -> f64 {
        match self.disk_probe.read().as_ref() {
            Some(p) => p(path),
            None => self.fs.disk_space(path).map(used_ratio).unwrap_or(-1.0),
        }
    }

    /// Asks the next 20 rounds to delete expired files now (Java `executeDeleteFilesManually`).
    pub(crate) fn execute_delete_files_manually(&self) {
        self.manual_delete_file_several_times
            .store(MAX_MANUAL_DELETE_FILE_TIMES, Ordering::Release);
    }

    fn warning_ratio(&self) -> f64 {
        (self.config.disk_space_warning_level_ratio as f64 / 100.0).clamp(0.35, 0.90)
    }

    fn clean_forcibly_ratio(&self) -> f64 {
        (self.config.disk_space_clean_forcibly_ratio as f64 / 100.0).clamp(0.30, 0.85)
    }

    /// Checks one partition's ratio against the watermarks, marking the disk full or OK;
    /// returns true when it asks for immediate cleaning.
    fn check_watermarks(&self, ratio: f64, what: &str) -> bool {
        if ratio > self.warning_ratio() {
            if self.running_flags.get_and_make_disk_full() {
                tracing::error!(ratio, "{what} disk maybe full soon, so mark disk full");
            }
            self.clean_immediately.store(true, Ordering::Release);
            return true;
        } else if ratio > self.clean_forcibly_ratio() {
            self.clean_immediately.store(true, Ordering::Release);
            return true;
        } else if !self.running_flags.get_and_make_disk_ok() {
            tracing::info!(ratio, "{what} disk space OK, so mark disk ok");
        }
        false
    }

    /// Returns true when disk usage asks for cleaning, marking the disk full or OK on the way
    /// (Java `isSpaceToDelete`).
    fn is_space_to_delete(&self) -> bool {
        self.clean_immediately.store(false, Ordering::Release);
        let physic = self.disk_used_ratio(&self.config.commit_log_store_path());
        if self.check_watermarks(physic, "physic") {
            return true;
        }
        let logics = self.disk_used_ratio(&self.config.consume_queue_store_path());
        if self.check_watermarks(logics, "logics") {
            return true;
        }
        let ratio = self.config.disk_max_used_space_ratio_clamped() as f64 / 100.0;
        physic < 0.0 || physic > ratio || logics < 0.0 || logics > ratio
    }

    /// One round (Java `CleanCommitLogService#run`); returns the number of files deleted.
    pub(crate) fn run(&self) -> usize {
        let time_up =
            crate::config::is_it_time_to_do(&self.config.delete_when, chrono::Local::now().hour());
        let space = self.is_space_to_delete();
        let manual = self
            .manual_delete_file_several_times
            .load(Ordering::Acquire)
            > 0;
        if !(time_up || space || manual) {
            return 0;
        }
        if manual {
            self.manual_delete_file_several_times
                .fetch_sub(1, Ordering::AcqRel);
        }
        let clean_at_once = self.config.clean_file_forcibly_enable
            && self.clean_immediately.load(Ordering::Acquire);
        tracing::info!(
            file_reserved_time = self.config.file_reserved_time,
            time_up,
            space,
            manual,
            clean_at_once,
            "begin to delete expired files"
        );
        let count = self.commit_log.delete_expired_file(
            self.config.file_reserved_time as i64 * 3_600_000,
            self.config.delete_commit_log_files_interval.max(0) as u64,
            clean_at_once,
            self.config.delete_file_batch_max.max(1) as usize,
        );
        if count == 0 && space {
            tracing::warn!("disk space will be full soon, but delete file failed");
        }
        if count > 0 {
            if let Some(f) = self.on_files_deleted.get() {
                f(self.commit_log.min_offset());
            }
        }
        count
    }
}

/// Deletes ConsumeQueue and index files below the CommitLog min offset (Java
/// `CleanConsumeQueueService`).
pub(crate) struct CleanConsumeQueueService {
    commit_log: Arc<CommitLog>,
    cq_store: Arc<ConsumeQueueStore>,
    index_service: Arc<IndexService>,
    last_physical_min_offset: AtomicI64,
}

impl CleanConsumeQueueService {
    pub(crate) fn new(
        commit_log: Arc<CommitLog>,
        cq_store: Arc<ConsumeQueueStore>,
        index_service: Arc<IndexService>,
    ) -> Self {
        CleanConsumeQueueService {
            commit_log,
            cq_store,
            index_service,
            last_physical_min_offset: AtomicI64::new(0),
        }
    }

    /// One round (Java `CleanConsumeQueueService#run`).
    pub(crate) fn run(&self) {
        let min = self.commit_log.min_offset();
        if min > self.last_physical_min_offset.load(Ordering::Acquire) {
            self.last_physical_min_offset.store(min, Ordering::Release);
            for cq in self.cq_store.all() {
                cq.delete_expired_file(min);
            }
            self.index_service.delete_expired_file(min);
        }
    }
}
