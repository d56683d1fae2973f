//! The request processor wrapper that authenticates and authorizes a request before its
//! processor sees it (Java `BrokerController.initialRequestPipeline`: the pipeline runs after
//! the processor's `rejectRequest` check and before `processRequest`; a refusal is answered
//! NO_PERMISSION with the exception's message as remark).

use super::AuthService;
use async_trait::async_trait;
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestProcessor, ResponseCode};
use std::sync::Arc;

/// Checks every request with an [`AuthService`], then hands it to `inner`.
pub struct AuthGuard {
    inner: Arc<dyn RequestProcessor>,
    auth: Arc<AuthService>,
}

impl AuthGuard {
    /// Wraps `inner` when `auth` checks anything; returns `inner` unchanged otherwise.
    pub fn wrap(inner: Arc<dyn RequestProcessor>, auth: &Arc<AuthService>) -> Arc<dyn RequestProcessor> {
        if !auth.enabled() {
            return inner;
        }
        Arc::new(AuthGuard {
            inner,
            auth: auth.clone(),
        })
    }
}

#[async_trait]
impl RequestProcessor for AuthGuard {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let source_ip = channel.remote_addr().ip().to_string();
        if let Err(remark) = self.auth.check(&request, &source_ip) {
            tracing::info!(code = request.code, remote = %channel.remote_addr(), remark = %remark, "request refused by ACL");
            return Ok(Some(RemotingCommand::error(ResponseCode::NO_PERMISSION, remark)));
        }
        self.inner.process_request(channel, request).await
    }

    fn reject_request(&self) -> bool {
        self.inner.reject_request()
    }
}
