//! `DefaultMessageStore`: opens, recovers, runs and shuts down the store (Java
//! `DefaultMessageStore`: `load`, `recover`, `start`, `shutdown`, `doDispatch`).
//!
//! Startup order, as Java: `lastExitOK = !exists(abort)` → load CommitLog files → load
//! ConsumeQueues → checkpoint → index (after an abnormal exit, index files newer than the
//! checkpoint are dropped) → recover ConsumeQueues → recover the CommitLog (normally from the
//! file holding the ConsumeQueues' max offset, abnormally from the checkpoint time, re-dispatching
//! every valid record) → truncate ConsumeQueues and CommitLog after the last valid record →
//! rebuild the queue offset table. `start` takes the `lock` file, starts the services and
//! creates `abort`; a clean `shutdown` flushes everything and deletes `abort`.

use crate::allocate_mapped_file_service::AllocateMappedFileService;
use crate::commit_log::CommitLog;
use crate::config::{BrokerRole, FlushDiskType, MessageStoreConfig};
use crate::consume_queue_store::ConsumeQueueStore;
use crate::dispatch_request::{DelayLevels, DispatchRequest};
use crate::flush_manager::FlushManager;
use crate::get_message_result::MessageArrivingListener;
use crate::index::IndexService;
use crate::mapped_file_queue::MappedFileQueue;
use crate::running_flags::RunningFlags;
use crate::service_thread::{ServiceState, ServiceThread};
use crate::store_checkpoint::StoreCheckpoint;
use crate::store_error::StoreError;
use crate::store_stats_service::StoreStatsService;
use parking_lot::{Mutex, RwLock};
use rmq_common::sys_flag::message_sys_flag;
use rmq_common::util_all::current_millis;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

/// Probe of a partition's used ratio (0.0..=1.0, -1 when unknown) for a path.
pub type DiskUsageProbe = Box<dyn Fn(&Path) -> f64 + Send + Sync>;

/// The message store.
pub struct DefaultMessageStore {
    pub(crate) config: Arc<MessageStoreConfig>,
    pub(crate) commit_log: Arc<CommitLog>,
    pub(crate) cq_store: Arc<ConsumeQueueStore>,
    pub(crate) index_service: Arc<IndexService>,
    pub(crate) checkpoint: Arc<StoreCheckpoint>,
    allocator: Arc<AllocateMappedFileService>,
    flush_manager: Arc<FlushManager>,
    pub(crate) running_flags: RunningFlags,
    pub(crate) stats: StoreStatsService,
    pub(crate) reput_from_offset: AtomicI64,
    pub(crate) listener: RwLock<Option<Arc<dyn MessageArrivingListener>>>,
    services: Mutex<Vec<ServiceThread>>,
    shutdown: AtomicBool,
    started: AtomicBool,
    lock_file: Mutex<Option<File>>,
    pub(crate) clean: crate::clean_commit_log_service::CleanState,
}

impl std::fmt::Debug for DefaultMessageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultMessageStore")
            .field("store_path_root_dir", &self.config.store_path_root_dir)
            .finish()
    }
}

