//! Errors of the broker crate, and the one mapping from an error to a response code and
//! remark ([`BrokerError::code_and_remark`]).
//!
//! Processors return `Result<RemotingCommand, BrokerError>`; [`answer`] turns the error into
//! the answer (Java processors set `response.setCode(..)` and `setRemark(..)` where they
//! refuse). A request header or body that does not decode stays a [`RemotingError`] for the
//! remoting layer to answer, as before.

use rmq_remoting::{CodecError, RemotingCommand, RemotingError, ResponseCode};
use std::path::PathBuf;

/// Everything that can stop the broker from starting, a config file from loading, or a
/// request from being served.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The message store failed to open or start.
    #[error(transparent)]
    Store(#[from] rmq_store::StoreError),
    /// A listener or client failed, or a request did not decode.
    #[error(transparent)]
    Remoting(#[from] RemotingError),
    /// The fast channel's listener (`listenPort - 2`) could not be set up; says so, since
    /// the port in the message is not the one the config names.
    #[error("fast channel (listenPort - 2): {0}")]
    FastChannel(RemotingError),
    /// A config value is unusable.
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    /// A file could not be read or written.
    /// The OS error is part of the text (not a `source()`, so a printed chain names it once).
    #[error("io error on {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The broker, topic or group may not do this (NO_PERMISSION).
    #[error("no permission: {0}")]
    NoPermission(String),
    /// A request field is out of range or malformed (INVALID_PARAMETER).
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// A pull the broker, topic or group forbids (NO_PERMISSION with `forbiddenType`, Java
    /// `ForbiddenType`).
    #[error("forbidden ({forbidden_type}): {remark}")]
    Forbidden { remark: String, forbidden_type: i32 },
    /// The topic is unknown (TOPIC_NOT_EXIST).
    #[error("topic not exist: {0}")]
    TopicNotExist(String),
    /// The subscription group is unknown (SUBSCRIPTION_GROUP_NOT_EXIST).
    #[error("subscription group not exist: {0}")]
    SubscriptionGroupNotExist(String),
    /// The message may not be stored as sent (MESSAGE_ILLEGAL).
    #[error("message illegal: {0}")]
    MessageIllegal(String),
    /// Flow control refused the request (SYSTEM_BUSY).
    #[error("system busy: {0}")]
    SystemBusy(String),
    /// The broker cannot serve the request now (SERVICE_NOT_AVAILABLE).
    #[error("service not available: {0}")]
    ServiceNotAvailable(String),
    /// Nothing matches the query (QUERY_NOT_FOUND).
    #[error("query not found: {0}")]
    QueryNotFound(String),
    /// The consumer group has no online client (CONSUMER_NOT_ONLINE).
    #[error("consumer not online: {0}")]
    ConsumerNotOnline(String),
    /// The request code is not served (REQUEST_CODE_NOT_SUPPORTED).
    #[error("request code not supported: {0}")]
    RequestCodeNotSupported(String),
    /// Anything else the broker failed at (SYSTEM_ERROR).
    #[error("system error: {0}")]
    SystemError(String),
    /// A refusal with another response code (Java's rarer codes, e.g. SUBSCRIPTION_NOT_EXIST).
    #[error("response code {}: {remark:?}", code.0)]
    Refused {
        code: ResponseCode,
        remark: Option<String>,
    },
    /// A server the broker called answered with an error code (Java `MQBrokerException`,
    /// printed as Java does: `CODE: 1  DESC: ...`).
    #[error("CODE: {code}  DESC: {remark}")]
    PeerAnswer { code: i32, remark: String },
}

/// A request header or body that does not decode goes to the remoting layer as before.
impl From<CodecError> for BrokerError {
    fn from(e: CodecError) -> Self {
        BrokerError::Remoting(RemotingError::from(e))
    }
}

impl BrokerError {
    /// Builds an I/O error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BrokerError::Io {
            path: path.into(),
            error: source,
        }
    }

    /// A refusal with `code` and `remark`.
    pub fn refused(code: ResponseCode, remark: impl Into<String>) -> Self {
        BrokerError::Refused {
            code,
            remark: Some(remark.into()),
        }
    }

    /// The response code and remark the error is answered with: the one mapping.
    pub fn code_and_remark(&self) -> (ResponseCode, Option<String>) {
        let text = |s: &String| Some(s.clone());
        match self {
            BrokerError::NoPermission(r) => (ResponseCode::NO_PERMISSION, text(r)),
            BrokerError::Forbidden { remark, .. } => (ResponseCode::NO_PERMISSION, text(remark)),
            BrokerError::InvalidParameter(r) => (ResponseCode::INVALID_PARAMETER, text(r)),
            BrokerError::TopicNotExist(r) => (ResponseCode::TOPIC_NOT_EXIST, text(r)),
            BrokerError::SubscriptionGroupNotExist(r) => {
                (ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST, text(r))
            }
            BrokerError::MessageIllegal(r) => (ResponseCode::MESSAGE_ILLEGAL, text(r)),
            BrokerError::SystemBusy(r) => (ResponseCode::SYSTEM_BUSY, text(r)),
            BrokerError::ServiceNotAvailable(r) => (ResponseCode::SERVICE_NOT_AVAILABLE, text(r)),
            BrokerError::QueryNotFound(r) => (ResponseCode::QUERY_NOT_FOUND, text(r)),
            BrokerError::ConsumerNotOnline(r) => (ResponseCode::CONSUMER_NOT_ONLINE, text(r)),
            BrokerError::RequestCodeNotSupported(r) => {
                (ResponseCode::REQUEST_CODE_NOT_SUPPORTED, text(r))
            }
            BrokerError::SystemError(r) => (ResponseCode::SYSTEM_ERROR, text(r)),
            BrokerError::Refused { code, remark } => (*code, remark.clone()),
            other => (ResponseCode::SYSTEM_ERROR, Some(other.to_string())),
        }
    }

    /// The error answer (Java `RemotingCommand.createResponseCommand(code, remark)`).
    pub fn into_response(self) -> RemotingCommand {
        self.apply_to(RemotingCommand::success())
    }

    /// Sets the code and remark on a response already built (the send path's answer keeps
    /// the ext fields it started with).
    pub fn apply_to(self, mut response: RemotingCommand) -> RemotingCommand {
        let (code, remark) = self.code_and_remark();
        response.code = code.0;
        response.remark = remark;
        if let BrokerError::Forbidden { forbidden_type, .. } = self {
            response.add_ext_field("forbiddenType", forbidden_type.to_string());
        }
        response
    }
}

