//! `ReplicasManager`: a broker in controller mode (`enableControllerMode=true`) learns its
//! role from the controllers (Java `broker/controller/ReplicasManager`).
//!
//! Start-up (retried every 5 s until it succeeds, as Java): find the controller leader
//! (CONTROLLER_GET_METADATA_INFO on each controller of `controllerAddr`), register — the
//! broker id comes from `brokerIdentity` in the store root, or is taken with
//! CONTROLLER_GET_NEXT_BROKER_ID, written to `brokerIdentity-temp` with a check code, claimed
//! with CONTROLLER_APPLY_BROKER_ID and then moved to `brokerIdentity` — then
//! CONTROLLER_REGISTER_BROKER, one heartbeat, and CONTROLLER_ELECT_MASTER when the answer
//! names no master. Until then the broker is fenced: its store refuses writes and it does
//! not register with the name servers.
//!
//! Running: BROKER_HEARTBEAT to every controller each `brokerHeartbeatInterval`; the
//! controller leader refreshed each `syncControllerMetadataPeriod`; the broker set's master
//! and SyncStateSet read each `syncBrokerMetadataPeriod` (a newer master epoch changes the
//! role, a missing master triggers an election); on the master the SyncStateSet is checked
//! each `checkSyncStateSetPeriod` and reported with CONTROLLER_ALTER_SYNC_STATE_SET, as is a
//! slave that caught up. NOTIFY_BROKER_ROLE_CHANGED from the controller changes the role
//! at once ([`ReplicasManager::change_broker_role`]).
//!
//! A role change sets the shared [`RoleState`], the broker id the broker registers with (0
//! on the master, the controller-assigned id on a slave), the store's replication (through
//! [`ReplicaStore`]), the slave's metadata sync, and registers with the name servers.

use super::ReplicaStore;
use crate::broker_address::BrokerAddress;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::out::broker_outer_api::BrokerOuterAPI;
use crate::out::registrar::BrokerRegistrar;
use crate::slave::slave_synchronize::SlaveSynchronize;
use crate::topic::topic_config_manager::TopicConfigManager;
use parking_lot::Mutex;
use rmq_store::{BrokerRole, RoleState};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

const RETRY_INTERVAL: Duration = Duration::from_secs(5);

/// What the manager works with: no more than it uses of the broker.
pub struct ReplicasContext {
    pub config: BrokerConfigHandle,
    pub address: Arc<BrokerAddress>,
    pub outer_api: BrokerOuterAPI,
    pub store: Arc<dyn ReplicaStore>,
    pub role: Arc<RoleState>,
    pub topic_config_manager: Arc<TopicConfigManager>,
    pub slave_synchronize: Arc<SlaveSynchronize>,
    /// Registers with the name servers after a role change (the broker; weak, the broker
    /// owns the manager).
    pub registrar: Weak<dyn BrokerRegistrar + Send + Sync>,
    /// Java `isIsolated`: no name server registration nor controller heartbeat while set.
    pub isolated: Arc<AtomicBool>,
    /// Where `brokerIdentity` and `brokerIdentity-temp` live (`storePathBrokerIdentity`'s
    /// directory, by default the store root).
    pub identity_dir: PathBuf,
}

#[derive(Debug, Default)]
pub(super) struct Replicas {
    pub(super) controller_leader: String,
    pub(super) broker_controller_id: Option<i64>,
    pub(super) master_broker_id: Option<i64>,
    pub(super) master_address: String,
    pub(super) master_epoch: i32,
    pub(super) sync_state_set: BTreeSet<i64>,
    pub(super) sync_state_set_epoch: i32,
}

/// The broker's side of controller mode.
pub struct ReplicasManager {
    pub(super) ctx: ReplicasContext,
    pub(super) state: Mutex<Replicas>,
    /// Serializes role changes (Java's `synchronized` methods).
    pub(super) role_change: tokio::sync::Mutex<()>,
    running: AtomicBool,
    /// Registered with the controller (Java `RegisterState.REGISTERED`).
    pub(super) registered: AtomicBool,
    pub(super) last_slave_sync_ms: AtomicI64,
}

impl ReplicasManager {
    pub fn new(ctx: ReplicasContext) -> Arc<Self> {
        ctx.store.set_fenced(true);
        ctx.isolated.store(true, Ordering::Release);
        Arc::new(ReplicasManager {
            ctx,
            state: Mutex::new(Replicas::default()),
            role_change: tokio::sync::Mutex::new(()),
            running: AtomicBool::new(false),
            registered: AtomicBool::new(false),
            last_slave_sync_ms: AtomicI64::new(0),
        })
    }

