//! One slave connection on the master (Java `DefaultHAConnection`): a reader of the slave's
//! 8-byte offset reports and a writer of 12-byte headers (`i64 phyOffset`, `i32 bodySize`)
//! followed by CommitLog bytes, each on its own thread.
//!
//! * Reader: only the last complete 8-byte word of what arrived counts (`slaveAckOffset`); the
//!   first report is also where the transfer starts (`slaveRequestOffset`). Nothing read for
//!   `haHousekeepingInterval` closes the connection.
//! * Writer: silent until the first report. A report of 0 starts at the beginning of the
//!   master's last CommitLog file. Chunks are at most `haTransferBatchSize` and never span
//!   files (the file-end filler goes out verbatim); with nothing to send it waits up to
//!   100 ms for new data and sends a heartbeat header (`bodySize` 0) every
//!   `haSendHeartbeatInterval`. With `haFlowControlEnable` a slave gets at most
//!   `maxHaTransferByteInSecond` bytes (frames included) per second.

use super::common::{prepare_accepted, spawn_socket_services, warn_unless_closed, SlaveProgress};
use super::HaShared;
use rmq_common::util_all::current_millis;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Size of the master's frame header.
pub(crate) const TRANSFER_HEADER_SIZE: usize = 12;
/// Size of a slave's report.
pub(crate) const REPORT_HEADER_SIZE: usize = 8;

/// A connected slave.
pub(crate) struct HaConnection {
    /// The slave's address, `ip:port`.
    pub(crate) addr: String,
    stream: TcpStream,
    pub(crate) progress: SlaveProgress,
    closed: AtomicBool,
}

impl HaConnection {
    /// Wraps an accepted socket and starts its reader and writer threads.
    pub(crate) fn start(shared: &Arc<HaShared>, stream: TcpStream) -> std::io::Result<Arc<Self>> {
        let addr = prepare_accepted(&stream, shared.config.ha_housekeeping_interval)?;
        let conn = Arc::new(HaConnection {
            addr,
            stream,
            progress: SlaveProgress::default(),
            closed: AtomicBool::new(false),
        });
        spawn_socket_services(
            &conn,
            shared,
            ("HAConnection-ReadSocketService", |c, s| c.read_loop(s)),
            ("HAConnection-WriteSocketService", |c, s| {
                let ended = c.write_loop(s);
                warn_unless_closed(&c.closed, &c.addr, ended, "HA write to slave failed");
            }),
            |c, s| c.close(s),
        )?;
        Ok(conn)
    }

