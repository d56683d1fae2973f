//! `DefaultMessageStore`: opens and recovers the store, wires its services, starts and stops
//! them (Java `DefaultMessageStore`: `load`, `recover`, `start`, `shutdown`).
//!
//! Startup order, as Java: `lastExitOK = !exists(abort)` → load CommitLog files → load
//! ConsumeQueues → checkpoint → index (after an abnormal exit, index files newer than the
//! checkpoint are dropped) → recover (`store_recovery`). `start` takes the `lock` file
//! (`lock_file`), starts the services and creates `abort`; a clean `shutdown` flushes
//! everything and deletes `abort`.
//!
//! Services, each owning what it works on: `AllocateMappedFileService`, `FlushManager`
//! (CommitLog flush), `ReputMessageService` (dispatch through `CommitLogDispatcher`),
//! `FlushConsumeQueueService`, `StoreStatsService`, `StoreScheduledService` (checkpoint
//! flush, `CleanCommitLogService`, `CleanConsumeQueueService`); pulls go through
//! `GetMessageService`. The `MessageStore` trait is implemented in `message_store_impl`.

use crate::allocate_mapped_file_service::AllocateMappedFileService;
use crate::clean_commit_log_service::{
    CleanCommitLogService, CleanConsumeQueueService, DiskUsageProbe,
};
use crate::commit_log::CommitLog;
use crate::commit_log_dispatcher::CommitLogDispatcher;
use crate::config::{BrokerRole, MessageStoreConfig};
use crate::consume_queue_store::ConsumeQueueStore;
use crate::dispatch_request::DelayLevels;
use crate::file_system::{DefaultFileSystem, FileSystem};
use crate::flush_consume_queue_service::FlushConsumeQueueService;
use crate::flush_manager::FlushManager;
use crate::get_message_result::MessageArrivingListener;
use crate::get_message_service::GetMessageService;
use crate::ha::autoswitch::{AutoSwitchHaService, ReplicatedStore, ALL_ACK_IN_SYNC_STATE_SET};
use crate::ha::HaService;
use crate::index::IndexService;
use crate::lock_file::LockFile;
use crate::logfile::Reservation;
use crate::mapped_file_queue::MappedFileQueue;
use crate::put_message_result::{
    AppendMessageResult, PutMessageFuture, PutMessageResult, PutMessageStatus,
};
use crate::reput_message_service::ReputMessageService;
use crate::role_state::RoleState;
use crate::running_flags::RunningFlags;
use crate::store_checkpoint::StoreCheckpoint;
use crate::store_error::StoreError;
use crate::store_recovery::StoreRecovery;
use crate::store_scheduled_service::StoreScheduledService;
use crate::store_stats_service::StoreStatsService;
use parking_lot::Mutex;
use rmq_common::message::message_decoder::{decode, DecodeOptions};
use rmq_common::util_all::current_millis;
use rmq_common::MessageExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

/// Longest topic the store accepts (a directory name).
const MAX_TOPIC_LENGTH: usize = 255;

/// The message store.
pub struct DefaultMessageStore {
    pub(crate) config: Arc<MessageStoreConfig>,
    pub(crate) commit_log: Arc<CommitLog>,
    pub(crate) cq_store: Arc<ConsumeQueueStore>,
    pub(crate) index_service: Arc<IndexService>,
    checkpoint: Arc<StoreCheckpoint>,
    allocator: Arc<AllocateMappedFileService>,
    flush_manager: Arc<FlushManager>,
    running_flags: Arc<RunningFlags>,
    pub(crate) stats: Arc<StoreStatsService>,
    pub(crate) reput: Arc<ReputMessageService>,
    flush_consume_queue: Arc<FlushConsumeQueueService>,
    scheduled: Arc<StoreScheduledService>,
    pub(crate) get_service: GetMessageService,
    shutdown: AtomicBool,
    started: AtomicBool,
    lock_file: Mutex<Option<LockFile>>,
    pub(crate) fs: Arc<dyn FileSystem>,
    /// CommitLog offset of the first record recovery could not dispatch, or -1; the reput
    /// starts there.
    recover_dispatch_failed_at: AtomicI64,
    /// Replication, once started: a broker enables it with
    /// [`DefaultMessageStore::enable_ha`]; a store used on its own has none, and neither has
    /// one under `duplicationEnable` (as Java).
    pub(crate) ha: OnceLock<Arc<HaService>>,
    /// The role the store acts on now (starts as `brokerRole`; controller mode changes it).
    pub(crate) role: Arc<RoleState>,
    /// Address the HA port binds; `None` runs no HA service.
    ha_bind_address: Mutex<Option<String>>,
    /// Controller mode (Java `brokerConfig.enableControllerMode`, a broker setting, not a
    /// store one): set by [`DefaultMessageStore::enable_controller_mode`].
    controller_mode: AtomicBool,
    /// The AutoSwitch HA service in controller mode (instead of `ha`).
    autoswitch: OnceLock<Arc<AutoSwitchHaService>>,
}