/// A processor's outcome as the dispatcher takes it: errors become their answer, except a
/// request that did not decode, which the remoting layer answers.
pub fn answer(
    result: Result<RemotingCommand, BrokerError>,
) -> Result<Option<RemotingCommand>, RemotingError> {
    match result {
        Ok(r) => Ok(Some(r)),
        Err(BrokerError::Remoting(e)) => Err(e),
        Err(e) => Ok(Some(e.into_response())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_answer_prints_as_java_and_maps_to_system_error() {
        let e = BrokerError::PeerAnswer {
            code: 1,
            remark: "bad body".into(),
        };
        assert_eq!(e.to_string(), "CODE: 1  DESC: bad body");
        assert_eq!(
            e.code_and_remark(),
            (
                ResponseCode::SYSTEM_ERROR,
                Some("CODE: 1  DESC: bad body".into())
            )
        );
    }

    #[test]
    fn each_refusal_maps_to_its_code_and_keeps_the_remark() {
        let cases = [
            (
                BrokerError::NoPermission("a".into()),
                ResponseCode::NO_PERMISSION,
            ),
            (
                BrokerError::InvalidParameter("a".into()),
                ResponseCode::INVALID_PARAMETER,
            ),
            (
                BrokerError::TopicNotExist("a".into()),
                ResponseCode::TOPIC_NOT_EXIST,
            ),
            (
                BrokerError::SubscriptionGroupNotExist("a".into()),
                ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            ),
            (
                BrokerError::MessageIllegal("a".into()),
                ResponseCode::MESSAGE_ILLEGAL,
            ),
            (
                BrokerError::SystemBusy("a".into()),
                ResponseCode::SYSTEM_BUSY,
            ),
            (
                BrokerError::ServiceNotAvailable("a".into()),
                ResponseCode::SERVICE_NOT_AVAILABLE,
            ),
            (
                BrokerError::QueryNotFound("a".into()),
                ResponseCode::QUERY_NOT_FOUND,
            ),
            (
                BrokerError::ConsumerNotOnline("a".into()),
                ResponseCode::CONSUMER_NOT_ONLINE,
            ),
            (
                BrokerError::RequestCodeNotSupported("a".into()),
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
            ),
            (
                BrokerError::SystemError("a".into()),
                ResponseCode::SYSTEM_ERROR,
            ),
            (
                BrokerError::refused(ResponseCode::SUBSCRIPTION_NOT_EXIST, "a"),
                ResponseCode::SUBSCRIPTION_NOT_EXIST,
            ),
        ];
        for (e, code) in cases {
            let r = e.into_response();
            assert_eq!((r.code, r.remark.as_deref()), (code.0, Some("a")));
        }
        let forbidden = BrokerError::Forbidden {
            remark: "f".into(),
            forbidden_type: 3,
        }
        .into_response();
        assert_eq!(forbidden.code, ResponseCode::NO_PERMISSION.0);
        assert_eq!(
            forbidden
                .ext_fields
                .get("forbiddenType")
                .map(String::as_str),
            Some("3")
        );
        let (code, remark) = BrokerError::InvalidConfig("x".into()).code_and_remark();
        assert_eq!(
            (code, remark.as_deref()),
            (ResponseCode::SYSTEM_ERROR, Some("invalid config: x"))
        );
    }

    #[test]
    fn apply_to_keeps_ext_fields_and_answer_passes_decode_errors_on() {
        let mut shell = RemotingCommand::success();
        shell.add_ext_field("MSG_REGION", "r");
        let r = BrokerError::NoPermission("no".into()).apply_to(shell);
        assert_eq!(r.code, ResponseCode::NO_PERMISSION.0);
        assert_eq!(
            r.ext_fields.get("MSG_REGION").map(String::as_str),
            Some("r")
        );
        let refused = answer(Err(BrokerError::SystemBusy("busy".into())));
        assert_eq!(
            refused.ok().flatten().map(|r| r.code),
            Some(ResponseCode::SYSTEM_BUSY.0)
        );
        let decode = answer(Err(BrokerError::from(CodecError::BadBody(
            "bad header".into(),
        ))));
        assert!(decode.is_err());
    }
}
