#![allow(clippy::unwrap_used)]
//! `forceRegister=false`: the broker asks QUERY_DATA_VERSION first and registers only when a
//! name server is behind (Java `BrokerController#needRegister`), against a scripted name
//! server.

mod common;

use common::*;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::header::namesrv::QueryDataVersionResponseHeader;
use rmq_remoting::{
    Channel, NettyServerConfig, RemotingCommand, RemotingError, RemotingServer, RequestCode,
    RequestProcessor, ResponseCode,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Records request codes; answers QUERY_DATA_VERSION with `changed`.
struct ScriptedNamesrv {
    codes: parking_lot::Mutex<Vec<i32>>,
    changed: AtomicBool,
}

impl ScriptedNamesrv {
    fn count(&self, code: RequestCode) -> usize {
        self.codes.lock().iter().filter(|c| **c == code.0).count()
    }
}

#[async_trait::async_trait]
impl RequestProcessor for ScriptedNamesrv {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        self.codes.lock().push(request.code);
        if request.code == RequestCode::QUERY_DATA_VERSION.0 {
            let header = QueryDataVersionResponseHeader {
                changed: self.changed.load(Ordering::SeqCst),
            };
            // No body: only `changed` decides.
            return Ok(Some(RemotingCommand::response_with_header(
                ResponseCode::SUCCESS,
                &header,
            )));
        }
        Ok(Some(RemotingCommand::success()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_force_register_only_a_stale_name_server_gets_a_registration() {
    let ns = Arc::new(ScriptedNamesrv {
        codes: parking_lot::Mutex::new(Vec::new()),
        changed: AtomicBool::new(false),
    });
    let mut d = RequestDispatcher::new();
    d.register_default_processor(ns.clone());
    let server = RemotingServer::bind(
        &NettyServerConfig {
            listen_port: 0,
            bind_address: "127.0.0.1".into(),
            ..Default::default()
        },
        Arc::new(d),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut configs = test_configs(dir.path(), Some(server.local_addr().to_string()));
    configs.broker_config.force_register = false;
    let broker = rmq_broker::BrokerController::start(configs).await.unwrap();
    // The registration at start is forced.
    assert_eq!(ns.count(RequestCode::REGISTER_BROKER), 1);
    assert_eq!(ns.count(RequestCode::QUERY_DATA_VERSION), 0);

    let c = broker.controller().clone();
    c.register_broker_all(true, false, false).await;
    assert_eq!(ns.count(RequestCode::QUERY_DATA_VERSION), 1);
    assert_eq!(
        ns.count(RequestCode::REGISTER_BROKER),
        1,
        "an up-to-date name server is not registered again"
    );
    ns.changed.store(true, Ordering::SeqCst);
    c.register_broker_all(true, false, false).await;
    assert_eq!(ns.count(RequestCode::QUERY_DATA_VERSION), 2);
    assert_eq!(ns.count(RequestCode::REGISTER_BROKER), 2);
    // Forced: no query.
    c.register_broker_all(true, false, true).await;
    assert_eq!(ns.count(RequestCode::QUERY_DATA_VERSION), 2);
    assert_eq!(ns.count(RequestCode::REGISTER_BROKER), 3);

    broker.shutdown().await;
    assert_eq!(ns.count(RequestCode::UNREGISTER_BROKER), 1);
    server.shutdown(std::time::Duration::ZERO).await;
}