impl std::fmt::Debug for DefaultMessageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultMessageStore")
            .field("store_path_root_dir", &self.config.store_path_root_dir)
            .finish()
    }
}

/// The loaded files of a store, before the services are wired.
struct Loaded {
    commit_log: Arc<CommitLog>,
    cq_store: Arc<ConsumeQueueStore>,
    checkpoint: Arc<StoreCheckpoint>,
    index_service: Arc<IndexService>,
    allocator: Arc<AllocateMappedFileService>,
}

impl DefaultMessageStore {
    /// Loads and recovers the store under `config.store_path_root_dir`; call
    /// [`DefaultMessageStore::start`] to serve writes.
    pub fn open(config: MessageStoreConfig) -> Result<Arc<Self>, StoreError> {
        Self::open_with_file_system(config, Arc::new(DefaultFileSystem))
    }

    /// [`DefaultMessageStore::open`] whose OS calls go through `fs`, which fails them on
    /// demand (for fault-injection tests of the crates above the store).
    #[cfg(feature = "fault-injection")]
    pub fn open_with_faulty_file_system(
        config: MessageStoreConfig,
        fs: Arc<crate::fault_injection::FaultyFileSystem>,
    ) -> Result<Arc<Self>, StoreError> {
        Self::open_with_file_system(config, fs)
    }

    /// [`DefaultMessageStore::open`] with the OS calls of `fs` (tests inject faults here).
    pub(crate) fn open_with_file_system(
        config: MessageStoreConfig,
        fs: Arc<dyn FileSystem>,
    ) -> Result<Arc<Self>, StoreError> {
        config.validate().map_err(StoreError::InvalidConfig)?;
        let delay = DelayLevels {
            millis: config
                .parse_delay_levels()
                .map_err(StoreError::InvalidConfig)?,
        };
        let config = Arc::new(config);
        for dir in [
            Path::new(&config.store_path_root_dir).to_path_buf(),
            config.commit_log_store_path(),
            config.consume_queue_store_path(),
        ] {
            fs.create_dir_all(&dir)
                .map_err(|e| StoreError::io(&dir, e))?;
        }
        let last_exit_ok = !config.abort_file_path().exists();
        tracing::info!(
            store = %config.store_path_root_dir,
            normally = last_exit_ok,
            "last shutdown"
        );
        let loaded = Self::load(&config, delay, &fs, last_exit_ok)?;
        let store = Self::wire(config, loaded, fs);
        let recovery = StoreRecovery {
            commit_log: &store.commit_log,
            dispatcher: &store.reput.dispatcher,
        };
        let failed_at = recovery.run(last_exit_ok);
        store
            .recover_dispatch_failed_at
            .store(failed_at, Ordering::Release);
        tracing::info!(
            max_phy_offset = store.commit_log.max_offset(),
            "message store recovered"
        );
        Ok(store)
    }

    /// Loads the CommitLog, ConsumeQueue, checkpoint and index files (Java `load`).
    fn load(
        config: &Arc<MessageStoreConfig>,
        delay: DelayLevels,
        fs: &Arc<dyn FileSystem>,
        last_exit_ok: bool,
    ) -> Result<Loaded, StoreError> {
        let warm = config.warm_maped_file_enable.then_some((
            config.flush_disk_type,
            config.flush_least_pages_when_warm_maped_file.max(1) as usize,
        ));
        let allocator = AllocateMappedFileService::new(warm, fs.clone());
        let cl_queue = Arc::new(MappedFileQueue::new(
            config.commit_log_store_path(),
            config.mapped_file_size_commit_log as usize,
            Some(allocator.clone()),
            fs.clone(),
            Reservation::WholeWhenCreated,
        ));
        cl_queue.load(true)?;
        let commit_log = Arc::new(CommitLog::new(config.clone(), cl_queue, delay));
        let cq_store = Arc::new(ConsumeQueueStore::new(
            config.consume_queue_store_path(),
            config.consume_queue_file_size() as usize,
            fs.clone(),
        ));
        cq_store.load()?;
        let checkpoint = Arc::new(StoreCheckpoint::open_with(
            &config.checkpoint_path(),
            fs.clone(),
        )?);
        let index_service = Arc::new(IndexService::new(
            config.index_store_path(),
            config.max_hash_slot_num,
            config.max_index_num,
            config.max_msgs_num_batch.max(1) as usize,
            checkpoint.clone(),
            fs.clone(),
        ));
        index_service.load(last_exit_ok)?;
        Ok(Loaded {
            commit_log,
            cq_store,
            checkpoint,
            index_service,
            allocator,
        })
    }

