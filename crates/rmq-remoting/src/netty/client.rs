//! `RemotingClient`: one reused connection per address, sync/async/oneway invocation, name
//! server selection, and handling of requests the server sends back (Java
//! `NettyRemotingClient`, `NettyClientConfig`).

use super::channel::Channel;
use super::connection::{spawn_connection, ConnectionOptions, UnstartedChannel};
use super::processor::RequestDispatcher;
use super::tls_helper::{build_client_connector, server_name_of};
use super::tls_system_config::TlsSystemConfig;
use crate::error::RemotingError;
use crate::protocol::RemotingCommand;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_util::task::TaskTracker;

/// Client settings with Java's field names, in Java's order, and defaults
/// (`NettyClientConfig`). Thread, buffer, proxy and reconnect settings are accepted for
/// compatibility; tokio sizes its pools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NettyClientConfig {
    pub client_worker_threads: i32,
    pub client_callback_executor_threads: i32,
    pub client_oneway_semaphore_value: i32,
    pub client_async_semaphore_value: i32,
    pub connect_timeout_millis: u64,
    pub channel_not_active_interval: u64,
    /// Java's field is `isScanAvailableNameSrv` (printed so), its setter
    /// `setScanAvailableNameSrv` (so a config file says `scanAvailableNameSrv`); both
    /// spellings are read, see [`NETTY_CLIENT_CONFIG_ALIASES`].
    #[serde(rename = "isScanAvailableNameSrv")]
    pub scan_available_name_srv: bool,
    /// Idle connections are closed after this many seconds.
    pub client_channel_max_idle_time_seconds: i32,
    pub client_socket_snd_buf_size: i32,
    pub client_socket_rcv_buf_size: i32,
    pub client_pooled_byte_buf_allocator_enable: bool,
    pub client_close_socket_if_timeout: bool,
    /// Connect with TLS (Java spells it `useTLS`; default: the `tls.enable` system property,
    /// else whether `tls.server.mode` is enforcing).
    #[serde(rename = "useTLS", alias = "useTls")]
    pub use_tls: bool,
    pub socks_proxy_config: String,
    pub write_buffer_high_water_mark: i32,
    pub write_buffer_low_water_mark: i32,
    pub disable_callback_executor: bool,
    pub disable_netty_worker_group: bool,
    pub max_reconnect_interval_time_seconds: i64,
    pub enable_reconnect_for_go_away: bool,
}

impl Default for NettyClientConfig {
    fn default() -> Self {
        NettyClientConfig {
            client_worker_threads: 4,
            client_callback_executor_threads: 2,
            client_oneway_semaphore_value: 65535,
            client_async_semaphore_value: 65535,
            connect_timeout_millis: 3000,
            channel_not_active_interval: 60_000,
            scan_available_name_srv: true,
            client_channel_max_idle_time_seconds: 120,
            client_socket_snd_buf_size: 0,
            client_socket_rcv_buf_size: 0,
            client_pooled_byte_buf_allocator_enable: false,
            client_close_socket_if_timeout: true,
            use_tls: TlsSystemConfig::global().netty_client_use_tls_default(),
            socks_proxy_config: "{}".into(),
            write_buffer_high_water_mark: 0,
            write_buffer_low_water_mark: 0,
            disable_callback_executor: false,
            disable_netty_worker_group: false,
            max_reconnect_interval_time_seconds: 60,
            enable_reconnect_for_go_away: true,
        }
    }
}

/// Config-file spellings that differ from the printed key: Java reads a key through its
/// setter (`setScanAvailableNameSrv` → `scanAvailableNameSrv`) but prints the field
/// (`isScanAvailableNameSrv`). Pass to `properties::bind`.
pub const NETTY_CLIENT_CONFIG_ALIASES: &[(&str, &str)] =
    &[("scanAvailableNameSrv", "isScanAvailableNameSrv")];

type Slot = Arc<tokio::sync::Mutex<Option<Channel>>>;

struct ClientInner {
    config: NettyClientConfig,
    /// The TLS connector when `config.use_tls`; an error when it could not be built.
    tls: Option<Result<TlsConnector, String>>,
    dispatcher: Arc<RequestDispatcher>,
    slots: Mutex<HashMap<String, Slot>>,
    namesrv_addrs: Mutex<Vec<String>>,
    namesrv_chosen: Mutex<Option<String>>,
    namesrv_index: AtomicUsize,
    tracker: TaskTracker,
}

/// A remoting client; clones share connections.
#[derive(Clone)]
pub struct RemotingClient {
    inner: Arc<ClientInner>,
}