impl DefaultMessageStore {
    /// Loads and recovers the store under `config.store_path_root_dir`; call
    /// [`DefaultMessageStore::start`] to serve writes.
    pub fn open(config: MessageStoreConfig) -> Result<Arc<Self>, StoreError> {
        config.validate().map_err(StoreError::InvalidConfig)?;
        let delay = DelayLevels {
            millis: config
                .parse_delay_levels()
                .map_err(StoreError::InvalidConfig)?,
        };
        let config = Arc::new(config);
        let root = Path::new(&config.store_path_root_dir);
        std::fs::create_dir_all(root).map_err(|e| StoreError::io(root, e))?;
        let cl_path = config.commit_log_store_path();
        std::fs::create_dir_all(&cl_path).map_err(|e| StoreError::io(&cl_path, e))?;
        let cq_path = config.consume_queue_store_path();
        std::fs::create_dir_all(&cq_path).map_err(|e| StoreError::io(&cq_path, e))?;

        let last_exit_ok = !config.abort_file_path().exists();
        tracing::info!(
            store = %config.store_path_root_dir,
            normally = last_exit_ok,
            "last shutdown"
        );
        let warm = config.warm_maped_file_enable.then_some((
            config.flush_disk_type,
            config.flush_least_pages_when_warm_maped_file.max(1) as usize,
        ));
        let allocator = AllocateMappedFileService::new(warm);
        let cl_queue = Arc::new(MappedFileQueue::new(
            cl_path,
            config.mapped_file_size_commit_log as usize,
            Some(allocator.clone()),
        ));
        cl_queue.load(true)?;
        let commit_log = Arc::new(CommitLog::new(config.clone(), cl_queue, delay));
        let cq_store = Arc::new(ConsumeQueueStore::new(
            cq_path,
            config.consume_queue_file_size() as usize,
        ));
        cq_store.load()?;
        let checkpoint = Arc::new(StoreCheckpoint::open(&config.checkpoint_path())?);
        let index_service = Arc::new(IndexService::new(
            config.index_store_path(),
            config.max_hash_slot_num,
            config.max_index_num,
            config.max_msgs_num_batch.max(1) as usize,
            checkpoint.clone(),
        ));
        index_service.load(last_exit_ok)?;
        let flush_manager = FlushManager::new(&config);
        let store = Arc::new(DefaultMessageStore {
            config,
            commit_log,
            cq_store,
            index_service,
            checkpoint,
            allocator,
            flush_manager,
            running_flags: RunningFlags::default(),
            stats: StoreStatsService::new(),
            reput_from_offset: AtomicI64::new(0),
            listener: RwLock::new(None),
            services: Mutex::new(Vec::new()),
            shutdown: AtomicBool::new(true),
            started: AtomicBool::new(false),
            lock_file: Mutex::new(None),
            clean: Default::default(),
        });
        store.recover(last_exit_ok);
        tracing::info!(
            max_phy_offset = store.commit_log.max_offset(),
            "message store recovered"
        );
        Ok(store)
    }

    fn recover(&self, last_exit_ok: bool) {
        self.cq_store.recover();
        let max_phy_cq = self.cq_store.max_phy_offset_in_consume_queue();
        let cl = &self.commit_log;
        if cl.mapped_file_queue().is_empty() {
            tracing::warn!("the commitlog files are deleted, and delete the consume queue files");
            cl.truncate_dirty_files(0);
            self.cq_store.destroy_all();
        } else {
            let check_crc = self.config.check_crc_on_recover;
            let process_offset = if last_exit_ok {
                let start = cl.normal_recovery_start(max_phy_cq);
                // Java dispatches records with offset > maxPhyOffsetOfConsumeQueue; that value
                // is the end of the last dispatched record, so a record starting exactly there
                // is still undispatched and is included here (dispatch is idempotent).
                cl.scan_valid(start, check_crc, &mut |m| {
                    if m.commit_log_offset >= max_phy_cq {
                        self.do_dispatch(m);
                    }
                })
            } else {
                let min_ts = if self.config.message_index_enable && self.config.message_index_safe {
                    self.checkpoint.min_timestamp_index()
                } else {
                    self.checkpoint.min_timestamp()
                };
                let start = cl.abnormal_recovery_start(min_ts);
                cl.scan_valid(start, check_crc, &mut |m| self.do_dispatch(m))
            };
            if max_phy_cq >= process_offset {
                tracing::warn!(max_phy_cq, process_offset, "truncate dirty logic files");
                self.cq_store.truncate_dirty(process_offset);
            }
            cl.truncate_dirty_files(process_offset);
            self.checkpoint.set_confirm_phy_offset(process_offset);
        }
        self.recover_topic_queue_table();
    }

    /// Rebuilds the queue offset table from the ConsumeQueues (Java `recoverTopicQueueTable`).
    fn recover_topic_queue_table(&self) {
        let table = self
            .cq_store
            .recover_offset_table(self.commit_log.min_offset());
        self.commit_log.set_topic_queue_table(table);
    }