    /// Builds the services over the loaded files.
    fn wire(config: Arc<MessageStoreConfig>, l: Loaded, fs: Arc<dyn FileSystem>) -> Arc<Self> {
        let running_flags = Arc::new(RunningFlags::default());
        let role = RoleState::new(config.broker_role);
        let stats = Arc::new(StoreStatsService::new());
        let dispatcher = Arc::new(CommitLogDispatcher {
            config: config.clone(),
            cq_store: l.cq_store.clone(),
            index_service: l.index_service.clone(),
            checkpoint: l.checkpoint.clone(),
            running_flags: running_flags.clone(),
            role: role.clone(),
        });
        let reput = ReputMessageService::new(
            config.clone(),
            role.clone(),
            l.commit_log.clone(),
            dispatcher,
        );
        let scheduled = StoreScheduledService::new(
            config.clone(),
            l.checkpoint.clone(),
            CleanCommitLogService::new(
                config.clone(),
                l.commit_log.clone(),
                running_flags.clone(),
                fs.clone(),
            ),
            CleanConsumeQueueService::new(
                l.commit_log.clone(),
                l.cq_store.clone(),
                l.index_service.clone(),
            ),
        );
        let get_service = GetMessageService::new(
            config.clone(),
            l.commit_log.clone(),
            l.cq_store.clone(),
            stats.clone(),
            role.clone(),
            fs.memory().total_physical_bytes,
        );
        Arc::new(DefaultMessageStore {
            role,
            ha: OnceLock::new(),
            ha_bind_address: Mutex::new(None),
            controller_mode: AtomicBool::new(false),
            autoswitch: OnceLock::new(),
            flush_manager: FlushManager::new(&config),
            flush_consume_queue: FlushConsumeQueueService::new(
                config.clone(),
                l.cq_store.clone(),
                l.checkpoint.clone(),
            ),
            config,
            commit_log: l.commit_log,
            cq_store: l.cq_store,
            index_service: l.index_service,
            checkpoint: l.checkpoint,
            allocator: l.allocator,
            running_flags,
            stats,
            reput,
            scheduled,
            get_service,
            shutdown: AtomicBool::new(true),
            started: AtomicBool::new(false),
            lock_file: Mutex::new(None),
            fs,
            recover_dispatch_failed_at: AtomicI64::new(-1),
        })
    }

    /// Takes the `lock` file, creates `abort` and starts the services (Java `start`).
    pub fn start(self: &Arc<Self>) -> Result<(), StoreError> {
        if self.started.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        // Nothing runs yet when the lock or the abort file cannot be made: `start` may be
        // called again.
        let lock = LockFile::acquire(&self.config.lock_file_path(), self.fs.as_ref())
            .and_then(|lock| self.create_abort_file().map(|()| lock))
            .inspect_err(|_| self.started.store(false, Ordering::Release))?;
        *self.lock_file.lock() = Some(lock);
        let io = |e| StoreError::io(&self.config.store_path_root_dir, e);
        self.allocator.start().map_err(io)?;
        if let Err(e) = self.init_autoswitch() {
            self.started.store(false, Ordering::Release);
            self.lock_file.lock().take();
            return Err(io(e));
        }
        let mut reput_from = self.reput.confirm_offset();
        let failed_at = self.recover_dispatch_failed_at.load(Ordering::Acquire);
        if failed_at >= 0 {
            reput_from = reput_from.min(failed_at);
        }
        self.reput.start(reput_from).map_err(io)?;
        self.flush_consume_queue.start().map_err(io)?;
        self.flush_manager
            .start(
                self.commit_log.mapped_file_queue().clone(),
                self.checkpoint.clone(),
                self.config.clone(),
            )
            .map_err(io)?;
        self.stats.start().map_err(io)?;
        self.scheduled.start().map_err(io)?;
        self.shutdown.store(false, Ordering::Release);
        if let Err(e) = self.start_ha() {
            self.shutdown();
            return Err(io(e));
        }
        Ok(())
    }