    pub(super) fn controller_addresses(&self) -> Vec<String> {
        self.ctx
            .config
            .load()
            .controller_addr
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub(super) fn leader(&self) -> String {
        self.state.lock().controller_leader.clone()
    }

    /// The controller-assigned id, once registered.
    pub fn broker_controller_id(&self) -> Option<i64> {
        self.state.lock().broker_controller_id
    }

    /// The master epoch this broker acts under.
    pub fn master_epoch(&self) -> i32 {
        self.state.lock().master_epoch
    }

    /// The SyncStateSet and its epoch as this broker knows them.
    pub fn sync_state_set(&self) -> (BTreeSet<i64>, i32) {
        let s = self.state.lock();
        (s.sync_state_set.clone(), s.sync_state_set_epoch)
    }

    /// The store's epoch list (GET_BROKER_EPOCH_CACHE).
    pub fn epoch_entries(&self) -> Vec<rmq_remoting::protocol::body::controller::EpochEntry> {
        self.ctx.store.epoch_entries()
    }

    /// True once registered and a master is known (Java `State.RUNNING`).
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    /// Starts the registration and the periodic tasks (Java `start`).
    pub fn start(self: &Arc<Self>, tasks: &TaskTracker, shutdown: CancellationToken) {
        let (expand_tx, mut expand_rx) = mpsc::unbounded_channel::<BTreeSet<i64>>();
        self.ctx
            .store
            .on_sync_state_set_expanded(Box::new(move |set| {
                let _ = expand_tx.send(set);
            }));
        let me = self.clone();
        let tracker = tasks.clone();
        let stop = shutdown.clone();
        tasks.spawn(async move {
            let mut attempt = 0u32;
            while !me.start_basic_service().await {
                attempt += 1;
                tracing::warn!(attempt, "Failed to start replicasManager, try it again");
                tokio::select! {
                    _ = tokio::time::sleep(RETRY_INTERVAL) => {}
                    _ = stop.cancelled() => return,
                }
            }
            tracing::info!(retry_times = attempt, "Start replicasManager success");
            me.start_periodic(&tracker, stop.clone());
            loop {
                let set = tokio::select! {
                    s = expand_rx.recv() => s,
                    _ = stop.cancelled() => None,
                };
                let Some(set) = set else { break };
                me.report_sync_state_set(set).await;
            }
        });
        let me = self.clone();
        let period = self.ctx.config.load().broker_heartbeat_interval.max(100) as u64;
        spawn_every(tasks, shutdown, 1_000, period, move || {
            let me = me.clone();
            async move {
                if !me.ctx.isolated.load(Ordering::Acquire) {
                    me.send_heartbeat_to_controllers().await;
                }
            }
        });
    }

    fn start_periodic(self: &Arc<Self>, tasks: &TaskTracker, shutdown: CancellationToken) {
        let bc = self.ctx.config.load();
        let me = self.clone();
        let period = bc.sync_controller_metadata_period.max(100) as u64;
        spawn_every(tasks, shutdown.clone(), 3_000, period, move || {
            let me = me.clone();
            async move {
                me.update_controller_metadata().await;
            }
        });
        let me = self.clone();
        let period = bc.sync_broker_metadata_period.max(100) as u64;
        spawn_every(tasks, shutdown.clone(), 3_000, period, move || {
            let me = me.clone();
            async move {
                me.sync_broker_metadata().await;
            }
        });
        let me = self.clone();
        spawn_every(tasks, shutdown.clone(), 3_000, 3_000, move || {
            let me = me.clone();
            async move {
                me.slave_sync_if_due().await;
            }
        });
        let me = self.clone();
        let period = bc.check_sync_state_set_period.max(100) as u64;
        spawn_every(tasks, shutdown, 3_000, period, move || {
            let me = me.clone();
            async move {
                if me.ctx.role.role() == BrokerRole::SyncMaster {
                    me.check_sync_state_set_and_report().await;
                }
            }
        });
    }

    /// Java `startBasicService`: leader lookup, registration, heartbeat, election.
    async fn start_basic_service(self: &Arc<Self>) -> bool {
        if self.leader().is_empty() && !self.sync_controller_metadata_first_time().await {
            return false;
        }
        if !self.registered.load(Ordering::Acquire) {
            let mut ok = false;
            for _ in 0..5 {
                if self.register().await {
                    ok = true;
                    break;
                }
                // Spreads concurrent registrations (Java `random.nextInt(1000)`).
                let pause = rand::random_range(0..1_000u64);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            if !ok {
                tracing::error!("Register to broker failed 5 times");
                return false;
            }
        }
        self.send_heartbeat_to_controllers().await;
        let has_master = self.state.lock().master_broker_id.is_some();
        if !has_master && !self.broker_elect().await {
            return false;
        }
        self.running.store(true, Ordering::Release);
        self.ctx.store.set_fenced(false);
        self.ctx.isolated.store(false, Ordering::Release);
        tracing::info!("All register process has been done, change state to: RUNNING");
        true
    }

    async fn sync_controller_metadata_first_time(&self) -> bool {
        for _ in 0..3 {
            if self.update_controller_metadata().await {
                return true;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        tracing::error!(controllers = ?self.controller_addresses(), "Failed to init controller metadata, maybe the controllers are not available");
        false
    }

    /// Asks the controllers who leads (Java `updateControllerMetadata`).
    async fn update_controller_metadata(&self) -> bool {
        for addr in self.controller_addresses() {
            match self.ctx.outer_api.get_controller_meta_data(&addr).await {
                Ok(h) => {
                    if let Some(leader) = h.controller_leader_address.filter(|l| !l.is_empty()) {
                        let mut s = self.state.lock();
                        if s.controller_leader != leader {
                            tracing::info!(leader = %leader, "Update controller leader address");
                            s.controller_leader = leader;
                        }
                        return true;
                    }
                }
                Err(e) => {
                    tracing::debug!(controller = %addr, error = %e, "Failed to update controller metadata")
                }
            }
        }
        false
    }
}

/// Runs `f` every `period_ms` from `first_ms` on, until `shutdown`.
fn spawn_every<F, Fut>(
    tasks: &TaskTracker,
    shutdown: CancellationToken,
    first_ms: u64,
    period_ms: u64,
    f: F,
) where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tasks.spawn(async move {
        let mut interval = tokio::time::interval_at(
            tokio::time::Instant::now() + Duration::from_millis(first_ms),
            Duration::from_millis(period_ms),
        );
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                _ = shutdown.cancelled() => break,
            }
            f().await;
        }
    });
}
