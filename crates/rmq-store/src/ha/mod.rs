//! Classic master/slave replication (Java `store/ha`, `DefaultHAService`).
//!
//! Every store that does not run `duplicationEnable` has an [`HaService`]: it accepts slaves
//! on `haListenPort` (one [`HaConnection`] each, reader and writer threads), runs the
//! [`GroupTransferService`] that completes SYNC_MASTER puts, and an [`HaClient`] that replicates
//! from a master once the broker tells it the master's HA address (it idles otherwise). The
//! wire format is Java 5.3.3's, byte for byte; see `ha_connection` and `ha_client`.

pub mod autoswitch;
pub(crate) mod common;
pub(crate) mod flow_monitor;
pub(crate) mod group_transfer_service;
mod ha_client;
mod ha_connection;
pub(crate) mod runtime_info;
#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests;

pub use runtime_info::{HaClientRuntimeInfo, HaConnectionRuntimeInfo, HaRuntimeInfo};

use crate::commit_log::CommitLog;
use crate::config::MessageStoreConfig;
use crate::put_message_result::PutCompletion;
use crate::role_state::RoleState;
use crate::service_thread::ServiceSlot;
use common::ConnectionList;
use group_transfer_service::{AckSource, GroupTransferService};
use ha_client::HaClient;
use ha_connection::HaConnection;
use parking_lot::{Condvar, Mutex};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU16, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What the connections and the client share: the CommitLog, the slave list and the
/// wake-ups.
pub(crate) struct HaShared {
    pub(crate) config: Arc<MessageStoreConfig>,
    pub(crate) commit_log: Arc<CommitLog>,
    connections: ConnectionList<HaConnection>,
    /// Highest offset any slave acknowledged (Java `push2SlaveMaxOffset`).
    push2slave_max_offset: AtomicI64,
    group_transfer: Arc<GroupTransferService>,
    data: DataNotifier,
    stopped: AtomicBool,
}

/// Generation counter the HA writers wait on for new CommitLog data (shared by the classic
/// and the AutoSwitch services).
#[derive(Debug, Default)]
pub(crate) struct DataNotifier {
    generation: Mutex<u64>,
    cond: Condvar,
}

impl DataNotifier {
    /// The current data generation; read it before looking for data, then wait with it.
    pub(crate) fn generation(&self) -> u64 {
        *self.generation.lock()
    }

    /// Waits up to `timeout` for new data after generation `seen` (not when `stopped`).
    pub(crate) fn wait(&self, seen: u64, timeout: Duration, stopped: &AtomicBool) {
        let mut g = self.generation.lock();
        if *g == seen && !stopped.load(Ordering::Acquire) {
            self.cond.wait_for(&mut g, timeout);
        }
    }

    /// Wakes every waiter (data was appended, or the service stops).
    pub(crate) fn notify(&self) {
        let mut g = self.generation.lock();
        *g = g.wrapping_add(1);
        self.cond.notify_all();
    }
}

/// Binds `bind_address:port` (0 picks a free port) and runs `on_accept` for each connection
/// on the thread of `slot` named `name` until it stops; returns the bound port.
pub(crate) fn start_accept_loop<F>(
    slot: &ServiceSlot,
    name: &str,
    bind_address: &str,
    port: i32,
    on_accept: F,
) -> std::io::Result<u16>
where
    F: Fn(std::net::TcpStream, std::net::SocketAddr) + Send + 'static,
{
    let port = port.clamp(0, u16::MAX as i32) as u16;
    let listener = TcpListener::bind((bind_address, port)).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot bind the HA port {bind_address}:{port}: {e}"),
        )
    })?;
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?.port();
    slot.start(name, move |s| {
        while !s.is_stopped() {
            match listener.accept() {
                Ok((stream, peer)) => {
                    tracing::info!(slave = %peer, "HAService receive new connection");
                    on_accept(stream, peer);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => s.wait_for_running(50),
                Err(e) => {
                    tracing::warn!(error = %e, "HA accept failed");
                    s.wait_for_running(100);
                }
            }
        }
    })?;
    Ok(bound)
}

impl HaShared {
    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    pub(crate) fn file_size(&self) -> i64 {
        (self.config.mapped_file_size_commit_log as i64).max(1)
    }

    /// Raises `push2SlaveMaxOffset` and completes the SYNC_MASTER puts this report satisfied,
    /// on the reporting connection's reader thread (Java wakes the GroupTransferService
    /// thread for this; doing it here saves a thread switch per report).
    pub(crate) fn notify_transfer_some(&self, offset: i64) {
        self.push2slave_max_offset
            .fetch_max(offset, Ordering::AcqRel);
        self.group_transfer
            .complete_ready(self, std::time::Instant::now());
    }

    /// The current data generation; read it before looking for data, then wait with it.
    pub(crate) fn data_generation(&self) -> u64 {
        self.data.generation()
    }

    /// Waits up to `timeout` for new CommitLog data after generation `seen`.
    pub(crate) fn wait_for_data(&self, seen: u64, timeout: Duration) {
        self.data.wait(seen, timeout, &self.stopped);
    }

