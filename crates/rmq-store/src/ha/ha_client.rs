//! The slave's replication client (Java `DefaultHAClient`): connects to the master's HA port,
//! reports its CommitLog max offset (8 bytes, big-endian) on connect, every
//! `haSendHeartbeatInterval` and whenever it grew, and appends each chunk the master sends at
//! exactly its own max offset. Its own reput then builds ConsumeQueues and the index.
//!
//! A header whose offset is not the slave's max offset (unless the slave is empty), a failed
//! append, an I/O error or `haHousekeepingInterval` without data closes the connection; the
//! client tries again after 5 s.

use super::common::{connect_or_wait, MasterLink, RECONNECT_WAIT_MILLIS};
use super::ha_connection::{REPORT_HEADER_SIZE, TRANSFER_HEADER_SIZE};
use super::HaShared;
use crate::service_thread::ServiceState;
use parking_lot::Mutex;
use rmq_common::util_all::current_millis;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Read timeout of the connection to the master.
const READ_TIMEOUT: Duration = Duration::from_secs(1);
/// Largest body a master frame may carry; Java's 4 MiB read buffer bounds it the same way.
const MAX_BODY_SIZE: usize = 4 * 1024 * 1024 - TRANSFER_HEADER_SIZE;

/// Why a connection to the master ended.
type Closed = String;

/// The HA client of a slave.
pub(crate) struct HaClient {
    /// The master's HA address, the live connection and its thread.
    pub(crate) link: MasterLink,
    master_address: Mutex<Option<String>>,
}

impl HaClient {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(HaClient {
            link: MasterLink::default(),
            master_address: Mutex::new(None),
        })
    }

    pub(crate) fn start(self: &Arc<Self>, shared: Arc<HaShared>) -> std::io::Result<()> {
        let me = self.clone();
        self.link
            .thread
            .start("DefaultHAClient", move |s| me.run(&s, &shared))
    }

    pub(crate) fn update_master_address(&self, addr: &str) {
        let mut cur = self.master_address.lock();
        if cur.as_deref() != Some(addr) {
            tracing::info!(old = ?*cur, new = addr, "update master address");
            *cur = Some(addr.to_string());
        }
    }

    fn run(&self, s: &ServiceState, shared: &HaShared) {
        while !s.is_stopped() {
            let Some((addr, stream)) =
                connect_or_wait(s, self.link.master_ha_address(), READ_TIMEOUT)
            else {
                continue;
            };
            tracing::info!(master = %addr, "HAClient connect to master");
            match stream.try_clone() {
                Ok(c) => *self.link.stream.lock() = Some(c),
                Err(e) => tracing::warn!(error = %e, "cannot keep the HA socket for shutdown"),
            }
            let why = self.transfer(s, shared, &stream);
            let _ = stream.shutdown(Shutdown::Both);
            self.link.stream.lock().take();
            self.link.last_write_timestamp.store(0, Ordering::Release);
            if !s.is_stopped() {
                tracing::warn!(master = %addr, reason = %why, "HAClient closed the connection to the master");
                s.wait_for_running(RECONNECT_WAIT_MILLIS);
            }
        }
    }

    /// Runs one connection until it fails; returns why it ended.
    fn transfer(&self, s: &ServiceState, shared: &HaShared, stream: &TcpStream) -> Closed {
        match self.transfer_loop(s, shared, stream) {
            Ok(()) => "shutdown".into(),
            Err(why) => why,
        }
    }

    fn transfer_loop(
        &self,
        s: &ServiceState,
        shared: &HaShared,
        stream: &TcpStream,
    ) -> Result<(), Closed> {
        let heartbeat = shared.config.ha_send_heartbeat_interval as i64;
        let housekeeping = shared.config.ha_housekeeping_interval as i64;
        let mut reported = shared.commit_log.max_offset();
        self.link
            .last_read_timestamp
            .store(current_millis(), Ordering::Release);
        self.link.last_write_timestamp.store(0, Ordering::Release);
        let mut buf: Vec<u8> = Vec::with_capacity(256 * 1024);
        let mut chunk = vec![0u8; 256 * 1024];
        let mut reader = stream;
        while !s.is_stopped() {
            if current_millis() - self.link.last_write_timestamp() > heartbeat {
                self.report(stream, reported)?;
            }
            match reader.read(&mut chunk) {
                Ok(0) => return Err("the master closed the connection".into()),
                Ok(n) => {
                    self.link
                        .last_read_timestamp
                        .store(current_millis(), Ordering::Release);
                    self.link.flow.add(n);
                    buf.extend_from_slice(&chunk[..n]);
                    self.dispatch(shared, stream, &mut buf, &mut reported)?;
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("read failed: {e}")),
            }
            self.report_if_grown(shared, stream, &mut reported)?;
            if current_millis() - self.link.last_read_timestamp() > housekeeping {
                return Err("housekeeping: nothing read from the master for too long".into());
            }
        }
        Ok(())
    }

    /// Appends every complete frame of `buf`, keeping a partial one.
    fn dispatch(
        &self,
        shared: &HaShared,
        stream: &TcpStream,
        buf: &mut Vec<u8>,
        reported: &mut i64,
    ) -> Result<(), Closed> {
        let mut pos = 0;
        while buf.len() - pos >= TRANSFER_HEADER_SIZE {
            let (master_offset, body_size) = read_header(&buf[pos..pos + TRANSFER_HEADER_SIZE]);
            if body_size < 0 || body_size as usize > MAX_BODY_SIZE {
                return Err(format!("bad body size {body_size} from the master"));
            }
            let slave_offset = shared.commit_log.max_offset();
            if slave_offset != 0 && slave_offset != master_offset {
                return Err(format!(
                    "master pushed offset not equal the max phy offset in slave, SLAVE: {slave_offset} MASTER: {master_offset}"
                ));
            }
            let end = pos + TRANSFER_HEADER_SIZE + body_size as usize;
            if buf.len() < end {
                break;
            }
            let body = &buf[pos + TRANSFER_HEADER_SIZE..end];
            if !body.is_empty() && !shared.append(master_offset, body) {
                return Err(format!("append to the CommitLog at {master_offset} failed"));
            }
            pos = end;
            self.report_if_grown(shared, stream, reported)?;
        }
        buf.drain(..pos);
        Ok(())
    }

    fn report_if_grown(
        &self,
        shared: &HaShared,
        stream: &TcpStream,
        reported: &mut i64,
    ) -> Result<(), Closed> {
        let now = shared.commit_log.max_offset();
        if now > *reported {
            *reported = now;
            self.report(stream, now)?;
        }
        Ok(())
    }

    fn report(&self, mut stream: &TcpStream, offset: i64) -> Result<(), Closed> {
        let word: [u8; REPORT_HEADER_SIZE] = offset.to_be_bytes();
        stream
            .write_all(&word)
            .map_err(|e| format!("report offset {offset} failed: {e}"))?;
        self.link
            .last_write_timestamp
            .store(current_millis(), Ordering::Release);
        Ok(())
    }
}

/// Reads a master frame header: (phyOffset, bodySize).
pub(crate) fn read_header(h: &[u8]) -> (i64, i32) {
    let mut o = [0u8; 8];
    o.copy_from_slice(&h[..8]);
    let mut n = [0u8; 4];
    n.copy_from_slice(&h[8..12]);
    (i64::from_be_bytes(o), i32::from_be_bytes(n))
}
