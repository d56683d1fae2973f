//! One slave connection on an AutoSwitch master (Java `AutoSwitchHAConnection`), a reader and
//! a writer thread over a blocking socket.
//!
//! Wire format (big-endian, Java's byte for byte):
//! * slave → master, handshake (16 bytes): `i32 state (HANDSHAKE=1)`, `i16 isSyncFromLastFile`,
//!   `i16 isAsyncLearner`, `i64 slaveBrokerId`;
//! * slave → master, ack (12 bytes): `i32 state (TRANSFER=2)`, `i64 slaveMaxOffset`;
//! * master → slave, handshake (20 bytes + 12 per epoch entry): `i32 state`, `i32 bodySize`,
//!   `i64 masterMaxPhyOffset`, `i32 lastEpoch`, then `i32 epoch`, `i64 startOffset` per entry;
//! * master → slave, transfer (36 bytes + body): `i32 state`, `i32 bodySize`, `i64 offset`,
//!   `i32 epoch`, `i64 epochStartOffset`, `i64 confirmOffset`, then CommitLog bytes.
//!
//! The writer never sends a chunk spanning two epochs; as Java, the chunk that ends an epoch
//! carries the next epoch's header.

use super::service::AutoSwitchHaService;
use super::{EpochEntry, HaConnectionState};
use crate::ha::common::{
    prepare_accepted, spawn_socket_services, warn_unless_closed, SlaveProgress,
};
use parking_lot::Mutex;
use rmq_common::util_all::current_millis;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Master handshake header: state, body size, max offset, last epoch.
pub const HANDSHAKE_HEADER_SIZE: usize = 4 + 4 + 8 + 4;
/// Master transfer header: the handshake header's fields, epoch start offset, confirm offset.
pub const TRANSFER_HEADER_SIZE: usize = HANDSHAKE_HEADER_SIZE + 8 + 8;
/// One epoch entry in the master's handshake body.
pub const EPOCH_ENTRY_SIZE: usize = 12;

/// Encodes the master's handshake frame (Java `buildHandshakeBuffer`).
pub fn encode_master_handshake(
    state: HaConnectionState,
    max_phy_offset: i64,
    last_epoch: i32,
    entries: &[EpochEntry],
) -> Vec<u8> {
    let mut f = Vec::with_capacity(HANDSHAKE_HEADER_SIZE + entries.len() * EPOCH_ENTRY_SIZE);
    f.extend_from_slice(&(state as i32).to_be_bytes());
    f.extend_from_slice(&((entries.len() * EPOCH_ENTRY_SIZE) as i32).to_be_bytes());
    f.extend_from_slice(&max_phy_offset.to_be_bytes());
    f.extend_from_slice(&last_epoch.to_be_bytes());
    for e in entries {
        f.extend_from_slice(&e.epoch.to_be_bytes());
        f.extend_from_slice(&e.start_offset.to_be_bytes());
    }
    f
}

/// Appends the master's transfer header (Java `buildTransferHeaderBuffer`).
pub fn put_transfer_header(
    f: &mut Vec<u8>,
    state: HaConnectionState,
    body_size: i32,
    offset: i64,
    epoch: i32,
    epoch_start_offset: i64,
    confirm_offset: i64,
) {
    f.extend_from_slice(&(state as i32).to_be_bytes());
    f.extend_from_slice(&body_size.to_be_bytes());
    f.extend_from_slice(&offset.to_be_bytes());
    f.extend_from_slice(&epoch.to_be_bytes());
    f.extend_from_slice(&epoch_start_offset.to_be_bytes());
    f.extend_from_slice(&confirm_offset.to_be_bytes());
}

/// A frame the slave sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaveFrame {
    Handshake {
        sync_from_last_file: bool,
        async_learner: bool,
        slave_id: i64,
    },
    Transfer {
        slave_max_offset: i64,
    },
}

