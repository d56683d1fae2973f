//! `ClientError`: every error the client returns (Java `MQClientException`,
//! `MQBrokerException`, `RemotingException` and its subclasses,
//! `RemotingTooMuchRequestException`).

use rmq_common::message::message_decoder::MessageDecodeError;
use rmq_remoting::RemotingError;

/// Errors of rmq-client. Texts copy Java's, since users grep for them.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// A client-side failure with Java's response code (`-1` when Java has none) and message
    /// (`MQClientException`).
    #[error("CODE: {code}  DESC: {message}")]
    MQClientException {
        /// Java's `responseCode` (`-1` for a plain client error).
        code: i32,
        /// The error text, usually ending with the FAQ pointer.
        message: String,
    },
    /// The broker answered with an error code (`MQBrokerException`).
    #[error("CODE: {code}  DESC: {remark} BROKER: {broker_addr}")]
    MQBrokerException {
        /// The response code.
        code: i32,
        /// The response remark.
        remark: String,
        /// The broker that answered.
        broker_addr: String,
    },
    /// No name server knows a route of the topic (`No route info of this topic: T`).
    #[error("{message}")]
    NoRouteInfo {
        /// The topic.
        topic: String,
        /// Java's full text including the FAQ pointer.
        message: String,
    },
    /// The whole send, retries included, ran past its timeout (`sendDefaultImpl call timeout`).
    #[error("{0}")]
    Timeout(String),
    /// A transport failure (connect, write, response timeout).
    #[error(transparent)]
    Remoting(#[from] RemotingError),
    /// An argument broke a rule (`IllegalArgumentException`, `Validators` checks).
    #[error("{0}")]
    IllegalArgument(String),
    /// The client is not in the state the call needs (`The producer service state not OK`).
    #[error("{0}")]
    IllegalState(String),
    /// A message or body from the broker could not be decoded.
    #[error("decode failed: {0}")]
    Decode(String),
    /// A local file (broadcast offsets) could not be read or written.
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

impl ClientError {
    /// Builds an `MQClientException` with Java's code and text.
    pub fn client(code: i32, message: impl Into<String>) -> Self {
        ClientError::MQClientException {
            code,
            message: message.into(),
        }
    }

    /// Builds an `MQBrokerException` from a response.
    pub fn broker(code: i32, remark: Option<&str>, broker_addr: &str) -> Self {
        ClientError::MQBrokerException {
            code,
            remark: remark.unwrap_or_default().to_string(),
            broker_addr: broker_addr.to_string(),
        }
    }

    /// Returns the response code carried by broker and client exceptions.
    pub fn response_code(&self) -> Option<i32> {
        match self {
            ClientError::MQClientException { code, .. }
            | ClientError::MQBrokerException { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Returns true for transport failures and timeouts (Java's `RemotingException`s).
    pub fn is_remoting(&self) -> bool {
        matches!(self, ClientError::Remoting(_) | ClientError::Timeout(_))
    }
}

/// A frame, header or body that does not decode is a remoting failure, as Java's
/// `RemotingCommandException` is a `RemotingException`.
impl From<rmq_remoting::CodecError> for ClientError {
    fn from(e: rmq_remoting::CodecError) -> Self {
        ClientError::Remoting(e.into())
    }
}

impl From<MessageDecodeError> for ClientError {
    fn from(e: MessageDecodeError) -> Self {
        ClientError::Decode(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_follow_java() {
        let e = ClientError::broker(17, Some("topic not exist"), "127.0.0.1:10911");
        assert_eq!(
            e.to_string(),
            "CODE: 17  DESC: topic not exist BROKER: 127.0.0.1:10911"
        );
        assert_eq!(e.response_code(), Some(17));
        assert!(!e.is_remoting());
        let e = ClientError::Timeout("sendDefaultImpl call timeout".into());
        assert!(e.is_remoting());
        assert_eq!(e.to_string(), "sendDefaultImpl call timeout");
    }
}
