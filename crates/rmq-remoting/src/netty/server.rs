//! `RemotingServer`: accepts connections and dispatches their requests (Java
//! `NettyRemotingServer`, `NettyServerConfig`).

use super::channel::Channel;
use super::connection::{ConnectionOptions, UnstartedChannel};
use super::processor::RequestDispatcher;
use super::tls_helper::build_server_acceptor;
use super::tls_system_config::{TlsMode, TlsSystemConfig};
use crate::error::RemotingError;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Server settings with Java's key names, in Java's order, and defaults (`NettyServerConfig`). Thread and
/// buffer settings are accepted for compatibility; tokio sizes its own pools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NettyServerConfig {
    pub bind_address: String,
    pub listen_port: i32,
    pub server_worker_threads: i32,
    pub server_callback_executor_threads: i32,
    pub server_selector_threads: i32,
    pub server_oneway_semaphore_value: i32,
    pub server_async_semaphore_value: i32,
    /// Idle connections (no reads or writes) are closed after this many seconds.
    pub server_channel_max_idle_time_seconds: i32,
    pub server_socket_snd_buf_size: i32,
    pub server_socket_rcv_buf_size: i32,
    pub write_buffer_high_water_mark: i32,
    pub write_buffer_low_water_mark: i32,
    pub server_socket_backlog: i32,
    pub server_netty_worker_group_enable: bool,
    pub server_pooled_byte_buf_allocator_enable: bool,
    pub enable_shutdown_gracefully: bool,
    pub shutdown_wait_time_seconds: i32,
    pub use_epoll_native_selector: bool,
}

impl Default for NettyServerConfig {
    fn default() -> Self {
        NettyServerConfig {
            bind_address: "0.0.0.0".into(),
            listen_port: 0,
            server_worker_threads: 8,
            server_callback_executor_threads: 0,
            server_selector_threads: 3,
            server_oneway_semaphore_value: 256,
            server_async_semaphore_value: 64,
            server_channel_max_idle_time_seconds: 120,
            server_socket_snd_buf_size: 0,
            server_socket_rcv_buf_size: 0,
            write_buffer_high_water_mark: 0,
            write_buffer_low_water_mark: 0,
            server_socket_backlog: 1024,
            server_netty_worker_group_enable: true,
            server_pooled_byte_buf_allocator_enable: true,
            enable_shutdown_gracefully: false,
            shutdown_wait_time_seconds: 30,
            use_epoll_native_selector: false,
        }
    }
}

/// Binds listeners for a dispatcher.
pub struct RemotingServer;

/// First byte of a TLS handshake record (Java `TlsModeHandler.HANDSHAKE_MAGIC_CODE`).
const TLS_HANDSHAKE_MAGIC: u8 = 0x16;

/// A listener's TLS mode and, unless disabled, its acceptor (Java `loadSslContext`: a
/// context that cannot be built is logged and TLS connections are then closed).
#[derive(Clone)]
struct ServerTls {
    mode: TlsMode,
    acceptor: Option<TlsAcceptor>,
}

impl ServerTls {
    fn load(tls: &TlsSystemConfig) -> ServerTls {
        tracing::info!("Server is running in TLS {} mode", tls.tls_mode.name());
        let acceptor = if tls.tls_mode == TlsMode::Disabled {
            None
        } else {
            match build_server_acceptor(tls) {
                Ok(a) => Some(a),
                Err(e) => {
                    tracing::error!(error = %e, "Failed to create SSLContext for server");
                    None
                }
            }
        };
        ServerTls {
            mode: tls.tls_mode,
            acceptor,
        }
    }
}

impl RemotingServer {
    /// Binds `config.bind_address:config.listen_port` (port 0 picks a free port) and starts
    /// accepting, with the process's TLS settings ([`TlsSystemConfig::global`]). Requests
    /// are handled by `dispatcher`.
    pub async fn bind(
        config: &NettyServerConfig,
        dispatcher: Arc<RequestDispatcher>,
    ) -> Result<ServerHandle, RemotingError> {
        Self::bind_with_tls(config, dispatcher, TlsSystemConfig::global()).await
    }

