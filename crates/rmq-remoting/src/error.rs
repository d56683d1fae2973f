//! Errors of the codec, the header mapping and the transport.
//!
//! A variant that wraps another error writes that error's text into its own and does not
//! also return it from `source()`, so a chain printed with `{:#}` names each cause once.

use std::net::SocketAddr;

/// Everything that can go wrong in rmq-remoting.
#[derive(Debug, thiserror::Error)]
pub enum RemotingError {
    /// A frame's length field is outside `4..=16 MiB - 4`.
    #[error("frame length {length} out of range (max {max})")]
    FrameTooLarge { length: i64, max: usize },
    /// A frame whose header could not be decoded.
    #[error("bad frame: {0}")]
    BadFrame(String),
    /// An unknown serialize type byte.
    #[error("unknown serialize type {0}")]
    UnknownSerializeType(u8),
    /// A required custom header field is absent (Java: `the custom field <x> is null`).
    #[error("the custom field <{0}> is null")]
    MissingHeaderField(&'static str),
    /// A body could not be decoded.
    #[error("bad body: {0}")]
    BadBody(String),
    /// A request got no response in time.
    #[error("wait response on the channel <{addr}> timeout, {timeout_millis}(ms)")]
    Timeout { addr: String, timeout_millis: u64 },
    /// Connecting failed.
    #[error("connect to {addr} failed: {reason}")]
    ConnectFailed { addr: String, reason: String },
    /// The connection closed before the response arrived, or writing failed.
    #[error("send request to <{addr}> failed: {reason}")]
    SendFailed { addr: String, reason: String },
    /// No address is known to send to.
    #[error("no name server address is set")]
    NoNameServer,
    /// A socket error. Its text is part of this error's text, so it is not also exposed
    /// as `source()` (a printed chain would repeat it).
    #[error("io error: {0}")]
    Io(std::io::Error),
    /// A listener could not bind its address (Java: `Failed to bind to %s:%d`).
    #[error("failed to bind to {addr}: {error}")]
    Bind { addr: String, error: std::io::Error },
    /// A listen port outside `0..=65535`.
    #[error("listen port {port} out of range: a port must be 0..=65535")]
    InvalidPort { port: i32 },
    /// A processor failed; the text becomes the SYSTEM_ERROR remark.
    #[error("{0}")]
    Processor(String),
}

impl From<std::io::Error> for RemotingError {
    fn from(e: std::io::Error) -> Self {
        RemotingError::Io(e)
    }
}

impl RemotingError {
    /// Builds a send failure for a peer.
    pub fn send_failed(addr: impl ToString, reason: impl ToString) -> Self {
        RemotingError::SendFailed {
            addr: addr.to_string(),
            reason: reason.to_string(),
        }
    }

    /// Builds a timeout for a peer.
    pub fn timeout(addr: &SocketAddr, timeout_millis: u64) -> Self {
        RemotingError::Timeout {
            addr: addr.to_string(),
            timeout_millis,
        }
    }
}