    /// Closes the socket (both threads end) and leaves the service's list.
    pub(crate) fn close(self: &Arc<Self>, shared: &HaShared) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        let _ = self.stream.shutdown(Shutdown::Both);
        shared.remove_connection(self);
        tracing::info!(slave = %self.addr, "HA connection closed");
    }

    fn read_loop(&self, shared: &HaShared) {
        let housekeeping = shared.config.ha_housekeeping_interval as i64;
        let mut stream = &self.stream;
        let mut buf = vec![0u8; 64 * 1024];
        let mut pending: Vec<u8> = Vec::with_capacity(2 * REPORT_HEADER_SIZE);
        let mut last_read = current_millis();
        while !self.closed.load(Ordering::Acquire) && !shared.is_stopped() {
            match stream.read(&mut buf) {
                Ok(0) => {
                    tracing::info!(slave = %self.addr, "slave closed the HA connection");
                    return;
                }
                Ok(n) => {
                    last_read = current_millis();
                    pending.extend_from_slice(&buf[..n]);
                    if let Some(offset) = take_last_report(&mut pending) {
                        self.on_report(shared, offset);
                    }
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    if !self.closed.load(Ordering::Acquire) {
                        tracing::warn!(slave = %self.addr, error = %e, "HA read from slave failed");
                    }
                    return;
                }
            }
            if current_millis() - last_read > housekeeping {
                tracing::warn!(slave = %self.addr, "ha housekeeping, found this connection expired");
                return;
            }
        }
    }

    fn on_report(&self, shared: &HaShared, offset: i64) {
        if self.progress.record_ack(offset) {
            tracing::info!(slave = %self.addr, offset, "slave request offset");
        }
        shared.notify_transfer_some(offset);
    }

    fn write_loop(&self, shared: &HaShared) -> std::io::Result<()> {
        let heartbeat = shared.config.ha_send_heartbeat_interval as i64;
        let batch = shared.config.ha_transfer_batch_size.max(1) as usize;
        let mut stream = &self.stream;
        let mut frame = Vec::with_capacity(TRANSFER_HEADER_SIZE + batch);
        let mut last_write = 0i64;
        while !self.closed.load(Ordering::Acquire) && !shared.is_stopped() {
            let request = self.progress.slave_request_offset.load(Ordering::Acquire);
            if request < 0 {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
            let mut next = self
                .progress
                .next_transfer_from_where
                .load(Ordering::Acquire);
            if next < 0 {
                next = if request == 0 {
                    let max = shared.commit_log.max_offset();
                    (max - max % shared.file_size()).max(0)
                } else {
                    request
                };
                self.progress
                    .next_transfer_from_where
                    .store(next, Ordering::Release);
                tracing::info!(slave = %self.addr, from = next, "master transfer data to slave");
            }
            if current_millis() - last_write > heartbeat {
                frame.clear();
                put_header(&mut frame, next, 0);
                stream.write_all(&frame)?;
                last_write = current_millis();
            }
            let generation = shared.data_generation();
            let data = shared.commit_log.get_data(next).filter(|d| !d.is_empty());
            let Some(data) = data else {
                shared.wait_for_data(generation, Duration::from_millis(100));
                continue;
            };
            let size = self.progress.chunk_size(data.len(), &shared.config);
            if size == 0 {
                // This second's budget is spent (Java `haFlowControlEnable`).
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
            frame.clear();
            put_header(&mut frame, next, size as i32);
            frame.extend_from_slice(&data[..size]);
            stream.write_all(&frame)?;
            last_write = current_millis();
            self.progress
                .next_transfer_from_where
                .store(next + size as i64, Ordering::Release);
            self.progress.flow.add(frame.len());
        }
        Ok(())
    }
}

/// Appends a master frame header.
pub(crate) fn put_header(frame: &mut Vec<u8>, phy_offset: i64, body_size: i32) {
    frame.extend_from_slice(&phy_offset.to_be_bytes());
    frame.extend_from_slice(&body_size.to_be_bytes());
}

/// Takes the last complete 8-byte report out of `pending` (Java reads only the last one),
/// keeping a partial one for the next read.
pub(crate) fn take_last_report(pending: &mut Vec<u8>) -> Option<i64> {
    let whole = pending.len() - pending.len() % REPORT_HEADER_SIZE;
    if whole == 0 {
        return None;
    }
    let mut word = [0u8; REPORT_HEADER_SIZE];
    word.copy_from_slice(&pending[whole - REPORT_HEADER_SIZE..whole]);
    pending.drain(..whole);
    Some(i64::from_be_bytes(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_whole_report_counts() {
        let mut p = Vec::new();
        p.extend_from_slice(&5i64.to_be_bytes());
        p.extend_from_slice(&9i64.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0]);
        assert_eq!(take_last_report(&mut p), Some(9));
        assert_eq!(p, vec![0, 0, 0]);
        assert_eq!(take_last_report(&mut p), None);
        p.extend_from_slice(&[0, 0, 0, 0, 1]);
        assert_eq!(take_last_report(&mut p), Some(1));
        assert!(p.is_empty());
    }

    #[test]
    fn header_is_big_endian_offset_then_size() {
        let mut f = Vec::new();
        put_header(&mut f, 0x0102_0304_0506_0708, 0x0A0B_0C0D);
        assert_eq!(f, [1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x0B, 0x0C, 0x0D]);
    }
}