    /// As [`RemotingServer::bind`], with the given TLS settings: a connection whose first
    /// byte is a TLS handshake record gets a TLS session (closed when the mode is disabled),
    /// any other is plaintext (closed when the mode is enforcing).
    pub async fn bind_with_tls(
        config: &NettyServerConfig,
        dispatcher: Arc<RequestDispatcher>,
        tls: &TlsSystemConfig,
    ) -> Result<ServerHandle, RemotingError> {
        let server_tls = ServerTls::load(tls);
        let port = u16::try_from(config.listen_port).map_err(|_| RemotingError::InvalidPort {
            port: config.listen_port,
        })?;
        let listener = TcpListener::bind((config.bind_address.as_str(), port))
            .await
            .map_err(|error| RemotingError::Bind {
                addr: format!("{}:{port}", config.bind_address),
                error,
            })?;
        let local_addr = listener.local_addr()?;
        let shutdown = CancellationToken::new();
        let tracker = TaskTracker::new();
        let channels: Arc<Mutex<HashMap<u64, Channel>>> = Arc::default();
        let idle = Duration::from_secs(config.server_channel_max_idle_time_seconds.max(0) as u64);
        let accept_task = {
            let shutdown = shutdown.clone();
            let tracker = tracker.clone();
            let channels = channels.clone();
            tokio::spawn(async move {
                loop {
                    let accepted = tokio::select! {
                        a = listener.accept() => a,
                        _ = shutdown.cancelled() => break,
                    };
                    let stream = match accepted {
                        Ok((s, _)) => s,
                        Err(e) => {
                            tracing::warn!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let opts = ConnectionOptions {
                        idle,
                        tracker: tracker.clone(),
                    };
                    let addrs = match (stream.peer_addr(), stream.local_addr()) {
                        (Ok(r), Ok(l)) => (r, l),
                        _ => continue,
                    };
                    // The channel exists from the accept on (Java's channelActive), even
                    // before the first byte says whether the connection is TLS.
                    let unstarted = UnstartedChannel::new(addrs);
                    let ch = unstarted.channel.clone();
                    let id = ch.id();
                    channels.lock().insert(id, ch.clone());
                    let setup = set_up_connection(
                        stream,
                        unstarted,
                        dispatcher.clone(),
                        opts,
                        server_tls.clone(),
                    );
                    let channels = channels.clone();
                    let shutdown = shutdown.clone();
                    tokio::spawn(async move {
                        let started = tokio::select! {
                            ok = setup => ok,
                            _ = shutdown.cancelled() => false,
                        };
                        if !started {
                            ch.close();
                        }
                        ch.closed().await;
                        channels.lock().remove(&id);
                    });
                }
            })
        };
        Ok(ServerHandle {
            local_addr,
            shutdown,
            tracker,
            channels,
            accept_task,
        })
    }
}

/// Waits for the first byte of `stream`, then starts `unstarted` on it as a TLS or plaintext
/// connection as `tls.mode` allows (Java `TlsModeHandler`); returns false when the connection
/// is refused, closed or idle first.
async fn set_up_connection(
    stream: TcpStream,
    unstarted: UnstartedChannel,
    dispatcher: Arc<RequestDispatcher>,
    opts: ConnectionOptions,
    tls: ServerTls,
) -> bool {
    let remote = unstarted.channel.remote_addr();
    let idle = opts.idle;
    let detect = async {
        let mut first = [0u8; 1];
        match stream.peek(&mut first).await {
            Ok(1) => Some(first[0]),
            _ => None,
        }
    };
    let first = if idle.is_zero() {
        detect.await
    } else {
        tokio::time::timeout(idle, detect).await.ok().flatten()
    };
    let Some(first) = first else { return false };
    if first != TLS_HANDSHAKE_MAGIC {
        if tls.mode == TlsMode::Enforcing {
            tracing::warn!(%remote, "Clients intend to establish an insecure connection while this server is running in SSL enforcing mode");
            return false;
        }
        unstarted.start_tcp(stream, dispatcher, opts);
        return true;
    }
    if tls.mode == TlsMode::Disabled {
        tracing::warn!(%remote, "Clients intend to establish an SSL connection while this server is running in SSL disabled mode");
        return false;
    }
    let Some(acceptor) = tls.acceptor else {
        tracing::error!(%remote, "Trying to establish an SSL connection but sslContext is null");
        return false;
    };
    let _ = stream.set_nodelay(true);
    let handshake = acceptor.accept(stream);
    let session = if idle.is_zero() {
        handshake.await
    } else {
        match tokio::time::timeout(idle, handshake).await {
            Ok(r) => r,
            Err(_) => return false,
        }
    };
    match session {
        Ok(session) => {
            unstarted.start_stream(session, dispatcher, opts);
            true
        }
        Err(e) => {
            tracing::warn!(%remote, error = %e, "TLS handshake failed");
            false
        }
    }
}

/// A running listener.
pub struct ServerHandle {
    local_addr: SocketAddr,
    shutdown: CancellationToken,
    tracker: TaskTracker,
    channels: Arc<Mutex<HashMap<u64, Channel>>>,
    accept_task: JoinHandle<()>,
}

impl ServerHandle {
    /// Returns the bound address (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Returns the live connections.
    pub fn channels(&self) -> Vec<Channel> {
        self.channels.lock().values().cloned().collect()
    }

    /// Stops accepting, waits up to `drain` for requests in progress, then closes every
    /// connection.
    pub async fn shutdown(self, drain: Duration) {
        self.shutdown.cancel();
        let _ = self.accept_task.await;
        self.tracker.close();
        let _ = tokio::time::timeout(drain, self.tracker.wait()).await;
        // Let writers flush the responses of drained requests before closing.
        tokio::task::yield_now().await;
        let channels: Vec<Channel> = self.channels.lock().values().cloned().collect();
        for ch in channels {
            ch.close();
        }
    }
}
