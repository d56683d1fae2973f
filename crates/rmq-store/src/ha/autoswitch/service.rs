//! `AutoSwitchHaService`: controller-mode replication (Java `AutoSwitchHAService`).
//!
//! The service keeps its own role ([`AutoSwitchRole`]), set by the broker through
//! `change_to_master` / `change_to_slave` (it never reads `brokerRole`). As a master it
//! accepts slaves on `haListenPort` ([`super::connection`]), keeps the SyncStateSet (broker
//! ids) with its "synchronizing" copy while the controller is asked to change it, the last
//! caught-up time of each slave, and the confirm offset (the smallest offset every SyncStateSet
//! member acknowledged when `allAckInSyncStateSet`). As a slave it runs an
//! [`super::client::AutoSwitchHaClient`].

use super::client::AutoSwitchHaClient;
use super::connection::AutoSwitchHaConnection;
use super::ReplicatedStore;
use super::{EpochEntry, EpochFileCache};
use crate::commit_log::CommitLog;
use crate::config::MessageStoreConfig;
use crate::dispatch_request::{check_message_and_return_size, CheckResult};
use crate::ha::common::ConnectionList;
use crate::ha::group_transfer_service::{AckSource, GroupTransferService};
use crate::ha::runtime_info::HaRuntimeInfo;
use crate::ha::{start_accept_loop, DataNotifier};
use crate::put_message_result::PutCompletion;
use crate::service_thread::ServiceSlot;
use crate::store_checkpoint::StoreCheckpoint;
use parking_lot::{Mutex, RwLock};
use rmq_common::util_all::current_millis;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU16, AtomicU8, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Java `MixAll.ALL_ACK_IN_SYNC_STATE_SET`: a put waits for every SyncStateSet member.
pub const ALL_ACK_IN_SYNC_STATE_SET: i32 = -1;

/// The replication role the broker gave the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum AutoSwitchRole {
    /// Neither `change_to_master` nor `change_to_slave` ran yet (treated as "not a slave", as
    /// Java treats a broker whose configured role is not SLAVE).
    None = 0,
    Master = 1,
    Slave = 2,
}

/// A SyncStateSet listener (the broker's ReplicasManager asks the controller to alter it).
pub type SyncStateSetListener = Arc<dyn Fn(HashSet<i64>) + Send + Sync>;

#[derive(Default)]
struct SyncState {
    local: HashSet<i64>,
    remote: HashSet<i64>,
    synchronizing: bool,
}

/// The AutoSwitch HA service of a store.
pub struct AutoSwitchHaService {
    pub(crate) store: Weak<dyn ReplicatedStore>,
    pub(crate) config: Arc<MessageStoreConfig>,
    pub(crate) commit_log: Arc<CommitLog>,
    checkpoint: Arc<StoreCheckpoint>,
    pub(crate) epoch_cache: Arc<EpochFileCache>,
    role: AtomicU8,
    connections: ConnectionList<AutoSwitchHaConnection>,
    caught_up: Mutex<HashMap<i64, i64>>,
    sync: RwLock<SyncState>,
    listeners: Mutex<Vec<SyncStateSetListener>>,
    notify_tx: Mutex<Option<mpsc::Sender<HashSet<i64>>>>,
    notify_thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    local_broker_id: Mutex<Option<i64>>,
    confirm_offset: AtomicI64,
    /// Highest offset any slave acknowledged (Java `push2SlaveMaxOffset`).
    push2slave_max_offset: AtomicI64,
    group_transfer: Arc<GroupTransferService>,
    client: Mutex<Option<Arc<AutoSwitchHaClient>>>,
    /// The master's broker address (Java `masterAddress`, informative).
    master_address: Mutex<Option<String>>,
    pub(crate) data: DataNotifier,
    accept: ServiceSlot,
    port: AtomicU16,
    pub(crate) stopped: AtomicBool,
}

/// `{storePathRootDir}/epochFileCheckpoint` unless `storePathEpochFile` names a file (Java
/// `getStorePathEpochFile`).
pub fn epoch_file_path(config: &MessageStoreConfig) -> PathBuf {
    match config.store_path_epoch_file.as_deref() {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(&config.store_path_root_dir).join("epochFileCheckpoint"),
    }
}