/// Parses the next slave frame of `buf` (Java `HAServerReader`): `Ok(None)` when incomplete,
/// `Err` on an unknown state; returns the frame and its length.
pub fn parse_slave_frame(buf: &[u8]) -> Result<Option<(SlaveFrame, usize)>, i32> {
    if buf.len() < super::client::MIN_HEADER_SIZE {
        return Ok(None);
    }
    let state = super::be_i32(buf, 0);
    match state {
        s if s == HaConnectionState::Handshake as i32 => {
            if buf.len() < super::client::HANDSHAKE_HEADER_SIZE {
                return Ok(None);
            }
            let sync = super::be_i16(buf, 4);
            let learner = super::be_i16(buf, 6);
            let id = super::be_i64(buf, 8);
            Ok(Some((
                SlaveFrame::Handshake {
                    sync_from_last_file: sync == 1,
                    async_learner: learner == 1,
                    slave_id: id,
                },
                super::client::HANDSHAKE_HEADER_SIZE,
            )))
        }
        s if s == HaConnectionState::Transfer as i32 => {
            let offset = super::be_i64(buf, 4);
            Ok(Some((
                SlaveFrame::Transfer {
                    slave_max_offset: offset,
                },
                super::client::TRANSFER_HEADER_SIZE,
            )))
        }
        other => Err(other),
    }
}

/// A connected slave.
pub(crate) struct AutoSwitchHaConnection {
    /// The slave's address, `ip:port`.
    pub(crate) addr: String,
    stream: TcpStream,
    state: AtomicU8,
    pub(crate) progress: SlaveProgress,
    slave_send_handshake: AtomicBool,
    sync_from_last_file: AtomicBool,
    async_learner: AtomicBool,
    slave_id: AtomicI64,
    /// (master max offset, time) of the last chunk sent (Java `updateLastTransferInfo`).
    last_transfer: Mutex<(i64, i64)>,
    closed: AtomicBool,
}

impl AutoSwitchHaConnection {
    pub(crate) fn start(
        service: &Arc<AutoSwitchHaService>,
        stream: TcpStream,
    ) -> std::io::Result<Arc<Self>> {
        let addr = prepare_accepted(&stream, service.config.ha_housekeeping_interval)?;
        let conn = Arc::new(AutoSwitchHaConnection {
            addr,
            stream,
            state: AtomicU8::new(HaConnectionState::Handshake as u8),
            progress: SlaveProgress::default(),
            slave_send_handshake: AtomicBool::new(false),
            sync_from_last_file: AtomicBool::new(false),
            async_learner: AtomicBool::new(false),
            slave_id: AtomicI64::new(-1),
            last_transfer: Mutex::new((-1, 0)),
            closed: AtomicBool::new(false),
        });
        spawn_socket_services(
            &conn,
            service,
            ("AutoSwitchHAConnection-ReadSocketService", |c, s| {
                let ended = c.read_loop(s);
                warn_unless_closed(&c.closed, &c.addr, ended, "HA read from slave ended");
            }),
            ("AutoSwitchHAConnection-WriteSocketService", |c, s| {
                let ended = c.write_loop(s);
                warn_unless_closed(&c.closed, &c.addr, ended, "HA write to slave ended");
            }),
            |c, s| c.close(s),
        )?;
        Ok(conn)
    }

    pub(crate) fn slave_id(&self) -> i64 {
        self.slave_id.load(Ordering::Acquire)
    }

    pub(crate) fn state(&self) -> HaConnectionState {
        HaConnectionState::from_ordinal(self.state.load(Ordering::Acquire) as i32)
            .unwrap_or(HaConnectionState::Shutdown)
    }

    fn set_state(&self, s: HaConnectionState) {
        self.state.store(s as u8, Ordering::Release);
    }