impl RemotingClient {
    /// Builds a client. Requests the servers send on our connections go to `dispatcher`.
    /// With `config.use_tls` the process's TLS settings ([`TlsSystemConfig::global`]) apply.
    pub fn new(config: NettyClientConfig, dispatcher: Arc<RequestDispatcher>) -> Self {
        Self::with_tls(config, dispatcher, TlsSystemConfig::global())
    }

    /// As [`RemotingClient::new`], with the given TLS settings (used when `config.use_tls`).
    /// A TLS context that cannot be built is logged and every connection then fails (Java
    /// would connect in plaintext).
    pub fn with_tls(
        config: NettyClientConfig,
        dispatcher: Arc<RequestDispatcher>,
        tls_config: &TlsSystemConfig,
    ) -> Self {
        let tls = config.use_tls.then(|| {
            build_client_connector(tls_config).map_err(|e| {
                tracing::error!(error = %e, "Failed to create SSLContext");
                e.to_string()
            })
        });
        RemotingClient {
            inner: Arc::new(ClientInner {
                config,
                tls,
                dispatcher,
                slots: Mutex::new(HashMap::new()),
                namesrv_addrs: Mutex::new(Vec::new()),
                namesrv_chosen: Mutex::new(None),
                namesrv_index: AtomicUsize::new(rand_start()),
                tracker: TaskTracker::new(),
            }),
        }
    }

    /// Returns the client settings.
    pub fn config(&self) -> &NettyClientConfig {
        &self.inner.config
    }

    /// Replaces the name server list (`updateNameServerAddressList`).
    pub fn update_name_server_address_list(&self, addrs: Vec<String>) {
        let addrs: Vec<String> = addrs
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        let mut cur = self.inner.namesrv_addrs.lock();
        if *cur != addrs {
            let mut chosen = self.inner.namesrv_chosen.lock();
            if chosen.as_ref().is_some_and(|c| !addrs.contains(c)) {
                *chosen = None;
            }
            *cur = addrs;
        }
    }

    /// Returns the name server list.
    pub fn name_server_address_list(&self) -> Vec<String> {
        self.inner.namesrv_addrs.lock().clone()
    }

