//! What the state machine answers to a request: a response and the events to replicate
//! before it is sent (Java `ControllerResult`).

use crate::event::ControllerEvent;
use rmq_remoting::protocol::header::CommandCustomHeader;
use rmq_remoting::{RemotingCommand, ResponseCode};

/// A response header, code, remark and body, plus the events that must be committed first.
#[derive(Debug, Clone)]
pub struct ControllerResult<H> {
    pub response: H,
    pub code: ResponseCode,
    pub remark: Option<String>,
    pub body: Option<Vec<u8>>,
    pub events: Vec<ControllerEvent>,
}

impl<H: CommandCustomHeader> ControllerResult<H> {
    /// A SUCCESS result with `response` as header.
    pub fn new(response: H) -> Self {
        ControllerResult {
            response,
            code: ResponseCode::SUCCESS,
            remark: None,
            body: None,
            events: Vec::new(),
        }
    }

    /// Sets the response code and remark (`setCodeAndRemark`).
    pub fn set_code_and_remark(&mut self, code: ResponseCode, remark: impl Into<String>) {
        self.code = code;
        self.remark = Some(remark.into());
    }

    /// The response command (header, code, remark, body).
    pub fn to_command(&self) -> RemotingCommand {
        let mut cmd = RemotingCommand::response_with_header(self.code, &self.response);
        if let Some(remark) = &self.remark {
            cmd = cmd.with_remark(remark.clone());
        }
        if let Some(body) = &self.body {
            cmd = cmd.with_body(body.clone());
        }
        cmd
    }
}
