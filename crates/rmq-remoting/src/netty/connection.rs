//! Drives one TCP connection: a reader task that decodes frames, completes responses and
//! dispatches requests, and a writer task that batches queued frames into socket writes
//! ([`FrameBatch`]: small frames coalesced, body chunks written without copying).

use super::channel::Channel;
use super::frame_batch::FrameBatch;
use super::processor::RequestDispatcher;
use crate::codec::RemotingCodec;
use crate::error::{CodecError, RemotingError};
use crate::protocol::{RemotingCommand, ResponseCode};
use futures::StreamExt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;
use tokio_util::task::TaskTracker;

const OUTBOUND_QUEUE: usize = 8192;
const WRITE_BATCH_BYTES: usize = 256 * 1024;

/// Options of one connection.
pub(crate) struct ConnectionOptions {
    /// Close after this long with neither reads nor writes; zero disables.
    pub idle: Duration,
    /// Tracks request-processing tasks (for graceful shutdown).
    pub tracker: TaskTracker,
}

/// Starts the tasks of a plaintext connection and returns its channel.
pub(crate) fn spawn_connection(
    stream: TcpStream,
    dispatcher: Arc<RequestDispatcher>,
    opts: ConnectionOptions,
) -> std::io::Result<Channel> {
    let addrs = (stream.peer_addr()?, stream.local_addr()?);
    Ok(UnstartedChannel::new(addrs).start_tcp(stream, dispatcher, opts))
}

/// A channel whose connection tasks have not started yet (a server still waiting for the
/// first byte, to choose TLS or plaintext): frames sent on it wait in its queue.
pub(crate) struct UnstartedChannel {
    pub channel: Channel,
    rx: mpsc::Receiver<RemotingCommand>,
}

impl UnstartedChannel {
    /// Makes the channel of a connection; `addrs` are its remote and local addresses.
    pub(crate) fn new((remote, local): (SocketAddr, SocketAddr)) -> UnstartedChannel {
        let (tx, rx) = mpsc::channel::<RemotingCommand>(OUTBOUND_QUEUE);
        UnstartedChannel {
            channel: Channel::new(remote, local, tx),
            rx,
        }
    }

    /// Starts the tasks on a plaintext TCP stream.
    pub(crate) fn start_tcp(
        self,
        stream: TcpStream,
        dispatcher: Arc<RequestDispatcher>,
        opts: ConnectionOptions,
    ) -> Channel {
        let _ = stream.set_nodelay(true);
        let (read_half, write_half) = stream.into_split();
        spawn_halves(read_half, write_half, self, dispatcher, opts)
    }

    /// Starts the tasks on any byte stream (a TLS session over the connection).
    pub(crate) fn start_stream<S>(
        self,
        stream: S,
        dispatcher: Arc<RequestDispatcher>,
        opts: ConnectionOptions,
    ) -> Channel
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (read_half, write_half) = tokio::io::split(stream);
        spawn_halves(read_half, write_half, self, dispatcher, opts)
    }
}

/// Starts the writer and reader tasks on the two halves of a connection.
fn spawn_halves<R, W>(
    read_half: R,
    write_half: W,
    UnstartedChannel { channel, rx }: UnstartedChannel,
    dispatcher: Arc<RequestDispatcher>,
    opts: ConnectionOptions,
) -> Channel
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let started = Instant::now();
    let last_write = Arc::new(AtomicI64::new(0));

    spawn_writer(
        write_half,
        rx,
        channel.clone(),
        (started, last_write.clone()),
    );

    // Reader: decode frames; responses complete waiters, requests go to processors.
    {
        let channel = channel.clone();
        tokio::spawn(async move {
            let remote_str = channel.remote_addr_string();
            if let Some(l) = dispatcher.listener() {
                l.on_channel_connect(&remote_str, &channel);
            }
            let mut frames = FramedRead::with_capacity(read_half, RemotingCodec, 64 * 1024);
            let mut last_read = started.elapsed();
            let mut exception = false;
            let mut idle = false;
            loop {
                let deadline = if opts.idle.is_zero() {
                    None
                } else {
                    let last_w = Duration::from_millis(last_write.load(Ordering::Relaxed) as u64);
                    Some(tokio::time::Instant::from_std(
                        started + last_read.max(last_w) + opts.idle,
                    ))
                };
                let next = tokio::select! {
                    f = frames.next() => f,
                    _ = channel.inner.closed.cancelled() => break,
                    _ = async {
                        match deadline {
                            Some(d) => tokio::time::sleep_until(d).await,
                            None => std::future::pending().await,
                        }
                    } => {
                        let last_w = Duration::from_millis(last_write.load(Ordering::Relaxed) as u64);
                        if started.elapsed() >= last_read.max(last_w) + opts.idle {
                            tracing::info!(remote = %remote_str, "connection idle, closing");
                            idle = true;
                            break;
                        }
                        continue;
                    }
                };
                last_read = started.elapsed();
                match next {
                    None => break,
                    Some(Err(e)) => {
                        tracing::warn!(remote = %remote_str, error = %e, "bad frame, closing connection");
                        exception = true;
                        break;
                    }
                    Some(Ok(cmd)) if cmd.is_response() => {
                        if !channel.complete(cmd) {
                            tracing::debug!(remote = %remote_str, "response for no pending request dropped");
                        }
                    }
                    Some(Ok(cmd)) => {
                        let channel = channel.clone();
                        let dispatcher = dispatcher.clone();
                        opts.tracker.spawn(async move {
                            if let Some(resp) = dispatcher.dispatch(&channel, cmd).await {
                                let _ = channel.send(resp).await;
                            }
                        });
                    }
                }
            }
            channel.close();
            channel.fail_pending();
            if let Some(l) = dispatcher.listener() {
                if exception {
                    l.on_channel_exception(&remote_str, &channel);
                } else if idle {
                    l.on_channel_idle(&remote_str, &channel);
                }
                l.on_channel_close(&remote_str, &channel);
            }
        });
    }
    channel
}

