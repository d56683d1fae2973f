//! Errors of rmq-remoting, in two layers: [`CodecError`] for turning bytes into frames,
//! headers and bodies and back (pure, no I/O; Java `RemotingCommandException`), and
//! [`RemotingError`] for the transport (connect, send, timeout, closed, socket errors), which
//! wraps a `CodecError` met on a connection.
//!
//! A variant that wraps another error writes that error's text into its own and does not
//! also return it from `source()`, so a chain printed with `{:#}` names each cause once.

use std::net::SocketAddr;

/// A frame, custom header or body that does not decode or encode (Java
/// `RemotingCommandException`). No I/O is involved.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
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
}

/// What can go wrong talking to a peer.
#[derive(Debug, thiserror::Error)]
pub enum RemotingError {
    /// A frame, header or body that does not decode or encode; its text is this error's.
    #[error(transparent)]
    Codec(#[from] CodecError),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn a_codec_error_keeps_its_text_as_a_remoting_error() {
        let e: RemotingError = CodecError::MissingHeaderField("topic").into();
        assert!(matches!(
            e,
            RemotingError::Codec(CodecError::MissingHeaderField("topic"))
        ));
        assert_eq!(e.to_string(), "the custom field <topic> is null");
        assert!(e.source().is_none(), "the text would be printed twice");
        let io: RemotingError = std::io::Error::other("reset").into();
        assert_eq!(io.to_string(), "io error: reset");
    }
}
