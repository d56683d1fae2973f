//! The slave side of AutoSwitch replication (Java `AutoSwitchHAClient`).
//!
//! READY: truncate invalid tail records, connect to the master's HA address. HANDSHAKE: send
//! the 16-byte handshake, read the master's epoch list, find the consistent point between
//! it and the local `EpochFileCache`, truncate the store there and report it. TRANSFER:
//! append each chunk at exactly the local max offset, append an epoch entry when a chunk
//! starts a new epoch, take the master's confirm offset (bounded by the local max offset),
//! and report the max offset whenever it grew and every `haSendHeartbeatInterval`.
//!
//! Unlike Java, the offset is reported at once after the handshake (Java waits for the next
//! heartbeat when the truncation left nothing new to report); the bytes are the same.

use super::connection::TRANSFER_HEADER_SIZE as MASTER_TRANSFER_HEADER_SIZE;
use super::connection::{EPOCH_ENTRY_SIZE, HANDSHAKE_HEADER_SIZE as MASTER_HANDSHAKE_HEADER_SIZE};
use super::service::AutoSwitchHaService;
use super::{EpochEntry, EpochFileCache, HaConnectionState};
use crate::ha::common::{connect_or_wait, MasterLink, RECONNECT_WAIT_MILLIS};
use crate::service_thread::ServiceState;
use rmq_common::util_all::current_millis;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Slave handshake: state, isSyncFromLastFile, isAsyncLearner, slave broker id.
pub const HANDSHAKE_HEADER_SIZE: usize = 4 + 4 + 8;
/// Slave ack: state, max offset.
pub const TRANSFER_HEADER_SIZE: usize = 4 + 8;
/// The smaller of the two slave headers.
pub const MIN_HEADER_SIZE: usize = if HANDSHAKE_HEADER_SIZE < TRANSFER_HEADER_SIZE {
    HANDSHAKE_HEADER_SIZE
} else {
    TRANSFER_HEADER_SIZE
};
/// Read timeout of the connection to the master.
const READ_TIMEOUT: Duration = Duration::from_millis(200);
/// Java's 4 MiB read buffer bounds a frame.
const MAX_FRAME: usize = 4 * 1024 * 1024;

/// Encodes the slave's handshake (Java `sendHandshakeHeader`).
pub fn encode_slave_handshake(
    sync_from_last_file: bool,
    async_learner: bool,
    slave_id: i64,
) -> Vec<u8> {
    let mut f = Vec::with_capacity(HANDSHAKE_HEADER_SIZE);
    f.extend_from_slice(&(HaConnectionState::Handshake as i32).to_be_bytes());
    f.extend_from_slice(&(sync_from_last_file as i16).to_be_bytes());
    f.extend_from_slice(&(async_learner as i16).to_be_bytes());
    f.extend_from_slice(&slave_id.to_be_bytes());
    f
}

/// Encodes the slave's offset report (Java `reportSlaveOffset`).
pub fn encode_slave_ack(state: HaConnectionState, offset: i64) -> [u8; TRANSFER_HEADER_SIZE] {
    let mut f = [0u8; TRANSFER_HEADER_SIZE];
    f[..4].copy_from_slice(&(state as i32).to_be_bytes());
    f[4..].copy_from_slice(&offset.to_be_bytes());
    f
}

/// A frame the master sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MasterFrame {
    Handshake {
        max_offset: i64,
        last_epoch: i32,
        entries: Vec<EpochEntry>,
    },
    Transfer {
        offset: i64,
        epoch: i32,
        epoch_start_offset: i64,
        confirm_offset: i64,
        /// Where the body starts and ends in the parsed buffer.
        body: (usize, usize),
    },
}

