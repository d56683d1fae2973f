//! What a connection's writer task writes in one go (Java's `NettyEncoder` plus Netty's
//! write coalescing and `FileRegion` transfer): frames are encoded into one coalescing
//! buffer; body chunks (mapped-file slices of pull answers) are not copied into it but
//! written after the bytes before them with vectored writes.

use crate::error::CodecError;
use crate::protocol::RemotingCommand;
use bytes::{Buf, Bytes, BytesMut};
use std::collections::VecDeque;
use std::io::{self, IoSlice};
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// The coalescing buffer starts at this size and is shrunk back to it after a write that
/// grew it past [`SHRINK_ABOVE`].
const INITIAL_CAPACITY: usize = 64 * 1024;
const SHRINK_ABOVE: usize = 1024 * 1024;
/// Slices handed to one vectored write (Linux's `IOV_MAX` is 1024).
const MAX_IOVECS: usize = 64;

/// Frames queued for one socket write.
pub(crate) struct FrameBatch {
    /// Bytes to write, in order, before `buf`: frozen parts of `buf` and body chunks.
    segments: VecDeque<Bytes>,
    /// Encoded bytes not yet moved to `segments`.
    buf: BytesMut,
    /// Bytes queued in all.
    len: usize,
}

impl FrameBatch {
    pub(crate) fn new() -> Self {
        FrameBatch {
            segments: VecDeque::new(),
            buf: BytesMut::with_capacity(INITIAL_CAPACITY),
            len: 0,
        }
    }

    /// Returns the number of bytes queued.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Returns true when nothing is queued.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends the frame of `cmd`: header and `body` copied into the coalescing buffer, body
    /// chunks queued as they are. On error (frame over the limit) nothing is appended.
    pub(crate) fn push(&mut self, cmd: &RemotingCommand) -> Result<(), CodecError> {
        let before = self.buf.len();
        cmd.encode_head(&mut self.buf)?;
        self.len += self.buf.len() - before;
        if cmd.body_chunks.iter().all(Bytes::is_empty) {
            return Ok(());
        }
        self.segments.push_back(self.buf.split().freeze());
        for chunk in cmd.body_chunks.iter().filter(|c| !c.is_empty()) {
            self.len += chunk.len();
            self.segments.push_back(chunk.clone());
        }
        Ok(())
    }

    /// Writes everything queued to `w`, however few bytes each write takes; the batch is
    /// empty afterwards, also on error (the connection is closed then).
    pub(crate) async fn write_to<W: AsyncWrite + Unpin>(&mut self, w: &mut W) -> io::Result<()> {
        let result = if self.segments.is_empty() {
            w.write_all(&self.buf).await
        } else {
            if !self.buf.is_empty() {
                self.segments.push_back(self.buf.split().freeze());
            }
            write_all_vectored(w, &mut self.segments).await
        };
        self.segments.clear();
        self.buf.clear();
        self.len = 0;
        if self.buf.capacity() > SHRINK_ABOVE {
            self.buf = BytesMut::with_capacity(INITIAL_CAPACITY);
        }
        result
    }
}

/// Writes `segments` with vectored writes, dropping each one once it is written.
async fn write_all_vectored<W: AsyncWrite + Unpin>(
    w: &mut W,
    segments: &mut VecDeque<Bytes>,
) -> io::Result<()> {
    while !segments.is_empty() {
        let written = {
            let slices: Vec<IoSlice<'_>> = segments
                .iter()
                .take(MAX_IOVECS)
                .map(|s| IoSlice::new(s))
                .collect();
            w.write_vectored(&slices).await?
        };
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        advance(segments, written);
    }
    Ok(())
}

/// Drops the first `n` bytes of `segments`.
fn advance(segments: &mut VecDeque<Bytes>, mut n: usize) {
    while n > 0 {
        let Some(front) = segments.front_mut() else {
            return;
        };
        if n < front.len() {
            front.advance(n);
            return;
        }
        n -= front.len();
        segments.pop_front();
    }
}

#[cfg(test)]
#[path = "frame_batch_tests.rs"]
mod tests;