    /// Creates the AutoSwitch HA service in controller mode (not under
    /// `duplicationEnable`) and makes the reput stop at its confirm offset.
    fn init_autoswitch(self: &Arc<Self>) -> std::io::Result<()> {
        if !self.controller_mode.load(Ordering::Acquire)
            || self.config.duplication_enable
            || self.autoswitch.get().is_some()
        {
            return Ok(());
        }
        let me: Arc<dyn ReplicatedStore> = self.clone();
        let svc = AutoSwitchHaService::new(
            Arc::downgrade(&me),
            self.config.clone(),
            self.commit_log.clone(),
            self.checkpoint.clone(),
        )?;
        let weak = Arc::downgrade(&svc);
        self.reput
            .set_confirm_source(Box::new(move || weak.upgrade().map(|s| s.confirm_offset())));
        let weak = Arc::downgrade(&svc);
        self.scheduled
            .clean_commit_log
            .set_on_files_deleted(Box::new(move |min_phy_offset| {
                if let Some(s) = weak.upgrade() {
                    if let Err(e) = s.truncate_epoch_file_prefix(min_phy_offset - 1) {
                        tracing::error!(error = %e, "truncate the epoch file prefix failed");
                    }
                }
            }));
        let _ = self.autoswitch.set(svc);
        Ok(())
    }

    /// Starts the HA service when enabled (not under `duplicationEnable`).
    fn start_ha(&self) -> std::io::Result<()> {
        let Some(bind) = self.ha_bind_address.lock().clone() else {
            return Ok(());
        };
        if self.config.duplication_enable {
            return Ok(());
        }
        if let Some(svc) = self.autoswitch.get() {
            return svc.start(&bind);
        }
        let ha = HaService::new(
            self.config.clone(),
            self.role.clone(),
            self.commit_log.clone(),
        );
        if let Err(e) = ha.start(&bind) {
            ha.shutdown();
            return Err(e);
        }
        let _ = self.ha.set(ha);
        Ok(())
    }

    /// Makes `start` run the HA service (Java's broker always does): slaves connect to
    /// `bind_address:haListenPort` (Java binds every interface, `0.0.0.0`), and the store
    /// replicates from a master once [`crate::MessageStore::update_ha_master_address`] (or
    /// `haMasterAddress`) names one. Call before `start`.
    pub fn enable_ha(&self, bind_address: &str) {
        *self.ha_bind_address.lock() = Some(bind_address.to_string());
    }

    /// Switches the store to controller mode (Java `brokerConfig.enableControllerMode`, which
    /// is a broker key, so the store has no config field for it): `start` then runs the
    /// [`AutoSwitchHaService`] instead of the classic HA service (on the address given to
    /// [`DefaultMessageStore::enable_ha`], which must be called too), the reput only
    /// dispatches up to the controller-mode confirm offset, and SYNC_MASTER puts follow
    /// Java's controller branch of `CommitLog.handleHA` (`minInSyncReplicas`,
    /// `allAckInSyncStateSet`). The service's role, not `brokerRole`, decides whether puts are
    /// accepted and replicated. As in Java, a put that waits for replicas is refused with
    /// IN_SYNC_REPLICAS_NOT_ENOUGH until the broker sets a SyncStateSet (at least
    /// `minInSyncReplicas` members), normally right after `change_to_master`. Call before
    /// `start`.
    pub fn enable_controller_mode(&self) {
        self.controller_mode.store(true, Ordering::Release);
    }

    /// True once [`DefaultMessageStore::enable_controller_mode`] ran.
    pub fn is_controller_mode(&self) -> bool {
        self.controller_mode.load(Ordering::Acquire)
    }

    /// The AutoSwitch HA service (controller mode, after `start`).
    pub fn autoswitch_ha(&self) -> Option<Arc<AutoSwitchHaService>> {
        self.autoswitch.get().cloned()
    }

    /// The offset up to which the CommitLog is confirmed and dispatched (Java
    /// `getConfirmOffset`).
    pub fn confirm_offset(&self) -> i64 {
        self.reput.confirm_offset()
    }