/// Parses the next master frame of `buf` (Java `HAClientReader`): `Ok(None)` when
/// incomplete; `Err` for a bad frame. Returns the frame, its state and its length.
pub fn parse_master_frame(buf: &[u8]) -> Result<Option<(MasterFrame, usize)>, String> {
    if buf.len() < MASTER_HANDSHAKE_HEADER_SIZE {
        return Ok(None);
    }
    let int = |at: usize| super::be_i32(buf, at);
    let long = |at: usize| super::be_i64(buf, at);
    let state = int(0);
    let body = int(4);
    if body < 0 || body as usize > MAX_FRAME {
        return Err(format!("bad body size {body}"));
    }
    let body = body as usize;
    let offset = long(8);
    let epoch = int(16);
    if state == HaConnectionState::Handshake as i32 {
        let end = MASTER_HANDSHAKE_HEADER_SIZE + body;
        if buf.len() < end {
            return Ok(None);
        }
        let entries = (0..body / EPOCH_ENTRY_SIZE)
            .map(|i| {
                let at = MASTER_HANDSHAKE_HEADER_SIZE + i * EPOCH_ENTRY_SIZE;
                EpochEntry::new(int(at), long(at + 4))
            })
            .collect();
        Ok(Some((
            MasterFrame::Handshake {
                max_offset: offset,
                last_epoch: epoch,
                entries,
            },
            end,
        )))
    } else if state == HaConnectionState::Transfer as i32 {
        let end = MASTER_TRANSFER_HEADER_SIZE + body;
        if buf.len() < end {
            return Ok(None);
        }
        Ok(Some((
            MasterFrame::Transfer {
                offset,
                epoch,
                epoch_start_offset: long(20),
                confirm_offset: long(28),
                body: (MASTER_TRANSFER_HEADER_SIZE, end),
            },
            end,
        )))
    } else {
        Err(format!("unexpected master state {state}"))
    }
}

/// The HA client of a controller-mode slave.
pub(crate) struct AutoSwitchHaClient {
    broker_id: i64,
    state: AtomicU8,
    /// The master's HA address, the live connection and its thread.
    pub(crate) link: MasterLink,
}

/// One connection's progress.
struct Session<'a> {
    client: &'a AutoSwitchHaClient,
    service: &'a AutoSwitchHaService,
    stream: &'a TcpStream,
    reported: i64,
    received_epoch: i32,
}

impl AutoSwitchHaClient {
    pub(crate) fn new(broker_id: i64) -> Arc<Self> {
        Arc::new(AutoSwitchHaClient {
            broker_id,
            state: AtomicU8::new(HaConnectionState::Ready as u8),
            link: MasterLink::default(),
        })
    }

    pub(crate) fn start(
        self: &Arc<Self>,
        service: Arc<AutoSwitchHaService>,
    ) -> std::io::Result<()> {
        let me = self.clone();
        self.link
            .thread
            .start("AutoSwitchHAClient", move |s| me.run(&s, &service))
    }

    pub(crate) fn shutdown(&self) {
        self.set_state(HaConnectionState::Shutdown);
        self.link.shutdown();
    }

    pub(crate) fn state(&self) -> HaConnectionState {
        HaConnectionState::from_ordinal(self.state.load(Ordering::Acquire) as i32)
            .unwrap_or(HaConnectionState::Shutdown)
    }

    fn set_state(&self, s: HaConnectionState) {
        self.state.store(s as u8, Ordering::Release);
    }

    fn run(&self, s: &ServiceState, service: &AutoSwitchHaService) {
        while !s.is_stopped() {
            let truncated = service.truncate_invalid_msg();
            if truncated >= 0 {
                if let Err(e) = service.epoch_cache.truncate_suffix_by_offset(truncated) {
                    tracing::error!(error = %e, "truncate the epoch file failed");
                }
            }
            let Some((addr, stream)) =
                connect_or_wait(s, self.link.master_ha_address(), READ_TIMEOUT)
            else {
                continue;
            };
            if let Ok(c) = stream.try_clone() {
                *self.link.stream.lock() = Some(c);
            }
            if s.is_stopped() {
                break;
            }
            self.set_state(HaConnectionState::Handshake);
            tracing::info!(master = %addr, "AutoSwitchHAClient connect to master");
            let mut session = Session {
                client: self,
                service,
                stream: &stream,
                reported: service.commit_log.max_offset(),
                received_epoch: -1,
            };
            let why = session.run(s);
            let _ = stream.shutdown(Shutdown::Both);
            self.link.stream.lock().take();
            if s.is_stopped() {
                break;
            }
            self.set_state(HaConnectionState::Ready);
            tracing::warn!(master = %addr, reason = %why, "AutoSwitchHAClient closed the connection to the master");
            s.wait_for_running(RECONNECT_WAIT_MILLIS);
        }
    }
}