impl AutoSwitchHaService {
    /// Loads the epoch file (Java `init`).
    pub(crate) fn new(
        store: Weak<dyn ReplicatedStore>,
        config: Arc<MessageStoreConfig>,
        commit_log: Arc<CommitLog>,
        checkpoint: Arc<StoreCheckpoint>,
    ) -> io::Result<Arc<Self>> {
        let epoch_cache = Arc::new(EpochFileCache::with_file(epoch_file_path(&config)));
        if let Err(e) = epoch_cache.init_from_file() {
            if e.kind() != io::ErrorKind::NotFound {
                return Err(e);
            }
        }
        let confirm = checkpoint.confirm_phy_offset();
        Ok(Arc::new(AutoSwitchHaService {
            store,
            config,
            commit_log,
            checkpoint,
            epoch_cache,
            role: AtomicU8::new(AutoSwitchRole::None as u8),
            connections: ConnectionList::default(),
            caught_up: Mutex::new(HashMap::new()),
            sync: RwLock::new(SyncState::default()),
            listeners: Mutex::new(Vec::new()),
            notify_tx: Mutex::new(None),
            notify_thread: Mutex::new(None),
            local_broker_id: Mutex::new(None),
            confirm_offset: AtomicI64::new(if confirm > 0 { confirm } else { -1 }),
            push2slave_max_offset: AtomicI64::new(0),
            group_transfer: GroupTransferService::new(),
            client: Mutex::new(None),
            master_address: Mutex::new(None),
            data: DataNotifier::default(),
            accept: ServiceSlot::default(),
            port: AtomicU16::new(0),
            stopped: AtomicBool::new(false),
        }))
    }

    /// Binds the HA port and starts accepting slaves, the GroupTransferService and the
    /// listener notifier (Java `start`).
    pub(crate) fn start(self: &Arc<Self>, bind_address: &str) -> io::Result<()> {
        let (tx, rx) = mpsc::channel::<HashSet<i64>>();
        let me = Arc::downgrade(self);
        let handle = std::thread::Builder::new()
            .name("AutoSwitchHAService_Executor_".into())
            .spawn(move || {
                while let Ok(set) = rx.recv() {
                    let Some(me) = me.upgrade() else { return };
                    let listeners = me.listeners.lock().clone();
                    drop(me);
                    for l in listeners {
                        l(set.clone());
                    }
                }
            })?;
        *self.notify_tx.lock() = Some(tx);
        *self.notify_thread.lock() = Some(handle);
        let weak = Arc::downgrade(self);
        let port = start_accept_loop(
            &self.accept,
            "AutoSwitchAcceptSocketService",
            bind_address,
            self.config.ha_listen_port,
            move |stream, _| {
                let Some(me) = weak.upgrade() else { return };
                let started = AutoSwitchHaConnection::start(&me, stream);
                me.connections
                    .add_started(started, "AutoSwitchHAConnection");
            },
        )?;
        self.port.store(port, Ordering::Release);
        let acks: Arc<dyn AckSource> = self.clone();
        self.group_transfer.start(acks)?;
        Ok(())
    }

