//! Plumbing the classic and the AutoSwitch HA services share: the master's list of slave
//! connections, a connection's reader and writer threads, and the slave's link to its
//! master with its connect-or-wait step. Only what both sides do the same way lives here; their protocols do not.

use super::flow_monitor::FlowMonitor;
use super::runtime_info::{HaClientRuntimeInfo, HaConnectionRuntimeInfo};
use crate::config::MessageStoreConfig;
use crate::service_thread::{ServiceSlot, ServiceState};
use parking_lot::{Mutex, MutexGuard};
use std::fmt::Display;
use std::io::ErrorKind;
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Pause between connection attempts (Java `closeMasterAndWait` / READY's wait).
pub(crate) const RECONNECT_WAIT_MILLIS: u64 = 5000;

/// The master's slave connections with their count (readable without the lock).
pub(crate) struct ConnectionList<C> {
    list: Mutex<Vec<Arc<C>>>,
    count: AtomicUsize,
}

impl<C> Default for ConnectionList<C> {
    fn default() -> Self {
        ConnectionList {
            list: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
        }
    }
}

impl<C> ConnectionList<C> {
    /// Adds a connection that started; logs `new {java_name} exception` for one that did not.
    pub(crate) fn add_started(&self, started: std::io::Result<Arc<C>>, java_name: &str) {
        match started {
            Ok(c) => {
                let mut list = self.list.lock();
                list.push(c);
                self.count.store(list.len(), Ordering::Release);
            }
            Err(e) => tracing::error!(error = %e, "new {java_name} exception"),
        }
    }

    /// Drops `conn` from the list.
    pub(crate) fn remove(&self, conn: &Arc<C>) {
        let mut list = self.list.lock();
        list.retain(|c| !Arc::ptr_eq(c, conn));
        self.count.store(list.len(), Ordering::Release);
    }

    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// `f` of each connection, in list order.
    pub(crate) fn map<T>(&self, f: impl Fn(&C) -> T) -> Vec<T> {
        self.list.lock().iter().map(|c| f(c)).collect()
    }

    /// The connections now (a copy, so that closing them can edit the list).
    pub(crate) fn snapshot(&self) -> Vec<Arc<C>> {
        self.list.lock().clone()
    }

    /// The locked list, to read it in place.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Vec<Arc<C>>> {
        self.list.lock()
    }
}

/// Sets up a socket the master accepted (blocking, no delay, writes bounded by
/// `haHousekeepingInterval`, 1 s reads) and returns the slave's address, `ip:port`.
pub(crate) fn prepare_accepted(
    stream: &TcpStream,
    housekeeping_interval: i32,
) -> std::io::Result<String> {
    stream.set_nonblocking(false)?;
    stream.set_nodelay(true)?;
    let addr = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| "unknown".into());
    let housekeeping = Duration::from_millis(housekeeping_interval.max(1) as u64);
    stream.set_write_timeout(Some(housekeeping))?;
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    Ok(addr)
}

/// One socket thread of a connection: its (Java) thread name and its loop.
pub(crate) type SocketLoop<C, O> = (&'static str, fn(&C, &O));

/// Starts a connection's reader and writer threads (Java `ReadSocketService` and
/// `WriteSocketService`); each runs its loop and then `close`. A reader that cannot start
/// returns the error; a writer that cannot start closes the connection first.
pub(crate) fn spawn_socket_services<C, O>(
    conn: &Arc<C>,
    owner: &Arc<O>,
    reader: SocketLoop<C, O>,
    writer: SocketLoop<C, O>,
    close: fn(&Arc<C>, &O),
) -> std::io::Result<()>
where
    C: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    spawn_then_close(conn, owner, reader, close)?;
    if let Err(e) = spawn_then_close(conn, owner, writer, close) {
        close(conn, owner);
        return Err(e);
    }
    Ok(())
}

fn spawn_then_close<C, O>(
    conn: &Arc<C>,
    owner: &Arc<O>,
    (name, body): SocketLoop<C, O>,
    close: fn(&Arc<C>, &O),
) -> std::io::Result<()>
where
    C: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    let (c, o) = (conn.clone(), owner.clone());
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            body(&c, &o);
            close(&c, &o);
        })?;
    Ok(())
}

/// Logs `what` with the error a socket loop of `slave` ended with, unless the connection
/// was closed (then the error is only the closed socket).
pub(crate) fn warn_unless_closed<E: Display>(
    closed: &AtomicBool,
    slave: &str,
    ended: Result<(), E>,
    what: &str,
) {
    if let Err(e) = ended {
        if !closed.load(Ordering::Acquire) {
            tracing::warn!(slave = %slave, error = %e, "{what}");
        }
    }
}

/// Connects to the master's HA address `addr`; without an address, or when the connection
/// fails (logged), waits [`RECONNECT_WAIT_MILLIS`] (or a wake-up) and returns `None`.
pub(crate) fn connect_or_wait(
    s: &ServiceState,
    addr: Option<String>,
    read_timeout: Duration,
) -> Option<(String, TcpStream)> {
    let Some(addr) = addr else {
        s.wait_for_running(RECONNECT_WAIT_MILLIS);
        return None;
    };
    match connect(&addr, read_timeout) {
        Ok(stream) => Some((addr, stream)),
        Err(e) => {
            tracing::warn!(master = %addr, error = %e, "connect to master HA port failed");
            s.wait_for_running(RECONNECT_WAIT_MILLIS);
            None
        }
    }
}