    /// Returns the connection to `addr`, connecting if there is none or it closed.
    pub async fn get_channel(&self, addr: &str) -> Result<Channel, RemotingError> {
        let slot = {
            let mut slots = self.inner.slots.lock();
            slots.entry(addr.to_string()).or_default().clone()
        };
        let mut guard = slot.lock().await;
        if let Some(ch) = guard.as_ref() {
            if ch.is_active() {
                return Ok(ch.clone());
            }
        }
        let timeout = Duration::from_millis(self.inner.config.connect_timeout_millis);
        let stream = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                return Err(RemotingError::ConnectFailed {
                    addr: addr.into(),
                    reason: e.to_string(),
                })
            }
            Err(_) => {
                return Err(RemotingError::ConnectFailed {
                    addr: addr.into(),
                    reason: format!("timeout after {} ms", timeout.as_millis()),
                })
            }
        };
        let idle = Duration::from_secs(
            self.inner
                .config
                .client_channel_max_idle_time_seconds
                .max(0) as u64,
        );
        let opts = ConnectionOptions {
            idle,
            tracker: self.inner.tracker.clone(),
        };
        let ch = match &self.inner.tls {
            None => spawn_connection(stream, self.inner.dispatcher.clone(), opts)?,
            Some(tls) => self.tls_connect(addr, stream, tls, timeout, opts).await?,
        };
        tracing::debug!(addr, tls = self.inner.tls.is_some(), "connected");
        *guard = Some(ch.clone());
        Ok(ch)
    }

    /// Runs the TLS handshake on a new connection to `addr` within `timeout`.
    async fn tls_connect(
        &self,
        addr: &str,
        stream: TcpStream,
        tls: &Result<TlsConnector, String>,
        timeout: Duration,
        opts: ConnectionOptions,
    ) -> Result<Channel, RemotingError> {
        let failed = |reason: String| RemotingError::ConnectFailed {
            addr: addr.into(),
            reason,
        };
        let connector = tls
            .as_ref()
            .map_err(|e| failed(format!("no TLS context: {e}")))?;
        let addrs = (stream.peer_addr()?, stream.local_addr()?);
        let _ = stream.set_nodelay(true);
        let handshake = connector.connect(server_name_of(addr), stream);
        let session = match tokio::time::timeout(timeout, handshake).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(failed(format!("TLS handshake failed: {e}"))),
            Err(_) => {
                return Err(failed(format!(
                    "TLS handshake timeout after {} ms",
                    timeout.as_millis()
                )))
            }
        };
        let unstarted = UnstartedChannel::new(addrs);
        Ok(unstarted.start_stream(session, self.inner.dispatcher.clone(), opts))
    }

    /// Returns the open connection to `addr` without connecting.
    pub fn existing_channel(&self, addr: &str) -> Option<Channel> {
        let slot = self.inner.slots.lock().get(addr).cloned()?;
        let guard = slot.try_lock().ok()?;
        guard.as_ref().filter(|c| c.is_active()).cloned()
    }

    /// Closes the connection to `addr`, if any.
    pub fn close_channel(&self, addr: &str) {
        if let Some(slot) = self.inner.slots.lock().remove(addr) {
            if let Ok(g) = slot.try_lock() {
                if let Some(ch) = g.as_ref() {
                    ch.close();
                }
            }
        }
    }

    /// Sends `request` to `addr` and waits for the response; the timeout covers connecting.
    pub async fn invoke(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, RemotingError> {
        let timeout = Duration::from_millis(timeout_millis);
        let started = std::time::Instant::now();
        let ch = match tokio::time::timeout(timeout, self.get_channel(addr)).await {
            Ok(r) => r?,
            Err(_) => {
                return Err(RemotingError::Timeout {
                    addr: addr.into(),
                    timeout_millis,
                });
            }
        };
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(RemotingError::Timeout {
                addr: addr.into(),
                timeout_millis,
            });
        }
        ch.invoke(request, left).await
    }

    /// Sends `request` to `addr` marked oneway.
    pub async fn invoke_oneway(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<(), RemotingError> {
        let timeout = Duration::from_millis(timeout_millis);
        match tokio::time::timeout(timeout, async {
            let ch = self.get_channel(addr).await?;
            ch.invoke_oneway(request).await
        })
        .await
        {
            Ok(r) => r,
            Err(_) => Err(RemotingError::Timeout {
                addr: addr.into(),
                timeout_millis,
            }),
        }
    }

    /// Sends `request` in the background and calls `callback` with the outcome.
    pub fn invoke_async<F>(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
        callback: F,
    ) where
        F: FnOnce(Result<RemotingCommand, RemotingError>) + Send + 'static,
    {
        let this = self.clone();
        let addr = addr.to_string();
        tokio::spawn(async move {
            let r = this.invoke(&addr, request, timeout_millis).await;
            callback(r);
        });
    }

    /// Sends `request` to a name server: the one chosen before if it is reachable, else the
    /// next ones in turn (`getAndCreateNameserverChannel`).
    pub async fn invoke_namesrv(
        &self,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, RemotingError> {
        let addrs = self.name_server_address_list();
        if addrs.is_empty() {
            return Err(RemotingError::NoNameServer);
        }
        let chosen = self.inner.namesrv_chosen.lock().clone();
        let mut order: Vec<String> = Vec::with_capacity(addrs.len() + 1);
        if let Some(c) = chosen {
            order.push(c);
        }
        let start = self.inner.namesrv_index.fetch_add(1, Ordering::Relaxed);
        for i in 0..addrs.len() {
            let a = &addrs[(start + i) % addrs.len()];
            if !order.contains(a) {
                order.push(a.clone());
            }
        }
        let mut last_err = RemotingError::NoNameServer;
        for addr in order {
            match self.invoke(&addr, request.clone(), timeout_millis).await {
                Ok(resp) => {
                    *self.inner.namesrv_chosen.lock() = Some(addr);
                    return Ok(resp);
                }
                Err(e @ RemotingError::ConnectFailed { .. }) => {
                    tracing::debug!(addr, error = %e, "name server unreachable, trying the next");
                    last_err = e;
                }
                Err(e) => {
                    // Timeouts and closed connections: forget the choice, report the error.
                    *self.inner.namesrv_chosen.lock() = None;
                    return Err(e);
                }
            }
        }
        Err(last_err)
    }

    /// Closes every connection.
    pub async fn shutdown(&self) {
        let slots: Vec<Slot> = self.inner.slots.lock().drain().map(|(_, s)| s).collect();
        for slot in slots {
            if let Some(ch) = slot.lock().await.take() {
                ch.close();
            }
        }
        self.inner.tracker.close();
    }
}

fn rand_start() -> usize {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as usize)
        .unwrap_or(0)
}