    /// Truncates the CommitLog and the ConsumeQueues to `offset` (Java `truncateFiles`):
    /// true when nothing is beyond it or after truncating; false when `offset` is not the
    /// start of a record.
    pub fn truncate_files(&self, offset: i64) -> bool {
        if offset >= self.commit_log.max_offset() {
            tracing::info!(
                offset,
                max = self.commit_log.max_offset(),
                "no need to truncate files"
            );
            return true;
        }
        if !self.is_offset_aligned(offset) {
            tracing::error!(
                offset,
                "offset is not aligned, truncate failed, need manual fix"
            );
            return false;
        }
        self.truncate_dirty_files(offset);
        true
    }

    /// True when `offset` starts a valid record or is beyond the data (Java
    /// `isOffsetAligned`).
    pub fn is_offset_aligned(&self, offset: i64) -> bool {
        let Some(data) = self.commit_log.get_data(offset) else {
            return true;
        };
        matches!(
            crate::dispatch_request::check_message_and_return_size(
                &data,
                true,
                self.commit_log.delay_levels()
            ),
            crate::dispatch_request::CheckResult::Message(_)
                | crate::dispatch_request::CheckResult::EndOfFile
        )
    }

    /// Drops everything at and after `offset` from the ConsumeQueues and the CommitLog,
    /// rebuilds the queue offset table and restarts the reput at or below `offset` (Java
    /// `truncateDirtyFiles`).
    pub(crate) fn truncate_dirty_files(&self, offset: i64) {
        tracing::info!(offset, "truncate dirty files");
        if offset >= self.commit_log.max_offset() {
            return;
        }
        let running = self.started() && !self.is_shutdown();
        if running {
            self.reput.stop();
        }
        let old_reput = self.reput.reput_from_offset();
        self.cq_store.truncate_dirty(offset);
        self.commit_log.truncate_dirty_files(offset);
        self.recover_topic_queue_table();
        let from = old_reput.min(offset);
        if running {
            if let Err(e) = self.reput.start(from) {
                tracing::error!(error = %e, "cannot restart the reput after truncation");
            }
        } else {
            self.reput.set_reput_from_offset(from);
        }
    }

    /// Rebuilds the queue offset table from the ConsumeQueues (Java
    /// `recoverTopicQueueTable`).
    pub(crate) fn recover_topic_queue_table(&self) {
        let table = self
            .cq_store
            .recover_offset_table(self.commit_log.min_offset());
        self.commit_log.set_topic_queue_table(table);
    }

    /// Creates `abort`. It must exist; its content (the pid) is only informative and needs a
    /// disk block, which a full disk may not have: the store then still starts.
    fn create_abort_file(&self) -> Result<(), StoreError> {
        let abort = self.config.abort_file_path();
        let mut f = self
            .fs
            .create_truncate(&abort)
            .map_err(|e| StoreError::io(&abort, e))?;
        use std::io::Write;
        if let Err(e) = f.write_all(std::process::id().to_string().as_bytes()) {
            tracing::warn!(file = %abort.display(), error = %e, "cannot write the pid into the abort file");
        }
        Ok(())
    }

    /// Flushes and stops everything; deletes `abort` when the store is writeable and fully
    /// dispatched (Java `shutdown`).
    pub fn shutdown(&self) {
        if self.shutdown.swap(true, Ordering::AcqRel) || !self.started.load(Ordering::Acquire) {
            return;
        }
        // Stop replication, the scheduler and stats first, then flush the CommitLog, then let
        // reput catch up.
        if let Some(ha) = self.ha.get() {
            ha.shutdown();
        }
        if let Some(svc) = self.autoswitch.get() {
            svc.shutdown();
        }
        self.stats.shutdown();
        self.scheduled.shutdown();
        self.flush_manager.shutdown();
        self.reput.shutdown();
        self.index_service.flush_all();
        self.flush_consume_queue.shutdown();
        self.allocator.shutdown();
        self.checkpoint.flush();
        if self.running_flags.is_writeable() && self.dispatch_behind_bytes() == 0 {
            let _ = self.fs.remove_file(&self.config.abort_file_path());
        } else {
            tracing::warn!("the store may be wrong, so shutdown abnormally, and keep abort file");
        }
        self.lock_file.lock().take();
    }

    /// Returns true once `shutdown` ran (or before `start`).
    pub fn is_shutdown(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }

    pub(crate) fn started(&self) -> bool {
        self.started.load(Ordering::Acquire)
    }

    /// Returns the store configuration.
    /// The role the store acts on now, shared with the broker (see [`RoleState`]).
    pub fn role_state(&self) -> &Arc<RoleState> {
        &self.role
    }

    pub fn config(&self) -> &MessageStoreConfig {
        &self.config
    }

    /// Returns the checkpoint.
    pub fn store_checkpoint(&self) -> &StoreCheckpoint {
        &self.checkpoint
    }

    /// Returns the running flags (disk full, not writeable, ...).
    pub fn running_flags(&self) -> &RunningFlags {
        &self.running_flags
    }

    /// Registers the listener called after each ConsumeQueue append (long polling).
    pub fn set_message_arriving_listener(
        &self,
        listener: Option<Arc<dyn MessageArrivingListener>>,
    ) {
        self.reput.set_listener(listener);
    }

    /// Returns bytes written to the CommitLog but not yet dispatched (Java
    /// `dispatchBehindBytes`).
    pub fn dispatch_behind_bytes(&self) -> i64 {
        self.reput.dispatch_behind_bytes()
    }

    /// Returns the CommitLog offset below which every record has been dispatched to its
    /// ConsumeQueue and index (Java `ReputMessageService#getReputFromOffset`).
    pub fn reput_from_offset(&self) -> i64 {
        self.reput.reput_from_offset()
    }

    /// Returns bytes written but not yet flushed.
    pub fn flush_behind_bytes(&self) -> i64 {
        self.commit_log
            .mapped_file_queue()
            .remain_how_many_data_to_flush()
    }

    /// Returns when the current append took the lock (0 when idle).
    pub fn lock_time_mills(&self) -> i64 {
        let begin = self.commit_log.begin_time_in_lock();
        if begin > 0 {
            current_millis() - begin
        } else {
            0
        }
    }

    /// Returns true when an append has held the lock longer than `osPageCacheBusyTimeOutMills`
    /// (Java `isOSPageCacheBusy`).
    pub fn is_os_page_cache_busy(&self) -> bool {
        let begin = self.commit_log.begin_time_in_lock();
        begin != 0 && current_millis() - begin > self.config.os_page_cache_busy_time_out_mills
    }

    /// Replaces how disk usage is measured (tests, or a broker with its own quota); `None`
    /// restores `statvfs`.
    pub fn set_disk_usage_probe(&self, probe: Option<DiskUsageProbe>) {
        self.scheduled.clean_commit_log.set_disk_usage_probe(probe);
    }

    /// Asks the next 20 cleaning rounds to delete expired files now (Java
    /// `executeDeleteFilesManually`).
    pub fn execute_delete_files_manually(&self) {
        self.scheduled
            .clean_commit_log
            .execute_delete_files_manually();
    }

    /// One cleaning round: CommitLog files, then ConsumeQueue and index files (Java
    /// `cleanFilesPeriodically` + `cleanQueueFilesPeriodically`). Returns the number of
    /// CommitLog files deleted.
    pub fn clean_files_periodically(&self) -> usize {
        self.scheduled.clean_files_periodically()
    }

    /// Reads and fully validates (body CRC included) the record at `phy_offset`; errors name
    /// the offset.
    pub fn read_message(&self, phy_offset: i64) -> Result<MessageExt, StoreError> {
        self.commit_log.check_record_at(phy_offset, true)?;
        let buf = self
            .commit_log
            .select_one_message(phy_offset)
            .ok_or(StoreError::MessageNotFound { phy_offset })?;
        decode(
            &buf,
            DecodeOptions {
                read_body: true,
                decompress_body: false,
            },
        )
        .map(|(m, _)| m)
        .map_err(|e| StoreError::CorruptMessage {
            phy_offset,
            reason: e.to_string(),
        })
    }