    /// Stops everything (Java `shutdown`).
    pub(crate) fn shutdown(&self) {
        self.stopped.store(true, Ordering::Release);
        if let Some(c) = self.client.lock().take() {
            c.shutdown();
        }
        self.accept.shutdown();
        self.destroy_connections();
        self.data.notify();
        self.group_transfer.shutdown();
        self.notify_tx.lock().take();
        if let Some(h) = self.notify_thread.lock().take() {
            let _ = h.join();
        }
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// The bound HA port, `None` before `start`.
    pub fn port(&self) -> Option<u16> {
        Some(self.port.load(Ordering::Acquire)).filter(|p| *p != 0)
    }

    /// The role set by the last `change_to_*`.
    pub fn role(&self) -> AutoSwitchRole {
        match self.role.load(Ordering::Acquire) {
            1 => AutoSwitchRole::Master,
            2 => AutoSwitchRole::Slave,
            _ => AutoSwitchRole::None,
        }
    }

    fn set_role(&self, role: AutoSwitchRole) {
        self.role.store(role as u8, Ordering::Release);
    }

    /// True unless the service is a slave.
    pub fn is_master_side(&self) -> bool {
        self.role() != AutoSwitchRole::Slave
    }

    pub fn connection_count(&self) -> usize {
        self.connections.count()
    }

    /// Tells the writers that the CommitLog grew.
    pub fn notify_new_data(&self) {
        if self.connection_count() > 0 {
            self.data.notify();
        }
    }

    fn max_phy_offset(&self) -> i64 {
        self.commit_log.max_offset()
    }

    fn destroy_connections(&self) {
        for c in self.connections.snapshot() {
            c.close(self);
        }
    }

    /// Drops a closed connection; while the store runs, its slave leaves the local
    /// SyncStateSet copy that is proposed to the controller (Java `removeConnection`).
    pub(crate) fn remove_connection(&self, conn: &Arc<AutoSwitchHaConnection>) {
        let store_running = self.store.upgrade().is_some_and(|s| !s.is_shutdown());
        if store_running && !self.is_stopped() {
            let mut set = self.local_sync_state_set();
            let slave = conn.slave_id();
            if set.remove(&slave) {
                self.mark_synchronizing(&set);
                self.notify_sync_state_set_changed(set);
            }
        }
        self.connections.remove(conn);
    }

    // ----- role changes -----

    /// Becomes the master of epoch `master_epoch` (Java `changeToMaster`): drops the
    /// connections and the client, truncates invalid tail records, appends the new epoch at
    /// the CommitLog's end and waits for the dispatch to catch up. False when
    /// `master_epoch` is older than the last epoch.
    pub fn change_to_master(&self, master_epoch: i32) -> io::Result<bool> {
        if self.epoch_is_stale(master_epoch, AutoSwitchRole::Master) {
            return Ok(false);
        }
        self.destroy_connections();
        if let Some(c) = self.client.lock().take() {
            c.shutdown();
        }
        let truncate = self.truncate_invalid_msg();
        self.set_confirm_offset(self.compute_confirm_offset());
        if truncate >= 0 {
            self.epoch_cache.truncate_suffix_by_offset(truncate)?;
        }
        self.append_epoch(master_epoch)?;
        self.set_role(AutoSwitchRole::Master);
        if let Some(store) = self.store.upgrade() {
            // Java waits without bound; a generous bound keeps a stuck dispatch from
            // hanging the role change forever.
            for _ in 0..600 {
                if store.dispatch_behind_bytes() <= 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            store.recover_topic_queue_table();
        }
        tracing::info!(master_epoch, "change ha to master success");
        Ok(true)
    }

    /// True (and logged) when `master_epoch` is older than the last epoch: the change to
    /// `to` is refused.
    fn epoch_is_stale(&self, master_epoch: i32, to: AutoSwitchRole) -> bool {
        let last = self.epoch_cache.last_epoch();
        if master_epoch >= last {
            return false;
        }
        if to == AutoSwitchRole::Slave {
            tracing::warn!(
                master_epoch,
                last,
                "newMasterEpoch < lastEpoch, fail to change to slave"
            );
        } else {
            tracing::warn!(
                master_epoch,
                last,
                "newMasterEpoch < lastEpoch, fail to change to master"
            );
        }
        true
    }

    fn append_epoch(&self, master_epoch: i32) -> io::Result<()> {
        let entry = EpochEntry::new(master_epoch, self.max_phy_offset());
        if self.epoch_cache.last_epoch() >= master_epoch {
            self.epoch_cache.truncate_suffix_by_epoch(master_epoch)?;
        }
        self.epoch_cache.append_entry(entry)?;
        Ok(())
    }

    /// Becomes a slave of the master of epoch `master_epoch` (Java `changeToSlave(newMasterAddr,
    /// newMasterEpoch, slaveId)`): `master_addr` is the master's broker address (informative),
    /// `slave_id` this broker's id, sent in the handshake. The client connects once
    /// [`Self::update_ha_master_address`] names the master's HA address.
    pub fn change_to_slave(
        self: &Arc<Self>,
        master_addr: &str,
        master_epoch: i32,
        slave_id: i64,
    ) -> io::Result<bool> {
        if self.epoch_is_stale(master_epoch, AutoSwitchRole::Slave) {
            return Ok(false);
        }
        self.destroy_connections();
        self.set_role(AutoSwitchRole::Slave);
        if let Some(c) = self.client.lock().take() {
            c.shutdown();
        }
        *self.master_address.lock() = Some(master_addr.to_string());
        let client = AutoSwitchHaClient::new(slave_id);
        client.start(self.clone())?;
        *self.client.lock() = Some(client);
        tracing::info!(
            master_addr,
            master_epoch,
            slave_id,
            "change ha to slave success"
        );
        Ok(true)
    }

    /// Java `changeToMasterWhenLastRoleIsMaster`: appends the new epoch only.
    pub fn change_to_master_when_last_role_is_master(&self, master_epoch: i32) -> io::Result<bool> {
        if self.epoch_is_stale(master_epoch, AutoSwitchRole::Master) {
            return Ok(false);
        }
        self.append_epoch(master_epoch)?;
        self.set_role(AutoSwitchRole::Master);
        Ok(true)
    }

    /// Java `changeToSlaveWhenMasterNotChange`: only checks the epoch.
    pub fn change_to_slave_when_master_not_change(
        &self,
        master_addr: &str,
        master_epoch: i32,
    ) -> io::Result<bool> {
        if self.epoch_is_stale(master_epoch, AutoSwitchRole::Slave) {
            return Ok(false);
        }
        tracing::info!(
            master_addr,
            master_epoch,
            "change to slave, master not changed"
        );
        Ok(true)
    }

    /// Sets the master's HA address the slave client connects to.
    pub fn update_ha_master_address(&self, addr: &str) {
        if let Some(c) = self.client.lock().as_ref() {
            c.link.update_ha_master_address(addr);
        }
    }

    /// The master's broker address given to `change_to_slave`.
    pub fn master_address(&self) -> Option<String> {
        self.master_address.lock().clone()
    }

    /// The HA address the slave client connects to.
    pub fn ha_master_address(&self) -> Option<String> {
        self.client
            .lock()
            .as_ref()
            .and_then(|c| c.link.master_ha_address())
    }

    /// The slave client's connection state (`None` without a client).
    pub fn ha_client_state(&self) -> Option<super::HaConnectionState> {
        self.client.lock().as_ref().map(|c| c.state())
    }

    pub fn set_local_broker_id(&self, id: i64) {
        *self.local_broker_id.lock() = Some(id);
    }

    pub fn local_broker_id(&self) -> Option<i64> {
        *self.local_broker_id.lock()
    }

    // ----- SyncStateSet -----

    /// Registers a listener called (on a notifier thread) with the new SyncStateSet when
    /// the service wants the controller to change it.
    pub fn register_sync_state_set_changed_listener(
        &self,
        listener: impl Fn(HashSet<i64>) + Send + Sync + 'static,
    ) {
        self.listeners.lock().push(Arc::new(listener));
    }

    fn notify_sync_state_set_changed(&self, set: HashSet<i64>) {
        if let Some(tx) = self.notify_tx.lock().as_ref() {
            let _ = tx.send(set);
        }
    }

    fn mark_synchronizing(&self, set: &HashSet<i64>) {
        let mut s = self.sync.write();
        s.synchronizing = true;
        s.remote = set.clone();
    }

    pub fn is_synchronizing_sync_state_set(&self) -> bool {
        self.sync.read().synchronizing
    }

    /// The SyncStateSet the controller confirmed (Java `setSyncStateSet`); recomputes the
    /// confirm offset.
    pub fn set_sync_state_set(&self, set: HashSet<i64>) {
        let mut s = self.sync.write();
        s.synchronizing = false;
        s.local = set;
        drop(s);
        self.set_confirm_offset(self.compute_confirm_offset());
    }

    /// The SyncStateSet, with the proposed members while a change is being synchronized
    /// (Java `getSyncStateSet`).
    pub fn sync_state_set(&self) -> HashSet<i64> {
        let s = self.sync.read();
        if s.synchronizing {
            s.local.union(&s.remote).copied().collect()
        } else {
            s.local.clone()
        }
    }

    /// The SyncStateSet the controller confirmed (Java `getLocalSyncStateSet`).
    pub fn local_sync_state_set(&self) -> HashSet<i64> {
        self.sync.read().local.clone()
    }

    /// Java `maybeShrinkSyncStateSet`: the SyncStateSet without the slaves not caught up for
    /// `haMaxTimeSlaveNotCatchup` and those never connected.
    pub fn maybe_shrink_sync_state_set(&self) -> HashSet<i64> {
        let mut set = self.local_sync_state_set();
        let mut changed = false;
        let max = self.config.ha_max_time_slave_not_catchup;
        let now = current_millis();
        let caught_up = self.caught_up.lock().clone();
        for (id, t) in &caught_up {
            if set.contains(id) && now - t > max {
                set.remove(id);
                changed = true;
            }
        }
        let local = self.local_broker_id();
        let before = set.len();
        set.retain(|id| Some(*id) == local || caught_up.contains_key(id));
        changed |= set.len() != before;
        if changed {
            self.mark_synchronizing(&set);
        }
        set
    }

    /// Java `maybeExpandInSyncStateSet`: a slave that reached the confirm offset and the
    /// current epoch joins the proposed SyncStateSet and the listeners hear of it.
    pub fn maybe_expand_in_sync_state_set(&self, slave_id: i64, slave_max_offset: i64) {
        let mut set = self.local_sync_state_set();
        if set.contains(&slave_id) {
            return;
        }
        let confirm = self.confirm_offset();
        if slave_max_offset >= confirm {
            let Some(leader) = self.epoch_cache.last_entry() else {
                return;
            };
            if slave_max_offset >= leader.start_offset {
                tracing::info!(
                    slave_id,
                    slave_max_offset,
                    confirm,
                    "expand in-sync state set"
                );
                set.insert(slave_id);
                self.mark_synchronizing(&set);
                self.notify_sync_state_set_changed(set);
            }
        }
    }

    /// Java `updateConnectionLastCaughtUpTime`.
    pub fn update_connection_last_caught_up_time(&self, slave_id: i64, millis: i64) {
        let mut t = self.caught_up.lock();
        let e = t.entry(slave_id).or_insert(0);
        *e = (*e).max(millis);
    }

    /// Last caught-up time of each slave that connected.
    pub fn connection_caught_up_times(&self) -> HashMap<i64, i64> {
        self.caught_up.lock().clone()
    }

    pub(crate) fn update_confirm_offset_when_slave_ack(&self, slave_id: i64) {
        let s = self.sync.read();
        if s.local.contains(&slave_id) {
            drop(s);
            self.set_confirm_offset(self.compute_confirm_offset());
        }
    }

    /// Java `inSyncReplicasNums`.
    pub fn in_sync_replicas_nums(&self, _master_put_where: i64) -> i32 {
        let s = self.sync.read();
        if s.synchronizing {
            s.local.len().max(s.remote.len()) as i32
        } else {
            s.local.len() as i32
        }
    }

    // ----- confirm offset -----

    /// Java `computeConfirmOffset`: the smallest ack of the SyncStateSet's connected slaves
    /// (the max offset without any); the stored value when a member has no connection.
    pub fn compute_confirm_offset(&self) -> i64 {
        let set = self.sync_state_set();
        let mut confirm = self.max_phy_offset();
        let conns = self.connections.snapshot();
        let ids: HashSet<i64> = conns.iter().map(|c| c.slave_id()).collect();
        let local = self.local_broker_id();
        for id in &set {
            if !ids.contains(id) && local.is_some() && Some(*id) != local {
                tracing::warn!(
                    slave = id,
                    "slave still in syncStateSet lost its connection"
                );
                return self.confirm_offset_directly();
            }
        }
        for c in &conns {
            let ack = c.progress.slave_ack_offset();
            if set.contains(&c.slave_id()) && ack > 0 {
                confirm = confirm.min(ack);
            }
        }
        confirm
    }

    /// The store's confirm offset in controller mode (Java `CommitLog#getConfirmOffset`).
    pub fn confirm_offset(&self) -> i64 {
        if self.is_master_side() {
            if self.local_sync_state_set().len() == 1 || !self.config.all_ack_in_sync_state_set {
                return self.max_phy_offset();
            }
            if self.confirm_offset.load(Ordering::Acquire) < 0 {
                self.set_confirm_offset(self.compute_confirm_offset());
            }
        }
        self.confirm_offset.load(Ordering::Acquire)
    }

    /// Java `getConfirmOffsetDirectly`.
    pub fn confirm_offset_directly(&self) -> i64 {
        if self.is_master_side() && self.local_sync_state_set().len() == 1 {
            return self.max_phy_offset();
        }
        self.confirm_offset.load(Ordering::Acquire)
    }

    /// Sets the confirm offset and the checkpoint's `confirmPhyOffset`.
    pub fn set_confirm_offset(&self, offset: i64) {
        self.confirm_offset.store(offset, Ordering::Release);
        self.checkpoint.set_confirm_phy_offset(offset);
    }

    // ----- epochs and truncation -----

    pub fn epoch_entries(&self) -> Vec<EpochEntry> {
        self.epoch_cache.all_entries()
    }

    pub fn last_epoch(&self) -> i32 {
        self.epoch_cache.last_epoch()
    }

    pub fn truncate_epoch_file_prefix(&self, offset: i64) -> io::Result<()> {
        self.epoch_cache.truncate_prefix_by_offset(offset)
    }

    pub fn truncate_epoch_file_suffix(&self, offset: i64) -> io::Result<()> {
        self.epoch_cache.truncate_suffix_by_offset(offset)
    }

    /// Java `truncateInvalidMsg`: when the dispatch is behind, drops everything after the
    /// last valid record from the reput offset on; returns the truncation offset or -1.
    pub fn truncate_invalid_msg(&self) -> i64 {
        let Some(store) = self.store.upgrade() else {
            return -1;
        };
        if store.dispatch_behind_bytes() <= 0 {
            return -1;
        }
        let cl = &self.commit_log;
        let mut offset = store.reput_from_offset();
        'outer: while offset < cl.max_offset() {
            let Some(data) = cl.get_data(offset) else {
                break;
            };
            let mut read = 0usize;
            while read < data.len() {
                match check_message_and_return_size(&data[read..], false, cl.delay_levels()) {
                    CheckResult::Message(m) if m.msg_size > 0 => {
                        offset += m.msg_size as i64;
                        read += m.msg_size as usize;
                    }
                    CheckResult::EndOfFile | CheckResult::Message(_) => {
                        offset = cl.roll_next_file(offset);
                        continue 'outer;
                    }
                    CheckResult::Invalid { .. } => break 'outer,
                }
            }
        }
        store.truncate_dirty_files(offset);
        offset
    }

    // ----- puts -----

    /// Queues a put that needs `need_acks` copies (or [`ALL_ACK_IN_SYNC_STATE_SET`]).
    pub(crate) fn put_request(&self, next_offset: i64, need_acks: i32) -> Arc<PutCompletion> {
        let timeout = Duration::from_millis(self.config.slave_timeout.max(0) as u64);
        self.group_transfer
            .put_request(next_offset, need_acks, timeout, self)
    }

    /// Highest offset any slave acknowledged (Java `getPush2SlaveMaxOffset`).
    pub fn push2slave_max_offset(&self) -> i64 {
        self.push2slave_max_offset.load(Ordering::Acquire)
    }

    /// A slave acknowledged `offset` (Java `notifyTransferSome`).
    pub(crate) fn notify_transfer_some(&self, offset: i64) {
        self.push2slave_max_offset
            .fetch_max(offset, Ordering::AcqRel);
        self.group_transfer
            .complete_ready(self, std::time::Instant::now());
    }

    /// Java `getRuntimeInfo(masterPutWhere)`.
    pub fn runtime_info(&self, master_put_where: i64) -> HaRuntimeInfo {
        let mut info = HaRuntimeInfo::default();
        if self.role() == AutoSwitchRole::Slave {
            let c = &mut info.ha_client_runtime_info;
            if let Some(client) = self.client.lock().as_ref() {
                client.link.fill_runtime_info(c);
            }
            c.max_offset = self.max_phy_offset();
            return info;
        }
        info.master = true;
        info.master_commit_log_max_offset = master_put_where;
        let set = self.local_sync_state_set();
        for conn in self.connections.lock().iter() {
            let in_sync = set.contains(&conn.slave_id());
            let c = conn
                .progress
                .runtime_info(&conn.addr, master_put_where, in_sync);
            info.ha_connection_info.push(c);
        }
        info.in_sync_slave_nums = set.len() as i32 - 1;
        info
    }

    /// (slave id, ack offset) of each connected slave.
    pub fn slave_acks(&self) -> Vec<(i64, i64)> {
        self.connections
            .map(|c| (c.slave_id(), c.progress.slave_ack_offset()))
    }
}

impl AckSource for AutoSwitchHaService {
    fn slave_ack_offsets(&self) -> Vec<i64> {
        self.connections.map(|c| c.progress.slave_ack_offset())
    }

    /// Java `GroupTransferService#doWaitTransfer`, including `ALL_ACK_IN_SYNC_STATE_SET`.
    fn enough_acks(&self, next_offset: i64, need_acks: i32) -> bool {
        let conns = self.connections.snapshot();
        if need_acks == ALL_ACK_IN_SYNC_STATE_SET {
            let set = self.sync_state_set();
            if set.len() <= 1 {
                return true;
            }
            let acked = 1 + conns
                .iter()
                .filter(|c| {
                    set.contains(&c.slave_id()) && c.progress.slave_ack_offset() >= next_offset
                })
                .count();
            return acked >= set.len();
        }
        1 + conns
            .iter()
            .filter(|c| c.progress.slave_ack_offset() >= next_offset)
            .count() as i32
            >= need_acks
    }
}
