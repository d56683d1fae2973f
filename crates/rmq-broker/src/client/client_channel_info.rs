//! `ClientChannelInfo`: one client connection known from its heartbeats (Java
//! `broker/client/ClientChannelInfo`).

use rmq_common::util_all::current_millis;
use rmq_remoting::{Channel, LanguageCode};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A client's connection, id, language and version, and when it last sent a heartbeat.
#[derive(Clone)]
pub struct ClientChannelInfo {
    pub channel: Channel,
    pub client_id: String,
    pub language: LanguageCode,
    pub version: i32,
    last_update_timestamp: Arc<AtomicI64>,
}

impl ClientChannelInfo {
    /// Builds the info of a client seen now.
    pub fn new(channel: Channel, client_id: String, language: LanguageCode, version: i32) -> Self {
        ClientChannelInfo {
            channel,
            client_id,
            language,
            version,
            last_update_timestamp: Arc::new(AtomicI64::new(current_millis())),
        }
    }

    /// Returns when the client last sent a heartbeat (ms).
    pub fn last_update_timestamp(&self) -> i64 {
        self.last_update_timestamp.load(Ordering::Relaxed)
    }

    /// Records a heartbeat.
    pub fn set_last_update_timestamp(&self, ts: i64) {
        self.last_update_timestamp.store(ts, Ordering::Relaxed);
    }
}

impl fmt::Debug for ClientChannelInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ClientChannelInfo [channel={}, clientId={}, language={}, version={}, lastUpdateTimestamp={}]",
            self.channel.remote_addr(),
            self.client_id,
            self.language,
            self.version,
            self.last_update_timestamp()
        )
    }
}
