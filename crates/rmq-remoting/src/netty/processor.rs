//! Request processors and the per-code dispatch table (Java `NettyRequestProcessor`,
//! `NettyRemotingAbstract#processRequestCommand`, `ChannelEventListener`).

use super::channel::Channel;
use crate::error::RemotingError;
use crate::protocol::{RemotingCommand, RequestCode, ResponseCode};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// Handles the requests of one or more codes.
#[async_trait]
pub trait RequestProcessor: Send + Sync + 'static {
    /// Handles `request` from `channel`. `Ok(Some(response))` is sent back (unless the
    /// request was oneway) with the request's opaque and serialize type; `Ok(None)` sends
    /// nothing now (e.g. a parked long-polling pull answered later through
    /// [`Channel::send_response`]); `Err(e)` is answered with SYSTEM_ERROR and `e` as remark.
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError>;

    /// Returns true while the processor wants new requests refused with SYSTEM_BUSY.
    fn reject_request(&self) -> bool {
        false
    }
}

/// Told about connections opening and closing (`ChannelEventListener`). Called on the
/// connection's task: implementations must not block.
pub trait ChannelEventListener: Send + Sync + 'static {
    /// A connection opened.
    fn on_channel_connect(&self, _remote_addr: &str, _channel: &Channel) {}
    /// A connection closed (by either side).
    fn on_channel_close(&self, _remote_addr: &str, _channel: &Channel) {}
    /// A connection failed with an error (it is closed too).
    fn on_channel_exception(&self, _remote_addr: &str, _channel: &Channel) {}
    /// A connection was idle for the configured time (it is closed too).
    fn on_channel_idle(&self, _remote_addr: &str, _channel: &Channel) {}
}

/// Maps request codes to processors; built before a server or client starts.
#[derive(Default, Clone)]
pub struct RequestDispatcher {
    processors: HashMap<i32, Arc<dyn RequestProcessor>>,
    default_processor: Option<Arc<dyn RequestProcessor>>,
    listener: Option<Arc<dyn ChannelEventListener>>,
}

impl RequestDispatcher {
    /// Returns an empty table: every request is answered REQUEST_CODE_NOT_SUPPORTED.
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes `code` to `processor`.
    pub fn register_processor(&mut self, code: RequestCode, processor: Arc<dyn RequestProcessor>) {
        self.processors.insert(code.0, processor);
    }

    /// The codes with their own processor, ascending.
    pub fn registered_codes(&self) -> Vec<i32> {
        let mut codes: Vec<i32> = self.processors.keys().copied().collect();
        codes.sort_unstable();
        codes
    }

    /// Routes every code without its own processor to `processor`.
    pub fn register_default_processor(&mut self, processor: Arc<dyn RequestProcessor>) {
        self.default_processor = Some(processor);
    }

    /// Sets the connection event listener.
    pub fn set_channel_event_listener(&mut self, listener: Arc<dyn ChannelEventListener>) {
        self.listener = Some(listener);
    }

    pub(crate) fn listener(&self) -> Option<&Arc<dyn ChannelEventListener>> {
        self.listener.as_ref()
    }

    /// Processes one request and returns the response to send, if any, already marked as
    /// a response to `request`.
    pub async fn dispatch(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Option<RemotingCommand> {
        let opaque = request.opaque;
        let oneway = request.is_oneway();
        let serialize_type = request.serialize_type;
        let code = request.code;
        let processor = self
            .processors
            .get(&code)
            .or(self.default_processor.as_ref());
        let response = match processor {
            None => Some(RemotingCommand::error(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {code} not supported"),
            )),
            Some(p) if p.reject_request() => Some(RemotingCommand::error(
                ResponseCode::SYSTEM_BUSY,
                "[REJECTREQUEST]system busy, start flow control for a while",
            )),
            Some(p) => {
                let fut = std::panic::AssertUnwindSafe(p.process_request(channel, request));
                match futures::FutureExt::catch_unwind(fut).await {
                    Ok(Ok(r)) => r,
                    Ok(Err(e)) => {
                        tracing::warn!(code, remote = %channel.remote_addr(), error = %e, "process request failed");
                        Some(RemotingCommand::error(
                            ResponseCode::SYSTEM_ERROR,
                            e.to_string(),
                        ))
                    }
                    Err(_) => {
                        tracing::error!(code, remote = %channel.remote_addr(), "processor panicked");
                        Some(RemotingCommand::error(
                            ResponseCode::SYSTEM_ERROR,
                            format!("process request {code} failed: internal error"),
                        ))
                    }
                }
            }
        };
        if oneway {
            return None;
        }
        response.map(|mut r| {
            r.opaque = opaque;
            r.mark_response();
            r.serialize_type = serialize_type;
            r
        })
    }
}