fn connect(addr: &str, read_timeout: Duration) -> std::io::Result<TcpStream> {
    let sock = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::new(ErrorKind::InvalidInput, "no address"))?;
    let stream = TcpStream::connect_timeout(&sock, Duration::from_secs(3))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(read_timeout))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    Ok(stream)
}

/// A slave client's link to its master, the same in both clients: the master's HA address,
/// the live connection (kept so that shutdown can break it), its read and write times and
/// flow, and the client thread.
#[derive(Default)]
pub(crate) struct MasterLink {
    master_ha_address: Mutex<Option<String>>,
    pub(crate) last_read_timestamp: AtomicI64,
    pub(crate) last_write_timestamp: AtomicI64,
    pub(crate) flow: FlowMonitor,
    pub(crate) stream: Mutex<Option<TcpStream>>,
    pub(crate) thread: ServiceSlot,
}

impl MasterLink {
    /// Breaks the live connection and stops the client thread.
    pub(crate) fn shutdown(&self) {
        if let Some(s) = self.stream.lock().as_ref() {
            let _ = s.shutdown(Shutdown::Both);
        }
        self.thread.shutdown();
    }

    /// Sets the master's HA address (Java `updateHaMasterAddress`); a live connection to the
    /// old address is kept until it breaks.
    pub(crate) fn update_ha_master_address(&self, addr: &str) {
        let mut cur = self.master_ha_address.lock();
        if cur.as_deref() != Some(addr) {
            tracing::info!(old = ?*cur, new = addr, "update master ha address");
            *cur = Some(addr.to_string());
            drop(cur);
            // A client without a master sleeps 5 s between looks: connect now.
            self.thread.wakeup();
        }
    }

    pub(crate) fn master_ha_address(&self) -> Option<String> {
        self.master_ha_address.lock().clone()
    }

    pub(crate) fn last_write_timestamp(&self) -> i64 {
        self.last_write_timestamp.load(Ordering::Acquire)
    }

    pub(crate) fn last_read_timestamp(&self) -> i64 {
        self.last_read_timestamp.load(Ordering::Acquire)
    }

    /// Fills the client part of the runtime info but `max_offset`.
    pub(crate) fn fill_runtime_info(&self, c: &mut HaClientRuntimeInfo) {
        c.master_addr = self.master_ha_address();
        c.last_read_timestamp = self.last_read_timestamp();
        c.last_write_timestamp = self.last_write_timestamp();
        c.transferred_byte_in_second = self.flow.transferred_byte_in_second();
    }
}

/// What a master's connection knows of its slave's progress, the same in both connections.
pub(crate) struct SlaveProgress {
    /// Where the slave asked the transfer to start (its first report), -1 before it.
    pub(crate) slave_request_offset: AtomicI64,
    /// The last offset the slave reported, -1 before its first report.
    pub(crate) slave_ack_offset: AtomicI64,
    /// Where the next chunk starts, -1 before the first report.
    pub(crate) next_transfer_from_where: AtomicI64,
    pub(crate) flow: FlowMonitor,
}

impl Default for SlaveProgress {
    fn default() -> Self {
        SlaveProgress {
            slave_request_offset: AtomicI64::new(-1),
            slave_ack_offset: AtomicI64::new(-1),
            next_transfer_from_where: AtomicI64::new(-1),
            flow: FlowMonitor::default(),
        }
    }
}

impl SlaveProgress {
    /// Records a report of `offset`; true when it was the first (it sets the request offset).
    pub(crate) fn record_ack(&self, offset: i64) -> bool {
        self.slave_ack_offset.store(offset, Ordering::Release);
        if self.slave_request_offset.load(Ordering::Acquire) < 0 {
            self.slave_request_offset.store(offset, Ordering::Release);
            return true;
        }
        false
    }

    pub(crate) fn slave_ack_offset(&self) -> i64 {
        self.slave_ack_offset.load(Ordering::Acquire)
    }

    /// How much of `available` (> 0) bytes the next chunk may carry: at most
    /// `haTransferBatchSize`, and with `haFlowControlEnable` what is left of this second's
    /// `maxHaTransferByteInSecond` (0 when it is spent).
    pub(crate) fn chunk_size(&self, available: usize, config: &MessageStoreConfig) -> usize {
        let size = available.min(config.ha_transfer_batch_size.max(1) as usize);
        if config.ha_flow_control_enable {
            size.min(self.flow.budget(config.max_ha_transfer_byte_in_second))
        } else {
            size
        }
    }

    /// The runtime info of the connection to the slave at `addr`.
    pub(crate) fn runtime_info(
        &self,
        addr: &str,
        master_put_where: i64,
        in_sync: bool,
    ) -> HaConnectionRuntimeInfo {
        let ack = self.slave_ack_offset();
        HaConnectionRuntimeInfo {
            addr: addr.to_string(),
            diff: master_put_where - ack,
            in_sync,
            slave_ack_offset: ack,
            transferred_byte_in_second: self.flow.transferred_byte_in_second(),
            transfer_from_where: self.next_transfer_from_where.load(Ordering::Acquire),
        }
    }
}