    /// Wakes the writers (data was appended).
    fn notify_data(&self) {
        self.data.notify();
    }

    /// Appends replicated bytes (slave); the reput picks them up (the append wakes it when
    /// it sleeps on an idle log).
    pub(crate) fn append(&self, offset: i64, data: &[u8]) -> bool {
        self.commit_log.append_data(offset, data)
    }

    pub(crate) fn remove_connection(&self, conn: &Arc<HaConnection>) {
        self.connections.remove(conn);
    }
}

impl AckSource for HaShared {
    fn slave_ack_offsets(&self) -> Vec<i64> {
        self.connections.map(|c| c.progress.slave_ack_offset())
    }
}

/// The HA service of a store (Java `DefaultHAService`).
pub(crate) struct HaService {
    shared: Arc<HaShared>,
    role: Arc<RoleState>,
    client: Arc<HaClient>,
    accept: ServiceSlot,
    port: AtomicU16,
}

impl HaService {
    pub(crate) fn new(
        config: Arc<MessageStoreConfig>,
        role: Arc<RoleState>,
        commit_log: Arc<CommitLog>,
    ) -> Arc<Self> {
        let client = HaClient::new();
        if let Some(addr) = config.ha_master_address.as_deref() {
            if addr.len() >= 6 {
                client.link.update_ha_master_address(addr);
            }
        }
        Arc::new(HaService {
            shared: Arc::new(HaShared {
                config,
                commit_log,
                connections: ConnectionList::default(),
                push2slave_max_offset: AtomicI64::new(0),
                group_transfer: GroupTransferService::new(),
                data: DataNotifier::default(),
                stopped: AtomicBool::new(false),
            }),
            client,
            role,
            accept: ServiceSlot::default(),
            port: AtomicU16::new(0),
        })
    }

    /// Binds `bind_address:haListenPort` (0 picks a free port) and starts accepting slaves,
    /// the GroupTransferService and the HA client.
    pub(crate) fn start(&self, bind_address: &str) -> std::io::Result<()> {
        let shared = self.shared.clone();
        let port = start_accept_loop(
            &self.accept,
            "AcceptSocketService",
            bind_address,
            self.shared.config.ha_listen_port,
            move |stream, _| {
                let started = HaConnection::start(&shared, stream);
                shared.connections.add_started(started, "HAConnection");
            },
        )?;
        self.port.store(port, Ordering::Release);
        let acks: Arc<dyn AckSource> = self.shared.clone();
        self.shared.group_transfer.start(acks)?;
        self.client.start(self.shared.clone())?;
        Ok(())
    }

    pub(crate) fn shutdown(&self) {
        self.shared.stopped.store(true, Ordering::Release);
        self.client.link.shutdown();
        self.accept.shutdown();
        for c in self.shared.connections.snapshot() {
            c.close(&self.shared);
        }
        self.shared.notify_data();
        self.shared.group_transfer.shutdown();
    }

    /// The bound HA port, `None` before `start`.
    pub(crate) fn port(&self) -> Option<u16> {
        Some(self.port.load(Ordering::Acquire)).filter(|p| *p != 0)
    }

    pub(crate) fn connection_count(&self) -> usize {
        self.shared.connections.count()
    }

    pub(crate) fn push2slave_max_offset(&self) -> i64 {
        self.shared.push2slave_max_offset.load(Ordering::Acquire)
    }

    /// Tells the writers that the CommitLog grew (only when slaves are connected).
    pub(crate) fn notify_new_data(&self) {
        if self.connection_count() > 0 {
            self.shared.notify_data();
        }
    }

    /// Queues a SYNC_MASTER put that needs `need_acks` copies below `next_offset`.
    pub(crate) fn put_request(&self, next_offset: i64, need_acks: i32) -> Arc<PutCompletion> {
        let timeout = Duration::from_millis(self.shared.config.slave_timeout.max(0) as u64);
        self.shared.group_transfer.put_request(
            next_offset,
            need_acks,
            timeout,
            self.shared.as_ref(),
        )
    }

    pub(crate) fn update_ha_master_address(&self, addr: &str) {
        self.client.link.update_ha_master_address(addr);
    }

    pub(crate) fn update_master_address(&self, addr: &str) {
        self.client.update_master_address(addr);
    }

    /// Java `getRuntimeInfo(masterPutWhere)`.
    pub(crate) fn runtime_info(&self, master_put_where: i64) -> HaRuntimeInfo {
        let mut info = HaRuntimeInfo::default();
        if self.role.is_slave() {
            let c = &mut info.ha_client_runtime_info;
            self.client.link.fill_runtime_info(c);
            c.max_offset = master_put_where;
            return info;
        }
        info.master = true;
        info.master_commit_log_max_offset = master_put_where;
        let gap = self.shared.config.ha_max_gap_not_in_sync as i64;
        for conn in self.shared.connections.lock().iter() {
            let in_sync = master_put_where - conn.progress.slave_ack_offset() < gap;
            info.in_sync_slave_nums += in_sync as i32;
            let c = conn
                .progress
                .runtime_info(&conn.addr, master_put_where, in_sync);
            info.ha_connection_info.push(c);
        }
        info
    }
}