/// Writer: encodes queued frames and writes them in batches; `clock` is the connection's
/// start and the time of its last write, in milliseconds since the start.
fn spawn_writer<W: AsyncWrite + Send + Unpin + 'static>(
    mut write_half: W,
    mut rx: mpsc::Receiver<RemotingCommand>,
    channel: Channel,
    (started, last_write): (Instant, Arc<AtomicI64>),
) {
    tokio::spawn(async move {
        let mut batch = FrameBatch::new();
        loop {
            let first = tokio::select! {
                biased;
                m = rx.recv() => m,
                _ = channel.inner.closed.cancelled() => None,
            };
            let Some(first) = first else { break };
            encode_logged(&first, &mut batch, &channel);
            drain_queued(&mut rx, &mut batch, &channel);
            if batch.len() < WRITE_BATCH_BYTES {
                // Let the tasks that are ready to run (other senders or processors on this
                // connection) queue their frames first, then write them all in one syscall:
                // Netty's flush consolidation. On loopback a write also runs the peer's TCP
                // receive path, so fewer writes save CPU on both sides.
                tokio::task::yield_now().await;
                drain_queued(&mut rx, &mut batch, &channel);
            }
            if batch.is_empty() {
                continue;
            }
            if let Err(e) = batch.write_to(&mut write_half).await {
                tracing::debug!(remote = %channel.remote_addr(), error = %e, "write failed, closing");
                channel.close();
                break;
            }
            last_write.store(started.elapsed().as_millis() as i64, Ordering::Relaxed);
        }
        let _ = write_half.shutdown().await;
    });
}

/// Appends the frames already queued on `rx` to `batch`, up to `WRITE_BATCH_BYTES`.
fn drain_queued(
    rx: &mut mpsc::Receiver<RemotingCommand>,
    batch: &mut FrameBatch,
    channel: &Channel,
) {
    while batch.len() < WRITE_BATCH_BYTES {
        match rx.try_recv() {
            Ok(m) => encode_logged(&m, batch, channel),
            Err(_) => break,
        }
    }
}

/// Appends the frame of `cmd` to `batch`. A response that cannot be encoded (over the frame limit) is
/// replaced by a SYSTEM_ERROR answer with the same opaque, so the peer learns why instead of
/// waiting for its timeout; a request that cannot be encoded fails its caller at once.
fn encode_logged(cmd: &RemotingCommand, batch: &mut FrameBatch, channel: &Channel) {
    let error = match batch.push(cmd) {
        Ok(()) => return,
        Err(e) => e,
    };
    if !cmd.is_response() {
        tracing::error!(remote = %channel.remote_addr(), code = cmd.code, error = %error, "cannot encode request, not sent");
        let reason = format!("cannot encode request: {error}");
        channel.fail_request(
            cmd.opaque,
            RemotingError::send_failed(channel.remote_addr(), reason),
        );
        return;
    }
    let remark = match &error {
        CodecError::FrameTooLarge { length, max } => {
            format!("response too large: {length} bytes exceeds the frame limit of {max} bytes")
        }
        other => format!("cannot encode response: {other}"),
    };
    tracing::error!(remote = %channel.remote_addr(), code = cmd.code, opaque = cmd.opaque, "{remark}, answering SYSTEM_ERROR instead");
    let mut answer = RemotingCommand::error(ResponseCode::SYSTEM_ERROR, remark);
    answer.opaque = cmd.opaque;
    answer.serialize_type = cmd.serialize_type;
    answer.mark_response();
    if let Err(e) = batch.push(&answer) {
        tracing::error!(remote = %channel.remote_addr(), error = %e, "cannot encode the error answer either, dropped");
    }
}