impl Session<'_> {
    fn write(&self, bytes: &[u8]) -> Result<(), String> {
        let mut st = self.stream;
        st.write_all(bytes)
            .map_err(|e| format!("write failed: {e}"))?;
        self.client
            .link
            .last_write_timestamp
            .store(current_millis(), Ordering::Release);
        Ok(())
    }

    fn report(&self, offset: i64) -> Result<(), String> {
        self.write(&encode_slave_ack(HaConnectionState::Transfer, offset))
    }

    fn report_if_grown(&mut self) -> Result<(), String> {
        let max = self.service.commit_log.max_offset();
        if max > self.reported {
            self.reported = max;
            self.report(max)?;
        }
        Ok(())
    }

    fn send_handshake(&self) -> Result<(), String> {
        let c = &self.service.config;
        self.write(&encode_slave_handshake(
            c.sync_from_last_file,
            c.async_learner,
            self.client.broker_id,
        ))
    }

    fn run(&mut self, s: &ServiceState) -> String {
        match self.run_inner(s) {
            Ok(()) => "shutdown".into(),
            Err(e) => e,
        }
    }

    fn run_inner(&mut self, s: &ServiceState) -> Result<(), String> {
        let heartbeat = self.service.config.ha_send_heartbeat_interval as i64;
        let housekeeping = self.service.config.ha_housekeeping_interval as i64;
        self.client
            .link
            .last_read_timestamp
            .store(current_millis(), Ordering::Release);
        self.send_handshake()?;
        let mut handshake_sent = current_millis();
        let mut buf: Vec<u8> = Vec::with_capacity(256 * 1024);
        let mut chunk = vec![0u8; 256 * 1024];
        let mut reader = self.stream;
        while !s.is_stopped() {
            let state = self.client.state();
            if state == HaConnectionState::Transfer
                && current_millis() - self.client.link.last_write_timestamp() > heartbeat
            {
                self.report(self.reported)?;
            }
            if state == HaConnectionState::Handshake
                && buf.is_empty()
                && current_millis() - handshake_sent > 5000
            {
                // Java sends the handshake again after a 5 s select without an answer.
                self.send_handshake()?;
                handshake_sent = current_millis();
            }
            match reader.read(&mut chunk) {
                Ok(0) => return Err("the master closed the connection".into()),
                Ok(n) => {
                    self.client
                        .link
                        .last_read_timestamp
                        .store(current_millis(), Ordering::Release);
                    self.client.link.flow.add(n);
                    buf.extend_from_slice(&chunk[..n]);
                    let mut pos = 0;
                    while let Some((frame, len)) = parse_master_frame(&buf[pos..])? {
                        self.on_frame(&frame, &buf[pos..pos + len])?;
                        pos += len;
                    }
                    buf.drain(..pos);
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("read failed: {e}")),
            }
            if self.client.state() == HaConnectionState::Transfer {
                self.report_if_grown()?;
            }
            if current_millis() - self.client.link.last_read_timestamp() > housekeeping {
                return Err("housekeeping: nothing read from the master for too long".into());
            }
        }
        Ok(())
    }

    fn on_frame(&mut self, frame: &MasterFrame, raw: &[u8]) -> Result<(), String> {
        let mine = self.client.state();
        match frame {
            MasterFrame::Handshake {
                max_offset,
                entries,
                ..
            } => {
                if mine != HaConnectionState::Handshake {
                    return Err(format!(
                        "state not matched, masterState: HANDSHAKE, slaveState: {mine:?}"
                    ));
                }
                self.do_truncate(entries, *max_offset)
            }
            MasterFrame::Transfer {
                offset,
                epoch,
                epoch_start_offset,
                confirm_offset,
                body,
            } => {
                if mine != HaConnectionState::Transfer {
                    return Err(format!(
                        "state not matched, masterState: TRANSFER, slaveState: {mine:?}"
                    ));
                }
                let svc = self.service;
                let slave_offset = svc.commit_log.max_offset();
                if slave_offset != 0 && slave_offset != *offset {
                    return Err(format!(
                        "master pushed offset not equal the max phy offset in slave, SLAVE: {slave_offset} MASTER: {offset}"
                    ));
                }
                if *epoch != self.received_epoch {
                    self.received_epoch = *epoch;
                    if *epoch > svc.epoch_cache.last_epoch() {
                        svc.epoch_cache
                            .append_entry(EpochEntry::new(*epoch, *epoch_start_offset))
                            .map_err(|e| format!("append epoch entry failed: {e}"))?;
                    }
                }
                let data = &raw[body.0..body.1];
                if !data.is_empty() && !svc.commit_log.append_data(*offset, data) {
                    return Err(format!("append to the CommitLog at {offset} failed"));
                }
                svc.set_confirm_offset((*confirm_offset).min(svc.commit_log.max_offset()));
                self.report_if_grown()
            }
        }
    }

    /// Java `doTruncate`.
    fn do_truncate(
        &mut self,
        master_entries: &[EpochEntry],
        master_end: i64,
    ) -> Result<(), String> {
        let svc = self.service;
        if svc.epoch_cache.entry_count() == 0 {
            self.reported = 0;
        } else {
            let master = EpochFileCache::new();
            master
                .init_from_entries(master_entries)
                .map_err(|e| e.to_string())?;
            master.set_last_entry_end_offset(master_end);
            let local = EpochFileCache::new();
            local
                .init_from_entries(&svc.epoch_cache.all_entries())
                .map_err(|e| e.to_string())?;
            local.set_last_entry_end_offset(svc.commit_log.max_offset());
            let point = local.find_consistent_point(&master);
            tracing::info!(point, ?master_entries, local = ?svc.epoch_cache.all_entries(), "consistent point");
            if point < 0 {
                return Err(format!(
                    "failed to find a consistent point between master {master_entries:?} and slave {:?}",
                    svc.epoch_cache.all_entries()
                ));
            }
            let store = svc.store.upgrade().ok_or("the store is gone")?;
            let before = svc.commit_log.max_offset();
            if !store.truncate_files(point) {
                return Err(format!("failed to truncate slave log to {point}"));
            }
            if point < before {
                tracing::warn!(
                    from = before,
                    to = point,
                    bytes = before - point,
                    "truncated the CommitLog to the consistent point with the master"
                );
            }
            svc.epoch_cache
                .truncate_suffix_by_offset(point)
                .map_err(|e| e.to_string())?;
            self.reported = point;
        }
        self.client.set_state(HaConnectionState::Transfer);
        self.report(self.reported)?;
        self.report_if_grown()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ha::autoswitch::connection::{encode_master_handshake, put_transfer_header};

    /// Java: putInt(HANDSHAKE.ordinal()) putShort(isSyncFromLastFile) putShort(isAsyncLearner)
    /// putLong(brokerId); ack: putInt(TRANSFER.ordinal()) putLong(offset).
    #[test]
    fn slave_frames_match_java_layout() {
        assert_eq!(
            encode_slave_handshake(false, true, 0x0102),
            vec![0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x01, 0x02]
        );
        assert_eq!(
            encode_slave_ack(HaConnectionState::Transfer, 0x0A0B0C),
            [0, 0, 0, 2, 0, 0, 0, 0, 0, 0x0A, 0x0B, 0x0C]
        );
        assert_eq!(MIN_HEADER_SIZE, 12);
    }

    #[test]
    fn master_frames_parse_back() {
        let entries = vec![EpochEntry::new(1, 0), EpochEntry::new(2, 500)];
        let hs = encode_master_handshake(HaConnectionState::Handshake, 900, 2, &entries);
        let (f, len) = parse_master_frame(&hs).unwrap().unwrap();
        assert_eq!(len, hs.len());
        let MasterFrame::Handshake {
            max_offset,
            last_epoch,
            entries: got,
        } = f
        else {
            panic!("not a handshake")
        };
        assert_eq!((max_offset, last_epoch), (900, 2));
        assert_eq!(
            got.iter()
                .map(|e| (e.epoch, e.start_offset))
                .collect::<Vec<_>>(),
            vec![(1, 0), (2, 500)]
        );
        assert_eq!(parse_master_frame(&hs[..hs.len() - 1]), Ok(None));

        let mut t = Vec::new();
        put_transfer_header(&mut t, HaConnectionState::Transfer, 3, 500, 2, 500, 400);
        t.extend_from_slice(b"abc");
        let (f, len) = parse_master_frame(&t).unwrap().unwrap();
        assert_eq!(len, 39);
        assert_eq!(
            f,
            MasterFrame::Transfer {
                offset: 500,
                epoch: 2,
                epoch_start_offset: 500,
                confirm_offset: 400,
                body: (36, 39)
            }
        );
        assert_eq!(parse_master_frame(&t[..38]), Ok(None));
        assert!(
            parse_master_frame(&[0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
                .is_err()
        );
    }
}