    /// Writes one record's ConsumeQueue unit and index entries (Java `doDispatch`).
    pub(crate) fn do_dispatch(&self, m: &DispatchRequest<'_>) {
        let tran = message_sys_flag::get_transaction_value(m.sys_flag);
        if tran == message_sys_flag::TRANSACTION_NOT_TYPE
            || tran == message_sys_flag::TRANSACTION_COMMIT_TYPE
        {
            let cq = self.cq_store.find_or_create(m.topic, m.queue_id);
            let mut ok = false;
            for _ in 0..3 {
                if !self.running_flags.is_cq_writeable() {
                    break;
                }
                if cq.put_message_position_info(
                    m.commit_log_offset,
                    m.msg_size,
                    m.tags_code,
                    m.consume_queue_offset,
                ) {
                    ok = true;
                    break;
                }
            }
            if ok {
                if self.config.broker_role == BrokerRole::Slave {
                    self.checkpoint.set_physic_msg_timestamp(m.store_timestamp);
                }
                self.checkpoint.set_logics_msg_timestamp(m.store_timestamp);
            } else {
                tracing::error!(
                    topic = m.topic,
                    queue_id = m.queue_id,
                    "[BUG]consume queue can not write"
                );
                self.running_flags.make_logics_queue_error();
            }
        }
        if self.config.message_index_enable && !self.index_service.build_index(m) {
            tracing::error!(phy_offset = m.commit_log_offset, "build index error");
            self.running_flags.make_index_file_error();
        }
    }

    /// Offset up to which records may be dispatched: the flushed offset for SYNC_FLUSH, the
    /// written offset otherwise (Java `getConfirmOffset` / `getReputEndOffset`).
    pub(crate) fn confirm_offset(&self) -> i64 {
        if self.config.read_un_committed || self.config.flush_disk_type != FlushDiskType::SyncFlush
        {
            self.commit_log.max_offset()
        } else {
            self.commit_log.flushed_where()
        }
    }

    /// Starts the services, takes the `lock` file and creates `abort` (Java `start`).
    pub fn start(self: &Arc<Self>) -> Result<(), StoreError> {
        if self.started.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        self.take_lock()?;
        let io = |e| StoreError::io(&self.config.store_path_root_dir, e);
        self.allocator.start().map_err(io)?;
        self.reput_from_offset
            .store(self.confirm_offset(), Ordering::Release);
        let mut services = self.services.lock();
        let me = self.clone();
        services.push(
            ServiceThread::start(
                "ReputMessageService",
                Arc::new(ServiceState::default()),
                move |s| me.run_reput(&s),
            )
            .map_err(io)?,
        );
        let me = self.clone();
        services.push(
            ServiceThread::start(
                "FlushConsumeQueueService",
                Arc::new(ServiceState::default()),
                move |s| me.run_flush_consume_queue(&s),
            )
            .map_err(io)?,
        );
        self.flush_manager
            .start(
                self.commit_log.mapped_file_queue().clone(),
                self.checkpoint.clone(),
                self.config.clone(),
            )
            .map_err(io)?;
        let me = self.clone();
        services.push(
            ServiceThread::start(
                "StoreStatsService",
                Arc::new(ServiceState::default()),
                move |s| {
                    while !s.is_stopped() {
                        s.wait_for_running(1000);
                        me.stats.sampling();
                    }
                },
            )
            .map_err(io)?,
        );
        let me = self.clone();
        services.push(
            ServiceThread::start(
                "StoreScheduledThread",
                Arc::new(ServiceState::default()),
                move |s| me.run_scheduled(&s),
            )
            .map_err(io)?,
        );
        drop(services);
        let abort = self.config.abort_file_path();
        std::fs::write(&abort, std::process::id().to_string())
            .map_err(|e| StoreError::io(&abort, e))?;
        self.shutdown.store(false, Ordering::Release);
        Ok(())
    }

    fn take_lock(&self) -> Result<(), StoreError> {
        let path = self.config.lock_file_path();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        if !crate::clean_commit_log_service::try_lock_first_byte(&file) {
            return Err(StoreError::LockFailed { path });
        }
        use std::io::Write;
        let mut f = &file;
        let _ = f.write_all(b"lock");
        let _ = file.sync_all();
        *self.lock_file.lock() = Some(file);
        Ok(())
    }

