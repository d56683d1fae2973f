//! `Broker2Client`: requests the broker sends to clients on their own connections (Java
//! `broker/client/net/Broker2Client`): NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE
//! (both oneway) and synchronous calls relayed for admin tools.

use rmq_remoting::protocol::header::client::NotifyConsumerIdsChangedRequestHeader;
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestCode};
use std::time::Duration;

/// Timeout of calls relayed to a client (Java `callClient`: 10 s).
pub const CALL_CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends NOTIFY_CONSUMER_IDS_CHANGED oneway; errors are logged.
pub async fn notify_consumer_ids_changed(channel: &Channel, consumer_group: &str) {
    let header = NotifyConsumerIdsChangedRequestHeader {
        consumer_group: consumer_group.to_string(),
    };
    let request =
        RemotingCommand::create_request_command(RequestCode::NOTIFY_CONSUMER_IDS_CHANGED, &header);
    if let Err(e) = channel.invoke_oneway(request).await {
        tracing::error!(group = consumer_group, error = %e, "notifyConsumerIdsChanged exception");
    }
}

/// Sends `request` to a client and waits up to 10 s for its answer (Java `callClient`).
pub async fn call_client(
    channel: &Channel,
    request: RemotingCommand,
) -> Result<RemotingCommand, RemotingError> {
    channel.invoke(request, CALL_CLIENT_TIMEOUT).await
}

/// Sends `request` to a client oneway.
pub async fn invoke_oneway(
    channel: &Channel,
    request: RemotingCommand,
) -> Result<(), RemotingError> {
    channel.invoke_oneway(request).await
}
