//! `CleanCommitLogService` and `CleanConsumeQueueService` (Java, inner classes of
//! `DefaultMessageStore`): deletes expired CommitLog files, then ConsumeQueue and index files
//! that only point below the new CommitLog min offset; watches disk usage.
//!
//! Triggers: the current hour is in `deleteWhen`; disk usage above `diskMaxUsedSpaceRatio`
//! (75%); a manual request (20 rounds). Usage above `diskSpaceCleanForciblyRatio` (85%, capped
//! there) deletes regardless of age; above `diskSpaceWarningLevelRatio` (90%, capped there) the
//! disk is marked full and puts get SERVICE_NOT_AVAILABLE until it drops.

use crate::default_message_store::{DefaultMessageStore, DiskUsageProbe};
use crate::file_system::{DefaultFileSystem, DiskSpace, FileSystem};
use chrono::Timelike;
use parking_lot::RwLock;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};

const MAX_MANUAL_DELETE_FILE_TIMES: i32 = 20;

/// Mutable state of the cleaning services.
#[derive(Default)]
pub(crate) struct CleanState {
    manual_delete_file_several_times: AtomicI32,
    clean_immediately: AtomicBool,
    last_physical_min_offset: AtomicI64,
    disk_probe: RwLock<Option<DiskUsageProbe>>,
}

/// Returns the used ratio of the partition holding `path` as Java's
/// `UtilAll.getDiskPartitionSpaceUsedPercent` computes it (rounded up to 1%), or -1.
pub fn disk_partition_space_used_percent(path: &Path) -> f64 {
    DefaultFileSystem
        .disk_space(path)
        .map(used_ratio)
        .unwrap_or(-1.0)
}

/// Java's used ratio: `used / (used + available)`, rounded up to 1%; -1 when unknown.
fn used_ratio(space: DiskSpace) -> f64 {
    if space.total == 0 {
        return -1.0;
    }
    let used = space.total.saturating_sub(space.free);
    let entire = used + space.available;
    if entire == 0 {
        return -1.0;
    }
    let round = u64::from(!(used * 100).is_multiple_of(entire));
    ((used * 100) / entire + round) as f64 / 100.0
}

impl DefaultMessageStore {
    /// Replaces how disk usage is measured (tests, or a broker with its own quota); `None`
    /// restores `statvfs`.
    pub fn set_disk_usage_probe(&self, probe: Option<DiskUsageProbe>) {
        *self.clean.disk_probe.write() = probe;
    }

    fn disk_used_ratio(&self, path: &Path) -> f64 {
        match self.clean.disk_probe.read().as_ref() {
            Some(p) => p(path),
            None => self.fs.disk_space(path).map(used_ratio).unwrap_or(-1.0),
        }
    }

    /// Asks the next 20 cleaning rounds to delete expired files now (Java
    /// `executeDeleteFilesManually`).
    pub fn execute_delete_files_manually(&self) {
        self.clean
            .manual_delete_file_several_times
            .store(MAX_MANUAL_DELETE_FILE_TIMES, Ordering::Release);
    }

    fn warning_ratio(&self) -> f64 {
        (self.config.disk_space_warning_level_ratio as f64 / 100.0).clamp(0.35, 0.90)
    }

    fn clean_forcibly_ratio(&self) -> f64 {
        (self.config.disk_space_clean_forcibly_ratio as f64 / 100.0).clamp(0.30, 0.85)
    }

    /// Returns true when disk usage asks for cleaning, marking the disk full or OK on the way
    /// (Java `isSpaceToDelete`).
    fn is_space_to_delete(&self) -> bool {
        self.clean.clean_immediately.store(false, Ordering::Release);
        let physic = self.disk_used_ratio(&self.config.commit_log_store_path());
        if physic > self.warning_ratio() {
            if self.running_flags.get_and_make_disk_full() {
                tracing::error!(
                    ratio = physic,
                    "physic disk maybe full soon, so mark disk full"
                );
            }
            self.clean.clean_immediately.store(true, Ordering::Release);
            return true;
        } else if physic > self.clean_forcibly_ratio() {
            self.clean.clean_immediately.store(true, Ordering::Release);
            return true;
        } else if !self.running_flags.get_and_make_disk_ok() {
            tracing::info!(ratio = physic, "physic disk space OK, so mark disk ok");
        }
        let logics = self.disk_used_ratio(&self.config.consume_queue_store_path());
        if logics > self.warning_ratio() {
            if self.running_flags.get_and_make_disk_full() {
                tracing::error!(
                    ratio = logics,
                    "logics disk maybe full soon, so mark disk full"
                );
            }
            self.clean.clean_immediately.store(true, Ordering::Release);
            return true;
        } else if logics > self.clean_forcibly_ratio() {
            self.clean.clean_immediately.store(true, Ordering::Release);
            return true;
        } else if !self.running_flags.get_and_make_disk_ok() {
            tracing::info!(ratio = logics, "logics disk space OK, so mark disk ok");
        }
        let ratio = self.config.disk_max_used_space_ratio_clamped() as f64 / 100.0;
        physic < 0.0 || physic > ratio || logics < 0.0 || logics > ratio
    }

    /// One cleaning round: CommitLog files, then ConsumeQueue and index files (Java
    /// `cleanFilesPeriodically` + `cleanQueueFilesPeriodically`). Returns the number of
    /// CommitLog files deleted.
    pub fn clean_files_periodically(&self) -> usize {
        let deleted = self.delete_expired_commit_log_files();
        self.delete_expired_queue_files();
        deleted
    }

    fn delete_expired_commit_log_files(&self) -> usize {
        let time_up =
            crate::config::is_it_time_to_do(&self.config.delete_when, chrono::Local::now().hour());
        let space = self.is_space_to_delete();
        let manual = self
            .clean
            .manual_delete_file_several_times
            .load(Ordering::Acquire)
            > 0;
        if !(time_up || space || manual) {
            return 0;
        }
        if manual {
            self.clean
                .manual_delete_file_several_times
                .fetch_sub(1, Ordering::AcqRel);
        }
        let clean_at_once = self.config.clean_file_forcibly_enable
            && self.clean.clean_immediately.load(Ordering::Acquire);
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
        count
    }

    fn delete_expired_queue_files(&self) {
        let min = self.commit_log.min_offset();
        if min > self.clean.last_physical_min_offset.load(Ordering::Acquire) {
            self.clean
                .last_physical_min_offset
                .store(min, Ordering::Release);
            for cq in self.cq_store.all() {
                cq.delete_expired_file(min);
            }
            self.index_service.delete_expired_file(min);
        }
    }
}