    /// Closes the socket (both threads end) and leaves the service's list.
    pub(crate) fn close(self: &Arc<Self>, service: &AutoSwitchHaService) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        self.set_state(HaConnectionState::Shutdown);
        let _ = self.stream.shutdown(Shutdown::Both);
        service.remove_connection(self);
        service.data.notify();
        tracing::info!(slave = %self.addr, "AutoSwitch HA connection closed");
    }

    fn running(&self, service: &AutoSwitchHaService) -> bool {
        !self.closed.load(Ordering::Acquire) && !service.is_stopped()
    }

    fn read_loop(&self, service: &AutoSwitchHaService) -> Result<(), String> {
        let housekeeping = service.config.ha_housekeeping_interval as i64;
        let mut stream = &self.stream;
        let mut buf = vec![0u8; 64 * 1024];
        let mut pending: Vec<u8> = Vec::new();
        let mut last_read = current_millis();
        while self.running(service) {
            match stream.read(&mut buf) {
                Ok(0) => return Err("slave closed the connection".into()),
                Ok(n) => {
                    last_read = current_millis();
                    pending.extend_from_slice(&buf[..n]);
                    let mut pos = 0;
                    loop {
                        match parse_slave_frame(&pending[pos..]) {
                            Ok(None) => break,
                            Ok(Some((frame, len))) => {
                                pos += len;
                                self.on_frame(service, frame);
                            }
                            Err(state) => return Err(format!("illegal slave state {state}")),
                        }
                    }
                    pending.drain(..pos);
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("read failed: {e}")),
            }
            if current_millis() - last_read > housekeeping {
                return Err("ha housekeeping, found this connection expired".into());
            }
        }
        Ok(())
    }

    fn on_frame(&self, service: &AutoSwitchHaService, frame: SlaveFrame) {
        let new_state = match frame {
            SlaveFrame::Handshake {
                sync_from_last_file,
                async_learner,
                slave_id,
            } => {
                self.slave_id.store(slave_id, Ordering::Release);
                if sync_from_last_file {
                    self.sync_from_last_file.store(true, Ordering::Release);
                }
                if async_learner {
                    self.async_learner.store(true, Ordering::Release);
                }
                self.slave_send_handshake.store(true, Ordering::Release);
                tracing::info!(
                    slave_id,
                    sync_from_last_file,
                    async_learner,
                    "receive slave handshake"
                );
                HaConnectionState::Handshake
            }
            SlaveFrame::Transfer { slave_max_offset } => {
                self.progress.record_ack(slave_max_offset);
                self.maybe_expand_in_sync_state_set(service, slave_max_offset);
                service.update_confirm_offset_when_slave_ack(self.slave_id());
                service.notify_transfer_some(slave_max_offset);
                HaConnectionState::Transfer
            }
        };
        if self.state() != new_state {
            tracing::info!(from = ?self.state(), to = ?new_state, "master changes connection state");
            self.set_state(new_state);
        }
    }

    fn maybe_expand_in_sync_state_set(&self, service: &AutoSwitchHaService, slave_max: i64) {
        let (last_master_max, last_transfer_time) = *self.last_transfer.lock();
        if !self.async_learner.load(Ordering::Acquire) && slave_max >= last_master_max {
            let caught_up = if service.commit_log.max_offset() == slave_max {
                current_millis()
            } else {
                last_transfer_time
            };
            service.update_connection_last_caught_up_time(self.slave_id(), caught_up);
            service.maybe_expand_in_sync_state_set(self.slave_id(), slave_max);
        }
    }

    fn write_loop(&self, service: &AutoSwitchHaService) -> std::io::Result<()> {
        let mut w = Writer {
            conn: self,
            service,
            next: -1,
            epoch: -1,
            epoch_end: 0,
            last_write: current_millis(),
            frame: Vec::new(),
        };
        while self.running(service) {
            match self.state() {
                HaConnectionState::Handshake => {
                    if !self.slave_send_handshake.load(Ordering::Acquire) {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                    let entries = service.epoch_cache.all_entries();
                    let frame = encode_master_handshake(
                        HaConnectionState::Handshake,
                        service.commit_log.max_offset(),
                        service.epoch_cache.last_epoch(),
                        &entries,
                    );
                    tracing::info!(?entries, "master build handshake header");
                    w.write(&frame)?;
                    self.slave_send_handshake.store(false, Ordering::Release);
                }
                HaConnectionState::Transfer => w.transfer_round()?,
                other => {
                    return Err(std::io::Error::other(format!("unexpected state {other:?}")));
                }
            }
        }
        Ok(())
    }
}

