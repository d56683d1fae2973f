//! `Channel`: a handle to one live connection, usable from any task (Java's Netty
//! `Channel` plus the response table of `NettyRemotingAbstract`).

use crate::error::RemotingError;
use crate::protocol::{RemotingCommand, SerializeType};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

static NEXT_CHANNEL_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) struct ChannelInner {
    id: u64,
    remote_addr: SocketAddr,
    local_addr: SocketAddr,
    pub(crate) tx: mpsc::Sender<RemotingCommand>,
    pub(crate) pending:
        Mutex<HashMap<i32, oneshot::Sender<Result<RemotingCommand, RemotingError>>>>,
    pub(crate) closed: CancellationToken,
}

/// A cheap, cloneable handle to a connection. Equal handles refer to the same connection.
#[derive(Clone)]
pub struct Channel {
    pub(crate) inner: Arc<ChannelInner>,
}

impl Channel {
    pub(crate) fn new(
        remote_addr: SocketAddr,
        local_addr: SocketAddr,
        tx: mpsc::Sender<RemotingCommand>,
    ) -> Self {
        Channel {
            inner: Arc::new(ChannelInner {
                id: NEXT_CHANNEL_ID.fetch_add(1, Ordering::Relaxed),
                remote_addr,
                local_addr,
                tx,
                pending: Mutex::new(HashMap::new()),
                closed: CancellationToken::new(),
            }),
        }
    }

    /// A channel backed by no connection: what is sent on it is queued on the returned
    /// receiver. For unit tests of request processors, which need a channel but no socket.
    pub fn detached(remote_addr: SocketAddr) -> (Self, mpsc::Receiver<RemotingCommand>) {
        let (tx, rx) = mpsc::channel(64);
        let local = SocketAddr::from(([127, 0, 0, 1], 0));
        (Channel::new(remote_addr, local, tx), rx)
    }

    /// Returns a process-unique id of the connection.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// Returns the peer's address.
    pub fn remote_addr(&self) -> SocketAddr {
        self.inner.remote_addr
    }

    /// Returns the peer's address as `ip:port` (`RemotingHelper.parseChannelRemoteAddr`).
    pub fn remote_addr_string(&self) -> String {
        self.inner.remote_addr.to_string()
    }

    /// Returns our side's address.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// Returns false once the connection is closed.
    pub fn is_active(&self) -> bool {
        !self.inner.closed.is_cancelled()
    }

    /// Closes the connection; pending requests fail.
    pub fn close(&self) {
        self.inner.closed.cancel();
    }

    /// Waits until the connection is closed.
    pub async fn closed(&self) {
        self.inner.closed.cancelled().await
    }

    /// Queues a frame for writing.
    pub async fn send(&self, cmd: RemotingCommand) -> Result<(), RemotingError> {
        if !self.is_active() {
            return Err(RemotingError::send_failed(
                self.remote_addr(),
                "channel closed",
            ));
        }
        self.inner
            .tx
            .send(cmd)
            .await
            .map_err(|_| RemotingError::send_failed(self.remote_addr(), "channel closed"))
    }

    /// Sends `response` as the answer to a request with `opaque`, in `serialize_type`; for
    /// responses produced after the processor returned (long polling).
    pub async fn send_response(
        &self,
        opaque: i32,
        serialize_type: SerializeType,
        mut response: RemotingCommand,
    ) -> Result<(), RemotingError> {
        response.opaque = opaque;
        response.mark_response();
        response.serialize_type = serialize_type;
        self.send(response).await
    }

    /// Sends a request and waits for its response.
    pub async fn invoke(
        &self,
        request: RemotingCommand,
        timeout: Duration,
    ) -> Result<RemotingCommand, RemotingError> {
        let opaque = request.opaque;
        let (tx, rx) = oneshot::channel();
        self.inner.pending.lock().insert(opaque, tx);
        let guard = PendingGuard {
            channel: self,
            opaque,
        };
        let result = tokio::time::timeout(timeout, async {
            self.send(request).await?;
            rx.await.unwrap_or_else(|_| {
                Err(RemotingError::send_failed(
                    self.remote_addr(),
                    "connection closed before the response",
                ))
            })
        })
        .await;
        drop(guard);
        match result {
            Ok(r) => r,
            Err(_) => Err(RemotingError::timeout(
                &self.remote_addr(),
                timeout.as_millis() as u64,
            )),
        }
    }

    /// Sends a request marked oneway; no response is expected.
    pub async fn invoke_oneway(&self, mut request: RemotingCommand) -> Result<(), RemotingError> {
        request.mark_oneway();
        self.send(request).await
    }

    /// Delivers a response to the waiting request; false if nobody waits for it.
    pub(crate) fn complete(&self, response: RemotingCommand) -> bool {
        let waiter = self.inner.pending.lock().remove(&response.opaque);
        match waiter {
            Some(tx) => tx.send(Ok(response)).is_ok(),
            None => false,
        }
    }

    /// Fails the request with `opaque` at once with `error` (it could not be written), so
    /// its caller does not wait for the timeout.
    pub(crate) fn fail_request(&self, opaque: i32, error: RemotingError) {
        let waiter = self.inner.pending.lock().remove(&opaque);
        if let Some(tx) = waiter {
            let _ = tx.send(Err(error));
        }
    }

    /// Fails every pending request (the connection is gone).
    pub(crate) fn fail_pending(&self) {
        self.inner.pending.lock().clear();
    }
}

struct PendingGuard<'a> {
    channel: &'a Channel,
    opaque: i32,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.channel.inner.pending.lock().remove(&self.opaque);
    }
}

impl PartialEq for Channel {
    fn eq(&self, other: &Self) -> bool {
        self.inner.id == other.inner.id
    }
}

impl Eq for Channel {}

impl Hash for Channel {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.id.hash(state)
    }
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("id", &self.inner.id)
            .field("remote", &self.inner.remote_addr)
            .field("active", &self.is_active())
            .finish()
    }
}