    /// Returns why a put must be refused now, if it must (Java `checkStoreStatus` and
    /// `checkMessage`'s topic length).
    pub(crate) fn check_put(&self, topic: &str) -> Option<PutMessageStatus> {
        if self.is_shutdown() {
            tracing::warn!("message store has shutdown, so putMessage is forbidden");
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.role.is_slave() && !self.config.duplication_enable {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.autoswitch.get().is_some_and(|s| !s.is_master_side()) {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if !self.running_flags.is_writeable() {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.is_os_page_cache_busy() {
            return Some(PutMessageStatus::OsPageCacheBusy);
        }
        let len = topic.len();
        if len == 0
            || len > MAX_TOPIC_LENGTH
            || (len > 127 && !self.config.auto_message_version_on_topic_len)
        {
            return Some(PutMessageStatus::MessageIllegal);
        }
        None
    }

    /// Controller mode's refusal of a put that waits for replicas when fewer than
    /// `minInSyncReplicas` are in sync (Java `CommitLog` before the append:
    /// IN_SYNC_REPLICAS_NOT_ENOUGH). Java checks a SYNC_MASTER; here the service's role is
    /// the master's.
    pub(crate) fn check_in_sync_replicas(&self, wait: bool) -> Option<PutMessageStatus> {
        let svc = self.autoswitch.get()?;
        if !wait || !svc.is_master_side() {
            return None;
        }
        let n = svc.in_sync_replicas_nums(self.commit_log.max_offset());
        (n < self.config.min_in_sync_replicas).then_some(PutMessageStatus::InSyncReplicasNotEnough)
    }

    /// Counts an append and hands it to the flush services.
    pub(crate) fn finish_put(
        &self,
        r: Result<AppendMessageResult, PutMessageStatus>,
        wait: bool,
        begin: i64,
    ) -> PutMessageFuture {
        let elapsed = current_millis() - begin;
        self.stats.set_put_message_entire_time_max(elapsed);
        match r {
            Ok(a) => {
                self.stats
                    .put_message_times_total
                    .fetch_add(a.msg_num as i64, Ordering::Relaxed);
                self.stats
                    .put_message_size_total
                    .fetch_add(a.wrote_bytes as i64, Ordering::Relaxed);
                let next_offset = a.wrote_offset + a.wrote_bytes as i64;
                let flushed = self.flush_manager.handle_disk_flush(
                    PutMessageResult::new(PutMessageStatus::PutOk, Some(a)),
                    wait,
                );
                self.handle_ha(flushed, next_offset, wait)
            }
            Err(status) => {
                self.stats
                    .put_message_failed_times
                    .fetch_add(1, Ordering::Relaxed);
                PutMessageFuture::ready(PutMessageResult::new(status, None))
            }
        }
    }

    /// Adds the wait for slaves of a SYNC_MASTER put (Java `needHandleHA` + `handleHA`): with
    /// `inSyncReplicas` ≤ 1 (Java's default) there is nothing to wait for; otherwise the put
    /// completes once `inSyncReplicas - 1` slaves acknowledged it, or with FLUSH_SLAVE_TIMEOUT
    /// after `slaveTimeout`. Wakes the HA writers in every role.
    fn handle_ha(
        &self,
        flushed: PutMessageFuture,
        next_offset: i64,
        wait: bool,
    ) -> PutMessageFuture {
        if let Some(svc) = self.autoswitch.get() {
            svc.notify_new_data();
            if !wait || !svc.is_master_side() {
                return flushed;
            }
            let need_acks = if self.config.all_ack_in_sync_state_set {
                ALL_ACK_IN_SYNC_STATE_SET
            } else {
                self.config.in_sync_replicas
            };
            if (0..=1).contains(&need_acks) {
                return flushed;
            }
            return flushed.with_replica(svc.put_request(next_offset, need_acks));
        }
        let Some(ha) = self.ha.get() else {
            return flushed;
        };
        ha.notify_new_data();
        let need_acks = self.config.in_sync_replicas;
        if !wait || self.role.role() != BrokerRole::SyncMaster || need_acks <= 1 {
            return flushed;
        }
        flushed.with_replica(ha.put_request(next_offset, need_acks))
    }
}

impl ReplicatedStore for DefaultMessageStore {
    fn is_shutdown(&self) -> bool {
        DefaultMessageStore::is_shutdown(self)
    }

    fn dispatch_behind_bytes(&self) -> i64 {
        DefaultMessageStore::dispatch_behind_bytes(self)
    }

    fn reput_from_offset(&self) -> i64 {
        DefaultMessageStore::reput_from_offset(self)
    }

    fn recover_topic_queue_table(&self) {
        DefaultMessageStore::recover_topic_queue_table(self)
    }

    fn truncate_dirty_files(&self, offset: i64) {
        DefaultMessageStore::truncate_dirty_files(self, offset)
    }

    fn truncate_files(&self, offset: i64) -> bool {
        DefaultMessageStore::truncate_files(self, offset)
    }
}