    /// Runs the 1 s checkpoint flush and the periodic file cleaning (first after 60 s).
    fn run_scheduled(&self, s: &ServiceState) {
        let started = current_millis();
        let mut last_clean = started + 60_000 - self.config.clean_resource_interval as i64;
        while !s.is_stopped() {
            s.wait_for_running(1000);
            if s.is_stopped() {
                break;
            }
            self.checkpoint.flush();
            let now = current_millis();
            if now - last_clean >= self.config.clean_resource_interval as i64 {
                last_clean = now;
                self.clean_files_periodically();
            }
        }
    }

    /// Flushes ConsumeQueues every `flushIntervalConsumeQueue` (Java
    /// `FlushConsumeQueueService`).
    fn run_flush_consume_queue(&self, s: &ServiceState) {
        let mut last_flush = 0i64;
        while !s.is_stopped() {
            s.wait_for_running(self.config.flush_interval_consume_queue.max(1) as u64);
            self.do_flush_consume_queue(1, &mut last_flush);
        }
        self.do_flush_consume_queue(3, &mut last_flush);
    }

    fn do_flush_consume_queue(&self, retry_times: usize, last_flush: &mut i64) {
        let mut least_pages = if retry_times == 3 {
            0
        } else {
            self.config.flush_consume_queue_least_pages.max(0) as usize
        };
        let mut logics_ts = 0;
        let now = current_millis();
        if now >= *last_flush + self.config.flush_consume_queue_thorough_interval as i64 {
            *last_flush = now;
            least_pages = 0;
            logics_ts = self.checkpoint.logics_msg_timestamp();
        }
        for cq in self.cq_store.all() {
            for _ in 0..retry_times {
                if cq.flush(least_pages) {
                    break;
                }
            }
        }
        if least_pages == 0 {
            if logics_ts > 0 {
                self.checkpoint.set_logics_msg_timestamp(logics_ts);
            }
            self.checkpoint.flush();
        }
    }

    /// Flushes and stops everything; deletes `abort` when the store is writeable and fully
    /// dispatched (Java `shutdown`).
    pub fn shutdown(&self) {
        if self.shutdown.swap(true, Ordering::AcqRel) || !self.started.load(Ordering::Acquire) {
            return;
        }
        let services: Vec<ServiceThread> = self.services.lock().drain(..).collect();
        // Stop the scheduler and stats first, then flush the CommitLog, then let reput catch up.
        let mut reput = None;
        let mut flush_cq = None;
        for s in services {
            if reput.is_none() {
                reput = Some(s);
            } else if flush_cq.is_none() {
                flush_cq = Some(s);
            } else {
                s.shutdown();
            }
        }
        self.flush_manager.shutdown();
        if let Some(r) = reput {
            for _ in 0..50 {
                if self.dispatch_behind_bytes() <= 0 {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            r.shutdown();
        }
        self.index_service.flush_all();
        if let Some(f) = flush_cq {
            f.shutdown();
        }
        self.allocator.shutdown();
        self.checkpoint.flush();
        if self.running_flags.is_writeable() && self.dispatch_behind_bytes() == 0 {
            let _ = std::fs::remove_file(self.config.abort_file_path());
        } else {
            tracing::warn!("the store may be wrong, so shutdown abnormally, and keep abort file");
        }
        self.lock_file.lock().take();
    }

    /// Returns true once `shutdown` ran (or before `start`).
    pub fn is_shutdown(&self) -> bool {
        self.shutdown.load(Ordering::Acquire)
    }

    /// Returns the store configuration.
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
        *self.listener.write() = listener;
    }

    /// Returns bytes written to the CommitLog but not yet dispatched (Java
    /// `dispatchBehindBytes`).
    pub fn dispatch_behind_bytes(&self) -> i64 {
        self.confirm_offset() - self.reput_from_offset.load(Ordering::Acquire)
    }

    /// Returns the CommitLog offset below which every record has been dispatched to its
    /// ConsumeQueue and index (Java `ReputMessageService#getReputFromOffset`).
    pub fn reput_from_offset(&self) -> i64 {
        self.reput_from_offset.load(Ordering::Acquire)
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

    /// Returns the wrapped flush manager (for put handling).
    pub(crate) fn flush_manager(&self) -> &FlushManager {
        &self.flush_manager
    }

    pub(crate) fn started(&self) -> bool {
        self.started.load(Ordering::Acquire)
    }
}