/// The writer thread's position (Java `WriteSocketService`).
struct Writer<'a> {
    conn: &'a AutoSwitchHaConnection,
    service: &'a AutoSwitchHaService,
    next: i64,
    epoch: i32,
    /// End of the epoch being sent, -1 for the last epoch.
    epoch_end: i64,
    last_write: i64,
    frame: Vec<u8>,
}

impl Writer<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        (&self.conn.stream).write_all(bytes)?;
        self.conn.progress.flow.add(bytes.len());
        self.last_write = current_millis();
        Ok(())
    }

    fn change_epoch_to(&mut self, e: EpochEntry) {
        self.epoch = e.epoch;
        self.epoch_end = if e.epoch == self.service.epoch_cache.last_epoch() {
            -1
        } else {
            e.end_offset
        };
    }

    /// Builds the transfer header into `self.frame`; false when the epoch is unknown and
    /// there is a body (Java logs and sends nothing).
    fn build_header(&mut self, offset: i64, size: usize) -> bool {
        let cache = &self.service.epoch_cache;
        let entry = match cache.entry(self.epoch) {
            Some(e) => e,
            None => {
                if offset != -1 || self.epoch != -1 || size > 0 {
                    tracing::error!(
                        epoch = self.epoch,
                        "failed to find epochEntry when build msg header"
                    );
                }
                if size > 0 {
                    return false;
                }
                match cache.first_entry() {
                    Some(e) => e,
                    None => return false,
                }
            }
        };
        self.frame.clear();
        put_transfer_header(
            &mut self.frame,
            HaConnectionState::Transfer,
            size as i32,
            offset,
            entry.epoch,
            entry.start_offset,
            self.service.confirm_offset(),
        );
        true
    }

    fn heartbeat_if_needed(&mut self) -> std::io::Result<()> {
        let interval = self.service.config.ha_send_heartbeat_interval as i64;
        if current_millis() - self.last_write > interval && self.build_header(self.next, 0) {
            let f = std::mem::take(&mut self.frame);
            self.write(&f)?;
            self.frame = f;
        }
        Ok(())
    }

    fn transfer_round(&mut self) -> std::io::Result<()> {
        let conn = self.conn;
        let service = self.service;
        let request = conn.progress.slave_request_offset.load(Ordering::Acquire);
        if request < 0 {
            std::thread::sleep(Duration::from_millis(10));
            return Ok(());
        }
        if self.next == -1 {
            self.next = if request == 0 {
                if conn.sync_from_last_file.load(Ordering::Acquire) {
                    let max = service.commit_log.max_offset();
                    let fs = (service.config.mapped_file_size_commit_log as i64).max(1);
                    (max - max % fs).max(0)
                } else {
                    service.commit_log.min_offset()
                }
            } else {
                request
            };
            if self.next == -1 {
                self.heartbeat_if_needed()?;
                std::thread::sleep(Duration::from_millis(500));
                return Ok(());
            }
            let Some(entry) = service.epoch_cache.find_by_offset(self.next) else {
                tracing::error!(
                    offset = self.next,
                    "failed to find an epochEntry to match nextTransferFromWhere"
                );
                self.next = -1;
                self.heartbeat_if_needed()?;
                std::thread::sleep(Duration::from_millis(500));
                return Ok(());
            };
            self.change_epoch_to(entry);
            conn.progress
                .next_transfer_from_where
                .store(self.next, Ordering::Release);
            tracing::info!(slave = %conn.addr, from = self.next, ?entry, "master transfer data to slave");
        }
        self.heartbeat_if_needed()?;
        let generation = service.data.generation();
        let data = service
            .commit_log
            .get_data(self.next)
            .filter(|d| !d.is_empty());
        let Some(data) = data else {
            service.update_connection_last_caught_up_time(conn.slave_id(), current_millis());
            service
                .data
                .wait(generation, Duration::from_millis(100), &service.stopped);
            return Ok(());
        };
        let mut size = conn.progress.chunk_size(data.len(), &service.config);
        if size == 0 {
            // This second's flow-control budget is spent.
            std::thread::sleep(Duration::from_millis(100));
            return Ok(());
        }
        if self.epoch_end != -1 && self.next + size as i64 > self.epoch_end {
            let Some(next_entry) = service.epoch_cache.next_entry(self.epoch) else {
                tracing::error!(epoch = self.epoch, "can't find a bigger epochEntry");
                std::thread::sleep(Duration::from_millis(100));
                return Ok(());
            };
            size = (self.epoch_end - self.next).max(0) as usize;
            self.change_epoch_to(next_entry);
        }
        let offset = self.next;
        *conn.last_transfer.lock() = (service.commit_log.max_offset(), current_millis());
        if !self.build_header(offset, size) {
            std::thread::sleep(Duration::from_millis(100));
            return Ok(());
        }
        self.next += size as i64;
        conn.progress
            .next_transfer_from_where
            .store(self.next, Ordering::Release);
        let mut f = std::mem::take(&mut self.frame);
        f.extend_from_slice(&data[..size]);
        let r = self.write(&f);
        self.frame = f;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Java's layout: putInt(state) putInt(bodySize) putLong(maxPhyOffset) putInt(lastEpoch),
    /// then putInt(epoch) putLong(startOffset) per entry.
    #[test]
    fn master_handshake_frame_matches_java_layout() {
        let entries = [EpochEntry::new(1, 0), EpochEntry::new(3, 0x0102)];
        let f = encode_master_handshake(HaConnectionState::Handshake, 0x0A0B, 3, &entries);
        let mut want = vec![0, 0, 0, 1, 0, 0, 0, 24];
        want.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0x0A, 0x0B]);
        want.extend_from_slice(&[0, 0, 0, 3]);
        want.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        want.extend_from_slice(&[0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0x01, 0x02]);
        assert_eq!(f.len(), HANDSHAKE_HEADER_SIZE + 2 * EPOCH_ENTRY_SIZE);
        assert_eq!(f, want);
    }

    /// putInt(state) putInt(bodySize) putLong(offset) putInt(epoch) putLong(epochStartOffset)
    /// putLong(confirmOffset).
    #[test]
    fn master_transfer_header_matches_java_layout() {
        let mut f = Vec::new();
        put_transfer_header(&mut f, HaConnectionState::Transfer, 5, 0x10, 7, 0x20, -1);
        let mut want = vec![0, 0, 0, 2, 0, 0, 0, 5];
        want.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0x10]);
        want.extend_from_slice(&[0, 0, 0, 7]);
        want.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0x20]);
        want.extend_from_slice(&[0xFF; 8]);
        assert_eq!(f.len(), TRANSFER_HEADER_SIZE);
        assert_eq!(f, want);
    }

    #[test]
    fn slave_frames_parse_as_java_reads_them() {
        // Handshake: putInt(1) putShort(syncFromLastFile) putShort(asyncLearner) putLong(id).
        let hs = [0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
        assert_eq!(
            parse_slave_frame(&hs),
            Ok(Some((
                SlaveFrame::Handshake {
                    sync_from_last_file: true,
                    async_learner: false,
                    slave_id: 2
                },
                16
            )))
        );
        assert_eq!(parse_slave_frame(&hs[..12]), Ok(None));
        // Ack: putInt(2) putLong(offset).
        let ack = [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0x01, 0x00];
        assert_eq!(
            parse_slave_frame(&ack),
            Ok(Some((
                SlaveFrame::Transfer {
                    slave_max_offset: 256
                },
                12
            )))
        );
        assert_eq!(parse_slave_frame(&ack[..11]), Ok(None));
        assert_eq!(
            parse_slave_frame(&[0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(9)
        );
    }
}
