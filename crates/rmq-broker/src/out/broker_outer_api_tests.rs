//! The broker's own calls carry `innerClientAuthenticationCredentials`' signature.

use super::*;
use async_trait::async_trait;
use rmq_remoting::acl::SignedRequest;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{
    Channel, NettyClientConfig, NettyServerConfig, RemotingError, RemotingServer, RequestProcessor,
};

/// Answers SUCCESS only to a request signed by `ak` with `sk`.
struct Verifier;

#[async_trait]
impl RequestProcessor for Verifier {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let ok = SignedRequest::from_request(&request)
            .is_some_and(|s| s.access_key == "inner" && s.verify("inner-secret"));
        Ok(Some(if ok {
            let mut r = RemotingCommand::success();
            r.body = bytes::Bytes::from_static(b"{}");
            r
        } else {
            RemotingCommand::error(ResponseCode::NO_PERMISSION, "unsigned")
        }))
    }
}

#[tokio::test]
async fn calls_are_signed_with_the_inner_credentials() {
    let mut d = RequestDispatcher::new();
    d.register_default_processor(Arc::new(Verifier));
    let config = NettyServerConfig {
        listen_port: 0,
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    let server = RemotingServer::bind(&config, Arc::new(d))
        .await
        .expect("bind");
    let addr = server.local_addr().to_string();
    let client = || {
        RemotingClient::new(
            NettyClientConfig::default(),
            Arc::new(RequestDispatcher::new()),
        )
    };
    let signed = BrokerOuterAPI::new(client())
        .with_credentials(Some(SessionCredentials::new("inner", "inner-secret")));
    assert_eq!(
        signed.get_all_delay_offset(&addr).await.expect("signed"),
        "{}"
    );
    let unsigned = BrokerOuterAPI::new(client());
    assert!(unsigned.get_all_delay_offset(&addr).await.is_err());
    signed.shutdown().await;
    unsigned.shutdown().await;
    server.shutdown(std::time::Duration::ZERO).await;
}
